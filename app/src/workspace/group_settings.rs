//! Group settings (the policy of one member's view of a group): the keys
//! `group settings` and `settings` take, their values, their validation,
//! their text form (`key=value` lines, as stored), and the
//! [`GroupConfig`] they become.

use std::fmt;

use mls_core::group::{GroupConfig, IncomingHandshake};
use mls_core::policy::{Policy, Strategy};
use mls_core::schedule::RatchetConfig;

/// How competing commits of one epoch are settled (used by the
/// orchestrator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    FirstSeen,
    LowestLeaf,
    LowestHash,
}

impl Conflict {
    /// The setting's value (`first-seen`, `lowest-leaf`, `lowest-hash`).
    pub fn as_str(self) -> &'static str {
        match self {
            Conflict::FirstSeen => "first-seen",
            Conflict::LowestLeaf => "lowest-leaf",
            Conflict::LowestHash => "lowest-hash",
        }
    }

    /// The orchestrator's strategy for it.
    pub fn strategy(self) -> Strategy {
        match self {
            Conflict::FirstSeen => Strategy::FirstSeen,
            Conflict::LowestLeaf => Strategy::LowestSenderLeaf,
            Conflict::LowestHash => Strategy::LowestHash,
        }
    }
}

/// Which credentials members must present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// Basic, or X.509 validated against the workspace's trust roots.
    Any,
    /// Basic credentials only.
    Basic,
    /// X.509 only, validated against the workspace's trust roots.
    X509,
}

/// One member's settings for one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupSettings {
    /// Send commits and proposals as PrivateMessage.
    pub handshake_private: bool,
    pub accept_handshake: IncomingHandshake,
    pub padding: usize,
    pub external_commits: bool,
    pub external_proposals: bool,
    pub credentials: Credentials,
    pub ratchet: RatchetConfig,
    pub past_epochs: usize,
    pub conflict: Conflict,
    /// Store the plaintext of application messages sent and received
    /// (default: only their size, sender and time).
    pub keep_plaintext: bool,
}

/// A key, its accepted values and what it does (the CLI's errors and the
/// window's tooltips).
#[derive(Debug, Clone, Copy)]
pub struct SettingKey {
    pub key: &'static str,
    pub values: &'static str,
    pub help: &'static str,
}

/// Every key, in display order.
pub const SETTING_KEYS: &[SettingKey] = &[
    SettingKey {
        key: "handshake",
        values: "public|private",
        help: "How this member sends its commits and proposals: PublicMessage (signed, readable by anyone who sees it) or PrivateMessage (encrypted with the epoch's secret tree, hiding who changes what).",
    },
    SettingKey {
        key: "accept_handshake",
        values: "any|public|private",
        help: "Which framings of incoming commits and proposals are accepted; others are refused and change nothing. Application data is always PrivateMessage.",
    },
    SettingKey {
        key: "padding",
        values: "0..=65535",
        help: "Zero bytes appended to the content of each PrivateMessage this member sends, hiding message lengths.",
    },
    SettingKey {
        key: "external_commits",
        values: "allow|refuse",
        help: "Whether new members may join by external commit (RFC 9420 §12.4.3.2); 'allow' also publishes the external public key in exported GroupInfo.",
    },
    SettingKey {
        key: "external_proposals",
        values: "allow|refuse",
        help: "Whether proposals from the group's external senders and new members' Add proposals are accepted (RFC 9420 §12.1.8).",
    },
    SettingKey {
        key: "credentials",
        values: "any|basic|x509",
        help: "Which credentials members must present: any, basic only, or X.509 only (validated against the workspace's trust roots).",
    },
    SettingKey {
        key: "window_size",
        values: "0..=65536",
        help: "Secret tree: keys of skipped generations kept per sender for messages arriving out of order.",
    },
    SettingKey {
        key: "max_generation_gap",
        values: "1..=1000000",
        help: "Secret tree: how far ahead of a sender's ratchet a message's generation may be before it is refused.",
    },
    SettingKey {
        key: "aead_limit_bytes",
        values: "1..=2^62",
        help: "Secret tree: plaintext bytes one sender's ratchet may protect in an epoch before it refuses more.",
    },
    SettingKey {
        key: "past_epochs",
        values: "0..=64",
        help: "Past epochs whose secret trees are kept so late application messages still decrypt (like OpenMLS's max_past_epochs); 0 refuses every message of a past epoch. Handshake messages of past epochs are always refused.",
    },
    SettingKey {
        key: "conflict",
        values: "first-seen|lowest-leaf|lowest-hash",
        help: "How competing commits of one epoch are settled: the first valid one received, the one from the lowest leaf index, or the one whose bytes hash lowest.",
    },
    SettingKey {
        key: "keep_plaintext",
        values: "true|false",
        help: "Whether the plaintext of application messages sent and received is stored in the workspace (sealed if it is protected). Without it the message list keeps their size, sender and time only; `group purge-messages` removes what was stored.",
    },
];

/// A refused `KEY=VALUE`: its Display is the one line the CLI prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error("unknown setting {key:?}; the keys are {}", key_names())]
    UnknownKey { key: String },
    #[error("{key}={value}: expected {key}={accepted}")]
    BadValue {
        key: &'static str,
        value: String,
        accepted: &'static str,
    },
    #[error("{text:?} is not KEY=VALUE; the keys are {}", key_names())]
    NotAssignment { text: String },
}

fn key_names() -> String {
    SETTING_KEYS
        .iter()
        .map(|k| k.key)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Default for GroupSettings {
    fn default() -> Self {
        Self::recommended()
    }
}

impl GroupSettings {
    /// The defaults: `Policy::recommended()`'s incoming framing, secret-tree
    /// tuning and credentials, one past epoch kept, first-seen conflicts.
    /// Framing, padding and external joins keep the workspace's behaviour
    /// so far (public handshakes, no padding, external commits and
    /// proposals allowed): existing flows (`group join-external`) rely on
    /// them; `settings --set handshake=private padding=32
    /// external_commits=refuse external_proposals=refuse` gives the whole
    /// recommended policy.
    pub fn recommended() -> Self {
        let policy = Policy::recommended();
        GroupSettings {
            handshake_private: false,
            accept_handshake: policy.incoming_handshake,
            padding: 0,
            external_commits: true,
            external_proposals: true,
            credentials: match policy.required_credential_type {
                Some(mls_core::messages::CREDENTIAL_X509) => Credentials::X509,
                Some(mls_core::messages::CREDENTIAL_BASIC) => Credentials::Basic,
                _ => Credentials::Any,
            },
            ratchet: policy.ratchet,
            past_epochs: policy.max_past_epochs,
            conflict: Conflict::FirstSeen,
            keep_plaintext: false,
        }
    }

    /// The settings a stored group configuration stands for (groups
    /// written before settings were stored).
    pub fn from_config(config: &GroupConfig) -> Self {
        GroupSettings {
            handshake_private: config.encrypt_handshake,
            accept_handshake: config.incoming_handshake,
            padding: config.padding,
            external_commits: config.accept_external_commits,
            external_proposals: config.accept_external_proposals,
            ratchet: config.ratchet,
            past_epochs: config.max_past_epochs,
            ..Self::recommended()
        }
    }

    /// Writes these settings into `config` (the identity provider is the
    /// caller's: see [`GroupSettings::credentials`]).
    pub fn apply_to(&self, config: &mut GroupConfig) {
        config.encrypt_handshake = self.handshake_private;
        config.incoming_handshake = self.accept_handshake;
        config.padding = self.padding;
        config.accept_external_commits = self.external_commits;
        config.accept_external_proposals = self.external_proposals;
        config.ratchet = self.ratchet;
        config.max_past_epochs = self.past_epochs;
    }

    /// Every key with its value as text, in display order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        SETTING_KEYS
            .iter()
            .map(|k| (k.key, self.value(k.key).unwrap_or_default()))
            .collect()
    }

    /// The value of `key` as text.
    pub fn value(&self, key: &str) -> Option<String> {
        let yes_no = |b: bool| if b { "allow" } else { "refuse" }.to_owned();
        Some(match key {
            "handshake" => if self.handshake_private {
                "private"
            } else {
                "public"
            }
            .to_owned(),
            "accept_handshake" => match self.accept_handshake {
                IncomingHandshake::Mixed => "any",
                IncomingHandshake::PlaintextOnly => "public",
                IncomingHandshake::CiphertextOnly => "private",
            }
            .to_owned(),
            "padding" => self.padding.to_string(),
            "external_commits" => yes_no(self.external_commits),
            "external_proposals" => yes_no(self.external_proposals),
            "credentials" => match self.credentials {
                Credentials::Any => "any",
                Credentials::Basic => "basic",
                Credentials::X509 => "x509",
            }
            .to_owned(),
            "window_size" => self.ratchet.window_size.to_string(),
            "max_generation_gap" => self.ratchet.max_generation_gap.to_string(),
            "aead_limit_bytes" => self.ratchet.aead_limit_bytes.to_string(),
            "past_epochs" => self.past_epochs.to_string(),
            "conflict" => match self.conflict {
                Conflict::FirstSeen => "first-seen",
                Conflict::LowestLeaf => "lowest-leaf",
                Conflict::LowestHash => "lowest-hash",
            }
            .to_owned(),
            "keep_plaintext" => self.keep_plaintext.to_string(),
            _ => return None,
        })
    }

    /// Sets `key` to `value`, or says why not (and changes nothing).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let spec =
            SETTING_KEYS
                .iter()
                .find(|k| k.key == key)
                .ok_or_else(|| SettingError::UnknownKey {
                    key: key.to_owned(),
                })?;
        let bad = || SettingError::BadValue {
            key: spec.key,
            value: value.to_owned(),
            accepted: spec.values,
        };
        let number = |min: u64, max: u64| -> Result<u64, SettingError> {
            value
                .parse::<u64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(bad)
        };
        let allow = || match value {
            "allow" => Ok(true),
            "refuse" => Ok(false),
            _ => Err(bad()),
        };
        let mut next = *self;
        match spec.key {
            "handshake" => {
                next.handshake_private = match value {
                    "public" => false,
                    "private" => true,
                    _ => return Err(bad()),
                }
            }
            "accept_handshake" => {
                next.accept_handshake = match value {
                    "any" => IncomingHandshake::Mixed,
                    "public" => IncomingHandshake::PlaintextOnly,
                    "private" => IncomingHandshake::CiphertextOnly,
                    _ => return Err(bad()),
                }
            }
            "padding" => next.padding = to_usize(number(0, 65_535)?),
            "external_commits" => next.external_commits = allow()?,
            "external_proposals" => next.external_proposals = allow()?,
            "credentials" => {
                next.credentials = match value {
                    "any" => Credentials::Any,
                    "basic" => Credentials::Basic,
                    "x509" => Credentials::X509,
                    _ => return Err(bad()),
                }
            }
            "window_size" => next.ratchet.window_size = to_u32(number(0, 65_536)?),
            "max_generation_gap" => {
                next.ratchet.max_generation_gap = to_u32(number(1, 1_000_000)?);
            }
            "aead_limit_bytes" => next.ratchet.aead_limit_bytes = number(1, 1 << 62)?,
            "past_epochs" => next.past_epochs = to_usize(number(0, 64)?),
            "conflict" => {
                next.conflict = match value {
                    "first-seen" => Conflict::FirstSeen,
                    "lowest-leaf" => Conflict::LowestLeaf,
                    "lowest-hash" => Conflict::LowestHash,
                    _ => return Err(bad()),
                }
            }
            "keep_plaintext" => {
                next.keep_plaintext = match value {
                    "true" => true,
                    "false" => false,
                    _ => return Err(bad()),
                }
            }
            _ => return Err(bad()),
        }
        *self = next;
        Ok(())
    }

    /// Applies `KEY=VALUE` assignments in order; all or nothing.
    pub fn with_assignments<S: AsRef<str>>(&self, assignments: &[S]) -> Result<Self, SettingError> {
        let mut next = *self;
        for a in assignments {
            let a = a.as_ref();
            let (key, value) = a
                .split_once('=')
                .ok_or_else(|| SettingError::NotAssignment { text: a.to_owned() })?;
            next.set(key.trim(), value.trim())?;
        }
        Ok(next)
    }

    /// Reads the stored text (`key=value` lines; unknown keys are an
    /// error, missing keys keep `base`'s value).
    pub fn parse(base: &Self, text: &str) -> Result<Self, SettingError> {
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        base.with_assignments(&lines)
    }
}

impl fmt::Display for GroupSettings {
    /// The stored text: one `key=value` line per key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (key, value) in self.pairs() {
            writeln!(f, "{key}={value}")?;
        }
        Ok(())
    }
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn text_round_trips_and_bad_values_change_nothing() {
        let base = GroupSettings::recommended();
        let changed = base
            .with_assignments(&["handshake=private", "past_epochs=3", "conflict=lowest-hash"])
            .unwrap();
        assert_eq!(
            GroupSettings::parse(&base, &changed.to_string()),
            Ok(changed)
        );
        let err = changed
            .with_assignments(&["padding=7", "past_epochs=65"])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "past_epochs=65: expected past_epochs=0..=64"
        );
        assert!(matches!(
            base.with_assignments(&["colour=red"]),
            Err(SettingError::UnknownKey { .. })
        ));
        let mut config = GroupConfig::default();
        changed.apply_to(&mut config);
        assert_eq!(GroupSettings::from_config(&config).past_epochs, 3);
        assert!(config.encrypt_handshake);
    }
}

//! Application policy and the orchestrator for incoming commits.
//!
//! A [`Policy`] gathers what an application decides about a group (framing
//! of handshake messages, secret tree tuning, past epochs kept, whether
//! external commits and proposals are accepted, which credential type is
//! required) and turns into the [`GroupConfig`] the state machine uses.
//!
//! The [`Orchestrator`] ingests incoming commits: several members may
//! commit in the same epoch, and every member must pick the same one. It
//! stages each candidate (nothing changes), then applies exactly one by a
//! named strategy and reports, for every commit, whether it was applied,
//! the resulting epoch, and why.

use std::sync::Arc;

use crate::codec::Encode;
use crate::credential::{BasicIdentityProvider, TrustRoots, X509IdentityProvider};
use crate::crypto::{CipherSuite, CryptoProvider};
use crate::framing::MlsMessage;
use crate::group::{Group, GroupConfig, GroupError, IncomingHandshake, Received, StagedCommit};
use crate::messages::CREDENTIAL_X509;
use crate::schedule::RatchetConfig;

/// What an application decides about its groups.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Send commits and proposals as PrivateMessage.
    pub encrypt_handshake: bool,
    /// Which framings of incoming handshake messages are accepted.
    pub incoming_handshake: IncomingHandshake,
    /// Zero padding added to PrivateMessage content.
    pub padding: usize,
    /// Out-of-order window, generation gap and AEAD limit.
    pub ratchet: RatchetConfig,
    /// Past epochs whose resumption PSKs are kept.
    pub past_epochs: usize,
    /// Past epochs whose secret trees are kept so late application
    /// messages still decrypt (OpenMLS's `max_past_epochs`; 0: none).
    pub max_past_epochs: usize,
    pub accept_external_commits: bool,
    pub accept_external_proposals: bool,
    /// A credential type every member must present (e.g. 2 for X.509).
    pub required_credential_type: Option<u16>,
    /// Trust roots for X.509 credentials; without them only basic
    /// credentials are accepted.
    pub trust_roots: Option<TrustRoots>,
}

impl Policy {
    /// Settings recommended for a new deployment: encrypted handshakes
    /// (hiding who commits what), handshakes accepted in either framing for
    /// interoperability, 32 bytes of padding granularity, the default
    /// ratchet tuning, 8 past epochs' resumption PSKs, the previous
    /// epoch's secret tree for late application messages, and no external joins or proposals
    /// unless the application opts in.
    pub fn recommended() -> Self {
        Policy {
            encrypt_handshake: true,
            incoming_handshake: IncomingHandshake::Mixed,
            padding: 32,
            ratchet: RatchetConfig::default(),
            past_epochs: 8,
            max_past_epochs: 1,
            accept_external_commits: false,
            accept_external_proposals: false,
            required_credential_type: None,
            trust_roots: None,
        }
    }

    /// The state machine's configuration for this policy.
    pub fn group_config(&self) -> GroupConfig {
        GroupConfig {
            encrypt_handshake: self.encrypt_handshake,
            incoming_handshake: self.incoming_handshake,
            padding: self.padding,
            ratchet_tree_extension: true,
            resumption_epochs: self.past_epochs,
            max_past_epochs: self.max_past_epochs,
            ratchet: self.ratchet,
            accept_external_commits: self.accept_external_commits,
            accept_external_proposals: self.accept_external_proposals,
            identity: match &self.trust_roots {
                Some(roots) => Arc::new(X509IdentityProvider {
                    roots: roots.clone(),
                    allow_basic: self.required_credential_type != Some(CREDENTIAL_X509),
                }),
                None => Arc::new(BasicIdentityProvider),
            },
        }
    }

    /// Applies the policy to a group.
    pub fn apply_to(&self, group: &mut Group) {
        group.set_config(self.group_config());
    }

    /// Checks the required credential type against every member of a
    /// staged commit's next state.
    pub fn check_members(&self, staged: &StagedCommit) -> Result<(), String> {
        let Some(required) = self.required_credential_type else {
            return Ok(());
        };
        for (leaf, node) in staged.next_state().tree().members() {
            let t = node.credential.credential_type();
            if t != required {
                return Err(format!(
                    "member {leaf} presents credential type {t}; the policy requires {required}"
                ));
            }
        }
        Ok(())
    }
}

/// How to choose among commits for the same epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// The first valid commit received wins.
    FirstSeen,
    /// The valid commit from the lowest leaf index wins.
    LowestSenderLeaf,
    /// The valid commit whose wire bytes hash lowest wins.
    LowestHash,
}

impl Strategy {
    pub fn name(self) -> &'static str {
        match self {
            Strategy::FirstSeen => "first seen",
            Strategy::LowestSenderLeaf => "lowest sender leaf index",
            Strategy::LowestHash => "lowest commit hash",
        }
    }
}

/// One competing commit as a [`Strategy`] compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contender<'a> {
    /// It passed every check (an invalid commit never wins).
    pub valid: bool,
    /// The committer's leaf index.
    pub sender: u32,
    /// [`commit_hash`] of its `MLSMessage` wire bytes.
    pub hash: &'a [u8],
}

impl Strategy {
    /// The winner among `contenders`, given in arrival order (the index
    /// into it); `None` when none is valid. Every member that sees the
    /// same contenders (in the same order, for [`Strategy::FirstSeen`])
    /// picks the same one.
    pub fn choose(self, contenders: &[Contender<'_>]) -> Option<usize> {
        let valid = contenders.iter().enumerate().filter(|(_, c)| c.valid);
        match self {
            Strategy::FirstSeen => valid.map(|(i, _)| i).next(),
            Strategy::LowestSenderLeaf => valid.min_by_key(|(i, c)| (c.sender, *i)).map(|(i, _)| i),
            Strategy::LowestHash => valid.min_by(|a, b| a.1.hash.cmp(b.1.hash)).map(|(i, _)| i),
        }
    }
}

/// The hash [`Strategy::LowestHash`] compares: the suite's hash of a
/// commit's `MLSMessage` wire bytes.
pub fn commit_hash<P: CryptoProvider + ?Sized>(p: &P, suite: CipherSuite, wire: &[u8]) -> Vec<u8> {
    p.hash(suite, wire)
}

/// The outcome of one offered commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitReport {
    /// Position in the order the commits were offered.
    pub index: usize,
    pub applied: bool,
    /// The group's epoch after resolution.
    pub epoch: u64,
    pub why: String,
}

struct Candidate {
    staged: Result<StagedCommit, String>,
    sender: u32,
    hash: Vec<u8>,
}

/// Collects competing commits for the group's current epoch and applies
/// one of them.
pub struct Orchestrator {
    strategy: Strategy,
    policy: Policy,
    candidates: Vec<Candidate>,
}

impl Orchestrator {
    pub fn new(strategy: Strategy, policy: Policy) -> Self {
        Orchestrator {
            strategy,
            policy,
            candidates: Vec::new(),
        }
    }

    /// Stages an incoming commit against `group` without changing it.
    /// Returns the commit's index, or an error for a message that is not a
    /// commit (those go to [`Group::process`] directly).
    pub fn offer<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        group: &Group,
        message: &MlsMessage,
    ) -> Result<usize, GroupError> {
        let bytes = message.to_bytes()?;
        let hash = commit_hash(p, group.cipher_suite(), &bytes);
        // Processing a commit never changes the group; a copy keeps even
        // the secret tree untouched.
        let mut scratch = group.clone();
        let staged = match scratch.process(p, message) {
            Ok(Received::Commit(staged)) => match self.policy.check_members(&staged) {
                Ok(()) => Ok(*staged),
                Err(why) => Err(format!("rejected by policy: {why}")),
            },
            Ok(_) => {
                return Err(GroupError::Unsupported(
                    "offering a message that is not a commit",
                ));
            }
            Err(e) => Err(format!("invalid: {e}")),
        };
        let sender = staged.as_ref().map_or(u32::MAX, |s| s.summary.committer);
        self.candidates.push(Candidate {
            staged,
            sender,
            hash,
        });
        Ok(self.candidates.len() - 1)
    }

    /// Applies the winning commit to `group` and reports on every offered
    /// commit. The candidates are cleared.
    pub fn resolve(&mut self, group: &mut Group) -> Vec<CommitReport> {
        let contenders: Vec<Contender<'_>> = self
            .candidates
            .iter()
            .map(|c| Contender {
                valid: c.staged.is_ok(),
                sender: c.sender,
                hash: &c.hash,
            })
            .collect();
        let winner = self.strategy.choose(&contenders);
        let candidates = std::mem::take(&mut self.candidates);
        let mut merge_error = None;
        let mut reports = Vec::with_capacity(candidates.len());
        let mut outcomes: Vec<(usize, Result<(), String>)> = Vec::new();
        for (i, c) in candidates.into_iter().enumerate() {
            match (c.staged, Some(i) == winner) {
                (Ok(staged), true) => {
                    if let Err(e) = group.merge(staged) {
                        merge_error = Some(e.to_string());
                    }
                    outcomes.push((i, Ok(())));
                }
                (Ok(_), false) => outcomes.push((
                    i,
                    Err(format!(
                        "lost to commit {} by {}",
                        winner.map_or_else(|| "?".to_string(), |w| w.to_string()),
                        self.strategy.name()
                    )),
                )),
                (Err(why), _) => outcomes.push((i, Err(why))),
            }
        }
        let epoch = group.epoch();
        for (index, outcome) in outcomes {
            reports.push(match outcome {
                Ok(()) => CommitReport {
                    index,
                    applied: merge_error.is_none(),
                    epoch,
                    why: merge_error
                        .clone()
                        .unwrap_or_else(|| format!("applied: chosen by {}", self.strategy.name())),
                },
                Err(why) => CommitReport {
                    index,
                    applied: false,
                    epoch,
                    why,
                },
            });
        }
        reports
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]

    use std::collections::BTreeMap;

    use super::*;
    use crate::codec::{Decode, VlBytes};
    use crate::crypto::{CipherSuite, RustCrypto};
    use crate::framing::MlsMessageBody;
    use crate::group::KeyPackageBundle;
    use crate::messages::{Credential, Proposal};

    fn four() -> Vec<Group> {
        let p = RustCrypto;
        let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
        let kps: Vec<_> = ["a", "b", "c", "d"]
            .iter()
            .map(|n| {
                let (sk, _) = p.signature_key_pair(cs).unwrap();
                KeyPackageBundle::generate(
                    &p,
                    cs,
                    Credential::Basic {
                        identity: VlBytes(n.as_bytes().to_vec()),
                    },
                    sk,
                    3600,
                    Vec::new(),
                )
                .unwrap()
            })
            .collect();
        let mut a = Group::create(
            &p,
            &kps[0],
            b"orch".to_vec(),
            Vec::new(),
            GroupConfig::default(),
        )
        .unwrap();
        let out = a
            .commit(
                &p,
                kps[1..]
                    .iter()
                    .map(|k| Proposal::Add {
                        key_package: k.key_package.clone(),
                    })
                    .collect(),
                false,
            )
            .unwrap();
        a.merge(out.staged).unwrap();
        let MlsMessageBody::Welcome(w) = out.welcome.unwrap().body else {
            panic!()
        };
        let mut all = vec![a];
        for kp in &kps[1..] {
            all.push(
                Group::join(&p, &w, kp, None, BTreeMap::new(), GroupConfig::default()).unwrap(),
            );
        }
        all
    }

    fn wire(m: &MlsMessage) -> MlsMessage {
        MlsMessage::decode_exact(&m.to_bytes().unwrap()).unwrap()
    }

    #[test]
    fn competing_commits_resolve_the_same_way_everywhere() {
        let p = RustCrypto;
        for strategy in [
            Strategy::FirstSeen,
            Strategy::LowestSenderLeaf,
            Strategy::LowestHash,
        ] {
            let mut g = four();
            // Leaves 2 and 1 both commit in the same epoch; one copy of
            // leaf 1's commit is tampered with.
            let c2 = wire(&g[2].commit(&p, Vec::new(), false).unwrap().commit);
            let c1 = wire(&g[1].commit(&p, Vec::new(), false).unwrap().commit);
            let mut garbage = c1.clone();
            if let MlsMessageBody::PublicMessage(m) = &mut garbage.body {
                m.auth.signature.0[0] ^= 1;
            }
            // Members 0 and 3 observe both and must agree.
            let mut seen = Vec::new();
            for i in [0usize, 3] {
                let member = &mut g[i];
                let mut o = Orchestrator::new(strategy, Policy::recommended());
                for m in [&c2, &garbage, &c1] {
                    o.offer(&p, member, m).unwrap();
                }
                let reports = o.resolve(member);
                assert_eq!(reports.len(), 3);
                assert!(!reports[1].applied);
                assert!(reports[1].why.starts_with("invalid"), "{}", reports[1].why);
                let winner: Vec<_> = reports
                    .iter()
                    .filter(|r| r.applied)
                    .map(|r| r.index)
                    .collect();
                assert_eq!(winner.len(), 1, "{strategy:?}: {reports:?}");
                assert_eq!(reports[winner[0]].epoch, 2);
                let loser = 2 - winner[0];
                assert!(
                    reports[loser].why.contains("lost to commit"),
                    "{}",
                    reports[loser].why
                );
                seen.push((winner[0], member.epoch_authenticator().to_vec()));
            }
            assert_eq!(seen[0], seen[1], "{strategy:?}: observers disagree");
            match strategy {
                Strategy::FirstSeen => assert_eq!(seen[0].0, 0),
                Strategy::LowestSenderLeaf => assert_eq!(seen[0].0, 2, "leaf 1's commit"),
                Strategy::LowestHash => {}
            }
        }
    }

    #[test]
    fn strategies_choose_among_valid_contenders_only() {
        let c = |valid, sender, hash: &'static [u8]| Contender {
            valid,
            sender,
            hash,
        };
        let list = [
            c(false, 0, &[0]),
            c(true, 3, &[5]),
            c(true, 1, &[9]),
            c(true, 2, &[1]),
        ];
        assert_eq!(Strategy::FirstSeen.choose(&list), Some(1));
        assert_eq!(Strategy::LowestSenderLeaf.choose(&list), Some(2));
        assert_eq!(Strategy::LowestHash.choose(&list), Some(3));
        assert_eq!(Strategy::LowestHash.choose(&list[..1]), None);
    }

    #[test]
    fn recommended_policy_maps_to_a_config() {
        let c = Policy::recommended().group_config();
        assert!(c.encrypt_handshake);
        assert!(!c.accept_external_commits);
        assert_eq!(c.padding, 32);
    }
}

//! Group settings (the policy) in the workspace: each group's stored
//! settings, the workspace default applied to groups created or joined
//! after it was set, and the `GroupConfig` a loaded group runs with.

use std::sync::Arc;

use mls_core::credential::{
    BasicIdentityProvider, IdentityProvider, TrustRoots, X509IdentityProvider,
};
use mls_core::group::{Group, GroupConfig};

use super::group_settings::{Credentials, GroupSettings};
use super::{GroupKey, GroupStatus, P, Result, Workspace};

/// The `settings` row holding the workspace default (`key=value` lines).
const DEFAULT_KEY: &str = "group_defaults";

impl Workspace {
    /// The settings new groups get: the workspace default if one was set,
    /// else [`GroupSettings::recommended`].
    pub fn default_group_settings(&self) -> Result<GroupSettings> {
        let base = GroupSettings::recommended();
        match self.store.setting(DEFAULT_KEY)? {
            Some(text) => Ok(GroupSettings::parse(&base, &text)?),
            None => Ok(base),
        }
    }

    /// Changes the workspace default by `KEY=VALUE` assignments (all or
    /// nothing); groups created or joined afterwards get it.
    pub fn set_default_group_settings<S: AsRef<str>>(
        &self,
        assignments: &[S],
    ) -> Result<GroupSettings> {
        let next = self
            .default_group_settings()?
            .with_assignments(assignments)?;
        self.store
            .set_setting(DEFAULT_KEY, Some(&next.to_string()))?;
        Ok(next)
    }

    /// A group's settings: the stored ones, or for a group stored before
    /// settings existed, those its stored configuration stands for.
    pub fn group_settings(&self, key: GroupKey) -> Result<GroupSettings> {
        let base = GroupSettings::recommended();
        if let Some(text) = self.store.group_settings(key)? {
            return Ok(GroupSettings::parse(&base, &text)?);
        }
        let record = self.store.group(key)?;
        if record.status == GroupStatus::Removed {
            return Ok(base);
        }
        let (state, _) = self.store.group_state(key)?;
        let group = Group::from_bytes(&P, state.as_bytes())?;
        Ok(GroupSettings::from_config(group.config()))
    }

    /// Changes a group's settings by `KEY=VALUE` assignments (all or
    /// nothing). They apply from the next message on.
    pub fn set_group_settings<S: AsRef<str>>(
        &self,
        key: GroupKey,
        assignments: &[S],
    ) -> Result<GroupSettings> {
        let next = self.group_settings(key)?.with_assignments(assignments)?;
        self.store.set_group_settings(key, &next.to_string())?;
        Ok(next)
    }

    /// The configuration a group with `settings` runs with.
    pub(super) fn settings_config(
        &self,
        settings: &GroupSettings,
        mut config: GroupConfig,
    ) -> Result<GroupConfig> {
        settings.apply_to(&mut config);
        config.identity = self.settings_identity(settings.credentials)?;
        Ok(config)
    }

    /// A new group's settings and configuration (the workspace default,
    /// private handshakes if `encrypt_handshake`).
    pub(super) fn new_group_config(
        &self,
        encrypt_handshake: bool,
    ) -> Result<(GroupSettings, GroupConfig)> {
        let mut settings = self.default_group_settings()?;
        settings.handshake_private |= encrypt_handshake;
        let config = self.settings_config(&settings, GroupConfig::default())?;
        Ok((settings, config))
    }

    /// Runs a loaded group with its settings.
    pub(super) fn apply_group_settings(&self, key: GroupKey, group: &mut Group) -> Result<()> {
        let settings = match self.store.group_settings(key)? {
            Some(text) => GroupSettings::parse(&GroupSettings::recommended(), &text)?,
            None => GroupSettings::from_config(group.config()),
        };
        let config = self.settings_config(&settings, group.config().clone())?;
        group.set_config(config);
        Ok(())
    }

    fn settings_identity(&self, credentials: Credentials) -> Result<Arc<dyn IdentityProvider>> {
        match credentials {
            Credentials::Any => self.identity_provider(),
            Credentials::Basic => Ok(Arc::new(BasicIdentityProvider)),
            Credentials::X509 => {
                let mut roots = TrustRoots::new();
                for root in &self.store.trust_roots()? {
                    roots.add_der(&root.der)?;
                }
                Ok(Arc::new(X509IdentityProvider {
                    roots,
                    allow_basic: false,
                }))
            }
        }
    }
}

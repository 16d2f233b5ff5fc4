//! Trust roots (the X.509 anchors credentials are validated against, and
//! the identity provider built from them) and external PSKs.

use std::sync::Arc;

use mls_core::credential::{
    BasicIdentityProvider, IdentityProvider, TrustRoots, X509IdentityProvider,
};
use mls_core::crypto::Secret;

use super::store::NewTrustRoot;
use super::{PskRow, Result, TrustRootRow, Workspace, WorkspaceError};

impl Workspace {
    /// The identity provider groups use: X.509 chains against the stored
    /// trust roots (and basic credentials) when any root is stored, else
    /// basic credentials only.
    pub fn identity_provider(&self) -> Result<Arc<dyn IdentityProvider>> {
        let stored = self.store.trust_roots()?;
        if stored.is_empty() {
            return Ok(Arc::new(BasicIdentityProvider));
        }
        let mut roots = TrustRoots::new();
        for root in &stored {
            roots.add_der(&root.der)?;
        }
        Ok(Arc::new(X509IdentityProvider {
            roots,
            allow_basic: true,
        }))
    }

    /// Imports trust roots: a PEM bundle of one or more certificates, or
    /// one DER certificate. All or nothing; each must be a CA certificate
    /// with a supported key (see `mls_core::credential::TrustRoots`).
    pub fn trust_root_import(&self, bytes: &[u8]) -> Result<Vec<TrustRootRow>> {
        let mut roots = TrustRoots::new();
        let stored = self.store.trust_roots()?;
        for root in &stored {
            roots.add_der(&root.der)?;
        }
        let is_pem = bytes.windows(10).any(|w| w == b"-----BEGIN".as_slice());
        let infos = if is_pem {
            roots.add_pem(bytes)?
        } else {
            vec![roots.add_der(bytes)?]
        };
        let new: Vec<NewTrustRoot> = roots
            .ders()
            .skip(stored.len())
            .zip(&infos)
            .map(|(der, info)| NewTrustRoot {
                der: der.to_vec(),
                subject: info.subject.clone(),
                issuer: info.issuer.clone(),
                not_before: info.not_before,
                not_after: info.not_after,
                fingerprint: info.fingerprint_sha256.clone(),
            })
            .collect();
        let ids = self.store.insert_trust_roots(&new)?;
        Ok(self
            .trust_roots()?
            .into_iter()
            .filter(|r| ids.contains(&r.id))
            .collect())
    }

    /// Every trust root, in import order.
    /// Subjects and issuers come escaped (`text::escape_controls`): a
    /// certificate's names can hold terminal escapes.
    pub fn trust_roots(&self) -> Result<Vec<TrustRootRow>> {
        let mut rows = self.store.trust_roots()?;
        for row in &mut rows {
            row.subject = crate::text::escape_controls(&row.subject);
            row.issuer = crate::text::escape_controls(&row.issuer);
        }
        Ok(rows)
    }

    /// Removes a trust root by number.
    pub fn trust_root_remove(&self, id: i64) -> Result<()> {
        Ok(self.store.remove_trust_root(id)?)
    }

    /// Stores an external PSK. Every group of the workspace can use it
    /// (commits with [`CommitRequest::psks`], Welcomes that name it).
    pub fn psk_add(&self, psk_id: &[u8], secret: Secret) -> Result<()> {
        if psk_id.is_empty() || secret.is_empty() {
            return Err(WorkspaceError::Invalid(String::from(
                "a PSK needs a non-empty id and secret",
            )));
        }
        Ok(self.store.insert_psk(psk_id, &secret)?)
    }

    /// The stored external PSK ids.
    pub fn psks(&self) -> Result<Vec<PskRow>> {
        Ok(self.store.psks()?)
    }

    /// Deletes an external PSK from the workspace. Group states that
    /// already hold a copy keep it until the group is deleted.
    pub fn psk_remove(&self, psk_id: &[u8]) -> Result<bool> {
        Ok(self.store.remove_psk(psk_id)?)
    }
}

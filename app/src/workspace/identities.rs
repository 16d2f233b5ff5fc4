//! Identities: signature key pairs with a basic credential.

use mls_core::codec::{Decode as _, VlBytes};
use mls_core::crypto::{CipherSuite, CryptoProvider as _};
use mls_core::messages::Credential;

use super::store::{IdentityRecord, NewIdentity};
use super::summary::credential_text;
use super::{IdentityInfo, IdentityKey, P, Result, Workspace, WorkspaceError, encode, suite_name};

impl Workspace {
    /// A new identity: a fresh signature key pair of `suite` and a basic
    /// credential holding `name`'s bytes. Names are unique.
    pub fn identity_new(&self, name: &str, suite: CipherSuite) -> Result<IdentityInfo> {
        if name.trim().is_empty() {
            return Err(WorkspaceError::Invalid(String::from(
                "an identity needs a name",
            )));
        }
        let (sk, pk) = P
            .signature_key_pair(suite)
            .map_err(mls_core::group::GroupError::from)?;
        let credential = Credential::Basic {
            identity: VlBytes(name.as_bytes().to_vec()),
        };
        let key = self.store.insert_identity(&NewIdentity {
            name: name.to_owned(),
            cipher_suite: suite.id(),
            signature_private: sk.0,
            signature_public: pk.0,
            credential: encode(&credential)?,
        })?;
        self.identity(key)
    }

    /// Every identity, oldest first.
    pub fn identities(&self) -> Result<Vec<IdentityInfo>> {
        Ok(self
            .store
            .identities()?
            .into_iter()
            .map(identity_info)
            .collect())
    }

    /// One identity.
    pub fn identity(&self, key: IdentityKey) -> Result<IdentityInfo> {
        Ok(identity_info(self.store.identity(key)?))
    }

    /// The identity named `text`, or numbered `#N` / `N`.
    pub fn identity_find(&self, text: &str) -> Result<IdentityInfo> {
        if let Some(record) = self.store.identity_by_name(text)? {
            return Ok(identity_info(record));
        }
        if let Ok(n) = text.trim_start_matches('#').parse::<i64>()
            && let Ok(record) = self.store.identity(IdentityKey(n))
        {
            return Ok(identity_info(record));
        }
        Err(WorkspaceError::NotFound {
            what: "identity",
            text: text.to_owned(),
        })
    }
}

fn identity_info(r: IdentityRecord) -> IdentityInfo {
    let decoded = Credential::decode_exact(&r.credential).ok();
    let credential = decoded
        .as_ref()
        .map_or_else(|| String::from("(unreadable credential)"), credential_text);
    let credential_type = decoded.as_ref().map_or(0, Credential::credential_type);
    IdentityInfo {
        key: r.key,
        suite_name: suite_name(r.cipher_suite),
        name: r.name,
        cipher_suite: r.cipher_suite,
        signature_public_hex: hex::encode(&r.signature_public),
        credential,
        credential_type,
        created: r.created,
    }
}

//! Key packages: ours (stored with their private keys) and validating
//! someone else's.

use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::{KeyPackageBundle, key_package_ref, now, validate_key_package};

use super::store::{KeyPackageRecord, KeyPackageSecrets, NewKeyPackage};
use super::summary::credential_text;
use super::{
    IdentityKey, KEY_PACKAGE_LIFETIME, KeyPackageInfo, P, Result, Workspace, WorkspaceError,
    encode, lifetime, parse_key_package, suite, suite_name,
};

impl Workspace {
    /// A new key package for `identity` (valid for
    /// [`KEY_PACKAGE_LIFETIME`]), stored with its private keys.
    pub fn key_package_new(&self, identity: IdentityKey) -> Result<KeyPackageInfo> {
        let (record, sk, credential) = self.signer(identity)?;
        let cs = suite(record.cipher_suite)?;
        let bundle =
            KeyPackageBundle::generate(&P, cs, credential, sk, KEY_PACKAGE_LIFETIME, Vec::new())?;
        let reference = bundle.reference(&P)?;
        let message = encode(&MlsMessage::new(MlsMessageBody::KeyPackage(
            bundle.key_package.clone(),
        )))?;
        let (_, not_after) = lifetime(&bundle.key_package);
        self.store.insert_key_package(&NewKeyPackage {
            reference: reference.clone(),
            identity,
            cipher_suite: cs.id(),
            message,
            secrets: KeyPackageSecrets {
                init_private: bundle.init_private.0.clone(),
                encryption_private: bundle.encryption_private.0.clone(),
            },
            not_after,
        })?;
        let stored =
            self.store
                .key_package(&reference)?
                .ok_or_else(|| WorkspaceError::NotFound {
                    what: "key package",
                    text: hex::encode(&reference),
                })?;
        key_package_info(stored)
    }

    /// Every key package of this workspace's identities, oldest first.
    pub fn key_packages(&self) -> Result<Vec<KeyPackageInfo>> {
        self.store
            .key_packages()?
            .into_iter()
            .map(key_package_info)
            .collect()
    }

    fn key_package_find(&self, reference_hex: &str) -> Result<KeyPackageRecord> {
        let wanted = reference_hex.trim().to_ascii_lowercase();
        let matches: Vec<KeyPackageRecord> = self
            .store
            .key_packages()?
            .into_iter()
            .filter(|k| !wanted.is_empty() && hex::encode(&k.reference).starts_with(&wanted))
            .collect();
        let mut iter = matches.into_iter();
        match (iter.next(), iter.next()) {
            (Some(one), None) => Ok(one),
            (None, _) => Err(WorkspaceError::NotFound {
                what: "key package",
                text: reference_hex.to_owned(),
            }),
            (Some(a), Some(b)) => Err(WorkspaceError::Ambiguous {
                what: "key package",
                text: reference_hex.to_owned(),
                candidates: [a, b]
                    .iter()
                    .chain(iter.as_slice())
                    .map(|k| hex::encode(&k.reference))
                    .collect(),
            }),
        }
    }

    /// The `MLSMessage` of one of our key packages, by reference (hex, or
    /// a unique prefix of it).
    pub fn key_package_export(&self, reference_hex: &str) -> Result<Vec<u8>> {
        Ok(self.key_package_find(reference_hex)?.message)
    }

    /// Deletes one of our key packages and its private keys.
    pub fn key_package_delete(&self, reference_hex: &str) -> Result<()> {
        let record = self.key_package_find(reference_hex)?;
        self.store.delete_key_package(&record.reference)?;
        Ok(())
    }

    /// Validates someone else's key package (`MLSMessage` or bare bytes) as
    /// a group would before adding it: version, suite, both signatures,
    /// lifetime now, capabilities, and the credential against the trust
    /// roots (basic credentials are always accepted).
    pub fn key_package_validate_foreign(&self, bytes: &[u8]) -> Result<KeyPackageInfo> {
        let kp = parse_key_package(bytes)?;
        let cs = suite(kp.cipher_suite)?;
        let provider = self.identity_provider()?;
        validate_key_package(&P, cs, &kp, Some(now()), provider.as_ref())?;
        let reference = key_package_ref(&P, &kp)?;
        let ours = self.store.key_package(&reference)?;
        let (not_before, not_after) = lifetime(&kp);
        Ok(KeyPackageInfo {
            reference_hex: hex::encode(&reference),
            identity: ours.as_ref().map(|k| k.identity),
            credential: credential_text(&kp.leaf_node.credential),
            cipher_suite: kp.cipher_suite,
            suite_name: suite_name(kp.cipher_suite),
            bytes: encode(&MlsMessage::new(MlsMessageBody::KeyPackage(kp)))?,
            not_before,
            not_after,
            used: ours.as_ref().is_some_and(|k| k.used),
            created: ours.map(|k| k.created),
        })
    }
}

fn key_package_info(r: KeyPackageRecord) -> Result<KeyPackageInfo> {
    let kp = parse_key_package(&r.message)?;
    let (not_before, not_after) = lifetime(&kp);
    Ok(KeyPackageInfo {
        reference_hex: hex::encode(&r.reference),
        identity: Some(r.identity),
        credential: credential_text(&kp.leaf_node.credential),
        cipher_suite: r.cipher_suite,
        suite_name: suite_name(r.cipher_suite),
        bytes: r.message,
        not_before,
        not_after,
        used: r.used,
        created: Some(r.created),
    })
}

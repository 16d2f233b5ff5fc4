//! The epoch key schedule (RFC 9420 §8).

use crate::crypto::{
    CipherSuite, CryptoProvider, HpkePublicKey, Secret, derive_secret, expand_with_label,
};

use super::ScheduleError;

/// The secrets derived from the joiner secret before the epoch secret:
/// what a new member learns from a Welcome (§8, §12.4.3.1).
#[derive(Debug, Clone)]
pub struct JoinerSecrets {
    pub joiner_secret: Secret,
    pub welcome_secret: Secret,
    /// `KDF.Extract(joiner_secret, psk_secret)`: the input to the epoch secret.
    member_secret: Secret,
}

impl JoinerSecrets {
    /// `joiner_secret = ExpandWithLabel(Extract(init_secret, commit_secret), "joiner", GroupContext_[n], Nh)`.
    /// `init_secret` and `commit_secret` default to `Nh` zero bytes when absent.
    pub fn from_init<P: CryptoProvider + ?Sized>(
        p: &P,
        cs: CipherSuite,
        init_secret: &[u8],
        commit_secret: Option<&[u8]>,
        group_context: &[u8],
        psk_secret: Option<&[u8]>,
    ) -> Result<Self, ScheduleError> {
        let zero = vec![0u8; cs.hash_len()];
        let prk = p.kdf_extract(cs, init_secret, commit_secret.unwrap_or(&zero));
        let joiner = expand_with_label(p, cs, prk.as_bytes(), b"joiner", group_context, nh(cs)?)?;
        Self::from_joiner(p, cs, joiner, psk_secret)
    }

    /// The secrets that follow a known joiner secret (e.g. from GroupSecrets).
    pub fn from_joiner<P: CryptoProvider + ?Sized>(
        p: &P,
        cs: CipherSuite,
        joiner_secret: Secret,
        psk_secret: Option<&[u8]>,
    ) -> Result<Self, ScheduleError> {
        let zero = vec![0u8; cs.hash_len()];
        let member_secret =
            p.kdf_extract(cs, joiner_secret.as_bytes(), psk_secret.unwrap_or(&zero));
        let welcome_secret = derive_secret(p, cs, member_secret.as_bytes(), b"welcome")?;
        Ok(JoinerSecrets {
            joiner_secret,
            welcome_secret,
            member_secret,
        })
    }

    /// `epoch_secret = ExpandWithLabel(member_secret, "epoch", GroupContext_[n], Nh)`
    /// and everything derived from it.
    pub fn epoch<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        cs: CipherSuite,
        group_context: &[u8],
    ) -> Result<EpochSecrets, ScheduleError> {
        let epoch_secret = expand_with_label(
            p,
            cs,
            self.member_secret.as_bytes(),
            b"epoch",
            group_context,
            nh(cs)?,
        )?;
        EpochSecrets::from_epoch_secret(p, cs, &epoch_secret)
    }
}

/// The secrets of one epoch (§8, table of derived secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochSecrets {
    pub sender_data_secret: Secret,
    pub encryption_secret: Secret,
    pub exporter_secret: Secret,
    pub external_secret: Secret,
    pub confirmation_key: Secret,
    pub membership_key: Secret,
    pub resumption_psk: Secret,
    pub epoch_authenticator: Secret,
    pub init_secret: Secret,
}

impl EpochSecrets {
    pub fn from_epoch_secret<P: CryptoProvider + ?Sized>(
        p: &P,
        cs: CipherSuite,
        epoch_secret: &Secret,
    ) -> Result<Self, ScheduleError> {
        let d = |label: &[u8]| derive_secret(p, cs, epoch_secret.as_bytes(), label);
        Ok(EpochSecrets {
            sender_data_secret: d(b"sender data")?,
            encryption_secret: d(b"encryption")?,
            exporter_secret: d(b"exporter")?,
            external_secret: d(b"external")?,
            confirmation_key: d(b"confirm")?,
            membership_key: d(b"membership")?,
            resumption_psk: d(b"resumption")?,
            epoch_authenticator: d(b"authentication")?,
            init_secret: d(b"init")?,
        })
    }

    /// The group's external HPKE public key: `KEM.DeriveKeyPair(external_secret)` (§8).
    pub fn external_pub<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        cs: CipherSuite,
    ) -> Result<HpkePublicKey, ScheduleError> {
        Ok(p.hpke_derive_key_pair(cs, self.external_secret.as_bytes())?
            .1)
    }

    /// `MLS-Exporter(label, context, length)` (§8.5).
    pub fn export<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        cs: CipherSuite,
        label: &[u8],
        context: &[u8],
        length: u16,
    ) -> Result<Secret, ScheduleError> {
        mls_exporter(p, cs, &self.exporter_secret, label, context, length)
    }
}

/// `MLS-Exporter(Label, Context, Length) =
///   ExpandWithLabel(DeriveSecret(exporter_secret, Label), "exported", Hash(Context), Length)`.
pub fn mls_exporter<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    exporter_secret: &Secret,
    label: &[u8],
    context: &[u8],
    length: u16,
) -> Result<Secret, ScheduleError> {
    let derived = derive_secret(p, cs, exporter_secret.as_bytes(), label)?;
    let context_hash = p.hash(cs, context);
    Ok(expand_with_label(
        p,
        cs,
        derived.as_bytes(),
        b"exported",
        &context_hash,
        length,
    )?)
}

/// `Nh` as the `uint16` length ExpandWithLabel takes.
fn nh(cs: CipherSuite) -> Result<u16, ScheduleError> {
    u16::try_from(cs.hash_len()).map_err(|_| ScheduleError::Length {
        what: "hash length",
        expected: usize::from(u16::MAX),
        len: cs.hash_len(),
    })
}

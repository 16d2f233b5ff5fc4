//! Credentials (RFC 9420 §5.3).

use crate::codec::{Decode, DecodeError, Encode, EncodeError, Reader, VlBytes, Writer};

pub const CREDENTIAL_BASIC: u16 = 1;
pub const CREDENTIAL_X509: u16 = 2;

crate::wire_struct! {
    /// One DER certificate of an X.509 chain.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Certificate {
        pub cert_data: VlBytes,
    }
}

/// A credential: basic (an identity), X.509 (a chain, leaf first), or a
/// type this implementation does not know.
///
/// RFC 9420 §5.3 gives no length prefix for other types; like OpenMLS and
/// mls-rs we read an unknown type's body as `opaque<V>` (the encoding new
/// credential types are registered with), and keep it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Basic { identity: VlBytes },
    X509 { certificates: Vec<Certificate> },
    Other { credential_type: u16, data: VlBytes },
}

impl Credential {
    pub fn credential_type(&self) -> u16 {
        match self {
            Credential::Basic { .. } => CREDENTIAL_BASIC,
            Credential::X509 { .. } => CREDENTIAL_X509,
            Credential::Other {
                credential_type, ..
            } => *credential_type,
        }
    }
}

impl Decode for Credential {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let credential_type = r.field("credential_type", u16::decode)?;
        Ok(match credential_type {
            CREDENTIAL_BASIC => Credential::Basic {
                identity: r.field("identity", VlBytes::decode)?,
            },
            CREDENTIAL_X509 => Credential::X509 {
                certificates: r.field("certificates", Vec::decode)?,
            },
            other => Credential::Other {
                credential_type: other,
                data: r.field("data", VlBytes::decode)?,
            },
        })
    }
}

impl Encode for Credential {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.u16(self.credential_type());
        match self {
            Credential::Basic { identity } => identity.encode(w),
            Credential::X509 { certificates } => certificates.encode(w),
            Credential::Other { data, .. } => data.encode(w),
        }
    }
}

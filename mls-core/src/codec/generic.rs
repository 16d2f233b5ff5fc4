//! Encode/Decode for the generic shapes of the presentation language:
//! `opaque x<V>` ([`VlBytes`]), `T x<V>` (`Vec<T>`), `optional<T>` (`Option<T>`).

use std::fmt;

use super::{Decode, DecodeError, Encode, EncodeError, Reader, Writer};

/// `opaque data<V>`: a variable-length byte string.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VlBytes(pub Vec<u8>);

impl VlBytes {
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for VlBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(&self.0))
    }
}

impl From<Vec<u8>> for VlBytes {
    fn from(v: Vec<u8>) -> Self {
        VlBytes(v)
    }
}

impl From<&[u8]> for VlBytes {
    fn from(v: &[u8]) -> Self {
        VlBytes(v.to_vec())
    }
}

impl AsRef<[u8]> for VlBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Decode for VlBytes {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.vl_bytes_owned().map(VlBytes)
    }
}

impl Encode for VlBytes {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.vl_bytes(&self.0)
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.vl_vec(T::decode)
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.vl_nested(|w| self.iter().try_for_each(|item| item.encode(w)))
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.optional(T::decode)
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.optional(self.as_ref(), |w, v| v.encode(w))
    }
}

macro_rules! encode_int {
    ($($t:ident),*) => {$(
        impl Encode for $t {
            fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
                w.$t(*self);
                Ok(())
            }
        }
    )*};
}
encode_int!(u8, u16, u32, u64);

/// Declares a struct whose fields are encoded one after another in order,
/// each decoded inside a named field (so errors and spans carry its name).
#[macro_export]
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty ),*
        }

        impl $crate::codec::Decode for $name {
            fn decode(r: &mut $crate::codec::Reader<'_>) -> Result<Self, $crate::codec::DecodeError> {
                Ok(Self {
                    $( $field: r.field(stringify!($field), <$ty as $crate::codec::Decode>::decode)?, )*
                })
            }
        }

        impl $crate::codec::Encode for $name {
            fn encode(&self, w: &mut $crate::codec::Writer) -> Result<(), $crate::codec::EncodeError> {
                $( $crate::codec::Encode::encode(&self.$field, w)?; )*
                Ok(())
            }
        }
    };
}

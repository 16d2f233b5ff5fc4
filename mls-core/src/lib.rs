pub mod codec;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod credential;
pub mod crypto;
pub mod framing;
pub mod group;
pub mod inspect;
pub mod messages;
pub mod policy;
pub mod schedule;
#[cfg(any(test, feature = "test-utils"))]
pub mod test_utils;
pub mod time;
pub mod tree;

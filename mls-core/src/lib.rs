pub mod codec;
pub mod crypto;
pub mod framing;
pub mod group;
pub mod inspect;
pub mod messages;
pub mod schedule;
pub mod tree;

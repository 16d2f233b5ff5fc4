pub mod codec;
pub mod crypto;
pub mod tree;
pub mod framing;
pub mod messages;
pub mod schedule;
pub mod group;

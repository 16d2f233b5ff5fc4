//! The GUI: the application shell and its panels.
//!
//! Panels only present: they hand inputs to the library crates (e.g. the
//! `conformance` runner, the [`crate::workspace`]) and show what comes back.

mod app;
pub mod common;
pub mod conformance;
pub mod decoder;
mod dialogs;
pub mod groups;
mod jobs;
pub mod key_packages;
pub mod tree_view;
pub mod trust_roots;

pub use app::{InspectorApp, Startup, Tab};
pub use conformance::ConformancePanel;
pub use decoder::DecoderPanel;
pub use groups::{GroupSnapshot, GroupView, GroupsPanel};
pub use key_packages::KeyPackagesPanel;
pub use tree_view::{TreeView, TreeViewModel};
pub use trust_roots::TrustRootsPanel;

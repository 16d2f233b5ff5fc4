//! The GUI: the application shell and its panels.
//!
//! Panels only present: they hand inputs to the library crates (e.g. the
//! `conformance` runner) and show what comes back.

mod app;
pub mod conformance;
pub mod decoder;
pub mod tree_view;

pub use app::{InspectorApp, Tab};
pub use conformance::ConformancePanel;
pub use decoder::DecoderPanel;
pub use tree_view::{TreeView, TreeViewModel};

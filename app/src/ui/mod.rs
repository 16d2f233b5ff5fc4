//! The GUI: the application shell and its panels.
//!
//! Panels only present: they hand inputs to the library code (e.g. the
//! `mls_core::conformance` runner, the [`crate::workspace`]) and show what
//! comes back.
//!
//! Every panel's background work (workspace operations, vector checks,
//! file dialogs) goes through one job type, `jobs::Jobs`: a job comes
//! back as a value of the panel's outcome enum, which the panel applies at
//! its next frame. What the panels share (status lines and colours, the
//! drop overlay, tables, input boxes) is in [`common`], the file dialogs in
//! `dialogs`. Dependencies point one way: panels → `dialogs` → `common`,
//! `jobs` → [`crate::workspace`]; `jobs` and `common` import no panel.

mod app;
pub mod common;
pub mod conformance;
pub mod decoder;
mod dialogs;
pub mod external_form;
pub mod file_choice;
pub mod groups;
mod jobs;
pub mod key_packages;
pub mod lock;
pub mod protect_dialog;
pub mod tree_view;
pub mod trust_roots;
pub mod x509_form;

pub use app::{InspectorApp, Startup, Tab};
pub use conformance::ConformancePanel;
pub use decoder::DecoderPanel;
pub use groups::{GroupSnapshot, GroupView, GroupsPanel};
pub use key_packages::KeyPackagesPanel;
pub use tree_view::{TreeView, TreeViewModel};
pub use trust_roots::TrustRootsPanel;

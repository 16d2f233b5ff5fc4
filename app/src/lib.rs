//! MLS Inspector: a desktop inspector for Messaging Layer Security (RFC 9420).
//!
//! The binary (`src/main.rs`) only wires these together: without arguments it
//! starts the GUI ([`gui::run`]), with a subcommand it runs the CLI ([`cli::run`]).
//! The modules are a library so integration tests can drive the panels.

pub mod cli;
pub mod gui;
pub mod text;
pub mod ui;
pub mod workspace;

//! `mls-inspector`: no arguments start the GUI; a subcommand runs the CLI.

use std::process::ExitCode;

use clap::Parser as _;
use mls_inspector::{cli, gui};

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match args.command {
        Some(command) => cli::run(command),
        None => gui::run(),
    }
}

//! `mls-inspector vectors check`: runs the conformance runner
//! ([`mls_core::conformance`]) over files and directories and prints its
//! report as a table or as JSON.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use mls_core::conformance::{FileReport, RunReport};

use super::common::{EXIT_FAILED, EXIT_OK, write_stdout};
use crate::text::plural;

/// `mls-inspector vectors …`
#[derive(Debug, Subcommand)]
pub enum VectorsCommand {
    /// Check test-vector files against this implementation.
    ///
    /// Each file's kind (crypto-basics, tree-math, deserialization, …) is
    /// detected from its content. Exits with 0 when every file passed,
    /// 1 when anything failed or could not be checked.
    Check(CheckArgs),
}

/// `mls-inspector vectors check [--json] [FILE|DIR]...`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print exactly one JSON object `{"files":[…]}` on stdout instead of tables.
    #[arg(long)]
    pub json: bool,

    /// In text output, list at most this many failures per file (0: all).
    /// JSON output always lists all of them.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_failures: usize,

    /// Vector files, or directories whose `*.json` files are checked.
    /// Default: the official vectors directory ($MLS_TEST_VECTORS, else
    /// ../shared/test-vectors next to the workspace).
    #[arg(value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,
}

/// `vectors check`: checks every file, prints the report, exit status by
/// [`RunReport::ok`].
pub fn vectors_check(args: &CheckArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![mls_core::conformance::vectors_dir()]
    } else {
        args.paths.clone()
    };
    let report = check_paths(&paths);
    let out = if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => json + "\n",
            Err(e) => {
                eprintln!("mls-inspector: cannot serialise the report: {e}");
                return EXIT_FAILED;
            }
        }
    } else {
        render_text(&report, args.max_failures)
    };
    if let Err(e) = write_stdout(&out) {
        // A closed pipe (`| head`) is not worth a message, but still a failure.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("mls-inspector: cannot write the report: {e}");
        }
        return EXIT_FAILED;
    }
    if report.ok() { EXIT_OK } else { EXIT_FAILED }
}

/// Checks files and directories (their `*.json` files, sorted), in order.
///
/// A directory that cannot be listed becomes a file-level error in the
/// report; an empty directory is reported on stderr (and, with nothing
/// checked, the run does not pass).
pub fn check_paths(paths: &[PathBuf]) -> RunReport {
    let mut report = RunReport::default();
    for path in paths {
        if path.is_dir() {
            match mls_core::conformance::collect_files(std::slice::from_ref(path)) {
                Ok(files) if files.is_empty() => {
                    eprintln!("mls-inspector: no *.json files in {}", path.display());
                }
                Ok(files) => report
                    .files
                    .extend(files.iter().map(|f| mls_core::conformance::check_path(f))),
                Err(e) => report.files.push(FileReport::invalid(
                    &display_name(path),
                    format!("{}: cannot list directory: {e}", path.display()),
                )),
            }
        } else {
            report.files.push(mls_core::conformance::check_path(path));
        }
    }
    report
}

/// The text report: one table row per file, then each file's failures.
pub fn render_text(report: &RunReport, max_failures: usize) -> String {
    let mut out = String::new();
    if report.files.is_empty() {
        out.push_str("No vector files checked.\n");
        return out;
    }
    let kinds: Vec<String> = report.files.iter().map(kind_label).collect();
    let total = format!("TOTAL ({})", plural(report.files.len(), "file"));
    let file_w = report
        .files
        .iter()
        .map(|f| f.file.chars().count())
        .chain([total.chars().count()])
        .max()
        .unwrap_or(4);
    let kind_w = kinds
        .iter()
        .map(|k| k.chars().count())
        .chain([4])
        .max()
        .unwrap_or(4);

    // `let _ =`: writing into a String cannot fail.
    let _ = writeln!(
        out,
        "{:<file_w$}  {:<kind_w$}  {:>6}  {:>6}  {:>6}  RESULT",
        "FILE", "KIND", "CASES", "PASSED", "FAILED"
    );
    for (file, kind) in report.files.iter().zip(&kinds) {
        let result = if file.ok() { "ok" } else { "FAILED" };
        let _ = writeln!(
            out,
            "{:<file_w$}  {:<kind_w$}  {:>6}  {:>6}  {:>6}  {result}",
            file.file, kind, file.cases, file.passed, file.failed
        );
    }
    let count = |f: fn(&FileReport) -> usize| report.files.iter().map(f).sum::<usize>();
    let _ = writeln!(
        out,
        "{:<file_w$}  {:<kind_w$}  {:>6}  {:>6}  {:>6}",
        total,
        "",
        count(|f| f.cases),
        count(|f| f.passed),
        count(|f| f.failed)
    );

    for file in report
        .files
        .iter()
        .filter(|f| !f.failures.is_empty() || f.error.is_some())
    {
        let _ = writeln!(out, "\n{}:", file.file);
        if let Some(error) = &file.error {
            let _ = writeln!(out, "  error: {error}");
        }
        // An unreadable file repeats its error as case 0's failure: list it once.
        let failures: Vec<_> = file
            .failures
            .iter()
            .filter(|f| file.error.as_deref() != Some(f.what.as_str()))
            .collect();
        let shown = if max_failures == 0 {
            failures.len()
        } else {
            max_failures
        };
        for failure in failures.iter().take(shown) {
            let _ = match failure.cipher_suite {
                Some(suite) => writeln!(
                    out,
                    "  case {} (suite {suite}): {}",
                    failure.case, failure.what
                ),
                None => writeln!(out, "  case {}: {}", failure.case, failure.what),
            };
        }
        if failures.len() > shown {
            let _ = writeln!(
                out,
                "  … and {} more (--max-failures 0 or --json lists all)",
                failures.len() - shown
            );
        }
    }

    let failed = report.files.iter().filter(|f| !f.ok()).count();
    let _ = if failed == 0 {
        writeln!(out, "\nOK: {} passed.", plural(report.files.len(), "file"))
    } else {
        writeln!(
            out,
            "\nFAILED: {failed} of {} did not pass.",
            plural(report.files.len(), "file")
        )
    };
    out
}

/// The kind column: `unsupported (welcome)` when the runner recognised but
/// cannot check a kind.
fn kind_label(file: &FileReport) -> String {
    match &file.detected {
        Some(detected) => format!("{} ({detected})", file.kind),
        None => file.kind.clone(),
    }
}

/// A path's last component, for naming it in a report.
fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

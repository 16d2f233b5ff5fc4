//! What a run reports: per file, per case.

use serde::Serialize;

/// The first failure of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// Zero-based index of the case in the file.
    pub case: usize,
    /// The case's cipher suite, where the case has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher_suite: Option<u16>,
    /// Which check failed and what differed.
    pub what: String,
}

/// The outcome of one case, passed or not (the GUI's table rows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub case: usize,
    pub cipher_suite: Option<u16>,
    /// `None` when every check passed; else the first failure.
    pub failure: Option<String>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// The outcome of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// File name (without directories).
    pub file: String,
    /// The kind checked, e.g. `crypto-basics`; `unsupported` for a kind the
    /// runner cannot check yet (all its cases then count as failed), and
    /// `invalid` when the file could not be read as a vector file at all.
    pub kind: String,
    /// For `unsupported` files: the kind the content looks like.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<String>,
    pub cases: usize,
    pub passed: usize,
    pub failed: usize,
    pub failures: Vec<Failure>,
    /// Why the file as a whole could not be checked (not JSON, wrong shape, unreadable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Every case's outcome, in order.
    #[serde(skip)]
    pub results: Vec<CaseResult>,
}

impl FileReport {
    /// A report built from per-case outcomes.
    pub fn from_results(file: &str, kind: &str, results: Vec<CaseResult>) -> Self {
        let failures: Vec<Failure> = results
            .iter()
            .filter_map(|r| {
                r.failure.as_ref().map(|what| Failure {
                    case: r.case,
                    cipher_suite: r.cipher_suite,
                    what: what.clone(),
                })
            })
            .collect();
        FileReport {
            file: file.to_string(),
            kind: kind.to_string(),
            detected: None,
            cases: results.len(),
            passed: results.len() - failures.len(),
            failed: failures.len(),
            failures,
            error: None,
            results,
        }
    }

    /// A file that could not be checked at all: counted as one failed case.
    pub fn invalid(file: &str, error: String) -> Self {
        let mut report = FileReport::from_results(
            file,
            "invalid",
            vec![CaseResult {
                case: 0,
                cipher_suite: None,
                failure: Some(error.clone()),
            }],
        );
        report.error = Some(error);
        report
    }

    pub fn ok(&self) -> bool {
        self.failed == 0
            && self.error.is_none()
            && self.kind != "unsupported"
            && self.kind != "invalid"
    }
}

/// The outcome of a run over several files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub files: Vec<FileReport>,
}

impl RunReport {
    pub fn ok(&self) -> bool {
        !self.files.is_empty() && self.files.iter().all(FileReport::ok)
    }
}

//! `mls-inspector decode`: dissects a message (hex, base64 or binary; from
//! the command line, a file or stdin) into its field tree, as text or JSON.
//!
//! The work is done by [`mls_core::inspect`]; this module only reads the
//! input and renders the [`Dissection`].
//!
//! Exit status: [`EXIT_OK`] when the input decoded completely,
//! [`EXIT_FAILED`] when it is malformed (the tree up to the failure is still
//! printed), [`EXIT_UNUSABLE`] when there is nothing to decode (unreadable
//! file, text that is not the chosen format) or the input is larger than
//! `--max-size` (64 MiB unless set), which is refused without decoding.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use mls_core::inspect::{
    self, DissectLimits, Dissection, Field, InputFormat, MessageKind, ParsedInput, SignatureCheck,
    TooLarge,
};
use serde::Serialize;

use super::common::{EXIT_FAILED, EXIT_OK, EXIT_UNUSABLE, write_stdout};
use crate::text::plural;

/// Values longer than this many characters are shortened in text output
/// (unless `--full`).
const SHORT_VALUE: usize = 96;

/// `mls-inspector decode [--format F] [--as KIND] [--json] [--full] INPUT`
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// How to read INPUT: `auto` detects hex (spaces, `0x`, line breaks
    /// allowed), then base64 (standard or URL-safe, padded or not), else
    /// raw binary (files and stdin only).
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,

    /// What the bytes are: `auto` tries an MLSMessage first, then each bare
    /// structure.
    #[arg(long = "as", value_name = "KIND", value_enum, default_value_t = KindArg::Auto)]
    pub kind: KindArg,

    /// Print exactly one JSON object on stdout instead of the text tree.
    #[arg(long)]
    pub json: bool,

    /// In text output, print long values in full instead of shortening them.
    #[arg(long)]
    pub full: bool,

    /// Also decrypt the message (PrivateMessage) or preview it (a commit)
    /// with this local group of the workspace: `#N`, a name, or a group id
    /// in hex. Read-only: nothing is saved, the message can still be
    /// received with `group receive` afterwards.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,

    /// The workspace file for `--group` (default: $MLS_INSPECTOR_DB, else
    /// the platform data directory, as for the group commands).
    #[arg(long, value_name = "PATH", requires = "group")]
    pub db: Option<PathBuf>,

    /// Refuse (exit 2) a message of more than this many bytes, without
    /// decoding it: `BYTES`, or with a `KiB`, `MiB` or `GiB` suffix.
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = inspect::parse_size)]
    pub max_size: usize,

    /// The message: hex or base64 text, `@FILE` (binary, or text holding hex
    /// or base64), or `-` for stdin.
    #[arg(value_name = "INPUT", allow_hyphen_values = true)]
    pub input: String,
}

/// The line a refused input is reported with.
pub fn too_large_line(e: &TooLarge) -> String {
    format!("{e} (--max-size raises the limit)")
}

/// What `--group` found: the message as the group's member reads it.
#[derive(Debug, Serialize)]
pub struct DecryptedJson {
    /// The group row used (`#N name`).
    pub group: String,
    /// `application`, `proposal` or `commit`; null when it failed.
    pub kind: Option<&'static str>,
    /// Why the group could not read it; null on success.
    pub error: Option<String>,
    /// The sender (application data and proposals).
    pub sender: Option<String>,
    /// The epoch the message belongs to (application data) or the epoch a
    /// commit leads to.
    pub epoch: Option<u64>,
    /// Application data as text (lossy UTF-8), a proposal's or commit's
    /// summary.
    pub text: Option<String>,
    /// Application data, hex.
    pub data_hex: Option<String>,
    /// The group's checks of the message (membership tag, signature):
    /// `{"what","verified","status","reason"}`.
    pub checks: Vec<serde_json::Value>,
    /// A PrivateMessage's decrypted `SenderData` and
    /// `PrivateMessageContent`, as field trees (offsets into the
    /// plaintexts): `{"name","length","fields","error"}`.
    pub decrypted: Vec<serde_json::Value>,
    /// The same, as text lines (for the text output).
    #[serde(skip)]
    pub reading_text: String,
}

impl DecryptedJson {
    fn failed(group: String, error: String) -> Self {
        DecryptedJson {
            group,
            kind: None,
            error: Some(error),
            sender: None,
            epoch: None,
            text: None,
            data_hex: None,
            checks: Vec::new(),
            decrypted: Vec::new(),
            reading_text: String::new(),
        }
    }

    /// Adds what `read_with_group` found: the checks and decrypted trees.
    fn with_reading(mut self, reading: &crate::workspace::GroupReading, full: bool) -> Self {
        let mut text = String::new();
        for check in &reading.checks {
            self.checks
                .push(serde_json::to_value(SignatureJson::new(check)).unwrap_or_default());
            let _ = write!(text, "  {} {}", check.mark(), check.what);
            if let Some(why) = check.reason() {
                let _ = write!(text, " ({}: {why})", check.status());
            }
            text.push('\n');
        }
        for part in [&reading.sender_data, &reading.content]
            .into_iter()
            .flatten()
        {
            self.decrypted.push(serde_json::json!({
                "name": part.name,
                "length": part.bytes.len(),
                "fields": part.fields.iter().map(FieldJson::new).collect::<Vec<_>>(),
                "error": part.error.as_ref().map(|e| ErrorJson {
                    path: &e.path,
                    offset: e.offset,
                    message: &e.message,
                }),
            }));
            let _ = writeln!(
                text,
                "  decrypted {} ({}, offsets into the plaintext):",
                part.name,
                plural(part.bytes.len(), "byte")
            );
            for f in &part.fields {
                render_field(&mut text, f, 2, full);
            }
        }
        if let Some(e) = &reading.decrypt_error {
            let _ = writeln!(text, "  not decrypted: {e}");
        }
        self.reading_text = text;
        self
    }
}

/// Opens the workspace and reads `bytes` with `group`, saving nothing.
fn decrypt_with_group(args: &DecodeArgs, group: &str, bytes: &[u8]) -> DecryptedJson {
    use crate::workspace::{Receipt, Workspace};
    let path = args
        .db
        .clone()
        .or_else(|| {
            std::env::var_os("MLS_INSPECTOR_DB")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
        })
        .map_or_else(Workspace::default_path, Ok);
    let ws =
        match path.and_then(|p| Workspace::open_locked(p, crate::workspace::OpenMode::Existing)) {
            Ok(ws) => ws,
            Err(e) => return DecryptedJson::failed(group.to_owned(), e.to_string()),
        };
    if ws.is_locked().unwrap_or(false) {
        let unlocked = super::passphrase::passphrase(ws.path())
            .map_err(|f| f.message)
            .and_then(|pass| ws.unlock(pass.as_str()).map_err(|e| e.to_string()));
        if let Err(why) = unlocked {
            return DecryptedJson::failed(group.to_owned(), why);
        }
    }
    let row = match ws.group_find(group) {
        Ok(row) => row,
        Err(e) => return DecryptedJson::failed(group.to_owned(), e.to_string()),
    };
    let label = format!("{} {}", row.key, row.name);
    // Read first (nothing is consumed), then preview as `group receive`.
    let reading = ws.read_with_group(row.key, bytes);
    let out = match ws.peek(Some(row.key), bytes) {
        Ok(Receipt::Application {
            epoch,
            sender,
            sender_name,
            data,
            ..
        }) => DecryptedJson {
            group: label,
            kind: Some("application"),
            error: None,
            sender: Some(format!("leaf {sender} ({sender_name})")),
            epoch: Some(epoch),
            text: Some(String::from_utf8_lossy(&data).into_owned()),
            data_hex: Some(hex::encode(&data)),
            ..DecryptedJson::failed(String::new(), String::new())
        },
        Ok(Receipt::Proposal {
            sender,
            description,
            ..
        }) => DecryptedJson {
            group: label,
            kind: Some("proposal"),
            error: None,
            sender: Some(sender),
            epoch: None,
            text: Some(description),
            data_hex: None,
            ..DecryptedJson::failed(String::new(), String::new())
        },
        Ok(Receipt::CommitStaged(preview)) => DecryptedJson {
            group: label,
            kind: Some("commit"),
            error: None,
            sender: preview.committer.map(|leaf| match &preview.committer_name {
                Some(name) => format!("leaf {leaf} ({name})"),
                None => format!("leaf {leaf}"),
            }),
            epoch: Some(preview.new_epoch),
            text: Some(preview.text.clone()),
            data_hex: None,
            ..DecryptedJson::failed(String::new(), String::new())
        },
        Ok(Receipt::Joined(_)) => {
            DecryptedJson::failed(label, String::from("a Welcome is joined, not decrypted"))
        }
        Ok(Receipt::Competing { staged, .. }) => DecryptedJson {
            group: label,
            kind: Some("commit"),
            error: None,
            sender: staged.committer.map(|leaf| format!("leaf {leaf}")),
            epoch: Some(staged.new_epoch),
            text: Some(staged.text.clone()),
            data_hex: None,
            ..DecryptedJson::failed(String::new(), String::new())
        },
        Ok(Receipt::Superseded(late)) => DecryptedJson::failed(label, late.text()),
        Err(e) => DecryptedJson::failed(label, e.to_string()),
    };
    match &reading {
        Ok(reading) => out.with_reading(reading, args.full),
        Err(_) => out,
    }
}

/// The JSON object with the `decrypted` member `--group` adds.
#[derive(Debug, Serialize)]
struct WithDecrypted<'a> {
    #[serde(flatten)]
    dissection: DissectionJson<'a>,
    decrypted: &'a DecryptedJson,
}

fn render_decrypted(out: &mut String, d: &DecryptedJson) {
    let _ = writeln!(out, "decrypted with group {}:", d.group);
    out.push_str(&d.reading_text);
    if let Some(e) = &d.error {
        let _ = writeln!(out, "  ✗ {e}");
        return;
    }
    if let Some(kind) = d.kind {
        let _ = writeln!(out, "  kind:   {kind}");
    }
    if let Some(sender) = &d.sender {
        let _ = writeln!(out, "  sender: {sender}");
    }
    if let Some(epoch) = d.epoch {
        let _ = writeln!(out, "  epoch:  {epoch}");
    }
    if let Some(text) = &d.text {
        let _ = writeln!(out, "  text:   {text:?}");
    }
    if let Some(data) = &d.data_hex {
        let _ = writeln!(out, "  hex:    {data}");
    }
}

/// `--format`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Auto,
    Hex,
    Base64,
    Binary,
}

impl FormatArg {
    pub fn format(self) -> Option<InputFormat> {
        match self {
            FormatArg::Auto => None,
            FormatArg::Hex => Some(InputFormat::Hex),
            FormatArg::Base64 => Some(InputFormat::Base64),
            FormatArg::Binary => Some(InputFormat::Binary),
        }
    }
}

/// `--as`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Auto,
    #[value(name = "mlsmessage")]
    MlsMessage,
    #[value(name = "keypackage")]
    KeyPackage,
    Welcome,
    #[value(name = "groupinfo")]
    GroupInfo,
    #[value(name = "ratchettree")]
    RatchetTree,
    #[value(name = "publicmessage")]
    PublicMessage,
    #[value(name = "privatemessage")]
    PrivateMessage,
    #[value(name = "leafnode")]
    LeafNode,
}

impl KindArg {
    pub fn kind(self) -> Option<MessageKind> {
        Some(match self {
            KindArg::Auto => return None,
            KindArg::MlsMessage => MessageKind::MlsMessage,
            KindArg::KeyPackage => MessageKind::KeyPackage,
            KindArg::Welcome => MessageKind::Welcome,
            KindArg::GroupInfo => MessageKind::GroupInfo,
            KindArg::RatchetTree => MessageKind::RatchetTree,
            KindArg::PublicMessage => MessageKind::PublicMessage,
            KindArg::PrivateMessage => MessageKind::PrivateMessage,
            KindArg::LeafNode => MessageKind::LeafNode,
        })
    }
}

/// Where an INPUT argument's bytes came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The argument itself (text).
    Argument,
    File(PathBuf),
    Stdin,
}

/// Reads an INPUT argument: `@FILE` reads the file, `-` reads stdin,
/// anything else is the text itself.
pub fn read_arg(arg: &str) -> Result<(Vec<u8>, Origin), String> {
    if arg == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok((bytes, Origin::Stdin));
    }
    if let Some(path) = arg.strip_prefix('@') {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        return Ok((bytes, Origin::File(PathBuf::from(path))));
    }
    Ok((arg.as_bytes().to_vec(), Origin::Argument))
}

/// Turns the raw INPUT into bytes in the chosen format (`None`: detect).
///
/// Text given on the command line must be hex or base64: an argument that is
/// neither is refused rather than decoded as its own characters (pass binary
/// data with `@FILE` or `-`, or say `--format binary`).
pub fn parse_raw(
    raw: &[u8],
    origin: &Origin,
    format: Option<InputFormat>,
) -> Result<ParsedInput, String> {
    // Nothing to decode, however it was given (argument, file, stdin).
    if raw.is_empty() || (raw.trim_ascii().is_empty() && format != Some(InputFormat::Binary)) {
        return Err(match origin {
            Origin::Argument => "INPUT is empty".to_owned(),
            Origin::Stdin => "stdin is empty".to_owned(),
            Origin::File(path) => format!("{} is empty", path.display()),
        });
    }
    match format {
        Some(format) => inspect::parse_input_as(raw, format),
        None => {
            let parsed = inspect::parse_input(raw);
            if parsed.format != InputFormat::Binary || *origin != Origin::Argument {
                return Ok(parsed);
            }
            let why = |format| {
                inspect::parse_input_as(raw, format)
                    .err()
                    .unwrap_or_else(|| "empty".to_owned())
            };
            Err(format!(
                "INPUT is neither hex ({}) nor base64 ({}); \
                 give binary data as @FILE or -",
                why(InputFormat::Hex),
                why(InputFormat::Base64)
            ))
        }
    }
}

/// Dissects `bytes` as `kind`, or detects what they are, refusing more
/// than `max_size` bytes.
pub fn dissect(
    bytes: &[u8],
    kind: Option<MessageKind>,
    max_size: usize,
) -> Result<Dissection, TooLarge> {
    let limits = DissectLimits {
        max_input: max_size,
        ..DissectLimits::default()
    };
    inspect::dissect_limited(bytes, kind, &limits)
}

/// `decode`: prints the dissection; exit status as described in the module docs.
pub fn decode(args: &DecodeArgs) -> u8 {
    let parsed = read_arg(&args.input)
        .and_then(|(raw, origin)| parse_raw(&raw, &origin, args.format.format()));
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("mls-inspector: {e}");
            return EXIT_UNUSABLE;
        }
    };
    let dissection = match dissect(&parsed.bytes, args.kind.kind(), args.max_size) {
        Ok(dissection) => dissection,
        Err(e) => {
            eprintln!("mls-inspector: {}", too_large_line(&e));
            return EXIT_UNUSABLE;
        }
    };
    let decrypted = args
        .group
        .as_deref()
        .map(|group| decrypt_with_group(args, group, &parsed.bytes));
    let out = if args.json {
        let json = match &decrypted {
            Some(decrypted) => serde_json::to_string_pretty(&WithDecrypted {
                dissection: DissectionJson::new(Some(&parsed), &dissection),
                decrypted,
            })
            .map(|text| text + "\n")
            .map_err(|e| format!("cannot serialise the result: {e}")),
            None => to_json(Some(&parsed), &dissection),
        };
        match json {
            Ok(text) => text,
            Err(e) => {
                eprintln!("mls-inspector: {e}");
                return EXIT_FAILED;
            }
        }
    } else {
        let mut text = render_text(Some(&parsed), &dissection, args.full);
        if let Some(d) = &decrypted {
            render_decrypted(&mut text, d);
        }
        text
    };
    if let Err(e) = write_stdout(&out) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("mls-inspector: cannot write the result: {e}");
        }
        return EXIT_FAILED;
    }
    if dissection.ok() && decrypted.as_ref().is_none_or(|d| d.error.is_none()) {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

// ---------------------------------------------------------------------------
// JSON.

/// The whole result as one JSON object, keys in this order:
/// `{"format","format_reason","kind","detection","summary","length","error",
/// "signatures","fields","truncated"}` (`format` and `format_reason` are null
/// without an input; `error` is null when the input decoded completely;
/// `truncated` is null unless the field tree was cut at its limit, then it
/// says how many fields are shown and how many are not).
#[derive(Debug, Serialize)]
pub struct DissectionJson<'a> {
    pub format: Option<&'static str>,
    pub format_reason: Option<&'a str>,
    pub kind: &'static str,
    pub detection: &'a str,
    pub summary: &'a str,
    pub length: usize,
    pub error: Option<ErrorJson<'a>>,
    pub signatures: Vec<SignatureJson<'a>>,
    pub fields: Vec<FieldJson<'a>>,
    pub truncated: Option<String>,
}

/// `{"path","offset","message"}`: where decoding failed.
#[derive(Debug, Serialize)]
pub struct ErrorJson<'a> {
    pub path: &'a str,
    pub offset: usize,
    pub message: &'a str,
}

/// `{"what","verified","reason"}`; `reason` is null when verified.
#[derive(Debug, Serialize)]
pub struct SignatureJson<'a> {
    pub what: &'a str,
    pub verified: bool,
    /// `verified`, `failed` or `not checkable`.
    pub status: &'static str,
    pub reason: Option<&'a str>,
}

/// One field and, recursively, its children.
#[derive(Debug, Serialize)]
pub struct FieldJson<'a> {
    pub label: &'a str,
    pub path: &'a str,
    #[serde(rename = "type")]
    pub type_name: &'a str,
    pub value: Option<&'a str>,
    pub text: Option<&'a str>,
    pub start: usize,
    pub end: usize,
    pub error: Option<&'a str>,
    pub children: Vec<FieldJson<'a>>,
}

impl<'a> DissectionJson<'a> {
    pub fn new(input: Option<&'a ParsedInput>, d: &'a Dissection) -> Self {
        DissectionJson {
            format: input.map(|p| p.format.name()),
            format_reason: input.map(|p| p.reason.as_str()),
            kind: d.kind.name(),
            detection: &d.detection,
            summary: &d.summary,
            length: d.len,
            error: d.error.as_ref().map(|e| ErrorJson {
                path: &e.path,
                offset: e.offset,
                message: &e.message,
            }),
            signatures: d.signatures.iter().map(SignatureJson::new).collect(),
            fields: d.fields.iter().map(FieldJson::new).collect(),
            truncated: d.truncated.map(|t| t.to_string()),
        }
    }
}

impl<'a> SignatureJson<'a> {
    pub fn new(check: &'a SignatureCheck) -> Self {
        SignatureJson {
            what: &check.what,
            verified: check.verified(),
            status: check.status(),
            reason: check.reason(),
        }
    }
}

impl<'a> FieldJson<'a> {
    pub fn new(f: &'a Field) -> Self {
        FieldJson {
            label: &f.label,
            path: &f.path,
            type_name: &f.type_name,
            value: f.value.as_deref(),
            text: f.text.as_deref(),
            start: f.start,
            end: f.end,
            error: f.error.as_deref(),
            children: f.children.iter().map(FieldJson::new).collect(),
        }
    }
}

/// [`DissectionJson`] as pretty-printed text with a final line break.
pub fn to_json(input: Option<&ParsedInput>, d: &Dissection) -> Result<String, String> {
    serde_json::to_string_pretty(&DissectionJson::new(input, d))
        .map(|text| text + "\n")
        .map_err(|e| format!("cannot serialise the result: {e}"))
}

// ---------------------------------------------------------------------------
// Text.

/// The header lines, then the field tree, one field a line:
/// `label  type  [start..end]  value  "text"`, children indented by two
/// spaces, error and incomplete fields marked with `✗`.
pub fn render_text(input: Option<&ParsedInput>, d: &Dissection, full: bool) -> String {
    let mut out = String::new();
    // `let _ =`: writing into a String cannot fail.
    if let Some(p) = input {
        let _ = writeln!(out, "input:      {} ({})", p.format.name(), p.reason);
    }
    let _ = writeln!(out, "length:     {}", plural(d.len, "byte"));
    let _ = writeln!(out, "kind:       {}", d.kind.name());
    let _ = writeln!(out, "detection:  {}", d.detection);
    let _ = writeln!(out, "summary:    {}", d.summary);
    if d.signatures.is_empty() {
        let _ = writeln!(out, "signatures: none checkable from the message alone");
    } else {
        let _ = writeln!(out, "signatures:");
        for check in &d.signatures {
            let _ = match check.reason() {
                None => writeln!(out, "  {} {}", check.mark(), check.what),
                Some(reason) => writeln!(
                    out,
                    "  {} {} ({}): {reason}",
                    check.mark(),
                    check.what,
                    check.status()
                ),
            };
        }
    }
    if let Some(e) = &d.error {
        let path = if e.path.is_empty() {
            "top level"
        } else {
            e.path.as_str()
        };
        let _ = writeln!(
            out,
            "error:      ✗ {path} at byte {}: {}",
            e.offset, e.message
        );
    }
    if let Some(t) = &d.truncated {
        let _ = writeln!(out, "truncated:  {t}");
    }
    out.push('\n');
    for field in &d.fields {
        render_field(&mut out, field, 0, full);
    }
    out
}

fn render_field(out: &mut String, f: &Field, depth: usize, full: bool) {
    let indent = "  ".repeat(depth);
    let range = format!("[{}..{}]", f.start, f.end);
    if f.type_name == "error" && f.is_leaf() {
        let what = f.error.as_deref().or(f.value.as_deref()).unwrap_or("error");
        let _ = writeln!(out, "{indent}✗ {}  {range}  {what}", f.label);
        return;
    }
    let mut line = format!("{indent}{}  {}  {range}", f.label, f.type_name);
    if let Some(value) = &f.value {
        line.push_str("  ");
        line.push_str(&shorten(value, full));
    }
    if let Some(text) = &f.text {
        let text = shorten(&text.escape_debug().to_string(), full);
        let _ = write!(line, "  \"{text}\"");
    }
    if let Some(error) = &f.error {
        let _ = write!(line, "  ✗ {error}");
    }
    out.push_str(&line);
    out.push('\n');
    for child in &f.children {
        render_field(out, child, depth + 1, full);
    }
}

/// `value` itself, or its start and how long it is.
fn shorten(value: &str, full: bool) -> String {
    let count = value.chars().count();
    if full || count <= SHORT_VALUE {
        return value.to_owned();
    }
    let head: String = value.chars().take(SHORT_VALUE - 32).collect();
    format!("{head}… ({count} characters; --full shows all)")
}

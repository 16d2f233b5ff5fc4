//! The wire helpers of the original interop CLI:
//!
//! - `plaintext decode HEX`, `ciphertext decode HEX`: the field tree of a
//!   PublicMessage / PrivateMessage body (what is readable without keys);
//! - `wire encode-handshake HEX` / `wire encode-application HEX`: a
//!   PublicMessage / PrivateMessage body, decoded strictly and wrapped into
//!   an MLSMessage, printed as standard base64;
//! - `wire decode-handshake B64` / `wire decode-application B64`: the
//!   reverse, printing the body as hex.
//!
//! Round trips are byte-exact (`mls_core::inspect::wire`): the body is
//! never re-encoded differently from what was given. Every error goes to stderr with [`EXIT_UNUSABLE`].

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clap::{Args, Subcommand};
use mls_core::inspect::wire;
pub use mls_core::inspect::wire::Framing;
use mls_core::inspect::{self, InputFormat};

use super::common::{EXIT_OK, EXIT_UNUSABLE, write_stdout};
use super::decode::{read_arg, render_text, to_json};

/// `mls-inspector plaintext …`
#[derive(Debug, Subcommand)]
pub enum PlaintextCommand {
    /// Print the field tree of a PublicMessage body (hex; `@FILE` or `-` also work).
    Decode(BodyArgs),
}

/// `mls-inspector ciphertext …`
#[derive(Debug, Subcommand)]
pub enum CiphertextCommand {
    /// Print the clear fields of a PrivateMessage body (hex; `@FILE` or `-` also work).
    Decode(BodyArgs),
}

/// `… decode [--json] [--full] HEX`
#[derive(Debug, Args)]
pub struct BodyArgs {
    /// Print exactly one JSON object (as `decode --json`) instead of the tree.
    #[arg(long)]
    pub json: bool,

    /// Print long values in full instead of shortening them.
    #[arg(long)]
    pub full: bool,

    /// The body as hex, `@FILE` holding hex, or `-` for stdin.
    #[arg(value_name = "HEX", allow_hyphen_values = true)]
    pub hex: String,
}

/// `mls-inspector wire …`
#[derive(Debug, Subcommand)]
pub enum WireCommand {
    /// PublicMessage body (hex) → MLSMessage (standard base64).
    EncodeHandshake(HexArg),
    /// MLSMessage holding a PublicMessage (base64) → the body (hex).
    DecodeHandshake(Base64Arg),
    /// PrivateMessage body (hex) → MLSMessage (standard base64).
    EncodeApplication(HexArg),
    /// MLSMessage holding a PrivateMessage (base64) → the body (hex).
    DecodeApplication(Base64Arg),
}

#[derive(Debug, Args)]
pub struct HexArg {
    /// Hex text, `@FILE` holding hex, or `-` for stdin.
    #[arg(value_name = "HEX", allow_hyphen_values = true)]
    pub hex: String,
}

#[derive(Debug, Args)]
pub struct Base64Arg {
    /// Base64 text (standard or URL-safe), `@FILE` holding it, or `-` for stdin.
    #[arg(value_name = "BASE64", allow_hyphen_values = true)]
    pub base64: String,
}

/// Reads an argument (text, `@FILE` or `-`) in `format`.
fn read_as(arg: &str, format: InputFormat) -> Result<Vec<u8>, String> {
    let (raw, _) = read_arg(arg)?;
    inspect::parse_input_as(&raw, format).map(|p| p.bytes)
}

/// `plaintext decode` / `ciphertext decode`: the field tree, exit 0 when
/// the body decoded completely.
pub fn decode_body(args: &BodyArgs, framing: Framing) -> u8 {
    let bytes = match read_as(&args.hex, InputFormat::Hex) {
        Ok(bytes) => bytes,
        Err(e) => return fail(&e),
    };
    let limits = inspect::DissectLimits::default();
    let d = match inspect::dissect_limited(&bytes, Some(framing.kind()), &limits) {
        Ok(d) => d,
        Err(e) => return fail(&e.to_string()),
    };
    let out = if args.json {
        match to_json(None, &d) {
            Ok(text) => text,
            Err(e) => return fail(&e),
        }
    } else {
        render_text(None, &d, args.full)
    };
    let written = write_stdout(&out);
    if let Some(e) = &d.error {
        return fail(&format!(
            "not a {}: {} at byte {}: {}",
            framing.kind().name(),
            if e.path.is_empty() {
                "top level"
            } else {
                &e.path
            },
            e.offset,
            e.message
        ));
    }
    match written {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_UNUSABLE,
        Err(e) => fail(&format!("cannot write the result: {e}")),
    }
}

/// `wire encode-*`: prints the MLSMessage (base64) wrapping the body.
pub fn encode(args: &HexArg, framing: Framing) -> u8 {
    let result = read_as(&args.hex, InputFormat::Hex)
        .and_then(|body| wire::wrap(&body, framing).map_err(|e| e.to_string()));
    print_line(result.map(|message| STANDARD.encode(message)))
}

/// `wire decode-*`: prints the body (hex) of the MLSMessage.
pub fn decode(args: &Base64Arg, framing: Framing) -> u8 {
    let result = read_as(&args.base64, InputFormat::Base64)
        .and_then(|message| wire::unwrap(&message, framing).map_err(|e| e.to_string()));
    print_line(result.map(hex::encode))
}

fn print_line(result: Result<String, String>) -> u8 {
    match result {
        Ok(line) => match write_stdout(&(line + "\n")) {
            Ok(()) => EXIT_OK,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_UNUSABLE,
            Err(e) => fail(&format!("cannot write the result: {e}")),
        },
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> u8 {
    eprintln!("mls-inspector: {message}");
    EXIT_UNUSABLE
}

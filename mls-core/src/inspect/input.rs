//! Reading user input: hex (spaces, `0x`, line breaks allowed), base64
//! (standard or URL-safe, padded or not) or raw binary, detected
//! automatically with the choice explained, or chosen explicitly.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// How input bytes were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputFormat {
    Hex,
    Base64,
    Binary,
}

impl InputFormat {
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Hex => "hex",
            InputFormat::Base64 => "base64",
            InputFormat::Binary => "binary",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "hex" => Some(InputFormat::Hex),
            "base64" | "b64" => Some(InputFormat::Base64),
            "binary" | "bin" | "raw" => Some(InputFormat::Binary),
            _ => None,
        }
    }
}

/// Input bytes with the format they were read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedInput {
    pub bytes: Vec<u8>,
    pub format: InputFormat,
    /// Why this format was chosen.
    pub reason: String,
}

fn strip_hex(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for token in text.split_whitespace() {
        let token = token.trim_end_matches(',');
        let token = token
            .strip_prefix("0x")
            .or_else(|| token.strip_prefix("0X"))
            .unwrap_or(token);
        if !token.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        out.push_str(token);
    }
    Some(out)
}

fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits = strip_hex(text).ok_or("not hex: a character other than 0-9, a-f, spaces or 0x")?;
    hex::decode(&digits).map_err(|e| match e {
        hex::FromHexError::OddLength => {
            format!("hex has an odd number of digits ({})", digits.len())
        }
        other => other.to_string(),
    })
}

fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let url = compact.contains(['-', '_']);
    let padded = compact.ends_with('=');
    let engine = match (url, padded) {
        (false, true) => &STANDARD,
        (false, false) => &STANDARD_NO_PAD,
        (true, true) => &URL_SAFE,
        (true, false) => &URL_SAFE_NO_PAD,
    };
    engine
        .decode(compact.as_bytes())
        .map_err(|e| format!("not base64: {e}"))
}

/// Reads `input` in the given format.
pub fn parse_input_as(input: &[u8], format: InputFormat) -> Result<ParsedInput, String> {
    let text =
        || std::str::from_utf8(input).map_err(|_| format!("{} input is not text", format.name()));
    let bytes = match format {
        InputFormat::Binary => input.to_vec(),
        InputFormat::Hex => decode_hex(text()?)?,
        InputFormat::Base64 => decode_base64(text()?)?,
    };
    Ok(ParsedInput {
        bytes,
        format,
        reason: format!("read as {} (chosen)", format.name()),
    })
}

/// Detects the format: text made only of hex digits (after removing
/// spaces, line breaks and `0x`) is hex; other text that decodes as base64
/// is base64; anything else is raw binary.
pub fn parse_input(input: &[u8]) -> ParsedInput {
    let binary = |reason: String| ParsedInput {
        bytes: input.to_vec(),
        format: InputFormat::Binary,
        reason,
    };
    let Ok(text) = std::str::from_utf8(input) else {
        return binary("not UTF-8 text, so read as raw binary".into());
    };
    if text.trim().is_empty() {
        return binary("empty input".into());
    }
    match decode_hex(text) {
        Ok(bytes) => ParsedInput {
            bytes,
            format: InputFormat::Hex,
            reason: "text of hex digits, so read as hex".into(),
        },
        Err(hex_err) => match decode_base64(text) {
            Ok(bytes) => ParsedInput {
                bytes,
                format: InputFormat::Base64,
                reason: format!("text that is not hex ({hex_err}) but decodes as base64"),
            },
            Err(b64_err) => binary(format!(
                "text that is neither hex ({hex_err}) nor base64 ({b64_err}), so read as raw binary"
            )),
        },
    }
}

//! Typed access to vector JSON that names the field path in every error.

use serde_json::Value;

/// A JSON value and the path that led to it (e.g. `sign_with_label.pub`).
#[derive(Debug, Clone)]
pub struct Field<'a> {
    value: &'a Value,
    path: String,
}

/// A path segment appended to a parent path.
fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// An error about malformed input, naming the field.
pub fn malformed(path: &str, what: impl std::fmt::Display) -> String {
    format!("malformed input: field `{path}`: {what}")
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Field<'a> {
    pub fn root(value: &'a Value, path: &str) -> Self {
        Field {
            value,
            path: path.to_string(),
        }
    }

    pub fn value(&self) -> &'a Value {
        self.value
    }

    /// The child `key`.
    pub fn get(&self, key: &str) -> Result<Field<'a>, String> {
        let path = join(&self.path, key);
        let value = match self.value {
            Value::Object(map) => map.get(key).ok_or_else(|| malformed(&path, "missing"))?,
            other => {
                return Err(malformed(
                    &self.path,
                    format!("expected an object, found {}", type_name(other)),
                ));
            }
        };
        Ok(Field { value, path })
    }

    /// The element `i` of an array.
    pub fn index(&self, i: usize) -> Result<Field<'a>, String> {
        let path = format!("{}[{i}]", self.path);
        self.array()?
            .get(i)
            .map(|value| Field {
                value,
                path: path.clone(),
            })
            .ok_or_else(|| malformed(&path, "missing"))
    }

    pub fn str(&self) -> Result<&'a str, String> {
        self.value.as_str().ok_or_else(|| {
            malformed(
                &self.path,
                format!("expected a string, found {}", type_name(self.value)),
            )
        })
    }

    pub fn u64(&self) -> Result<u64, String> {
        self.value.as_u64().ok_or_else(|| {
            malformed(
                &self.path,
                format!("expected an unsigned integer, found {}", self.value),
            )
        })
    }

    pub fn u32(&self) -> Result<u32, String> {
        let v = self.u64()?;
        u32::try_from(v).map_err(|_| malformed(&self.path, format!("{v} does not fit in uint32")))
    }

    pub fn u16(&self) -> Result<u16, String> {
        let v = self.u64()?;
        u16::try_from(v).map_err(|_| malformed(&self.path, format!("{v} does not fit in uint16")))
    }

    /// `null` or an unsigned 32-bit integer.
    pub fn opt_u32(&self) -> Result<Option<u32>, String> {
        if self.value.is_null() {
            Ok(None)
        } else {
            self.u32().map(Some)
        }
    }

    /// Hex-encoded bytes.
    pub fn hex(&self) -> Result<Vec<u8>, String> {
        let s = self.str()?;
        hex::decode(s).map_err(|e| match e {
            hex::FromHexError::OddLength => malformed(
                &self.path,
                format!("hex has an odd number of digits ({}): truncated?", s.len()),
            ),
            hex::FromHexError::InvalidHexCharacter { c, index } => malformed(
                &self.path,
                format!("invalid hex character {c:?} at position {index}"),
            ),
            other => malformed(&self.path, other),
        })
    }

    pub fn array(&self) -> Result<&'a [Value], String> {
        self.value.as_array().map(Vec::as_slice).ok_or_else(|| {
            malformed(
                &self.path,
                format!("expected an array, found {}", type_name(self.value)),
            )
        })
    }
}

//! `deserialization.json`: variable-length vector headers (RFC 9420 §2.1.2).

use crate::codec::decode_vector_header;

use crate::conformance::json::Field;

pub fn run(case: &Field<'_>) -> Result<(), String> {
    let header = case.get("vlbytes_header")?.hex()?;
    let length = case.get("length")?.u64()?;
    let (decoded, _) = decode_vector_header(&header)
        .map_err(|e| format!("vlbytes_header {}: {e}", hex::encode(&header)))?;
    if decoded as u64 != length {
        return Err(format!(
            "vlbytes_header {}: expected length {length}, decoded {decoded}",
            hex::encode(&header)
        ));
    }
    Ok(())
}

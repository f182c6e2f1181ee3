//! RecordDeAggregation ("Apply dynamic partitioning to aggregated data"): one incoming record holding
//! several sub-records is split before partitioning (and before a Lambda transform).
//! - JSON: consecutive JSON objects, back to back (`{"a":1}{"a":2}`) or separated by whitespace/newlines
//!   (JSONL); an array of objects is not valid input. The whitespace between objects is dropped.
//! - DELIMITED: split on a custom delimiter, given in the configuration base64-encoded (`####` is
//!   `IyMjIw==`). Empty pieces (two delimiters in a row, or one at the end) are dropped.
//!   // Not AWS-verified text: AWS does not say what happens to empty pieces.
//! - at most 500 sub-records per record; more is an error for the whole record.
//!   // Not AWS-verified text: AWS says "capped at 500", not whether the rest is dropped or refused.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::{PartitionError, MAX_SUB_RECORDS_PER_RECORD};

/// The SubRecordType parameter of a RecordDeAggregation processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SubRecordType {
    Json,
    Delimited,
}

impl SubRecordType {
    /// The parameter value as the API carries it (`JSON` | `DELIMITED`).
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "JSON" => Some(SubRecordType::Json),
            "DELIMITED" => Some(SubRecordType::Delimited),
            _ => None,
        }
    }

    pub fn wire_name(self) -> &'static str {
        match self {
            SubRecordType::Json => "JSON",
            SubRecordType::Delimited => "DELIMITED",
        }
    }
}

/// The Delimiter parameter: base64 text of a non-empty byte string.
pub fn decode_delimiter(base64_text: &str) -> Result<Vec<u8>, PartitionError> {
    let bytes = STANDARD
        .decode(base64_text.trim())
        .map_err(|e| PartitionError::InvalidDelimiter { reason: format!("it is not base64 ({e})") })?;
    if bytes.is_empty() {
        return Err(PartitionError::InvalidDelimiter { reason: "it decodes to nothing".into() });
    }
    Ok(bytes)
}

/// Splits one record into its sub-records. `delimiter` is the decoded delimiter, needed for DELIMITED.
pub fn deaggregate(data: &[u8], kind: SubRecordType, delimiter: Option<&[u8]>) -> Result<Vec<Vec<u8>>, PartitionError> {
    let pieces = match kind {
        SubRecordType::Json => split_json_objects(data)?,
        SubRecordType::Delimited => {
            let delimiter = delimiter
                .filter(|d| !d.is_empty())
                .ok_or_else(|| PartitionError::InvalidDelimiter { reason: "DELIMITED needs a delimiter".into() })?;
            split_delimited(data, delimiter)
        }
    };
    if pieces.len() > MAX_SUB_RECORDS_PER_RECORD {
        return Err(PartitionError::TooManySubRecords { count: pieces.len() });
    }
    Ok(pieces.into_iter().map(<[u8]>::to_vec).collect())
}

fn split_delimited<'a>(data: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + delimiter.len() <= data.len() {
        if &data[i..i + delimiter.len()] == delimiter {
            if i > start {
                out.push(&data[start..i]);
            }
            i += delimiter.len();
            start = i;
        } else {
            i += 1;
        }
    }
    if start < data.len() {
        out.push(&data[start..]);
    }
    out
}

fn is_json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Finds each top-level `{…}` (brace depth, strings and escapes respected), then checks that each is
/// JSON. Anything other than whitespace between objects is an error.
fn split_json_objects(data: &[u8]) -> Result<Vec<&[u8]>, PartitionError> {
    let fail = |at: usize, what: &str| PartitionError::DeaggregationFailed {
        reason: format!("{what} at byte {at}; JSON deaggregation expects JSON objects one after another"),
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        if is_json_space(data[i]) {
            i += 1;
            continue;
        }
        if data[i] != b'{' {
            return Err(fail(i, "not the start of a JSON object"));
        }
        let start = i;
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        let mut end = None;
        while i < data.len() {
            let b = data[i];
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        let Some(end) = end else {
            return Err(fail(start, "an unterminated JSON object"));
        };
        let piece = &data[start..end];
        if serde_json::from_slice::<serde::de::IgnoredAny>(piece).is_err() {
            return Err(fail(start, "an invalid JSON object"));
        }
        out.push(piece);
        if out.len() > MAX_SUB_RECORDS_PER_RECORD {
            // No need to look further: the record is refused either way.
            return Err(PartitionError::TooManySubRecords { count: out.len() });
        }
        i = end;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_examples() {
        // "Apply dynamic partitioning to aggregated data": {"a":1}{"a":2} and {"a":1}\n{"a":2} are valid,
        // [{"a":1}, {"a":2}] is not; #### is IyMjIw== in base64.
        let want = vec![b"{\"a\":1}".to_vec(), b"{\"a\":2}".to_vec()];
        assert_eq!(deaggregate(br#"{"a":1}{"a":2}"#, SubRecordType::Json, None).unwrap(), want);
        assert_eq!(deaggregate(b"{\"a\":1}\n{\"a\":2}", SubRecordType::Json, None).unwrap(), want);
        assert!(deaggregate(br#"[{"a":1}, {"a":2}]"#, SubRecordType::Json, None).is_err());
        let d = decode_delimiter("IyMjIw==").unwrap();
        assert_eq!(d, b"####");
        assert_eq!(
            deaggregate(b"one####two####", SubRecordType::Delimited, Some(&d)).unwrap(),
            vec![b"one".to_vec(), b"two".to_vec()]
        );
    }
}

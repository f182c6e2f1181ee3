//! Built-in transforms for learners who do not write code, and the function an engine stores.
//!
//! A built-in runs natively and synchronously but keeps Lambda's contract: it takes the same
//! `TransformEvent` and answers the same response JSON, so the engine checks it with `parse_response`
//! exactly as it checks a learner's JavaScript.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{EventRecord, TransformEvent};

/// A transform that needs no code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum BuiltinTransform {
    /// Each record is a JSON object; write the named fields as one CSV line (RFC 4180 quoting, LF line
    /// end). A missing or null field is an empty cell; nested values are written as compact JSON.
    /// A record that is not a JSON object fails (ProcessingFailed).
    JsonToCsv { columns: Vec<String>, delimiter: char },
    /// Adds `\n` after every record (what a learner usually wants before Athena reads the objects).
    AppendNewline,
    /// Keeps (or, with `keep_matching: false`, drops) the JSON records whose `field` equals `equals`.
    /// `field` may be a dotted path (`user.country`); a non-string value matches by its JSON text
    /// (`42`, `true`). Records that are not JSON objects fail (ProcessingFailed).
    FilterByField { field: String, equals: String, keep_matching: bool },
}

/// The function a delivery stream's Lambda processor points at, as the engine stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum TransformFunction {
    Builtin { name: String, transform: BuiltinTransform },
    /// The learner's Node-style JavaScript, run by the page in a Web Worker.
    Script { name: String, source: String },
}

impl TransformFunction {
    pub fn name(&self) -> &str {
        match self {
            TransformFunction::Builtin { name, .. } | TransformFunction::Script { name, .. } => name,
        }
    }

    /// Checks the name and, for a built-in, its settings. Not AWS-verified text.
    pub fn validate(&self) -> Result<(), String> {
        validate_function_name(self.name())?;
        match self {
            TransformFunction::Builtin { transform, .. } => transform.validate(),
            TransformFunction::Script { source, .. } if source.trim().is_empty() => {
                Err("Write the function's code first.".to_string())
            }
            TransformFunction::Script { .. } => Ok(()),
        }
    }

    /// The response of a built-in (None for a script, which only the page can run).
    pub fn run_builtin(&self, event: &TransformEvent) -> Option<Vec<u8>> {
        match self {
            TransformFunction::Builtin { transform, .. } => Some(transform.run(event)),
            TransformFunction::Script { .. } => None,
        }
    }
}

/// Lambda function names: 1–64 letters, digits, hyphens or underscores (Lambda's naming rule).
pub const FUNCTION_NAME_MAX_CHARS: usize = 64;

/// Checks a function name. Not AWS-verified text.
pub fn validate_function_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.chars().count() > FUNCTION_NAME_MAX_CHARS {
        return Err(format!("A function name must be 1 to {FUNCTION_NAME_MAX_CHARS} characters long."));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err("A function name may contain only letters, digits, hyphens (-) and underscores (_).".to_string());
    }
    Ok(())
}

/// One record of the response a built-in writes.
#[derive(Serialize)]
struct ResponseRecord<'a> {
    #[serde(rename = "recordId")]
    record_id: &'a str,
    result: &'static str,
    data: String,
}

#[derive(Serialize)]
struct Response<'a> {
    records: Vec<ResponseRecord<'a>>,
}

/// What a built-in decided for one record.
enum Outcome {
    Ok(Vec<u8>),
    Dropped,
    Failed,
}

impl BuiltinTransform {
    /// Checks the settings (a CSV delimiter must not be a quote or a line break). Not AWS-verified text.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            BuiltinTransform::JsonToCsv { columns, delimiter } => {
                if columns.is_empty() {
                    return Err("Choose at least one column.".to_string());
                }
                if matches!(delimiter, '"' | '\r' | '\n') {
                    return Err("The delimiter cannot be a double quote or a line break.".to_string());
                }
                Ok(())
            }
            BuiltinTransform::AppendNewline => Ok(()),
            BuiltinTransform::FilterByField { field, .. } => {
                if field.is_empty() {
                    Err("Name the field to filter on.".to_string())
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Runs over an event and answers the response JSON a Lambda function would.
    pub fn run(&self, event: &TransformEvent) -> Vec<u8> {
        let records = event
            .records
            .iter()
            .map(|record| {
                let outcome = match STANDARD.decode(record.data.as_bytes()) {
                    Ok(raw) => self.apply(&raw),
                    Err(_) => Outcome::Failed,
                };
                response_record(record, outcome)
            })
            .collect();
        serde_json::to_vec(&Response { records }).unwrap_or_default()
    }

    fn apply(&self, raw: &[u8]) -> Outcome {
        match self {
            BuiltinTransform::AppendNewline => {
                let mut out = raw.to_vec();
                out.push(b'\n');
                Outcome::Ok(out)
            }
            BuiltinTransform::JsonToCsv { columns, delimiter } => match json_object(raw) {
                Some(object) => Outcome::Ok(csv_line(&object, columns, *delimiter).into_bytes()),
                None => Outcome::Failed,
            },
            BuiltinTransform::FilterByField { field, equals, keep_matching } => match json_object(raw) {
                Some(object) => {
                    let matches = lookup(&object, field).is_some_and(|v| value_text(v).as_deref() == Some(equals.as_str()));
                    if matches == *keep_matching {
                        Outcome::Ok(raw.to_vec())
                    } else {
                        Outcome::Dropped
                    }
                }
                None => Outcome::Failed,
            },
        }
    }
}

fn response_record(record: &EventRecord, outcome: Outcome) -> ResponseRecord<'_> {
    match outcome {
        Outcome::Ok(data) => ResponseRecord { record_id: &record.record_id, result: "Ok", data: STANDARD.encode(data) },
        // Dropped and failed records echo the input data (the contract lists data for every record).
        Outcome::Dropped => ResponseRecord { record_id: &record.record_id, result: "Dropped", data: record.data.clone() },
        Outcome::Failed => {
            ResponseRecord { record_id: &record.record_id, result: "ProcessingFailed", data: record.data.clone() }
        }
    }
}

/// The record as a JSON object, if it is one (UTF-8 JSON text).
fn json_object(raw: &[u8]) -> Option<serde_json::Map<String, Value>> {
    match serde_json::from_slice::<Value>(raw) {
        Ok(Value::Object(object)) => Some(object),
        _ => None,
    }
}

/// A field by name, or by dotted path through nested objects.
fn lookup<'a>(object: &'a serde_json::Map<String, Value>, field: &str) -> Option<&'a Value> {
    if let Some(value) = object.get(field) {
        return Some(value);
    }
    let mut parts = field.split('.');
    let mut current = object.get(parts.next()?)?;
    for part in parts {
        current = current.as_object()?.get(part)?;
    }
    Some(current)
}

/// A value as cell text: strings as they are, null as nothing, everything else as compact JSON.
fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// One CSV line (RFC 4180: a field holding the delimiter, a double quote, CR or LF is quoted, with inner
/// quotes doubled), ended by LF since Firehose concatenates records as they are.
fn csv_line(object: &serde_json::Map<String, Value>, columns: &[String], delimiter: char) -> String {
    let mut line = String::new();
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            line.push(delimiter);
        }
        let cell = lookup(object, column).and_then(value_text).unwrap_or_default();
        if cell.contains(delimiter) || cell.contains(['"', '\r', '\n']) {
            line.push('"');
            line.push_str(&cell.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(&cell);
        }
    }
    line.push('\n');
    line
}

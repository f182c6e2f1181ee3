//! Saved sandboxes: a versioned JSON envelope around any serialisable payload (the engine alone, or the
//! whole sandbox with its simulated producers and consumers).
//!
//! A snapshot is user input (it comes back from browser storage or from an imported file), so reading
//! one never panics: every failure is a `SnapshotError` that says which of four things went wrong, in
//! words a learner can act on. Payloads that embed a `StreamsEngine` are also checked for consistency
//! (open shards tiling the hash space, and so on) as part of deserialising it.

use std::fmt;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};

use crate::engine::time::EpochMillis;

/// What every Kinesis Lab snapshot says it is.
pub const SNAPSHOT_FORMAT: &str = "kinesis-lab-sandbox";

/// The payload layout this build writes and reads. Raise it whenever a saved type changes shape in a
/// way older snapshots cannot be read into, so they are refused with a clear message instead of
/// failing somewhere inside.
pub const SNAPSHOT_VERSION: u32 = 1;

/// A saved sandbox: the envelope fields, then the payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot<T> {
    pub format: String,
    pub version: u32,
    /// The simulated clock when it was saved (shown in the "restore?" prompt and export file names).
    pub saved_at_sim_ms: EpochMillis,
    pub payload: T,
}

/// Why a text could not be read back as a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// The text is not JSON at all, or it stops part-way (a truncated download or storage entry).
    NotJson { reason: String },
    /// Valid JSON, but not a Kinesis Lab snapshot (`found` is its `format` field, if it has one).
    WrongFormat { found: Option<String> },
    /// A Kinesis Lab snapshot from a build that writes another version.
    UnsupportedVersion { found: u64, supported: u32 },
    /// The right kind of file, but its content does not make sense (a field of the wrong type, a
    /// value out of range, shards that overlap).
    Corrupt { reason: String },
    /// The payload could not be written (a map with non-string keys, for instance): a bug, not input.
    Unserialisable { reason: String },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::NotJson { reason } => write!(f, "This is not a saved sandbox: the text is not complete JSON ({reason})."),
            SnapshotError::WrongFormat { found: Some(found) } => {
                write!(f, "This JSON is not a Kinesis Lab sandbox: its format is {found:?}, expected {SNAPSHOT_FORMAT:?}.")
            }
            SnapshotError::WrongFormat { found: None } => {
                write!(f, "This JSON is not a Kinesis Lab sandbox: it has no \"format\": {SNAPSHOT_FORMAT:?} field.")
            }
            SnapshotError::UnsupportedVersion { found, supported } => write!(
                f,
                "This sandbox was saved in format version {found}, and this version of Kinesis Lab reads version {supported} only."
            ),
            SnapshotError::Corrupt { reason } => write!(f, "This saved sandbox is damaged and cannot be restored: {reason}."),
            SnapshotError::Unserialisable { reason } => write!(f, "The sandbox could not be saved: {reason}."),
        }
    }
}

impl std::error::Error for SnapshotError {}

/// The envelope's fields, read before the payload so the error names the first thing that is wrong.
/// Each is taken as any JSON value, so a wrongly typed field is reported by name rather than by serde.
#[derive(Deserialize)]
struct Envelope {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
    #[allow(dead_code)]
    payload: Option<IgnoredAny>,
}

/// Saving needs only `Serialize`, so a payload can be saved by reference (`Snapshot<&Sandbox>`): nothing
/// is cloned to take a snapshot.
impl<T: Serialize> Snapshot<T> {
    /// Wrap a payload, stamped with this build's format and version.
    pub fn new(payload: T, saved_at_sim_ms: EpochMillis) -> Self {
        Snapshot { format: SNAPSHOT_FORMAT.to_string(), version: SNAPSHOT_VERSION, saved_at_sim_ms, payload }
    }

    /// Compact JSON (no whitespace: browser storage is small).
    pub fn to_json(&self) -> Result<String, SnapshotError> {
        serde_json::to_string(self).map_err(|e| SnapshotError::Unserialisable { reason: e.to_string() })
    }
}

impl<T: DeserializeOwned> Snapshot<T> {
    /// Read a snapshot back. Checks, in order: JSON at all, our format, our version, then the payload.
    pub fn from_json(text: &str) -> Result<Self, SnapshotError> {
        check_envelope(text)?;
        serde_json::from_str::<Snapshot<T>>(text).map_err(|e| SnapshotError::Corrupt { reason: e.to_string() })
    }
}

/// Everything about a snapshot except its payload's own content.
fn check_envelope(text: &str) -> Result<(), SnapshotError> {
    // Syntax first, over the whole text: a truncated file is "not JSON", whatever its start says.
    // (serde_json limits nesting depth, so hostile nesting is an error here, not a stack overflow.)
    serde_json::from_str::<IgnoredAny>(text).map_err(|e| SnapshotError::NotJson { reason: e.to_string() })?;
    let envelope = match serde_json::from_str::<Envelope>(text) {
        Ok(envelope) => envelope,
        // Valid JSON that is not an object (an array, a number, a string).
        Err(_) => return Err(SnapshotError::WrongFormat { found: None }),
    };
    match &envelope.format {
        Some(serde_json::Value::String(format)) if format == SNAPSHOT_FORMAT => {}
        Some(serde_json::Value::String(other)) => return Err(SnapshotError::WrongFormat { found: Some(other.clone()) }),
        Some(other) => return Err(SnapshotError::WrongFormat { found: Some(other.to_string()) }),
        None => return Err(SnapshotError::WrongFormat { found: None }),
    }
    match &envelope.version {
        Some(serde_json::Value::Number(n)) => match n.as_u64() {
            Some(v) if v == SNAPSHOT_VERSION as u64 => {}
            Some(v) => return Err(SnapshotError::UnsupportedVersion { found: v, supported: SNAPSHOT_VERSION }),
            None => return Err(SnapshotError::Corrupt { reason: format!("version {n} is not a whole number") }),
        },
        Some(other) => return Err(SnapshotError::Corrupt { reason: format!("version {other} is not a number") }),
        None => return Err(SnapshotError::Corrupt { reason: "it has no version".into() }),
    }
    if envelope.payload.is_none() {
        return Err(SnapshotError::Corrupt { reason: "it has no payload".into() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Toy {
        n: u32,
    }

    #[test]
    fn round_trip_of_a_small_payload() {
        let text = Snapshot::new(Toy { n: 7 }, 1_000).to_json().unwrap();
        assert_eq!(text, r#"{"format":"kinesis-lab-sandbox","version":1,"saved_at_sim_ms":1000,"payload":{"n":7}}"#);
        let back = Snapshot::<Toy>::from_json(&text).unwrap();
        assert_eq!(back.payload, Toy { n: 7 });
        assert_eq!(back.saved_at_sim_ms, 1_000);
    }

    #[test]
    fn each_failure_has_its_own_error() {
        let read = Snapshot::<Toy>::from_json;
        assert!(matches!(read(""), Err(SnapshotError::NotJson { .. })));
        assert!(matches!(read(r#"{"format":"kinesis-lab-sandbox","version":1,"payl"#), Err(SnapshotError::NotJson { .. })));
        assert_eq!(read("[1,2]"), Err(SnapshotError::WrongFormat { found: None }));
        assert_eq!(read(r#"{"a":1}"#), Err(SnapshotError::WrongFormat { found: None }));
        assert_eq!(read(r#"{"format":"other"}"#), Err(SnapshotError::WrongFormat { found: Some("other".into()) }));
        assert_eq!(
            read(r#"{"format":"kinesis-lab-sandbox","version":2,"saved_at_sim_ms":0,"payload":{"n":1}}"#),
            Err(SnapshotError::UnsupportedVersion { found: 2, supported: 1 })
        );
        assert!(matches!(read(r#"{"format":"kinesis-lab-sandbox","version":"1","payload":{}}"#), Err(SnapshotError::Corrupt { .. })));
        assert!(matches!(
            read(r#"{"format":"kinesis-lab-sandbox","version":1,"saved_at_sim_ms":0,"payload":{"n":-1}}"#),
            Err(SnapshotError::Corrupt { .. })
        ));
        assert!(matches!(read(r#"{"format":"kinesis-lab-sandbox","version":1,"saved_at_sim_ms":0}"#), Err(SnapshotError::Corrupt { .. })));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert_eq!(Snapshot::<Toy>::from_json(&deep), Err(SnapshotError::WrongFormat { found: None }));
        let inside = format!(r#"{{"format":"kinesis-lab-sandbox","version":1,"saved_at_sim_ms":0,"payload":{deep}}}"#);
        assert!(matches!(Snapshot::<Toy>::from_json(&inside), Err(SnapshotError::Corrupt { .. })));
    }

    #[test]
    fn messages_say_what_to_do() {
        let e = SnapshotError::UnsupportedVersion { found: 9, supported: 1 };
        assert_eq!(e.to_string(), "This sandbox was saved in format version 9, and this version of Kinesis Lab reads version 1 only.");
    }
}

//! Checking a function's answer against Firehose's contract ("Required parameters for data
//! transformation", data-transformation-status-model.html) and the error codes Firehose writes
//! ("Lambda invocation errors", monitoring-with-cloudwatch-logs.html).
//!
//! What fails the whole invocation (every record of the batch; Firehose retries it `NumberOfRetries`
//! times with a fresh invocationId, then writes each record under `processing-failed/`):
//! - the function threw, timed out, or its response passed Lambda's 6 MB limit → `Lambda.FunctionError`;
//! - the response is not JSON, or does not follow the status model (no `records` array, a record
//!   without a string `recordId`, a `result` other than Ok | Dropped | ProcessingFailed, an Ok record
//!   whose `data` is not base64, `metadata.partitionKeys` not an object of strings)
//!   → `Lambda.JsonProcessingException`;
//! - the same recordId returned twice → `Lambda.DuplicatedRecordId`.
//!
//! What fails single records (the rest of the batch goes on):
//! - a record the function did not return → `Lambda.MissingRecordId` for that record;
//! - a record returned with result ProcessingFailed → `Lambda.ProcessingFailedStatus`.
//!
//! A recordId that was not in the event is ignored (reported in `ParsedResponse::ignored_record_ids` so the
//! page can say so). These per-record rules follow observed Firehose behaviour (a function that replaced
//! an id got `Lambda.MissingRecordId` for the replaced record only, and records returned under unknown ids
//! were silently not delivered); AWS's pages do not spell them out.

use std::collections::{BTreeMap, HashMap, HashSet};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{TransformEvent, LAMBDA_MAX_INVOCATION_MS, LAMBDA_RESPONSE_PAYLOAD_MAX_BYTES};

// ---- Error codes and texts ----

/// monitoring-with-cloudwatch-logs.html, "Lambda invocation errors". The page's text names the service
/// "Kinesis Data Firehose"; after the rename it is written "Firehose" here (current wording not verified).
pub const JSON_PROCESSING_EXCEPTION: &str = "Lambda.JsonProcessingException";
pub const JSON_PROCESSING_MESSAGE: &str = "There was an error parsing returned records from the Lambda function. Ensure that the returned records follow the status model required by Firehose.";
pub const DUPLICATED_RECORD_ID: &str = "Lambda.DuplicatedRecordId";
/// As found in a real processing-failed object (the CloudWatch Logs page words it slightly differently:
/// "…the same record ID. Ensure that the Lambda function returns unique record IDs for each record.").
pub const DUPLICATED_RECORD_ID_MESSAGE: &str =
    "Multiple records were returned with the same record Id. Ensure that the Lambda function returns a unique record Id for each record.";
/// monitoring-with-cloudwatch-logs.html (verified text).
pub const MISSING_RECORD_ID: &str = "Lambda.MissingRecordId";
pub const MISSING_RECORD_ID_MESSAGE: &str =
    "One or more record IDs were not returned. Ensure that the Lambda function returns all received record IDs.";
/// A function that threw, timed out or answered too much: Firehose sees Lambda's function error. The code
/// is the one observed for all three; AWS's pages do not list it.
pub const FUNCTION_ERROR: &str = "Lambda.FunctionError";
/// Not AWS-verified text.
pub const FUNCTION_ERROR_MESSAGE: &str = "The Lambda function was successfully invoked but it returned an error result.";
/// data-transformation.html, "Lambda invocation duration" (verified text).
pub const FUNCTION_TIMEOUT_MESSAGE: &str =
    "Firehose encountered timeout errors when calling AWS Lambda. The maximum supported function timeout is 5 minutes.";
/// A record the function marked ProcessingFailed. Code as seen in processing-failed objects; AWS's pages do
/// not list it. Not AWS-verified text for the message.
pub const PROCESSING_FAILED_STATUS: &str = "Lambda.ProcessingFailedStatus";
pub const PROCESSING_FAILED_STATUS_MESSAGE: &str = "ProcessingFailed status set for record";

// ---- Results ----

/// What happened to one record of the event (in the event's order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransformedRecord {
    /// Deliver these bytes (the function's `data`, decoded), with the partition keys it returned in
    /// `metadata.partitionKeys` (empty when none; used by dynamic partitioning's `partitionKeyFromLambda`).
    Ok { data: Vec<u8>, partition_keys: BTreeMap<String, String> },
    /// The function dropped it on purpose: counted as processed, never delivered.
    Dropped,
    /// Goes to `processing-failed/` with its original bytes.
    ProcessingFailed { error_code: String, error_message: String },
}

/// A response that followed the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedResponse {
    /// One per event record, in the event's order.
    pub records: Vec<TransformedRecord>,
    /// recordIds the function returned that were not in the event (ignored by Firehose).
    pub ignored_record_ids: Vec<String>,
}

/// A failed invocation: every record of the batch fails with this code (after the retries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvocationError {
    /// The function ran past its time limit (at most Firehose's 5 minutes).
    Timeout { timeout_ms: u64 },
    /// The function threw (or a syntax error kept it from loading): Lambda's errorMessage.
    Thrown { message: String },
    /// The response was larger than Lambda's limit.
    ResponseTooLarge { response_bytes: usize },
    /// Not JSON, or not the status model; `detail` says what, for the learner.
    JsonProcessing { detail: String },
    /// The same recordId came back more than once.
    DuplicatedRecordId { record_id: String },
}

impl InvocationError {
    /// The `errorCode` Firehose writes in processing-failed objects.
    pub fn error_code(&self) -> &'static str {
        match self {
            InvocationError::Timeout { .. } | InvocationError::Thrown { .. } | InvocationError::ResponseTooLarge { .. } => {
                FUNCTION_ERROR
            }
            InvocationError::JsonProcessing { .. } => JSON_PROCESSING_EXCEPTION,
            InvocationError::DuplicatedRecordId { .. } => DUPLICATED_RECORD_ID,
        }
    }

    /// The `errorMessage` Firehose writes.
    pub fn error_message(&self) -> String {
        match self {
            InvocationError::Timeout { .. } => FUNCTION_TIMEOUT_MESSAGE.to_string(),
            // Not AWS-verified text: Firehose's sentence followed by what the function threw.
            InvocationError::Thrown { message } => format!("{FUNCTION_ERROR_MESSAGE} {message}"),
            // Lambda's own text for an oversized response (errorType Function.ResponseSizeTooLarge).
            InvocationError::ResponseTooLarge { response_bytes } => format!(
                "Response payload size ({response_bytes} bytes) exceeded maximum allowed payload size ({LAMBDA_RESPONSE_PAYLOAD_MAX_BYTES} bytes)."
            ),
            InvocationError::JsonProcessing { .. } => JSON_PROCESSING_MESSAGE.to_string(),
            InvocationError::DuplicatedRecordId { .. } => DUPLICATED_RECORD_ID_MESSAGE.to_string(),
        }
    }

    /// What exactly was wrong, in the simulator's words, for the page (not part of what Firehose writes).
    pub fn detail(&self) -> String {
        match self {
            InvocationError::Timeout { timeout_ms } => format!("the function did not answer within {timeout_ms} ms"),
            InvocationError::Thrown { message } => message.clone(),
            InvocationError::ResponseTooLarge { response_bytes } => {
                format!("the response is {response_bytes} bytes; Lambda returns at most {LAMBDA_RESPONSE_PAYLOAD_MAX_BYTES}")
            }
            InvocationError::JsonProcessing { detail } => detail.clone(),
            InvocationError::DuplicatedRecordId { record_id } => format!("recordId {record_id:?} was returned more than once"),
        }
    }

    /// A timeout for a function limit, capped at Firehose's 5 minutes.
    pub fn timeout(function_timeout_ms: u64) -> Self {
        InvocationError::Timeout { timeout_ms: function_timeout_ms.min(LAMBDA_MAX_INVOCATION_MS) }
    }
}

impl std::fmt::Display for InvocationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error_code(), self.error_message())
    }
}

impl std::error::Error for InvocationError {}

// ---- Parsing ----

/// Checks a function's response against the event it answered and returns one outcome per event record,
/// in order. See the module documentation for which violations fail the whole invocation.
pub fn parse_response(event: &TransformEvent, response_json: &[u8]) -> Result<Vec<TransformedRecord>, InvocationError> {
    parse_response_detailed(event, response_json).map(|parsed| parsed.records)
}

/// `parse_response`, also listing the recordIds the function made up (ignored).
pub fn parse_response_detailed(event: &TransformEvent, response_json: &[u8]) -> Result<ParsedResponse, InvocationError> {
    if response_json.len() > LAMBDA_RESPONSE_PAYLOAD_MAX_BYTES {
        return Err(InvocationError::ResponseTooLarge { response_bytes: response_json.len() });
    }
    let bad = |detail: String| InvocationError::JsonProcessing { detail };
    let value: Value =
        serde_json::from_slice(response_json).map_err(|e| bad(format!("the response is not JSON ({e})")))?;
    let Some(object) = value.as_object() else {
        return Err(bad(format!("the response is {}, not an object with a records array", kind_of(&value))));
    };
    let Some(returned) = object.get("records").and_then(Value::as_array) else {
        return Err(bad("the response has no records array".to_string()));
    };

    let mut by_id: HashMap<&str, TransformedRecord> = HashMap::with_capacity(returned.len());
    let mut seen: HashSet<&str> = HashSet::with_capacity(returned.len());
    let mut order: Vec<&str> = Vec::with_capacity(returned.len());
    for (index, item) in returned.iter().enumerate() {
        let (record_id, outcome) = parse_record(index, item).map_err(bad)?;
        if !seen.insert(record_id) {
            return Err(InvocationError::DuplicatedRecordId { record_id: record_id.to_string() });
        }
        order.push(record_id);
        by_id.insert(record_id, outcome);
    }

    let known: HashSet<&str> = event.records.iter().map(|r| r.record_id.as_str()).collect();
    let ignored_record_ids = order.iter().filter(|id| !known.contains(**id)).map(|id| id.to_string()).collect();
    let records = event
        .records
        .iter()
        .map(|r| {
            by_id.remove(r.record_id.as_str()).unwrap_or_else(|| TransformedRecord::ProcessingFailed {
                error_code: MISSING_RECORD_ID.to_string(),
                error_message: MISSING_RECORD_ID_MESSAGE.to_string(),
            })
        })
        .collect();
    Ok(ParsedResponse { records, ignored_record_ids })
}

/// One returned record: its id and outcome, or what is wrong with it.
fn parse_record(index: usize, item: &Value) -> Result<(&str, TransformedRecord), String> {
    let at = format!("records[{index}]");
    let Some(record) = item.as_object() else {
        return Err(format!("{at} is {}, not an object", kind_of(item)));
    };
    let record_id = match record.get("recordId") {
        Some(Value::String(id)) => id.as_str(),
        Some(other) => return Err(format!("{at}.recordId is {}, not a string", kind_of(other))),
        None => return Err(format!("{at} has no recordId")),
    };
    let result = match record.get("result") {
        Some(Value::String(result)) => result.as_str(),
        Some(other) => return Err(format!("{at}.result is {}, not a string", kind_of(other))),
        None => return Err(format!("{at} has no result")),
    };
    let outcome = match result {
        "Ok" => {
            let data = match record.get("data") {
                Some(Value::String(data)) => STANDARD
                    .decode(data.as_bytes())
                    .map_err(|e| format!("{at}.data is not valid base64 ({e})"))?,
                Some(other) => return Err(format!("{at}.data is {}, not a base64 string", kind_of(other))),
                None => return Err(format!("{at} has result Ok but no data")),
            };
            let partition_keys = partition_keys(&at, record.get("metadata"))?;
            TransformedRecord::Ok { data, partition_keys }
        }
        "Dropped" => TransformedRecord::Dropped,
        "ProcessingFailed" => TransformedRecord::ProcessingFailed {
            error_code: PROCESSING_FAILED_STATUS.to_string(),
            error_message: PROCESSING_FAILED_STATUS_MESSAGE.to_string(),
        },
        other => return Err(format!("{at}.result is {other:?}; it must be Ok, Dropped or ProcessingFailed")),
    };
    Ok((record_id, outcome))
}

/// `metadata.partitionKeys`: absent, or an object of string values.
fn partition_keys(at: &str, metadata: Option<&Value>) -> Result<BTreeMap<String, String>, String> {
    let metadata = match metadata {
        None | Some(Value::Null) => return Ok(BTreeMap::new()),
        Some(Value::Object(m)) => m,
        Some(other) => return Err(format!("{at}.metadata is {}, not an object", kind_of(other))),
    };
    let keys = match metadata.get("partitionKeys") {
        None | Some(Value::Null) => return Ok(BTreeMap::new()),
        Some(Value::Object(keys)) => keys,
        Some(other) => return Err(format!("{at}.metadata.partitionKeys is {}, not an object", kind_of(other))),
    };
    keys.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            other => Err(format!("{at}.metadata.partitionKeys.{k} is {}, not a string", kind_of(other))),
        })
        .collect()
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

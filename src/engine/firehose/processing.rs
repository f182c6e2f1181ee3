//! The Lambda processing stage of a delivery stream (FACTS.md §2 "Lambda transform"): records wait in a
//! transform buffer (its own hints, 1 MB / 60 s by default), are packed into invocation events of at
//! most 6 MB, handed to the function, and what comes back is checked against Firehose's contract
//! (`transform::parse_response`). Ok records go on to the destination buffer, Dropped ones stop,
//! ProcessingFailed ones (and every record of an invocation that failed all its attempts) are written
//! under `processing-failed/`.
//!
//! Functions live in the engine's registry by ARN. A built-in runs at once, inside the engine. A
//! learner's script cannot run here (the engine has no JavaScript): its invocation waits in
//! `waiting_invocations` until the driver (the page, with a Web Worker) answers through
//! `complete_invocation`. Meanwhile the Firehose clock holds — `advance_to` does nothing — so the
//! outcome never depends on how long the worker took, only on its answer.

use serde::{Deserialize, Serialize};

use super::transform::{
    self, build_event, lambda_arn, max_attempts, parse_response, processing_failed_record, EventRecord,
    InvocationError, TransformEvent, TransformFunction, TransformedRecord, DEFAULT_NUMBER_OF_RETRIES,
    LAMBDA_BUFFER_INTERVAL_DEFAULT_SECS, LAMBDA_BUFFER_INTERVAL_MAX_SECS, LAMBDA_BUFFER_SIZE_DEFAULT_MB,
    LAMBDA_BUFFER_SIZE_MAX_MB, LAMBDA_BUFFER_SIZE_MIN_MB, LAMBDA_REQUEST_PAYLOAD_MAX_BYTES,
};
use super::types::{ProcessingConfiguration, ProcessorType};
use super::{delivery, FirehoseEngine};
use crate::engine::firehose::error::{FirehoseError, FirehoseResult};
use crate::engine::time::{EpochMillis, MILLIS_PER_SECOND};

/// The error-output type of records a transform failed (AWS custom-prefix page).
pub const PROCESSING_FAILED: &str = "processing-failed";
/// How long the page lets a learner's function run before it is stopped, by default (Lambda's own
/// default timeout is 3 s).
pub const DEFAULT_SCRIPT_TIMEOUT_MS: u64 = 3_000;

/// A Lambda processor's settings (ProcessorParameter values, with their defaults and bounds).
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaSettings {
    pub lambda_arn: String,
    pub number_of_retries: u32,
    pub buffer_size_bytes: u64,
    pub buffer_interval_ms: u64,
}

/// Reads and checks the Lambda processor of a ProcessingConfiguration (None when there is none or
/// processing is off).
pub fn lambda_settings(p: &ProcessingConfiguration) -> FirehoseResult<Option<LambdaSettings>> {
    if p.enabled != Some(true) {
        return Ok(None);
    }
    let Some(proc) = p.processors.iter().find(|x| x.processor_type == ProcessorType::Lambda) else { return Ok(None) };
    let param = |name: &str| proc.parameters.iter().find(|x| x.parameter_name == name).map(|x| x.parameter_value.as_str());
    let Some(arn) = param("LambdaArn").filter(|a| !a.is_empty()) else {
        // Not AWS-verified text.
        return Err(FirehoseError::invalid_argument("The Lambda processor needs a LambdaArn parameter."));
    };
    let number = |name: &str, default: f64, min: f64, max: f64| -> FirehoseResult<f64> {
        match param(name) {
            None => Ok(default),
            Some(text) => match text.parse::<f64>() {
                Ok(v) if v.is_finite() && (min..=max).contains(&v) => Ok(v),
                // Not AWS-verified text.
                _ => Err(FirehoseError::invalid_argument(format!(
                    "Processor parameter {name} must be a number from {min} to {max}; got {text:?}."
                ))),
            },
        }
    };
    let retries = number("NumberOfRetries", DEFAULT_NUMBER_OF_RETRIES as f64, 0.0, 300.0)?;
    let size_mb = number("BufferSizeInMBs", LAMBDA_BUFFER_SIZE_DEFAULT_MB, LAMBDA_BUFFER_SIZE_MIN_MB, LAMBDA_BUFFER_SIZE_MAX_MB)?;
    let interval = number(
        "BufferIntervalInSeconds",
        LAMBDA_BUFFER_INTERVAL_DEFAULT_SECS as f64,
        0.0,
        LAMBDA_BUFFER_INTERVAL_MAX_SECS as f64,
    )?;
    Ok(Some(LambdaSettings {
        lambda_arn: arn.to_string(),
        number_of_retries: retries as u32,
        buffer_size_bytes: transform::buffer_size_bytes(size_mb),
        buffer_interval_ms: interval as u64 * MILLIS_PER_SECOND,
    }))
}

/// A record waiting for its transform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagedRecord {
    pub record_id: String,
    pub arrival_ms: EpochMillis,
    #[serde(with = "crate::engine::firehose::s3::base64_bytes")]
    pub data: Vec<u8>,
}

/// An invocation sent to a learner's script and not answered yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingInvocation {
    /// Unique in the engine: what `complete_invocation` names.
    pub id: u64,
    pub stream: String,
    pub function_name: String,
    pub source: String,
    pub timeout_ms: u64,
    pub event: TransformEvent,
    /// Attempts made so far, this one included.
    pub attempt: u32,
    pub max_attempts: u32,
    pub lambda_arn: String,
}

impl WaitingInvocation {
    /// The event as the function receives it.
    pub fn event_json(&self) -> String {
        self.event.to_json()
    }
}

/// What one invocation did, for the page's transform log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvocationLog {
    pub stream: String,
    pub function_name: String,
    pub invocation_id: String,
    pub at_ms: EpochMillis,
    pub attempt: u32,
    pub records: u64,
    pub ok: u64,
    pub dropped: u64,
    pub failed: u64,
    /// The invocation's error (code and detail) when it failed as a whole.
    pub error: Option<(String, String)>,
}

/// Invocations kept in the log (newest).
pub const INVOCATION_LOG_MAX: usize = 500;

/// Per-stream state of the stage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessingStage {
    pub staged: Vec<StagedRecord>,
    pub staged_bytes: u64,
}

impl ProcessingStage {
    pub fn oldest_ms(&self) -> Option<EpochMillis> {
        self.staged.iter().map(|r| r.arrival_ms).min()
    }
}

impl FirehoseEngine {
    /// Registers (or replaces) a function under `arn:aws:lambda:<region>:<account>:function:<name>`;
    /// returns the ARN to put in a Lambda processor's LambdaArn.
    pub fn put_function(&mut self, function: TransformFunction) -> FirehoseResult<String> {
        transform::validate_function_name(function.name()).map_err(FirehoseError::invalid_argument)?;
        let arn = lambda_arn(&self.config.region, &self.config.account_id, function.name());
        self.functions.insert(arn.clone(), function);
        Ok(arn)
    }

    pub fn functions(&self) -> impl Iterator<Item = (&String, &TransformFunction)> {
        self.functions.iter()
    }

    pub fn remove_function(&mut self, arn: &str) -> Option<TransformFunction> {
        self.functions.remove(arn)
    }

    /// Invocations waiting for the page to run a learner's script, oldest first.
    pub fn waiting_invocations(&self) -> impl Iterator<Item = &WaitingInvocation> {
        self.waiting.iter()
    }

    /// True while a script's answer is awaited: the Firehose clock holds until it comes.
    pub fn awaiting_transforms(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// The earliest time at which an interval would send a batch to a learner's script (the driver stops
    /// there, so the clock can hold at that instant).
    pub fn next_script_dispatch_ms(&self) -> Option<EpochMillis> {
        self.streams
            .values()
            .filter(|s| {
                s.lambda_processor()
                    .is_some_and(|l| matches!(self.functions.get(&l.lambda_arn), Some(TransformFunction::Script { .. })))
            })
            .filter_map(|s| self.processing_due_ms(&s.name))
            .min()
    }

    pub fn invocation_log(&self) -> impl DoubleEndedIterator<Item = &InvocationLog> {
        self.invocation_log.iter()
    }

    /// When a stream's transform buffer falls due by its interval.
    pub(super) fn processing_due_ms(&self, name: &str) -> Option<EpochMillis> {
        let s = self.streams.get(name)?;
        let settings = s.lambda_processor()?;
        s.processing.oldest_ms().map(|t| t + settings.buffer_interval_ms)
    }

    /// A record goes to the transform buffer; reaching the size hint sends it.
    pub(super) fn stage_for_transform(&mut self, name: &str, record_id: &str, arrival_ms: EpochMillis, data: &[u8]) {
        let Some(stream) = self.streams.get_mut(name) else { return };
        let Some(settings) = stream.lambda_processor() else { return };
        stream.processing.staged.push(StagedRecord { record_id: record_id.to_string(), arrival_ms, data: data.to_vec() });
        stream.processing.staged_bytes += data.len() as u64;
        if stream.processing.staged_bytes >= settings.buffer_size_bytes {
            self.dispatch_transform(name);
        }
    }

    /// Sends everything in the transform buffer to the function, packed into events of at most 6 MB.
    pub(super) fn dispatch_transform(&mut self, name: &str) {
        let Some(stream) = self.streams.get_mut(name) else { return };
        let Some(settings) = stream.lambda_processor() else { return };
        let staged = std::mem::take(&mut stream.processing.staged);
        stream.processing.staged_bytes = 0;
        if staged.is_empty() {
            return;
        }
        let arn = stream.arn.clone();
        let region = self.config.region.clone();
        let records: Vec<EventRecord> =
            staged.iter().map(|r| EventRecord::new(r.record_id.clone(), r.arrival_ms, &r.data)).collect();
        let rng = &mut self.rng;
        let packed = transform::pack_events(&arn, &region, records, u64::MAX, LAMBDA_REQUEST_PAYLOAD_MAX_BYTES, || {
            super::prefix::uuid(rng)
        });
        // Records are at most 1,000 KiB, far below 6 MiB: packing cannot fail; if it ever did, one event
        // per record is the fallback.
        let events = packed.unwrap_or_else(|_| {
            staged
                .iter()
                .map(|r| {
                    let id = super::prefix::uuid(&mut self.rng);
                    build_event(id, arn.clone(), region.clone(), vec![EventRecord::new(r.record_id.clone(), r.arrival_ms, &r.data)])
                })
                .collect()
        });
        for event in events {
            self.invoke(name, &settings, event, 1);
        }
    }

    /// One attempt of one event.
    fn invoke(&mut self, name: &str, settings: &LambdaSettings, event: TransformEvent, attempt: u32) {
        let max = max_attempts(settings.number_of_retries);
        match self.functions.get(&settings.lambda_arn).cloned() {
            Some(TransformFunction::Script { name: function_name, source }) => {
                let id = self.next_invocation;
                self.next_invocation += 1;
                self.waiting.push_back(WaitingInvocation {
                    id,
                    stream: name.to_string(),
                    function_name,
                    source,
                    timeout_ms: DEFAULT_SCRIPT_TIMEOUT_MS,
                    event,
                    attempt,
                    max_attempts: max,
                    lambda_arn: settings.lambda_arn.clone(),
                });
            }
            Some(f @ TransformFunction::Builtin { .. }) => {
                let response = f.run_builtin(&event).unwrap_or_default();
                let result = parse_response(&event, &response);
                self.apply_transform_result(name, f.name(), &settings.lambda_arn, event, attempt, max, result);
            }
            None => {
                // Lambda would answer ResourceNotFoundException; Firehose reports the invocation failure.
                let result = Err(InvocationError::Thrown {
                    message: format!("Function not found: {}", settings.lambda_arn),
                });
                let function_name = settings.lambda_arn.rsplit(':').next().unwrap_or("").to_string();
                self.apply_transform_result(name, &function_name, &settings.lambda_arn, event, attempt, max, result);
            }
        }
    }

    /// The page's answer to a waiting invocation: the function's response JSON, or why it failed
    /// (timeout, thrown error). Unknown ids are ignored (an answer that came after a reset).
    pub fn complete_invocation(&mut self, id: u64, answer: Result<Vec<u8>, InvocationError>) {
        let Some(index) = self.waiting.iter().position(|w| w.id == id) else { return };
        let Some(w) = self.waiting.remove(index) else { return };
        let result = answer.and_then(|bytes| parse_response(&w.event, &bytes));
        self.apply_transform_result(&w.stream, &w.function_name, &w.lambda_arn, w.event, w.attempt, w.max_attempts, result);
    }

    /// Applies a transform's outcome: records on to the buffer, to processing-failed/, or (for a failed
    /// invocation with attempts left) the same records again under a fresh invocation id.
    #[allow(clippy::too_many_arguments)]
    fn apply_transform_result(
        &mut self,
        name: &str,
        function_name: &str,
        lambda_arn: &str,
        event: TransformEvent,
        attempt: u32,
        max_attempts: u32,
        result: Result<Vec<TransformedRecord>, InvocationError>,
    ) {
        let now = self.now_ms;
        let mut log = InvocationLog {
            stream: name.to_string(),
            function_name: function_name.to_string(),
            invocation_id: event.invocation_id.clone(),
            at_ms: now,
            attempt,
            records: event.records.len() as u64,
            ok: 0,
            dropped: 0,
            failed: 0,
            error: None,
        };
        match result {
            Ok(records) => {
                let mut failed_lines = Vec::new();
                let mut oldest = now;
                for (sent, outcome) in event.records.iter().zip(records) {
                    match outcome {
                        TransformedRecord::Ok { data, partition_keys } => {
                            log.ok += 1;
                            self.route(name, &sent.record_id, sent.approximate_arrival_timestamp, &data, &partition_keys);
                        }
                        TransformedRecord::Dropped => log.dropped += 1,
                        TransformedRecord::ProcessingFailed { error_code, error_message } => {
                            log.failed += 1;
                            oldest = oldest.min(sent.approximate_arrival_timestamp);
                            let raw = sent.raw().unwrap_or_default();
                            failed_lines.push(
                                processing_failed_record(attempt, sent.approximate_arrival_timestamp, &error_code, &error_message, now, &raw, lambda_arn)
                                    .to_json(),
                            );
                        }
                    }
                }
                if !failed_lines.is_empty() {
                    self.write_error_output(name, PROCESSING_FAILED, &failed_lines, oldest, delivery::ObjectKind::ErrorOutput);
                }
            }
            Err(error) => {
                log.error = Some((error.error_code().to_string(), error.detail()));
                if attempt < max_attempts {
                    let settings = self.streams.get(name).and_then(|s| s.lambda_processor());
                    if let Some(settings) = settings {
                        let retry = event.retry_with_id(super::prefix::uuid(&mut self.rng));
                        self.push_invocation_log(log);
                        self.invoke(name, &settings, retry, attempt + 1);
                        return;
                    }
                }
                log.failed = event.records.len() as u64;
                let oldest = event.records.iter().map(|r| r.approximate_arrival_timestamp).min().unwrap_or(now);
                let lines: Vec<String> = event
                    .records
                    .iter()
                    .map(|r| {
                        let raw = r.raw().unwrap_or_default();
                        processing_failed_record(attempt, r.approximate_arrival_timestamp, error.error_code(), &error.error_message(), now, &raw, lambda_arn)
                            .to_json()
                    })
                    .collect();
                self.write_error_output(name, PROCESSING_FAILED, &lines, oldest, delivery::ObjectKind::ErrorOutput);
            }
        }
        self.push_invocation_log(log);
    }

    fn push_invocation_log(&mut self, log: InvocationLog) {
        self.invocation_log.push_back(log);
        while self.invocation_log.len() > INVOCATION_LOG_MAX {
            self.invocation_log.pop_front();
        }
    }
}

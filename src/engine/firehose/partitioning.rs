//! Dynamic partitioning in the delivery path (FACTS.md §2 "Dynamic partitioning"): after the Lambda stage,
//! a record is split into its sub-records (RecordDeAggregation), each gets its partition keys (the
//! MetadataExtraction jq query and the Lambda's `metadata.partitionKeys`), and goes to the buffer of its
//! partition; each partition is flushed on its own size and interval into the prefix its keys give. A
//! record whose keys cannot be worked out, or that would open a 501st active partition, goes to the
//! error output instead. The jq work itself is `partition`'s.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::error::{FirehoseError, FirehoseResult};
use super::partition::{
    self, check_prefix_keys, deaggregate, decode_delimiter, PartitionError, PartitionKeys, PartitionQuery,
    PartitioningSources, RecordKeys, SubRecordType, JSON_PARSING_ENGINE_JQ_1_6, MAX_ACTIVE_PARTITIONS,
};
use super::prefix::{self, Prefixes};
use super::types::{DynamicPartitioningConfiguration, ProcessingConfiguration, ProcessorType};
use super::{delivery, Buffer, FirehoseEngine, FlushReason};
use crate::engine::time::{EpochMillis, MILLIS_PER_SECOND};

/// One partition's buffer and the keys that name it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    pub query_keys: PartitionKeys,
    pub lambda_keys: PartitionKeys,
    pub buffer: Buffer,
}

/// What the processors ask of each record.
struct Processors {
    query: Option<String>,
    deaggregation: Option<(SubRecordType, Option<Vec<u8>>)>,
}

fn param<'a>(p: &'a ProcessingConfiguration, kind: ProcessorType, name: &str) -> Option<&'a str> {
    p.processors
        .iter()
        .filter(|x| x.processor_type == kind)
        .flat_map(|x| x.parameters.iter())
        .find(|x| x.parameter_name == name)
        .map(|x| x.parameter_value.as_str())
}

fn has(p: &ProcessingConfiguration, kind: ProcessorType) -> bool {
    p.processors.iter().any(|x| x.processor_type == kind)
}

fn processors(p: Option<&ProcessingConfiguration>) -> FirehoseResult<Processors> {
    let Some(p) = p.filter(|p| p.enabled == Some(true)) else {
        return Ok(Processors { query: None, deaggregation: None });
    };
    let query = if has(p, ProcessorType::MetadataExtraction) {
        let engine = param(p, ProcessorType::MetadataExtraction, "JsonParsingEngine").unwrap_or(JSON_PARSING_ENGINE_JQ_1_6);
        if engine != JSON_PARSING_ENGINE_JQ_1_6 {
            // Not AWS-verified text.
            return Err(FirehoseError::invalid_argument(format!(
                "JsonParsingEngine must be {JSON_PARSING_ENGINE_JQ_1_6}; got {engine:?}."
            )));
        }
        let Some(q) = param(p, ProcessorType::MetadataExtraction, "MetadataExtractionQuery") else {
            // Not AWS-verified text.
            return Err(FirehoseError::invalid_argument("The MetadataExtraction processor needs a MetadataExtractionQuery."));
        };
        Some(q.to_string())
    } else {
        None
    };
    let deaggregation = if has(p, ProcessorType::RecordDeAggregation) {
        let kind_text = param(p, ProcessorType::RecordDeAggregation, "SubRecordType").unwrap_or("JSON");
        let Some(kind) = SubRecordType::parse(kind_text) else {
            // Not AWS-verified text.
            return Err(FirehoseError::invalid_argument(format!("SubRecordType must be JSON or DELIMITED; got {kind_text:?}.")));
        };
        let delimiter = match (kind, param(p, ProcessorType::RecordDeAggregation, "Delimiter")) {
            (SubRecordType::Delimited, Some(text)) => Some(decode_delimiter(text).map_err(|e| e.to_firehose_error())?),
            (SubRecordType::Delimited, None) => {
                return Err(PartitionError::InvalidDelimiter { reason: "DELIMITED needs a Delimiter".into() }.to_firehose_error())
            }
            (SubRecordType::Json, _) => None,
        };
        Some((kind, delimiter))
    } else {
        None
    };
    Ok(Processors { query, deaggregation })
}

/// Create-time checks: the query compiles, the prefix names keys the processors give, and the
/// partitioning processors are only used with dynamic partitioning on.
pub(super) fn check_configuration(
    prefixes: &Prefixes,
    processing: Option<&ProcessingConfiguration>,
    dynamic_partitioning: Option<DynamicPartitioningConfiguration>,
) -> FirehoseResult<()> {
    let procs = processors(processing)?;
    let enabled = dynamic_partitioning.is_some();
    if !enabled && (procs.query.is_some() || procs.deaggregation.is_some()) {
        // Not AWS-verified text.
        return Err(FirehoseError::invalid_argument(
            "MetadataExtraction and RecordDeAggregation processors need dynamic partitioning to be enabled.",
        ));
    }
    if let Some(d) = dynamic_partitioning {
        if d.retry_options.and_then(|r| r.duration_in_seconds).is_some_and(|s| s > super::destinations::RETRY_MAX_SECS) {
            return Err(FirehoseError::validation(
                "extendedS3DestinationConfiguration.dynamicPartitioningConfiguration.retryOptions.durationInSeconds",
                "Member must have value less than or equal to 7200",
            ));
        }
    }
    let compiled = match &procs.query {
        Some(q) => Some(PartitionQuery::compile(q).map_err(|e| e.to_firehose_error())?),
        None => None,
    };
    let has_lambda = processing.is_some_and(|p| p.enabled == Some(true) && has(p, ProcessorType::Lambda));
    let query_keys: Option<Option<&BTreeSet<String>>> = compiled.as_ref().map(|q| q.static_keys());
    check_prefix_keys(&prefixes.prefix, PartitioningSources { enabled, query_keys, has_lambda })
}

/// One line of the error output for a record partitioning refused (the fields AWS documents for error
/// output: attemptsMade, arrivalTimestamp, errorCode, errorMessage, attemptEndingTimestamp, rawData).
fn error_line(error: &PartitionError, data: &[u8], arrival_ms: EpochMillis, now: EpochMillis) -> String {
    use base64::Engine as _;
    serde_json::json!({
        "attemptsMade": 1,
        "arrivalTimestamp": arrival_ms,
        "errorCode": error.error_code(),
        "errorMessage": error.to_string(),
        "attemptEndingTimestamp": now,
        "rawData": base64::engine::general_purpose::STANDARD.encode(data),
    })
    .to_string()
}

impl FirehoseEngine {
    /// A record that passed the Lambda stage (or had none) goes to its buffer: the stream's one buffer,
    /// or with dynamic partitioning the buffer of each sub-record's partition.
    pub(super) fn route(&mut self, name: &str, record_id: &str, arrival_ms: EpochMillis, data: &[u8], lambda_keys: &PartitionKeys) {
        let Some(stream) = self.streams.get(name) else { return };
        if !stream.destination.partitioned() {
            self.buffer_record(name, record_id, arrival_ms, data);
            return;
        }
        // Validated at creation; a save that no longer validates delivers nothing rather than panic.
        let Ok(procs) = processors(stream.processing()) else { return };
        let segments = stream.destination.prefixes().prefix;
        let subs = match &procs.deaggregation {
            Some((kind, delimiter)) => match deaggregate(data, *kind, delimiter.as_deref()) {
                Ok(subs) => subs,
                Err(e) => return self.partition_failure(name, &e, data, arrival_ms),
            },
            None => vec![data.to_vec()],
        };
        for sub in subs {
            let query_keys = match &procs.query {
                Some(q) => match self.compiled_query(q).and_then(|query| query.evaluate(&sub)) {
                    Ok(keys) => keys,
                    Err(e) => {
                        self.partition_failure(name, &e, &sub, arrival_ms);
                        continue;
                    }
                },
                None => PartitionKeys::new(),
            };
            let keys = RecordKeys { from_query: query_keys, from_lambda: lambda_keys.clone() };
            // The prefix must evaluate for this record (every key present, at most 512 characters); a
            // probe on a copy of the generator leaves the real one untouched.
            let mut probe = self.rng.clone();
            if let Err(e) = prefix::evaluate_with_keys(&segments, arrival_ms, &mut probe, None, &keys) {
                self.partition_failure(name, &e, &sub, arrival_ms);
                continue;
            }
            let id = serde_json::to_string(&(&keys.from_query, &keys.from_lambda)).unwrap_or_default();
            let Some(stream) = self.streams.get_mut(name) else { return };
            if !stream.partitions.contains_key(&id) && stream.partitions.len() >= MAX_ACTIVE_PARTITIONS {
                let e = PartitionError::ActivePartitionsExceeded { limit: MAX_ACTIVE_PARTITIONS };
                self.partition_failure(name, &e, &sub, arrival_ms);
                continue;
            }
            let size_limit = stream.size_limit_bytes();
            let delimiter = stream.delimiter();
            let partition = stream.partitions.entry(id.clone()).or_insert_with(|| Partition {
                query_keys: keys.from_query.clone(),
                lambda_keys: keys.from_lambda.clone(),
                buffer: Buffer::default(),
            });
            let len = sub.len() as u64 + delimiter.len() as u64;
            if partition.buffer.bytes() + len > size_limit && !partition.buffer.is_empty() {
                self.flush_partition(name, &id, FlushReason::Size);
            }
            let Some(stream) = self.streams.get_mut(name) else { return };
            let partition = stream.partitions.entry(id.clone()).or_insert_with(|| Partition {
                query_keys: keys.from_query.clone(),
                lambda_keys: keys.from_lambda.clone(),
                buffer: Buffer::default(),
            });
            partition.buffer.push(record_id, arrival_ms, &sub, delimiter);
            if partition.buffer.bytes() >= size_limit {
                self.flush_partition(name, &id, FlushReason::Size);
            }
        }
    }

    fn compiled_query(&mut self, text: &str) -> Result<&PartitionQuery, PartitionError> {
        if !self.queries.contains_key(text) {
            let compiled = PartitionQuery::compile(text)?;
            self.queries.insert(text.to_string(), compiled);
        }
        self.queries.get(text).ok_or(PartitionError::QueryFailed { reason: "query cache".into() })
    }

    /// A refused record joins the stream's error lines of its error-output type (delivered with the
    /// buffers, on the same interval).
    fn partition_failure(&mut self, name: &str, error: &PartitionError, data: &[u8], arrival_ms: EpochMillis) {
        let now = self.now_ms;
        let line = error_line(error, data, arrival_ms, now);
        let Some(stream) = self.streams.get_mut(name) else { return };
        let buffer = stream.error_lines.entry(error.error_output_type().to_string()).or_default();
        buffer.push("", arrival_ms, line.as_bytes(), b"\n");
    }

    /// Flushes whatever is due by its interval: the stream's buffer, each partition, each error buffer.
    pub(super) fn flush_due(&mut self, name: &str) {
        let now = self.now_ms;
        let Some(s) = self.streams.get(name) else { return };
        let interval_ms = s.buffering_hints().interval_in_seconds as u64 * MILLIS_PER_SECOND;
        let due = |b: &Buffer| b.oldest_arrival_ms().is_some_and(|t| t + interval_ms <= now);
        let main_due = due(&s.buffer);
        let partitions: Vec<String> = s.partitions.iter().filter(|(_, p)| due(&p.buffer)).map(|(k, _)| k.clone()).collect();
        let errors: Vec<String> = s.error_lines.iter().filter(|(_, b)| due(b)).map(|(k, _)| k.clone()).collect();
        if main_due {
            self.flush(name, FlushReason::Interval);
        }
        for id in partitions {
            self.flush_partition(name, &id, FlushReason::Interval);
        }
        for error_type in errors {
            self.flush_error_lines(name, &error_type);
        }
        if self.streams.get(name).and_then(|s| s.backup_due_ms()).is_some_and(|due| due <= now) {
            self.flush_backup(name, FlushReason::Interval);
        }
    }

    /// Everything buffered, now (UpdateDestination delivers under the old configuration first).
    pub(super) fn flush_partitions_and_errors(&mut self, name: &str, reason: FlushReason) {
        let Some(s) = self.streams.get(name) else { return };
        let partitions: Vec<String> = s.partitions.keys().cloned().collect();
        let errors: Vec<String> = s.error_lines.keys().cloned().collect();
        for id in partitions {
            self.flush_partition(name, &id, reason);
        }
        for error_type in errors {
            self.flush_error_lines(name, &error_type);
        }
    }

    fn flush_partition(&mut self, name: &str, id: &str, reason: FlushReason) {
        let now = self.now_ms;
        let Some(stream) = self.streams.get_mut(name) else { return };
        let Some(partition) = stream.partitions.remove(id) else { return };
        if partition.buffer.is_empty() {
            return;
        }
        let segments = stream.destination.prefixes().prefix;
        let keys = RecordKeys { from_query: partition.query_keys.clone(), from_lambda: partition.lambda_keys.clone() };
        let oldest = partition.buffer.oldest_arrival_ms().unwrap_or(now);
        match prefix::evaluate_with_keys(&segments, oldest, &mut self.rng, None, &keys) {
            Ok(evaluated) => {
                if let Some(object) = self.data_object(name, &partition.buffer, reason, delivery::ObjectKind::Data, Some(evaluated)) {
                    self.attempt(object);
                }
            }
            Err(e) => {
                // Probed when each record arrived, so only a changed configuration gets here.
                let delimiter_len = self.streams.get(name).map_or(0, |s| s.delimiter().len());
                for record in partition.buffer.record_slices(delimiter_len) {
                    self.partition_failure(name, &e, record, oldest);
                }
            }
        }
    }

    fn flush_error_lines(&mut self, name: &str, error_type: &str) {
        let Some(stream) = self.streams.get_mut(name) else { return };
        let Some(buffer) = stream.error_lines.remove(error_type) else { return };
        let oldest = buffer.oldest_arrival_ms().unwrap_or(self.now_ms);
        let lines: Vec<String> = buffer.record_slices(1).iter().map(|l| String::from_utf8_lossy(l).into_owned()).collect();
        if !lines.is_empty() {
            self.write_error_output(name, error_type, &lines, oldest, delivery::ObjectKind::ErrorOutput);
        }
    }
}

/// The error-output types partitioning writes (for views).
#[allow(dead_code)] // read by the Firehose view
pub const PARTITION_ERROR_TYPES: [&str; 2] =
    [partition::PARTITIONING_FAILED_OUTPUT_TYPE, partition::ACTIVE_PARTITION_EXCEEDED_OUTPUT_TYPE];

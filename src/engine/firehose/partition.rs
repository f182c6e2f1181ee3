//! Dynamic partitioning, the parts that do not depend on the engine's buffers (FACTS.md §2 "Dynamic
//! partitioning"): the MetadataExtraction jq query (inline parsing), the keys it extracts from a record,
//! RecordDeAggregation (JSON or DELIMITED), the errors a failing record is written to the error output
//! with, and the cross-checks between the S3 prefix and the processors.
//!
//! Sources (AWS Data Firehose developer guide): "Understand partitioning keys" (jq 1.6, a query such as
//! `{customer_id: .customer_id, device: .type.device}`), "Use Amazon S3 bucket prefix to deliver data"
//! (`!{partitionKeyFromQuery:k}`), "Apply dynamic partitioning to aggregated data" (deaggregation, capped at
//! 500 per record), "Troubleshoot dynamic partitioning errors" (records that cannot be parsed or whose
//! keys cannot be extracted go to the error prefix), "Buffer data for dynamic partitioning" (500 active
//! partitions); API model aws-models/firehose.json (Processor, ProcessorParameter).
//!
//! The query runs on jaq (a jq clone in Rust). What jq 1.6 does that jaq does differently, and what this
//! module refuses so that a query cannot run away, is listed in `query.rs`.

mod analyze;
mod deaggregate;
mod jqtime;
mod query;
mod render;

use std::collections::{BTreeMap, BTreeSet};

use super::error::FirehoseError;
use super::prefix::Segment;

pub use deaggregate::{deaggregate, decode_delimiter, SubRecordType};
pub use query::PartitionQuery;
pub use render::render_jq_number;

/// Keys a query (or a Lambda) extracted from one record, in key order: key → the text substituted for
/// `!{partitionKeyFromQuery:key}`.
pub type PartitionKeys = BTreeMap<String, String>;

/// At most 500 active partitions per Firehose stream; records beyond go to the error prefix ("Buffer
/// data for dynamic partitioning"; raisable by a quota request, so the engine should take it as a setting).
pub const MAX_ACTIVE_PARTITIONS: usize = 500;
/// The most a quota increase gives (same page: up to 5,000 active partitions per stream).
pub const MAX_ACTIVE_PARTITIONS_RAISED: usize = 5_000;
/// "Record deaggregation by JSON or by delimiter is capped at 500 per record" (aggregated-data page).
pub const MAX_SUB_RECORDS_PER_RECORD: usize = 500;
/// A processor parameter value (the query, the delimiter) is 1–5,120 characters (model
/// ProcessorParameterValue).
pub const PROCESSOR_PARAMETER_VALUE_MAX_CHARS: usize = 5_120;
/// What AppendDelimiterToRecord puts after each record in the delivered object: a newline (API model,
/// Processor: "add a new line delimiter between records").
pub const APPENDED_RECORD_DELIMITER: &[u8] = b"\n";
/// The only JsonParsingEngine value (model documentation and the partitioning-keys page: "we only support
/// jq 1.6").
pub const JSON_PARSING_ENGINE_JQ_1_6: &str = "JQ-1.6";

/// The `!{firehose:error-output-type}` value of records that dynamic partitioning could not place. Source:
/// AWS CDK's integration test run against AWS (aws-cdk, framework-integ
/// `integ.dynamic-partitioning-with-lambda.ts`) expects a record without its keys under
/// `error-output/partitioning-failed/` for the ErrorOutputPrefix `error-output/!{firehose:error-output-type}/`.
pub const PARTITIONING_FAILED_OUTPUT_TYPE: &str = "partitioning-failed";
/// Where records go once the active-partition limit is reached: the buffering page names the error prefix
/// "(activePartitionExceeded)". Whether that is the error-output-type value or a fixed folder is not
/// stated; this module takes it as the error-output-type value. // Not AWS-verified text.
pub const ACTIVE_PARTITION_EXCEEDED_OUTPUT_TYPE: &str = "activePartitionExceeded";

/// The errorCode Firehose writes for a record whose partition keys could not be extracted (seen in the
/// error output of real streams; public test suites assert it).
pub const METADATA_EXTRACTION_FAILED: &str = "DynamicPartitioning.MetadataExtractionFailed";
/// errorCode for a record refused because the active-partition limit is reached. // Not AWS-verified text.
pub const ACTIVE_PARTITIONS_EXCEEDED: &str = "DynamicPartitioning.ActivePartitionsLimitExceeded";
/// errorCode for a record that RecordDeAggregation could not split. // Not AWS-verified text.
pub const DEAGGREGATION_FAILED: &str = "DynamicPartitioning.DeAggregationFailed";

/// Everything dynamic partitioning can refuse: a query at configuration time, or a record at run time
/// (those go to the error output with [`PartitionError::error_code`] and
/// [`PartitionError::error_output_type`]). Messages are this simulator's own. // Not AWS-verified text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartitionError {
    // ---- configuration (CreateDeliveryStream / UpdateDestination) ----
    /// The query is longer than a processor parameter may be.
    QueryTooLong { chars: usize },
    /// The query does not lex or parse; `position` is the 0-based character offset.
    QuerySyntax { position: usize, reason: String },
    /// A name the query calls or a variable it reads does not exist.
    QueryUndefined { name: String },
    /// A construct refused because it could loop or grow without bound (see `query.rs`).
    QueryUnsupported { position: Option<usize>, construct: String, reason: String },
    /// The query is bounded but over this simulator's work limits.
    QueryTooExpensive { reason: String },
    /// RecordDeAggregation with DELIMITED needs a non-empty base64 delimiter.
    InvalidDelimiter { reason: String },
    // ---- one record ----
    /// The record (or a deaggregated sub-record) is not one JSON value that jq can read.
    RecordNotJson { reason: String },
    /// The query failed on the record (a jq error such as indexing a string with a key).
    QueryFailed { reason: String },
    /// The record is large enough that the query's intermediate values would pass this simulator's bound.
    RecordTooLargeForQuery { record_bytes: usize, bound_bytes: u64 },
    /// The query produced no value, or more than one.
    QueryOutputCount { outputs: usize },
    /// The query's value is not an object of keys.
    QueryOutputNotObject { found: &'static str },
    /// A key's value is null (a missing field reads as null in jq).
    KeyValueNull { key: String },
    /// A key's value is an object or an array.
    KeyValueNotScalar { key: String, found: &'static str },
    /// The prefix names a key the record's keys do not have.
    MissingKey { namespace: &'static str, key: String },
    /// The evaluated prefix is over 512 characters.
    PrefixTooLong { chars: usize },
    /// JSON deaggregation found something that is not a JSON object.
    DeaggregationFailed { reason: String },
    /// More sub-records than the per-record cap.
    TooManySubRecords { count: usize },
    /// The stream already has the maximum number of active partitions.
    ActivePartitionsExceeded { limit: usize },
}

impl PartitionError {
    /// True for errors about one record (written to the error output); false for configuration errors.
    pub fn is_record_error(&self) -> bool {
        !matches!(
            self,
            PartitionError::QueryTooLong { .. }
                | PartitionError::QuerySyntax { .. }
                | PartitionError::QueryUndefined { .. }
                | PartitionError::QueryUnsupported { .. }
                | PartitionError::QueryTooExpensive { .. }
                | PartitionError::InvalidDelimiter { .. }
        )
    }

    /// The errorCode of the error-output document.
    pub fn error_code(&self) -> &'static str {
        match self {
            PartitionError::ActivePartitionsExceeded { .. } => ACTIVE_PARTITIONS_EXCEEDED,
            PartitionError::DeaggregationFailed { .. } | PartitionError::TooManySubRecords { .. } => {
                DEAGGREGATION_FAILED
            }
            _ => METADATA_EXTRACTION_FAILED,
        }
    }

    /// The value of `!{firehose:error-output-type}` for this record.
    pub fn error_output_type(&self) -> &'static str {
        match self {
            PartitionError::ActivePartitionsExceeded { .. } => ACTIVE_PARTITION_EXCEEDED_OUTPUT_TYPE,
            _ => PARTITIONING_FAILED_OUTPUT_TYPE,
        }
    }

    /// A configuration error as the API answers it (InvalidArgumentException).
    pub fn to_firehose_error(&self) -> FirehoseError {
        FirehoseError::invalid_argument(self.to_string())
    }
}

impl std::fmt::Display for PartitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use PartitionError::*;
        match self {
            QueryTooLong { chars } => write!(
                f,
                "MetadataExtractionQuery is {chars} characters; a processor parameter value is at most {PROCESSOR_PARAMETER_VALUE_MAX_CHARS}."
            ),
            QuerySyntax { position, reason } => {
                write!(f, "MetadataExtractionQuery is not a valid jq expression at character {position}: {reason}.")
            }
            QueryUndefined { name } => write!(f, "MetadataExtractionQuery uses {name}, which is not defined."),
            QueryUnsupported { position, construct, reason } => match position {
                Some(p) => write!(f, "MetadataExtractionQuery: {construct} (character {p}) is not supported here: {reason}."),
                None => write!(f, "MetadataExtractionQuery: {construct} is not supported here: {reason}."),
            },
            QueryTooExpensive { reason } => write!(f, "MetadataExtractionQuery is too expensive to simulate: {reason}."),
            InvalidDelimiter { reason } => write!(f, "RecordDeAggregation Delimiter is invalid: {reason}."),
            RecordNotJson { reason } => write!(f, "Non JSON record provided: {reason}."),
            QueryFailed { reason } => write!(f, "The MetadataExtractionQuery failed on the record: {reason}."),
            RecordTooLargeForQuery { record_bytes, bound_bytes } => write!(
                f,
                "The record ({record_bytes} bytes) is too large for this query in the simulator: its values could reach {bound_bytes} bytes."
            ),
            QueryOutputCount { outputs: 0 } => write!(f, "The MetadataExtractionQuery produced no value for the record."),
            QueryOutputCount { .. } => {
                write!(f, "The MetadataExtractionQuery produced more than one value for the record; it must produce one object.")
            }
            QueryOutputNotObject { found } => {
                write!(f, "The MetadataExtractionQuery produced {found}; it must produce an object of partition keys.")
            }
            KeyValueNull { key } => write!(f, "Partition key '{key}' is null or missing in the record."),
            KeyValueNotScalar { key, found } => {
                write!(f, "Partition key '{key}' is {found}; a partition key must be a string, number or boolean.")
            }
            MissingKey { namespace, key } => {
                write!(f, "The S3 prefix uses !{{{namespace}:{key}}} but the record has no partition key '{key}'.")
            }
            PrefixTooLong { chars } => write!(
                f,
                "The evaluated S3 prefix is {chars} characters; it must not be longer than {}.",
                super::limits::PREFIX_MAX_EVALUATED_CHARS
            ),
            DeaggregationFailed { reason } => write!(f, "The record could not be deaggregated: {reason}."),
            TooManySubRecords { count } => write!(
                f,
                "The record holds {count} sub-records; deaggregation is capped at {MAX_SUB_RECORDS_PER_RECORD} per record."
            ),
            ActivePartitionsExceeded { limit } => {
                write!(f, "The Firehose stream already has {limit} active partitions.")
            }
        }
    }
}

impl std::error::Error for PartitionError {}

/// The keys one record has for the prefix: from the MetadataExtraction query and from a Lambda's
/// `metadata.partitionKeys`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordKeys {
    pub from_query: PartitionKeys,
    pub from_lambda: PartitionKeys,
}

/// What the processors of a dynamically partitioned destination provide, for [`check_prefix_keys`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitioningSources<'a> {
    /// Whether DynamicPartitioningConfiguration.Enabled is true.
    pub enabled: bool,
    /// `Some` when there is a MetadataExtraction processor; inside, the keys its query is known to define
    /// (`None` when the query's keys cannot be read without running it, see
    /// [`PartitionQuery::static_keys`]).
    pub query_keys: Option<Option<&'a BTreeSet<String>>>,
    /// Whether there is a Lambda processor (it may return any keys).
    pub has_lambda: bool,
}

/// The create-time cross-checks between Prefix and the processors, with the messages AWS's
/// CloudFormation/API validation gives (quoted in AWS CDK's kinesisfirehose source, which mirrors them):
/// - dynamic partitioning on, no partition-key expression in Prefix: "S3 Prefix should contain Dynamic
///   Partitioning namespaces when Dynamic Partitioning is enabled";
/// - `partitionKeyFromQuery` without a MetadataExtraction processor: "MetadataExtraction processor should be
///   present when S3 Prefix has partitionKeyFromQuery namespace";
/// - `partitionKeyFromLambda` without a Lambda processor: "Lambda should be present when S3 Prefix contains
///   keys from partitionKeyFromLambda namespace";
/// - a key the query is known not to define (this simulator's own check, made only when the query is an
///   object with literal keys). // Not AWS-verified text.
pub fn check_prefix_keys(prefix_segments: &[Segment], sources: PartitioningSources<'_>) -> Result<(), FirehoseError> {
    let query_keys: Vec<&str> = prefix_segments
        .iter()
        .filter_map(|s| match s {
            Segment::PartitionKeyFromQuery(k) => Some(k.as_str()),
            _ => None,
        })
        .collect();
    let uses_lambda = prefix_segments.iter().any(|s| matches!(s, Segment::PartitionKeyFromLambda(_)));
    if !sources.enabled {
        if !query_keys.is_empty() || uses_lambda {
            // Not AWS-verified text.
            return Err(FirehoseError::invalid_argument(
                "Prefix: partitionKeyFromQuery and partitionKeyFromLambda expressions need dynamic partitioning, which is not enabled for this Firehose stream.",
            ));
        }
        return Ok(());
    }
    if query_keys.is_empty() && !uses_lambda {
        return Err(FirehoseError::invalid_argument(
            "S3 Prefix should contain Dynamic Partitioning namespaces when Dynamic Partitioning is enabled",
        ));
    }
    if !query_keys.is_empty() {
        let Some(defined) = sources.query_keys else {
            return Err(FirehoseError::invalid_argument(
                "MetadataExtraction processor should be present when S3 Prefix has partitionKeyFromQuery namespace",
            ));
        };
        if let Some(defined) = defined {
            if let Some(missing) = query_keys.iter().find(|k| !defined.contains(**k)) {
                // Not AWS-verified text.
                return Err(FirehoseError::invalid_argument(format!(
                    "Prefix uses !{{partitionKeyFromQuery:{missing}}} but the MetadataExtractionQuery does not define the key '{missing}'."
                )));
            }
        }
    }
    if uses_lambda && !sources.has_lambda {
        return Err(FirehoseError::invalid_argument(
            "Lambda should be present when S3 Prefix contains keys from partitionKeyFromLambda namespace",
        ));
    }
    Ok(())
}

//! Firehose API shapes the engine takes and returns (aws-models/firehose.json), reduced to what the
//! engine simulates: Direct PUT or Kinesis-stream sources and the Extended S3 destination.

use serde::{Deserialize, Serialize};

use super::compress::CompressionFormat;
use super::limits::{S3_DEFAULT_BUFFER_INTERVAL_SECS, S3_DEFAULT_BUFFER_SIZE_MIB};
use crate::engine::time::EpochMillis;

/// DeliveryStreamStatus (model enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeliveryStreamStatus {
    #[serde(rename = "CREATING")]
    Creating,
    #[serde(rename = "CREATING_FAILED")]
    CreatingFailed,
    #[serde(rename = "DELETING")]
    Deleting,
    #[serde(rename = "DELETING_FAILED")]
    DeletingFailed,
    #[serde(rename = "ACTIVE")]
    Active,
}

impl DeliveryStreamStatus {
    pub fn wire_name(self) -> &'static str {
        match self {
            DeliveryStreamStatus::Creating => "CREATING",
            DeliveryStreamStatus::CreatingFailed => "CREATING_FAILED",
            DeliveryStreamStatus::Deleting => "DELETING",
            DeliveryStreamStatus::DeletingFailed => "DELETING_FAILED",
            DeliveryStreamStatus::Active => "ACTIVE",
        }
    }
}

/// DeliveryStreamType (model enum; MSK and database sources are not simulated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum DeliveryStreamType {
    #[default]
    DirectPut,
    KinesisStreamAsSource,
}

impl DeliveryStreamType {
    pub fn wire_name(self) -> &'static str {
        match self {
            DeliveryStreamType::DirectPut => "DirectPut",
            DeliveryStreamType::KinesisStreamAsSource => "KinesisStreamAsSource",
        }
    }
}

/// BufferingHints (model): SizeInMBs 1–128, IntervalInSeconds 0–900; each requires the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BufferingHints {
    #[serde(rename = "SizeInMBs")]
    pub size_in_mbs: Option<u32>,
    pub interval_in_seconds: Option<u32>,
}

/// Buffering hints with the defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResolvedBufferingHints {
    #[serde(rename = "SizeInMBs")]
    pub size_in_mbs: u32,
    pub interval_in_seconds: u32,
}

impl Default for ResolvedBufferingHints {
    fn default() -> Self {
        ResolvedBufferingHints {
            size_in_mbs: S3_DEFAULT_BUFFER_SIZE_MIB,
            interval_in_seconds: S3_DEFAULT_BUFFER_INTERVAL_SECS,
        }
    }
}

/// ProcessorType (model enum). Only AppendDelimiterToRecord is simulated so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProcessorType {
    RecordDeAggregation,
    Decompression,
    CloudWatchLogProcessing,
    Lambda,
    MetadataExtraction,
    AppendDelimiterToRecord,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessorParameter {
    pub parameter_name: String,
    pub parameter_value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Processor {
    #[serde(rename = "Type")]
    pub processor_type: ProcessorType,
    #[serde(default)]
    pub parameters: Vec<ProcessorParameter>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessingConfiguration {
    pub enabled: Option<bool>,
    #[serde(default)]
    pub processors: Vec<Processor>,
}

impl ProcessingConfiguration {
    /// Whether the AppendDelimiterToRecord processor is on ("\n" after each record, FACTS §2).
    pub fn appends_delimiter(&self) -> bool {
        self.enabled == Some(true)
            && self.processors.iter().any(|p| p.processor_type == ProcessorType::AppendDelimiterToRecord)
    }
}

/// ExtendedS3DestinationConfiguration (the simulated subset).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExtendedS3DestinationConfiguration {
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
    #[serde(rename = "BucketARN")]
    pub bucket_arn: String,
    pub prefix: Option<String>,
    pub error_output_prefix: Option<String>,
    pub buffering_hints: Option<BufferingHints>,
    pub compression_format: Option<CompressionFormat>,
    pub processing_configuration: Option<ProcessingConfiguration>,
    pub dynamic_partitioning_configuration: Option<DynamicPartitioningConfiguration>,
    pub data_format_conversion_configuration: Option<super::conversion::DataFormatConversionConfiguration>,
    /// "Enabled" backs up every source record, as received, to `S3BackupConfiguration` (FACTS §2: it
    /// cannot be turned off once on).
    #[serde(rename = "S3BackupMode")]
    pub s3_backup_mode: Option<String>,
    #[serde(rename = "S3BackupConfiguration")]
    pub s3_backup_configuration: Option<super::destinations::S3DestinationConfiguration>,
}

/// ExtendedS3DestinationUpdate: every field optional; what is absent keeps its value (model,
/// UpdateDestination: "Firehose merges the configuration parameters specified").
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExtendedS3DestinationUpdate {
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
    #[serde(rename = "BucketARN")]
    pub bucket_arn: Option<String>,
    pub prefix: Option<String>,
    pub error_output_prefix: Option<String>,
    pub buffering_hints: Option<BufferingHints>,
    pub compression_format: Option<CompressionFormat>,
    pub processing_configuration: Option<ProcessingConfiguration>,
    pub dynamic_partitioning_configuration: Option<DynamicPartitioningConfiguration>,
    pub data_format_conversion_configuration: Option<super::conversion::DataFormatConversionConfiguration>,
    #[serde(rename = "S3BackupMode")]
    pub s3_backup_mode: Option<String>,
    #[serde(rename = "S3BackupUpdate")]
    pub s3_backup_update: Option<super::destinations::S3DestinationConfiguration>,
}

impl ExtendedS3Destination {
    /// Whether dynamic partitioning is on.
    pub fn partitioned(&self) -> bool {
        self.dynamic_partitioning.is_some_and(|d| d.is_enabled())
    }

    /// Prefix and ErrorOutputPrefix, parsed (validated when configured; a tampered save that no longer
    /// validates falls back to the defaults rather than fail a delivery).
    pub fn prefixes(&self) -> super::prefix::Prefixes {
        super::prefix::validate_with_partitioning(self.prefix.as_deref(), self.error_output_prefix.as_deref(), self.partitioned())
            .or_else(|_| super::prefix::validate(None, None))
            .unwrap_or(super::prefix::Prefixes { prefix: Vec::new(), error_output_prefix: None })
    }
}

/// DynamicPartitioningConfiguration (model): Enabled, and how long to retry delivery to S3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DynamicPartitioningConfiguration {
    pub retry_options: Option<super::destinations::RetryOptions>,
    pub enabled: Option<bool>,
}

impl DynamicPartitioningConfiguration {
    pub fn is_enabled(&self) -> bool {
        self.enabled == Some(true)
    }
}

/// KinesisStreamSourceConfiguration (model).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KinesisStreamSourceConfiguration {
    #[serde(rename = "KinesisStreamARN")]
    pub kinesis_stream_arn: String,
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
}

/// CreateDeliveryStreamInput (the simulated subset).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateDeliveryStreamInput {
    pub delivery_stream_name: String,
    pub delivery_stream_type: Option<DeliveryStreamType>,
    pub kinesis_stream_source_configuration: Option<KinesisStreamSourceConfiguration>,
    pub extended_s3_destination_configuration: Option<ExtendedS3DestinationConfiguration>,
    pub redshift_destination_configuration: Option<super::destinations::RedshiftDestinationConfiguration>,
    #[serde(rename = "AmazonopensearchserviceDestinationConfiguration")]
    pub opensearch_destination_configuration: Option<super::destinations::OpenSearchDestinationConfiguration>,
    pub http_endpoint_destination_configuration: Option<super::destinations::HttpEndpointDestinationConfiguration>,
    pub splunk_destination_configuration: Option<super::destinations::SplunkDestinationConfiguration>,
}

/// The stored, validated Extended S3 destination (defaults filled in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtendedS3Destination {
    pub role_arn: String,
    pub bucket_arn: String,
    pub prefix: Option<String>,
    pub error_output_prefix: Option<String>,
    pub buffering_hints: ResolvedBufferingHints,
    pub compression_format: CompressionFormat,
    pub processing_configuration: Option<ProcessingConfiguration>,
    /// Dynamic partitioning (set at creation, never turned off; FACTS §2). Older saves: off.
    #[serde(default)]
    pub dynamic_partitioning: Option<DynamicPartitioningConfiguration>,
    /// JSON → Parquet conversion (when enabled). Older saves: none.
    #[serde(default)]
    pub data_format_conversion: Option<super::conversion::DataFormatConversionConfiguration>,
    /// Source record backup (S3BackupMode Enabled): where raw records go. Older saves: none.
    #[serde(default)]
    pub source_backup: Option<Box<ExtendedS3Destination>>,
}

// ---- DescribeDeliveryStream output ----

/// ExtendedS3DestinationDescription (the simulated subset; EncryptionConfiguration is always
/// NoEncryption here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExtendedS3DestinationDescription {
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
    #[serde(rename = "BucketARN")]
    pub bucket_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_output_prefix: Option<String>,
    pub buffering_hints: ResolvedBufferingHints,
    pub compression_format: CompressionFormat,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_configuration: Option<ProcessingConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_partitioning_configuration: Option<DynamicPartitioningConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_format_conversion_configuration: Option<super::conversion::DataFormatConversionConfiguration>,
    #[serde(skip)]
    pub source_backup: Option<Box<ExtendedS3Destination>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DestinationDescription {
    pub destination_id: String,
    /// The S3 configuration: the destination itself for Extended S3, else the destination's S3 part.
    pub extended_s3_destination_description: ExtendedS3DestinationDescription,
    /// The destination when it is not S3 (the API layer renders its own description shape).
    #[serde(skip)]
    pub target: super::destinations::Target,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KinesisStreamSourceDescription {
    #[serde(rename = "KinesisStreamARN")]
    pub kinesis_stream_arn: String,
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
    /// Firehose reads from LATEST (FACTS §2): from when the delivery stream was created.
    pub delivery_start_timestamp_ms: EpochMillis,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SourceDescription {
    pub kinesis_stream_source_description: KinesisStreamSourceDescription,
}

/// DeliveryStreamDescription (model); timestamps in epoch ms (the API layer renders them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeliveryStreamDescription {
    pub delivery_stream_name: String,
    #[serde(rename = "DeliveryStreamARN")]
    pub delivery_stream_arn: String,
    pub delivery_stream_status: DeliveryStreamStatus,
    pub delivery_stream_type: DeliveryStreamType,
    pub version_id: String,
    pub create_timestamp_ms: EpochMillis,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_update_timestamp_ms: Option<EpochMillis>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceDescription>,
    pub destinations: Vec<DestinationDescription>,
    pub has_more_destinations: bool,
}

// ---- PutRecord / PutRecordBatch output ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordOutput {
    pub record_id: String,
    pub encrypted: bool,
}

/// One entry of RequestResponses: RecordId, or ErrorCode and ErrorMessage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordBatchResponseEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRecordBatchOutput {
    pub failed_put_count: u32,
    pub encrypted: bool,
    pub request_responses: Vec<PutRecordBatchResponseEntry>,
}

/// ListDeliveryStreams output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDeliveryStreamsOutput {
    pub delivery_stream_names: Vec<String>,
    pub has_more_delivery_streams: bool,
}

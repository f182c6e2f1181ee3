//! A delivery stream as the page shows it, read from the DescribeDeliveryStream JSON the observer gives
//! (`api::observe_firehose`). Every member is read leniently (absent → empty), so a description with
//! members this page does not know (other destinations, new options) still shows what it can.

use serde_json::Value;

use crate::api::observe_firehose::{BufferState, DeliveryStreamOverview};
use crate::engine::firehose::s3::bucket_name;
use crate::engine::time::EpochMillis;

#[derive(Debug, Clone, PartialEq)]
pub struct StreamInfo {
    pub name: String,
    pub arn: String,
    pub status: String,
    /// `DirectPut` or `KinesisStreamAsSource`.
    pub stream_type: String,
    pub version_id: String,
    pub source_stream_arn: Option<String>,
    pub destination_id: String,
    /// The destination's member name without `Description` (`ExtendedS3Destination`, …).
    pub destination_kind: String,
    pub bucket_arn: String,
    pub bucket: String,
    pub prefix: String,
    pub error_output_prefix: String,
    pub size_mib: u32,
    pub interval_s: u32,
    pub compression: String,
    pub appends_delimiter: bool,
    pub buffer: BufferState,
    pub transition_due_ms: Option<EpochMillis>,
}

fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn number(v: &Value, pointer: &str) -> u32 {
    v.pointer(pointer).and_then(Value::as_u64).unwrap_or(0) as u32
}

impl StreamInfo {
    pub fn from_overview(o: &DeliveryStreamOverview) -> Self {
        let d = &o.description;
        let first = d.pointer("/Destinations/0").cloned().unwrap_or(Value::Null);
        // The one `…DestinationDescription` member of the first destination (Extended S3 here).
        let (kind, dest) = first
            .as_object()
            .and_then(|m| m.iter().find(|(k, _)| k.ends_with("DestinationDescription")))
            .map(|(k, v)| (k.trim_end_matches("Description").to_string(), v.clone()))
            .unwrap_or_default();
        let processors = dest.pointer("/ProcessingConfiguration/Processors").and_then(Value::as_array);
        let enabled = dest.pointer("/ProcessingConfiguration/Enabled").and_then(Value::as_bool) == Some(true);
        let bucket_arn = text(&dest, "/BucketARN");
        StreamInfo {
            name: o.name.clone(),
            arn: text(d, "/DeliveryStreamARN"),
            status: text(d, "/DeliveryStreamStatus"),
            stream_type: text(d, "/DeliveryStreamType"),
            version_id: text(d, "/VersionId"),
            source_stream_arn: d
                .pointer("/Source/KinesisStreamSourceDescription/KinesisStreamARN")
                .and_then(Value::as_str)
                .map(str::to_string),
            destination_id: text(&first, "/DestinationId"),
            destination_kind: kind,
            bucket: bucket_name(&bucket_arn).unwrap_or_default().to_string(),
            bucket_arn,
            prefix: text(&dest, "/Prefix"),
            error_output_prefix: text(&dest, "/ErrorOutputPrefix"),
            size_mib: number(&dest, "/BufferingHints/SizeInMBs"),
            interval_s: number(&dest, "/BufferingHints/IntervalInSeconds"),
            compression: text(&dest, "/CompressionFormat"),
            appends_delimiter: enabled
                && processors.is_some_and(|ps| ps.iter().any(|p| p["Type"] == "AppendDelimiterToRecord")),
            buffer: o.buffer,
            transition_due_ms: o.transition_due_ms,
        }
    }

    /// The Kinesis stream's name from its ARN (`…:stream/<name>`).
    pub fn source_stream_name(&self) -> Option<&str> {
        self.source_stream_arn.as_deref().and_then(|a| a.rsplit_once(":stream/")).map(|(_, n)| n)
    }
}

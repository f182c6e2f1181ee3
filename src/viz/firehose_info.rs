//! A delivery stream as the Firehose page shows it, read from the DescribeDeliveryStream JSON the observer gives
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
        // Redshift buffers for its intermediate bucket, and every other destination names its bucket, prefix
        // and compression in its S3 part: read them there when the destination itself has none.
        let s3 = dest.get("S3DestinationDescription").cloned().unwrap_or(Value::Null);
        let pick = |pointer: &str| if dest.pointer(pointer).is_some() { &dest } else { &s3 };
        let bucket_arn = text(pick("/BucketARN"), "/BucketARN");
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
            prefix: text(pick("/Prefix"), "/Prefix"),
            error_output_prefix: text(pick("/ErrorOutputPrefix"), "/ErrorOutputPrefix"),
            size_mib: number(pick("/BufferingHints/SizeInMBs"), "/BufferingHints/SizeInMBs"),
            interval_s: number(pick("/BufferingHints/IntervalInSeconds"), "/BufferingHints/IntervalInSeconds"),
            compression: text(pick("/CompressionFormat"), "/CompressionFormat"),
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn redshift_hints_and_compression_come_from_its_s3_part() {
        let o = overview(json!({"Destinations": [{"DestinationId": "d", "RedshiftDestinationDescription": {
            "ClusterJDBCURL": "jdbc:redshift://x", "S3DestinationDescription": {"BucketARN": "arn:aws:s3:::stage",
            "CompressionFormat": "GZIP", "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 300}}}}]}));
        let info = StreamInfo::from_overview(&o);
        assert_eq!((info.size_mib, info.interval_s), (5, 300));
        assert_eq!(info.compression, "GZIP");
        assert_eq!(info.bucket, "stage");
    }

    fn overview(description: Value) -> DeliveryStreamOverview {
        DeliveryStreamOverview { name: "h".into(), description, buffer: BufferState::default(), transition_due_ms: None }
    }

    // The members of DescribeDeliveryStream's output (model DeliveryStreamDescription,
    // ExtendedS3DestinationDescription) are read where the model puts them.
    #[test]
    fn reads_an_extended_s3_description() {
        let info = StreamInfo::from_overview(&overview(json!({
            "DeliveryStreamARN": "arn:aws:firehose:us-east-1:123456789012:deliverystream/h",
            "DeliveryStreamStatus": "ACTIVE", "DeliveryStreamType": "KinesisStreamAsSource", "VersionId": "3",
            "Source": {"KinesisStreamSourceDescription": {"KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders"}},
            "Destinations": [{"DestinationId": "destinationId-000000000001", "ExtendedS3DestinationDescription": {
                "BucketARN": "arn:aws:s3:::lab", "Prefix": "raw/", "CompressionFormat": "GZIP",
                "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 0},
                "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "AppendDelimiterToRecord"}]}}}],
        })));
        assert_eq!((info.status.as_str(), info.version_id.as_str(), info.bucket.as_str()), ("ACTIVE", "3", "lab"));
        assert_eq!((info.size_mib, info.interval_s, info.compression.as_str()), (64, 0, "GZIP"));
        assert_eq!((info.prefix.as_str(), info.error_output_prefix.as_str()), ("raw/", ""));
        assert!(info.appends_delimiter);
        assert_eq!(info.source_stream_name(), Some("orders"));
        assert_eq!(info.destination_kind, "ExtendedS3Destination");
    }

    // A description with members this page does not know (another destination, new fields) still reads.
    #[test]
    fn unknown_members_and_destinations_are_tolerated() {
        let info = StreamInfo::from_overview(&overview(json!({
            "DeliveryStreamStatus": "CREATING", "SomethingNew": {"x": 1},
            "Destinations": [{"DestinationId": "d-1", "HttpEndpointDestinationDescription": {"Url": "https://x"}}],
        })));
        assert_eq!(info.status, "CREATING");
        assert_eq!(info.destination_kind, "HttpEndpointDestination");
        assert_eq!((info.bucket.as_str(), info.size_mib, info.appends_delimiter), ("", 0, false));
        assert_eq!(info.source_stream_name(), None);
        let empty = StreamInfo::from_overview(&overview(Value::Null));
        assert_eq!(empty.status, "");
    }
}

//! Amazon Data Firehose over JSON 1.1: `X-Amz-Target: Firehose_20150804.<Operation>`.
//!
//! The same path as Kinesis (`api::kinesis`): parse the body, validate and normalise it against AWS's
//! Firehose model (`models/firehose.json`, by the generic `validate`), turn it into the engine's input,
//! run the `FirehoseEngine`, and render the engine's answer in the model's output shape.
//!
//! Wired: CreateDeliveryStream, DeleteDeliveryStream, DescribeDeliveryStream, ListDeliveryStreams,
//! UpdateDestination, PutRecord, PutRecordBatch.
//!
//! In the model but not simulated yet (answered with `UnsupportedOperationException`, a message naming
//! the operation): ListTagsForDeliveryStream, TagDeliveryStream, UntagDeliveryStream,
//! StartDeliveryStreamEncryption, StopDeliveryStreamEncryption. Request members for features the engine
//! does not simulate (destinations other than Extended S3, MSK and database sources, tags, encryption,
//! dynamic partitioning, format conversion, backups, logging) are refused the same way, naming the member,
//! rather than silently ignored.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::api::error::{ApiError, CLIENT_ERROR_STATUS, SERVER_ERROR_STATUS};
use crate::api::kinesis::ApiReply;
use crate::api::model;
use crate::api::validate::normalize_request;
use crate::engine::firehose::error::FirehoseError;
use crate::engine::firehose::types::{
    CreateDeliveryStreamInput, DeliveryStreamDescription, DeliveryStreamType, ExtendedS3DestinationUpdate,
};
use crate::engine::firehose::destinations::Target;
use crate::engine::firehose::{FirehoseConfig, FirehoseEngine};
use crate::engine::time::EpochMillis;

/// The target prefix every Firehose request carries.
pub const TARGET_PREFIX: &str = "Firehose_20150804";

/// The operations the engine simulates.
pub const SUPPORTED_OPERATIONS: [&str; 7] = [
    "CreateDeliveryStream",
    "DeleteDeliveryStream",
    "DescribeDeliveryStream",
    "ListDeliveryStreams",
    "PutRecord",
    "PutRecordBatch",
    "UpdateDestination",
];

/// The `__type` of the answer to a model operation or member Kinesis Lab does not simulate yet. Not an
/// AWS Firehose error: AWS would carry the request out.
pub const UNSUPPORTED_TYPE: &str = "UnsupportedOperationException";

/// An error as Firehose sends it: type, message, HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
struct WireError {
    type_name: String,
    message: String,
    status: u16,
}

impl WireError {
    fn unsupported(what: &str) -> Self {
        WireError {
            type_name: UNSUPPORTED_TYPE.to_string(),
            message: format!("Kinesis Lab does not simulate {what} yet."),
            status: CLIENT_ERROR_STATUS,
        }
    }

    /// AWS answers an unknown target with a bare `{"__type":"UnknownOperationException"}`.
    fn unknown_operation() -> Self {
        WireError { type_name: "UnknownOperationException".into(), message: String::new(), status: CLIENT_ERROR_STATUS }
    }

    fn serialization(message: impl Into<String>) -> Self {
        WireError { type_name: "SerializationException".into(), message: message.into(), status: CLIENT_ERROR_STATUS }
    }

    fn internal(message: impl Into<String>) -> Self {
        WireError { type_name: "InternalFailure".into(), message: message.into(), status: SERVER_ERROR_STATUS }
    }

    fn body(&self) -> Value {
        if self.message.is_empty() {
            json!({ "__type": self.type_name })
        } else {
            json!({ "__type": self.type_name, "message": self.message })
        }
    }
}

impl From<ApiError> for WireError {
    fn from(e: ApiError) -> Self {
        let body = e.to_json();
        WireError {
            type_name: e.error_type.wire_name().to_string(),
            message: body.get("message").or_else(|| body.get("Message")).and_then(Value::as_str).unwrap_or("").into(),
            status: e.error_type.http_status(),
        }
    }
}

impl From<FirehoseError> for WireError {
    fn from(e: FirehoseError) -> Self {
        let status = if e.kind.is_fault() { SERVER_ERROR_STATUS } else { CLIENT_ERROR_STATUS };
        WireError { type_name: e.kind.wire_name().to_string(), message: e.message, status }
    }
}

/// The Firehose API over one simulated account and region. Serialisable (its engine is its whole state).
#[derive(Serialize, Deserialize)]
pub struct FirehoseService {
    pub engine: FirehoseEngine,
}

impl FirehoseService {
    pub fn new(config: FirehoseConfig, start_ms: EpochMillis) -> Self {
        FirehoseService { engine: FirehoseEngine::new(config, start_ms) }
    }

    /// Call by full `X-Amz-Target` (`Firehose_20150804.CreateDeliveryStream`).
    pub fn call_target(&mut self, target: &str, body: &[u8]) -> ApiReply {
        match target.split_once('.') {
            Some((TARGET_PREFIX, operation)) => self.call(operation, body),
            _ => reply_error(WireError::unknown_operation()),
        }
    }

    /// Call an operation by name (`"PutRecord"`) with a JSON request body.
    pub fn call(&mut self, operation: &str, body: &[u8]) -> ApiReply {
        match self.dispatch(operation, body) {
            Ok(body) => ApiReply::Json { status: 200, body },
            Err(e) => reply_error(e),
        }
    }

    /// Call with a JSON value (what the UI and terminal use).
    pub fn call_json(&mut self, operation: &str, body: &Value) -> ApiReply {
        self.call(operation, body.to_string().as_bytes())
    }

    fn dispatch(&mut self, operation: &str, body: &[u8]) -> Result<Value, WireError> {
        let model = model::firehose();
        if model.operation(operation).is_none() {
            return Err(WireError::unknown_operation());
        }
        let value = parse_body(body)?;
        let input = normalize_request(model, operation, &value)?;
        let e = &mut self.engine;
        match operation {
            "CreateDeliveryStream" => {
                let request = create_input(&input)?;
                let arn = e.create_delivery_stream(request)?;
                Ok(json!({ "DeliveryStreamARN": arn }))
            }
            "DeleteDeliveryStream" => {
                // AllowForceDelete only matters for KMS failures, which are not simulated.
                e.delete_delivery_stream(name(&input))?;
                Ok(json!({}))
            }
            "DescribeDeliveryStream" => {
                let description = e.describe_delivery_stream(name(&input))?;
                let after = input.get("ExclusiveStartDestinationId").and_then(Value::as_str);
                Ok(json!({ "DeliveryStreamDescription": render_description(&description, after) }))
            }
            "ListDeliveryStreams" => {
                let limit = input.get("Limit").and_then(Value::as_u64).map(|l| l as u32);
                let start = input.get("ExclusiveStartDeliveryStreamName").and_then(Value::as_str);
                let stream_type = match input.get("DeliveryStreamType").and_then(Value::as_str) {
                    None => None,
                    Some("DirectPut") => Some(DeliveryStreamType::DirectPut),
                    Some("KinesisStreamAsSource") => Some(DeliveryStreamType::KinesisStreamAsSource),
                    // MSK and database sources cannot be created here, so there are none to list.
                    Some(_) => return Ok(json!({ "DeliveryStreamNames": [], "HasMoreDeliveryStreams": false })),
                };
                Ok(to_json(&e.list_delivery_streams(limit, stream_type, start)?)?)
            }
            "UpdateDestination" => {
                refuse_members(&input, UPDATE_UNSUPPORTED)?;
                let version = str_member(&input, "CurrentDeliveryStreamVersionId");
                let destination = str_member(&input, "DestinationId");
                for (config_member, update_member) in OTHER_UPDATES {
                    if let Some(u) = input.get(*update_member) {
                        let unsupported =
                            OTHER_DESTINATIONS.iter().find(|(m, _)| m == config_member).map_or(&[][..], |(_, u)| *u);
                        refuse_other_destination_members(u, update_member, unsupported)?;
                        e.update_other_destination(name(&input), version, destination, update_member, u)?;
                        return Ok(json!({}));
                    }
                }
                let update = match input.get("ExtendedS3DestinationUpdate") {
                    Some(u) => {
                        refuse_destination_members(u, "ExtendedS3DestinationUpdate")?;
                        parse::<ExtendedS3DestinationUpdate>(u.clone())?
                    }
                    None => ExtendedS3DestinationUpdate::default(),
                };
                e.update_destination(name(&input), version, destination, update)?;
                Ok(json!({}))
            }
            "PutRecord" => {
                let data = decode(input.pointer("/Record/Data"))?;
                Ok(to_json(&e.put_record(name(&input), &data)?)?)
            }
            "PutRecordBatch" => {
                let records = input.get("Records").and_then(Value::as_array).cloned().unwrap_or_default();
                let data: Vec<Vec<u8>> =
                    records.iter().map(|r| decode(r.get("Data"))).collect::<Result<_, _>>()?;
                Ok(to_json(&e.put_record_batch(name(&input), &data)?)?)
            }
            other => Err(WireError::unsupported(&format!("the Firehose operation {other}"))),
        }
    }
}

/// Every operation of the model, sorted (the supported ones and the refused ones).
pub fn operation_names() -> Vec<String> {
    model::firehose().operation_names().to_vec()
}

/// CreateDeliveryStreamInput members the engine does not simulate.
const CREATE_UNSUPPORTED: &[&str] = &[
    "AmazonOpenSearchServerlessDestinationConfiguration",
    "DatabaseSourceConfiguration",
    "DeliveryStreamEncryptionConfigurationInput",
    "DirectPutSourceConfiguration",
    "ElasticsearchDestinationConfiguration",
    "IcebergDestinationConfiguration",
    "MSKSourceConfiguration",
    "S3DestinationConfiguration",
    "SnowflakeDestinationConfiguration",
    "Tags",
];

/// UpdateDestinationInput members the engine does not simulate.
const UPDATE_UNSUPPORTED: &[&str] = &[
    "AmazonOpenSearchServerlessDestinationUpdate",
    "ElasticsearchDestinationUpdate",
    "IcebergDestinationUpdate",
    "S3DestinationUpdate",
    "SnowflakeDestinationUpdate",
];

/// Extended S3 members the engine does not simulate (in the configuration and in the update).
const S3_UNSUPPORTED: &[&str] = &[
    "CustomTimeZone",
    "FileExtension",
];

/// Each simulated destination's configuration member and its UpdateDestination member (model).
const OTHER_UPDATES: &[(&str, &str)] = &[
    ("RedshiftDestinationConfiguration", "RedshiftDestinationUpdate"),
    ("AmazonopensearchserviceDestinationConfiguration", "AmazonopensearchserviceDestinationUpdate"),
    ("HttpEndpointDestinationConfiguration", "HttpEndpointDestinationUpdate"),
    ("SplunkDestinationConfiguration", "SplunkDestinationUpdate"),
];

/// The other destinations Kinesis Lab simulates, with the members of each it does not.
const OTHER_DESTINATIONS: &[(&str, &[&str])] = &[
    ("RedshiftDestinationConfiguration", &["S3BackupConfiguration", "S3BackupUpdate", "SecretsManagerConfiguration"]),
    ("AmazonopensearchserviceDestinationConfiguration", &["VpcConfiguration", "DocumentIdOptions"]),
    ("HttpEndpointDestinationConfiguration", &["SecretsManagerConfiguration"]),
    ("SplunkDestinationConfiguration", &["SecretsManagerConfiguration"]),
];

/// Refuses the unsimulated members of a Redshift, OpenSearch, HTTP endpoint or Splunk configuration
/// (and of its S3 part); the "off" values of logging, encryption and backup are accepted.
fn refuse_other_destination_members(destination: &Value, parent: &str, unsupported: &[&str]) -> Result<(), WireError> {
    let refuse = |m: &str| Err(WireError::unsupported(&format!("the Firehose request member {parent}.{m}")));
    if let Some(m) = unsupported.iter().find(|m| destination.get(**m).is_some()) {
        return refuse(m);
    }
    if parent.starts_with("Redshift")
        && destination.get("S3BackupMode").and_then(Value::as_str).is_some_and(|m| m != "Disabled")
    {
        return refuse("S3BackupMode (Enabled)");
    }
    if destination.pointer("/CloudWatchLoggingOptions/Enabled") == Some(&Value::Bool(true)) {
        return refuse("CloudWatchLoggingOptions (Enabled)");
    }
    if let Some(s3) = destination.get("S3Configuration") {
        if s3.pointer("/EncryptionConfiguration/KMSEncryptionConfig").is_some() {
            return refuse("S3Configuration.EncryptionConfiguration.KMSEncryptionConfig");
        }
        if s3.pointer("/CloudWatchLoggingOptions/Enabled") == Some(&Value::Bool(true)) {
            return refuse("S3Configuration.CloudWatchLoggingOptions (Enabled)");
        }
    }
    Ok(())
}

fn refuse_members(input: &Value, members: &[&str]) -> Result<(), WireError> {
    match members.iter().find(|m| input.get(**m).is_some()) {
        Some(m) => Err(WireError::unsupported(&format!("the Firehose request member {m}"))),
        None => Ok(()),
    }
}

/// Refuses unsimulated Extended S3 members; the "off" values of encryption, logging and backup (what
/// consoles and templates send by default) are accepted since they are what the engine does anyway.
fn refuse_destination_members(destination: &Value, parent: &str) -> Result<(), WireError> {
    let unsupported = |m: &str| Err(WireError::unsupported(&format!("the Firehose request member {parent}.{m}")));
    if let Some(m) = S3_UNSUPPORTED.iter().find(|m| destination.get(**m).is_some()) {
        return unsupported(m);
    }
    if let Some(enc) = destination.get("EncryptionConfiguration") {
        if enc.get("KMSEncryptionConfig").is_some() {
            return unsupported("EncryptionConfiguration.KMSEncryptionConfig");
        }
    }
    if destination.pointer("/CloudWatchLoggingOptions/Enabled") == Some(&Value::Bool(true)) {
        return unsupported("CloudWatchLoggingOptions (Enabled)");
    }
    for backup in ["S3BackupConfiguration", "S3BackupUpdate"] {
        if destination.pointer(&format!("/{backup}/EncryptionConfiguration/KMSEncryptionConfig")).is_some() {
            return unsupported(&format!("{backup}.EncryptionConfiguration.KMSEncryptionConfig"));
        }
    }
    Ok(())
}

fn create_input(input: &Value) -> Result<CreateDeliveryStreamInput, WireError> {
    refuse_members(input, CREATE_UNSUPPORTED)?;
    if let Some(t) = input.get("DeliveryStreamType").and_then(Value::as_str) {
        if t != "DirectPut" && t != "KinesisStreamAsSource" {
            return Err(WireError::unsupported(&format!("the Firehose source type {t}")));
        }
    }
    if let Some(d) = input.get("ExtendedS3DestinationConfiguration") {
        refuse_destination_members(d, "ExtendedS3DestinationConfiguration")?;
    }
    for (member, unsupported) in OTHER_DESTINATIONS {
        if let Some(d) = input.get(*member) {
            refuse_other_destination_members(d, member, unsupported)?;
        }
    }
    parse(input.clone())
}

/// The DeliveryStreamDescription in the model's shape: timestamps as epoch seconds, EncryptionConfiguration
/// (required by the model; always NoEncryption here), server-side encryption DISABLED.
pub(crate) fn render_description(d: &DeliveryStreamDescription, exclusive_start_destination: Option<&str>) -> Value {
    let mut destinations = Vec::new();
    for dest in &d.destinations {
        if exclusive_start_destination.is_some_and(|start| dest.destination_id.as_str() <= start) {
            continue;
        }
        let s3 = &dest.extended_s3_destination_description;
        let mut out = strip_nulls(serde_json::to_value(s3).unwrap_or(Value::Null));
        if let Value::Object(map) = &mut out {
            map.insert("EncryptionConfiguration".into(), json!({ "NoEncryptionConfig": "NoEncryption" }));
        }
        let (member, description) = match &dest.target {
            Target::S3 => {
                if let Value::Object(map) = &mut out {
                    match &s3.source_backup {
                        Some(b) => {
                            map.insert("S3BackupMode".into(), json!("Enabled"));
                            let mut backup = json!({
                                "RoleARN": b.role_arn,
                                "BucketARN": b.bucket_arn,
                                "Prefix": b.prefix,
                                "ErrorOutputPrefix": b.error_output_prefix,
                                "BufferingHints": b.buffering_hints,
                                "CompressionFormat": b.compression_format,
                                "EncryptionConfiguration": { "NoEncryptionConfig": "NoEncryption" },
                            });
                            backup = strip_nulls(backup);
                            map.insert("S3BackupDescription".into(), backup);
                        }
                        None => {
                            map.insert("S3BackupMode".into(), json!("Disabled"));
                        }
                    }
                }
                ("ExtendedS3DestinationDescription", out)
            }
            other => {
                // The S3 part of another destination is an S3DestinationDescription: no processing.
                let processing = out.as_object_mut().and_then(|m| m.remove("ProcessingConfiguration"));
                other_destination_description(other, out, processing)
            }
        };
        destinations.push(json!({ "DestinationId": dest.destination_id, member: description }));
    }
    let mut out = Map::new();
    out.insert("DeliveryStreamName".into(), json!(d.delivery_stream_name));
    out.insert("DeliveryStreamARN".into(), json!(d.delivery_stream_arn));
    out.insert("DeliveryStreamStatus".into(), json!(d.delivery_stream_status.wire_name()));
    out.insert("DeliveryStreamType".into(), json!(d.delivery_stream_type.wire_name()));
    out.insert("DeliveryStreamEncryptionConfiguration".into(), json!({ "Status": "DISABLED" }));
    out.insert("VersionId".into(), json!(d.version_id));
    out.insert("CreateTimestamp".into(), json!(seconds(d.create_timestamp_ms)));
    if let Some(t) = d.last_update_timestamp_ms {
        out.insert("LastUpdateTimestamp".into(), json!(seconds(t)));
    }
    if let Some(src) = &d.source {
        let k = &src.kinesis_stream_source_description;
        out.insert(
            "Source".into(),
            json!({ "KinesisStreamSourceDescription": {
                "KinesisStreamARN": k.kinesis_stream_arn,
                "RoleARN": k.role_arn,
                "DeliveryStartTimestamp": seconds(k.delivery_start_timestamp_ms),
            }}),
        );
    }
    out.insert("Destinations".into(), Value::Array(destinations));
    out.insert("HasMoreDestinations".into(), json!(d.has_more_destinations));
    Value::Object(out)
}

/// The description of a Redshift, OpenSearch, HTTP endpoint or Splunk destination (model shapes
/// *DestinationDescription), around its S3 part.
fn other_destination_description(target: &Target, s3: Value, processing: Option<Value>) -> (&'static str, Value) {
    let mut out = Map::new();
    let (member, fields) = match target {
        Target::S3 => ("ExtendedS3DestinationDescription", json!({})),
        Target::Redshift(r) => (
            "RedshiftDestinationDescription",
            json!({
                "RoleARN": r.role_arn,
                "ClusterJDBCURL": r.cluster_jdbc_url,
                "CopyCommand": strip_nulls(serde_json::to_value(&r.copy_command).unwrap_or(Value::Null)),
                "Username": r.username,
                "RetryOptions": {"DurationInSeconds": r.retry_secs},
                "S3BackupMode": "Disabled",
            }),
        ),
        Target::OpenSearch(o) => (
            "AmazonopensearchserviceDestinationDescription",
            json!({
                "RoleARN": o.role_arn,
                "DomainARN": o.domain_arn,
                "ClusterEndpoint": o.cluster_endpoint,
                "IndexName": o.index_name,
                "TypeName": o.type_name,
                "IndexRotationPeriod": o.rotation,
                "BufferingHints": o.buffering_hints,
                "RetryOptions": {"DurationInSeconds": o.retry_secs},
                "S3BackupMode": o.backup_mode,
            }),
        ),
        Target::Http(h) => (
            "HttpEndpointDestinationDescription",
            json!({
                "EndpointConfiguration": {"Url": h.url, "Name": h.name},
                "BufferingHints": h.buffering_hints,
                "RequestConfiguration": {
                    "ContentEncoding": h.content_encoding,
                    "CommonAttributes": h.common_attributes,
                },
                "RoleARN": h.role_arn,
                "RetryOptions": {"DurationInSeconds": h.retry_secs},
                "S3BackupMode": h.backup_mode,
            }),
        ),
        Target::Splunk(sp) => (
            "SplunkDestinationDescription",
            json!({
                "HECEndpoint": sp.hec_endpoint,
                "HECEndpointType": sp.endpoint_type,
                "HECAcknowledgmentTimeoutInSeconds": sp.ack_timeout_secs,
                "BufferingHints": sp.buffering_hints,
                "RetryOptions": {"DurationInSeconds": sp.retry_secs},
                "S3BackupMode": sp.backup_mode,
            }),
        ),
    };
    if let Value::Object(map) = strip_nulls(fields) {
        out.extend(map);
    }
    let target_processing = match target {
        Target::OpenSearch(o) => o.processing_configuration.as_ref(),
        Target::Http(h) => h.processing_configuration.as_ref(),
        Target::Splunk(sp) => sp.processing_configuration.as_ref(),
        _ => None,
    };
    let processing = target_processing.and_then(|p| serde_json::to_value(p).ok()).or(processing);
    if let Some(p) = processing {
        out.insert("ProcessingConfiguration".into(), strip_nulls(p));
    }
    out.insert("S3DestinationDescription".into(), s3);
    (member, Value::Object(out))
}

/// Epoch milliseconds as the epoch seconds JSON 1.1 puts on the wire.
fn seconds(ms: EpochMillis) -> f64 {
    ms as f64 / 1000.0
}

/// Drops `null` members (optional fields the engine left empty), at every depth.
fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

/// The validated (hence present) DeliveryStreamName.
fn name(input: &Value) -> &str {
    str_member(input, "DeliveryStreamName")
}

fn str_member<'a>(input: &'a Value, member: &str) -> &'a str {
    input.get(member).and_then(Value::as_str).unwrap_or("")
}

/// A blob member, base64 on the wire (validation has checked it decodes).
fn decode(data: Option<&Value>) -> Result<Vec<u8>, WireError> {
    let text = data.and_then(Value::as_str).unwrap_or("");
    STANDARD.decode(text).map_err(|e| WireError::serialization(e.to_string()))
}

/// An empty body, or one that is not a JSON object, is AWS's `SerializationException` without a message.
fn parse_body(body: &[u8]) -> Result<Value, WireError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(WireError::serialization("")),
    }
}

fn parse<T: DeserializeOwned>(value: Value) -> Result<T, WireError> {
    serde_json::from_value(value).map_err(|e| WireError::serialization(e.to_string()))
}

fn to_json<T: Serialize>(out: &T) -> Result<Value, WireError> {
    serde_json::to_value(out).map(strip_nulls).map_err(|e| WireError::internal(e.to_string()))
}

fn reply_error(e: WireError) -> ApiReply {
    ApiReply::Json { status: e.status, body: e.body() }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Source: aws-models/firehose.json operations (12) and metadata.targetPrefix.
    #[test]
    fn model_target_prefix_and_supported_operations_exist() {
        let model = model::firehose();
        assert_eq!(model.metadata().target_prefix, TARGET_PREFIX);
        assert_eq!(model.operation_names().len(), 12);
        for op in SUPPORTED_OPERATIONS {
            assert!(model.operation(op).is_some(), "{op} not in the model");
        }
    }

    #[test]
    fn strip_nulls_removes_nested_nulls() {
        let v = strip_nulls(json!({"a": null, "b": {"c": null, "d": 1}, "e": [{"f": null}]}));
        assert_eq!(v, json!({"b": {"d": 1}, "e": [{}]}));
    }
}

//! Destinations other than Extended S3 (FACTS.md §2 "Destinations"): their request shapes (the simulated
//! subset of aws-models/firehose.json), validation with the model's bounds and defaults, and the stored
//! form. Every one of them also has an S3 configuration: Redshift loads from it (the intermediate
//! bucket), the others back failed (or all) data up into it.

use serde::{Deserialize, Serialize};

use super::compress::CompressionFormat;
use super::error::{FirehoseError, FirehoseResult};
use super::types::{BufferingHints, ProcessingConfiguration, ResolvedBufferingHints};
use crate::engine::time::MILLIS_PER_SECOND;

// ---- bounds and defaults (model shapes; FACTS §2) ----
/// AmazonopensearchserviceBufferingSizeInMBs 1–100, default 5; interval 0–900, default 300.
pub const OPENSEARCH_HINTS: HintBounds = HintBounds { min_mib: 1, max_mib: 100, default_mib: 5, max_secs: 900, default_secs: 300 };
/// HttpEndpointBufferingSizeInMBs 1–64, default 5; interval 0–900, default 300.
pub const HTTP_HINTS: HintBounds = HintBounds { min_mib: 1, max_mib: 64, default_mib: 5, max_secs: 900, default_secs: 300 };
/// SplunkBufferingSizeInMBs 1–5, default 5; interval 0–60, default 60.
pub const SPLUNK_HINTS: HintBounds = HintBounds { min_mib: 1, max_mib: 5, default_mib: 5, max_secs: 60, default_secs: 60 };
/// RetryOptions DurationInSeconds 0–7200 (every destination's retry shape).
pub const RETRY_MAX_SECS: u32 = 7_200;
/// RedshiftRetryOptions: "The default value is 3600 seconds" (model; FACTS §2).
pub const REDSHIFT_DEFAULT_RETRY_SECS: u32 = 3_600;
/// AmazonopensearchserviceRetryOptions: "Default value is 300 seconds" (model; FACTS §2).
pub const OPENSEARCH_DEFAULT_RETRY_SECS: u32 = 300;
/// HTTP endpoint and Splunk: the console's default retry duration (the model states none). Not AWS-verified.
pub const HTTP_DEFAULT_RETRY_SECS: u32 = 300;
pub const SPLUNK_DEFAULT_RETRY_SECS: u32 = 300;
/// HECAcknowledgmentTimeoutInSeconds 180–600 (model); default 180.
pub const HEC_ACK_TIMEOUT_MIN_SECS: u32 = 180;
pub const HEC_ACK_TIMEOUT_MAX_SECS: u32 = 600;

/// The size and interval bounds of one destination's buffering hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HintBounds {
    pub min_mib: u32,
    pub max_mib: u32,
    pub default_mib: u32,
    pub max_secs: u32,
    pub default_secs: u32,
}

impl HintBounds {
    /// Fills defaults and checks the bounds; `field` is the request path for messages.
    pub fn resolve(&self, hints: Option<BufferingHints>, field: &str) -> FirehoseResult<ResolvedBufferingHints> {
        let h = hints.unwrap_or_default();
        let size = h.size_in_mbs.unwrap_or(self.default_mib);
        let interval = h.interval_in_seconds.unwrap_or(self.default_secs);
        if size < self.min_mib {
            return Err(FirehoseError::validation(
                &format!("{field}.bufferingHints.sizeInMBs"),
                &format!("Member must have value greater than or equal to {}", self.min_mib),
            ));
        }
        if size > self.max_mib {
            return Err(FirehoseError::validation(
                &format!("{field}.bufferingHints.sizeInMBs"),
                &format!("Member must have value less than or equal to {}", self.max_mib),
            ));
        }
        if interval > self.max_secs {
            return Err(FirehoseError::validation(
                &format!("{field}.bufferingHints.intervalInSeconds"),
                &format!("Member must have value less than or equal to {}", self.max_secs),
            ));
        }
        Ok(ResolvedBufferingHints { size_in_mbs: size, interval_in_seconds: interval })
    }
}

/// RetryOptions (every destination's has only DurationInSeconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RetryOptions {
    pub duration_in_seconds: Option<u32>,
}

fn resolve_retry(r: Option<RetryOptions>, default_secs: u32, field: &str) -> FirehoseResult<u32> {
    let secs = r.and_then(|r| r.duration_in_seconds).unwrap_or(default_secs);
    if secs > RETRY_MAX_SECS {
        return Err(FirehoseError::validation(
            &format!("{field}.retryOptions.durationInSeconds"),
            "Member must have value less than or equal to 7200",
        ));
    }
    Ok(secs)
}

/// S3DestinationConfiguration: the S3 part of every other destination.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct S3DestinationConfiguration {
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
    #[serde(rename = "BucketARN")]
    pub bucket_arn: String,
    pub prefix: Option<String>,
    pub error_output_prefix: Option<String>,
    pub buffering_hints: Option<BufferingHints>,
    pub compression_format: Option<CompressionFormat>,
}

/// CopyCommand (model): the table, its columns and the COPY options Firehose appends.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CopyCommand {
    pub data_table_name: String,
    pub data_table_columns: Option<String>,
    pub copy_options: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RedshiftDestinationConfiguration {
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
    #[serde(rename = "ClusterJDBCURL")]
    pub cluster_jdbc_url: String,
    pub copy_command: CopyCommand,
    pub username: Option<String>,
    pub password: Option<String>,
    pub retry_options: Option<RetryOptions>,
    pub s3_configuration: S3DestinationConfiguration,
    pub processing_configuration: Option<ProcessingConfiguration>,
}

/// AmazonopensearchserviceIndexRotationPeriod (model enum; FACTS §2 gives each one's index suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum IndexRotationPeriod {
    NoRotation,
    OneHour,
    #[default]
    OneDay,
    OneWeek,
    OneMonth,
}

/// AmazonopensearchserviceS3BackupMode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum OpenSearchS3BackupMode {
    #[default]
    FailedDocumentsOnly,
    AllDocuments,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OpenSearchDestinationConfiguration {
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
    #[serde(rename = "DomainARN")]
    pub domain_arn: Option<String>,
    pub cluster_endpoint: Option<String>,
    pub index_name: String,
    pub type_name: Option<String>,
    pub index_rotation_period: Option<IndexRotationPeriod>,
    pub buffering_hints: Option<BufferingHints>,
    pub retry_options: Option<RetryOptions>,
    #[serde(rename = "S3BackupMode")]
    pub s3_backup_mode: Option<OpenSearchS3BackupMode>,
    pub s3_configuration: S3DestinationConfiguration,
    pub processing_configuration: Option<ProcessingConfiguration>,
}

/// HttpEndpointS3BackupMode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum HttpS3BackupMode {
    #[default]
    FailedDataOnly,
    AllData,
}

/// ContentEncoding of HTTP endpoint requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ContentEncoding {
    #[default]
    #[serde(rename = "NONE")]
    None,
    #[serde(rename = "GZIP")]
    Gzip,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpEndpointConfiguration {
    pub url: String,
    pub name: Option<String>,
    pub access_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpEndpointCommonAttribute {
    pub attribute_name: String,
    pub attribute_value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpEndpointRequestConfiguration {
    pub content_encoding: Option<ContentEncoding>,
    #[serde(default)]
    pub common_attributes: Vec<HttpEndpointCommonAttribute>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpEndpointDestinationConfiguration {
    pub endpoint_configuration: HttpEndpointConfiguration,
    pub buffering_hints: Option<BufferingHints>,
    pub request_configuration: Option<HttpEndpointRequestConfiguration>,
    pub processing_configuration: Option<ProcessingConfiguration>,
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
    pub retry_options: Option<RetryOptions>,
    #[serde(rename = "S3BackupMode")]
    pub s3_backup_mode: Option<HttpS3BackupMode>,
    pub s3_configuration: S3DestinationConfiguration,
}

/// HECEndpointType.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum HecEndpointType {
    #[default]
    Raw,
    Event,
}

/// SplunkS3BackupMode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SplunkS3BackupMode {
    #[default]
    FailedEventsOnly,
    AllEvents,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SplunkDestinationConfiguration {
    #[serde(rename = "HECEndpoint")]
    pub hec_endpoint: String,
    #[serde(rename = "HECEndpointType")]
    pub hec_endpoint_type: HecEndpointType,
    #[serde(rename = "HECToken")]
    pub hec_token: Option<String>,
    #[serde(rename = "HECAcknowledgmentTimeoutInSeconds")]
    pub hec_acknowledgment_timeout_in_seconds: Option<u32>,
    pub retry_options: Option<RetryOptions>,
    #[serde(rename = "S3BackupMode")]
    pub s3_backup_mode: Option<SplunkS3BackupMode>,
    pub s3_configuration: S3DestinationConfiguration,
    pub processing_configuration: Option<ProcessingConfiguration>,
    pub buffering_hints: Option<BufferingHints>,
}

// ---- the stored form ----

/// Where a delivery stream's data goes, besides S3 (which every stream has: `DeliveryStream::destination`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Target {
    /// Extended S3: the S3 configuration is the destination.
    #[default]
    S3,
    Redshift(RedshiftTarget),
    OpenSearch(OpenSearchTarget),
    Http(HttpTarget),
    Splunk(SplunkTarget),
}

impl Target {
    /// The destination's name as the console and the metrics say it.
    pub fn label(&self) -> &'static str {
        match self {
            Target::S3 => "Amazon S3",
            Target::Redshift(_) => "Amazon Redshift",
            Target::OpenSearch(_) => "Amazon OpenSearch Service",
            Target::Http(_) => "HTTP endpoint",
            Target::Splunk(_) => "Splunk",
        }
    }

    /// What the learner can take down for an outage drill (None for S3: the bucket is the target).
    pub fn outage_key(&self) -> Option<String> {
        match self {
            Target::S3 => None,
            Target::Redshift(r) => Some(r.cluster_jdbc_url.clone()),
            Target::OpenSearch(o) => Some(o.domain.clone()),
            Target::Http(h) => Some(h.url.clone()),
            Target::Splunk(s) => Some(s.hec_endpoint.clone()),
        }
    }

    /// How long failed deliveries are retried, in ms (None for S3: 24 hours, see `delivery`).
    pub fn retry_ms(&self) -> Option<u64> {
        let secs = match self {
            Target::S3 => return None,
            Target::Redshift(r) => r.retry_secs,
            Target::OpenSearch(o) => o.retry_secs,
            Target::Http(h) => h.retry_secs,
            Target::Splunk(s) => s.retry_secs,
        };
        Some(secs as u64 * MILLIS_PER_SECOND)
    }

    /// The error-output type of data this destination gave up on (AWS custom-prefix page).
    pub fn failed_output_type(&self) -> Option<&'static str> {
        match self {
            Target::S3 | Target::Redshift(_) => None,
            Target::OpenSearch(_) => Some("AmazonOpenSearchService-failed"),
            Target::Http(_) => Some("http-endpoint-failed"),
            Target::Splunk(_) => Some("splunk-failed"),
        }
    }

    /// Whether every record is also written to the S3 bucket (AllDocuments / AllData / AllEvents).
    pub fn backs_up_everything(&self) -> bool {
        match self {
            Target::S3 | Target::Redshift(_) => false,
            Target::OpenSearch(o) => o.backup_mode == OpenSearchS3BackupMode::AllDocuments,
            Target::Http(h) => h.backup_mode == HttpS3BackupMode::AllData,
            Target::Splunk(s) => s.backup_mode == SplunkS3BackupMode::AllEvents,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedshiftTarget {
    pub role_arn: String,
    pub cluster_jdbc_url: String,
    pub copy_command: CopyCommand,
    pub username: Option<String>,
    pub retry_secs: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenSearchTarget {
    pub role_arn: String,
    pub domain_arn: Option<String>,
    pub cluster_endpoint: Option<String>,
    /// The domain ARN or cluster endpoint: the simulated domain's name.
    pub domain: String,
    pub index_name: String,
    pub type_name: Option<String>,
    pub rotation: IndexRotationPeriod,
    pub buffering_hints: ResolvedBufferingHints,
    pub retry_secs: u32,
    pub backup_mode: OpenSearchS3BackupMode,
    pub processing_configuration: Option<ProcessingConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpTarget {
    pub url: String,
    pub name: Option<String>,
    pub role_arn: Option<String>,
    pub content_encoding: ContentEncoding,
    pub common_attributes: Vec<HttpEndpointCommonAttribute>,
    pub buffering_hints: ResolvedBufferingHints,
    pub retry_secs: u32,
    pub backup_mode: HttpS3BackupMode,
    pub processing_configuration: Option<ProcessingConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplunkTarget {
    pub hec_endpoint: String,
    pub endpoint_type: HecEndpointType,
    pub ack_timeout_secs: u32,
    pub buffering_hints: ResolvedBufferingHints,
    pub retry_secs: u32,
    pub backup_mode: SplunkS3BackupMode,
    pub processing_configuration: Option<ProcessingConfiguration>,
}

// ---- validation ----

/// Model ClusterJDBCURL: `jdbc:(redshift|postgresql)://host.redshift[-serverless].region...:port/db`,
/// checked piece by piece (the model's look-arounds are not in regex-lite).
pub fn valid_jdbc_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("jdbc:redshift://").or_else(|| url.strip_prefix("jdbc:postgresql://")) else {
        return false;
    };
    let Some((host_port, database)) = rest.split_once('/') else { return false };
    let Some((host, port)) = host_port.rsplit_once(':') else { return false };
    let labels: Vec<&str> = host.split('.').collect();
    let port_ok = (1..=5).contains(&port.len()) && port.chars().all(|c| c.is_ascii_digit());
    let db_ok = !database.is_empty() && database.chars().all(|c| c.is_ascii_alphanumeric() || "_$-".contains(c));
    let redshift_at = labels.iter().position(|l| *l == "redshift" || *l == "redshift-serverless");
    let labels_ok = labels.iter().all(|l| {
        !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    port_ok && db_ok && labels_ok && redshift_at.is_some_and(|i| i >= 1 && i + 1 < labels.len())
}

/// Validates a Redshift destination (FACTS §2: its S3 configuration may not use Snappy or ZIP).
pub fn resolve_redshift(c: &RedshiftDestinationConfiguration) -> FirehoseResult<RedshiftTarget> {
    const P: &str = "redshiftDestinationConfiguration";
    if !valid_jdbc_url(&c.cluster_jdbc_url) {
        return Err(FirehoseError::validation(
            &format!("{P}.clusterJDBCURL"),
            "Member must satisfy regular expression pattern: jdbc:(redshift|postgresql)://((?!-)[A-Za-z0-9-]{1,63}(?<!-)\\.)+(redshift(-serverless)?)\\.([a-zA-Z0-9\\.\\-]+):\\d{1,5}/[a-zA-Z0-9_$-]+",
        ));
    }
    if c.copy_command.data_table_name.is_empty() {
        return Err(FirehoseError::validation(
            &format!("{P}.copyCommand.dataTableName"),
            "Member must have length greater than or equal to 1",
        ));
    }
    match c.s3_configuration.compression_format.unwrap_or_default() {
        CompressionFormat::Uncompressed | CompressionFormat::Gzip => {}
        other => {
            // Not AWS-verified text.
            return Err(FirehoseError::invalid_argument(format!(
                "Compression format {} is not supported for the Redshift destination: COPY reads UNCOMPRESSED or GZIP objects.",
                other.wire_name()
            )))
        }
    }
    Ok(RedshiftTarget {
        role_arn: c.role_arn.clone(),
        cluster_jdbc_url: c.cluster_jdbc_url.clone(),
        copy_command: c.copy_command.clone(),
        username: c.username.clone(),
        retry_secs: resolve_retry(c.retry_options, REDSHIFT_DEFAULT_RETRY_SECS, P)?,
    })
}

/// Model AmazonopensearchserviceDomainARN `arn:.*:es:[a-zA-Z0-9\-]+:\d{12}:domain/[a-z][-0-9a-z]{2,27}`.
fn valid_domain_arn(arn: &str) -> bool {
    let Some((head, domain)) = arn.rsplit_once(":domain/") else { return false };
    let mut parts = head.split(':');
    let ok_head = parts.next() == Some("arn")
        && parts.next().is_some()
        && parts.next() == Some("es")
        && parts.next().is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && parts.next().is_some_and(|a| a.len() == 12 && a.chars().all(|c| c.is_ascii_digit()))
        && parts.next().is_none();
    let mut chars = domain.chars();
    let ok_domain = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && (3..=28).contains(&domain.len())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    ok_head && ok_domain
}

pub fn resolve_opensearch(c: &OpenSearchDestinationConfiguration) -> FirehoseResult<OpenSearchTarget> {
    const P: &str = "amazonopensearchserviceDestinationConfiguration";
    let domain = match (&c.domain_arn, &c.cluster_endpoint) {
        (Some(arn), None) => {
            if !valid_domain_arn(arn) {
                return Err(FirehoseError::validation(
                    &format!("{P}.domainARN"),
                    "Member must satisfy regular expression pattern: arn:.*:es:[a-zA-Z0-9\\-]+:\\d{12}:domain/[a-z][-0-9a-z]{2,27}",
                ));
            }
            arn.clone()
        }
        (None, Some(endpoint)) => {
            if !endpoint.starts_with("https:") {
                return Err(FirehoseError::validation(
                    &format!("{P}.clusterEndpoint"),
                    "Member must satisfy regular expression pattern: https:.*",
                ));
            }
            endpoint.clone()
        }
        // Model: "Specify either this ClusterEndpoint or the DomainARN field." Not AWS-verified text.
        _ => {
            return Err(FirehoseError::invalid_argument(
                "Exactly one of DomainARN and ClusterEndpoint must be specified for the OpenSearch Service destination.",
            ))
        }
    };
    if c.index_name.is_empty() || c.index_name.chars().count() > 80 {
        return Err(FirehoseError::validation(
            &format!("{P}.indexName"),
            "Member must have length less than or equal to 80",
        ));
    }
    Ok(OpenSearchTarget {
        role_arn: c.role_arn.clone(),
        domain_arn: c.domain_arn.clone(),
        cluster_endpoint: c.cluster_endpoint.clone(),
        domain,
        index_name: c.index_name.clone(),
        type_name: c.type_name.clone(),
        rotation: c.index_rotation_period.unwrap_or_default(),
        buffering_hints: OPENSEARCH_HINTS.resolve(c.buffering_hints, P)?,
        retry_secs: resolve_retry(c.retry_options, OPENSEARCH_DEFAULT_RETRY_SECS, P)?,
        backup_mode: c.s3_backup_mode.unwrap_or_default(),
        processing_configuration: c.processing_configuration.clone(),
    })
}

pub fn resolve_http(c: &HttpEndpointDestinationConfiguration) -> FirehoseResult<HttpTarget> {
    const P: &str = "httpEndpointDestinationConfiguration";
    let url = &c.endpoint_configuration.url;
    if !url.starts_with("https://") || url.len() > 1000 {
        return Err(FirehoseError::validation(
            &format!("{P}.endpointConfiguration.url"),
            "Member must satisfy regular expression pattern: https://.*",
        ));
    }
    let request = c.request_configuration.clone().unwrap_or_default();
    Ok(HttpTarget {
        url: url.clone(),
        name: c.endpoint_configuration.name.clone(),
        role_arn: c.role_arn.clone(),
        content_encoding: request.content_encoding.unwrap_or_default(),
        common_attributes: request.common_attributes,
        buffering_hints: HTTP_HINTS.resolve(c.buffering_hints, P)?,
        retry_secs: resolve_retry(c.retry_options, HTTP_DEFAULT_RETRY_SECS, P)?,
        backup_mode: c.s3_backup_mode.unwrap_or_default(),
        processing_configuration: c.processing_configuration.clone(),
    })
}

pub fn resolve_splunk(c: &SplunkDestinationConfiguration) -> FirehoseResult<SplunkTarget> {
    const P: &str = "splunkDestinationConfiguration";
    if c.hec_endpoint.is_empty() {
        // Not AWS-verified text.
        return Err(FirehoseError::invalid_argument("HECEndpoint must be the URL of a Splunk HTTP Event Collector."));
    }
    let ack = c.hec_acknowledgment_timeout_in_seconds.unwrap_or(HEC_ACK_TIMEOUT_MIN_SECS);
    if !(HEC_ACK_TIMEOUT_MIN_SECS..=HEC_ACK_TIMEOUT_MAX_SECS).contains(&ack) {
        let constraint = if ack < HEC_ACK_TIMEOUT_MIN_SECS {
            "Member must have value greater than or equal to 180"
        } else {
            "Member must have value less than or equal to 600"
        };
        return Err(FirehoseError::validation(&format!("{P}.hECAcknowledgmentTimeoutInSeconds"), constraint));
    }
    Ok(SplunkTarget {
        hec_endpoint: c.hec_endpoint.clone(),
        endpoint_type: c.hec_endpoint_type,
        ack_timeout_secs: ack,
        buffering_hints: SPLUNK_HINTS.resolve(c.buffering_hints, P)?,
        retry_secs: resolve_retry(c.retry_options, SPLUNK_DEFAULT_RETRY_SECS, P)?,
        backup_mode: c.s3_backup_mode.unwrap_or_default(),
        processing_configuration: c.processing_configuration.clone(),
    })
}

/// The request member that configures a destination kind, and the one that updates it (model).
pub fn members(target: &Target) -> Option<(&'static str, &'static str)> {
    match target {
        Target::S3 => None,
        Target::Redshift(_) => Some(("RedshiftDestinationConfiguration", "RedshiftDestinationUpdate")),
        Target::OpenSearch(_) => {
            Some(("AmazonopensearchserviceDestinationConfiguration", "AmazonopensearchserviceDestinationUpdate"))
        }
        Target::Http(_) => Some(("HttpEndpointDestinationConfiguration", "HttpEndpointDestinationUpdate")),
        Target::Splunk(_) => Some(("SplunkDestinationConfiguration", "SplunkDestinationUpdate")),
    }
}

/// A stored destination back in its request form, with `s3` as its S3Configuration (UpdateDestination
/// merges the update's members into this). Secrets (Redshift password, HEC token, access key) are not
/// stored, so an update that does not repeat them leaves them unset.
pub fn as_request(target: &Target, s3: S3DestinationConfiguration, processing: Option<ProcessingConfiguration>) -> Option<serde_json::Value> {
    let value = match target {
        Target::S3 => return None,
        Target::Redshift(r) => serde_json::to_value(RedshiftDestinationConfiguration {
            role_arn: r.role_arn.clone(),
            cluster_jdbc_url: r.cluster_jdbc_url.clone(),
            copy_command: r.copy_command.clone(),
            username: r.username.clone(),
            password: None,
            retry_options: Some(RetryOptions { duration_in_seconds: Some(r.retry_secs) }),
            s3_configuration: s3,
            processing_configuration: processing,
        }),
        Target::OpenSearch(o) => serde_json::to_value(OpenSearchDestinationConfiguration {
            role_arn: o.role_arn.clone(),
            domain_arn: o.domain_arn.clone(),
            cluster_endpoint: o.cluster_endpoint.clone(),
            index_name: o.index_name.clone(),
            type_name: o.type_name.clone(),
            index_rotation_period: Some(o.rotation),
            buffering_hints: Some(hints(o.buffering_hints)),
            retry_options: Some(RetryOptions { duration_in_seconds: Some(o.retry_secs) }),
            s3_backup_mode: Some(o.backup_mode),
            s3_configuration: s3,
            processing_configuration: o.processing_configuration.clone(),
        }),
        Target::Http(h) => serde_json::to_value(HttpEndpointDestinationConfiguration {
            endpoint_configuration: HttpEndpointConfiguration { url: h.url.clone(), name: h.name.clone(), access_key: None },
            buffering_hints: Some(hints(h.buffering_hints)),
            request_configuration: Some(HttpEndpointRequestConfiguration {
                content_encoding: Some(h.content_encoding),
                common_attributes: h.common_attributes.clone(),
            }),
            processing_configuration: h.processing_configuration.clone(),
            role_arn: h.role_arn.clone(),
            retry_options: Some(RetryOptions { duration_in_seconds: Some(h.retry_secs) }),
            s3_backup_mode: Some(h.backup_mode),
            s3_configuration: s3,
        }),
        Target::Splunk(sp) => serde_json::to_value(SplunkDestinationConfiguration {
            hec_endpoint: sp.hec_endpoint.clone(),
            hec_endpoint_type: sp.endpoint_type,
            hec_token: None,
            hec_acknowledgment_timeout_in_seconds: Some(sp.ack_timeout_secs),
            retry_options: Some(RetryOptions { duration_in_seconds: Some(sp.retry_secs) }),
            s3_backup_mode: Some(sp.backup_mode),
            s3_configuration: s3,
            processing_configuration: sp.processing_configuration.clone(),
            buffering_hints: Some(hints(sp.buffering_hints)),
        }),
    };
    value.ok().map(strip_nulls)
}

fn hints(h: ResolvedBufferingHints) -> BufferingHints {
    BufferingHints { size_in_mbs: Some(h.size_in_mbs), interval_in_seconds: Some(h.interval_in_seconds) }
}

fn strip_nulls(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => {
            serde_json::Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect())
        }
        other => other,
    }
}

/// Merges an update into a configuration: members given replace (objects merge member by member), the
/// update's `S3Update` goes into `S3Configuration` (model: "Firehose merges the configuration
/// parameters specified").
pub fn merge_update(configuration: &mut serde_json::Value, update: &serde_json::Value) {
    let (serde_json::Value::Object(config), serde_json::Value::Object(update)) = (configuration, update) else { return };
    for (key, value) in update {
        let key = if key == "S3Update" { "S3Configuration" } else { key.as_str() };
        match (config.get_mut(key), value) {
            (Some(existing @ serde_json::Value::Object(_)), serde_json::Value::Object(_)) => merge_update(existing, value),
            _ => {
                config.insert(key.to_string(), value.clone());
            }
        }
    }
}

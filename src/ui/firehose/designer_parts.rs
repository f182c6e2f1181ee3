//! The designer's optional sections: the destination (S3, Redshift, OpenSearch, HTTP endpoint, Splunk)
//! with its main fields, record transformation through a function (a Lambda processor), dynamic
//! partitioning (jq MetadataExtraction, RecordDeAggregation) and format conversion to Parquet against a
//! Glue table the learner defines here. Each part owns its signals and builds its piece of the
//! CreateDeliveryStream request; a blank optional field is left out so AWS's default applies.

use leptos::prelude::*;
use serde_json::{json, Map, Value};

use super::designer::whole_number;
use crate::api::observe_firehose;
use crate::engine::firehose::convert::CONVERSION_BUFFER_MIN_MIB;
use crate::engine::firehose::partition::MAX_ACTIVE_PARTITIONS;
use crate::engine::firehose::transform::{
    DEFAULT_NUMBER_OF_RETRIES, LAMBDA_BUFFER_INTERVAL_DEFAULT_SECS, LAMBDA_BUFFER_INTERVAL_MAX_SECS, LAMBDA_BUFFER_INTERVAL_MIN_SECS,
    LAMBDA_BUFFER_SIZE_DEFAULT_MB, LAMBDA_BUFFER_SIZE_MAX_MB, LAMBDA_BUFFER_SIZE_MIN_MB,
};
use crate::ui::lab::{use_lab, ApiFailure};

fn param(name: &str, value: impl Into<String>) -> Value {
    json!({ "ParameterName": name, "ParameterValue": value.into() })
}

fn text_field(id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" autocomplete="off" spellcheck="false" prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

fn select_field(id: &'static str, label: &'static str, value: RwSignal<String>, options: &'static [&'static str]) -> impl IntoView {
    view! {
        <div class="field narrow wide-narrow">
            <label for=id>{label}</label>
            <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                {options.iter().map(|o| view! { <option value=*o>{*o}</option> }).collect_view()}
            </select>
        </div>
    }
}

// ---- destination ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DestKind {
    S3,
    Redshift,
    OpenSearch,
    Http,
    Splunk,
}

impl DestKind {
    pub const ALL: [DestKind; 5] = [DestKind::S3, DestKind::Redshift, DestKind::OpenSearch, DestKind::Http, DestKind::Splunk];
    pub fn value(self) -> &'static str {
        match self {
            DestKind::S3 => "s3",
            DestKind::Redshift => "redshift",
            DestKind::OpenSearch => "opensearch",
            DestKind::Http => "http",
            DestKind::Splunk => "splunk",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            DestKind::S3 => "Amazon S3",
            DestKind::Redshift => "Amazon Redshift (through S3 and COPY)",
            DestKind::OpenSearch => "Amazon OpenSearch Service",
            DestKind::Http => "HTTP endpoint",
            DestKind::Splunk => "Splunk",
        }
    }
    /// The request member that configures it.
    pub fn member(self) -> &'static str {
        match self {
            DestKind::S3 => "ExtendedS3DestinationConfiguration",
            DestKind::Redshift => "RedshiftDestinationConfiguration",
            DestKind::OpenSearch => "AmazonopensearchserviceDestinationConfiguration",
            DestKind::Http => "HttpEndpointDestinationConfiguration",
            DestKind::Splunk => "SplunkDestinationConfiguration",
        }
    }
    /// Buffering hint ranges (size MiB, interval s) and defaults, from models/firehose.json.
    pub fn buffering(self) -> ((u32, u32, u32), (u32, u32, u32)) {
        match self {
            DestKind::S3 | DestKind::Redshift => ((1, 128, 5), (0, 900, 300)),
            DestKind::OpenSearch => ((1, 100, 5), (0, 900, 300)),
            DestKind::Http => ((1, 64, 5), (0, 900, 300)),
            DestKind::Splunk => ((1, 5, 5), (0, 60, 60)),
        }
    }
    fn from_value(v: &str) -> DestKind {
        DestKind::ALL.into_iter().find(|k| k.value() == v).unwrap_or(DestKind::S3)
    }
}

/// The destination's own fields.
#[derive(Clone, Copy)]
pub struct Destination {
    pub kind: RwSignal<DestKind>,
    jdbc_url: RwSignal<String>,
    table: RwSignal<String>,
    columns: RwSignal<String>,
    copy_options: RwSignal<String>,
    username: RwSignal<String>,
    password: RwSignal<String>,
    domain_arn: RwSignal<String>,
    index: RwSignal<String>,
    rotation: RwSignal<String>,
    os_backup: RwSignal<String>,
    url: RwSignal<String>,
    endpoint_name: RwSignal<String>,
    encoding: RwSignal<String>,
    http_backup: RwSignal<String>,
    hec: RwSignal<String>,
    hec_type: RwSignal<String>,
    hec_token: RwSignal<String>,
    splunk_backup: RwSignal<String>,
    retry_secs: RwSignal<String>,
}

impl Destination {
    pub fn new(account: &str) -> Self {
        Destination {
            kind: RwSignal::new(DestKind::S3),
            jdbc_url: RwSignal::new("jdbc:redshift://lab.abc123xyz.us-east-1.redshift.amazonaws.com:5439/dev".into()),
            table: RwSignal::new("events".into()),
            columns: RwSignal::new("seq,ticker,price".into()),
            copy_options: RwSignal::new("json 'auto'".into()),
            username: RwSignal::new("firehose".into()),
            password: RwSignal::new("Lab-password-1".into()),
            domain_arn: RwSignal::new(format!("arn:aws:es:us-east-1:{account}:domain/lab")),
            index: RwSignal::new("orders".into()),
            rotation: RwSignal::new("OneDay".into()),
            os_backup: RwSignal::new("FailedDocumentsOnly".into()),
            url: RwSignal::new("https://collector.example.com/ingest".into()),
            endpoint_name: RwSignal::new("collector".into()),
            encoding: RwSignal::new("NONE".into()),
            http_backup: RwSignal::new("FailedDataOnly".into()),
            hec: RwSignal::new("https://splunk.example.com:8088".into()),
            hec_type: RwSignal::new("Event".into()),
            hec_token: RwSignal::new("00000000-0000-0000-0000-000000000000".into()),
            splunk_backup: RwSignal::new("FailedEventsOnly".into()),
            retry_secs: RwSignal::new(String::new()),
        }
    }

    /// The destination configuration, given the S3 part (ExtendedS3 itself, or S3Configuration), the
    /// buffering hints and the processing configuration.
    pub fn config(&self, s3: Map<String, Value>, hints: Value, processing: Option<Value>) -> Result<(String, Value), ApiFailure> {
        let kind = self.kind.get();
        let mut d = Map::new();
        let role = s3.get("RoleARN").cloned().unwrap_or(Value::Null);
        let retry = match self.retry_secs.get().trim() {
            "" => None,
            t => Some(json!({ "DurationInSeconds": whole_number(t, "Retry duration")? })),
        };
        match kind {
            DestKind::S3 => {
                let mut s3 = s3;
                s3.insert("BufferingHints".into(), hints);
                if let Some(p) = processing {
                    s3.insert("ProcessingConfiguration".into(), p);
                }
                return Ok((kind.member().into(), Value::Object(s3)));
            }
            DestKind::Redshift => {
                let mut s3 = s3;
                s3.insert("BufferingHints".into(), hints);
                d.insert("ClusterJDBCURL".into(), json!(self.jdbc_url.get()));
                let mut copy = json!({ "DataTableName": self.table.get() });
                if !self.columns.get().trim().is_empty() {
                    copy["DataTableColumns"] = json!(self.columns.get());
                }
                if !self.copy_options.get().trim().is_empty() {
                    copy["CopyOptions"] = json!(self.copy_options.get());
                }
                d.insert("CopyCommand".into(), copy);
                d.insert("Username".into(), json!(self.username.get()));
                d.insert("Password".into(), json!(self.password.get()));
                d.insert("S3Configuration".into(), Value::Object(s3));
            }
            DestKind::OpenSearch => {
                d.insert("DomainARN".into(), json!(self.domain_arn.get()));
                d.insert("IndexName".into(), json!(self.index.get()));
                d.insert("IndexRotationPeriod".into(), json!(self.rotation.get()));
                d.insert("S3BackupMode".into(), json!(self.os_backup.get()));
                d.insert("BufferingHints".into(), hints);
                d.insert("S3Configuration".into(), Value::Object(s3));
            }
            DestKind::Http => {
                d.insert("EndpointConfiguration".into(), json!({ "Url": self.url.get(), "Name": self.endpoint_name.get() }));
                d.insert("RequestConfiguration".into(), json!({ "ContentEncoding": self.encoding.get() }));
                d.insert("S3BackupMode".into(), json!(self.http_backup.get()));
                d.insert("BufferingHints".into(), hints);
                d.insert("S3Configuration".into(), Value::Object(s3));
            }
            DestKind::Splunk => {
                d.insert("HECEndpoint".into(), json!(self.hec.get()));
                d.insert("HECEndpointType".into(), json!(self.hec_type.get()));
                d.insert("HECToken".into(), json!(self.hec_token.get()));
                d.insert("S3BackupMode".into(), json!(self.splunk_backup.get()));
                d.insert("BufferingHints".into(), hints);
                d.insert("S3Configuration".into(), Value::Object(s3));
            }
        }
        if kind != DestKind::S3 {
            d.insert("RoleARN".into(), role);
        }
        if let Some(r) = retry {
            d.insert("RetryOptions".into(), r);
        }
        if let Some(p) = processing {
            d.insert("ProcessingConfiguration".into(), p);
        }
        Ok((kind.member().into(), Value::Object(d)))
    }
}

#[component]
pub fn DestinationFields(dest: Destination, size: RwSignal<String>, interval: RwSignal<String>) -> impl IntoView {
    let on_change = move |ev: leptos::ev::Event| {
        let k = DestKind::from_value(&event_target_value(&ev));
        dest.kind.set(k);
        // Each destination has its own buffering defaults and ranges (the model's shapes).
        let ((_, _, size_default), (_, _, interval_default)) = k.buffering();
        size.set(size_default.to_string());
        interval.set(interval_default.to_string());
    };
    view! {
        <div class="field">
            <label for="fh-destination">"Destination"</label>
            <select id="fh-destination" on:change=on_change prop:value=move || dest.kind.get().value().to_string()>
                {DestKind::ALL.iter().map(|k| view! { <option value=k.value()>{k.label()}</option> }).collect_view()}
            </select>
        </div>
        {move || {
            let k = dest.kind.get();
            let ((smin, smax, sdef), (imin, imax, idef)) = k.buffering();
            let ranges = format!("Buffering for {}: size {smin}–{smax} MiB (default {sdef}), interval {imin}–{imax} s (default {idef}).", k.label());
            let retry = (k != DestKind::S3).then(|| view! {
                <div class="field narrow wide-narrow">
                    <label for="fh-retry">"Retry duration, s (0–7200)"</label>
                    <input id="fh-retry" type="number" inputmode="numeric" min="0" max="7200"
                        placeholder=if k == DestKind::Redshift || k == DestKind::Splunk { "default 3600" } else { "default 300" }
                        prop:value=dest.retry_secs on:input=move |ev| dest.retry_secs.set(event_target_value(&ev)) />
                </div>
            });
            let fields = match k {
                DestKind::S3 => ().into_any(),
                DestKind::Redshift => view! {
                    {text_field("fh-rs-url", "Cluster JDBC URL", dest.jdbc_url)}
                    <div class="row">
                        {text_field("fh-rs-table", "Table", dest.table)}
                        {text_field("fh-rs-columns", "Columns (comma-separated)", dest.columns)}
                    </div>
                    <div class="row">
                        {text_field("fh-rs-options", "COPY options", dest.copy_options)}
                        {text_field("fh-rs-user", "Username", dest.username)}
                        <div class="field"><label for="fh-rs-password">"Password"</label>
                            <input id="fh-rs-password" type="password" autocomplete="off" prop:value=dest.password on:input=move |ev| dest.password.set(event_target_value(&ev)) /></div>
                    </div>
                    <p class="help">"Firehose writes each buffer to the S3 bucket below, then runs COPY from that object into the table."</p>
                }.into_any(),
                DestKind::OpenSearch => view! {
                    {text_field("fh-os-domain", "Domain ARN", dest.domain_arn)}
                    <div class="row">
                        {text_field("fh-os-index", "Index name", dest.index)}
                        {select_field("fh-os-rotation", "Index rotation (default OneDay)", dest.rotation, &["NoRotation", "OneHour", "OneDay", "OneWeek", "OneMonth"])}
                        {select_field("fh-os-backup", "S3 backup", dest.os_backup, &["FailedDocumentsOnly", "AllDocuments"])}
                    </div>
                }.into_any(),
                DestKind::Http => view! {
                    <div class="row">
                        {text_field("fh-http-url", "Endpoint URL (https)", dest.url)}
                        {text_field("fh-http-name", "Endpoint name", dest.endpoint_name)}
                    </div>
                    <div class="row">
                        {select_field("fh-http-encoding", "Content encoding", dest.encoding, &["NONE", "GZIP"])}
                        {select_field("fh-http-backup", "S3 backup", dest.http_backup, &["FailedDataOnly", "AllData"])}
                    </div>
                }.into_any(),
                DestKind::Splunk => view! {
                    {text_field("fh-splunk-hec", "HEC endpoint", dest.hec)}
                    <div class="row">
                        {select_field("fh-splunk-type", "HEC endpoint type", dest.hec_type, &["Raw", "Event"])}
                        {text_field("fh-splunk-token", "HEC token", dest.hec_token)}
                        {select_field("fh-splunk-backup", "S3 backup", dest.splunk_backup, &["FailedEventsOnly", "AllEvents"])}
                    </div>
                }.into_any(),
            };
            view! { {fields}<div class="row">{retry}</div><p class="help" data-testid="fh-dest-ranges">{ranges}</p> }
        }}
    }
}

// ---- transformation ----

#[derive(Clone, Copy)]
pub struct Transform {
    pub arn: RwSignal<String>,
    size_mb: RwSignal<String>,
    interval: RwSignal<String>,
    retries: RwSignal<String>,
}

impl Transform {
    pub fn new() -> Self {
        Transform {
            arn: RwSignal::new(String::new()),
            size_mb: RwSignal::new(String::new()),
            interval: RwSignal::new(String::new()),
            retries: RwSignal::new(String::new()),
        }
    }

    /// The Lambda processor, when a function is chosen.
    pub fn processor(&self) -> Option<Value> {
        let arn = self.arn.get();
        if arn.is_empty() {
            return None;
        }
        let mut params = vec![param("LambdaArn", arn)];
        for (name, v) in [("BufferSizeInMBs", self.size_mb), ("BufferIntervalInSeconds", self.interval), ("NumberOfRetries", self.retries)] {
            let t = v.get().trim().to_string();
            if !t.is_empty() {
                params.push(param(name, t));
            }
        }
        Some(json!({ "Type": "Lambda", "Parameters": params }))
    }
}

#[component]
pub fn TransformFields(t: Transform) -> impl IntoView {
    let lab = use_lab();
    let functions = Memo::new(move |_| lab.read_sandbox(|sb| observe_firehose::functions(&sb.firehose.engine)).unwrap_or_default());
    view! {
        <div class="field">
            <div class="field">
                <label for="fh-transform">"Transform records with"</label>
                <select id="fh-transform" prop:value=move || t.arn.get() on:change=move |ev| t.arn.set(event_target_value(&ev))>
                    <option value="">"none"</option>
                    {move || functions.get().into_iter().map(|f| view! { <option value=f.arn.clone()>{format!("{} ({})", f.name, f.kind)}</option> }).collect_view()}
                </select>
            </div>
            {move || functions.get().is_empty().then(|| view! {
                <p class="help">"No function yet: create one under Transform functions below."</p>
            })}
            {move || (!t.arn.get().is_empty()).then(|| view! {
                <div class="row">
                    <div class="field hint-field">
                        <label for="fh-lambda-size">{format!("Lambda buffer, MB ({LAMBDA_BUFFER_SIZE_MIN_MB}–{LAMBDA_BUFFER_SIZE_MAX_MB})")}</label>
                        <input id="fh-lambda-size" type="number" step="0.1" min=LAMBDA_BUFFER_SIZE_MIN_MB max=LAMBDA_BUFFER_SIZE_MAX_MB
                            placeholder=format!("default {LAMBDA_BUFFER_SIZE_DEFAULT_MB}") prop:value=t.size_mb on:input=move |ev| t.size_mb.set(event_target_value(&ev)) />
                    </div>
                    <div class="field hint-field">
                        <label for="fh-lambda-interval">{format!("Lambda interval, s ({LAMBDA_BUFFER_INTERVAL_MIN_SECS}–{LAMBDA_BUFFER_INTERVAL_MAX_SECS})")}</label>
                        <input id="fh-lambda-interval" type="number" min=LAMBDA_BUFFER_INTERVAL_MIN_SECS max=LAMBDA_BUFFER_INTERVAL_MAX_SECS
                            placeholder=format!("default {LAMBDA_BUFFER_INTERVAL_DEFAULT_SECS}") prop:value=t.interval on:input=move |ev| t.interval.set(event_target_value(&ev)) />
                    </div>
                    <div class="field hint-field">
                        <label for="fh-lambda-retries">"Retries (0–300)"</label>
                        <input id="fh-lambda-retries" type="number" min="0" max="300"
                            placeholder=format!("default {DEFAULT_NUMBER_OF_RETRIES}") prop:value=t.retries on:input=move |ev| t.retries.set(event_target_value(&ev)) />
                    </div>
                </div>
                <p class="help">"Firehose collects records into a batch for the function until the Lambda buffer size or interval is reached, "
                    "then invokes it; a failed invocation is retried, then its records go to processing-failed/."</p>
            })}
        </div>
    }
}

// ---- dynamic partitioning ----

#[derive(Clone, Copy)]
pub struct Partitioning {
    pub enabled: RwSignal<bool>,
    query: RwSignal<String>,
    deaggregation: RwSignal<String>,
    delimiter: RwSignal<String>,
}

impl Partitioning {
    pub fn new() -> Self {
        Partitioning {
            enabled: RwSignal::new(false),
            query: RwSignal::new("{ticker: .ticker}".into()),
            deaggregation: RwSignal::new("none".into()),
            delimiter: RwSignal::new("\\n".into()),
        }
    }

    /// The processors it adds, in the order the console writes them (deaggregation first).
    pub fn processors(&self) -> Vec<Value> {
        if !self.enabled.get() {
            return Vec::new();
        }
        let mut out = Vec::new();
        match self.deaggregation.get().as_str() {
            "JSON" => out.push(json!({ "Type": "RecordDeAggregation", "Parameters": [param("SubRecordType", "JSON")] })),
            "DELIMITED" => {
                use base64::Engine as _;
                let d = self.delimiter.get().replace("\\n", "\n").replace("\\t", "\t");
                out.push(json!({ "Type": "RecordDeAggregation", "Parameters": [param("SubRecordType", "DELIMITED"),
                    param("Delimiter", base64::engine::general_purpose::STANDARD.encode(d.as_bytes()))] }));
            }
            _ => {}
        }
        if !self.query.get().trim().is_empty() {
            out.push(json!({ "Type": "MetadataExtraction", "Parameters": [param("MetadataExtractionQuery", self.query.get()), param("JsonParsingEngine", "JQ-1.6")] }));
        }
        out
    }
}

#[component]
pub fn PartitioningFields(p: Partitioning, prefix: RwSignal<String>, error_prefix: RwSignal<String>) -> impl IntoView {
    let enable = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        p.enabled.set(on);
        // A useful starting point: the keys in the prefix, and the ErrorOutputPrefix AWS requires.
        if on && prefix.get_untracked().is_empty() {
            prefix.set("ticker=!{partitionKeyFromQuery:ticker}/".into());
        }
        if on && error_prefix.get_untracked().is_empty() {
            error_prefix.set("errors/!{firehose:error-output-type}/".into());
        }
    };
    view! {
        <fieldset class="field">
            <legend>"Dynamic partitioning"</legend>
            <label class="inline"><input type="checkbox" id="fh-partitioning" prop:checked=p.enabled on:change=enable />
                " Enable dynamic partitioning (cannot be turned off after creation)"</label>
            {move || p.enabled.get().then(|| view! {
                <div class="field">
                    <label for="fh-jq">"Metadata extraction query (jq 1.6): an object of partition keys"</label>
                    <input id="fh-jq" type="text" class="mono" autocomplete="off" spellcheck="false" prop:value=p.query
                        on:input=move |ev| p.query.set(event_target_value(&ev)) />
                </div>
                <div class="row">
                    {select_field("fh-deagg", "Record deaggregation", p.deaggregation, &["none", "JSON", "DELIMITED"])}
                    {move || (p.deaggregation.get() == "DELIMITED").then(|| view! {
                        <div class="field narrow"><label for="fh-deagg-delimiter">"Delimiter (\\n for newline)"</label>
                            <input id="fh-deagg-delimiter" type="text" class="mono" prop:value=p.delimiter on:input=move |ev| p.delimiter.set(event_target_value(&ev)) /></div>
                    })}
                </div>
                <p class="help">"Use the keys in the prefix as !{partitionKeyFromQuery:key} (or !{partitionKeyFromLambda:key} from a transform). "
                    "Each distinct combination is a partition with its own buffer; at most " {MAX_ACTIVE_PARTITIONS}
                    " may be active at once, and records beyond that go to the error output. An ErrorOutputPrefix is required."</p>
            })}
        </fieldset>
    }
}

// ---- format conversion ----

/// Column types offered by the Glue table editor (any Glue type can be typed into the engine's API).
const GLUE_TYPES: [&str; 9] = ["string", "int", "bigint", "double", "float", "boolean", "timestamp", "date", "decimal(10,2)"];

#[derive(Clone, Copy)]
pub struct Conversion {
    pub enabled: RwSignal<bool>,
    database: RwSignal<String>,
    table: RwSignal<String>,
    columns: RwSignal<Vec<(u32, RwSignal<String>, RwSignal<String>)>>,
    next_id: RwSignal<u32>,
    deserializer: RwSignal<String>,
    compression: RwSignal<String>,
}

impl Conversion {
    pub fn new() -> Self {
        let cols = [("seq", "bigint"), ("ticker", "string"), ("price", "double")]
            .iter()
            .enumerate()
            .map(|(i, (n, t))| (i as u32, RwSignal::new(n.to_string()), RwSignal::new(t.to_string())))
            .collect();
        Conversion {
            enabled: RwSignal::new(false),
            database: RwSignal::new("lab".into()),
            table: RwSignal::new("trades".into()),
            columns: RwSignal::new(cols),
            next_id: RwSignal::new(3),
            deserializer: RwSignal::new("OpenXJsonSerDe".into()),
            compression: RwSignal::new("SNAPPY".into()),
        }
    }

    pub fn glue_columns(&self) -> Vec<(String, String)> {
        self.columns.get_untracked().iter().map(|(_, n, t)| (n.get_untracked().trim().to_string(), t.get_untracked().trim().to_string())).collect()
    }

    pub fn database_table(&self) -> (String, String) {
        (self.database.get_untracked(), self.table.get_untracked())
    }

    pub fn config(&self, role: &str) -> Option<Value> {
        self.enabled.get().then(|| {
            json!({
                "Enabled": true,
                "SchemaConfiguration": { "DatabaseName": self.database.get(), "TableName": self.table.get(), "RoleARN": role },
                "InputFormatConfiguration": { "Deserializer": { self.deserializer.get(): {} } },
                "OutputFormatConfiguration": { "Serializer": { "ParquetSerDe": { "Compression": self.compression.get() } } },
            })
        })
    }
}

#[component]
pub fn ConversionFields(c: Conversion, size: RwSignal<String>) -> impl IntoView {
    let enable = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        c.enabled.set(on);
        if on && size.get_untracked().trim().parse::<u32>().map_or(true, |s| s < CONVERSION_BUFFER_MIN_MIB) {
            size.set("128".into());
        }
    };
    view! {
        <fieldset class="field">
            <legend>"Record format conversion"</legend>
            <label class="inline"><input type="checkbox" id="fh-convert" prop:checked=c.enabled on:change=enable />
                " Convert JSON records to Apache Parquet"</label>
            {move || c.enabled.get().then(|| view! {
                <p class="help" data-testid="fh-convert-why">{format!(
                    "Parquet files are compressed inside (by the Parquet compression below), so Firehose requires the object compression to be UNCOMPRESSED, \
                     and it needs a buffer of at least {CONVERSION_BUFFER_MIN_MIB} MiB (128 by default) to write files large enough for columnar reads. \
                     The page has set both. Objects land without a file extension; records that do not fit the table go to format-conversion-failed/.")}</p>
                <div class="row">
                    {text_field("fh-glue-db", "Glue database", c.database)}
                    {text_field("fh-glue-table", "Glue table", c.table)}
                    {select_field("fh-deserializer", "Input (JSON SerDe)", c.deserializer, &["OpenXJsonSerDe", "HiveJsonSerDe"])}
                    {select_field("fh-parquet-compression", "Parquet compression", c.compression, &["SNAPPY", "GZIP", "UNCOMPRESSED"])}
                </div>
                <div class="scroll-x">
                    <table class="glue-columns" data-testid="glue-columns">
                        <caption>"The Glue table's columns, in Parquet order (created in the simulated Glue catalog when you create the delivery stream)"</caption>
                        <thead><tr><th scope="col">"Column"</th><th scope="col">"Type"</th><th scope="col">"Remove"</th></tr></thead>
                        <tbody>
                            <For each=move || c.columns.get() key=|(id, _, _)| *id let:col>
                                {
                                    let (id, name, ty) = col;
                                    view! {
                                        <tr>
                                            <td><input type="text" class="mono" aria-label="Column name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) /></td>
                                            <td><input type="text" class="mono" aria-label="Column type" list="glue-types" prop:value=ty on:input=move |ev| ty.set(event_target_value(&ev)) /></td>
                                            <td><button type="button" class="quiet" aria-label=move || format!("Remove column {}", name.get())
                                                on:click=move |_| c.columns.update(|v| v.retain(|(i, _, _)| *i != id))>"✕"</button></td>
                                        </tr>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                </div>
                <datalist id="glue-types">{GLUE_TYPES.iter().map(|t| view! { <option value=*t></option> }).collect_view()}</datalist>
                <button type="button" id="fh-glue-add" on:click=move |_| {
                    let id = c.next_id.get_untracked();
                    c.next_id.set(id + 1);
                    c.columns.update(|v| v.push((id, RwSignal::new(String::new()), RwSignal::new("string".into()))));
                }>"Add column"</button>
            })}
        </fieldset>
    }
}

//! The delivery-stream designer: CreateDeliveryStream with a Direct PUT or Kinesis-stream source and an
//! Extended S3 destination. The object key a prefix gives is previewed live with the engine's own prefix
//! rules, and a prefix AWS would refuse shows AWS's error before anything is sent.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::{json, Map, Value};

use super::designer_parts::{
    Conversion, ConversionFields, DestKind, Destination, DestinationFields, Partitioning, PartitioningFields, Transform, TransformFields,
};
use super::{focus_later, stream_infos, use_firehose_ui};
use crate::api::firehose::FirehoseService;
use crate::api::kinesis::ApiReply;
use crate::api::observe;
use crate::engine::firehose::compress::CompressionFormat;
use crate::engine::firehose::limits::{
    S3_DEFAULT_BUFFER_INTERVAL_SECS, S3_DEFAULT_BUFFER_SIZE_MIB, S3_MAX_BUFFER_INTERVAL_SECS, S3_MAX_BUFFER_SIZE_MIB,
    S3_MIN_BUFFER_INTERVAL_SECS, S3_MIN_BUFFER_SIZE_MIB,
};
use crate::ui::lab::{use_lab, ApiErrorBox, ApiFailure, Lab, CREATE_SETTLE_MS};
use crate::viz::firehose::{preview_keys, PREVIEW_ERROR_TYPE};

/// The role every destination and source here uses (IAM is not simulated; the ARN must still be
/// well-formed, as AWS checks its pattern).
pub fn role_arn(lab: Lab) -> String {
    let account = lab.peek_sandbox(|sb| sb.firehose.engine.config.account_id.clone()).unwrap_or_default();
    format!("arn:aws:iam::{account}:role/firehose-delivery-role")
}

/// A number field's text as an integer, or the page's own error naming the field.
pub fn whole_number(text: &str, field: &str) -> Result<i64, ApiFailure> {
    text.trim().parse::<i64>().map_err(|_| ApiFailure::local(format!("{field} must be a whole number, not \"{text}\".")))
}

/// The processing configuration that turns AppendDelimiterToRecord on (a newline after every record).
pub fn delimiter_processing() -> Value {
    json!({ "Enabled": true, "Processors": [{ "Type": "AppendDelimiterToRecord" }] })
}

/// The live preview of what a prefix pair gives, or the InvalidArgumentException AWS would answer.
#[component]
pub fn PrefixPreview(
    #[prop(into)] prefix: Signal<String>,
    #[prop(into)] error_prefix: Signal<String>,
    #[prop(into)] stream: Signal<String>,
    #[prop(into)] version: Signal<u64>,
    #[prop(into)] compression: Signal<CompressionFormat>,
    id: &'static str,
) -> impl IntoView {
    let lab = use_lab();
    move || {
        let at = lab.now_ms.get();
        let name = stream.get();
        let name = if name.is_empty() { "stream".to_string() } else { name };
        match preview_keys(&prefix.get(), &error_prefix.get(), &name, version.get(), at, compression.get()) {
            Ok(p) => view! {
                <dl class="explain key-preview" id=id data-testid=format!("{id}-ok")>
                    <div><dt>"Object key, for a buffer whose first record arrives now"</dt>
                        <dd class="mono" data-testid=format!("{id}-key")>{p.object_key}</dd></div>
                    <div><dt>{format!("Error output ({PREVIEW_ERROR_TYPE})")}</dt>
                        <dd class="mono">{p.error_prefix.unwrap_or_else(|| "no ErrorOutputPrefix: Firehose uses its default error folders".into())}</dd></div>
                </dl>
                <p class="help">"Timestamps are UTC from the oldest buffered record's arrival; the random string and the UUID differ for every object."</p>
            }.into_any(),
            Err(e) => view! {
                <div class="api-error" id=id aria-live="polite" data-testid=format!("{id}-error")>
                    <span class="api-error-type">{e.kind.wire_name()}</span>": "
                    <span class="api-error-message">{e.message}</span>
                </div>
            }.into_any(),
        }
    }
}

/// Buffering size and interval fields with their ranges, and what "whichever comes first" means.
#[component]
pub fn BufferingFields(size: RwSignal<String>, interval: RwSignal<String>, id_prefix: &'static str) -> impl IntoView {
    let size_id = format!("{id_prefix}-size");
    let interval_id = format!("{id_prefix}-interval");
    view! {
        <fieldset class="field">
            <legend>"Buffering hints"</legend>
            <div class="row">
                <div class="field hint-field">
                    <label for=size_id.clone()>{format!("Size, MiB ({S3_MIN_BUFFER_SIZE_MIB}–{S3_MAX_BUFFER_SIZE_MIB})")}</label>
                    <input id=size_id type="number" inputmode="numeric" min=S3_MIN_BUFFER_SIZE_MIB max=S3_MAX_BUFFER_SIZE_MIB step="1"
                        prop:value=size on:input=move |ev| size.set(event_target_value(&ev)) />
                </div>
                <div class="field hint-field">
                    <label for=interval_id.clone()>{format!("Interval, s ({S3_MIN_BUFFER_INTERVAL_SECS}–{S3_MAX_BUFFER_INTERVAL_SECS})")}</label>
                    <input id=interval_id type="number" inputmode="numeric" min=S3_MIN_BUFFER_INTERVAL_SECS max=S3_MAX_BUFFER_INTERVAL_SECS step="1"
                        prop:value=interval on:input=move |ev| interval.set(event_target_value(&ev)) />
                </div>
            </div>
            <p class="help">"Firehose writes an object when the buffer reaches the size "<strong>"or"</strong>" the oldest record "
                "has waited the interval, whichever comes first. Interval 0 is zero buffering: each batch is written "
                "almost at once (more, smaller objects). Defaults: "{S3_DEFAULT_BUFFER_SIZE_MIB}" MiB, "{S3_DEFAULT_BUFFER_INTERVAL_SECS}" s."</p>
        </fieldset>
    }
}

/// Compression choice with the extension each gives.
#[component]
pub fn CompressionField(format: RwSignal<CompressionFormat>, id: &'static str) -> impl IntoView {
    view! {
        <div class="field narrow wide-narrow">
            <label for=id>"Compression"</label>
            <select id=id prop:value=move || format.get().wire_name().to_string()
                on:change=move |ev| if let Some(f) = CompressionFormat::from_wire(&event_target_value(&ev)) { format.set(f) }>
                {CompressionFormat::ALL.iter().map(|f| {
                    let label = if f.extension().is_empty() { f.wire_name().to_string() } else { format!("{} → {}", f.wire_name(), f.extension()) };
                    view! { <option value=f.wire_name()>{label}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn Designer() -> impl IntoView {
    let lab = use_lab();
    let ui = use_firehose_ui();
    let source = ui.designer_source.get_untracked();
    let from_kinesis = RwSignal::new(source.is_some());
    let kinesis_stream = RwSignal::new(source.clone().unwrap_or_default());
    let name = RwSignal::new(source.map(|s| format!("{s}-to-s3")).unwrap_or_else(|| "learner-firehose".into()));
    let bucket = RwSignal::new("lab-bucket".to_string());
    let prefix = RwSignal::new(String::new());
    let error_prefix = RwSignal::new(String::new());
    let size = RwSignal::new(S3_DEFAULT_BUFFER_SIZE_MIB.to_string());
    let interval = RwSignal::new(S3_DEFAULT_BUFFER_INTERVAL_SECS.to_string());
    let compression = RwSignal::new(CompressionFormat::Uncompressed);
    let delimiter = RwSignal::new(true);
    let error = RwSignal::new(None::<ApiFailure>);
    let account = lab.peek_sandbox(|sb| sb.firehose.engine.config.account_id.clone()).unwrap_or_default();
    let dest = Destination::new(&account);
    let transform = Transform::new();
    let partitioning = Partitioning::new();
    let conversion = Conversion::new();
    // Conversion writes Parquet, compressed inside: the object itself must be UNCOMPRESSED.
    Effect::new(move |_| {
        if conversion.enabled.get() && compression.get_untracked() != CompressionFormat::Uncompressed {
            compression.set(CompressionFormat::Uncompressed);
        }
    });

    let data_streams = Memo::new(move |_| {
        lab.read_sandbox(|sb| observe::streams(&sb.service.engine).into_iter().map(|s| (s.name, s.arn)).collect::<Vec<_>>())
            .unwrap_or_default()
    });
    // The chosen data stream, or the first one when none is chosen yet.
    Effect::new(move |_| {
        let streams = data_streams.get();
        if from_kinesis.get() && !streams.iter().any(|(n, _)| *n == kinesis_stream.get_untracked()) {
            kinesis_stream.set(streams.first().map(|(n, _)| n.clone()).unwrap_or_default());
        }
    });

    let request = move || -> Result<Value, ApiFailure> {
        let kind = dest.kind.get();
        let mut s3 = Map::new();
        s3.insert("RoleARN".into(), json!(role_arn(lab)));
        s3.insert("BucketARN".into(), json!(format!("arn:aws:s3:::{}", bucket.get())));
        if !prefix.get().is_empty() {
            s3.insert("Prefix".into(), json!(prefix.get()));
        }
        if !error_prefix.get().is_empty() {
            s3.insert("ErrorOutputPrefix".into(), json!(error_prefix.get()));
        }
        s3.insert("CompressionFormat".into(), json!(compression.get().wire_name()));
        let hints = json!({
            "SizeInMBs": whole_number(&size.get(), "Buffer size")?,
            "IntervalInSeconds": whole_number(&interval.get(), "Buffer interval")?,
        });
        let s3_only = kind == DestKind::S3;
        let mut processors: Vec<Value> = Vec::new();
        if s3_only {
            processors.extend(partitioning.processors());
        }
        processors.extend(transform.processor());
        if delimiter.get() && matches!(kind, DestKind::S3 | DestKind::Redshift) {
            processors.push(json!({ "Type": "AppendDelimiterToRecord" }));
        }
        let processing = (!processors.is_empty()).then(|| json!({ "Enabled": true, "Processors": processors }));
        let (member, mut config) = dest.config(s3, hints, processing)?;
        if s3_only {
            if partitioning.enabled.get() {
                config["DynamicPartitioningConfiguration"] = json!({ "Enabled": true });
            }
            if let Some(c) = conversion.config(&role_arn(lab)) {
                config["DataFormatConversionConfiguration"] = c;
            }
        }
        let mut req = Map::new();
        req.insert("DeliveryStreamName".into(), json!(name.get()));
        if from_kinesis.get() {
            let stream = kinesis_stream.get();
            let arn = data_streams.get().into_iter().find(|(n, _)| *n == stream).map(|(_, a)| a).unwrap_or_default();
            req.insert("DeliveryStreamType".into(), json!("KinesisStreamAsSource"));
            req.insert("KinesisStreamSourceConfiguration".into(), json!({ "KinesisStreamARN": arn, "RoleARN": role_arn(lab) }));
        } else {
            req.insert("DeliveryStreamType".into(), json!("DirectPut"));
        }
        req.insert(member, config);
        Ok(Value::Object(req))
    };

    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let body = match untrack(request) {
            Ok(b) => b,
            Err(e) => return error.set(Some(e)),
        };
        let stream_name = name.get_untracked();
        // Format conversion reads its schema from the Glue catalog: define the table first.
        if dest.kind.get_untracked() == DestKind::S3 && conversion.enabled.get_untracked() {
            let (db, table) = conversion.database_table();
            let cols = conversion.glue_columns();
            let pairs: Vec<(&str, &str)> = cols.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
            if let Some(Err(e)) = lab.with_sandbox(|sb| sb.firehose.engine.put_glue_table(&db, &table, &pairs)) {
                return error.set(Some(ApiFailure { status: 400, error_type: e.kind.wire_name().to_string(), message: format!("Glue table: {}", e.message) }));
            }
        }
        if let Err(e) = lab.call_firehose("CreateDeliveryStream", body) {
            return error.set(Some(e));
        }
        // CreateDeliveryStream answers with the stream CREATING; move the clock so it can become ACTIVE,
        // and say so, since the learner did not press a clock button.
        lab.advance_by(CREATE_SETTLE_MS);
        let status = untrack(|| stream_infos(lab)).into_iter().find(|s| s.name == stream_name).map(|s| s.status).unwrap_or_default();
        ui.notice.set(Some(format!(
            "CreateDeliveryStream returned at once with {stream_name} in CREATING; the simulated clock was moved 1 s so it could become {status}."
        )));
        ui.designer_source.set(None);
        ui.selected.set(Some(stream_name));
        ui.designing.set(false);
        focus_later("fh-heading");
    };

    // The request checked as AWS would check it, on a scratch Firehose of the same account (so nothing is
    // created): partitioning, conversion and destination mistakes show while the learner types.
    let dry_run = Memo::new(move |_| {
        let body = request().ok()?;
        let config = lab.peek_sandbox(|sb| sb.firehose.engine.config.clone())?;
        let mut scratch = FirehoseService::new(config, lab.now_ms.get_untracked());
        if dest.kind.get() == DestKind::S3 && conversion.enabled.get() {
            let (db, table) = conversion.database_table();
            let cols = conversion.glue_columns();
            let pairs: Vec<(&str, &str)> = cols.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
            if let Err(e) = scratch.engine.put_glue_table(&db, &table, &pairs) {
                return Some((e.kind.wire_name().to_string(), format!("Glue table: {}", e.message)));
            }
        }
        match scratch.call_json("CreateDeliveryStream", &body) {
            ApiReply::Json { status, body } if status != 200 => Some((
                body.get("__type").and_then(Value::as_str).unwrap_or("Error").rsplit('#').next().unwrap_or("Error").to_string(),
                body.get("message").and_then(Value::as_str).unwrap_or_default().to_string(),
            )),
            _ => None,
        }
    });
    let has_streams = move || !stream_infos(lab).is_empty();
    let request_text = move || match request() {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_default(),
        Err(e) => e.message,
    };

    view! {
        <section class="panel designer" aria-labelledby="designer-heading">
            <h2 id="designer-heading" tabindex="-1">"Design a delivery stream"</h2>
            <p class="help">"Firehose buffers incoming records and writes them to S3 as objects. Choose where records "
                "come from, where they go and how long they wait; CreateDeliveryStream is sent exactly as boto3 would send it."</p>
            <form novalidate on:submit=create>
                <div class="field">
                    <label for="fh-name">"Delivery stream name"</label>
                    <input id="fh-name" type="text" autocomplete="off" spellcheck="false"
                        prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <fieldset class="field">
                    <legend>"Source"</legend>
                    <label class="inline"><input type="radio" name="fh-source" id="fh-source-direct"
                        prop:checked=move || !from_kinesis.get() on:change=move |_| from_kinesis.set(false) />" Direct PUT (PutRecord, PutRecordBatch)"</label>
                    <label class="inline"><input type="radio" name="fh-source" id="fh-source-kinesis"
                        prop:checked=move || from_kinesis.get() on:change=move |_| from_kinesis.set(true) />" A Kinesis data stream"</label>
                </fieldset>
                {move || from_kinesis.get().then(|| {
                    let streams = data_streams.get();
                    if streams.is_empty() {
                        view! { <p class="warning" data-testid="fh-no-data-streams">"This account has no Kinesis data stream yet. "
                            <a href="#/streams">"Create one in Data Streams"</a>", then come back."</p> }.into_any()
                    } else {
                        view! {
                            <div class="field">
                                <label for="fh-source-stream">"Kinesis data stream"</label>
                                <select id="fh-source-stream" prop:value=move || kinesis_stream.get()
                                    on:change=move |ev| kinesis_stream.set(event_target_value(&ev))>
                                    {streams.into_iter().map(|(n, _)| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                                </select>
                            </div>
                            <p class="help">"Firehose reads the stream from the moment the delivery stream is created (LATEST), "
                                "using the stream's read capacity like any consumer. Such a delivery stream refuses PutRecord."</p>
                        }.into_any()
                    }
                })}
                <DestinationFields dest=dest size=size interval=interval />
                <div class="field">
                    <label for="fh-bucket">{move || if dest.kind.get() == DestKind::S3 { "Destination S3 bucket" } else { "S3 bucket (intermediate or backup)" }}</label>
                    <input id="fh-bucket" type="text" autocomplete="off" spellcheck="false"
                        prop:value=bucket on:input=move |ev| bucket.set(event_target_value(&ev)) />
                </div>
                <div class="row">
                    <div class="field">
                        <label for="fh-prefix">"Prefix"</label>
                        <input id="fh-prefix" type="text" autocomplete="off" spellcheck="false" placeholder="e.g. raw/!{timestamp:yyyy/MM/dd}/"
                            aria-describedby="fh-key-preview" prop:value=prefix on:input=move |ev| prefix.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="fh-error-prefix">"Error output prefix"</label>
                        <input id="fh-error-prefix" type="text" autocomplete="off" spellcheck="false" placeholder="e.g. errors/!{firehose:error-output-type}/"
                            aria-describedby="fh-key-preview" prop:value=error_prefix on:input=move |ev| error_prefix.set(event_target_value(&ev)) />
                    </div>
                </div>
                {move || (!partitioning.enabled.get()).then(|| view! {
                    <PrefixPreview prefix=prefix error_prefix=error_prefix stream=name version=1u64 compression=compression id="fh-key-preview" />
                })}
                {move || (dest.kind.get() == DestKind::S3).then(|| view! {
                    <PartitioningFields p=partitioning prefix=prefix error_prefix=error_prefix />
                    <ConversionFields c=conversion size=size />
                })}
                <TransformFields t=transform />
                <BufferingFields size=size interval=interval id_prefix="fh" />
                <div class="row">
                    {move || if conversion.enabled.get() && dest.kind.get() == DestKind::S3 {
                        view! { <p class="help" data-testid="fh-compression-forced">"Compression: UNCOMPRESSED (required by format conversion)."</p> }.into_any()
                    } else {
                        view! { <CompressionField format=compression id="fh-compression" /> }.into_any()
                    }}
                    <label class="inline"><input type="checkbox" id="fh-delimiter" prop:checked=delimiter
                        on:change=move |ev| delimiter.set(event_target_checked(&ev)) />
                        " Append a newline after each record (AppendDelimiterToRecord)"</label>
                </div>
                <details class="table-details">
                    <summary>"The CreateDeliveryStream request"</summary>
                    <pre class="request-json mono" data-testid="fh-request-json">{request_text}</pre>
                </details>
                {move || dry_run.get().map(|(kind, message)| view! {
                    <div class="api-error" aria-live="polite" data-testid="fh-dry-run-error">
                        "AWS would answer "<span class="api-error-type">{kind}</span>": "<span class="api-error-message">{message}</span>
                    </div>
                })}
                <div class="row form-actions">
                    <button id="fh-create" type="submit" class="primary">"Create delivery stream"</button>
                    {move || has_streams().then(|| view! {
                        <button type="button" on:click=move |_| { ui.designing.set(false); ui.designer_source.set(None); }>"Cancel"</button>
                    })}
                </div>
                <ApiErrorBox error=error testid="fh-create-error" />
            </form>
        </section>
    }
}

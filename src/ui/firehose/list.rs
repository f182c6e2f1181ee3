//! The account's delivery streams (what ListDeliveryStreams would list, with each one's status, source,
//! destination and buffer), the selected one's summary, and DeleteDeliveryStream.

use leptos::prelude::*;
use serde_json::json;

use crate::viz::firehose_info::StreamInfo;
use super::{focus_later, stream_info, stream_infos, use_firehose_ui};
use crate::ui::format::{grouped, utc_millis};
use crate::ui::lab::{use_lab, ApiErrorBox, ApiFailure};
use crate::viz::firehose::bytes_text;

fn source_text(s: &StreamInfo) -> String {
    match s.source_stream_name() {
        Some(stream) => format!("Kinesis stream {stream}"),
        None => "Direct PUT".to_string(),
    }
}

#[component]
pub fn DeliveryStreamList() -> impl IntoView {
    let lab = use_lab();
    let ui = use_firehose_ui();
    view! {
        <section class="panel stream-list" aria-labelledby="fh-list-heading">
            <h2 id="fh-list-heading">"Delivery streams"</h2>
            {move || {
                let list = stream_infos(lab);
                if list.is_empty() {
                    view! { <p class="help" data-testid="no-delivery-streams">"No delivery streams yet. Design one on the right."</p> }.into_any()
                } else {
                    view! {
                        <ul class="streams" data-testid="delivery-stream-list">
                            {list.into_iter().map(|s| {
                                let name = s.name.clone();
                                let pick = s.name.clone();
                                let current = move || !ui.designing.get() && ui.selected.get().as_deref() == Some(name.as_str());
                                let buffered = if s.buffer.records == 0 {
                                    "buffer empty".to_string()
                                } else {
                                    format!("{} buffered ({})", grouped(s.buffer.records), bytes_text(s.buffer.bytes))
                                };
                                view! {
                                    <li>
                                        <button type="button" class="stream-pick" data-testid="delivery-stream-pick"
                                            aria-current=move || if current() { "true" } else { "false" }
                                            on:click=move |_| { ui.notice.set(None); ui.designing.set(false); ui.selected.set(Some(pick.clone())); }>
                                            <span class="stream-pick-name">{s.name.clone()}</span>
                                            <span class="stream-pick-meta">
                                                <span class="status">{s.status.clone()}</span>
                                                {format!(" · {} → {} · v{}", source_text(&s), destination_text(&s), s.version_id)}
                                            </span>
                                            <span class="stream-pick-meta">{buffered}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <button type="button" id="fh-new" class="primary"
                aria-pressed=move || ui.designing.get().to_string()
                on:click=move |_| { ui.notice.set(None); ui.designer_source.set(None); ui.designing.set(true); focus_later("designer-heading"); }>
                "+ New delivery stream"
            </button>
        </section>
    }
}

/// The selected delivery stream's summary (as DescribeDeliveryStream reports it) and Delete.
#[component]
pub fn StreamHead(name: String) -> impl IntoView {
    let lab = use_lab();
    let key = StoredValue::new(name.clone());
    let info = move || stream_info(lab, &key.get_value());
    let summary = move || {
        info().map(|s| {
            let pending = (s.status == "CREATING" || s.status == "DELETING")
                .then(|| s.transition_due_ms.map(|t| format!(" (until {})", utc_millis(t))))
                .flatten()
                .unwrap_or_default();
            let prefix = if s.prefix.is_empty() { "(none: YYYY/MM/dd/HH/)".to_string() } else { s.prefix.clone() };
            let error_prefix = if s.error_output_prefix.is_empty() { "(none)".to_string() } else { s.error_output_prefix.clone() };
            view! {
                <dl class="summary" data-testid="fh-summary">
                    <div><dt>"Status"</dt><dd data-testid="fh-status"><span class="status">{s.status.clone()}</span>{pending}</dd></div>
                    <div><dt>"Source"</dt><dd data-testid="fh-source">{source_text(&s)}</dd></div>
                    <div><dt>"Destination"</dt><dd class="mono">{destination_text(&s)}</dd></div>
                    <div><dt>"VersionId"</dt><dd data-testid="fh-version">{s.version_id.clone()}</dd></div>
                    <div><dt>"Buffering hints"</dt><dd>{format!("{} MiB or {} s", s.size_mib, s.interval_s)}</dd></div>
                    <div><dt>"Compression"</dt><dd>{s.compression.clone()}</dd></div>
                    <div><dt>"Delimiter"</dt><dd>{if s.appends_delimiter { "\\n appended" } else { "none" }}</dd></div>
                    <div class="wide"><dt>"Prefix · ErrorOutputPrefix"</dt><dd class="mono">{format!("{prefix} · {error_prefix}")}</dd></div>
                    <div class="wide"><dt>"ARN"</dt><dd class="mono">{s.arn.clone()}</dd></div>
                </dl>
            }
        })
    };
    view! {
        <section class="panel stream-head" aria-labelledby="fh-heading">
            <h2 id="fh-heading" class="mono" tabindex="-1">{name.clone()}</h2>
            {summary}
            {move || info().is_none().then(|| view! {
                <p class="note">"This delivery stream no longer exists (it was deleted). Pick or design another."</p>
            })}
            <DeleteDeliveryStream name=name />
        </section>
    }
}

#[component]
fn DeleteDeliveryStream(name: String) -> impl IntoView {
    let lab = use_lab();
    let confirm = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiFailure>);
    let note = RwSignal::new(None::<String>);
    let target = name.clone();
    let delete = move |_| {
        error.set(None);
        note.set(None);
        if !confirm.get_untracked() {
            confirm.set(true);
            return;
        }
        confirm.set(false);
        match lab.call_firehose("DeleteDeliveryStream", json!({ "DeliveryStreamName": target })) {
            Ok(_) => note.set(Some(
                "DeleteDeliveryStream returned at once: the stream is DELETING (data still in its buffer is dropped) \
                 and disappears once the clock moves on."
                    .into(),
            )),
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <div class="delete-stream">
            <button type="button" id="fh-delete" class="danger" on:click=delete>
                {move || if confirm.get() { format!("Really delete {name}?") } else { "Delete delivery stream".to_string() }}
            </button>
            {move || confirm.get().then(|| view! {
                <button type="button" on:click=move |_| confirm.set(false)>"Cancel"</button>
            })}
            <ApiErrorBox error=error testid="fh-delete-error" />
            {move || note.get().map(|n| view! { <p class="note" role="status">{n}</p> })}
        </div>
    }
}

/// Where a delivery stream writes: `s3://bucket` for Extended S3, otherwise the destination's kind
/// (its details are on the Destination tab).
fn destination_text(s: &crate::viz::firehose_info::StreamInfo) -> String {
    match s.destination_kind.as_str() {
        "ExtendedS3Destination" | "S3Destination" | "" => format!("s3://{}", s.bucket),
        "RedshiftDestination" => "Amazon Redshift".into(),
        "AmazonopensearchserviceDestination" => "Amazon OpenSearch Service".into(),
        "HttpEndpointDestination" => "HTTP endpoint".into(),
        "SplunkDestination" => "Splunk".into(),
        other => other.to_string(),
    }
}

//! Send records to a Direct PUT delivery stream: PutRecordBatch of N generated JSON records, or PutRecord
//! of typed text, with what AWS answers (RecordId, FailedPutCount and each failed entry's error).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::{json, Value};

use super::designer::whole_number;
use super::stream_info;
use crate::engine::firehose::limits::PUT_RECORD_BATCH_MAX_RECORDS;
use crate::ui::format::{grouped, to_base64};
use crate::ui::lab::{use_lab, ApiErrorBox, ApiFailure};
use crate::viz::firehose::sample_records;

/// What the last put returned.
#[derive(Debug, Clone, PartialEq)]
enum PutOutcome {
    Record { record_id: String },
    Batch { sent: usize, failed: u64, first_error: Option<(String, String)>, first_record_id: Option<String> },
}

#[component]
pub fn SendRecords(stream: String) -> impl IntoView {
    let lab = use_lab();
    let stream = StoredValue::new(stream);
    let batch = RwSignal::new(true);
    let count = RwSignal::new("100".to_string());
    let newline = RwSignal::new(false);
    let typed = RwSignal::new("{\"event\":\"hello, firehose\"}".to_string());
    let next_seq = RwSignal::new(1u64);
    let error = RwSignal::new(None::<ApiFailure>);
    let outcome = RwSignal::new(None::<PutOutcome>);
    let info = move || stream_info(lab, &stream.get_value());
    let kinesis_source = move || info().and_then(|s| s.source_stream_name().map(str::to_string));
    let appends = move || info().is_some_and(|s| s.appends_delimiter);

    let send = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        outcome.set(None);
        let name = stream.get_value();
        if batch.get_untracked() {
            let n = match whole_number(&count.get_untracked(), "Number of records") {
                Ok(n) => n.max(0) as usize,
                Err(e) => return error.set(Some(e)),
            };
            let first = next_seq.get_untracked();
            let suffix = if newline.get_untracked() { "\n" } else { "" };
            let records: Vec<Value> = sample_records(first, n)
                .into_iter()
                .map(|r| json!({ "Data": to_base64(format!("{r}{suffix}").as_bytes()) }))
                .collect();
            match lab.call_firehose("PutRecordBatch", json!({ "DeliveryStreamName": name, "Records": records })) {
                Ok(reply) => {
                    next_seq.set(first + n as u64);
                    let responses = reply["RequestResponses"].as_array().cloned().unwrap_or_default();
                    let first_error = responses.iter().find(|r| r.get("ErrorCode").is_some()).map(|r| {
                        (r["ErrorCode"].as_str().unwrap_or_default().to_string(), r["ErrorMessage"].as_str().unwrap_or_default().to_string())
                    });
                    outcome.set(Some(PutOutcome::Batch {
                        sent: n,
                        failed: reply["FailedPutCount"].as_u64().unwrap_or(0),
                        first_error,
                        first_record_id: responses.iter().find_map(|r| r["RecordId"].as_str()).map(str::to_string),
                    }));
                }
                Err(e) => error.set(Some(e)),
            }
        } else {
            let data = to_base64(typed.get_untracked().as_bytes());
            match lab.call_firehose("PutRecord", json!({ "DeliveryStreamName": name, "Record": { "Data": data } })) {
                Ok(reply) => outcome.set(Some(PutOutcome::Record {
                    record_id: reply["RecordId"].as_str().unwrap_or_default().to_string(),
                })),
                Err(e) => error.set(Some(e)),
            }
        }
    };

    let result = move || {
        outcome.get().map(|o| match o {
            PutOutcome::Record { record_id } => view! {
                <dl class="explain" data-testid="fh-put-result" aria-live="polite">
                    <div><dt>"RecordId"</dt><dd class="mono record-id">{record_id}</dd></div>
                </dl>
            }.into_any(),
            PutOutcome::Batch { sent, failed, first_error, first_record_id } => {
                let failed_class = if failed > 0 { "alarm-row" } else { "" };
                view! {
                <dl class="explain" data-testid="fh-put-result" aria-live="polite">
                    <div><dt>"Records sent"</dt><dd>{grouped(sent as u64)}</dd></div>
                    <div class=failed_class><dt>"FailedPutCount"</dt>
                        <dd data-testid="fh-failed-put-count">{if failed > 0 { format!("⚠ {failed}") } else { "0".to_string() }}</dd></div>
                    {first_error.map(|(code, message)| view! {
                        <div><dt>"First failed entry"</dt><dd><span class="mono">{code}</span>": "{message}
                            " — resend only the failed entries (their positions match the request)."</dd></div>
                    })}
                    {first_record_id.map(|id| view! { <div><dt>"First RecordId"</dt><dd class="mono record-id">{id}</dd></div> })}
                </dl>
            }.into_any()
            }
        })
    };

    view! {
        <section class="panel" aria-labelledby="fh-send-heading">
            <h2 id="fh-send-heading">"Send records"</h2>
            {move || kinesis_source().map(|s| view! {
                <p class="warning" data-testid="fh-kinesis-source-note">
                    {format!("This delivery stream reads the Kinesis data stream {s}, so it refuses PutRecord and PutRecordBatch. \
                        Write to {s} instead (Data Streams); sending here shows the error AWS returns.")}
                </p>
            })}
            <form novalidate on:submit=send>
                <fieldset class="field">
                    <legend>"What to send"</legend>
                    <label class="inline"><input type="radio" name="fh-send-mode" id="fh-send-batch"
                        prop:checked=batch on:change=move |_| batch.set(true) />" PutRecordBatch of generated JSON records"</label>
                    <label class="inline"><input type="radio" name="fh-send-mode" id="fh-send-one"
                        prop:checked=move || !batch.get() on:change=move |_| batch.set(false) />" PutRecord of text I type"</label>
                </fieldset>
                {move || if batch.get() {
                    view! {
                        <div class="row">
                            <div class="field hint-field">
                                <label for="fh-count">{format!("Records (1–{PUT_RECORD_BATCH_MAX_RECORDS})")}</label>
                                <input id="fh-count" type="number" inputmode="numeric" min="1" max=PUT_RECORD_BATCH_MAX_RECORDS step="1"
                                    prop:value=count on:input=move |ev| count.set(event_target_value(&ev)) />
                            </div>
                            <label class="inline"><input type="checkbox" id="fh-newline" prop:checked=newline
                                on:change=move |ev| newline.set(event_target_checked(&ev)) />" End each record with \\n myself"</label>
                        </div>
                        <p class="help">"Records look like "<code>{move || sample_records(next_seq.get(), 1).join("")}</code>
                            {move || if appends() { " — the stream appends \\n after each one." } else if newline.get() { "." }
                                else { " — with no delimiter they land back to back ({…}{…}), which most readers of S3 cannot split." }}</p>
                    }.into_any()
                } else {
                    view! {
                        <div class="field">
                            <label for="fh-typed">"Data (UTF-8, base64 on the wire)"</label>
                            <textarea id="fh-typed" rows="2" spellcheck="false" prop:value=typed
                                on:input=move |ev| typed.set(event_target_value(&ev))></textarea>
                        </div>
                    }.into_any()
                }}
                <button id="fh-send" type="submit" class="primary">
                    {move || if batch.get() { "Send PutRecordBatch" } else { "Send PutRecord" }}
                </button>
            </form>
            <ApiErrorBox error=error testid="fh-put-error" />
            {result}
        </section>
    }
}

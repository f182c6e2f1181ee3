//! The delivery timeline: every object the delivery stream wrote, newest first — when, why (size,
//! interval or an update), how many records, bytes before and after compression, and the object key,
//! which opens the object in the S3 browser.

use leptos::prelude::*;

use super::use_firehose_ui;
use crate::api::observe_firehose;
use crate::ui::format::{grouped, utc_millis};
use crate::ui::lab::use_lab;
use crate::viz::firehose::bytes_text;

/// Deliveries listed at most (the newest).
const MAX_ROWS: usize = 100;

fn reason_text(reason: &str) -> &'static str {
    match reason {
        "size" => "size hint reached",
        "interval" => "interval passed",
        "update" => "UpdateDestination",
        _ => "other",
    }
}

#[component]
pub fn DeliveryTimeline(stream: String) -> impl IntoView {
    let lab = use_lab();
    let ui = use_firehose_ui();
    let stream = StoredValue::new(stream);
    let rows = move || {
        lab.read_sandbox(|sb| {
            let engine = &sb.firehose.engine;
            let name = stream.get_value();
            (observe_firehose::deliveries(engine, Some(&name), MAX_ROWS), observe_firehose::delivery_count(engine, Some(&name)))
        })
        .unwrap_or_default()
    };
    view! {
        <section class="panel" aria-labelledby="fh-deliveries-heading">
            <h2 id="fh-deliveries-heading">"Deliveries"</h2>
            {move || {
                let (list, total) = rows();
                if list.is_empty() {
                    return view! { <p class="help" data-testid="fh-no-deliveries">"Nothing delivered yet. Send records, then play "
                        "or fast-forward the clock until a buffering hint is reached."</p> }.into_any();
                }
                let shown = if total > list.len() { format!("newest {} of {}", list.len(), grouped(total as u64)) } else { format!("{total}") };
                view! {
                    <div class="scroll-x">
                        <table data-testid="fh-deliveries">
                            <caption>{format!("Objects written, newest first ({shown}); a key opens the object in the S3 browser below.")}</caption>
                            <thead><tr>
                                <th scope="col">"Delivered (UTC)"</th>
                                <th scope="col">"Why"</th>
                                <th scope="col" class="num">"Records"</th>
                                <th scope="col" class="num">"Bytes"</th>
                                <th scope="col" class="num">"Stored"</th>
                                <th scope="col" class="key-col">"Object key"</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|d| {
                                    let ratio = if d.bytes > 0 { format!(" ({:.0}%)", d.stored_bytes as f64 / d.bytes as f64 * 100.0) } else { String::new() };
                                    let (bucket, key) = (d.bucket.clone(), d.key.clone());
                                    view! {
                                        <tr data-testid="fh-delivery-row">
                                            <th scope="row" class="mono nowrap">{utc_millis(d.delivered_ms)}</th>
                                            <td>{reason_text(d.reason)}</td>
                                            <td class="num nowrap">{grouped(d.records)}</td>
                                            <td class="num nowrap">{bytes_text(d.bytes)}</td>
                                            <td class="num nowrap">{format!("{}{ratio}", bytes_text(d.stored_bytes))}</td>
                                            <td class="key-col">
                                                <button type="button" class="link mono" data-testid="fh-open-object"
                                                    title=format!("Open s3://{}/{} in the S3 browser", d.bucket, d.key)
                                                    on:click=move |_| ui.open_object(&bucket, &key)>
                                                    {d.key.clone()}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

//! The "Destination & retries" tab: what the destination system holds (the Redshift table and its COPY
//! log, OpenSearch indices and documents, the HTTP endpoint's requests, Splunk's events), outage switches
//! for the bucket and the destination, the retry queue (attempts, last error, time left), the delivery log
//! with every kind and outcome, the active partitions of a dynamically partitioned stream, and the error
//! output of the stream with each record's rawData decoded.

use leptos::prelude::*;

use crate::api::observe_firehose::{self, DestinationView, LogEntry};
use crate::engine::firehose::DeliveryKind;
use crate::ui::format::{grouped, utc_millis};
use crate::ui::lab::use_lab;
use crate::viz::firehose::{bytes_text, error_lines, error_output_type, preview, seconds_text, Preview, PREVIEW_LIMIT_BYTES};

/// Rows, documents, requests or events shown per destination (the newest).
const NEWEST_SHOWN: usize = 10;

fn kind_text(kind: DeliveryKind) -> &'static str {
    match kind {
        DeliveryKind::S3Object => "S3 object",
        DeliveryKind::S3Backup => "S3 backup",
        DeliveryKind::ErrorOutput => "error output",
        DeliveryKind::RedshiftCopy => "Redshift COPY",
        DeliveryKind::RedshiftSkipped => "COPY skipped (manifest)",
        DeliveryKind::OpenSearchBulk => "OpenSearch bulk",
        DeliveryKind::HttpRequest => "HTTP request",
        DeliveryKind::SplunkEvents => "Splunk events",
        DeliveryKind::GaveUp => "gave up: records to S3",
    }
}

#[component]
pub fn DestinationTab(stream: String) -> impl IntoView {
    let lab = use_lab();
    let stream = StoredValue::new(stream);
    // Redrawn only when the destination changes (not on every clock tick), so focus and open details stay.
    let dest = Memo::new(move |_| lab.read_sandbox(|sb| observe_firehose::destination(&sb.firehose.engine, &stream.get_value())).flatten());
    view! {
        <section class="panel" aria-labelledby="fh-dest-heading">
            <h2 id="fh-dest-heading">"Destination & retries"</h2>
            {move || dest.get().map(|d| view! {
                <p class="help">{format!("Destination: {}. Bucket: {}.", d.label, d.bucket)}
                    {d.address.clone().map(|a| view! { " Address: "<span class="mono">{a}</span>"." })}</p>
                <OutageSwitches dest=d.clone() />
                <TargetContents dest=d />
            })}
            <RetryQueue stream=stream.get_value() />
            <PartitionTable stream=stream.get_value() />
            <DeliveryLog stream=stream.get_value() />
            <ErrorOutput stream=stream.get_value() />
        </section>
    }
}

#[component]
fn OutageSwitches(dest: DestinationView) -> impl IntoView {
    let lab = use_lab();
    let bucket = StoredValue::new(dest.bucket.clone());
    let address = StoredValue::new(dest.address.clone());
    let bucket_up = move || lab.read_sandbox(|sb| observe_firehose::bucket_available(&sb.firehose.engine, &bucket.get_value())).unwrap_or(true);
    let target_up = move || {
        address.get_value().map(|a| lab.read_sandbox(|sb| observe_firehose::target_available(&sb.firehose.engine, &a)).unwrap_or(true))
    };
    view! {
        <fieldset class="field">
            <legend>"Outage drill"</legend>
            <div class="switch-row">
                <label class="inline"><input type="checkbox" id="fh-outage-bucket" prop:checked=move || !bucket_up()
                    on:change=move |ev| { let down = event_target_checked(&ev); lab.with_sandbox(|sb| sb.firehose.engine.set_bucket_available(&bucket.get_value(), !down)); } />
                    {format!(" Bucket {} is down", dest.bucket)}</label>
                {move || (!bucket_up()).then(|| view! { <span class="outage-on" role="status">"⚠ S3 puts fail; retried every 5 s for 24 h, then lost"</span> })}
                {address.get_value().map(|a| view! {
                    <label class="inline"><input type="checkbox" id="fh-outage-target" prop:checked=move || target_up() == Some(false)
                        on:change=move |ev| { let down = event_target_checked(&ev); lab.with_sandbox(|sb| sb.firehose.engine.set_target_available(&a, !down)); } />
                        {format!(" {} is down", dest.label)}</label>
                })}
                {move || (target_up() == Some(false)).then(|| view! { <span class="outage-on" role="status">"⚠ deliveries retried for the retry duration, then written to S3 as errors"</span> })}
            </div>
        </fieldset>
    }
}

/// What the simulated destination system holds now.
#[component]
fn TargetContents(dest: DestinationView) -> impl IntoView {
    let lab = use_lab();
    let Some(address) = dest.address.clone() else {
        return view! { <p class="help">"Objects appear in the S3 browser below."</p> }.into_any();
    };
    let address = StoredValue::new(address);
    let label = dest.label;
    let table_or_index = dest.table_or_index.clone();
    // What changes when the destination receives something: the view is redrawn only then (not on every
    // clock tick), so an opened request stays open.
    let received = Memo::new(move |_| {
        let a = address.get_value();
        lab.read_sandbox(|sb| {
            let t = observe_firehose::targets(&sb.firehose.engine);
            (
                t.redshift.get(&a).map(|c| c.tables.values().map(|t| t.row_count + t.copies).sum::<u64>() + c.tables.len() as u64),
                t.opensearch.get(&a).map(|d| d.indices.values().map(|i| i.doc_count).sum::<u64>() + d.indices.len() as u64),
                t.http.get(&a).map(|h| h.requests.len() as u64 + h.record_count),
                t.splunk.get(&a).map(|s| s.event_count),
            )
        })
    });
    (move || {
        received.track();
        let a = address.get_value();
        lab.peek_sandbox(|sb| {
            let t = observe_firehose::targets(&sb.firehose.engine);
            if let Some(cluster) = t.redshift.get(&a) {
                let tables: Vec<_> = cluster.tables.iter().map(|(name, table)| {
                    let cols = table.columns.clone();
                    let rows: Vec<Vec<String>> = table.rows.iter().rev().take(NEWEST_SHOWN)
                        .map(|r| r.iter().map(|c| c.clone().unwrap_or_else(|| "NULL".into())).collect()).collect();
                    view! {
                        <div class="scroll-x">
                            <table data-testid="redshift-table">
                                <caption>{format!("Redshift table {name}: {} rows after {} COPY commands (newest {} shown)", grouped(table.row_count), table.copies, rows.len())}</caption>
                                <thead><tr>{cols.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr></thead>
                                <tbody>{rows.into_iter().map(|r| view! { <tr>{r.into_iter().map(|c| view! { <td class="mono">{c}</td> }).collect_view()}</tr> }).collect_view()}</tbody>
                            </table>
                        </div>
                    }
                }).collect();
                return view! { <h3>"Amazon Redshift"</h3>{tables}
                    {cluster.tables.is_empty().then(|| view! { <p class="help">"No COPY has run yet."</p> })} }.into_any();
            }
            if let Some(domain) = t.opensearch.get(&a) {
                let indices: Vec<_> = domain.indices.iter().map(|(name, index)| view! {
                    <div class="scroll-x">
                        <table data-testid="opensearch-index">
                            <caption>{format!("Index {name}: {} documents (newest {} shown)", grouped(index.doc_count), index.docs.len().min(NEWEST_SHOWN))}</caption>
                            <thead><tr><th scope="col">"_id"</th><th scope="col">"_source"</th></tr></thead>
                            <tbody>{index.docs.iter().rev().take(NEWEST_SHOWN).map(|d| view! {
                                <tr><td class="mono">{d.id.clone()}</td><td class="mono">{d.source.clone()}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                    </div>
                }).collect();
                let base = table_or_index.clone().unwrap_or_default();
                return view! { <h3>"Amazon OpenSearch Service"</h3>
                    <p class="help">{format!("Index {base}, with the rotation period's date appended to its name.")}</p>
                    {indices}{domain.indices.is_empty().then(|| view! { <p class="help">"No document indexed yet."</p> })} }.into_any();
            }
            if let Some(rx) = t.http.get(&a) {
                let requests: Vec<_> = rx.requests.iter().rev().take(NEWEST_SHOWN).map(|r| {
                    // The records' data decoded, beside the body exactly as Firehose sent it.
                    let decoded: Vec<String> = serde_json::from_str::<serde_json::Value>(&r.body).ok()
                        .and_then(|v| v.get("records").and_then(|x| x.as_array()).cloned()).unwrap_or_default()
                        .iter().filter_map(|rec| rec.get("data").and_then(|d| d.as_str()))
                        .map(crate::ui::format::decode_record_data).collect();
                    let body = r.body.clone();
                    view! {
                        <details class="table-details" data-testid="http-request">
                            <summary>{format!("{} · {} records · request {}", utc_millis(r.received_ms), r.records, r.request_id)}</summary>
                            <dl class="explain">{r.headers.iter().map(|(k, v)| view! { <div><dt class="mono">{k.clone()}</dt><dd class="mono">{v.clone()}</dd></div> }).collect_view()}</dl>
                            <pre class="mono pre-scroll" aria-label="Request body as sent">{body}</pre>
                            <p class="help">"The records' data, decoded from base64:"</p>
                            <ol class="run-log">{decoded.into_iter().map(|d| view! { <li class="run mono">{d}</li> }).collect_view()}</ol>
                        </details>
                    }
                }).collect();
                return view! { <h3>{format!("HTTP endpoint: {} records received", grouped(rx.record_count))}</h3>{requests} }.into_any();
            }
            if let Some(c) = t.splunk.get(&a) {
                return view! { <h3>{format!("Splunk: {} events received", grouped(c.event_count))}</h3>
                    <ol class="run-log" data-testid="splunk-events">{c.events.iter().rev().take(NEWEST_SHOWN).map(|e| view! { <li class="run mono">{e.clone()}</li> }).collect_view()}</ol>
                }.into_any();
            }
            view! { <p class="help">{format!("{label} has received nothing yet.")}</p> }.into_any()
        }).unwrap_or_else(|| ().into_any())
    }).into_any()
}

#[component]
fn RetryQueue(stream: String) -> impl IntoView {
    let lab = use_lab();
    let stream = StoredValue::new(stream);
    move || {
        let now = lab.now_ms.get();
        let rows = lab.read_sandbox(|sb| observe_firehose::retries(&sb.firehose.engine, &stream.get_value())).unwrap_or_default();
        view! {
            <h3>"Retry queue"</h3>
            {if rows.is_empty() {
                view! { <p class="help" data-testid="retry-empty">"Nothing is waiting for a retry."</p> }.into_any()
            } else {
                view! {
                    <div class="scroll-x">
                        <table data-testid="retry-queue">
                            <caption>"Deliveries that failed and will be tried again, oldest first"</caption>
                            <thead><tr><th scope="col">"What"</th><th scope="col" class="num">"Records"</th><th scope="col" class="num">"Attempts"</th>
                                <th scope="col">"Last error"</th><th scope="col" class="num">"Next try in"</th><th scope="col" class="num">"Time left"</th></tr></thead>
                            <tbody>{rows.into_iter().map(|r| view! {
                                <tr>
                                    <td class="where-col">{r.what}</td>
                                    <td class="num">{grouped(r.records)}</td>
                                    <td class="num">{r.attempts}</td>
                                    <td>{r.last_error}</td>
                                    <td class="num nowrap">{seconds_text(r.next_attempt_ms.saturating_sub(now))}</td>
                                    <td class="num nowrap">{seconds_text(r.deadline_ms.saturating_sub(now))}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        }
    }
}

#[component]
fn PartitionTable(stream: String) -> impl IntoView {
    let lab = use_lab();
    let stream = StoredValue::new(stream);
    move || {
        let now = lab.now_ms.get();
        let rows = lab.read_sandbox(|sb| observe_firehose::partitions(&sb.firehose.engine, &stream.get_value())).unwrap_or_default();
        (!rows.is_empty()).then(|| view! {
            <h3>{format!("Active partitions ({} of at most 500)", rows.len())}</h3>
            <div class="scroll-x">
                <table data-testid="partitions">
                    <caption>"Each partition (keys from the query, or from the Lambda) has its own buffer, flushed on its own size and interval"</caption>
                    <thead><tr><th scope="col">"Keys"</th><th scope="col" class="num">"Records"</th><th scope="col" class="num">"Bytes"</th><th scope="col" class="num">"Oldest record's age"</th></tr></thead>
                    <tbody>{rows.into_iter().map(|p| view! {
                        <tr data-testid="partition-row">
                            <td class="mono">{p.keys.iter().map(|(k, v)| {
                                // "partitionKeyFromQuery:ticker" → "ticker", with "(Lambda)" for keys the function gave.
                                let (source, name) = k.split_once(':').unwrap_or(("", k));
                                let from = if source == "partitionKeyFromLambda" { " (Lambda)" } else { "" };
                                format!("{name}={v}{from}")
                            }).collect::<Vec<_>>().join(", ")}</td>
                            <td class="num">{grouped(p.records)}</td>
                            <td class="num">{bytes_text(p.bytes)}</td>
                            <td class="num">{p.oldest_arrival_ms.map(|o| seconds_text(now.saturating_sub(o))).unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
            </div>
        })
    }
}

#[component]
fn DeliveryLog(stream: String) -> impl IntoView {
    let lab = use_lab();
    let stream = StoredValue::new(stream);
    move || {
        let rows: Vec<LogEntry> = lab.read_sandbox(|sb| observe_firehose::delivery_log(&sb.firehose.engine, &stream.get_value(), 30)).unwrap_or_default();
        (!rows.is_empty()).then(|| view! {
            <h3>"Delivery log"</h3>
            <div class="scroll-x">
                <table data-testid="delivery-log">
                    <caption>"Everything written or sent, newest first (30 at most)"</caption>
                    <thead><tr><th scope="col">"Time (UTC)"</th><th scope="col">"Kind"</th><th scope="col">"Outcome"</th><th scope="col" class="num">"Records"</th>
                        <th scope="col" class="num">"Attempts"</th><th scope="col">"Where"</th></tr></thead>
                    <tbody>{rows.into_iter().map(|d| view! {
                        <tr>
                            <td class="mono nowrap">{utc_millis(d.at_ms)}</td>
                            <td>{kind_text(d.kind)}</td>
                            <td>{if d.delivered { view! { <span class="badge ok">"✓ delivered"</span> }.into_any() } else { view! { <span class="badge bad">"✗ lost"</span> }.into_any() }}</td>
                            <td class="num">{grouped(d.records)}</td>
                            <td class="num">{d.attempts}</td>
                            <td class="mono where-col">{format!("{} {}", d.bucket, d.key)}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
            </div>
        })
    }
}

/// The stream's error-output objects by type, each line's rawData decoded.
#[component]
fn ErrorOutput(stream: String) -> impl IntoView {
    let lab = use_lab();
    let stream = StoredValue::new(stream);
    let objects = Memo::new(move |_| {
        let objects: Vec<(String, String, Vec<crate::viz::firehose::ErrorLine>)> = lab
            .read_sandbox(|sb| {
                let e = &sb.firehose.engine;
                observe_firehose::delivery_log(e, &stream.get_value(), 200)
                    .into_iter()
                    .filter(|d| d.kind == DeliveryKind::ErrorOutput || error_output_type(&d.key).is_some())
                    .take(NEWEST_SHOWN)
                    .filter_map(|d| {
                        let text = observe_firehose::with_object_bytes(e, &d.bucket, &d.key, |b| match preview(&d.key, b, PREVIEW_LIMIT_BYTES).1 {
                            Ok(Preview::Text { text, .. }) => text,
                            _ => String::new(),
                        })?;
                        let kind = error_output_type(&d.key).unwrap_or("error output").to_string();
                        Some((kind, d.key, error_lines(&text)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        objects
    });
    move || {
        let objects = objects.get();
        (!objects.is_empty()).then(|| view! {
            <h3>"Error output"</h3>
            {objects.into_iter().map(|(kind, key, lines)| view! {
                <details class="table-details" data-testid="error-object">
                    <summary><strong>{kind}</strong>" · "<span class="mono">{key}</span>{format!(" · {} records", lines.len())}</summary>
                    <div class="scroll-x">
                        <table>
                            <caption class="visually-hidden">"Failed records with their original data decoded"</caption>
                            <thead><tr><th scope="col">"errorCode"</th><th scope="col">"errorMessage"</th><th scope="col">"rawData (decoded)"</th></tr></thead>
                            <tbody>{lines.into_iter().map(|l| view! {
                                <tr><td class="mono">{l.code}</td><td>{l.message}</td><td class="mono" data-testid="error-raw" title=l.line>{l.raw}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                    </div>
                </details>
            }).collect_view()}
        })
    }
}

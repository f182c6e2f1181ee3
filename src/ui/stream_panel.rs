//! Step 1: create a stream (CreateStream), then show its summary and shards
//! (DescribeStreamSummary, ListShards).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::json;

use crate::ui::format::hash_key_percent;
use crate::ui::lab::{use_lab, ApiErrorBox, ApiFailure, StreamView, CREATE_SETTLE_MS};

#[component]
pub fn StreamPanel() -> impl IntoView {
    let lab = use_lab();
    let name = RwSignal::new("learner-stream".to_string());
    let shard_count = RwSignal::new("2".to_string());
    let error = RwSignal::new(None::<ApiFailure>);
    let note = RwSignal::new(None::<String>);

    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        note.set(None);
        let stream_name = name.get_untracked();
        let count_text = shard_count.get_untracked();
        let count: i64 = match count_text.trim().parse() {
            Ok(n) => n,
            Err(_) => {
                error.set(Some(ApiFailure::local(format!(
                    "Shard count must be a whole number, not \"{count_text}\"."
                ))));
                return;
            }
        };
        if let Err(e) = lab.call("CreateStream", json!({ "StreamName": stream_name, "ShardCount": count })) {
            error.set(Some(e));
            return;
        }
        let status_before = lab.describe(&stream_name).map(|v| v.status).unwrap_or_default();
        lab.advance_by(CREATE_SETTLE_MS);
        match lab.describe(&stream_name) {
            Ok(view) => {
                if status_before == "CREATING" {
                    note.set(Some(format!(
                        "CreateStream returned at once with the stream in CREATING; the simulated clock was moved \
                         1 s so it could become {}.",
                        view.status
                    )));
                }
                lab.stream.set(Some(view));
            }
            Err(e) => error.set(Some(e)),
        }
    };

    view! {
        <section class="panel" aria-labelledby="step-create">
            <h2 id="step-create"><span class="step">"1"</span>" Create a stream"</h2>
            <form class="row" on:submit=create>
                <div class="field">
                    <label for="stream-name">"Stream name"</label>
                    <input
                        id="stream-name"
                        type="text"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=name
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </div>
                <div class="field narrow">
                    <label for="shard-count">"Shard count"</label>
                    <input
                        id="shard-count"
                        type="number"
                        inputmode="numeric"
                        min="1"
                        step="1"
                        prop:value=shard_count
                        on:input=move |ev| shard_count.set(event_target_value(&ev))
                    />
                </div>
                <button id="create-stream" type="submit" class="primary">"Create stream"</button>
            </form>
            <ApiErrorBox error=error testid="create-error" />
            {move || note.get().map(|n| view! { <p class="note" data-testid="create-note">{n}</p> })}
            {move || lab.stream.get().map(|s| view! { <StreamSummary stream=s /> })}
        </section>
    }
}

#[component]
fn StreamSummary(stream: StreamView) -> impl IntoView {
    let lab = use_lab();
    let shards = stream.shards.clone();
    let key_shard = Memo::new(move |_| {
        let hk = crate::engine::streams::hash::partition_key_hash_key(&lab.partition_key.get());
        lab.stream.with(|s| s.as_ref().and_then(|s| s.shard_for(hk).map(|sh| sh.shard_id.clone())))
    });
    view! {
        <dl class="summary" data-testid="stream-summary">
            <div><dt>"Name"</dt><dd data-testid="stream-name-shown">{stream.name.clone()}</dd></div>
            <div><dt>"Status"</dt><dd data-testid="stream-status"><span class="status">{stream.status.clone()}</span></dd></div>
            <div><dt>"Open shards"</dt><dd data-testid="open-shard-count">{stream.open_shard_count}</dd></div>
            <div><dt>"Retention"</dt><dd>{stream.retention_hours}" h"</dd></div>
            <div class="wide"><dt>"ARN"</dt><dd class="mono">{stream.arn.clone()}</dd></div>
        </dl>
        <HashKeyLine stream=stream.clone() />
        <table class="shards" data-testid="shard-table">
            <caption>"Shards and their hash-key ranges (ListShards)"</caption>
            <thead>
                <tr>
                    <th scope="col">"Shard"</th>
                    <th scope="col">"Hash-key range (start … end, inclusive)"</th>
                    <th scope="col">"Your key"</th>
                </tr>
            </thead>
            <tbody>
                {shards
                    .into_iter()
                    .map(|s| {
                        let id = s.shard_id.clone();
                        let row_id = id.clone();
                        let label_id = id.clone();
                        let holds_key = Memo::new(move |_| key_shard.get().as_deref() == Some(id.as_str()));
                        view! {
                            <tr
                                data-testid="shard-row"
                                data-shard-id=row_id
                                class:holds-key=move || holds_key.get()
                            >
                                <th scope="row" class="mono nowrap">{label_id}{(!s.open).then_some(" (closed)")}</th>
                                <td class="mono range">
                                    <span data-testid="shard-start">{s.start_text}</span>
                                    <span class="range-dots" aria-hidden="true">" … "</span>
                                    <span class="visually-hidden">" to "</span>
                                    <span data-testid="shard-end">{s.end_text}</span>
                                </td>
                                <td class="nowrap">{move || if holds_key.get() { "◀ here" } else { "" }}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The hash-key space drawn as a line split into shards, with a marker where the current key lands.
/// Decorative: the table and the explainer carry the same information as text.
#[component]
fn HashKeyLine(stream: StreamView) -> impl IntoView {
    let lab = use_lab();
    let marker = move || {
        let hk = crate::engine::streams::hash::partition_key_hash_key(&lab.partition_key.get());
        format!("left: {:.3}%", hash_key_percent(hk))
    };
    let open: Vec<_> = stream.shards.iter().filter(|s| s.open).cloned().collect();
    view! {
        <div class="keyline" aria-hidden="true">
            {open
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    let left = hash_key_percent(s.start);
                    let right = if s.end == u128::MAX { 100.0 } else { hash_key_percent(s.end + 1) };
                    let style = format!("left: {left:.3}%; width: {:.3}%", (right - left).max(0.0));
                    let label = s.shard_id.trim_start_matches("shardId-").trim_start_matches('0').to_string();
                    let label = if label.is_empty() { "0".to_string() } else { label };
                    view! {
                        <div class=format!("seg seg{}", i % 4) style=style>
                            <span>{label}</span>
                        </div>
                    }
                })
                .collect_view()}
            <div class="marker" style=marker></div>
        </div>
        <div class="keyline-scale" aria-hidden="true"><span>"0"</span><span>"2"<sup>"128"</sup>" − 1"</span></div>
    }
}

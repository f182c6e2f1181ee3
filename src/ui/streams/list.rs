//! The streams of the simulated account (what ListStreams would list) with create and delete.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::json;

use crate::api::observe;
use crate::ui::format::grouped;
use crate::ui::lab::{use_lab, ApiErrorBox, ApiFailure, CREATE_SETTLE_MS};

#[component]
pub fn StreamList() -> impl IntoView {
    let lab = use_lab();
    let streams = move || lab.read_sandbox(|sb| observe::streams(&sb.service.engine)).unwrap_or_default();
    view! {
        <section class="panel stream-list" aria-labelledby="streams-heading">
            <h2 id="streams-heading">"Streams"</h2>
            {move || {
                let list = streams();
                if list.is_empty() {
                    view! { <p class="help" data-testid="no-streams">"No streams yet. Create one below."</p> }.into_any()
                } else {
                    view! {
                        <ul class="streams" data-testid="stream-list">
                            {list.into_iter().map(|s| {
                                let name = s.name.clone();
                                let select_name = s.name.clone();
                                let is_selected = move || lab.selected.get().as_deref() == Some(name.as_str());
                                let mode = if s.on_demand { "on-demand" } else { "provisioned" };
                                view! {
                                    <li>
                                        <button type="button" class="stream-pick" data-testid="stream-pick"
                                            aria-current=move || if is_selected() { "true" } else { "false" }
                                            on:click=move |_| lab.selected.set(Some(select_name.clone()))>
                                            <span class="stream-pick-name">{s.name.clone()}</span>
                                            <span class="stream-pick-meta">
                                                <span class="status">{s.status}</span>
                                                {format!(" · {} · {} open shard{} · {} records", mode, s.open_shards,
                                                    if s.open_shards == 1 { "" } else { "s" }, grouped(s.stored_records))}
                                            </span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <CreateStreamForm />
        </section>
    }
}

#[component]
fn CreateStreamForm() -> impl IntoView {
    let lab = use_lab();
    let name = RwSignal::new("learner-stream".to_string());
    let on_demand = RwSignal::new(false);
    let shard_count = RwSignal::new("2".to_string());
    let error = RwSignal::new(None::<ApiFailure>);
    let note = RwSignal::new(None::<String>);

    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        note.set(None);
        let stream_name = name.get_untracked();
        let request = if on_demand.get_untracked() {
            json!({ "StreamName": stream_name, "StreamModeDetails": { "StreamMode": "ON_DEMAND" } })
        } else {
            let count_text = shard_count.get_untracked();
            match count_text.trim().parse::<i64>() {
                Ok(n) => json!({ "StreamName": stream_name, "ShardCount": n }),
                Err(_) => {
                    error.set(Some(ApiFailure::local(format!("Shard count must be a whole number, not \"{count_text}\"."))));
                    return;
                }
            }
        };
        if let Err(e) = lab.call("CreateStream", request) {
            error.set(Some(e));
            return;
        }
        lab.selected.set(Some(stream_name.clone()));
        // CreateStream answers at once with the stream CREATING; move the clock so it can become ACTIVE,
        // and say so, since the learner did not press a clock button.
        lab.advance_by(CREATE_SETTLE_MS);
        let status = untrack(|| lab.stream_view()).map(|v| v.status).unwrap_or_default();
        note.set(Some(format!(
            "CreateStream returned at once with the stream in CREATING; the simulated clock was moved 1 s so it \
             could become {status}."
        )));
    };

    view! {
        <form class="create-stream" on:submit=create aria-labelledby="create-heading">
            <h3 id="create-heading">"Create a stream"</h3>
            <div class="field">
                <label for="stream-name">"Stream name"</label>
                <input id="stream-name" type="text" autocomplete="off" spellcheck="false"
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <fieldset class="field">
                <legend>"Capacity mode"</legend>
                <label class="inline"><input type="radio" name="capacity-mode" id="mode-provisioned"
                    prop:checked=move || !on_demand.get() on:change=move |_| on_demand.set(false) />" Provisioned"</label>
                <label class="inline"><input type="radio" name="capacity-mode" id="mode-on-demand"
                    prop:checked=move || on_demand.get() on:change=move |_| on_demand.set(true) />" On-demand"</label>
            </fieldset>
            {move || (!on_demand.get()).then(|| view! {
                <div class="field narrow">
                    <label for="shard-count">"Shard count"</label>
                    <input id="shard-count" type="number" inputmode="numeric" min="1" step="1"
                        prop:value=shard_count on:input=move |ev| shard_count.set(event_target_value(&ev)) />
                </div>
            })}
            {move || on_demand.get().then(|| view! {
                <p class="help">"On-demand starts with 4 shards (4 MB/s of writes) and grows toward twice the \
                    highest write rate of the last 30 days."</p>
            })}
            <button id="create-stream" type="submit" class="primary">"Create stream"</button>
            <ApiErrorBox error=error testid="create-error" />
            {move || note.get().map(|n| view! { <p class="note" data-testid="create-note">{n}</p> })}
        </form>
    }
}

/// DeleteStream for the selected stream, with the consumer-enforcement choice AWS offers.
#[component]
pub fn DeleteStream(name: String) -> impl IntoView {
    let lab = use_lab();
    let enforce = RwSignal::new(false);
    let confirm = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiFailure>);
    let name_for_call = name.clone();
    let delete = move |_| {
        error.set(None);
        if !confirm.get_untracked() {
            confirm.set(true);
            return;
        }
        let request = json!({ "StreamName": name_for_call, "EnforceConsumerDeletion": enforce.get_untracked() });
        match lab.call("DeleteStream", request) {
            Ok(_) => confirm.set(false),
            Err(e) => {
                confirm.set(false);
                error.set(Some(e));
            }
        }
    };
    view! {
        <div class="delete-stream">
            <label class="inline">
                <input type="checkbox" id="enforce-consumer-deletion" prop:checked=enforce
                    on:change=move |ev| enforce.set(event_target_checked(&ev)) />
                " Also deregister its enhanced fan-out consumers (EnforceConsumerDeletion)"
            </label>
            <button type="button" id="delete-stream" class="danger" on:click=delete>
                {move || if confirm.get() { format!("Really delete {}?", name) } else { "Delete stream".to_string() }}
            </button>
            <ApiErrorBox error=error testid="delete-error" />
        </div>
    }
}

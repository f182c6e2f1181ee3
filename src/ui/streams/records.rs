//! The per-shard record browser: what is stored in each shard right now (sequence number, arrival time,
//! partition key, decoded data), oldest first, in pages. Observed, so browsing never uses the shard's
//! 5 reads/s or 2 MB/s (the "Read back" panel shows the real GetRecords call).

use leptos::prelude::*;

use crate::api::observe;
use crate::ui::format::{grouped, utc_millis};
use crate::ui::lab::use_lab;

const PAGE_SIZE: usize = 25;

#[component]
pub fn RecordBrowser(stream: String) -> impl IntoView {
    let lab = use_lab();
    let shard = RwSignal::new(None::<String>);
    let page = RwSignal::new(0usize);
    let stream_for_ids = stream.clone();
    let shard_ids = Memo::new(move |_| {
        lab.read_sandbox(|sb| {
            observe::shards(&sb.service.engine, &stream_for_ids)
                .into_iter()
                .filter(|o| o.stored_records > 0 || o.state == crate::viz::shard_map::ShardState::Open)
                .map(|o| (o.shard.shard_id, o.stored_records, o.replicated_records))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    });
    let current = Memo::new(move |_| {
        let ids = shard_ids.get();
        shard
            .get()
            .filter(|s| ids.iter().any(|(id, _, _)| id == s))
            .or_else(|| ids.iter().find(|(_, n, _)| *n > 0).map(|(id, _, _)| id.clone()))
            .or_else(|| ids.first().map(|(id, _, _)| id.clone()))
    });
    let stream_for_page = stream.clone();
    let records = move || {
        let id = current.get()?;
        let skip = page.get() * PAGE_SIZE;
        lab.read_sandbox(|sb| observe::shard_records(&sb.service.engine, &stream_for_page, &id, skip, PAGE_SIZE))
    };
    view! {
        <section class="panel" aria-labelledby="browser-heading">
            <h2 id="browser-heading">"Record browser"</h2>
            <div class="row">
                <div class="field">
                    <label for="browse-shard">"Shard"</label>
                    <select id="browse-shard" on:change=move |ev| { shard.set(Some(event_target_value(&ev))); page.set(0); }
                        prop:value=move || current.get().unwrap_or_default()>
                        {move || shard_ids.get().into_iter().map(|(id, n, _)| view! {
                            <option value=id.clone()>{format!("{id} ({} records)", grouped(n as u64))}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            {move || records().map(|(list, total)| {
                let pages = total.div_ceil(PAGE_SIZE).max(1);
                let p = page.get().min(pages - 1);
                let replicated = current
                    .get()
                    .and_then(|id| shard_ids.get().into_iter().find(|(i, _, _)| *i == id).map(|(_, _, r)| r))
                    .unwrap_or(0);
                view! {
                    <p class="help" data-testid="browser-count">{format!("{} records stored; page {} of {} (oldest first).", grouped(total as u64), p + 1, pages)}</p>
                    {(replicated > 0).then(|| view! {
                        <p class="help" data-testid="browser-replicated">{format!(
                            "{} of them come from fast-forwarding steady traffic: each repeats a record of the short sampled period, \
                             with its own sequence number and arrival time, so their data repeats from period to period.",
                            grouped(replicated)
                        )}</p>
                    })}
                    <div class="row">
                        <button type="button" disabled=move || page.get() == 0 on:click=move |_| page.set(0)>"◀◀ Oldest"</button>
                        <button type="button" disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>"◀ Older"</button>
                        <button type="button" disabled={p + 1 >= pages} on:click=move |_| page.update(|p| *p += 1)>"Newer ▶"</button>
                        <button type="button" disabled={p + 1 >= pages} on:click=move |_| page.set(pages - 1)>"Newest ▶▶"</button>
                    </div>
                    <table class="records" data-testid="browser-table">
                        <caption class="visually-hidden">"Stored records of the shard"</caption>
                        <thead><tr><th scope="col">"Sequence number"</th><th scope="col">"Arrival (simulated)"</th>
                            <th scope="col">"Partition key"</th><th scope="col">"Data (decoded)"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|r| view! {
                                <tr data-testid="browser-row">
                                    <td class="mono seq">{r.sequence_number.clone()}</td>
                                    <td class="mono nowrap">{utc_millis(r.approximate_arrival_timestamp.0)}</td>
                                    <td class="mono">{r.partition_key.clone()}</td>
                                    <td class="mono data">{String::from_utf8_lossy(&r.data.0).chars().take(200).collect::<String>()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
            })}
        </section>
    }
}

/// The retention setting (Increase/DecreaseStreamRetentionPeriod) and what it means for the stored data.
#[component]
pub fn RetentionPanel(stream: String) -> impl IntoView {
    let lab = use_lab();
    let hours = RwSignal::new(String::new());
    let error = RwSignal::new(None::<crate::ui::lab::ApiFailure>);
    let note = RwSignal::new(None::<String>);
    let current = move || lab.stream_view().map(|s| s.retention_hours).unwrap_or(24);
    let stream_name = StoredValue::new(stream);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        note.set(None);
        let text = hours.get_untracked();
        let Ok(h) = text.trim().parse::<i64>() else {
            error.set(Some(crate::ui::lab::ApiFailure::local(format!("Retention must be a whole number of hours, not \"{text}\"."))));
            return;
        };
        let now = untrack(current) as i64;
        let op = if h >= now { "IncreaseStreamRetentionPeriod" } else { "DecreaseStreamRetentionPeriod" };
        match lab.call(op, serde_json::json!({"StreamName": stream_name.get_value(), "RetentionPeriodHours": h})) {
            Ok(_) => note.set(Some(format!("{op} accepted: records now stay {h} hours."))),
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <section class="panel" aria-labelledby="retention-heading">
            <h2 id="retention-heading">"Retention"</h2>
            <p>"Records stay readable for "<strong data-testid="retention-hours">{move || current()}" hours"</strong>
                " after they arrive; then they expire, and a closed shard disappears once its last record has. "
                "Fast-forward the clock to watch it happen. Allowed: 24 to 8,760 hours (365 days)."</p>
            <form class="row" on:submit=submit>
                <div class="field narrow">
                    <label for="retention-input">"Retention (hours)"</label>
                    <input id="retention-input" type="number" min="24" max="8760" step="1" prop:value=hours
                        on:input=move |ev| hours.set(event_target_value(&ev)) />
                </div>
                <button id="set-retention" type="submit">"Set retention"</button>
            </form>
            <crate::ui::lab::ApiErrorBox error=error testid="retention-error" />
            {move || note.get().map(|n| view! { <p class="note">{n}</p> })}
        </section>
    }
}

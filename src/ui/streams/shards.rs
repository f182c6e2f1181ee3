//! The shard map (every shard's hash-key range along [0, 2^128), one row per resharding generation, open,
//! closed and expired told apart by pattern and label, not colour alone), resharding by picking on it, and
//! the lineage graph of parents and children.

use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen::JsCast;

use crate::api::observe::{self, ShardOverview};
use crate::engine::streams::hash::partition_key_hash_key;
use crate::ui::format::grouped;
use crate::ui::lab::{use_lab, ApiErrorBox, ApiFailure};
use crate::viz::shard_map::{
    fraction_of_space, generations, hash_key_at, lineage_edges, midpoint, place, PlacedShard, ShardState,
};

/// Drawing units: the map is 1000 wide; each generation is one row.
const MAP_WIDTH: f64 = 1000.0;
const ROW_HEIGHT: f64 = 44.0;
const ROW_GAP: f64 = 8.0;

fn short_id(id: &str) -> String {
    let digits = id.trim_start_matches("shardId-").trim_start_matches('0');
    if digits.is_empty() { "0".into() } else { digits.into() }
}

fn percent(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// The shards of the selected stream, observed (no API calls counted), tracking every change.
fn observed_shards(stream: &str) -> Vec<ShardOverview> {
    let lab = use_lab();
    lab.read_sandbox(|sb| observe::shards(&sb.service.engine, stream)).unwrap_or_default()
}

#[component]
pub fn ShardsPanel(stream: String) -> impl IntoView {
    let lab = use_lab();
    let picked = RwSignal::new(None::<String>);
    let split_key = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiFailure>);
    let note = RwSignal::new(None::<String>);
    let stream_for_map = stream.clone();
    let overviews = Memo::new(move |_| observed_shards(&stream_for_map));
    let placed = Memo::new(move |_| place(&overviews.get().iter().map(|o| o.to_box()).collect::<Vec<_>>()));

    let key_fraction = Memo::new(move |_| fraction_of_space(partition_key_hash_key(&lab.partition_key.get())));

    let stream_for_call = stream.clone();
    let call = move |op: &str, body: serde_json::Value, done: String| {
        error.set(None);
        note.set(None);
        match lab.call(op, body) {
            Ok(_) => note.set(Some(done)),
            Err(e) => error.set(Some(e)),
        }
    };
    let call = StoredValue::new(call);
    let stream_name = StoredValue::new(stream_for_call);

    let map = move || {
        let placed = placed.get();
        let rows = generations(&placed);
        let height = rows as f64 * (ROW_HEIGHT + ROW_GAP);
        let marker_x = key_fraction.get() * MAP_WIDTH;
        view! {
            <svg class="shard-map" data-testid="shard-map" viewBox=format!("0 0 {MAP_WIDTH} {height}")
                preserveAspectRatio="xMinYMin meet" role="group"
                aria-label=format!("Shard map: {} shards over {} generation(s). Each shard is a button.", placed.len(), rows)>
                <defs>
                    <pattern id="hatch-closed" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
                        <rect width="8" height="8" class="hatch-bg" />
                        <line x1="0" y1="0" x2="0" y2="8" class="hatch-line" stroke-width="3" />
                    </pattern>
                </defs>
                {placed.iter().map(|p| shard_rect(p, picked, split_key)).collect_view()}
                <line class="key-marker" x1=marker_x x2=marker_x y1="0" y2=height aria-hidden="true" />
            </svg>
        }
    };

    let details = move || {
        let id = picked.get()?;
        let o = overviews.get().into_iter().find(|o| o.shard.shard_id == id)?;
        let open_neighbours: Vec<ShardOverview> = overviews
            .get()
            .into_iter()
            .filter(|n| n.state == ShardState::Open && (n.end.checked_add(1) == Some(o.start) || o.end.checked_add(1) == Some(n.start)))
            .collect();
        let now = lab.now_ms.get();
        let retention_ms = lab.stream_view().map(|s| s.retention_hours * 3_600_000).unwrap_or(0);
        let expires = o.oldest_arrival_ms.map(|t| (t + retention_ms).saturating_sub(now));
        let is_open = o.state == ShardState::Open;
        let split_id = id.clone();
        let mid = midpoint(o.start, o.end);
        Some(view! {
            <div class="shard-details" data-testid="shard-details" aria-live="polite">
                <h3 class="mono">{id.clone()}" — "{o.state.label()}</h3>
                <dl class="summary">
                    <div class="wide"><dt>"Hash keys"</dt><dd class="mono">{o.shard.hash_key_range.starting_hash_key.clone()}" … "{o.shard.hash_key_range.ending_hash_key.clone()}</dd></div>
                    <div><dt>"Parent"</dt><dd class="mono">{o.shard.parent_shard_id.clone().unwrap_or_else(|| "—".into())}</dd></div>
                    <div><dt>"Adjacent parent"</dt><dd class="mono">{o.shard.adjacent_parent_shard_id.clone().unwrap_or_else(|| "—".into())}</dd></div>
                    <div><dt>"Children"</dt><dd class="mono">{if o.children.is_empty() { "—".to_string() } else { o.children.join(", ") }}</dd></div>
                    <div><dt>"Records stored"</dt><dd data-testid="shard-stored">{grouped(o.stored_records as u64)}</dd></div>
                    <div><dt>"Oldest record expires in"</dt><dd>{expires.map(crate::viz::clock::human_duration).unwrap_or_else(|| "no records".into())}</dd></div>
                    <div class="wide"><dt>"Sequence numbers"</dt><dd class="mono">{o.shard.sequence_number_range.starting_sequence_number.clone()}" … "{o.shard.sequence_number_range.ending_sequence_number.clone().unwrap_or_else(|| "(open)".into())}</dd></div>
                </dl>
                {is_open.then(|| {
                    let split_id2 = split_id.clone();
                    view! {
                        <form class="row" on:submit=move |ev| {
                            ev.prevent_default();
                            let key = split_key.get_untracked().trim().to_string();
                            let body = json!({"StreamName": stream_name.get_value(), "ShardToSplit": split_id2, "NewStartingHashKey": key});
                            call.with_value(|c| c(&"SplitShard", body, format!("SplitShard accepted: {split_id2} closes and two children open once UPDATING ends.")));
                        }>
                            <div class="field">
                                <label for="split-key">"New starting hash key (click the map to pick, or type)"</label>
                                <input id="split-key" class="mono" type="text" inputmode="numeric" prop:value=split_key
                                    on:input=move |ev| split_key.set(event_target_value(&ev)) />
                            </div>
                            <button type="button" on:click=move |_| split_key.set(mid.to_string())>"Use midpoint"</button>
                            <button id="split-shard" type="submit" class="primary">"Split shard"</button>
                        </form>
                    }
                })}
                {is_open.then(|| open_neighbours.into_iter().map(|n| {
                    let (a, b) = if n.end < o.start { (n.shard.shard_id.clone(), id.clone()) } else { (id.clone(), n.shard.shard_id.clone()) };
                    let label = format!("Merge with {}", n.shard.shard_id);
                    view! {
                        <button type="button" class="merge" data-testid="merge-button" on:click=move |_| {
                            let body = json!({"StreamName": stream_name.get_value(), "ShardToMerge": a, "AdjacentShardToMerge": b});
                            call.with_value(|c| c(&"MergeShards", body, "MergeShards accepted: both parents close and one child opens once UPDATING ends.".into()));
                        }>{label}</button>
                    }
                }).collect_view())}
            </div>
        })
    };

    let target = RwSignal::new(String::new());
    let update_count = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = target.get_untracked();
        match text.trim().parse::<i64>() {
            Ok(n) => {
                let body = json!({"StreamName": stream_name.get_value(), "TargetShardCount": n, "ScalingType": "UNIFORM_SCALING"});
                call.with_value(|c| c(&"UpdateShardCount", body, format!("UpdateShardCount accepted: the stream is UPDATING towards {n} open shards.")));
            }
            Err(_) => error.set(Some(ApiFailure::local(format!("Target shard count must be a whole number, not \"{text}\"")))),
        }
    };

    view! {
        <section class="panel" aria-labelledby="shard-map-heading">
            <h2 id="shard-map-heading">"Shard map"</h2>
            <p class="help">
                "Each bar is a shard's hash-key range along 0 … 2"<sup>"128"</sup>" − 1; each row is one generation of "
                "resharding, newest at the bottom. Solid bars are open, hatched bars are closed (still readable until "
                "retention passes), faint dashed bars have expired. The vertical line is where your partition key lands. "
                "Pick a shard to see it, split it at a point you click, or merge it with an open neighbour."
            </p>
            <div class="legend" aria-hidden="true">
                <span class="legend-item"><span class="swatch open"></span>"open"</span>
                <span class="legend-item"><span class="swatch closed"></span>"closed"</span>
                <span class="legend-item"><span class="swatch expired"></span>"expired"</span>
                <span class="legend-item"><span class="swatch key"></span>"your key"</span>
            </div>
            {map}
            <div class="keyline-scale" aria-hidden="true"><span>"0"</span><span>"2"<sup>"128"</sup>" − 1"</span></div>
            <ApiErrorBox error=error testid="reshard-error" />
            {move || note.get().map(|n| view! { <p class="note" data-testid="reshard-note">{n}</p> })}
            {details}
            <form class="row" on:submit=update_count>
                <div class="field narrow">
                    <label for="target-shard-count">"Target open shards"</label>
                    <input id="target-shard-count" type="number" min="1" step="1" prop:value=target
                        on:input=move |ev| target.set(event_target_value(&ev)) />
                </div>
                <button id="update-shard-count" type="submit">"UpdateShardCount (uniform)"</button>
                <p class="help">"Allowed: between half and double the open shards, at most 10 times in 24 hours."</p>
            </form>
            <ShardTable overviews=overviews />
        </section>
        <LineagePanel placed=placed />
    }
}

fn shard_rect(p: &PlacedShard, picked: RwSignal<Option<String>>, split_key: RwSignal<String>) -> impl IntoView {
    let x = p.x0 * MAP_WIDTH;
    let w = ((p.x1 - p.x0) * MAP_WIDTH).max(1.0);
    let y = p.generation as f64 * (ROW_HEIGHT + ROW_GAP);
    let id = p.shard.shard_id.clone();
    let state = p.shard.state;
    let label = format!("{} {}", short_id(&id), if w > 90.0 { state.label() } else { "" });
    let aria = format!("{id}, {}, hash keys {} to {}", state.label(), percent(p.x0), percent(p.x1));
    let class = format!("shard-bar {}", state.label());
    let id_click = id.clone();
    let id_key = id.clone();
    let id_sel = id.clone();
    let (x0, x1, start, end) = (p.x0, p.x1, p.shard.start, p.shard.end);
    let open = state == ShardState::Open;
    view! {
        <g class=class tabindex="0" role="button" aria-label=aria data-testid="shard-bar" data-shard-id=id.clone()
            aria-pressed=move || (picked.get().as_deref() == Some(id_sel.as_str())).to_string()
            on:click=move |ev: leptos::ev::MouseEvent| {
                picked.set(Some(id_click.clone()));
                if open {
                    // Where on the bar was clicked → a hash key inside this shard (for "split here").
                    if let Some(svg) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|g| g.closest("svg").ok().flatten()) {
                        let rect = svg.get_bounding_client_rect();
                        if rect.width() > 0.0 {
                            let fx = ((ev.client_x() as f64 - rect.left()) / rect.width()).clamp(x0, x1);
                            let key = hash_key_at(fx).clamp(start.saturating_add(1), end);
                            split_key.set(key.to_string());
                        }
                    }
                }
            }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    picked.set(Some(id_key.clone()));
                    if open { split_key.set(midpoint(start, end).to_string()); }
                }
            }>
            <rect x=x y=y width=w height=ROW_HEIGHT rx="3" />
            <text x=x + 6.0 y=y + ROW_HEIGHT / 2.0 + 6.0 class="shard-label">{label}</text>
        </g>
    }
}

#[component]
fn ShardTable(overviews: Memo<Vec<ShardOverview>>) -> impl IntoView {
    view! {
        <details class="table-details">
            <summary>"Shard table (the map as text)"</summary>
            <table class="shards" data-testid="shard-table">
                <caption>"Every shard of the stream, with its hash-key range and state"</caption>
                <thead><tr>
                    <th scope="col">"Shard"</th><th scope="col">"State"</th>
                    <th scope="col">"Hash-key range (start … end, inclusive)"</th>
                    <th scope="col">"Parents"</th><th scope="col" class="num">"Records"</th>
                </tr></thead>
                <tbody>
                    {move || overviews.get().into_iter().map(|o| {
                        let parents = [o.shard.parent_shard_id.clone(), o.shard.adjacent_parent_shard_id.clone()]
                            .into_iter().flatten().collect::<Vec<_>>().join(", ");
                        view! {
                            <tr data-testid="shard-row" data-shard-id=o.shard.shard_id.clone() data-state=o.state.label()>
                                <th scope="row" class="mono nowrap">{o.shard.shard_id.clone()}</th>
                                <td>{o.state.label()}</td>
                                <td class="mono range">
                                    <span data-testid="shard-start">{o.shard.hash_key_range.starting_hash_key.clone()}</span>
                                    <span aria-hidden="true">" … "</span><span class="visually-hidden">" to "</span>
                                    <span data-testid="shard-end">{o.shard.hash_key_range.ending_hash_key.clone()}</span>
                                </td>
                                <td class="mono">{if parents.is_empty() { "—".to_string() } else { parents }}</td>
                                <td class="num">{grouped(o.stored_records as u64)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// Node-link drawing of the lineage: one column per generation, each shard at the height of its range's
/// middle, an edge from every parent to its children (dashed for a merge's adjacent parent).
#[component]
fn LineagePanel(placed: Memo<Vec<PlacedShard>>) -> impl IntoView {
    const COL_W: f64 = 150.0;
    const NODE_W: f64 = 90.0;
    const NODE_H: f64 = 26.0;
    const HEIGHT: f64 = 320.0;
    let drawing = move || {
        let placed = placed.get();
        let cols = generations(&placed);
        let width = cols as f64 * COL_W + 20.0;
        let pos = |p: &PlacedShard| {
            let x = 10.0 + p.generation as f64 * COL_W;
            let y = 10.0 + ((p.x0 + p.x1) / 2.0) * (HEIGHT - 20.0 - NODE_H);
            (x, y)
        };
        let edges = lineage_edges(&placed);
        view! {
            <svg class="lineage" data-testid="lineage-graph" viewBox=format!("0 0 {width} {HEIGHT}")
                width=width height=HEIGHT role="img"
                aria-label=format!("Lineage graph: {} shards, {} parent-to-child links; the table below lists them.", placed.len(), edges.len())>
                {edges.iter().map(|e| {
                    let (px, py) = pos(&placed[e.parent]);
                    let (cx, cy) = pos(&placed[e.child]);
                    let (x1, y1, x2, y2) = (px + NODE_W, py + NODE_H / 2.0, cx, cy + NODE_H / 2.0);
                    let mx = (x1 + x2) / 2.0;
                    let d = format!("M{x1},{y1} C{mx},{y1} {mx},{y2} {x2},{y2}");
                    view! { <path d=d class=if e.adjacent { "edge adjacent" } else { "edge" } /> }
                }).collect_view()}
                {placed.iter().map(|p| {
                    let (x, y) = pos(p);
                    let class = format!("node {}", p.shard.state.label());
                    view! {
                        <g class=class>
                            <rect x=x y=y width=NODE_W height=NODE_H rx="4" />
                            <text x=x + 6.0 y=y + 18.0>{format!("{} {}", short_id(&p.shard.shard_id), match p.shard.state {
                                ShardState::Open => "open", ShardState::Closed => "closed", ShardState::Expired => "expired" })}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        }
    };
    let rows = move || {
        placed.get().into_iter().map(|p| view! {
            <tr data-testid="lineage-row">
                <th scope="row" class="mono">{p.shard.shard_id.clone()}</th>
                <td>{p.shard.state.label()}</td>
                <td class="mono">{p.shard.parent.clone().unwrap_or_else(|| "—".into())}</td>
                <td class="mono">{p.shard.adjacent_parent.clone().unwrap_or_else(|| "—".into())}</td>
                <td class="num">{p.generation}</td>
            </tr>
        }).collect_view()
    };
    view! {
        <section class="panel" aria-labelledby="lineage-heading">
            <h2 id="lineage-heading">"Lineage"</h2>
            <p class="help">"Splits give a parent two children; merges give a child a parent and an adjacent parent \
                (dashed). Read a parent to its end before its children to keep each key's records in order."</p>
            <div class="scroll-x">{drawing}</div>
            <details class="table-details">
                <summary>"Lineage table"</summary>
                <table>
                    <caption>"Each shard's parents and generation"</caption>
                    <thead><tr><th scope="col">"Shard"</th><th scope="col">"State"</th><th scope="col">"ParentShardId"</th>
                        <th scope="col">"AdjacentParentShardId"</th><th scope="col" class="num">"Generation"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </section>
    }
}

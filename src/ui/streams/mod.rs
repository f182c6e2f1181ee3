//! The Data Streams sandbox: the account's streams on the left, the selected stream's tabs on the right
//! (shards and lineage, records, producers, consumers, charts) and the terminal below.

mod charts;
mod consumers;
mod list;
mod producers;
mod records;
mod shards;

use leptos::prelude::*;

use crate::ui::lab::use_lab;
use crate::ui::partition_key::PartitionKeyPanel;
use crate::ui::records_panel::{PutRecordPanel, ReadRecordsPanel};
use list::{DeleteStream, StreamList};
use records::{RecordBrowser, RetentionPanel};
use shards::ShardsPanel;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Shards,
    Records,
    Producers,
    Consumers,
    Charts,
}

impl Tab {
    const ALL: [Tab; 5] = [Tab::Shards, Tab::Records, Tab::Producers, Tab::Consumers, Tab::Charts];

    fn label(self) -> &'static str {
        match self {
            Tab::Shards => "Shards & lineage",
            Tab::Records => "Records",
            Tab::Producers => "Producers",
            Tab::Consumers => "Consumers",
            Tab::Charts => "Charts",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Shards => "tab-shards",
            Tab::Records => "tab-records",
            Tab::Producers => "tab-producers",
            Tab::Consumers => "tab-consumers",
            Tab::Charts => "tab-charts",
        }
    }
}

#[component]
pub fn StreamsView() -> impl IntoView {
    let lab = use_lab();
    // A stream made elsewhere (the terminal, an import) is shown at once if nothing is selected.
    Effect::new(move |_| {
        if lab.selected.get().is_none() {
            if let Some(first) = lab.read_sandbox(|sb| sb.service.engine.streams().next().map(|s| s.name.clone())).flatten() {
                lab.selected.set(Some(first));
            }
        }
    });
    view! {
        <div class="streams-layout">
            <StreamList />
            <div class="stream-detail">
                {move || match lab.selected.get() {
                    None => view! {
                        <section class="panel empty-state">
                            <h2>"Start here"</h2>
                            <p>"Create a stream on the left. Then route a partition key to a shard, put records, run a "
                               "producer at a few thousand records a second and watch a shard throttle, split it, and "
                               "read everything back in order. Press "<kbd>"?"</kbd>" for keyboard shortcuts."</p>
                        </section>
                    }.into_any(),
                    Some(name) => view! { <StreamDetail name=name /> }.into_any(),
                }}
            </div>
        </div>
        <crate::ui::terminal::Terminal />
    }
}

#[component]
fn StreamDetail(name: String) -> impl IntoView {
    let lab = use_lab();
    let tab = RwSignal::new(Tab::Shards);
    let name_for_detail = name.clone();
    let summary = move || {
        lab.stream_view().map(|s| view! {
            <dl class="summary" data-testid="stream-summary">
                <div><dt>"Name"</dt><dd data-testid="stream-name-shown">{s.name.clone()}</dd></div>
                <div><dt>"Status"</dt><dd data-testid="stream-status"><span class="status">{s.status.clone()}</span></dd></div>
                <div><dt>"Open shards"</dt><dd data-testid="open-shard-count">{s.open_shard_count}</dd></div>
                <div><dt>"Retention"</dt><dd>{s.retention_hours}" h"</dd></div>
                <div class="wide"><dt>"ARN"</dt><dd class="mono">{s.arn.clone()}</dd></div>
            </dl>
        })
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let i = Tab::ALL.iter().position(|t| *t == tab.get_untracked()).unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowRight" => Some((i + 1) % Tab::ALL.len()),
            "ArrowLeft" => Some((i + Tab::ALL.len() - 1) % Tab::ALL.len()),
            "Home" => Some(0),
            "End" => Some(Tab::ALL.len() - 1),
            _ => None,
        };
        if let Some(n) = next {
            ev.prevent_default();
            tab.set(Tab::ALL[n]);
            if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(Tab::ALL[n].id())) {
                use wasm_bindgen::JsCast;
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        }
    };
    view! {
        <section class="panel stream-head" aria-labelledby="stream-heading">
            <h2 id="stream-heading" class="mono">{name.clone()}</h2>
            {summary}
            {move || lab.stream_view().is_none().then(|| view! {
                <p class="note">"This stream no longer exists (it was deleted). Pick or create another."</p>
            })}
            <p class="deliver-link">
                <a class="button-link" id="deliver-with-firehose" data-testid="deliver-with-firehose"
                    href=format!("#/firehose?source={name}")>"Deliver this stream to S3 with Firehose →"</a>
                <span class="help">" Opens the Firehose designer with this stream as the source."</span>
            </p>
            <p class="deliver-link">
                <a class="button-link" data-testid="price-this-stream"
                    href=move || format!("#/pricing?shards={}", lab.stream_view().map_or(1, |s| s.open_shard_count))>"What would this cost a month? →"</a>
                <span class="help">" Opens the cost calculator with this stream's shard count."</span>
            </p>
            <DeleteStream name=name.clone() />
        </section>
        <div class="tabs" role="tablist" aria-label="Stream views" on:keydown=on_key>
            {Tab::ALL.iter().map(|t| {
                let t = *t;
                view! {
                    <button type="button" role="tab" id=t.id() aria-controls="tab-panel"
                        aria-selected=move || (tab.get() == t).to_string()
                        tabindex=move || if tab.get() == t { "0" } else { "-1" }
                        on:click=move |_| tab.set(t)>{t.label()}</button>
                }
            }).collect_view()}
        </div>
        <div id="tab-panel" role="tabpanel" aria-labelledby=move || tab.get().id()>
            {move || {
                let n = name_for_detail.clone();
                match tab.get() {
                    Tab::Shards => view! { <ShardsPanel stream=n.clone() /><RetentionPanel stream=n /> }.into_any(),
                    Tab::Records => view! {
                        <PartitionKeyPanel />
                        <PutRecordPanel />
                        <ReadRecordsPanel />
                        <RecordBrowser stream=n />
                    }.into_any(),
                    Tab::Producers => view! { <producers::ProducersPanel stream=n /> }.into_any(),
                    Tab::Consumers => view! { <consumers::ConsumersPanel stream=n /> }.into_any(),
                    Tab::Charts => view! { <charts::ChartsPanel stream=n /> }.into_any(),
                }
            }}
        </div>
    }
}

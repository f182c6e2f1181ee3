//! The Amazon Data Firehose sandbox: delivery streams on the left (with the designer that creates them),
//! the selected one's tabs on the right (buffer and send, deliveries, edit destination, charts), the
//! simulated S3 bucket browser below, then the terminal. Like the Data Streams view, every action is the
//! JSON boto3 would send (`Lab::call_firehose`) and every drawing reads `api::observe_firehose`, so
//! watching a delivery stream costs no API call.
//!
//! Modules: `list` (list, detail head, delete), `designer`
//! (CreateDeliveryStream), `update` (UpdateDestination), `buffer` (gauges), `send` (PutRecord /
//! PutRecordBatch), `deliveries` (timeline), `s3` (bucket browser, preview, download), `charts`. A
//! description is read leniently by `viz::firehose_info`; the pure helpers are in `viz::firehose`.

mod buffer;
mod charts;
mod deliveries;
mod designer;
mod designer_parts;
mod lambda;
mod list;
mod s3;
mod send;
mod targets;
mod update;

use leptos::prelude::*;

use crate::api::observe_firehose;
use crate::ui::lab::{use_lab, Lab};
use crate::viz::route::query_param;
use crate::viz::firehose_info::StreamInfo;

/// The Firehose page's own state, kept in context so it survives a visit to another section.
#[derive(Clone, Copy)]
pub struct FirehoseUi {
    /// The delivery stream the detail shows.
    pub selected: RwSignal<Option<String>>,
    /// Whether the designer (create form) is open in the detail area.
    pub designing: RwSignal<bool>,
    /// A Kinesis data stream the designer should take as the source (from the Streams view).
    pub designer_source: RwSignal<Option<String>>,
    /// The S3 browser: bucket, folder (a prefix ending in `/`, or empty), the object previewed, and
    /// whether only error output is listed.
    pub bucket: RwSignal<Option<String>>,
    pub folder: RwSignal<String>,
    pub object: RwSignal<Option<String>>,
    pub errors_only: RwSignal<bool>,
    /// What the last create or delete did that the learner did not see happen (the clock moved).
    pub notice: RwSignal<Option<String>>,
}

impl FirehoseUi {
    pub fn new() -> Self {
        FirehoseUi {
            selected: RwSignal::new(None),
            designing: RwSignal::new(false),
            designer_source: RwSignal::new(None),
            bucket: RwSignal::new(None),
            folder: RwSignal::new(String::new()),
            object: RwSignal::new(None),
            errors_only: RwSignal::new(false),
            notice: RwSignal::new(None),
        }
    }

    /// Shows an object in the S3 browser (its bucket, its folder, its preview) and moves focus there.
    pub fn open_object(&self, bucket: &str, key: &str) {
        self.bucket.set(Some(bucket.to_string()));
        self.folder.set(key.rfind('/').map(|i| key[..=i].to_string()).unwrap_or_default());
        self.errors_only.set(false);
        self.object.set(Some(key.to_string()));
        focus_later("s3-preview-heading");
    }
}

impl Default for FirehoseUi {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_firehose_ui() -> FirehoseUi {
    expect_context::<FirehoseUi>()
}

/// Every delivery stream, read for drawing (tracks the sandbox's changes).
pub fn stream_infos(lab: Lab) -> Vec<StreamInfo> {
    lab.read_sandbox(|sb| observe_firehose::delivery_streams(&sb.firehose.engine))
        .unwrap_or_default()
        .iter()
        .map(StreamInfo::from_overview)
        .collect()
}

/// One delivery stream, read for drawing.
pub fn stream_info(lab: Lab, name: &str) -> Option<StreamInfo> {
    lab.read_sandbox(|sb| observe_firehose::delivery_stream(&sb.firehose.engine, name))
        .flatten()
        .map(|o| StreamInfo::from_overview(&o))
}

/// Focuses an element that is on the page now.
fn focus_now(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Focuses an element (scrolled into view) once the view that holds it has been drawn.
pub fn focus_later(id: &'static str) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            el.scroll_into_view();
            let _ = el.focus();
        }
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Buffer,
    Deliveries,
    Destination,
    Edit,
    Charts,
}

impl Tab {
    const ALL: [Tab; 5] = [Tab::Buffer, Tab::Deliveries, Tab::Destination, Tab::Edit, Tab::Charts];

    fn label(self) -> &'static str {
        match self {
            Tab::Buffer => "Buffer & send",
            Tab::Deliveries => "Deliveries",
            Tab::Destination => "Destination",
            Tab::Edit => "Edit destination",
            Tab::Charts => "Charts",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Buffer => "fh-tab-buffer",
            Tab::Deliveries => "fh-tab-deliveries",
            Tab::Destination => "fh-tab-destination",
            Tab::Edit => "fh-tab-edit",
            Tab::Charts => "fh-tab-charts",
        }
    }
}

#[component]
pub fn FirehoseView() -> impl IntoView {
    let lab = use_lab();
    let ui = use_firehose_ui();
    // `#/firehose?source=<stream>` (the Streams view's "Deliver this stream…") opens the designer with it.
    let hash = window().location().hash().unwrap_or_default();
    if let Some(source) = query_param(&hash, "source") {
        ui.designer_source.set(Some(source));
        ui.designing.set(true);
        focus_later("designer-heading");
        // Drop the query (no hashchange is fired), so a reload does not open the designer again.
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("#/firehose"));
        }
    }
    // With nothing to show, show the designer; keep the selection on a stream that exists.
    Effect::new(move |_| {
        let names: Vec<String> = stream_infos(lab).into_iter().map(|s| s.name).collect();
        if ui.selected.get().is_some_and(|s| !names.contains(&s)) {
            ui.selected.set(names.first().cloned());
        }
        if ui.selected.get_untracked().is_none() {
            match names.first() {
                Some(first) => ui.selected.set(Some(first.clone())),
                // Only on a change: a set always notifies, and would redraw the designer (losing its fields).
                None if !ui.designing.get_untracked() => ui.designing.set(true),
                None => {}
            }
        }
    });
    // What the detail area shows, redrawn only when it changes (not on every set of the signals).
    let designing = Memo::new(move |_| ui.designing.get());
    let selected = Memo::new(move |_| ui.selected.get());
    view! {
        <div class="streams-layout">
            <list::DeliveryStreamList />
            <div class="stream-detail">
                {move || {
                    if designing.get() {
                        view! { <designer::Designer /> }.into_any()
                    } else {
                        match selected.get() {
                            Some(name) => view! {
                                {move || ui.notice.get().map(|n| view! {
                                    <div class="store-notice panel-notice" role="status" data-testid="fh-notice">
                                        <span>{n}</span>
                                        <button type="button" class="quiet" aria-label="Dismiss" on:click=move |_| ui.notice.set(None)>"✕"</button>
                                    </div>
                                })}
                                <StreamDetail name=name />
                            }.into_any(),
                            None => view! { <designer::Designer /> }.into_any(),
                        }
                    }
                }}
            </div>
        </div>
        <lambda::FunctionsPanel />
        <s3::S3Browser />
        <crate::ui::terminal::Terminal />
    }
}

#[component]
fn StreamDetail(name: String) -> impl IntoView {
    let tab = RwSignal::new(Tab::Buffer);
    let name = StoredValue::new(name);
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
            focus_now(Tab::ALL[n].id());
        }
    };
    view! {
        <list::StreamHead name=name.get_value() />
        <div class="tabs" role="tablist" aria-label="Delivery stream views" on:keydown=on_key>
            {Tab::ALL.iter().map(|t| {
                let t = *t;
                view! {
                    <button type="button" role="tab" id=t.id() aria-controls="fh-tab-panel"
                        aria-selected=move || (tab.get() == t).to_string()
                        tabindex=move || if tab.get() == t { "0" } else { "-1" }
                        on:click=move |_| tab.set(t)>{t.label()}</button>
                }
            }).collect_view()}
        </div>
        <div id="fh-tab-panel" role="tabpanel" aria-labelledby=move || tab.get().id()>
            {move || {
                let n = name.get_value();
                match tab.get() {
                    Tab::Buffer => view! { <buffer::BufferGauges stream=n.clone() /><send::SendRecords stream=n /> }.into_any(),
                    Tab::Deliveries => view! { <deliveries::DeliveryTimeline stream=n /> }.into_any(),
                    Tab::Destination => view! { <targets::DestinationTab stream=n /> }.into_any(),
                    Tab::Edit => view! { <update::UpdateDestinationForm stream=n /> }.into_any(),
                    Tab::Charts => view! { <charts::FirehoseCharts stream=n /> }.into_any(),
                }
            }}
        </div>
    }
}

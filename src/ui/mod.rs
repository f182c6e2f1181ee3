//! The Leptos front end (wasm only). Views over the API layer: every action goes through
//! `KinesisService::call` with the JSON a real client would send; drawings read the account through the
//! read-only `api::observe` (what the console and CloudWatch would show), so watching costs no API quota.
//!
//! Code map: `lab` holds the shared state (the `Sandbox`) and the call helper; `clock` the clock bar and
//! its animation loop; `theme`, `shortcuts` the frame's services; `streams` the Data Streams sandbox;
//! `firehose` the Firehose sandbox (designer, buffers, deliveries, the simulated S3); `exam` the exam practice page; `coming` the sections not built yet; `format` pure text helpers. Routes live in `viz::route`.

mod chart;
mod clock;
mod coming;
mod exam;
mod firehose;
mod format;
mod lab;
mod labs;
mod notes;
mod partition_key;
mod persist;
mod pricing;
mod records_panel;
mod shortcuts;
mod streams;
mod terminal;
mod theme;
pub mod transform_worker;
mod transforms;

use leptos::prelude::*;

use clock::{ClockControls, SimClock};
use lab::Lab;
use shortcuts::ShortcutsOverlay;
use theme::{ThemeButton, ThemeState};
use crate::viz::route::Route;

/// Starts the app: panics go to the browser console, and the page mounts on `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

fn current_route() -> Route {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    Route::from_hash(&hash)
}

#[component]
fn App() -> impl IntoView {
    let (restored, notice) = persist::load_stored();
    let lab = Lab::new(restored);
    provide_context(lab);
    provide_context(firehose::FirehoseUi::new());
    provide_context(ClockControls::new(lab));
    provide_context(ThemeState::load());
    let store = persist::Store::new(lab, notice);
    provide_context(store);
    persist::install_autosave(store);
    provide_context(labs::LabsUi::install(lab, store));
    transforms::install(lab);
    if let Some(first) = untrack(|| lab.peek_sandbox(|sb| sb.service.engine.streams().next().map(|s| s.name.clone()))).flatten().filter(|_| lab.selected.get_untracked().is_none()) {
        lab.selected.set(Some(first));
    }
    let route = RwSignal::new(current_route());
    let handle = window_event_listener(leptos::ev::hashchange, move |_| route.set(current_route()));
    on_cleanup(move || handle.remove());
    let overlay = RwSignal::new(false);
    shortcuts::install(overlay);
    Effect::new(move |_| {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&format!("{} · Kinesis Lab", route.get().title()));
        }
    });

    let nav_link = move |r: Route| {
        view! {
            <li>
                <a href=format!("#{}", r.path()) id=format!("nav-{}", r.path().trim_start_matches('/'))
                    aria-current=move || if route.get() == r { "page" } else { "false" }>{r.title()}</a>
            </li>
        }
    };

    view! {
        <a class="skip" href="#main" on:click=|ev| {
            ev.prevent_default();
            if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("main")) {
                use wasm_bindgen::JsCast;
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() { let _ = el.focus(); }
            }
        }>"Skip to content"</a>
        <header class="topbar">
            <span class="brand">"Kinesis Lab"</span>
            <SimClock />
            <span class="topbar-tools">
                <persist::SandboxMenu />
                <ThemeButton />
                <button type="button" class="quiet" id="shortcuts-button" on:click=move |_| overlay.set(true)
                    title="Keyboard shortcuts (?)">"⌨ Shortcuts"</button>
            </span>
        </header>
        <persist::StoreNoticeBar />
        <div class="layout">
            <nav class="rail" aria-label="Sections">
                <p class="rail-heading">"Sandbox"</p>
                <ul>{Route::ALL.into_iter().filter(|r| r.is_sandbox()).map(nav_link).collect_view()}</ul>
                <p class="rail-heading">"Learn"</p>
                <ul>{Route::ALL.into_iter().filter(|r| !r.is_sandbox()).map(nav_link).collect_view()}</ul>
            </nav>
            <main id="main" tabindex="-1">
                <LabFrame route=route>
                {move || match route.get() {
                    Route::Streams => view! {
                        <h1>"Kinesis Data Streams sandbox"</h1>
                        <p class="lede">
                            "Everything here runs in your browser against a simulated AWS account: no sign-in, no bill. "
                            "Each button makes the same API call boto3 would, and shows what AWS would answer."
                        </p>
                        <streams::StreamsView />
                    }.into_any(),
                    Route::Firehose => view! {
                        <h1>"Amazon Data Firehose sandbox"</h1>
                        <p class="lede">
                            "Design a delivery stream, send it records and watch its buffer fill until the size or the "
                            "interval hint writes an object to S3; then open the object. Same simulated account and clock "
                            "as the Data Streams sandbox, and the same API calls boto3 would make."
                        </p>
                        <firehose::FirehoseView />
                    }.into_any(),
                    Route::Pricing => view! { <pricing::PricingView /> }.into_any(),
                    Route::Labs => view! { <labs::LabsPage /> }.into_any(),
                    Route::Notes => view! {
                        <h1>"Study notes, claim by claim"</h1>
                        <p class="lede">
                            "Every claim of the five study notes, restated in our words and checked against AWS today: "
                            "current, outdated (AWS changed since) or wrong, with the correction and the AWS pages behind it, "
                            "and the exam scenarios and labs that test it."
                        </p>
                        <notes::NotesView />
                    }.into_any(),
                    Route::Exam => view! { <exam::ExamView /> }.into_any(),
                    other => view! { <coming::Coming route=other /> }.into_any(),
                }}
                </LabFrame>
            </main>
        </div>
        <ShortcutsOverlay open=overlay />
    }
}

/// The lab runner panel beside the sandbox page of the active lab (beside on wide screens, above on narrow
/// ones, by CSS); other pages are shown as they are.
#[component]
fn LabFrame(route: RwSignal<Route>, children: Children) -> impl IntoView {
    let labs_ui = labs::use_labs();
    let with_runner = Memo::new(move |_| {
        labs_ui.active_def().is_some_and(|d| crate::viz::labs::sandbox_route(&d.sandbox) == route.get())
    });
    view! {
        <div class="lab-frame" class:with-runner=move || with_runner.get()>
            {move || with_runner.get().then(|| view! { <labs::RunnerPanel /> })}
            <div class="lab-frame-main">{children()}</div>
        </div>
    }
}

//! The Leptos front end (wasm only). Views over the API layer: every panel talks to the simulation through
//! `KinesisService::call` with the JSON a real client would send, and never reimplements an engine rule.
//!
//! Code map: `lab` holds the shared state and the call helper, `clock` the simulated clock, and one file
//! per panel (`stream_panel`, `partition_key`, `records_panel`); `format` has the pure text helpers.

mod clock;
mod format;
mod lab;
mod partition_key;
mod records_panel;
mod stream_panel;

use leptos::prelude::*;

use clock::SimClock;
use lab::Lab;
use partition_key::PartitionKeyPanel;
use records_panel::{PutRecordPanel, ReadRecordsPanel};
use stream_panel::StreamPanel;

/// Starts the app: panics go to the browser console, and the page mounts on `<body>`.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    provide_context(Lab::new());
    view! {
        <a class="skip" href="#main">"Skip to the sandbox"</a>
        <header class="topbar">
            <span class="brand">"Kinesis Lab"</span>
            <SimClock />
        </header>
        <div class="layout">
            <nav class="rail" aria-label="Sections">
                <p class="rail-heading">"Sandbox"</p>
                <ul>
                    <li><a href="#main" aria-current="page">"Streams"</a></li>
                </ul>
            </nav>
            <main id="main" tabindex="-1">
                <h1>"Kinesis Data Streams sandbox"</h1>
                <p class="lede">
                    "Everything here runs in your browser against a simulated AWS account: no sign-in, no bill. "
                    "Each button makes the same API call boto3 would, and shows what AWS would answer."
                </p>
                <StreamPanel />
                <PartitionKeyPanel />
                <PutRecordPanel />
                <ReadRecordsPanel />
            </main>
        </div>
    }
}

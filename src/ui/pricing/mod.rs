//! The cost calculator (`#/pricing`): a workload form, the published rates (editable, with their "as of"
//! date), the provisioned, on-demand and Firehose bills side by side with each line's arithmetic, the
//! shard-sizing steps, and the cheapest design under a latency goal. Every figure comes from the pure
//! pricing engine (`engine::pricing`); this module only lays it out.
//!
//! Code map: `form` (workload inputs), `rates` (the rate table), `bills` (three bills), `sizing` (shard
//! sizing steps), `compare` (latency goal). The pure half (labels, parsing, candidate designs) is
//! `viz::pricing`.

mod bills;
mod compare;
mod form;
mod rates;
mod sizing;

use leptos::prelude::*;

use crate::engine::pricing::{Rates, Workload};
use crate::viz::pricing::{parse_workload, WorkloadField, WorkloadText};

/// The page's state, shared by its panels (all signals, so it is `Copy`).
#[derive(Clone, Copy)]
pub struct PricingState {
    /// The workload form as typed.
    pub form: RwSignal<WorkloadText>,
    /// The rates in force: published ones, or the learner's valid edits.
    pub rates: RwSignal<Rates>,
    /// Bumped by "Reset to published rates" so the rate inputs show the published values again.
    pub rates_epoch: RwSignal<u32>,
    /// The form read into a workload, or each field's error.
    pub workload: Memo<Result<Workload, Vec<(WorkloadField, String)>>>,
}

impl PricingState {
    fn new() -> Self {
        let mut text = WorkloadText::from_workload(&Workload::default());
        // `#/pricing?shards=N` (the Streams view's link) starts from that stream's shard count.
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        if let Some(shards) = crate::viz::route::query_param(&hash, "shards").filter(|s| s.chars().all(|c| c.is_ascii_digit())) {
            text.shards = shards;
        }
        let form = RwSignal::new(text);
        let workload = Memo::new(move |_| form.with(parse_workload));
        PricingState {
            form,
            rates: RwSignal::new(Rates::us_east_1_nov_2026()),
            rates_epoch: RwSignal::new(0),
            workload,
        }
    }

    /// Names of the rates that differ from the published ones.
    pub fn edited_fields(&self) -> Vec<&'static str> {
        let published = Rates::us_east_1_nov_2026().named();
        self.rates.with(|r| {
            r.named().iter().zip(published.iter()).filter(|(a, b)| a.1 != b.1).map(|(a, _)| a.0).collect()
        })
    }

    /// The rates the bills use: the "as of" date says when some were edited, so every bill shows it.
    pub fn effective_rates(&self) -> Rates {
        let edited = self.edited_fields().len();
        let mut r = self.rates.get();
        if edited > 0 {
            r.as_of = format!("{}, {edited} rate(s) edited by you", r.as_of);
        }
        r
    }
}

#[component]
pub fn PricingView() -> impl IntoView {
    let state = PricingState::new();
    view! {
        <h1>"Cost calculator"</h1>
        <p class="lede">
            "What a Kinesis design costs per month, with every line's arithmetic one click away. Type your traffic, "
            "compare provisioned and on-demand Data Streams with Firehose, and find the cheapest design that still "
            "meets a latency goal. A month is 730 hours, as on AWS's pricing pages; nothing here calls AWS."
        </p>
        <div class="pricing-inputs">
            <form::WorkloadForm state=state />
            <sizing::SizingPanel state=state />
        </div>
        <bills::Bills state=state />
        <compare::LatencyCompare state=state />
        <rates::RatesTable state=state />
    }
}

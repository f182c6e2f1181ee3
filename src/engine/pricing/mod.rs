//! What a Kinesis design costs per month: a pure, deterministic pricing engine for the labs (retention and
//! fan-out pricing, Streams vs Firehose). Rates are FACTS.md §5 (us-east-1, as found in Nov 2026), shown with
//! their "as of" date and editable by the caller (`Rates`); every bill line carries its arithmetic so a learner
//! can redo it by hand.
//!
//! Number representation (a deliberate choice):
//! - Quantities are exact integers in their base unit (records, bytes, PUT payload units, hours) computed with
//!   `u128`, so rounding per record (25 KB payload units, 1 KB on-demand, 5 KB Firehose) is exact.
//! - Rates are `f64` USD as AWS publishes them (editable, validated: finite and ≥ 0).
//! - A line's cost is one multiplication: (exact quantity converted to the billed unit) × rate, in `f64`. No
//!   rounding to cents happens inside the engine; `format::usd` rounds only for display. Totals are the sum of
//!   the unrounded line costs.
//!
//! Billing conventions (see `units.rs` for each constant and its source): a month is 730 hours; KB = 1,024
//! bytes (AWS's Data Streams pricing page: "rounded up to the nearest 1 KB (1,024 bytes)"); GB = 2^30 bytes;
//! TB = 1,024 GB.

pub mod compare;
pub mod firehose;
pub mod format;
pub mod rates;
pub mod sizing;
pub mod streams;
pub mod units;
pub mod workload;

use serde::{Deserialize, Serialize};

pub use compare::{cheapest_meeting_latency, read_latency_ms, CapacityMode, Comparison, ComparisonRow, Design};
pub use firehose::{estimate_firehose, FirehoseWorkload};
pub use rates::{RateError, Rates};
pub use sizing::{size_shards, ShardSizing};
pub use streams::{estimate_streams_on_demand, estimate_streams_provisioned};
pub use workload::{Workload, WorkloadError};

/// One line of a bill: what is counted, how many, at what rate, and the arithmetic in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillLine {
    /// What the line charges for, e.g. "Shard hours".
    pub label: String,
    /// How many billed units (exact for counts; GB and GB-months are exact bytes ÷ 2^30).
    pub quantity: f64,
    /// The billed unit, e.g. "shard-hour", "million PUT payload units", "GB", "GB-month".
    pub unit: String,
    /// USD per one billed unit.
    pub rate_usd: f64,
    /// quantity × rate_usd, unrounded.
    pub cost_usd: f64,
    /// The computation step by step, e.g. "2 shards × 730 h = 1,460 shard-hours × $0.015 = $21.90".
    pub arithmetic: String,
}

/// A monthly bill: its lines and their sum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bill {
    /// Which estimate made it, e.g. "Kinesis Data Streams, provisioned".
    pub title: String,
    /// The rates' "as of" date, shown with every bill.
    pub rates_as_of: String,
    /// How the inputs were turned into quantities (shard sizing, records per month…), for the learner.
    pub notes: Vec<String>,
    pub lines: Vec<BillLine>,
    /// Sum of the lines' unrounded costs.
    pub total_usd: f64,
}

impl Bill {
    pub(crate) fn new(title: &str, rates: &Rates) -> Bill {
        Bill {
            title: title.to_string(),
            rates_as_of: rates.as_of.clone(),
            notes: Vec::new(),
            lines: Vec::new(),
            total_usd: 0.0,
        }
    }

    /// Adds a line `quantity × rate` with the arithmetic `steps` (which lead to the quantity).
    pub(crate) fn push(&mut self, label: &str, quantity: f64, unit: &str, rate_usd: f64, steps: String) {
        let cost_usd = quantity * rate_usd;
        let arithmetic = format!("{steps} × {} per {unit} = {}", format::usd_rate(rate_usd), format::usd(cost_usd));
        self.lines.push(BillLine {
            label: label.to_string(),
            quantity,
            unit: unit.to_string(),
            rate_usd,
            cost_usd,
            arithmetic,
        });
        self.total_usd = self.lines.iter().map(|l| l.cost_usd).sum();
    }

    /// The line with this label, if the bill has one.
    pub fn line(&self, label: &str) -> Option<&BillLine> {
        self.lines.iter().find(|l| l.label == label)
    }
}

/// Anything that stops an estimate: bad rates or a workload outside what AWS allows.
#[derive(Debug, Clone, PartialEq)]
pub enum PricingError {
    Rate(RateError),
    Workload(WorkloadError),
}

impl std::fmt::Display for PricingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PricingError::Rate(e) => write!(f, "{e}"),
            PricingError::Workload(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for PricingError {}

impl From<RateError> for PricingError {
    fn from(e: RateError) -> Self {
        PricingError::Rate(e)
    }
}

impl From<WorkloadError> for PricingError {
    fn from(e: WorkloadError) -> Self {
        PricingError::Workload(e)
    }
}

//! "Find the cheapest design that meets a latency goal": price several designs, estimate each one's read
//! latency, keep those within the goal, pick the cheapest.
//!
//! Latency model (kept simple on purpose, from AWS's consumer comparison table, FACTS.md §1): shared-throughput
//! consumers see about 200 ms with one consumer, rising to about 1,000 ms with five, because they share a
//! shard's 5 GetRecords calls per second — modelled as 200 ms × number of classic consumers. Enhanced fan-out
//! consumers see about 70 ms however many there are. A design's latency is its slowest consumer's.

use serde::{Deserialize, Serialize};

use super::rates::Rates;
use super::streams::{estimate_streams_on_demand, estimate_streams_provisioned};
use super::workload::Workload;
use super::{Bill, PricingError};

/// Typical propagation delay of one shared-throughput consumer alone on a stream (AWS: ~200 ms).
pub const CLASSIC_LATENCY_MS_PER_CONSUMER: u32 = 200;
/// Typical propagation delay of an enhanced fan-out consumer (AWS: ~70 ms, whatever the count).
pub const EFO_LATENCY_MS: u32 = 70;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CapacityMode {
    Provisioned,
    OnDemand,
}

/// One candidate: a name, a capacity mode and its workload (consumers, retention, shards).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Design {
    pub name: String,
    pub mode: CapacityMode,
    pub workload: Workload,
}

/// A design's estimated latency and monthly cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    pub name: String,
    pub latency_ms: u32,
    pub meets_goal: bool,
    pub bill: Bill,
}

/// Every design evaluated, in the order given, and the index of the cheapest one meeting the goal (the
/// first listed wins a tie; `None` when no design meets it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub max_latency_ms: u32,
    pub rows: Vec<ComparisonRow>,
    pub cheapest: Option<usize>,
}

/// The slowest consumer's typical latency; 0 when the design has no consumer.
pub fn read_latency_ms(w: &Workload) -> u32 {
    let classic = CLASSIC_LATENCY_MS_PER_CONSUMER.saturating_mul(w.consumers_classic);
    let efo = if w.consumers_efo > 0 { EFO_LATENCY_MS } else { 0 };
    classic.max(efo)
}

/// Prices every design and picks the cheapest whose latency is at most `max_latency_ms`.
pub fn cheapest_meeting_latency(
    designs: &[Design],
    max_latency_ms: u32,
    rates: &Rates,
) -> Result<Comparison, PricingError> {
    let mut rows = Vec::with_capacity(designs.len());
    let mut cheapest: Option<usize> = None;
    for (i, d) in designs.iter().enumerate() {
        let bill = match d.mode {
            CapacityMode::Provisioned => estimate_streams_provisioned(&d.workload, rates)?,
            CapacityMode::OnDemand => estimate_streams_on_demand(&d.workload, rates)?,
        };
        let latency_ms = read_latency_ms(&d.workload);
        let meets_goal = latency_ms <= max_latency_ms;
        if meets_goal {
            let better = match cheapest {
                None => true,
                Some(c) => bill.total_usd < rows_total(&rows, c),
            };
            if better {
                cheapest = Some(i);
            }
        }
        rows.push(ComparisonRow { name: d.name.clone(), latency_ms, meets_goal, bill });
    }
    Ok(Comparison { max_latency_ms, rows, cheapest })
}

fn rows_total(rows: &[ComparisonRow], i: usize) -> f64 {
    rows.get(i).map_or(f64::INFINITY, |r| r.bill.total_usd)
}

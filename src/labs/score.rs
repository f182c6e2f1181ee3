//! A run's score under its lab's rule. Lower is better for every rule.
//!
//! - `fewest_api_calls`: the learner's API calls (`LabRun::api_calls`).
//! - `shortest_sim_time`: simulated seconds from the start to completion (or to now, if not complete).
//! - `lowest_cost`: the monthly bill (USD) of every stream and delivery stream in the sandbox, priced by
//!   `engine::pricing` at the default rates with the workload they were observed to carry: the median
//!   incoming records/s and the mean record size over the seconds with traffic since the run started (at
//!   most the last hour of metrics), the consumers attached, retention and shard count.

use serde::{Deserialize, Serialize};

use crate::api::observe_firehose;
use crate::engine::pricing::{
    estimate_firehose, estimate_streams_on_demand, estimate_streams_provisioned, FirehoseWorkload, Rates, Workload,
};
use crate::engine::streams::metrics::STREAM_SERIES_SECONDS;
use crate::engine::streams::types::StreamMode;
use crate::engine::time::MILLIS_PER_SECOND;
use crate::sim::consumers::Consumer;
use crate::sim::Sandbox;

use super::format::Lab;
use super::run::LabRun;

/// The score rules a lab may name.
pub const SCORE_RULES: &[&str] = &["fewest_api_calls", "lowest_cost", "shortest_sim_time"];

/// A run's score: the rule, its value (lower is better) and the value in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub rule: String,
    pub value: f64,
    pub text: String,
}

/// (records/s, bytes per record) over the seconds with any traffic among `points`: the median second's
/// records (a partial first or last second does not drag it down) and the mean record size.
fn observed(points: impl Iterator<Item = (u64, u64)>) -> (u64, u64) {
    let mut per_second: Vec<u64> = Vec::new();
    let (mut records, mut bytes) = (0u64, 0u64);
    for (r, b) in points.filter(|(r, _)| *r > 0) {
        per_second.push(r);
        records += r;
        bytes += b;
    }
    if per_second.is_empty() || records == 0 {
        return (0, 0);
    }
    per_second.sort_unstable();
    (per_second[per_second.len() / 2], bytes.div_ceil(records))
}

/// The monthly cost of what the sandbox holds, with the arithmetic in words.
pub fn monthly_cost_usd(sandbox: &Sandbox, run: &LabRun) -> (f64, Vec<String>) {
    let rates = Rates::us_east_1_nov_2026();
    let since_s = run.started_ms / MILLIS_PER_SECOND;
    let mut total = 0.0;
    let mut lines = Vec::new();
    for s in sandbox.service.engine.streams() {
        let (records_per_sec, avg_record_bytes) = observed(
            s.metrics.points().filter(|(sec, _)| *sec >= since_s).map(|(_, p)| (p.incoming_records, p.incoming_bytes)),
        );
        let classic = sandbox
            .consumers()
            .iter()
            .filter(|e| e.consumer.stream_name() == s.name && !matches!(e.consumer, Consumer::FanOut(_)))
            .count() as u32;
        let workload = Workload {
            records_per_sec,
            avg_record_bytes,
            consumers_classic: classic,
            consumers_efo: s.consumers.len() as u32,
            retention_hours: s.retention_hours,
            shards: Some((s.open_shard_count() as u64).max(1)),
            long_term_read_gb_per_month: 0,
        };
        let bill = if s.mode == StreamMode::OnDemand {
            estimate_streams_on_demand(&workload, &rates)
        } else {
            estimate_streams_provisioned(&workload, &rates)
        };
        match bill {
            Ok(b) => {
                total += b.total_usd;
                lines.push(format!("{}: {} at {records_per_sec} records/s × {avg_record_bytes} B: ${:.2}", s.name, b.title, b.total_usd));
            }
            Err(e) => lines.push(format!("{}: not priced ({e})", s.name)),
        }
    }
    for d in sandbox.firehose.engine.delivery_streams() {
        let points = observe_firehose::metrics(&sandbox.firehose.engine, &d.name, STREAM_SERIES_SECONDS);
        let (records_per_sec, avg_record_bytes) = observed(
            points.iter().filter(|(sec, _)| *sec >= since_s).map(|(_, p)| (p.incoming_records, p.incoming_bytes)),
        );
        match estimate_firehose(&FirehoseWorkload { records_per_sec, avg_record_bytes }, &rates) {
            Ok(b) => {
                total += b.total_usd;
                lines.push(format!("{}: {} at {records_per_sec} records/s × {avg_record_bytes} B: ${:.2}", d.name, b.title, b.total_usd));
            }
            Err(e) => lines.push(format!("{}: not priced ({e})", d.name)),
        }
    }
    (total, lines)
}

/// The run's score under the lab's rule, as of now (or as of completion, for simulated time).
pub fn score(lab: &Lab, sandbox: &Sandbox, run: &LabRun) -> Score {
    match lab.score.as_str() {
        "lowest_cost" => {
            let (usd, lines) = monthly_cost_usd(sandbox, run);
            Score {
                rule: lab.score.clone(),
                value: usd,
                text: format!("${usd:.2} per month ({})", if lines.is_empty() { "nothing to bill".into() } else { lines.join("; ") }),
            }
        }
        "shortest_sim_time" => {
            let end = run.completed.as_ref().map_or(sandbox.now_ms(), |c| c.at_ms);
            let seconds = end.saturating_sub(run.started_ms) as f64 / MILLIS_PER_SECOND as f64;
            Score { rule: lab.score.clone(), value: seconds, text: format!("{seconds:.1} simulated seconds") }
        }
        // fewest_api_calls, and the fallback for a rule validation would have refused.
        _ => Score {
            rule: lab.score.clone(),
            value: run.api_calls as f64,
            text: format!("{} API calls", run.api_calls),
        },
    }
}

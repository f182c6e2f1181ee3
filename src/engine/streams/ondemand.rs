//! On-demand capacity (FACTS §1 "Capacity modes"): a new stream absorbs 4 MiB/s; capacity follows
//! 2× the peak write rate of the previous 30 days, and a new peak takes ~15 minutes to be absorbed,
//! so traffic beyond 2× the old peak throttles meanwhile. Capacity is added by uniform splits, so
//! the learner sees the new shards and their lineage.

use crate::engine::streams::limits::*;
use crate::engine::streams::reshard;
use crate::engine::streams::stream::{Stream, StreamStatus};
use crate::engine::streams::types::StreamMode;
use crate::engine::time::{second_of, EpochMillis, MILLIS_PER_MINUTE};

/// Fold the last complete seconds of traffic into the per-minute peaks, and schedule a scale-up when
/// 2× the 30-day peak (or the warm-throughput target) needs more shards than are open.
pub fn evaluate(stream: &mut Stream, now: EpochMillis) {
    if stream.mode != StreamMode::OnDemand || stream.status == StreamStatus::Creating || stream.status == StreamStatus::Deleting {
        return;
    }
    record_peaks(stream, now);
    let desired = desired_shards(stream);
    if desired <= stream.open_shard_count() {
        return;
    }
    // Warm throughput is provisioned ahead of traffic; organic growth waits out the scale delay.
    let warm_covers = stream.on_demand.warm_target_mibps.is_some_and(|m| m as u64 >= desired as u64);
    if warm_covers && stream.status == StreamStatus::Active {
        stream.on_demand.scale_due = None;
        reshard::scale_uniformly(stream, desired, now);
        stream.auto_scaled = true;
        return;
    }
    match stream.on_demand.scale_due {
        None => stream.on_demand.scale_due = Some((now + ON_DEMAND_SCALE_DELAY_MS, desired)),
        // A higher peak while a scale-up is under way raises its target without delaying it.
        Some((due, target)) if target < desired => stream.on_demand.scale_due = Some((due, desired)),
        Some(_) => {}
    }
}

fn record_peaks(stream: &mut Stream, now: EpochMillis) {
    let current_second = second_of(now);
    let window_minutes = ON_DEMAND_PEAK_WINDOW_MS / MILLIS_PER_MINUTE;
    let folded_before = stream.on_demand.folded_before_second;
    if current_second <= folded_before {
        return;
    }
    // Only complete seconds count, each once; fold each into its minute's maximum. Newest points are
    // at the back, so walk backwards and stop at the first already-folded second.
    let mut updates: Vec<(u64, u64, u64)> = stream
        .metrics
        .points()
        .rev()
        .skip_while(|(s, _)| *s >= current_second)
        .take_while(|(s, _)| *s >= folded_before)
        .map(|(s, p)| (*s / 60, p.incoming_bytes, p.incoming_records))
        .collect();
    updates.reverse();
    stream.on_demand.folded_before_second = current_second;
    for (minute, bytes, records) in updates {
        match stream.on_demand.peaks.back_mut() {
            Some(last) if last.0 == minute => {
                last.1 = last.1.max(bytes);
                last.2 = last.2.max(records);
            }
            _ => stream.on_demand.peaks.push_back((minute, bytes, records)),
        }
    }
    let now_minute = current_second / 60;
    while stream.on_demand.peaks.front().is_some_and(|(m, _, _)| now_minute.saturating_sub(*m) > window_minutes) {
        stream.on_demand.peaks.pop_front();
    }
}

/// Shards needed for 2× the 30-day peak (bytes and records), at least the initial four, at most the
/// 200 MiB/s ceiling.
pub fn desired_shards(stream: &Stream) -> u32 {
    let (peak_bytes, peak_records) =
        stream.on_demand.peaks.iter().fold((0u64, 0u64), |(b, r), (_, pb, pr)| (b.max(*pb), r.max(*pr)));
    let for_bytes = (ON_DEMAND_PEAK_MULTIPLIER * peak_bytes).div_ceil(SHARD_WRITE_BYTES_PER_SEC);
    let for_records = (ON_DEMAND_PEAK_MULTIPLIER * peak_records).div_ceil(SHARD_WRITE_RECORDS_PER_SEC);
    let warm = stream.on_demand.warm_target_mibps.unwrap_or(0) as u64;
    // Organic growth stops at 200 MiB/s; warm throughput (with the Advantage commitment) may go beyond.
    let max_shards = (ON_DEMAND_MAX_WRITE_BYTES_PER_SEC / SHARD_WRITE_BYTES_PER_SEC).max(warm).min(MAX_SHARDS_PER_STREAM as u64);
    (ON_DEMAND_INITIAL_SHARDS as u64).max(for_bytes).max(for_records).max(warm).min(max_shards) as u32
}

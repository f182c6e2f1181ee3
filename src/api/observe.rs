//! Read-only views of the simulated account for the sandbox's drawings (shard map, lineage, record browser,
//! charts): what the AWS console and CloudWatch would show.
//!
//! Why not call the API: the page redraws several times a second, and every `DescribeStreamSummary` or
//! `GetRecords` it made would count against the learner's own call-rate and read limits (5 reads/s per
//! shard, 20 DescribeStreamSummary/s per account), so watching a stream would throttle it. These functions
//! take `&StreamsEngine` — they cannot change anything — and answer in the API's own shapes (`types::Shard`,
//! `types::Record`), built by the same code the API uses, so the drawings agree with what boto3 sees.
//! Every action (create, put, split, read as a consumer) still goes through `KinesisService::call`.

use crate::engine::streams::metrics::MetricPoint;
use crate::engine::streams::stream::Stream;
use crate::engine::streams::types::{Record, Shard, StreamMode};
use crate::engine::streams::{record_view, shard_view, StreamsEngine};
use crate::engine::time::EpochMillis;
use crate::viz::shard_map::{ShardBox, ShardState};

/// One stream as the streams list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamOverview {
    pub name: String,
    pub arn: String,
    pub status: &'static str,
    pub on_demand: bool,
    pub open_shards: u32,
    pub retention_hours: u32,
    pub stored_records: u64,
    pub stored_bytes: u64,
    pub consumers: usize,
    /// Seconds left in CREATING / UPDATING / DELETING, if a change is pending.
    pub pending_until_ms: Option<EpochMillis>,
}

/// One shard with everything the drawings show: its API description plus what the console adds.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardOverview {
    /// Exactly what ListShards would return for it (expired shards are no longer listed by AWS).
    pub shard: Shard,
    pub state: ShardState,
    pub start: u128,
    pub end: u128,
    pub stored_records: usize,
    /// Of those, records a fast-forward repeated from a sample (`record_log::Replica`).
    pub replicated_records: u64,
    pub stored_bytes: u64,
    pub created_ms: EpochMillis,
    pub closed_ms: Option<EpochMillis>,
    /// Arrival time of the oldest stored record: it expires at this + retention.
    pub oldest_arrival_ms: Option<EpochMillis>,
    pub children: Vec<String>,
}

impl ShardOverview {
    pub fn to_box(&self) -> ShardBox {
        ShardBox {
            shard_id: self.shard.shard_id.clone(),
            start: self.start,
            end: self.end,
            state: self.state,
            parent: self.shard.parent_shard_id.clone(),
            adjacent_parent: self.shard.adjacent_parent_shard_id.clone(),
        }
    }
}

/// Every stream of the account, in name order.
pub fn streams(engine: &StreamsEngine) -> Vec<StreamOverview> {
    engine
        .streams()
        .map(|s| StreamOverview {
            name: s.name.clone(),
            arn: s.arn.clone(),
            status: s.status.as_str(),
            on_demand: s.mode == StreamMode::OnDemand,
            open_shards: s.open_shard_count(),
            retention_hours: s.retention_hours,
            stored_records: s.shards.iter().map(|sh| sh.records.len() as u64).sum(),
            stored_bytes: s.stored_bytes(),
            consumers: s.consumers.len(),
            pending_until_ms: s.pending.as_ref().map(|p| p.due_ms),
        })
        .collect()
}

fn find<'a>(engine: &'a StreamsEngine, stream: &str) -> Option<&'a Stream> {
    engine.stream(stream)
}

/// Every shard the stream ever had (expired ones included, flagged), in shard-number order.
pub fn shards(engine: &StreamsEngine, stream: &str) -> Vec<ShardOverview> {
    let now = engine.now_ms();
    let Some(s) = find(engine, stream) else { return Vec::new() };
    s.shards
        .iter()
        .map(|sh| ShardOverview {
            shard: shard_view(sh),
            state: if sh.is_open() {
                ShardState::Open
            } else if s.is_expired(sh, now) {
                ShardState::Expired
            } else {
                ShardState::Closed
            },
            start: sh.range.start,
            end: sh.range.end,
            stored_records: sh.records.len(),
            replicated_records: sh.records.replicated_len(),
            stored_bytes: sh.stored_bytes,
            created_ms: sh.created_ms,
            closed_ms: sh.closed_ms,
            oldest_arrival_ms: sh.records.front().map(|r| r.arrival_ms),
            children: sh.children.iter().map(|c| crate::engine::streams::shard::shard_id(*c)).collect(),
        })
        .collect()
}

/// A page of a shard's stored records, oldest first, as GetRecords would return them: `skip` records from
/// the oldest still stored, at most `limit`. Also returns how many are stored in all.
pub fn shard_records(engine: &StreamsEngine, stream: &str, shard_id: &str, skip: usize, limit: usize) -> (Vec<Record>, usize) {
    let Some(s) = find(engine, stream) else { return (Vec::new(), 0) };
    let Some(sh) = s.shards.iter().find(|sh| sh.id() == shard_id) else { return (Vec::new(), 0) };
    let page = sh.records.iter_from(skip).take(limit).map(|r| record_view(sh.index, &r)).collect();
    (page, sh.records.len())
}

/// The newest `seconds` per-second metric points of a stream (CloudWatch AWS/Kinesis, stream level).
pub fn stream_metrics(engine: &StreamsEngine, stream: &str, seconds: usize) -> Vec<(u64, MetricPoint)> {
    let Some(s) = find(engine, stream) else { return Vec::new() };
    newest(s.metrics.points().copied(), seconds)
}

/// The newest `seconds` per-second metric points of one shard (shard-level metrics).
pub fn shard_metrics(engine: &StreamsEngine, stream: &str, shard_id: &str, seconds: usize) -> Vec<(u64, MetricPoint)> {
    let Some(s) = find(engine, stream) else { return Vec::new() };
    let Some(sh) = s.shards.iter().find(|sh| sh.id() == shard_id) else { return Vec::new() };
    newest(sh.metrics.points().copied(), seconds)
}

fn newest(points: impl DoubleEndedIterator<Item = (u64, MetricPoint)>, seconds: usize) -> Vec<(u64, MetricPoint)> {
    let mut v: Vec<_> = points.rev().take(seconds).collect();
    v.reverse();
    v
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::KinesisService;
    use crate::engine::streams::EngineConfig;
    use crate::engine::time::DEFAULT_SANDBOX_START_MS;

    fn service_with_stream(shards: u32) -> KinesisService {
        let mut svc = KinesisService::new(EngineConfig::default(), DEFAULT_SANDBOX_START_MS);
        assert!(svc.call_json("CreateStream", &json!({"StreamName": "s", "ShardCount": shards})).is_ok());
        svc.engine.advance_by(1_000);
        svc
    }

    // The observer must agree with ListShards exactly (same shapes, same values), and must not count as a
    // call: 100 observations leave the account's DescribeStreamSummary budget untouched.
    #[test]
    fn shards_match_list_shards_and_observing_is_free() {
        let mut svc = service_with_stream(2);
        let split = json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1000"});
        assert!(svc.call_json("SplitShard", &split).is_ok());
        svc.engine.advance_by(1_000);
        let listed = svc.call_json("ListShards", &json!({"StreamName": "s"})).body();
        let observed: Vec<Shard> = shards(&svc.engine, "s").into_iter().map(|o| o.shard).collect();
        assert_eq!(serde_json::to_value(&observed).unwrap(), listed["Shards"]);
        for _ in 0..100 {
            let _ = shards(&svc.engine, "s");
            let _ = streams(&svc.engine);
        }
        // DescribeStreamSummary allows 20 calls per second per account (FACTS.md §1): all 20 still succeed.
        for _ in 0..20 {
            assert!(svc.call_json("DescribeStreamSummary", &json!({"StreamName": "s"})).is_ok());
        }
        let states: Vec<ShardState> = shards(&svc.engine, "s").iter().map(|o| o.state).collect();
        assert_eq!(states, vec![ShardState::Closed, ShardState::Open, ShardState::Open, ShardState::Open]);
    }

    // Source: FACTS.md §1 "Retention" — a closed shard disappears once its records pass retention.
    #[test]
    fn closed_shards_expire_after_retention() {
        let mut svc = service_with_stream(1);
        let put = json!({"StreamName": "s", "PartitionKey": "k", "Data": "aGk="});
        assert!(svc.call_json("PutRecord", &put).is_ok());
        let split = json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1000"});
        assert!(svc.call_json("SplitShard", &split).is_ok());
        svc.engine.advance_by(1_000);
        let (records, stored) = shard_records(&svc.engine, "s", "shardId-000000000000", 0, 10);
        assert_eq!((records.len(), stored), (1, 1));
        assert_eq!(records[0].partition_key, "k");
        svc.engine.advance_by(25 * 3_600_000);
        let first = &shards(&svc.engine, "s")[0];
        assert_eq!(first.state, ShardState::Expired);
        assert_eq!(first.stored_records, 0);
    }

    #[test]
    fn unknown_streams_and_shards_give_empty_views() {
        let svc = service_with_stream(1);
        assert!(shards(&svc.engine, "nope").is_empty());
        assert_eq!(shard_records(&svc.engine, "s", "shardId-000000000009", 0, 10).1, 0);
        assert!(stream_metrics(&svc.engine, "nope", 60).is_empty());
    }
}

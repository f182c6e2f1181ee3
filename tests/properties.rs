//! Invariants under random operation sequences (FACTS.md §1 "Resharding and capacity", "Retention"):
//! the open shards always cover [0, 2^128) exactly once; no accepted record is lost or duplicated
//! (until retention removes it); each partition key's records come back in write order when parents
//! are read before children.

use std::collections::{BTreeMap, BTreeSet};

use kinesis_lab::engine::streams::hash::HASH_KEY_MAX;
use kinesis_lab::engine::streams::types::*;
use kinesis_lab::engine::streams::{by_name, EngineConfig, StreamsEngine};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Put { key: u8, explicit: Option<u128> },
    Split { pick: usize, fraction: u16 },
    Merge { pick: usize },
    Scale { up: bool },
    Retention { hours: u32 },
    Advance { ms: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<u8>(), proptest::option::weighted(0.2, any::<u128>())).prop_map(|(key, explicit)| Op::Put { key: key % 24, explicit }),
        1 => (any::<usize>(), 1u16..u16::MAX).prop_map(|(pick, fraction)| Op::Split { pick, fraction }),
        1 => any::<usize>().prop_map(|pick| Op::Merge { pick }),
        1 => any::<bool>().prop_map(|up| Op::Scale { up }),
        1 => prop_oneof![Just(24u32), Just(30), Just(48)].prop_map(|hours| Op::Retention { hours }),
        2 => prop_oneof![1u64..2_000, 3_600_000u64..10 * 3_600_000].prop_map(|ms| Op::Advance { ms }),
    ]
}

struct Written {
    /// What the record routes by: its ExplicitHashKey, else the MD5 of its partition key. Order is kept
    /// per hash key (a partition key sent with different explicit hash keys may land on different shards).
    route: u128,
    seq: String,
    arrival_ms: u64,
}

fn open_ranges(engine: &StreamsEngine) -> Vec<(u128, u128)> {
    let mut r: Vec<(u128, u128)> = engine.stream("s").map(|s| s.open_shards().map(|sh| (sh.range.start, sh.range.end)).collect()).unwrap_or_default();
    r.sort();
    r
}

fn assert_tiles(engine: &StreamsEngine) -> Result<(), TestCaseError> {
    let r = open_ranges(engine);
    prop_assert!(!r.is_empty());
    prop_assert_eq!(r[0].0, 0);
    prop_assert_eq!(r[r.len() - 1].1, HASH_KEY_MAX);
    for w in r.windows(2) {
        prop_assert_eq!(w[0].1 + 1, w[1].0, "gap or overlap between {:?} and {:?}", w[0], w[1]);
    }
    Ok(())
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let config = EngineConfig { enforce_limits: false, transition_ms: 50, ..EngineConfig::default() };
    let mut engine = StreamsEngine::new(config, 1_767_225_600_000);
    engine.create_stream(CreateStreamInput { stream_name: "s".into(), shard_count: Some(3), ..Default::default() }).map_err(|e| TestCaseError::fail(e.message))?;
    engine.advance_by(100);
    let mut written: Vec<Written> = Vec::new();
    let mut retention_hours = 24u64;
    let mut expired: BTreeSet<String> = BTreeSet::new();
    for (n, op) in ops.into_iter().enumerate() {
        let open: Vec<(u64, u128, u128)> = engine.stream("s").map(|s| s.open_shards().map(|sh| (sh.index, sh.range.start, sh.range.end)).collect()).unwrap_or_default();
        match op {
            Op::Put { key, explicit } => {
                let key = format!("key-{key}");
                let input = PutRecordInput {
                    stream: by_name("s"),
                    data: Blob(format!("{n}").into_bytes()),
                    partition_key: key.clone(),
                    explicit_hash_key: explicit.map(|e| e.to_string()),
                    sequence_number_for_ordering: None,
                };
                let out = engine.put_record(input).map_err(|e| TestCaseError::fail(e.message))?;
                let route = explicit.unwrap_or_else(|| kinesis_lab::engine::streams::hash::partition_key_hash_key(&key));
                written.push(Written { route, seq: out.sequence_number, arrival_ms: engine.now_ms() });
            }
            Op::Split { pick, fraction } => {
                let (index, start, end) = open[pick % open.len()];
                let width = end - start;
                let at = start + (width / u16::MAX as u128) * fraction as u128;
                let _ = engine.split_shard(SplitShardInput {
                    stream: by_name("s"),
                    shard_to_split: format!("shardId-{index:012}"),
                    new_starting_hash_key: at.to_string(),
                });
            }
            Op::Merge { pick } => {
                let mut sorted = open.clone();
                sorted.sort_by_key(|o| o.1);
                if sorted.len() >= 2 {
                    let i = pick % (sorted.len() - 1);
                    let _ = engine.merge_shards(MergeShardsInput {
                        stream: by_name("s"),
                        shard_to_merge: format!("shardId-{:012}", sorted[i].0),
                        adjacent_shard_to_merge: format!("shardId-{:012}", sorted[i + 1].0),
                    });
                }
            }
            Op::Scale { up } => {
                let count = open.len() as u32;
                let target = if up { (count + 1).min(2 * count).min(12) } else { (count - count / 3).max(1) };
                let _ = engine.update_shard_count(UpdateShardCountInput {
                    stream: by_name("s"),
                    target_shard_count: target,
                    scaling_type: "UNIFORM_SCALING".into(),
                });
            }
            Op::Retention { hours } => {
                let input = RetentionInput { stream: by_name("s"), retention_period_hours: hours as i64 };
                let result = if hours as u64 >= retention_hours { engine.increase_retention(input) } else { engine.decrease_retention(input) };
                if result.is_ok() {
                    retention_hours = hours as u64;
                }
            }
            Op::Advance { ms } => engine.advance_by(ms),
        }
        engine.advance_by(1);
        // The oracle of retention: anything older than the retention in force has gone, for good.
        let cutoff = engine.now_ms().saturating_sub(retention_hours * 3_600_000);
        for w in written.iter().filter(|w| w.arrival_ms < cutoff) {
            expired.insert(w.seq.clone());
        }
        assert_tiles(&engine)?;
    }
    engine.advance_by(100);
    assert_tiles(&engine)?;
    // Read every visible shard, parents first (a child always has a higher index than its parents).
    let shards: Vec<String> = engine.stream("s").map(|s| s.visible_shards(engine.now_ms()).map(|sh| sh.id()).collect()).unwrap_or_default();
    let mut read: Vec<(String, String)> = Vec::new();
    for shard in shards {
        let mut it = engine
            .get_shard_iterator(GetShardIteratorInput { stream: by_name("s"), shard_id: shard, shard_iterator_type: "TRIM_HORIZON".into(), ..Default::default() })
            .map_err(|e| TestCaseError::fail(e.message))?
            .shard_iterator;
        loop {
            let out = engine.get_records(GetRecordsInput { shard_iterator: it.clone(), limit: Some(1000), stream_arn: None }).map_err(|e| TestCaseError::fail(e.message))?;
            let empty = out.records.is_empty();
            read.extend(out.records.into_iter().map(|r| (r.partition_key, r.sequence_number)));
            match out.next_shard_iterator {
                Some(next) if !empty => it = next,
                _ => break,
            }
        }
    }
    // Nothing lost, nothing duplicated (retention aside).
    let read_seqs: Vec<&String> = read.iter().map(|(_, s)| s).collect();
    let unique: BTreeSet<&String> = read_seqs.iter().copied().collect();
    prop_assert_eq!(unique.len(), read_seqs.len(), "a record came back twice");
    let expected: BTreeSet<&String> = written.iter().map(|w| &w.seq).filter(|s| !expired.contains(*s)).collect();
    prop_assert_eq!(unique, expected);
    // Per-key order: group by the hash key each record routed by.
    let route_of: BTreeMap<&String, u128> = written.iter().map(|w| (&w.seq, w.route)).collect();
    let mut by_route_written: BTreeMap<u128, Vec<&String>> = BTreeMap::new();
    for w in written.iter().filter(|w| !expired.contains(&w.seq)) {
        by_route_written.entry(w.route).or_default().push(&w.seq);
    }
    let mut by_route_read: BTreeMap<u128, Vec<&String>> = BTreeMap::new();
    for (_, s) in &read {
        let route = route_of.get(s).copied().ok_or_else(|| TestCaseError::fail(format!("unknown record {s}")))?;
        by_route_read.entry(route).or_default().push(s);
    }
    prop_assert_eq!(by_route_read, by_route_written);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn resharding_keeps_coverage_records_and_order(ops in proptest::collection::vec(op(), 1..80)) {
        run(ops)?;
    }
}

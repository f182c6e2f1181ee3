//! Content checks for three guided labs (labs/guided/): hot-shard-detection, kpl-aggregation-retries and
//! kcl-checkpoint-failover. tests/labs_replay.rs proves the sandbox side (start unmet, solution meets
//! every check); this file recomputes the numbers a learner is graded on from the engine itself, so the
//! labs cannot drift from it:
//! - where the hot shard's keys hash (MD5, FACTS.md §1 "Identifiers and routing") against the shard
//!   ranges the engine really creates, the middle of the hot shard and the split key the lab offers;
//! - the size of a real KPL aggregate (`engine::streams::agg`, FACTS.md §1 "Producers and consumers"),
//!   so the bytes-per-user-record and fits-in-1-MiB answers follow from the format;
//! - the per-shard limits (FACTS.md §1 "Writes") and the KCL arithmetic behind the other answers.

use kinesis_lab::api::observe;
use kinesis_lab::engine::streams::agg::{aggregate, UserRecordInput};
use kinesis_lab::engine::streams::hash::partition_key_hash_key;
use kinesis_lab::engine::streams::limits::{MIB, SHARD_WRITE_RECORDS_PER_SEC};
use kinesis_lab::labs::{self, Lab, QuestionKind};
use kinesis_lab::sim::TICK_MS;

fn lab(id: &str) -> Lab {
    let file = format!("labs/guided/{id}.toml");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(&file)).expect("lab file readable");
    labs::parse_lab_toml(&file, &text).unwrap_or_else(|e| panic!("{e:#?}"))
}

/// The question's graded value: the number, or the text of the right option.
fn answer(lab: &Lab, id: &str) -> (f64, Option<String>) {
    let q = lab.questions.iter().find(|q| q.id == id).unwrap_or_else(|| panic!("{}: no question {id}", lab.id));
    let option = (q.kind == QuestionKind::Choice).then(|| q.options[q.answer as usize].clone());
    (q.answer, option)
}

/// `value` is accepted as the answer of question `id`.
fn accepts(lab: &Lab, id: &str, value: f64) -> bool {
    lab.questions.iter().find(|q| q.id == id).is_some_and(|q| q.is_right(value))
}

fn u128_of(text: &str) -> u128 {
    text.split_whitespace().next().and_then(|t| t.parse().ok()).unwrap_or_else(|| panic!("not a hash key: {text}"))
}

#[test]
fn hot_shard_keys_split_key_and_demand_follow_from_the_hashes() {
    let lab = lab("hot-shard-detection");
    // The stream the lab's start creates, read from the engine: three shards.
    let (sandbox, _) = labs::start(&lab).unwrap_or_else(|e| panic!("{e}"));
    let shards = observe::shards(&sandbox.service.engine, "telemetry");
    assert_eq!(shards.len(), 3);
    let shard_of = |key: &str| {
        let h = partition_key_hash_key(key);
        shards.iter().position(|s| s.start <= h && h <= s.end).expect("every hash key has a shard")
    };
    // hot:10:40 at 2,100 records/s: key-0 gets 40 %, the nine others share the rest equally.
    let rate = 2_100.0;
    let per_key = |k: u32| if k == 0 { rate * 0.40 } else { rate * 0.60 / 9.0 };
    let mut load = [0.0f64; 3];
    for k in 0..10 {
        load[shard_of(&format!("key-{k}"))] += per_key(k);
    }
    let hot = (0..3).max_by(|a, b| load[*a].total_cmp(&load[*b])).unwrap();
    assert!(load[hot] > SHARD_WRITE_RECORDS_PER_SEC as f64, "the hot shard must be over its limit: {load:?}");
    assert!(load.iter().enumerate().all(|(i, l)| i == hot || *l < 0.8 * SHARD_WRITE_RECORDS_PER_SEC as f64), "{load:?}");
    let (_, hot_option) = answer(&lab, "hot-shard");
    assert_eq!(hot_option.as_deref(), Some(shards[hot].shard.shard_id.as_str()));
    assert!(accepts(&lab, "hot-shard-demand", load[hot]), "demand {}", load[hot]);

    // Exactly key-0, key-2 and key-8 land in the hot shard, all below the middle of its range.
    let hot_keys: Vec<String> = (0..10).map(|k| format!("key-{k}")).filter(|k| shard_of(k) == hot).collect();
    assert_eq!(hot_keys, ["key-0", "key-2", "key-8"]);
    let (start, end) = (shards[hot].start, shards[hot].end);
    let middle = start + (end - start) / 2 + 1;
    let below = hot_keys.iter().filter(|k| partition_key_hash_key(k) < middle).count();
    assert!(accepts(&lab, "keys-below-midpoint", below as f64));
    let q = lab.questions.iter().find(|q| q.id == "split-key").unwrap();
    assert_eq!(u128_of(&q.options[0]), middle, "the first option is the middle of the hot shard");
    // The right option separates key-0 from key-2 and key-8, and every child stays under the limit.
    let (_, split) = answer(&lab, "split-key");
    let split = u128_of(&split.unwrap());
    assert!(start < split && split <= end, "strictly inside the range");
    let lower: f64 = (0..10).filter(|k| shard_of(&format!("key-{k}")) == hot && partition_key_hash_key(&format!("key-{k}")) < split).map(per_key).sum();
    let upper = load[hot] - lower;
    assert_eq!(lower, per_key(0), "key-0 alone in the lower child");
    assert!(lower < 0.9 * SHARD_WRITE_RECORDS_PER_SEC as f64 && upper < 0.9 * SHARD_WRITE_RECORDS_PER_SEC as f64);
    // Every other option leaves some child over the limit or splits off no key at all.
    for (i, o) in q.options.iter().enumerate().filter(|(i, _)| *i as f64 != q.answer) {
        let s = u128_of(o);
        let low: f64 = (0..10).filter(|k| shard_of(&format!("key-{k}")) == hot && partition_key_hash_key(&format!("key-{k}")) < s).map(per_key).sum();
        let high = load[hot] - low;
        assert!(low == 0.0 || high == 0.0 || low.max(high) > SHARD_WRITE_RECORDS_PER_SEC as f64, "option {i} also works");
    }
}

#[test]
fn kpl_answers_follow_from_the_limits_and_the_aggregate_format() {
    let lab = lab("kpl-aggregation-retries");
    let (rate, data_bytes, key_chars) = (1_500.0, 100usize, 36usize);
    assert!(accepts(&lab, "lost-per-second", rate - SHARD_WRITE_RECORDS_PER_SEC as f64));
    let accepted_bytes = SHARD_WRITE_RECORDS_PER_SEC as f64 * (data_bytes + key_chars) as f64;
    assert!(accepts(&lab, "byte-share", 100.0 * accepted_bytes / MIB as f64));
    // One aggregate per 100 ms flush: rate × 0.1 s user records each.
    let per_aggregate = rate * TICK_MS as f64 / 1_000.0;
    assert!(accepts(&lab, "per-aggregate", per_aggregate));
    // A real aggregate of that many 100-byte records under distinct 36-character keys.
    let records: Vec<UserRecordInput> = (0..per_aggregate as usize)
        .map(|i| UserRecordInput {
            partition_key: format!("{i:0>36}"),
            explicit_hash_key: None,
            data: vec![b'x'; data_bytes],
        })
        .collect();
    // The Kinesis record counts the aggregate plus its own (first) partition key.
    let record_bytes = aggregate(&records).len() + key_chars;
    let per_user_record = record_bytes as f64 / per_aggregate;
    assert!(accepts(&lab, "bytes-per-user-record", per_user_record), "{per_user_record} bytes per user record");
    assert!(accepts(&lab, "fit-in-1mib", MIB as f64 / per_user_record));
    assert!(accepts(&lab, "sustained-loss", rate - SHARD_WRITE_RECORDS_PER_SEC as f64));
}

#[test]
fn kcl_duplicate_bound_is_one_checkpoint_interval_of_one_shard() {
    let lab = lab("kcl-checkpoint-failover");
    // The start's producer and application: 200 records/s over 4 shards, checkpoint every 30 s.
    let start = lab.start.steps.join("\n");
    assert!(start.contains("--shard-count 4") && start.contains("rate=200") && start.contains("checkpoint=30s"));
    assert!(accepts(&lab, "duplicates-bound", 200.0 / 4.0 * 30.0));
    assert!(accepts(&lab, "leases-per-worker", 4.0 / 2.0));
    assert!(accepts(&lab, "ledger-duplicates", 0.0));
}

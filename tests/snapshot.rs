//! Saving and restoring the sandbox (`engine::snapshot`): a restored engine answers every later call
//! exactly as the original would have, and bad input of any kind is refused with the right error.

mod common;

use common::{b64, ok, settle, START_MS};
use kinesis_lab::api::kinesis::{ApiReply, KinesisService};
use kinesis_lab::engine::snapshot::{Snapshot, SnapshotError, SNAPSHOT_VERSION};
use kinesis_lab::engine::streams::EngineConfig;
use proptest::prelude::*;
use serde_json::{json, Value};

const STREAMS: [&str; 2] = ["a", "od"];

fn save(svc: &KinesisService) -> String {
    Snapshot::new(svc, svc.engine.now_ms()).to_json().expect("serialises")
}

fn restore(text: &str) -> Result<KinesisService, SnapshotError> {
    Snapshot::<KinesisService>::from_json(text).map(|s| s.payload)
}

/// A client of the service, with what it has been handed (iterators, page tokens, subscriptions) so
/// later calls can use them, as a real client would after the page reloads.
struct Client {
    svc: KinesisService,
    iterators: Vec<String>,
    page_tokens: Vec<(String, String)>,
    subscriptions: Vec<u64>,
}

#[derive(Debug, Clone)]
enum Op {
    Put { stream: usize, key: u8, bytes: u16 },
    PutBatch { stream: usize, count: u8, bytes: u16 },
    Split { stream: usize, pick: usize, fraction: u16 },
    Merge { stream: usize, pick: usize },
    Scale { stream: usize, up: bool },
    Advance { ms: u64 },
    Iterator { stream: usize, pick: usize, kind: usize },
    Read { pick: usize },
    ListShards { stream: usize, continue_page: Option<usize> },
    Describe { stream: usize },
    /// Six DescribeStream calls at once (10 per second are allowed: the counters must survive a restore).
    Burst { stream: usize },
    Register { stream: usize, n: u8 },
    Deregister { stream: usize, n: u8 },
    Subscribe { stream: usize, n: u8, pick: usize },
    Poll { pick: usize },
    Retention { stream: usize, increase: bool },
    SwitchMode { stream: usize },
    Tag { stream: usize, n: u8 },
    Recreate { stream: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let s = 0..STREAMS.len();
    prop_oneof![
        8 => (s.clone(), any::<u8>(), 1u16..2_000).prop_map(|(stream, key, bytes)| Op::Put { stream, key, bytes }),
        2 => (s.clone(), 1u8..100, 1u16..12_000).prop_map(|(stream, count, bytes)| Op::PutBatch { stream, count, bytes }),
        2 => (s.clone(), any::<usize>(), 1u16..u16::MAX).prop_map(|(stream, pick, fraction)| Op::Split { stream, pick, fraction }),
        2 => (s.clone(), any::<usize>()).prop_map(|(stream, pick)| Op::Merge { stream, pick }),
        1 => (s.clone(), any::<bool>()).prop_map(|(stream, up)| Op::Scale { stream, up }),
        6 => prop_oneof![4 => 0u64..1_500, 1 => 1_500u64..20_000, 1 => Just(16 * 60_000u64), 1 => Just(25 * 3_600_000u64)]
            .prop_map(|ms| Op::Advance { ms }),
        3 => (s.clone(), any::<usize>(), 0usize..3).prop_map(|(stream, pick, kind)| Op::Iterator { stream, pick, kind }),
        4 => any::<usize>().prop_map(|pick| Op::Read { pick }),
        2 => (s.clone(), proptest::option::of(any::<usize>())).prop_map(|(stream, continue_page)| Op::ListShards { stream, continue_page }),
        1 => s.clone().prop_map(|stream| Op::Describe { stream }),
        1 => s.clone().prop_map(|stream| Op::Burst { stream }),
        2 => (s.clone(), 0u8..3).prop_map(|(stream, n)| Op::Register { stream, n }),
        1 => (s.clone(), 0u8..3).prop_map(|(stream, n)| Op::Deregister { stream, n }),
        2 => (s.clone(), 0u8..3, any::<usize>()).prop_map(|(stream, n, pick)| Op::Subscribe { stream, n, pick }),
        3 => any::<usize>().prop_map(|pick| Op::Poll { pick }),
        1 => (s.clone(), any::<bool>()).prop_map(|(stream, increase)| Op::Retention { stream, increase }),
        1 => s.clone().prop_map(|stream| Op::SwitchMode { stream }),
        1 => (s.clone(), any::<u8>()).prop_map(|(stream, n)| Op::Tag { stream, n }),
        1 => s.prop_map(|stream| Op::Recreate { stream }),
    ]
}

fn reply_json(reply: ApiReply) -> Value {
    match reply {
        ApiReply::Json { status, body } => json!({ "status": status, "body": body }),
        ApiReply::Subscribed { subscription_id } => json!({ "subscribed": subscription_id }),
    }
}

impl Client {
    fn new(svc: KinesisService) -> Self {
        Client { svc, iterators: Vec::new(), page_tokens: Vec::new(), subscriptions: Vec::new() }
    }

    fn call(&mut self, op: &str, body: Value) -> Value {
        let reply = self.svc.call_json(op, &body);
        if let ApiReply::Subscribed { subscription_id } = reply {
            self.subscriptions.push(subscription_id);
        }
        reply_json(reply)
    }

    fn arn(&self, stream: usize) -> String {
        self.svc.engine.stream_arn(STREAMS[stream])
    }

    /// Shard ids of a stream, open ones first (so picks mostly hit shards that accept changes).
    fn shard_ids(&self, stream: usize, open_only: bool) -> Vec<(String, u128, u128)> {
        let Some(s) = self.svc.engine.stream(STREAMS[stream]) else { return vec![] };
        let now = self.svc.engine.now_ms();
        s.visible_shards(now).filter(|sh| !open_only || sh.is_open()).map(|sh| (sh.id(), sh.range.start, sh.range.end)).collect()
    }

    fn consumer_arn(&self, stream: usize, n: u8) -> String {
        let name = format!("c{n}");
        self.svc
            .engine
            .stream(STREAMS[stream])
            .and_then(|s| s.consumers.get(&name))
            .map(|c| c.arn.clone())
            .unwrap_or_else(|| format!("{}/consumer/{name}:1", self.arn(stream)))
    }

    /// Apply one operation; the result is everything the caller observed, as JSON.
    fn apply(&mut self, op: &Op) -> Value {
        match *op {
            Op::Put { stream, key, bytes } => {
                let data = vec![key; bytes as usize];
                self.call("PutRecord", json!({"StreamName": STREAMS[stream], "PartitionKey": format!("k{key}"), "Data": b64(&data)}))
            }
            Op::PutBatch { stream, count, bytes } => {
                let records: Vec<Value> = (0..count)
                    .map(|i| json!({"PartitionKey": format!("b{i}"), "Data": b64(&vec![i; bytes as usize])}))
                    .collect();
                self.call("PutRecords", json!({"StreamName": STREAMS[stream], "Records": records}))
            }
            Op::Split { stream, pick, fraction } => {
                let open = self.shard_ids(stream, true);
                let Some((id, start, end)) = open.get(pick % open.len().max(1)).cloned() else { return Value::Null };
                let at = start + (end - start) / u16::MAX as u128 * fraction as u128;
                self.call("SplitShard", json!({"StreamName": STREAMS[stream], "ShardToSplit": id, "NewStartingHashKey": at.to_string()}))
            }
            Op::Merge { stream, pick } => {
                let mut open = self.shard_ids(stream, true);
                open.sort_by_key(|(_, start, _)| *start);
                if open.len() < 2 {
                    return Value::Null;
                }
                let i = pick % (open.len() - 1);
                let body = json!({"StreamName": STREAMS[stream], "ShardToMerge": open[i].0, "AdjacentShardToMerge": open[i + 1].0});
                self.call("MergeShards", body)
            }
            Op::Scale { stream, up } => {
                let open = self.shard_ids(stream, true).len() as u32;
                let target = if up { open * 2 } else { open.div_ceil(2) }.max(1);
                self.call("UpdateShardCount", json!({"StreamName": STREAMS[stream], "TargetShardCount": target, "ScalingType": "UNIFORM_SCALING"}))
            }
            Op::Advance { ms } => {
                self.svc.engine.advance_by(ms);
                json!({ "now": self.svc.engine.now_ms() })
            }
            Op::Iterator { stream, pick, kind } => {
                let shards = self.shard_ids(stream, false);
                let id = shards.get(pick % shards.len().max(1)).map(|s| s.0.clone()).unwrap_or_else(|| "shardId-000000000000".into());
                let kind = ["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"][kind];
                let mut body = json!({"StreamName": STREAMS[stream], "ShardId": id, "ShardIteratorType": kind});
                if kind == "AT_TIMESTAMP" {
                    body["Timestamp"] = json!((self.svc.engine.now_ms() / 1000).saturating_sub(30));
                }
                let out = self.call("GetShardIterator", body);
                if let Some(it) = out["body"]["ShardIterator"].as_str() {
                    self.iterators.push(it.to_string());
                }
                out
            }
            Op::Read { pick } => {
                if self.iterators.is_empty() {
                    return Value::Null;
                }
                let i = pick % self.iterators.len();
                let out = self.call("GetRecords", json!({"ShardIterator": self.iterators[i], "Limit": 50}));
                if let Some(next) = out["body"]["NextShardIterator"].as_str() {
                    self.iterators[i] = next.to_string();
                }
                out
            }
            Op::ListShards { stream, continue_page } => {
                let token = continue_page.and_then(|p| self.page_tokens.get(p % self.page_tokens.len().max(1)).cloned());
                let body = match &token {
                    Some((_, t)) => json!({"NextToken": t, "MaxResults": 1}),
                    None => json!({"StreamName": STREAMS[stream], "MaxResults": 1}),
                };
                let out = self.call("ListShards", body);
                if let Some(t) = out["body"]["NextToken"].as_str() {
                    self.page_tokens.push((STREAMS[stream].to_string(), t.to_string()));
                }
                out
            }
            Op::Describe { stream } => {
                let a = self.call("DescribeStream", json!({"StreamName": STREAMS[stream]}));
                let b = self.call("DescribeStreamSummary", json!({"StreamName": STREAMS[stream]}));
                let c = self.call("ListStreamConsumers", json!({"StreamARN": self.arn(stream)}));
                json!([a, b, c])
            }
            Op::Burst { stream } => {
                let replies: Vec<Value> = (0..6).map(|_| self.call("DescribeStream", json!({"StreamName": STREAMS[stream]}))).collect();
                Value::Array(replies)
            }
            Op::Register { stream, n } => {
                self.call("RegisterStreamConsumer", json!({"StreamARN": self.arn(stream), "ConsumerName": format!("c{n}")}))
            }
            Op::Deregister { stream, n } => self.call("DeregisterStreamConsumer", json!({"ConsumerARN": self.consumer_arn(stream, n)})),
            Op::Subscribe { stream, n, pick } => {
                let shards = self.shard_ids(stream, false);
                let id = shards.get(pick % shards.len().max(1)).map(|s| s.0.clone()).unwrap_or_else(|| "shardId-000000000000".into());
                let body = json!({"ConsumerARN": self.consumer_arn(stream, n), "ShardId": id, "StartingPosition": {"Type": "TRIM_HORIZON"}});
                self.call("SubscribeToShard", body)
            }
            Op::Poll { pick } => {
                if self.subscriptions.is_empty() {
                    return Value::Null;
                }
                let id = self.subscriptions[pick % self.subscriptions.len()];
                let poll = self.svc.poll_subscription(id);
                json!({
                    "events": serde_json::to_value(&poll.events).expect("events serialise"),
                    "ended": poll.ended,
                    "error": poll.error.map(|e| format!("{e:?}")),
                })
            }
            Op::Retention { stream, increase } => {
                let (op, hours) = if increase { ("IncreaseStreamRetentionPeriod", 48) } else { ("DecreaseStreamRetentionPeriod", 24) };
                self.call(op, json!({"StreamName": STREAMS[stream], "RetentionPeriodHours": hours}))
            }
            Op::SwitchMode { stream } => {
                let on_demand = self.svc.engine.stream(STREAMS[stream]).is_some_and(|s| s.mode == kinesis_lab::engine::streams::types::StreamMode::OnDemand);
                let mode = if on_demand { "PROVISIONED" } else { "ON_DEMAND" };
                self.call("UpdateStreamMode", json!({"StreamARN": self.arn(stream), "StreamModeDetails": {"StreamMode": mode}}))
            }
            Op::Tag { stream, n } => {
                let a = self.call("AddTagsToStream", json!({"StreamName": STREAMS[stream], "Tags": {format!("t{}", n % 8): "v"}}));
                let b = self.call("ListTagsForStream", json!({"StreamName": STREAMS[stream]}));
                json!([a, b])
            }
            Op::Recreate { stream } => {
                let a = self.call("DeleteStream", json!({"StreamName": STREAMS[stream], "EnforceConsumerDeletion": true}));
                self.svc.engine.advance_by(1_000);
                let b = self.call("CreateStream", json!({"StreamName": STREAMS[stream], "ShardCount": 2}));
                json!([a, b])
            }
        }
    }
}

/// A provisioned stream with 2 shards and an on-demand one, both ACTIVE.
fn fresh_service() -> KinesisService {
    let mut svc = KinesisService::new(EngineConfig::default(), START_MS);
    ok(&mut svc, "CreateStream", json!({"StreamName": "a", "ShardCount": 2}));
    ok(&mut svc, "CreateStream", json!({"StreamName": "od", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}));
    settle(&mut svc);
    svc
}

/// Run `before` on one client, save and restore it into a second, then run `after` on both: every
/// observation must be the same, and so must the state they end in.
fn check_restore_is_invisible(before: &[Op], after: &[Op]) -> Result<String, TestCaseError> {
    let mut original = Client::new(fresh_service());
    for op in before {
        original.apply(op);
    }
    let text = save(&original.svc);
    let restored_svc = restore(&text).map_err(|e| TestCaseError::fail(format!("restore failed: {e}")))?;
    prop_assert_eq!(save(&restored_svc), text.clone(), "a restored engine saves to the same text");
    let mut restored = Client {
        svc: restored_svc,
        iterators: original.iterators.clone(),
        page_tokens: original.page_tokens.clone(),
        subscriptions: original.subscriptions.clone(),
    };
    for (n, op) in after.iter().enumerate() {
        let expected = original.apply(op);
        let got = restored.apply(op);
        prop_assert_eq!(got, expected, "call {} after the restore ({:?}) answered differently", n, op);
    }
    prop_assert_eq!(save(&restored.svc), save(&original.svc), "the two engines drifted apart");
    Ok(text)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn restored_engine_answers_like_the_original(
        before in proptest::collection::vec(op(), 0..60),
        after in proptest::collection::vec(op(), 1..40),
    ) {
        check_restore_is_invisible(&before, &after)?;
    }
}

/// Every kind of state at once: resharded streams (split, merge, uniform scaling still UPDATING),
/// records in closed and open shards, an on-demand stream that has scaled itself, consumers in each
/// state, a live subscription, handed-out iterators and page tokens, rate counters mid-second.
fn busy_script() -> (Vec<Op>, Vec<Op>) {
    use Op::*;
    let mut before = vec![
        Register { stream: 0, n: 0 },
        Register { stream: 1, n: 1 },
        Advance { ms: 600 },
        Register { stream: 0, n: 2 },
    ];
    for key in 0..40 {
        before.push(Put { stream: key as usize % 2, key, bytes: 300 });
    }
    before.extend([
        Split { stream: 0, pick: 0, fraction: 20_000 },
        Advance { ms: 600 },
        Merge { stream: 0, pick: 1 },
        Advance { ms: 600 },
        Iterator { stream: 0, pick: 0, kind: 0 },
        Iterator { stream: 0, pick: 3, kind: 0 },
        Read { pick: 0 },
        Subscribe { stream: 0, n: 0, pick: 4 },
        Poll { pick: 0 },
        ListShards { stream: 0, continue_page: None },
        Tag { stream: 0, n: 3 },
    ]);
    // Push the on-demand stream past 2× its initial capacity, then wait out the scale-up delay.
    for _ in 0..3 {
        before.push(PutBatch { stream: 1, count: 100, bytes: 30_000 });
    }
    before.extend([Advance { ms: 1_000 }, Advance { ms: 16 * 60_000 }, Advance { ms: 2_000 }]);
    for key in 0..20 {
        before.push(Put { stream: 0, key, bytes: 100 });
    }
    before.extend([
        Scale { stream: 0, up: true },
        Describe { stream: 0 },
        Burst { stream: 0 },
        Subscribe { stream: 0, n: 2, pick: 4 },
        Put { stream: 0, key: 1, bytes: 10 },
    ]);
    let after = vec![
        Put { stream: 0, key: 9, bytes: 100 },
        // Throttled only if the call counters of this second survived the restore.
        Burst { stream: 0 },
        // Refused (1 call per second, then 5 s between subscriptions) only if the subscription
        // counters and the last subscribe time survived.
        Subscribe { stream: 0, n: 2, pick: 4 },
        Advance { ms: 1_500 },
        Subscribe { stream: 0, n: 2, pick: 4 },
        Read { pick: 0 },
        Read { pick: 1 },
        ListShards { stream: 0, continue_page: Some(0) },
        Poll { pick: 0 },
        Advance { ms: 700 },
        Describe { stream: 0 },
        Describe { stream: 1 },
        Subscribe { stream: 0, n: 2, pick: 1 },
        Poll { pick: 1 },
        Advance { ms: 6_000 },
        Poll { pick: 1 },
        Put { stream: 1, key: 4, bytes: 1_000 },
        Iterator { stream: 1, pick: 5, kind: 2 },
        Read { pick: 2 },
        Advance { ms: 25 * 3_600_000 },
        Describe { stream: 0 },
        Read { pick: 0 },
    ];
    (before, after)
}

#[test]
fn busy_engine_restores_exactly() {
    let (before, after) = busy_script();
    let text = check_restore_is_invisible(&before, &after).expect("identical behaviour after restore");
    // The scenario really did reach the states it is meant to cover.
    let svc = restore(&text).expect("restores");
    let a = svc.engine.stream("a").expect("stream a");
    assert!(a.shards.iter().any(|s| !s.is_open() && !s.records.is_empty()), "closed shards with records");
    assert!(a.pending.is_some(), "UpdateShardCount still in progress");
    assert!(a.consumers.len() >= 2);
    let od = svc.engine.stream("od").expect("stream od");
    assert!(od.open_shard_count() > 4, "on-demand stream scaled itself: {} shards", od.open_shard_count());
    assert!(svc.engine.subscription(0).is_some(), "a live subscription");
    // The calls right after the restore were throttled and refused, as they would have been without it.
    let mut client = Client::new(svc);
    let burst = client.apply(&Op::Burst { stream: 0 });
    assert_eq!(burst[5]["body"]["__type"], json!("LimitExceededException"), "{burst}");
    let again = client.apply(&Op::Subscribe { stream: 0, n: 2, pick: 4 });
    assert_eq!(again["body"]["__type"], json!("LimitExceededException"), "{again}");
    client.apply(&Op::Advance { ms: 1_500 });
    let again = client.apply(&Op::Subscribe { stream: 0, n: 2, pick: 4 });
    assert_eq!(again["body"]["__type"], json!("ResourceInUseException"), "{again}");
}

fn engine_json(text: &str) -> Value {
    serde_json::from_str(text).expect("json")
}

fn corrupt_reason(text: &str) -> String {
    match restore(text) {
        Err(SnapshotError::Corrupt { reason }) => reason,
        Err(other) => panic!("expected Corrupt, got {other:?}"),
        Ok(_) => panic!("a damaged snapshot was accepted"),
    }
}

#[test]
fn truncated_snapshots_are_not_json() {
    let (before, _) = busy_script();
    let mut client = Client::new(fresh_service());
    for op in &before {
        client.apply(op);
    }
    let text = save(&client.svc);
    // Every cut of the text (sampled: it is large) is refused as incomplete JSON, never a panic.
    let step = (text.len() / 400).max(1);
    for cut in (0..text.len()).step_by(step) {
        if !text.is_char_boundary(cut) {
            continue;
        }
        match restore(&text[..cut]) {
            Err(SnapshotError::NotJson { .. }) => {}
            other => panic!("cut at {cut} of {}: {:?}", text.len(), other.err()),
        }
    }
}

#[test]
fn garbage_wrong_format_and_wrong_version() {
    assert!(matches!(restore("hello"), Err(SnapshotError::NotJson { .. })));
    assert!(matches!(restore("\u{feff}{}"), Err(SnapshotError::NotJson { .. })));
    assert!(matches!(restore(&"\u{0}".repeat(10)), Err(SnapshotError::NotJson { .. })));
    assert_eq!(restore("42").err(), Some(SnapshotError::WrongFormat { found: None }));
    assert_eq!(restore(r#"{"StreamName":"a"}"#).err(), Some(SnapshotError::WrongFormat { found: None }));
    assert_eq!(
        restore(r#"{"format":"kinesis-lab-lesson","version":1,"payload":{}}"#).err(),
        Some(SnapshotError::WrongFormat { found: Some("kinesis-lab-lesson".into()) })
    );

    let mut v = engine_json(&save(&fresh_service()));
    v["version"] = json!(SNAPSHOT_VERSION + 1);
    assert_eq!(
        restore(&v.to_string()).err(),
        Some(SnapshotError::UnsupportedVersion { found: SNAPSHOT_VERSION as u64 + 1, supported: SNAPSHOT_VERSION })
    );
    v["version"] = json!(0);
    assert_eq!(restore(&v.to_string()).err(), Some(SnapshotError::UnsupportedVersion { found: 0, supported: SNAPSHOT_VERSION }));
    // A snapshot whose payload is something else entirely (another kind of save) is corrupt, not a crash.
    v["version"] = json!(SNAPSHOT_VERSION);
    v["payload"] = json!({"producers": []});
    assert!(corrupt_reason(&v.to_string()).contains("engine"));
}

/// A snapshot of a 4-shard stream (2 split into 3) with one record, as JSON to tamper with.
fn tamper_base() -> Value {
    let mut svc = fresh_service();
    ok(&mut svc, "PutRecord", json!({"StreamName": "a", "PartitionKey": "k", "Data": b64(b"hello")}));
    ok(&mut svc, "SplitShard", json!({"StreamName": "a", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1000"}));
    settle(&mut svc);
    engine_json(&save(&svc))
}

/// The shard of `tamper_base` that holds its record: MD5("k") routes to the upper half (shard 1).
fn record_shard() -> usize {
    let hash = kinesis_lab::engine::streams::hash::partition_key_hash_key("k");
    if hash > u128::MAX / 2 { 1 } else { 0 }
}

fn shards_of(v: &mut Value) -> &mut Vec<Value> {
    v["payload"]["engine"]["streams"]["a"]["shards"].as_array_mut().expect("shards")
}

#[test]
fn the_saved_form_is_compact_and_readable() {
    let mut v = tamper_base();
    let shards = shards_of(&mut v);
    // u128 hash keys as decimal strings; records as [counter, arrival_ms, key, base64 data, encrypted].
    assert_eq!(shards[0]["range"]["start"], json!("0"));
    assert_eq!(shards[0]["range"]["end"], json!("170141183460469231731687303715884105727"));
    let record = &shards[record_shard()]["records"][0];
    assert_eq!(record[2], json!("k"));
    assert_eq!(record[3], json!(b64(b"hello")));
    assert_eq!(record[4], json!(false));
    assert_eq!(v["payload"]["engine"]["streams"]["a"]["status"], json!("ACTIVE"));
}

#[test]
fn hostile_snapshots_are_corrupt() {
    // A hash key that is not a number, or does not fit in 128 bits, or is a bare JSON number.
    for bad in [json!("12x"), json!("340282366920938463463374607431768211456"), json!(""), json!(5)] {
        let mut v = tamper_base();
        shards_of(&mut v)[0]["range"]["start"] = bad.clone();
        let reason = corrupt_reason(&v.to_string());
        assert!(reason.contains("128-bit") || reason.contains("128 bits"), "{bad}: {reason}");
    }
    // Two open shards that overlap (ARCHITECTURE.md invariant: the open shards tile the space once).
    let mut v = tamper_base();
    shards_of(&mut v)[1]["range"]["start"] = json!("500");
    assert!(corrupt_reason(&v.to_string()).contains("overlap"));
    // A gap in the hash space.
    let mut v = tamper_base();
    shards_of(&mut v)[3]["range"]["start"] = json!("2000");
    assert!(corrupt_reason(&v.to_string()).contains("belong to no open shard"));
    // Every shard closed.
    let mut v = tamper_base();
    for shard in shards_of(&mut v).iter_mut() {
        shard["closed_ms"] = json!(START_MS);
        shard["ending_sequence"] = json!({"arrival_ms": START_MS, "shard_index": 0, "counter": 0});
    }
    assert!(corrupt_reason(&v.to_string()).contains("not covered"));
    // Record data that is not base64.
    let mut v = tamper_base();
    shards_of(&mut v)[record_shard()]["records"][0][3] = json!("not base64!");
    assert!(corrupt_reason(&v.to_string()).contains("base64"));
    // A byte count that disagrees with the records (retention would underflow it).
    let mut v = tamper_base();
    shards_of(&mut v)[record_shard()]["stored_bytes"] = json!(0);
    assert!(corrupt_reason(&v.to_string()).contains("stored_bytes"));
    // A shard stored out of place, and lineage pointing nowhere.
    let mut v = tamper_base();
    shards_of(&mut v)[1]["index"] = json!(7);
    assert!(corrupt_reason(&v.to_string()).contains("position"));
    let mut v = tamper_base();
    shards_of(&mut v)[2]["parent"] = json!(99);
    assert!(corrupt_reason(&v.to_string()).contains("lineage"));
    // A stream filed under another name (the clock loop would never complete its changes).
    let mut v = tamper_base();
    let streams = v["payload"]["engine"]["streams"].as_object_mut().expect("streams");
    let a = streams.remove("a").expect("a");
    streams.insert("b".into(), a);
    assert!(corrupt_reason(&v.to_string()).contains("named"));
    // Numbers the engine would overflow adding to.
    let mut v = tamper_base();
    v["payload"]["engine"]["now_ms"] = json!(u64::MAX);
    assert!(corrupt_reason(&v.to_string()).contains("clock"));
    let mut v = tamper_base();
    shards_of(&mut v)[0]["write_bytes"]["tokens_milli"] = json!(u128::MAX.to_string());
    assert!(corrupt_reason(&v.to_string()).contains("throughput"));
    let mut v = tamper_base();
    shards_of(&mut v)[0]["metrics"]["capacity_seconds"] = json!(0);
    assert!(corrupt_reason(&v.to_string()).contains("metrics"));
    // Wrong types and missing fields.
    let mut v = tamper_base();
    v["payload"]["engine"]["streams"]["a"]["status"] = json!("SLEEPING");
    corrupt_reason(&v.to_string());
    let mut v = tamper_base();
    v["payload"]["engine"].as_object_mut().expect("engine").remove("subscriptions");
    corrupt_reason(&v.to_string());
    // The untouched base restores (so each failure above is due to its own change).
    assert!(restore(&tamper_base().to_string()).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Flipping any byte of a real snapshot never panics: it restores, or it is refused with an error.
    #[test]
    fn damaged_bytes_never_panic(at in any::<usize>(), byte in any::<u8>()) {
        let text = save(&{
            let mut svc = fresh_service();
            ok(&mut svc, "PutRecord", json!({"StreamName": "a", "PartitionKey": "k", "Data": b64(b"hello")}));
            svc
        });
        let mut bytes = text.into_bytes();
        let i = at % bytes.len();
        bytes[i] = byte;
        if let Ok(damaged) = String::from_utf8(bytes) {
            let _ = restore(&damaged);
        }
    }
}

/// Source for the size: 10,000 records of 100 bytes each (FACTS.md §1: a record's data is a blob,
/// base64 on the wire; the snapshot keeps it as base64 too).
#[test]
fn size_of_ten_thousand_records() {
    let config = EngineConfig { enforce_limits: false, ..EngineConfig::default() };
    let mut svc = KinesisService::new(config, START_MS);
    ok(&mut svc, "CreateStream", json!({"StreamName": "a", "ShardCount": 4}));
    settle(&mut svc);
    for batch in 0..20 {
        let records: Vec<Value> =
            (0..500).map(|i| json!({"PartitionKey": format!("key-{}", (batch * 500 + i) % 64), "Data": b64(&[b'x'; 100])})).collect();
        ok(&mut svc, "PutRecords", json!({"StreamName": "a", "Records": records}));
        svc.engine.advance_by(100);
    }
    let text = save(&svc);
    let per_record = text.len() as f64 / 10_000.0;
    println!("snapshot of 10,000 × 100-byte records: {} bytes ({per_record:.0} bytes per record)", text.len());
    // base64 of 100 bytes is 136 characters; the rest is counter, arrival time, key and punctuation.
    assert!(text.len() > 10_000 * 136, "every record's data is in it");
    assert!(text.len() < 10_000 * 200, "at most 200 bytes per record, not arrays of numbers");
    let back = restore(&text).expect("restores");
    assert_eq!(back.engine.stream("a").map(|s| s.shards.iter().map(|sh| sh.records.len()).sum::<usize>()), Some(10_000));
}

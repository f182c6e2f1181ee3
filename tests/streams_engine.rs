//! Data Streams behaviour through the API layer, each test naming the rule's source.

mod common;
use common::*;
use serde_json::json;

// Source: FACTS.md §1 "Identifiers and routing" — AWS's ranges for N = 3 and shard id format.
#[test]
fn three_shard_stream_has_aws_ranges_and_ids() {
    let mut svc = service();
    stream(&mut svc, "s", 3);
    let shards = shards(&mut svc, "s");
    let ids: Vec<&str> = shards.iter().map(|s| s["ShardId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]);
    assert_eq!(shards[0]["HashKeyRange"]["EndingHashKey"], "113427455640312821154458202477256070484");
    assert_eq!(shards[1]["HashKeyRange"]["StartingHashKey"], "113427455640312821154458202477256070485");
    assert_eq!(shards[2]["HashKeyRange"]["EndingHashKey"], "340282366920938463463374607431768211455");
}

// Source: FACTS.md §1 — CREATING lasts a configurable time; writes to a CREATING stream are refused as not found.
#[test]
fn creating_then_active() {
    let mut svc = service();
    ok(&mut svc, "CreateStream", json!({"StreamName": "s", "ShardCount": 1}));
    let s = ok(&mut svc, "DescribeStreamSummary", json!({"StreamName": "s"}));
    assert_eq!(s["StreamDescriptionSummary"]["StreamStatus"], "CREATING");
    let (t, m) = err(&mut svc, "PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": b64(b"x")}));
    assert_eq!((t.as_str(), m.as_str()), ("ResourceNotFoundException", "Stream s under account 123456789012 not found."));
    settle(&mut svc);
    let s = ok(&mut svc, "DescribeStreamSummary", json!({"StreamName": "s"}));
    assert_eq!(s["StreamDescriptionSummary"]["StreamStatus"], "ACTIVE");
    assert_eq!(s["StreamDescriptionSummary"]["OpenShardCount"], 1);
    let (t, m) = err(&mut svc, "CreateStream", json!({"StreamName": "s", "ShardCount": 1}));
    assert_eq!((t.as_str(), m.as_str()), ("ResourceInUseException", "Stream s under account 123456789012 already exists."));
}

// Source: FACTS.md §1 "Identifiers and routing" — MD5 routing and ExplicitHashKey override.
#[test]
fn routing_by_md5_and_explicit_hash_key() {
    let mut svc = service();
    stream(&mut svc, "s", 4);
    let ranges: Vec<(u128, u128)> = shards(&mut svc, "s")
        .iter()
        .map(|s| {
            let r = &s["HashKeyRange"];
            (r["StartingHashKey"].as_str().unwrap().parse().unwrap(), r["EndingHashKey"].as_str().unwrap().parse().unwrap())
        })
        .collect();
    for key in ["alpha", "beta", "gamma", "delta", "épsilon"] {
        let h = kinesis_lab::engine::streams::hash::partition_key_hash_key(key);
        let expected = ranges.iter().position(|(a, b)| *a <= h && h <= *b).unwrap();
        let out = put(&mut svc, "s", key, b"x");
        assert_eq!(out["ShardId"], format!("shardId-{expected:012}"));
    }
    let out = ok(&mut svc, "PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": b64(b"x"), "ExplicitHashKey": "340282366920938463463374607431768211455"}));
    assert_eq!(out["ShardId"], "shardId-000000000003");
    let (t, m) = err(&mut svc, "PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": b64(b"x"), "ExplicitHashKey": "340282366920938463463374607431768211456"}));
    assert_eq!(t, "InvalidArgumentException");
    assert_eq!(m, "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456");
}

// Source: FACTS.md §1 "Identifiers and routing" — 56-digit sequence numbers, increasing within a shard.
#[test]
fn sequence_numbers_are_56_digits_and_increase() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let mut last = String::new();
    for i in 0..20 {
        svc.engine.advance_by(7);
        let seq = put(&mut svc, "s", "k", format!("{i}").as_bytes())["SequenceNumber"].as_str().unwrap().to_string();
        assert_eq!(seq.len(), 56);
        assert!(seq > last, "{seq} should exceed {last}");
        last = seq;
    }
}

// Source: FACTS.md §1 "Writes" — 1,000 records/s per shard, AWS's throttling message, partial failure in order.
#[test]
fn per_shard_record_rate_throttles_puts() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let entries: Vec<_> = (0..500).map(|i| json!({"PartitionKey": "hot", "Data": b64(format!("{i}").as_bytes())})).collect();
    for _ in 0..2 {
        let out = ok(&mut svc, "PutRecords", json!({"StreamName": "s", "Records": entries}));
        assert_eq!(out["FailedRecordCount"], 0);
    }
    let out = ok(&mut svc, "PutRecords", json!({"StreamName": "s", "Records": entries}));
    assert_eq!(out["FailedRecordCount"], 500);
    let first = &out["Records"][0];
    assert_eq!(first["ErrorCode"], "ProvisionedThroughputExceededException");
    assert_eq!(first["ErrorMessage"], "Rate exceeded for shard shardId-000000000000 in stream s under account 123456789012.");
    // A second later the bucket has refilled.
    svc.engine.advance_by(1000);
    assert_eq!(ok(&mut svc, "PutRecords", json!({"StreamName": "s", "Records": entries}))["FailedRecordCount"], 0);
}

// Source: FACTS.md §1 "Writes" — 1 MiB/s per shard (partition key bytes count), other shards unaffected.
#[test]
fn per_shard_byte_rate_throttles_and_other_shards_still_accept() {
    let mut svc = service();
    stream(&mut svc, "s", 2);
    let big = vec![7u8; 300 * 1024];
    for _ in 0..3 {
        put(&mut svc, "s", "a", &big);
    }
    let (t, m) = err(&mut svc, "PutRecord", json!({"StreamName": "s", "PartitionKey": "a", "Data": b64(&big)}));
    assert_eq!(t, "ProvisionedThroughputExceededException");
    assert!(m.starts_with("Rate exceeded for shard shardId-"), "{m}");
    // "a" hashes to one shard; a key routed to the other shard goes through.
    let h = kinesis_lab::engine::streams::hash::partition_key_hash_key("a");
    let other = if h < (1u128 << 127) { u128::MAX } else { 0 };
    ok(&mut svc, "PutRecord", json!({"StreamName": "s", "PartitionKey": "a", "ExplicitHashKey": other.to_string(), "Data": b64(&big)}));
    let metrics = svc.engine.stream("s").unwrap().metrics.points().last().unwrap().1;
    assert_eq!(metrics.write_throttled, 1);
}

// Source: FACTS.md §1 "Writes" — default 1 MiB record ceiling, raised with UpdateMaxRecordSize up to 10 MiB,
// with large records drawing on a refilling burst allowance (AWS "Handle large records").
#[test]
fn record_size_ceiling_and_large_record_burst() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let two_mib = vec![1u8; 2 * 1024 * 1024];
    let (t, _) = err(&mut svc, "PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": b64(&two_mib)}));
    assert_eq!(t, "InvalidArgumentException");
    let arn = svc.engine.stream_arn("s");
    ok(&mut svc, "UpdateMaxRecordSize", json!({"StreamARN": arn, "MaxRecordSizeInKiB": 10240}));
    settle(&mut svc);
    svc.engine.advance_by(10_000);
    let ten_mib = vec![2u8; 10 * 1024 * 1024 - 10];
    put(&mut svc, "s", "k", &ten_mib);
    // The burst is spent: even a small record must wait for the refill …
    let (t, _) = err(&mut svc, "PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": b64(&vec![0u8; 600_000])}));
    assert_eq!(t, "ProvisionedThroughputExceededException");
    // … which runs at the baseline 1 MiB/s.
    svc.engine.advance_by(1_000);
    put(&mut svc, "s", "k", &vec![0u8; 600_000]);
}

// Source: FACTS.md §1 "Reads" — 5 GetRecords calls per second per shard.
#[test]
fn get_records_five_calls_per_second() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let it = iterator(&mut svc, "s", "shardId-000000000000", "LATEST");
    for _ in 0..5 {
        ok(&mut svc, "GetRecords", json!({"ShardIterator": it}));
    }
    let (t, m) = err(&mut svc, "GetRecords", json!({"ShardIterator": it}));
    assert_eq!(t, "ProvisionedThroughputExceededException");
    assert_eq!(m, "Rate exceeded for shard shardId-000000000000 in stream s under account 123456789012.");
    svc.engine.advance_by(1000);
    ok(&mut svc, "GetRecords", json!({"ShardIterator": it}));
}

// Source: FACTS.md §1 "Reads" — GetRecords returns at most 10 MiB; after a 10 MiB read the next 5 s throttle.
#[test]
fn ten_mib_read_throttles_the_next_five_seconds() {
    let mut svc = service_with(|c| c.enforce_limits = true);
    stream(&mut svc, "s", 1);
    let arn = svc.engine.stream_arn("s");
    ok(&mut svc, "UpdateMaxRecordSize", json!({"StreamARN": arn, "MaxRecordSizeInKiB": 10240}));
    settle(&mut svc);
    let chunk = vec![3u8; 1024 * 1024 - 100];
    for _ in 0..12 {
        svc.engine.advance_by(1_100);
        put(&mut svc, "s", "k", &chunk);
    }
    let it = iterator(&mut svc, "s", "shardId-000000000000", "TRIM_HORIZON");
    let out = ok(&mut svc, "GetRecords", json!({"ShardIterator": it}));
    let n = out["Records"].as_array().unwrap().len();
    assert_eq!(n, 10, "10 records of just under 1 MiB fill the 10 MiB cap");
    let next = out["NextShardIterator"].as_str().unwrap().to_string();
    svc.engine.advance_by(4_900);
    assert_eq!(err(&mut svc, "GetRecords", json!({"ShardIterator": next})).0, "ProvisionedThroughputExceededException");
    svc.engine.advance_by(200);
    let out = ok(&mut svc, "GetRecords", json!({"ShardIterator": next}));
    assert_eq!(out["Records"].as_array().unwrap().len(), 2);
}

// Source: FACTS.md §1 "Reads" — Limit caps the batch (1–10,000), MillisBehindLatest counts the backlog.
#[test]
fn limit_and_millis_behind_latest() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    for i in 0..10 {
        put(&mut svc, "s", "k", format!("{i}").as_bytes());
        svc.engine.advance_by(100);
    }
    let it = iterator(&mut svc, "s", "shardId-000000000000", "TRIM_HORIZON");
    let out = ok(&mut svc, "GetRecords", json!({"ShardIterator": it, "Limit": 3}));
    assert_eq!(out["Records"].as_array().unwrap().len(), 3);
    // The consumer now holds the third record, written 800 ms ago, and more remain.
    assert_eq!(out["MillisBehindLatest"], 800);
    let out = ok(&mut svc, "GetRecords", json!({"ShardIterator": out["NextShardIterator"], "Limit": 10000}));
    assert_eq!(out["Records"].as_array().unwrap().len(), 7);
    assert_eq!(out["MillisBehindLatest"], 0);
}

// Source: FACTS.md §1 "Reads" — iterators expire after 5 minutes with AWS's message.
#[test]
fn iterator_expires_after_five_minutes() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let it = iterator(&mut svc, "s", "shardId-000000000000", "TRIM_HORIZON");
    svc.engine.advance_by(300_000);
    ok(&mut svc, "GetRecords", json!({"ShardIterator": it}));
    svc.engine.advance_by(1);
    let (t, m) = err(&mut svc, "GetRecords", json!({"ShardIterator": it}));
    assert_eq!(t, "ExpiredIteratorException");
    assert_eq!(
        m,
        "Iterator expired. The iterator was created at time Thu Jan 01 00:00:00 UTC 2026 while right now it is Thu Jan 01 00:05:00 UTC 2026 which is further in the future than the tolerated delay of 300000 milliseconds."
    );
    assert_eq!(err(&mut svc, "GetRecords", json!({"ShardIterator": "garbage"})).1, "Invalid ShardIterator.");
}

// Source: FACTS.md §1 "Reads" — the five iterator types.
#[test]
fn iterator_types() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let mut seqs = vec![];
    for i in 0..5 {
        svc.engine.advance_by(1000);
        seqs.push(put(&mut svc, "s", "k", format!("r{i}").as_bytes())["SequenceNumber"].as_str().unwrap().to_string());
    }
    let read = |svc: &mut kinesis_lab::api::KinesisService, body: serde_json::Value| -> Vec<String> {
        let it = ok(svc, "GetShardIterator", body)["ShardIterator"].as_str().unwrap().to_string();
        svc.engine.advance_by(250);
        let out = ok(svc, "GetRecords", json!({"ShardIterator": it}));
        out["Records"].as_array().unwrap().iter().map(|r| String::from_utf8(unb64(r["Data"].as_str().unwrap())).unwrap()).collect()
    };
    let base = json!({"StreamName": "s", "ShardId": "shardId-000000000000"});
    let with = |extra: serde_json::Value| {
        let mut b = base.clone();
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        b
    };
    assert_eq!(read(&mut svc, with(json!({"ShardIteratorType": "TRIM_HORIZON"}))).len(), 5);
    assert!(read(&mut svc, with(json!({"ShardIteratorType": "LATEST"}))).is_empty());
    assert_eq!(read(&mut svc, with(json!({"ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": seqs[2]}))), ["r2", "r3", "r4"]);
    assert_eq!(read(&mut svc, with(json!({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "StartingSequenceNumber": seqs[2]}))), ["r3", "r4"]);
    // r3 arrived at START + 500 (settle) + 4,000 ms.
    let ts = (START_MS + svc.engine.config.transition_ms + 1 + 4_000) as f64 / 1000.0;
    assert_eq!(read(&mut svc, with(json!({"ShardIteratorType": "AT_TIMESTAMP", "Timestamp": ts}))), ["r3", "r4"]);
    let (t, m) = err(&mut svc, "GetShardIterator", with(json!({"ShardIteratorType": "AT_SEQUENCE_NUMBER"})));
    assert_eq!(t, "InvalidArgumentException");
    assert!(m.ends_with("Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber."), "{m}");
}

// Source: FACTS.md §1 "Resharding" — a sequence number used on another shard is refused with AWS's message.
#[test]
fn sequence_number_from_another_shard_is_refused() {
    let mut svc = service();
    stream(&mut svc, "s", 2);
    let seq = ok(&mut svc, "PutRecord", json!({"StreamName": "s", "PartitionKey": "k", "Data": b64(b"x"), "ExplicitHashKey": "0"}))["SequenceNumber"].clone();
    let (t, m) = err(&mut svc, "GetShardIterator", json!({"StreamName": "s", "ShardId": "shardId-000000000001", "ShardIteratorType": "AT_SEQUENCE_NUMBER", "StartingSequenceNumber": seq}));
    assert_eq!(t, "InvalidArgumentException");
    assert_eq!(m, "Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000001");
}

// Source: FACTS.md §1 "Resharding and capacity" — split lineage, ChildShards and null NextShardIterator.
#[test]
fn split_closes_parent_and_reports_children() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    put(&mut svc, "s", "k", b"before");
    ok(&mut svc, "SplitShard", json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": (1u128 << 127).to_string()}));
    let s = ok(&mut svc, "DescribeStreamSummary", json!({"StreamName": "s"}));
    assert_eq!(s["StreamDescriptionSummary"]["StreamStatus"], "UPDATING");
    // Writes go on during UPDATING, still to the parent.
    assert_eq!(put(&mut svc, "s", "k", b"during")["ShardId"], "shardId-000000000000");
    settle(&mut svc);
    let all = shards(&mut svc, "s");
    assert_eq!(all.len(), 3);
    assert!(all[0]["SequenceNumberRange"]["EndingSequenceNumber"].is_string());
    assert_eq!(all[1]["ParentShardId"], "shardId-000000000000");
    assert_eq!(all[2]["ParentShardId"], "shardId-000000000000");
    let after = put(&mut svc, "s", "k", b"after");
    assert_ne!(after["ShardId"], "shardId-000000000000");
    let (records, children) = read_all(&mut svc, "s", "shardId-000000000000");
    assert_eq!(records.len(), 2);
    let children = children.expect("ChildShards at the end of a closed shard");
    assert_eq!(children.as_array().unwrap().len(), 2);
    assert_eq!(children[0]["ParentShards"], json!(["shardId-000000000000"]));
    let (t, m) = err(&mut svc, "SplitShard", json!({"StreamName": "s", "ShardToSplit": "shardId-000000000001", "NewStartingHashKey": "1"}));
    assert_eq!(t, "InvalidArgumentException");
    assert!(m.starts_with("NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000001 in stream s under account 123456789012 is not both greater than one plus the shard's StartingHashKey 0"), "{m}");
}

// Source: FACTS.md §1 "Resharding and capacity" — merge needs adjacent ranges; the child names both parents.
#[test]
fn merge_adjacent_only() {
    let mut svc = service();
    stream(&mut svc, "s", 3);
    let (t, m) = err(&mut svc, "MergeShards", json!({"StreamName": "s", "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000002"}));
    assert_eq!(t, "InvalidArgumentException");
    assert_eq!(m, "Shards shardId-000000000000 and shardId-000000000002 in stream s under account 123456789012 are not an adjacent pair of shards eligible for merging");
    ok(&mut svc, "MergeShards", json!({"StreamName": "s", "ShardToMerge": "shardId-000000000000", "AdjacentShardToMerge": "shardId-000000000001"}));
    let (t, _) = err(&mut svc, "MergeShards", json!({"StreamName": "s", "ShardToMerge": "shardId-000000000001", "AdjacentShardToMerge": "shardId-000000000002"}));
    assert_eq!(t, "ResourceInUseException", "one change at a time while UPDATING");
    settle(&mut svc);
    let child = shards(&mut svc, "s").pop().unwrap();
    assert_eq!(child["ParentShardId"], "shardId-000000000000");
    assert_eq!(child["AdjacentParentShardId"], "shardId-000000000001");
    assert_eq!(child["HashKeyRange"]["StartingHashKey"], "0");
}

// Source: FACTS.md §1 "Resharding and capacity" — UpdateShardCount rules: ½×–2×, 10 per rolling 24 h.
#[test]
fn update_shard_count_rules() {
    let mut svc = service();
    stream(&mut svc, "s", 4);
    let (t, m) = err(&mut svc, "UpdateShardCount", json!({"StreamName": "s", "TargetShardCount": 9, "ScalingType": "UNIFORM_SCALING"}));
    assert_eq!(t, "LimitExceededException");
    assert_eq!(m, "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 4, Target shard count: 9");
    let (_, m) = err(&mut svc, "UpdateShardCount", json!({"StreamName": "s", "TargetShardCount": 1, "ScalingType": "UNIFORM_SCALING"}));
    assert_eq!(m, "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 4, Target shard count: 1");
    let mut count = 4;
    for i in 0..10 {
        let target = if i % 2 == 0 { 5 } else { 4 };
        let out = ok(&mut svc, "UpdateShardCount", json!({"StreamName": "s", "TargetShardCount": target, "ScalingType": "UNIFORM_SCALING"}));
        assert_eq!(out["CurrentShardCount"], count);
        settle(&mut svc);
        count = target;
        assert_eq!(open_shards(&mut svc, "s").len(), target as usize);
        svc.engine.advance_by(60_000);
    }
    let (t, _) = err(&mut svc, "UpdateShardCount", json!({"StreamName": "s", "TargetShardCount": 5, "ScalingType": "UNIFORM_SCALING"}));
    assert_eq!(t, "LimitExceededException", "the 11th call within 24 h");
    svc.engine.advance_by(24 * 3_600_000);
    ok(&mut svc, "UpdateShardCount", json!({"StreamName": "s", "TargetShardCount": 5, "ScalingType": "UNIFORM_SCALING"}));
}

// Source: FACTS.md §1 "Resharding and capacity" — the account shard limit, from the endpoint's option.
#[test]
fn account_shard_limit() {
    let mut svc = service_with(|c| c.shard_limit = 5);
    stream(&mut svc, "a", 3);
    let (t, m) = err(&mut svc, "CreateStream", json!({"StreamName": "b", "ShardCount": 3}));
    assert_eq!(t, "LimitExceededException");
    assert!(m.starts_with("This request would exceed the shard limit for the account 123456789012 in us-east-1. Current shard count for the account: 3. Limit: 5. Number of additional shards that would have resulted from this request: 3."), "{m}");
    let limits = ok(&mut svc, "DescribeLimits", json!({}));
    assert_eq!(limits["ShardLimit"], 5);
    assert_eq!(limits["OpenShardCount"], 3);
}

// Source: FACTS.md §1 "Resharding and capacity" — CreateStream is limited to 5 calls per second per account.
#[test]
fn control_plane_call_rate() {
    let mut svc = service();
    for i in 0..5 {
        ok(&mut svc, "CreateStream", json!({"StreamName": format!("s{i}"), "ShardCount": 1}));
    }
    let (t, _) = err(&mut svc, "CreateStream", json!({"StreamName": "s9", "ShardCount": 1}));
    assert_eq!(t, "LimitExceededException");
}

// Source: FACTS.md §1 "Retention" — records expire after the retention period; decreasing applies at once;
// increasing does not bring expired data back; closed shards expire after their last record.
#[test]
fn retention_expires_records_and_closed_shards() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    put(&mut svc, "s", "k", b"old");
    svc.engine.advance_by(12 * 3_600_000);
    put(&mut svc, "s", "k", b"new");
    ok(&mut svc, "IncreaseStreamRetentionPeriod", json!({"StreamName": "s", "RetentionPeriodHours": 48}));
    settle(&mut svc);
    svc.engine.advance_by(13 * 3_600_000);
    assert_eq!(read_all(&mut svc, "s", "shardId-000000000000").0.len(), 2, "48 h retention keeps both");
    ok(&mut svc, "DecreaseStreamRetentionPeriod", json!({"StreamName": "s", "RetentionPeriodHours": 24}));
    settle(&mut svc);
    let (records, _) = read_all(&mut svc, "s", "shardId-000000000000");
    assert_eq!(records.len(), 1, "the 25-hour-old record is gone at once");
    let (t, m) = err(&mut svc, "DecreaseStreamRetentionPeriod", json!({"StreamName": "s", "RetentionPeriodHours": 23}));
    assert_eq!(t, "InvalidArgumentException");
    assert_eq!(m, "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.");
    let (_, m) = err(&mut svc, "IncreaseStreamRetentionPeriod", json!({"StreamName": "s", "RetentionPeriodHours": 8761}));
    assert_eq!(m, "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.");
    // Close the shard by splitting, then let its data age out: the parent disappears from listings.
    ok(&mut svc, "SplitShard", json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "1000"}));
    settle(&mut svc);
    assert_eq!(shards(&mut svc, "s").len(), 3);
    svc.engine.advance_by(24 * 3_600_000 + 1);
    let left: Vec<String> = shards(&mut svc, "s").iter().map(|s| s["ShardId"].as_str().unwrap().to_string()).collect();
    assert_eq!(left, ["shardId-000000000001", "shardId-000000000002"]);
    let (t, _) = err(&mut svc, "GetShardIterator", json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}));
    assert_eq!(t, "ResourceNotFoundException");
}

// Source: FACTS.md §1 "Capacity modes" — on-demand starts with 4 MiB/s and grows to 2× the previous peak
// after ~15 minutes, throttling beyond meanwhile.
#[test]
fn on_demand_capacity_grows_after_a_new_peak() {
    let mut svc = service();
    ok(&mut svc, "CreateStream", json!({"StreamName": "od", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}));
    settle(&mut svc);
    assert_eq!(open_shards(&mut svc, "od").len(), 4);
    // 5,000 records per second with random keys: beyond four 1,000 rec/s shards, so some are throttled,
    // and the ~4,000 rec/s that get through set a new peak.
    let mut throttled = 0;
    for second in 0..10u64 {
        for batch in 0..10 {
            let entries: Vec<_> = (0..500).map(|i| json!({"PartitionKey": format!("{second}-{batch}-{i}"), "Data": b64(b"x")})).collect();
            throttled += ok(&mut svc, "PutRecords", json!({"StreamName": "od", "Records": entries}))["FailedRecordCount"].as_u64().unwrap();
            svc.engine.advance_by(100);
        }
    }
    assert!(throttled > 0, "5,000 rec/s against four 1,000 rec/s shards throttles");
    svc.engine.advance_by(14 * 60_000);
    assert_eq!(open_shards(&mut svc, "od").len(), 4, "no growth before the ~15-minute scale delay");
    svc.engine.advance_by(60_000);
    let open = open_shards(&mut svc, "od").len();
    assert!(open >= 7, "2 × a peak of ~3,500–4,000 rec/s needs ≥ 7 shards, got {open}");
    let (t, _) = err(&mut svc, "UpdateShardCount", json!({"StreamName": "od", "TargetShardCount": 8, "ScalingType": "UNIFORM_SCALING"}));
    assert_eq!(t, "ValidationException");
}

// Source: FACTS.md §1 "Enhanced fan-out" — subscriptions push events, last 5 minutes, and refuse a re-subscribe
// within 5 s; ChildShards at a closed shard's end.
#[test]
fn enhanced_fan_out_subscription() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let arn = svc.engine.stream_arn("s");
    let consumer = ok(&mut svc, "RegisterStreamConsumer", json!({"StreamARN": arn, "ConsumerName": "c"}))["Consumer"].clone();
    assert_eq!(consumer["ConsumerStatus"], "CREATING");
    let consumer_arn = consumer["ConsumerARN"].as_str().unwrap().to_string();
    let body = json!({"ConsumerARN": consumer_arn, "ShardId": "shardId-000000000000", "StartingPosition": {"Type": "TRIM_HORIZON"}});
    assert_eq!(err(&mut svc, "SubscribeToShard", body.clone()).0, "ResourceInUseException", "not ACTIVE yet");
    settle(&mut svc);
    svc.engine.advance_by(1_000);
    put(&mut svc, "s", "k", b"one");
    let kinesis_lab::api::ApiReply::Subscribed { subscription_id } = svc.call_json("SubscribeToShard", &body) else { panic!() };
    let poll = svc.poll_subscription(subscription_id);
    assert_eq!(poll.events.len(), 1);
    assert_eq!(poll.events[0].records.len(), 1);
    assert_eq!(poll.events[0].continuation_sequence_number, poll.events[0].records[0].sequence_number);
    svc.engine.advance_by(1_000);
    assert_eq!(err(&mut svc, "SubscribeToShard", body.clone()).0, "ResourceInUseException", "within 5 s");
    put(&mut svc, "s", "k", b"two");
    let poll = svc.poll_subscription(subscription_id);
    assert_eq!(poll.events[0].records[0].data.0, b"two");
    svc.engine.advance_by(300_000);
    assert!(svc.poll_subscription(subscription_id).ended, "subscriptions end after 5 minutes");
    // Re-subscribe after the split: the parent's subscription ends with ChildShards.
    ok(&mut svc, "SplitShard", json!({"StreamName": "s", "ShardToSplit": "shardId-000000000000", "NewStartingHashKey": "99999"}));
    settle(&mut svc);
    let kinesis_lab::api::ApiReply::Subscribed { subscription_id } = svc.call_json("SubscribeToShard", &body) else { panic!() };
    let poll = svc.poll_subscription(subscription_id);
    assert!(poll.ended);
    let last = poll.events.last().unwrap();
    assert_eq!(last.child_shards.as_ref().map(|c| c.len()), Some(2));
    // DeleteStream refuses while consumers are registered unless told to enforce.
    assert_eq!(err(&mut svc, "DeleteStream", json!({"StreamName": "s"})).0, "ResourceInUseException");
    ok(&mut svc, "DeleteStream", json!({"StreamName": "s", "EnforceConsumerDeletion": true}));
    settle(&mut svc);
    assert_eq!(err(&mut svc, "DescribeStreamSummary", json!({"StreamName": "s"})).0, "ResourceNotFoundException");
}

// Source: FACTS.md §1 "Enhanced fan-out" — each consumer has its own 2 MiB/s per shard.
#[test]
fn each_consumer_gets_two_mib_per_second() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let arn = svc.engine.stream_arn("s");
    let mut subs = vec![];
    for name in ["a", "b"] {
        let c = ok(&mut svc, "RegisterStreamConsumer", json!({"StreamARN": arn, "ConsumerName": name}))["Consumer"]["ConsumerARN"].clone();
        subs.push(c);
    }
    settle(&mut svc);
    let record = vec![9u8; 500 * 1024];
    for _ in 0..8 {
        put(&mut svc, "s", "k", &record);
        svc.engine.advance_by(500);
    }
    let mut ids = vec![];
    for c in &subs {
        let body = json!({"ConsumerARN": c, "ShardId": "shardId-000000000000", "StartingPosition": {"Type": "TRIM_HORIZON"}});
        let kinesis_lab::api::ApiReply::Subscribed { subscription_id } = svc.call_json("SubscribeToShard", &body) else { panic!() };
        ids.push(subscription_id);
    }
    for id in &ids {
        let got: usize = svc.poll_subscription(*id).events.iter().map(|e| e.records.len()).sum();
        assert_eq!(got, 4, "4 × 500 KiB records fit one consumer's 2 MiB budget");
    }
}

// Source: aws-models/kinesis.json — every operation is answered; tags, monitoring, encryption, policies,
// account settings and listings return the model's shapes (checked by `ok`).
#[test]
fn control_plane_round_trip() {
    let mut svc = service();
    stream(&mut svc, "s", 2);
    let arn = svc.engine.stream_arn("s");
    ok(&mut svc, "AddTagsToStream", json!({"StreamName": "s", "Tags": {"team": "data", "env": "lab"}}));
    ok(&mut svc, "RemoveTagsFromStream", json!({"StreamName": "s", "TagKeys": ["env"]}));
    assert_eq!(ok(&mut svc, "ListTagsForStream", json!({"StreamName": "s"}))["Tags"], json!([{"Key": "team", "Value": "data"}]));
    ok(&mut svc, "TagResource", json!({"ResourceARN": arn, "Tags": {"x": "1"}}));
    ok(&mut svc, "UntagResource", json!({"ResourceARN": arn, "TagKeys": ["team"]}));
    assert_eq!(ok(&mut svc, "ListTagsForResource", json!({"ResourceARN": arn}))["Tags"], json!([{"Key": "x", "Value": "1"}]));
    let m = ok(&mut svc, "EnableEnhancedMonitoring", json!({"StreamName": "s", "ShardLevelMetrics": ["ALL"]}));
    assert_eq!(m["DesiredShardLevelMetrics"].as_array().unwrap().len(), 7);
    settle(&mut svc);
    let m = ok(&mut svc, "DisableEnhancedMonitoring", json!({"StreamName": "s", "ShardLevelMetrics": ["IncomingBytes"]}));
    assert_eq!(m["DesiredShardLevelMetrics"].as_array().unwrap().len(), 6);
    settle(&mut svc);
    ok(&mut svc, "StartStreamEncryption", json!({"StreamName": "s", "EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}));
    settle(&mut svc);
    assert_eq!(put(&mut svc, "s", "k", b"x")["EncryptionType"], "KMS");
    ok(&mut svc, "StopStreamEncryption", json!({"StreamName": "s", "EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}));
    settle(&mut svc);
    let d = ok(&mut svc, "DescribeStream", json!({"StreamName": "s", "Limit": 1}));
    assert_eq!(d["StreamDescription"]["HasMoreShards"], true);
    assert_eq!(d["StreamDescription"]["EncryptionType"], "NONE");
    ok(&mut svc, "PutResourcePolicy", json!({"ResourceARN": arn, "Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}));
    assert!(ok(&mut svc, "GetResourcePolicy", json!({"ResourceARN": arn}))["Policy"].as_str().unwrap().contains("2012-10-17"));
    ok(&mut svc, "DeleteResourcePolicy", json!({"ResourceARN": arn}));
    let a = ok(&mut svc, "UpdateAccountSettings", json!({"MinimumThroughputBillingCommitment": {"Status": "ENABLED"}}));
    assert_eq!(a["MinimumThroughputBillingCommitment"]["Status"], "ENABLED");
    assert_eq!(ok(&mut svc, "DescribeAccountSettings", json!({}))["MinimumThroughputBillingCommitment"]["Status"], "ENABLED");
    ok(&mut svc, "UpdateStreamMode", json!({"StreamARN": arn, "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}));
    settle(&mut svc);
    let w = ok(&mut svc, "UpdateStreamWarmThroughput", json!({"StreamName": "s", "WarmThroughputMiBps": 10}));
    assert_eq!(w["WarmThroughput"]["TargetMiBps"], 10);
    let status = ok(&mut svc, "DescribeStreamSummary", json!({"StreamName": "s"}))["StreamDescriptionSummary"]["StreamStatus"].clone();
    assert_eq!(status, "UPDATING", "UPDATING until the capacity is in place (aws-models UpdateStreamWarmThroughput)");
    settle(&mut svc);
    assert_eq!(open_shards(&mut svc, "s").len(), 10, "warm throughput is provisioned ahead of traffic");
    let l = ok(&mut svc, "ListStreams", json!({"Limit": 1}));
    assert_eq!(l["StreamNames"], json!(["s"]));
    let c = ok(&mut svc, "RegisterStreamConsumer", json!({"StreamARN": arn, "ConsumerName": "c"}));
    let carn = c["Consumer"]["ConsumerARN"].clone();
    settle(&mut svc);
    assert_eq!(ok(&mut svc, "DescribeStreamConsumer", json!({"ConsumerARN": carn}))["ConsumerDescription"]["ConsumerStatus"], "ACTIVE");
    assert_eq!(ok(&mut svc, "ListStreamConsumers", json!({"StreamARN": arn}))["Consumers"].as_array().unwrap().len(), 1);
    ok(&mut svc, "DeregisterStreamConsumer", json!({"StreamARN": arn, "ConsumerName": "c"}));
    settle(&mut svc);
    assert!(ok(&mut svc, "ListStreamConsumers", json!({"StreamARN": arn}))["Consumers"].as_array().unwrap().is_empty());
}

// Source: FACTS.md §1 "API protocol" — validation errors in AWS's format; unknown operations.
#[test]
fn request_validation_through_the_service() {
    let mut svc = service();
    let (t, m) = err(&mut svc, "CreateStream", json!({"StreamName": "bad name", "ShardCount": 1}));
    assert_eq!(t, "ValidationException");
    assert_eq!(m, "1 validation error detected: Value 'bad name' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    assert_eq!(err(&mut svc, "NoSuchThing", json!({})).0, "UnknownOperationException");
    match svc.call("ListStreams", b"{not json") {
        kinesis_lab::api::ApiReply::Json { status: 400, body } => assert_eq!(body["__type"], "SerializationException"),
        other => panic!("{other:?}"),
    }
}

// Source: FACTS.md §1 "Producers and consumers" — KPL aggregates round-trip through the engine and come back
// as their user records through the deaggregation helper.
#[test]
fn kpl_aggregates_deaggregate_after_a_round_trip() {
    use kinesis_lab::engine::streams::agg::{aggregate, deaggregate, UserRecordInput};
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let users: Vec<UserRecordInput> =
        (0..20).map(|i| UserRecordInput { partition_key: format!("u{}", i % 3), explicit_hash_key: None, data: format!("{i}").into_bytes() }).collect();
    put(&mut svc, "s", "u0", &aggregate(&users));
    let (records, _) = read_all(&mut svc, "s", "shardId-000000000000");
    let data = unb64(records[0]["Data"].as_str().unwrap());
    let back = deaggregate(records[0]["PartitionKey"].as_str().unwrap(), &data);
    assert_eq!(back.iter().map(|u| u.data.clone()).collect::<Vec<_>>(), users.iter().map(|u| u.data.clone()).collect::<Vec<_>>());
}

// Source: FACTS.md §1 "Resharding and capacity" — at most 5 streams CREATING at once per account.
#[test]
fn five_streams_creating_at_once() {
    let mut svc = service_with(|c| c.transition_ms = 10_000);
    for i in 0..5 {
        ok(&mut svc, "CreateStream", json!({"StreamName": format!("s{i}"), "ShardCount": 1}));
    }
    svc.engine.advance_by(1_100);
    let (t, m) = err(&mut svc, "CreateStream", json!({"StreamName": "s5", "ShardCount": 1}));
    assert_eq!(t, "LimitExceededException");
    assert!(m.contains("5 streams in CREATING state"), "{m}");
    svc.engine.advance_by(10_000);
    ok(&mut svc, "CreateStream", json!({"StreamName": "s5", "ShardCount": 1}));
}

// Source: FACTS.md §1 "Enhanced fan-out" — ≤ 20 consumers per stream, ≤ 5 CREATING at once,
// 1 SubscribeToShard call per second per consumer per shard.
#[test]
fn consumer_limits() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    let arn = svc.engine.stream_arn("s");
    for i in 0..5 {
        ok(&mut svc, "RegisterStreamConsumer", json!({"StreamARN": arn, "ConsumerName": format!("c{i}")}));
    }
    let (t, _) = err(&mut svc, "RegisterStreamConsumer", json!({"StreamARN": arn, "ConsumerName": "c5"}));
    assert_eq!(t, "LimitExceededException", "a sixth while five are CREATING");
    for batch in 0..3 {
        settle(&mut svc);
        for i in 0..5 {
            ok(&mut svc, "RegisterStreamConsumer", json!({"StreamARN": arn, "ConsumerName": format!("d{batch}-{i}")}));
        }
    }
    settle(&mut svc);
    let (t, _) = err(&mut svc, "RegisterStreamConsumer", json!({"StreamARN": arn, "ConsumerName": "extra"}));
    assert_eq!(t, "LimitExceededException", "the 21st consumer");
    let carn = ok(&mut svc, "DescribeStreamConsumer", json!({"StreamARN": arn, "ConsumerName": "c0"}))["ConsumerDescription"]["ConsumerARN"].clone();
    let body = json!({"ConsumerARN": carn, "ShardId": "shardId-000000000000", "StartingPosition": {"Type": "LATEST"}});
    assert!(svc.call_json("SubscribeToShard", &body).is_ok());
    assert_eq!(err(&mut svc, "SubscribeToShard", body).0, "LimitExceededException", "second call in the same second");
}

// Source: FACTS.md §1 "Metrics" — per-second IncomingBytes/Records, GetRecords bytes/records, iterator age,
// write and read throttling, at stream and shard level.
#[test]
fn metrics_per_simulated_second() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    svc.engine.advance_to(START_MS + 10_000);
    put(&mut svc, "s", "k", b"12345");
    put(&mut svc, "s", "k", b"678");
    svc.engine.advance_to(START_MS + 12_500);
    let it = iterator(&mut svc, "s", "shardId-000000000000", "TRIM_HORIZON");
    ok(&mut svc, "GetRecords", json!({"ShardIterator": it}));
    for _ in 0..5 {
        let _ = svc.call_json("GetRecords", &json!({"ShardIterator": it}));
    }
    let stream = svc.engine.stream("s").unwrap();
    let written = stream.metrics.get((START_MS + 10_000) / 1000).unwrap();
    assert_eq!(written.incoming_records, 2);
    assert_eq!(written.incoming_bytes, 5 + 3 + 2, "data plus partition-key bytes");
    assert_eq!(written.put_record_success, 2);
    let read = stream.metrics.get((START_MS + 12_500) / 1000).unwrap();
    // Five calls got through in that second, each re-reading the same two records (same iterator).
    assert_eq!(read.outgoing_records, 10);
    assert_eq!(read.outgoing_bytes, 50);
    assert_eq!(read.get_records_success, 5);
    assert_eq!(read.iterator_age_ms_max, 2_500);
    assert_eq!(read.read_throttled, 1, "the sixth call in the second");
    let shard_point = stream.shards[0].metrics.get((START_MS + 12_500) / 1000).unwrap();
    assert_eq!(shard_point.outgoing_records, 10);
    assert_eq!(shard_point.read_throttled, 1);
}

// Source: FACTS.md §1 "Reads" — GetShardIterator is limited to 5 calls per second per shard.
#[test]
fn get_shard_iterator_five_per_second() {
    let mut svc = service();
    stream(&mut svc, "s", 1);
    for _ in 0..5 {
        iterator(&mut svc, "s", "shardId-000000000000", "LATEST");
    }
    let (t, _) = err(&mut svc, "GetShardIterator", json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "LATEST"}));
    assert_eq!(t, "ProvisionedThroughputExceededException");
}

// Source: aws-models/kinesis.json ListShards/ListStreams — pagination with NextToken and limits.
#[test]
fn pagination() {
    let mut svc = service();
    stream(&mut svc, "s", 5);
    let page = ok(&mut svc, "ListShards", json!({"StreamName": "s", "MaxResults": 2}));
    assert_eq!(page["Shards"].as_array().unwrap().len(), 2);
    let token = page["NextToken"].as_str().unwrap().to_string();
    let (t, m) = err(&mut svc, "ListShards", json!({"StreamName": "s", "NextToken": token}));
    assert_eq!((t.as_str(), m.as_str()), ("InvalidArgumentException", "NextToken and StreamName cannot be provided together."));
    let mut seen = 2;
    let mut next = Some(token);
    while let Some(tok) = next {
        let page = ok(&mut svc, "ListShards", json!({"NextToken": tok, "MaxResults": 2}));
        seen += page["Shards"].as_array().unwrap().len();
        next = page.get("NextToken").and_then(|t| t.as_str()).map(String::from);
    }
    assert_eq!(seen, 5);
    let filtered = ok(&mut svc, "ListShards", json!({"StreamName": "s", "ShardFilter": {"Type": "AFTER_SHARD_ID", "ShardId": "shardId-000000000003"}}));
    assert_eq!(filtered["Shards"].as_array().unwrap().len(), 1);
    for i in 0..3 {
        stream(&mut svc, &format!("t{i}"), 1);
    }
    let l = ok(&mut svc, "ListStreams", json!({"Limit": 2}));
    assert_eq!(l["HasMoreStreams"], true);
    let l2 = ok(&mut svc, "ListStreams", json!({"NextToken": l["NextToken"]}));
    assert_eq!(l2["StreamNames"], json!(["t1", "t2"]));
}

// Source: aws-models/kinesis.json UpdateStreamWarmThroughput — on-demand only, and only in accounts with
// MinimumThroughputBillingCommitment enabled.
#[test]
fn warm_throughput_needs_on_demand_and_the_commitment() {
    let mut svc = service();
    stream(&mut svc, "p", 1);
    ok(&mut svc, "CreateStream", json!({"StreamName": "od", "StreamModeDetails": {"StreamMode": "ON_DEMAND"}}));
    settle(&mut svc);
    let (t, m) = err(&mut svc, "UpdateStreamWarmThroughput", json!({"StreamName": "od", "WarmThroughputMiBps": 20}));
    assert_eq!(t, "InvalidArgumentException");
    assert!(m.contains("MinimumThroughputBillingCommitment"), "{m}");
    ok(&mut svc, "UpdateAccountSettings", json!({"MinimumThroughputBillingCommitment": {"Status": "ENABLED"}}));
    assert_eq!(err(&mut svc, "UpdateStreamWarmThroughput", json!({"StreamName": "p", "WarmThroughputMiBps": 20})).0, "InvalidArgumentException");
    ok(&mut svc, "UpdateStreamWarmThroughput", json!({"StreamName": "od", "WarmThroughputMiBps": 20}));
    settle(&mut svc);
    assert_eq!(open_shards(&mut svc, "od").len(), 20);
}

"""Writing and reading records through boto3: routing by hash key, sequence numbers, iterator types,
PutRecords partial failure, write and read throttling."""

import datetime
import time

import pytest

import kutil
from kutil import ACCOUNT, HASH_MAX, expect_error, md5_hash_key

SHARD0 = "shardId-000000000000"
SHARD1 = "shardId-000000000001"


def shard_for(shard_list, hash_key):
    for s in shard_list:
        lo, hi = kutil.hash_range(s)
        if lo <= hash_key <= hi:
            return s["ShardId"]
    raise AssertionError(hash_key)


# FACTS §1 Identifiers and routing (MD5 routing, ExplicitHashKey override) and Reads (GetRecords shape);
# aws-models/kinesis.json PutRecord / GetRecords.
def test_put_record_routes_by_md5_and_round_trips(kinesis, make_stream):
    name = make_stream(4, "route")
    shard_list = kutil.shards(kinesis, name)
    keys = [f"key-{i}" for i in range(24)] + ["ü-ñïçødé-键"]
    payloads = {}
    for key in keys:
        data = key.encode() + bytes(range(256))  # every byte value round-trips (blobs are base64 on the wire)
        out = kinesis.put_record(StreamName=name, PartitionKey=key, Data=data)
        assert out["ShardId"] == shard_for(shard_list, md5_hash_key(key)), key
        assert out["SequenceNumber"].isdigit()
        payloads[key] = (out["ShardId"], out["SequenceNumber"], data)
    # ExplicitHashKey overrides the partition key's hash.
    out = kinesis.put_record(StreamName=name, PartitionKey="key-0", Data=b"ehk", ExplicitHashKey=str(HASH_MAX))
    assert out["ShardId"] == "shardId-000000000003"
    out = kinesis.put_record(StreamName=name, PartitionKey="key-0", Data=b"ehk0", ExplicitHashKey="0")
    assert out["ShardId"] == SHARD0

    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=60)
    for shard in shard_list:
        expected = [(seq, key, data) for key, (sid, seq, data) in payloads.items() if sid == shard["ShardId"]]
        records, last = kutil.read_shard(kinesis, name, shard["ShardId"])
        got = [(r["SequenceNumber"], r["PartitionKey"], r["Data"]) for r in records if r["Data"][:3] != b"ehk"]
        assert got == sorted(expected, key=lambda t: int(t[0]))
        assert last["MillisBehindLatest"] == 0
        assert last["NextShardIterator"]
        for r in records:
            assert before <= r["ApproximateArrivalTimestamp"] <= datetime.datetime.now(datetime.timezone.utc)
            assert int(shard["SequenceNumberRange"]["StartingSequenceNumber"]) <= int(r["SequenceNumber"])


# FACTS §1 Identifiers and routing: sequence numbers are decimal strings, unique per shard, increasing;
# Writes: SequenceNumberForOrdering.
def test_sequence_numbers_increase(kinesis, make_stream):
    name = make_stream(1, "seq")
    seqs = []
    prev = None
    for i in range(20):
        kwargs = {"SequenceNumberForOrdering": prev} if prev else {}
        out = kinesis.put_record(StreamName=name, PartitionKey="same", Data=b"%d" % i, **kwargs)
        prev = out["SequenceNumber"]
        seqs.append(prev)
    assert all(s.isdigit() and len(s) <= 129 for s in seqs)
    assert all(len(s) == 56 for s in seqs)  # "56 digits in practice"
    assert [int(s) for s in seqs] == sorted(int(s) for s in seqs)
    assert len(set(seqs)) == len(seqs)


# FACTS §1 Reads: the five iterator types; aws-models/kinesis.json GetShardIterator.
def test_shard_iterator_types(kinesis, make_stream):
    name = make_stream(1, "iters")
    outs = [kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"r%d" % i) for i in range(5)]
    seqs = [o["SequenceNumber"] for o in outs]

    at, _ = kutil.read_shard(kinesis, name, SHARD0, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[2])
    assert [r["Data"] for r in at] == [b"r2", b"r3", b"r4"]
    after, _ = kutil.read_shard(kinesis, name, SHARD0, "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=seqs[2])
    assert [r["Data"] for r in after] == [b"r3", b"r4"]

    latest_it = kutil.get_iterator(kinesis, name, SHARD0, "LATEST")
    assert kutil.get_records(kinesis, latest_it)["Records"] == []
    time.sleep(0.25)
    kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"late")
    time.sleep(0.25)
    got = kutil.get_records(kinesis, latest_it)["Records"]
    assert [r["Data"] for r in got] == [b"late"]

    ts = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=60)
    time.sleep(0.25)
    # AT_TIMESTAMP in the past returns everything written at or after it; a future timestamp is refused.
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    from_ts, _ = kutil.read_shard(kinesis, name, SHARD0, "AT_TIMESTAMP", Timestamp=past)
    assert [r["Data"] for r in from_ts] == [b"r0", b"r1", b"r2", b"r3", b"r4", b"late"]
    err = expect_error(
        kinesis.get_shard_iterator,
        "InvalidArgumentException",
        StreamName=name,
        ShardId=SHARD0,
        ShardIteratorType="AT_TIMESTAMP",
        Timestamp=ts,
    )
    assert err["Message"].startswith("The timestampInMillis parameter cannot be greater than the currentTimestampInMillis.")

    # notes/kinesalite-messages.md §6 GetShardIterator: unknown shard.
    expect_error(
        kinesis.get_shard_iterator,
        "ResourceNotFoundException",
        f"Shard shardId-000000000007 in stream {name} under account {ACCOUNT} does not exist",
        StreamName=name,
        ShardId="shardId-000000000007",
        ShardIteratorType="TRIM_HORIZON",
    )
    expect_error(
        kinesis.get_shard_iterator,
        "InvalidArgumentException",
        "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or "
        "(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no "
        "StartingSequenceNumber.",
        StreamName=name,
        ShardId=SHARD0,
        ShardIteratorType="AT_SEQUENCE_NUMBER",
    )
    # notes/kinesalite-messages.md §6 GetRecords: a malformed iterator.
    expect_error(kinesis.get_records, "InvalidArgumentException", "Invalid ShardIterator.", ShardIterator="AAAA" * 50)


# aws-models/kinesis.json GetRecordsOutput.MillisBehindLatest: "The number of milliseconds the GetRecords
# response is from the tip of the stream, indicating how far behind current time the consumer is. A value of
# zero indicates that record processing is caught up"; FACTS §1 Reads (MillisBehindLatest, 0 = caught up).
def test_millis_behind_latest_measures_distance_from_tip(kinesis, make_stream):
    name = make_stream(1, "behind")
    kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"r0")
    time.sleep(1.0)
    kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"r1")
    it = kutil.get_iterator(kinesis, name, SHARD0)
    first = kutil.get_records(kinesis, it, Limit=1)
    assert [r["Data"] for r in first["Records"]] == [b"r0"]
    assert first["MillisBehindLatest"] >= 900  # r0 is ~1 s older than the tip
    time.sleep(0.21)
    rest = kutil.get_records(kinesis, first["NextShardIterator"])
    assert [r["Data"] for r in rest["Records"]] == [b"r1"]
    assert rest["MillisBehindLatest"] == 0  # caught up


# FACTS §1 Reads: GetRecords Limit 1–10,000, MillisBehindLatest (0 = caught up).
def test_get_records_limit_pages(kinesis, make_stream):
    name = make_stream(1, "limit")
    kinesis.put_records(StreamName=name, Records=[{"PartitionKey": "p", "Data": b"%03d" % i} for i in range(25)])
    it = kutil.get_iterator(kinesis, name, SHARD0)
    pages = []
    while True:
        resp = kutil.get_records(kinesis, it, Limit=10)
        pages.append([r["Data"] for r in resp["Records"]])
        it = resp["NextShardIterator"]
        if not resp["Records"]:
            break
        time.sleep(0.21)
    assert [len(p) for p in pages] == [10, 10, 5, 0]
    assert sum(pages, []) == [b"%03d" % i for i in range(25)]
    assert resp["MillisBehindLatest"] == 0


# notes/kinesalite-messages.md §6 PutRecord / PutRecords: ExplicitHashKey ≥ 2^128 → InvalidArgumentException;
# outside the pattern → ValidationException (aws-models/kinesis.json HashKey pattern).
def test_bad_explicit_hash_key(kinesis, raw_kinesis, make_stream):
    name = make_stream(1, "ehk")
    too_big = str(2**128)
    message = f"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {too_big}"
    expect_error(
        kinesis.put_record, "InvalidArgumentException", message, StreamName=name, PartitionKey="k", Data=b"x", ExplicitHashKey=too_big
    )
    expect_error(
        kinesis.put_records,
        "InvalidArgumentException",
        message,
        StreamName=name,
        Records=[{"PartitionKey": "k", "Data": b"ok"}, {"PartitionKey": "k", "Data": b"x", "ExplicitHashKey": too_big}],
    )
    expect_error(
        raw_kinesis.put_record,
        "ValidationException",
        "1 validation error detected: Value 'abc' at 'explicitHashKey' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})",
        StreamName=name,
        PartitionKey="k",
        Data=b"x",
        ExplicitHashKey="abc",
    )
    # Nothing was written by the refused calls.
    records, _ = kutil.read_shard(kinesis, name, SHARD0)
    assert records == []


# FACTS §1 Writes: 1,000 records/s per shard; excess → ProvisionedThroughputExceededException with
# "Rate exceeded for shard shardId-… in stream … under account …."; PutRecords partial failure carries
# FailedRecordCount and per-entry ErrorCode/ErrorMessage, in request order.
def test_put_records_write_throttling(kinesis, make_stream):
    name = make_stream(1, "hot")
    entries = [{"PartitionKey": "same-key", "Data": b"x"} for _ in range(500)]
    results = []
    start = time.monotonic()
    for _ in range(4):  # 2,000 records at one shard, well within a second
        resp = kinesis.put_records(StreamName=name, Records=entries)
        assert len(resp["Records"]) == 500
        assert resp["FailedRecordCount"] == sum(1 for r in resp["Records"] if "ErrorCode" in r)
        results += resp["Records"]
    elapsed = time.monotonic() - start
    assert elapsed < 1.0
    failed = [r for r in results if "ErrorCode" in r]
    assert failed, "no write was throttled"
    # At most a full bucket (1,000) plus what refills at 1,000 records/s while the calls ran.
    assert len(results) - len(failed) <= 1000 + int(1000 * elapsed) + 10
    for r in failed:
        assert r["ErrorCode"] == "ProvisionedThroughputExceededException"
        assert r["ErrorMessage"] == f"Rate exceeded for shard {SHARD0} in stream {name} under account {ACCOUNT}."
        assert "SequenceNumber" not in r and "ShardId" not in r
    for r in results:
        if "ErrorCode" not in r:
            assert r["ShardId"] == SHARD0 and r["SequenceNumber"].isdigit()



# FACTS §1 Writes: 1 MB/s per shard; PutRecord beyond it fails as a whole with
# ProvisionedThroughputExceededException "Rate exceeded for shard … in stream … under account …."
def test_put_record_byte_throttling(kinesis, make_stream):
    name = make_stream(1, "hotbytes")
    chunk = b"b" * 2000
    resp = kinesis.put_records(StreamName=name, Records=[{"PartitionKey": "k", "Data": chunk}] * 500)  # ~1 MB
    assert resp["FailedRecordCount"] < 500
    err = expect_error(
        kinesis.put_record,
        "ProvisionedThroughputExceededException",
        f"Rate exceeded for shard {SHARD0} in stream {name} under account {ACCOUNT}.",
        StreamName=name,
        PartitionKey="k",
        Data=b"B" * 900_000,
    )
    assert err
    # The bucket refills: a second later the same record is accepted.
    time.sleep(1.0)
    assert kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"B" * 900_000)["ShardId"] == SHARD0


# FACTS §1 Writes: "entries in request order" — a mixed PutRecords where only the saturated shard fails.
def test_put_records_partial_failure_keeps_request_order(kinesis, make_stream):
    name = make_stream(2, "order")
    # Saturate shard 0 (1 MB/s): 2 × 500 × 2 KB.
    hot = {"PartitionKey": "h", "Data": b"h" * 2000, "ExplicitHashKey": "0"}
    kinesis.put_records(StreamName=name, Records=[hot] * 500)
    kinesis.put_records(StreamName=name, Records=[hot] * 500)
    mixed = []
    for i in range(60):
        if i % 3 == 0:
            mixed.append({"PartitionKey": "c", "Data": b"cold-%d" % i, "ExplicitHashKey": str(HASH_MAX)})  # shard 1
        else:
            mixed.append({"PartitionKey": "h", "Data": b"hot-%d-" % i + b"h" * 20_000, "ExplicitHashKey": "0"})
    resp = kinesis.put_records(StreamName=name, Records=mixed)
    assert len(resp["Records"]) == 60
    assert resp["FailedRecordCount"] == sum(1 for r in resp["Records"] if "ErrorCode" in r)
    assert resp["FailedRecordCount"] > 0
    for i, r in enumerate(resp["Records"]):
        if i % 3 == 0:
            assert "ErrorCode" not in r, (i, r)
            assert r["ShardId"] == SHARD1
        elif "ErrorCode" in r:
            assert r["ErrorCode"] == "ProvisionedThroughputExceededException"
            assert r["ErrorMessage"] == f"Rate exceeded for shard {SHARD0} in stream {name} under account {ACCOUNT}."
        else:
            assert r["ShardId"] == SHARD0
    cold, _ = kutil.read_shard(kinesis, name, SHARD1)
    assert [r["Data"] for r in cold] == [b"cold-%d" % i for i in range(0, 60, 3)]


# FACTS §1 Reads: 5 GetRecords calls/s per shard; the 6th within a second is throttled.
def test_get_records_call_rate_throttling(kinesis, make_stream):
    name = make_stream(1, "readhot")
    kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"x")
    it = kutil.get_iterator(kinesis, name, SHARD0)
    # Start just after a wall-clock second begins, so the six calls fall in one second under either a
    # rolling or a calendar-second count.
    time.sleep(1.0 - time.time() % 1.0 + 0.01)
    start = time.monotonic()
    for _ in range(5):
        it = kinesis.get_records(ShardIterator=it)["NextShardIterator"]
    err = expect_error(kinesis.get_records, "ProvisionedThroughputExceededException", ShardIterator=it)
    assert time.monotonic() - start < 1.0, "the six calls took too long to prove anything"
    assert err["Message"]
    # After a second the shard reads again.
    time.sleep(1.1)
    assert "NextShardIterator" in kinesis.get_records(ShardIterator=it)


# The --no-limits endpoint turns the throughput limits off (kinesis-endpoint usage).
def test_no_limits_endpoint_does_not_throttle(nolimits_kinesis):
    name = kutil.create_stream(nolimits_kinesis, shards=1, prefix="free")
    entries = [{"PartitionKey": "same-key", "Data": b"x"} for _ in range(500)]
    for _ in range(4):
        assert nolimits_kinesis.put_records(StreamName=name, Records=entries)["FailedRecordCount"] == 0
    it = kutil.get_iterator(nolimits_kinesis, name, SHARD0)
    for _ in range(8):
        it = nolimits_kinesis.get_records(ShardIterator=it, Limit=100)["NextShardIterator"]

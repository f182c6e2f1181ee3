"""Enhanced fan-out through boto3: consumers (register, describe, list, deregister) and SubscribeToShard
over the event stream."""

import datetime
import re
import time

import pytest
from botocore.exceptions import ClientError

import kutil
from kutil import ACCOUNT, arn, expect_error

S0, S1, S2 = "shardId-000000000000", "shardId-000000000001", "shardId-000000000002"
# aws-models/kinesis.json ConsumerARN pattern.
CONSUMER_ARN = re.compile(r"^arn:aws:kinesis:us-east-1:\d{12}:stream/[a-zA-Z0-9_.-]+/consumer/[a-zA-Z0-9_.-]+:[0-9]+$")


def wait_consumer(client, consumer_arn, status="ACTIVE", timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desc = client.describe_stream_consumer(ConsumerARN=consumer_arn)["ConsumerDescription"]
        if desc["ConsumerStatus"] == status:
            return desc
        time.sleep(0.1)
    raise AssertionError(f"consumer not {status}: {desc}")


def register(client, stream, consumer=None):
    consumer = consumer or kutil.unique_name("c")
    out = client.register_stream_consumer(StreamARN=arn(stream), ConsumerName=consumer)["Consumer"]
    wait_consumer(client, out["ConsumerARN"])
    return out["ConsumerARN"]


def collect(event_stream, want_records=None, until_child_shards=False, timeout=10.0):
    """Read SubscribeToShardEvents until `want_records` records arrived (or ChildShards appeared, or the
    stream ended). Returns (events, ended)."""
    events = []
    deadline = time.monotonic() + timeout
    count = 0
    for event in event_stream:
        assert "SubscribeToShardEvent" in event, event
        ev = event["SubscribeToShardEvent"]
        events.append(ev)
        count += len(ev["Records"])
        if want_records is not None and count >= want_records:
            return events, False
        if until_child_shards and ev.get("ChildShards"):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out with {count} records")
    # Either ChildShards arrived (then the stream must end) or the server ended the stream.
    rest = list(event_stream) if until_child_shards else []
    return events + [e["SubscribeToShardEvent"] for e in rest], True


# FACTS §1 Enhanced fan-out (RegisterStreamConsumer; up to 20 consumers); aws-models/kinesis.json
# RegisterStreamConsumer / DescribeStreamConsumer / ListStreamConsumers / DeregisterStreamConsumer shapes,
# ConsumerARN pattern; DescribeStreamSummary ConsumerCount; DeleteStream EnforceConsumerDeletion.
def test_consumer_lifecycle(kinesis, make_stream):
    name = make_stream(1, "efo")
    consumer = kutil.unique_name("reader")
    out = kinesis.register_stream_consumer(StreamARN=arn(name), ConsumerName=consumer)["Consumer"]
    assert out["ConsumerName"] == consumer
    assert out["ConsumerStatus"] == "CREATING"
    assert CONSUMER_ARN.match(out["ConsumerARN"]), out["ConsumerARN"]
    assert out["ConsumerARN"].startswith(f"{arn(name)}/consumer/{consumer}:")
    assert abs((datetime.datetime.now(datetime.timezone.utc) - out["ConsumerCreationTimestamp"]).total_seconds()) < 60
    consumer_arn = out["ConsumerARN"]

    expect_error(kinesis.register_stream_consumer, "ResourceInUseException", StreamARN=arn(name), ConsumerName=consumer)

    desc = wait_consumer(kinesis, consumer_arn)
    assert desc["ConsumerName"] == consumer
    assert desc["StreamARN"] == arn(name)
    assert desc["ConsumerARN"] == consumer_arn
    by_name = kinesis.describe_stream_consumer(StreamARN=arn(name), ConsumerName=consumer)["ConsumerDescription"]
    assert by_name == desc

    listed = kinesis.list_stream_consumers(StreamARN=arn(name))["Consumers"]
    assert [(c["ConsumerName"], c["ConsumerARN"], c["ConsumerStatus"]) for c in listed] == [(consumer, consumer_arn, "ACTIVE")]
    assert kutil.summary(kinesis, name)["ConsumerCount"] == 1

    # A stream with consumers is only deleted with EnforceConsumerDeletion.
    expect_error(kinesis.delete_stream, "ResourceInUseException", StreamName=name)

    kinesis.deregister_stream_consumer(ConsumerARN=consumer_arn)
    deadline = time.monotonic() + 10
    while True:
        try:
            status = kinesis.describe_stream_consumer(ConsumerARN=consumer_arn)["ConsumerDescription"]["ConsumerStatus"]
            assert status == "DELETING"
        except ClientError as e:
            assert e.response["Error"]["Code"] == "ResourceNotFoundException"
            break
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert kinesis.list_stream_consumers(StreamARN=arn(name))["Consumers"] == []
    assert kutil.summary(kinesis, name)["ConsumerCount"] == 0

    # EnforceConsumerDeletion removes the consumers with the stream.
    register(kinesis, name)
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    kutil.wait_gone(kinesis, name)


# FACTS §1 Enhanced fan-out: "RegisterStreamConsumer: up to 20 consumers per stream …; ≤ 5 CREATING at once".
def test_consumer_limits(kinesis, make_stream):
    name = make_stream(1, "efolim")
    arns = []
    for i in range(5):
        arns.append(kinesis.register_stream_consumer(StreamARN=arn(name), ConsumerName=f"c{i:02d}")["Consumer"]["ConsumerARN"])
    expect_error(kinesis.register_stream_consumer, "LimitExceededException", StreamARN=arn(name), ConsumerName="c-sixth")
    for a in arns:
        wait_consumer(kinesis, a)
    for batch in range(1, 4):
        batch_arns = [
            kinesis.register_stream_consumer(StreamARN=arn(name), ConsumerName=f"c{i:02d}")["Consumer"]["ConsumerARN"]
            for i in range(batch * 5, batch * 5 + 5)
        ]
        for a in batch_arns:
            wait_consumer(kinesis, a)
    listed = []
    resp = kinesis.list_stream_consumers(StreamARN=arn(name), MaxResults=7)
    listed += resp["Consumers"]
    while resp.get("NextToken"):
        resp = kinesis.list_stream_consumers(StreamARN=arn(name), NextToken=resp["NextToken"], MaxResults=7)
        listed += resp["Consumers"]
    assert len(listed) == 20 and len({c["ConsumerARN"] for c in listed}) == 20
    assert kutil.summary(kinesis, name)["ConsumerCount"] == 20
    expect_error(kinesis.register_stream_consumer, "LimitExceededException", StreamARN=arn(name), ConsumerName="c-21st")
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


# FACTS §1 Enhanced fan-out (SubscribeToShard pushes SubscribeToShardEvent with Records,
# ContinuationSequenceNumber, MillisBehindLatest; re-subscribing within 5 s → ResourceInUseException);
# aws-models/kinesis.json SubscribeToShard (StartingPosition, event stream).
def test_subscribe_to_shard(kinesis, make_stream):
    name = make_stream(2, "sub")
    consumer_arn = register(kinesis, name)
    before = [kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"before-%d" % i, ExplicitHashKey="0") for i in range(3)]

    subscribed_at = time.monotonic()
    resp = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=S0, StartingPosition={"Type": "TRIM_HORIZON"})
    stream = resp["EventStream"]
    try:
        events, _ = collect(stream, want_records=3)
        after = [kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"after-%d" % i, ExplicitHashKey="0") for i in range(3)]
        more, _ = collect(stream, want_records=3)
        events += more

        # Re-subscribing to the same shard with the same consumer within 5 s is refused. (Wait past the
        # 1 call/s per consumer per shard rate, which answers LimitExceededException.)
        time.sleep(max(0.0, subscribed_at + 1.5 - time.monotonic()))
        assert time.monotonic() - subscribed_at < 4.0
        expect_error(
            kinesis.subscribe_to_shard,
            "ResourceInUseException",
            ConsumerARN=consumer_arn,
            ShardId=S0,
            StartingPosition={"Type": "TRIM_HORIZON"},
        )
    finally:
        stream.close()

    records = [r for ev in events for r in ev["Records"]]
    assert [r["Data"] for r in records] == [b"before-0", b"before-1", b"before-2", b"after-0", b"after-1", b"after-2"]
    assert [r["SequenceNumber"] for r in records] == [o["SequenceNumber"] for o in before + after]
    assert all(r["PartitionKey"] == "k" for r in records)
    for ev in events:
        assert "MillisBehindLatest" in ev and ev["MillisBehindLatest"] >= 0
        if ev["Records"]:
            assert ev["ContinuationSequenceNumber"] == ev["Records"][-1]["SequenceNumber"]
    assert events[-1]["MillisBehindLatest"] == 0

    # Another shard, same consumer: fine; AT_SEQUENCE_NUMBER starts at the given record.
    outs = [kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"one-%d" % i, ExplicitHashKey=str(kutil.HASH_MAX)) for i in range(3)]
    resp = kinesis.subscribe_to_shard(
        ConsumerARN=consumer_arn,
        ShardId=S1,
        StartingPosition={"Type": "AT_SEQUENCE_NUMBER", "SequenceNumber": outs[1]["SequenceNumber"]},
    )
    try:
        events, _ = collect(resp["EventStream"], want_records=2)
    finally:
        resp["EventStream"].close()
    assert [r["Data"] for ev in events for r in ev["Records"]] == [b"one-1", b"one-2"]


# FACTS §1 Enhanced fan-out (SubscribeToShardEvent ChildShards) and Resharding (closed parents remain
# readable); aws-models/kinesis.json SubscribeToShardEvent.ChildShards.
def test_subscribe_to_closed_parent_ends_with_child_shards(kinesis, make_stream):
    name = make_stream(1, "subsplit")
    consumer_arn = register(kinesis, name)
    for i in range(4):
        kinesis.put_record(StreamName=name, PartitionKey=f"k{i}", Data=b"p%d" % i)
    kinesis.split_shard(StreamName=name, ShardToSplit=S0, NewStartingHashKey=str(2**127))
    kutil.wait_status(kinesis, name)

    resp = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=S0, StartingPosition={"Type": "TRIM_HORIZON"})
    try:
        events, ended = collect(resp["EventStream"], until_child_shards=True)
    finally:
        resp["EventStream"].close()
    assert ended
    records = [r for ev in events for r in ev["Records"]]
    assert [r["Data"] for r in records] == [b"p0", b"p1", b"p2", b"p3"]
    final = [ev for ev in events if ev.get("ChildShards")]
    assert len(final) == 1 and final[0] is events[-1]
    children = sorted(final[0]["ChildShards"], key=lambda c: c["ShardId"])
    assert [c["ShardId"] for c in children] == [S1, S2]
    for c in children:
        assert c["ParentShards"] == [S0]
        assert set(c["HashKeyRange"]) == {"StartingHashKey", "EndingHashKey"}
    assert final[0]["MillisBehindLatest"] == 0

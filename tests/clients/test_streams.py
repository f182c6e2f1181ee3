"""Stream lifecycle and stream-level settings through boto3: create, describe, list, delete, retention,
enhanced monitoring, encryption, record size, and the exact AWS error texts for the common failures."""

import datetime
import re
import time

import pytest

import kutil
from kutil import ACCOUNT, HASH_MAX, arn, expect_error, not_found


# FACTS §1 Identifiers and routing (stream names, ARN, shard ids, N-shard hash ranges, sequence numbers);
# aws-models/kinesis.json CreateStream / DescribeStream / DescribeStreamSummary output shapes.
def test_create_describe_stream_shape(kinesis):
    name = kutil.unique_name("create")
    assert kinesis.create_stream(StreamName=name, ShardCount=3)["ResponseMetadata"]["HTTPStatusCode"] == 200
    first = kutil.summary(kinesis, name)
    assert first["StreamStatus"] == "CREATING"
    # notes/kinesalite-messages.md §6 DescribeStream ("CREATING streams show empty Shards") and PutRecord
    # (a CREATING stream answers ResourceNotFoundException).
    assert kinesis.describe_stream(StreamName=name)["StreamDescription"]["Shards"] == []
    expect_error(kinesis.put_record, "ResourceNotFoundException", not_found(name), StreamName=name, PartitionKey="k", Data=b"x")
    summary = kutil.wait_status(kinesis, name, "ACTIVE")
    assert summary["StreamName"] == name
    assert summary["StreamARN"] == arn(name)
    assert summary["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert summary["RetentionPeriodHours"] == 24  # FACTS §1 Retention: 24 h default
    assert summary["EncryptionType"] == "NONE"
    assert summary["OpenShardCount"] == 3
    assert summary["ConsumerCount"] == 0
    assert summary["EnhancedMonitoring"] == [{"ShardLevelMetrics": []}]
    assert summary["MaxRecordSizeInKiB"] == 1024  # FACTS §1 Writes: every stream defaults to 1 MiB
    # StreamARN addresses the same stream (aws-models: "use either the StreamARN or the StreamName").
    assert kinesis.describe_stream_summary(StreamARN=arn(name))["StreamDescriptionSummary"] == summary
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - summary["StreamCreationTimestamp"]).total_seconds()) < 60

    desc = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    assert desc["StreamStatus"] == "ACTIVE"
    assert desc["StreamARN"] == arn(name)
    assert desc["HasMoreShards"] is False
    assert [s["ShardId"] for s in desc["Shards"]] == [f"shardId-00000000000{i}" for i in range(3)]
    # FACTS §1: N=3 hash ranges exactly as AWS returns them.
    assert [kutil.hash_range(s) for s in desc["Shards"]] == [
        (0, 113427455640312821154458202477256070484),
        (113427455640312821154458202477256070485, 226854911280625642308916404954512140969),
        (226854911280625642308916404954512140970, HASH_MAX),
    ]
    for shard in desc["Shards"]:
        seq = shard["SequenceNumberRange"]
        assert seq["StartingSequenceNumber"].isdigit()
        assert "EndingSequenceNumber" not in seq
        assert "ParentShardId" not in shard

    # DescribeStream pagination (aws-models DescribeStream Limit / ExclusiveStartShardId).
    page = kinesis.describe_stream(StreamName=name, Limit=2)["StreamDescription"]
    assert [s["ShardId"] for s in page["Shards"]] == ["shardId-000000000000", "shardId-000000000001"]
    assert page["HasMoreShards"] is True
    rest = kinesis.describe_stream(StreamName=name, ExclusiveStartShardId="shardId-000000000001")["StreamDescription"]
    assert [s["ShardId"] for s in rest["Shards"]] == ["shardId-000000000002"]
    assert rest["HasMoreShards"] is False


# notes/kinesalite-messages.md §5 (ResourceInUseException "already exists", ResourceNotFoundException
# "not found"); FACTS §1 API protocol.
def test_create_existing_and_missing_stream_errors(kinesis, make_stream):
    name = make_stream(1, "dup")
    expect_error(
        kinesis.create_stream,
        "ResourceInUseException",
        f"Stream {name} under account {ACCOUNT} already exists.",
        StreamName=name,
        ShardCount=1,
    )
    missing = kutil.unique_name("missing")
    for call in (kinesis.describe_stream_summary, kinesis.describe_stream, kinesis.delete_stream):
        expect_error(call, "ResourceNotFoundException", not_found(missing), StreamName=missing)
    expect_error(
        kinesis.put_record, "ResourceNotFoundException", not_found(missing), StreamName=missing, PartitionKey="k", Data=b"x"
    )


# FACTS §1 API protocol: "Validation errors read `N validation error(s) detected: Value '<v>' at '<field>'
# failed to satisfy constraint: Member must …` joined by `; `"; aws-models/kinesis.json StreamName pattern.
def test_server_side_validation_messages(raw_kinesis):
    expect_error(
        raw_kinesis.describe_stream_summary,
        "ValidationException",
        "1 validation error detected: Value 'bad name' at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        StreamName="bad name",
    )
    long_name = "x" * 129
    err = expect_error(raw_kinesis.create_stream, "ValidationException", StreamName=long_name, ShardCount=0)
    assert err["Message"].startswith("2 validation errors detected: ")
    parts = set(err["Message"][len("2 validation errors detected: "):].split("; "))
    assert parts == {
        "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1",
        f"Value '{long_name}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128",
    }
    # notes/kinesalite-messages.md §6 PutRecords: 1–500 entries.
    err = expect_error(
        raw_kinesis.put_records,
        "ValidationException",
        StreamName="whatever",
        Records=[{"PartitionKey": "k", "Data": b"x"}] * 501,
    )
    assert err["Message"].startswith("1 validation error detected: Value '[")
    assert err["Message"].endswith(
        "' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500"
    )
    # notes/kinesalite-messages.md §6 GetShardIterator: enum text.
    expect_error(
        raw_kinesis.get_shard_iterator,
        "ValidationException",
        "1 validation error detected: Value 'BOGUS' at 'shardIteratorType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]",
        StreamName="whatever",
        ShardId="shardId-000000000000",
        ShardIteratorType="BOGUS",
    )


# aws-models/kinesis.json ListStreams (Limit, NextToken, HasMoreStreams, StreamSummaries).
def test_list_streams_pagination_and_summaries(kinesis, make_stream):
    names = {make_stream(1, "list"), make_stream(1, "list")}
    seen, summaries = [], {}
    resp = kinesis.list_streams(Limit=1)
    assert len(resp["StreamNames"]) == 1
    assert resp["HasMoreStreams"] is True and resp["NextToken"]
    while True:
        seen += resp["StreamNames"]
        for s in resp["StreamSummaries"]:
            summaries[s["StreamName"]] = s
        if not resp["HasMoreStreams"]:
            break
        resp = kinesis.list_streams(NextToken=resp["NextToken"], Limit=5)
    assert seen == sorted(seen)  # AWS lists stream names in order
    assert len(seen) == len(set(seen))
    assert names <= set(seen)
    for name in names:
        s = summaries[name]
        assert s["StreamARN"] == arn(name)
        assert s["StreamStatus"] == "ACTIVE"
        assert s["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
        assert isinstance(s["StreamCreationTimestamp"], datetime.datetime)


# aws-models/kinesis.json ListShards (MaxResults, NextToken, ShardFilter); notes/kinesalite-messages.md §6 ListShards.
def test_list_shards_pagination_and_errors(kinesis, make_stream):
    name = make_stream(3, "shards")
    page = kinesis.list_shards(StreamName=name, MaxResults=2)
    assert [s["ShardId"] for s in page["Shards"]] == ["shardId-000000000000", "shardId-000000000001"]
    assert page["NextToken"]
    page2 = kinesis.list_shards(NextToken=page["NextToken"])
    assert [s["ShardId"] for s in page2["Shards"]] == ["shardId-000000000002"]
    assert "NextToken" not in page2
    after = kinesis.list_shards(StreamName=name, ExclusiveStartShardId="shardId-000000000000")
    assert [s["ShardId"] for s in after["Shards"]] == ["shardId-000000000001", "shardId-000000000002"]
    by_arn = kinesis.list_shards(StreamARN=arn(name))
    assert len(by_arn["Shards"]) == 3
    kutil.assert_tiles_keyspace(by_arn["Shards"])
    expect_error(
        kinesis.list_shards,
        "InvalidArgumentException",
        "NextToken and StreamName cannot be provided together.",
        StreamName=name,
        NextToken=page["NextToken"],
    )
    missing = kutil.unique_name("missing")
    expect_error(kinesis.list_shards, "ResourceNotFoundException", not_found(missing), StreamName=missing)


# FACTS §1 Retention (24 h minimum, 8,760 h maximum); notes/kinesalite-messages.md §6
# Increase/DecreaseStreamRetentionPeriod messages.
def test_retention_period(kinesis, make_stream):
    name = make_stream(1, "ret")
    kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=48)
    assert kutil.wait_status(kinesis, name)["RetentionPeriodHours"] == 48
    expect_error(
        kinesis.increase_stream_retention_period,
        "InvalidArgumentException",
        f"Requested retention period (30 hours) for stream {name} can not be shorter than existing retention "
        "period (48 hours). Use DecreaseRetentionPeriod API.",
        StreamName=name,
        RetentionPeriodHours=30,
    )
    expect_error(
        kinesis.increase_stream_retention_period,
        "InvalidArgumentException",
        "Maximum allowed retention period is 8760 hours. Requested retention period (9000 hours) is too long.",
        StreamName=name,
        RetentionPeriodHours=9000,
    )
    expect_error(
        kinesis.decrease_stream_retention_period,
        "InvalidArgumentException",
        f"Requested retention period (72 hours) for stream {name} can not be longer than existing retention "
        "period (48 hours). Use IncreaseRetentionPeriod API.",
        StreamName=name,
        RetentionPeriodHours=72,
    )
    expect_error(
        kinesis.decrease_stream_retention_period,
        "InvalidArgumentException",
        "Minimum allowed retention period is 24 hours. Requested retention period (12 hours) is too short.",
        StreamName=name,
        RetentionPeriodHours=12,
    )
    kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=24)
    assert kutil.wait_status(kinesis, name)["RetentionPeriodHours"] == 24
    kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=8760)
    assert kutil.wait_status(kinesis, name)["RetentionPeriodHours"] == 8760


# aws-models/kinesis.json EnableEnhancedMonitoring / DisableEnhancedMonitoring (EnhancedMonitoringOutput:
# Current/DesiredShardLevelMetrics); FACTS §1 Metrics (the seven shard-level metrics).
def test_enhanced_monitoring(kinesis, make_stream):
    name = make_stream(1, "mon")
    out = kinesis.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["IncomingBytes", "OutgoingRecords"])
    assert out["StreamName"] == name
    assert out["StreamARN"] == arn(name)
    assert out["CurrentShardLevelMetrics"] == []
    assert sorted(out["DesiredShardLevelMetrics"]) == ["IncomingBytes", "OutgoingRecords"]
    summary = kutil.wait_status(kinesis, name)
    assert sorted(summary["EnhancedMonitoring"][0]["ShardLevelMetrics"]) == ["IncomingBytes", "OutgoingRecords"]

    out = kinesis.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["ALL"])
    all_metrics = [
        "IncomingBytes", "IncomingRecords", "IteratorAgeMilliseconds", "OutgoingBytes", "OutgoingRecords",
        "ReadProvisionedThroughputExceeded", "WriteProvisionedThroughputExceeded",
    ]
    assert sorted(out["CurrentShardLevelMetrics"]) == ["IncomingBytes", "OutgoingRecords"]
    assert sorted(out["DesiredShardLevelMetrics"]) == all_metrics
    kutil.wait_status(kinesis, name)

    out = kinesis.disable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["IncomingBytes"])
    assert sorted(out["CurrentShardLevelMetrics"]) == all_metrics
    assert sorted(out["DesiredShardLevelMetrics"]) == [m for m in all_metrics if m != "IncomingBytes"]
    kutil.wait_status(kinesis, name)
    out = kinesis.disable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["ALL"])
    assert out["DesiredShardLevelMetrics"] == []
    summary = kutil.wait_status(kinesis, name)
    assert summary["EnhancedMonitoring"] == [{"ShardLevelMetrics": []}]


# aws-models/kinesis.json StartStreamEncryption / StopStreamEncryption ("sets the status of the stream to
# UPDATING"; EncryptionType and KeyId in DescribeStreamSummary; Record.EncryptionType).
def test_stream_encryption(kinesis, make_stream):
    name = make_stream(1, "enc")
    kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId="alias/aws/kinesis")
    assert kutil.summary(kinesis, name)["StreamStatus"] == "UPDATING"
    summary = kutil.wait_status(kinesis, name)
    assert summary["EncryptionType"] == "KMS"
    assert summary["KeyId"] == "alias/aws/kinesis"
    kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"secret")
    records, _ = kutil.read_shard(kinesis, name, "shardId-000000000000", expect=1)
    assert records[0]["Data"] == b"secret"
    assert records[0]["EncryptionType"] == "KMS"

    kinesis.stop_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId="alias/aws/kinesis")
    assert kutil.summary(kinesis, name)["StreamStatus"] == "UPDATING"
    summary = kutil.wait_status(kinesis, name)
    assert summary["EncryptionType"] == "NONE"
    assert "KeyId" not in summary


# FACTS §1 Writes (MaxRecordSizeInKiB 1024–10240 on CreateStream or UpdateMaxRecordSize);
# aws-models/kinesis.json UpdateMaxRecordSize (by StreamARN; ValidationException outside 1024–10240).
def test_max_record_size(kinesis, raw_kinesis, make_stream):
    name = make_stream(1, "size", MaxRecordSizeInKiB=2048)
    assert kutil.summary(kinesis, name)["MaxRecordSizeInKiB"] == 2048
    kinesis.update_max_record_size(StreamARN=arn(name), MaxRecordSizeInKiB=4096)
    assert kutil.wait_status(kinesis, name)["MaxRecordSizeInKiB"] == 4096
    err = expect_error(raw_kinesis.update_max_record_size, "ValidationException", StreamARN=arn(name), MaxRecordSizeInKiB=20000)
    assert err["Message"] == (
        "1 validation error detected: Value '20000' at 'maxRecordSizeInKiB' failed to satisfy constraint: "
        "Member must have value less than or equal to 10240"
    )
    # A 1.5 MiB record fits a 4 MiB ceiling (large records draw on the burst allowance; FACTS §1 Writes).
    big = bytes(range(256)) * (6 * 1024)  # 1,572,864 bytes
    out = kinesis.put_record(StreamName=name, PartitionKey="big", Data=big)
    assert out["ShardId"] == "shardId-000000000000"
    records, _ = kutil.read_shard(kinesis, name, "shardId-000000000000", expect=1)
    assert records[0]["Data"] == big


# notes/kinesalite-messages.md §6 DeleteStream; aws-models/kinesis.json DeleteStream (DELETING, then gone).
def test_delete_stream(kinesis, make_stream):
    name = make_stream(1, "del")
    kinesis.delete_stream(StreamName=name)
    assert kutil.summary(kinesis, name)["StreamStatus"] == "DELETING"
    kutil.wait_gone(kinesis, name)
    expect_error(kinesis.describe_stream, "ResourceNotFoundException", not_found(name), StreamName=name)
    assert name not in kinesis.list_streams(Limit=10000)["StreamNames"]
    # The name can be used again once the stream is gone.
    kutil.create_stream(kinesis, name=name)
    assert kutil.summary(kinesis, name)["StreamStatus"] == "ACTIVE"


# aws-models/kinesis.json DescribeLimits (ShardLimit, OpenShardCount, OnDemandStreamCount(Limit)).
def test_describe_limits_counts_open_shards(small_kinesis):
    before = small_kinesis.describe_limits()
    assert before["ShardLimit"] == 20
    assert before["OnDemandStreamCountLimit"] == 50  # FACTS §1 Capacity modes: 50 on-demand streams
    name = kutil.create_stream(small_kinesis, shards=2, prefix="lim")
    after = small_kinesis.describe_limits()
    assert after["OpenShardCount"] == before["OpenShardCount"] + 2
    small_kinesis.delete_stream(StreamName=name)
    kutil.wait_gone(small_kinesis, name)
    assert small_kinesis.describe_limits()["OpenShardCount"] == before["OpenShardCount"]

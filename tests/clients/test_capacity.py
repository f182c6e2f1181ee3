"""Capacity modes through boto3: on-demand streams, UpdateStreamMode, warm throughput, and the account's
On-demand Advantage commitment (DescribeAccountSettings / UpdateAccountSettings)."""

import datetime

import pytest
from botocore.exceptions import ClientError

import kutil
from kutil import arn, expect_error

ON_DEMAND = {"StreamMode": "ON_DEMAND"}
PROVISIONED = {"StreamMode": "PROVISIONED"}


# FACTS §1 Capacity modes (on-demand starts at 4 MB/s write = 4 shards; 50 on-demand streams per account;
# UpdateStreamMode switches modes, twice per 24 h per stream — AWS "Update a stream" guide);
# aws-models/kinesis.json CreateStream StreamModeDetails, DescribeLimits OnDemandStreamCount.
def test_on_demand_stream_and_mode_switches(kinesis):
    before = kinesis.describe_limits()["OnDemandStreamCount"]
    name = kutil.create_stream(kinesis, prefix="od", on_demand=True)
    summary = kutil.summary(kinesis, name)
    assert summary["StreamModeDetails"] == ON_DEMAND
    assert summary["OpenShardCount"] == 4
    open_list = kutil.open_shards(kinesis, name)
    assert len(open_list) == 4
    kutil.assert_tiles_keyspace(open_list)
    assert kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamModeDetails"] == ON_DEMAND
    listed = {s["StreamName"]: s for s in kinesis.list_streams(Limit=10000)["StreamSummaries"]}
    assert listed[name]["StreamModeDetails"] == ON_DEMAND
    limits = kinesis.describe_limits()
    assert limits["OnDemandStreamCount"] == before + 1
    assert limits["OnDemandStreamCountLimit"] == 50

    # UpdateShardCount is for provisioned streams only (FACTS §1 Resharding and capacity).
    # (AWS does not document the code; the model lists ValidationException and InvalidArgumentException.)
    with pytest.raises(ClientError) as info:
        kinesis.update_shard_count(StreamName=name, TargetShardCount=5, ScalingType="UNIFORM_SCALING")
    assert info.value.response["Error"]["Code"] in ("ValidationException", "InvalidArgumentException")

    kinesis.update_stream_mode(StreamARN=arn(name), StreamModeDetails=PROVISIONED)
    assert kutil.summary(kinesis, name)["StreamStatus"] == "UPDATING"
    summary = kutil.wait_status(kinesis, name)
    assert summary["StreamModeDetails"] == PROVISIONED
    assert summary["OpenShardCount"] == 4
    assert kinesis.describe_limits()["OnDemandStreamCount"] == before

    kinesis.update_stream_mode(StreamARN=arn(name), StreamModeDetails=ON_DEMAND)
    summary = kutil.wait_status(kinesis, name)
    assert summary["StreamModeDetails"] == ON_DEMAND
    assert kinesis.describe_limits()["OnDemandStreamCount"] == before + 1

    # A third switch within 24 hours is refused.
    expect_error(kinesis.update_stream_mode, "LimitExceededException", StreamARN=arn(name), StreamModeDetails=PROVISIONED)
    # Writes work as on any stream.
    out = kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"od")
    assert out["ShardId"] in {s["ShardId"] for s in open_list}


# aws-models/kinesis.json DescribeAccountSettings / UpdateAccountSettings (MinimumThroughputBillingCommitment
# Status ENABLED | DISABLED | ENABLED_UNTIL_EARLIEST_ALLOWED_END; StartedAt, EarliestAllowedEndAt);
# FACTS §1 Capacity modes (On-demand Advantage: account-level commitment, warm throughput);
# aws-models/kinesis.json UpdateStreamWarmThroughput (on-demand only, with the commitment enabled).
def test_account_settings_and_warm_throughput(fresh_endpoint):
    client = fresh_endpoint().client()
    settings = client.describe_account_settings()["MinimumThroughputBillingCommitment"]
    assert settings["Status"] == "DISABLED"
    assert "StartedAt" not in settings

    out = client.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})
    enabled = out["MinimumThroughputBillingCommitment"]
    assert enabled["Status"] == "ENABLED"
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - enabled["StartedAt"]).total_seconds()) < 60
    assert enabled["EarliestAllowedEndAt"] > enabled["StartedAt"]
    described = client.describe_account_settings()["MinimumThroughputBillingCommitment"]
    assert described["Status"] == "ENABLED"
    assert described["StartedAt"] == enabled["StartedAt"]

    name = kutil.create_stream(client, prefix="warm", on_demand=True)
    out = client.update_stream_warm_throughput(StreamARN=arn(name), WarmThroughputMiBps=50)
    assert out["StreamName"] == name
    assert out["StreamARN"] == arn(name)
    assert out["WarmThroughput"]["TargetMiBps"] == 50
    summary = kutil.wait_status(client, name)
    assert summary["WarmThroughput"]["TargetMiBps"] == 50

    # Warm throughput is not for provisioned streams.
    prov = kutil.create_stream(client, shards=1, prefix="warmprov")
    with pytest.raises(ClientError) as info:
        client.update_stream_warm_throughput(StreamName=prov, WarmThroughputMiBps=50)
    assert info.value.response["Error"]["Code"] in ("InvalidArgumentException", "ValidationException")

    # Ending the commitment before its earliest allowed end keeps it until then.
    out = client.update_account_settings(MinimumThroughputBillingCommitment={"Status": "DISABLED"})
    ending = out["MinimumThroughputBillingCommitment"]
    assert ending["Status"] in ("ENABLED_UNTIL_EARLIEST_ALLOWED_END", "DISABLED")
    if ending["Status"] == "ENABLED_UNTIL_EARLIEST_ALLOWED_END":
        assert ending["EndedAt"] >= enabled["StartedAt"]


# aws-models/kinesis.json UpdateStreamWarmThroughput documentation: "Updating the warm throughput is an
# asynchronous operation. Upon receiving the request, Kinesis Data Streams returns immediately and sets the
# status of the stream to UPDATING."
def test_warm_throughput_sets_updating(fresh_endpoint):
    client = fresh_endpoint().client()
    client.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})
    name = kutil.create_stream(client, prefix="warmupd", on_demand=True)
    client.update_stream_warm_throughput(StreamARN=arn(name), WarmThroughputMiBps=40)
    assert kutil.summary(client, name)["StreamStatus"] == "UPDATING"
    assert kutil.wait_status(client, name)["WarmThroughput"]["TargetMiBps"] == 40


# aws-models/kinesis.json UpdateStreamWarmThroughput documentation: "This operation is only supported for
# data streams with the on-demand capacity mode in accounts that have MinimumThroughputBillingCommitment
# enabled." (The error code is not documented; the model lists InvalidArgumentException / ValidationException.)
def test_warm_throughput_requires_commitment(fresh_endpoint):
    client = fresh_endpoint().client()
    assert client.describe_account_settings()["MinimumThroughputBillingCommitment"]["Status"] == "DISABLED"
    name = kutil.create_stream(client, prefix="warmnc", on_demand=True)
    with pytest.raises(ClientError) as info:
        client.update_stream_warm_throughput(StreamARN=arn(name), WarmThroughputMiBps=50)
    assert info.value.response["Error"]["Code"] in ("InvalidArgumentException", "ValidationException")

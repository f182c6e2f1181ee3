"""The AWS CLI (v1) against the endpoint, as learners would run it."""

import base64
import json
import os
import shutil
import subprocess
import sys

import pytest

import kutil
from kutil import ACCOUNT


def _aws_command():
    exe = shutil.which("aws")
    return [exe] if exe else [sys.executable, "-m", "awscli"]


def _cli_major_version():
    out = subprocess.run(_aws_command() + ["--version"], capture_output=True, text=True, timeout=60)
    text = (out.stdout + out.stderr).strip()  # "aws-cli/1.45.11 Python/3.11.7 …"
    return int(text.split("/", 1)[1].split(".", 1)[0])


def binary_format_args():
    """`--cli-binary-format raw-in-base64-out` exists only in CLI v2 (v1 rejects it as an unknown option).
    CLI v1 already sends a blob argument's text as raw bytes, which is what the flag asks v2 to do."""
    return ["--cli-binary-format", "raw-in-base64-out"] if _cli_major_version() >= 2 else []


def aws(endpoint, *args, check=True):
    cmd = _aws_command()
    cmd += ["kinesis", *args, "--endpoint-url", endpoint.url, "--region", "us-east-1", "--output", "json"]
    env = dict(os.environ)
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


# FACTS §1 API protocol (the CLI over JSON 1.1) and Identifiers; aws-models/kinesis.json CreateStream,
# DescribeStreamSummary, PutRecord (blob: raw-in-base64-out sends the bytes as given), ListShards, GetRecords.
def test_cli_round_trip(endpoint, kinesis):
    name = kutil.unique_name("cli")
    created = aws(endpoint, "create-stream", "--stream-name", name, "--shard-count", "2")
    assert created.stdout.strip() == ""  # void operation: the CLI prints nothing
    kutil.wait_status(kinesis, name)

    summary = json.loads(aws(endpoint, "describe-stream-summary", "--stream-name", name).stdout)["StreamDescriptionSummary"]
    assert summary["StreamName"] == name
    assert summary["StreamARN"] == kutil.arn(name)
    assert summary["StreamStatus"] == "ACTIVE"
    assert summary["OpenShardCount"] == 2
    assert summary["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}

    put = json.loads(
        aws(
            endpoint, "put-record", "--stream-name", name, "--partition-key", "pk-1",
            *binary_format_args(), "--data", "hello",
        ).stdout
    )
    assert put["ShardId"] in ("shardId-000000000000", "shardId-000000000001")
    assert put["SequenceNumber"].isdigit()
    expected_shard = "shardId-000000000000" if kutil.md5_hash_key("pk-1") < 2**127 else "shardId-000000000001"
    assert put["ShardId"] == expected_shard

    shards = json.loads(aws(endpoint, "list-shards", "--stream-name", name).stdout)["Shards"]
    assert [s["ShardId"] for s in shards] == ["shardId-000000000000", "shardId-000000000001"]
    kutil.assert_tiles_keyspace(shards)

    iterator = json.loads(
        aws(endpoint, "get-shard-iterator", "--stream-name", name, "--shard-id", put["ShardId"],
            "--shard-iterator-type", "TRIM_HORIZON").stdout
    )["ShardIterator"]
    got = json.loads(aws(endpoint, "get-records", "--shard-iterator", iterator).stdout)
    assert [base64.b64decode(r["Data"]) for r in got["Records"]] == [b"hello"]
    assert got["Records"][0]["SequenceNumber"] == put["SequenceNumber"]
    assert got["Records"][0]["PartitionKey"] == "pk-1"

    # The same record through boto3.
    records, _ = kutil.read_shard(kinesis, name, put["ShardId"])
    assert [r["Data"] for r in records] == [b"hello"]


# FACTS §1 API protocol: "AWS CLI prints errors as `An error occurred (<Type>) when calling the <Operation>
# operation: <message>`"; notes/kinesalite-messages.md §5 ResourceNotFoundException text.
def test_cli_error_message(endpoint):
    result = aws(endpoint, "describe-stream-summary", "--stream-name", "nope", check=False)
    assert result.returncode != 0
    assert (
        "An error occurred (ResourceNotFoundException) when calling the DescribeStreamSummary operation: "
        f"Stream nope under account {ACCOUNT} not found." in result.stderr
    ), result.stderr

"""Helpers shared by the real-client tests (no fixtures here; see conftest.py)."""

import hashlib
import itertools
import os
import time
import uuid

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
REGION = "us-east-1"
HASH_MAX = 2**128 - 1  # FACTS §1 Identifiers and routing: hash keys cover [0, 2^128)

# Operation names called through the fixture clients (filled by conftest's before-call hook).
CALLED_OPERATIONS = set()

_counter = itertools.count()


def md5_hash_key(partition_key):
    """FACTS §1 Identifiers and routing: hash key = MD5(UTF-8 key) as a 128-bit big-endian integer."""
    return int.from_bytes(hashlib.md5(partition_key.encode("utf-8")).digest(), "big")


def unique_name(prefix="s"):
    """A fresh stream / consumer name matching [a-zA-Z0-9_.-]+ (FACTS §1)."""
    return f"{prefix}-{os.getpid()}-{next(_counter)}-{uuid.uuid4().hex[:6]}"


def arn(name):
    return f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{name}"


def not_found(name):
    return f"Stream {name} under account {ACCOUNT} not found."


def is_call_rate_limited(error):
    """A control-plane call-rate refusal ("Rate exceeded for <Operation> under account …"), which a real
    client backs off from and retries; FACTS §1 lists those per-account rates."""
    err = error.response["Error"]
    return err["Code"] == "LimitExceededException" and err["Message"].startswith("Rate exceeded for ")


def expect_error(call, code, message=None, **kwargs):
    """Call and require a ClientError with this code (and, if given, exactly this message).
    A control-plane call-rate refusal is waited out first (unless it is what the test expects)."""
    for _ in range(40):
        with pytest.raises(ClientError) as info:
            call(**kwargs)
        if code == "LimitExceededException" or not is_call_rate_limited(info.value):
            break
        time.sleep(0.25)
    err = info.value.response["Error"]
    assert err["Code"] == code, err
    if message is not None:
        assert err["Message"] == message, err
    return err


def retry_rate_limited(fn, attempts=40, **kwargs):
    """Call a control-plane operation, waiting out the per-account call-rate limits (LimitExceededException
    for more than 5 CreateStream/s or 5 CREATING streams; FACTS §1 Resharding and capacity)."""
    for i in range(attempts):
        try:
            return fn(**kwargs)
        except ClientError as e:
            if e.response["Error"]["Code"] != "LimitExceededException" or i == attempts - 1:
                raise
            time.sleep(0.25)


def summary(client, name):
    return retry_rate_limited(client.describe_stream_summary, StreamName=name)["StreamDescriptionSummary"]


def wait_status(client, name, status="ACTIVE", timeout=15.0):
    """Poll DescribeStreamSummary until the stream reaches `status` (short sleeps: transitions are 200 ms)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = summary(client, name)
        if last["StreamStatus"] == status:
            return last
        time.sleep(0.1)
    raise AssertionError(f"stream {name} still {last and last['StreamStatus']} after {timeout}s")


def wait_gone(client, name, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            summary(client, name)
        except ClientError as e:
            if e.response["Error"]["Code"] == "ResourceNotFoundException":
                return
            raise
        time.sleep(0.1)
    raise AssertionError(f"stream {name} still exists after {timeout}s")


def create_stream(client, shards=1, prefix="s", name=None, on_demand=False, wait=True, **kwargs):
    """CreateStream with a unique name, then wait for ACTIVE. Returns the name."""
    name = name or unique_name(prefix)
    if on_demand:
        kwargs["StreamModeDetails"] = {"StreamMode": "ON_DEMAND"}
    else:
        kwargs["ShardCount"] = shards
    retry_rate_limited(client.create_stream, StreamName=name, **kwargs)
    if wait:
        wait_status(client, name, "ACTIVE")
    return name


def shards(client, name, **kwargs):
    """All shards via ListShards (following NextToken)."""
    out = []
    resp = client.list_shards(StreamName=name, **kwargs)
    out += resp["Shards"]
    while resp.get("NextToken"):
        resp = client.list_shards(NextToken=resp["NextToken"])
        out += resp["Shards"]
    return out


def open_shards(client, name):
    return [s for s in shards(client, name) if "EndingSequenceNumber" not in s["SequenceNumberRange"]]


def hash_range(shard):
    r = shard["HashKeyRange"]
    return int(r["StartingHashKey"]), int(r["EndingHashKey"])


def assert_tiles_keyspace(shard_list):
    """The hash ranges of `shard_list` cover [0, 2^128) exactly, without gaps or overlaps."""
    ranges = sorted(hash_range(s) for s in shard_list)
    assert ranges[0][0] == 0
    assert ranges[-1][1] == HASH_MAX
    for (_, end), (start, _) in zip(ranges, ranges[1:]):
        assert start == end + 1, ranges


def _throttled(e):
    return e.response["Error"]["Code"] == "ProvisionedThroughputExceededException"


def get_iterator(client, name, shard_id, kind="TRIM_HORIZON", **kwargs):
    for _ in range(40):
        try:
            return client.get_shard_iterator(StreamName=name, ShardId=shard_id, ShardIteratorType=kind, **kwargs)[
                "ShardIterator"
            ]
        except ClientError as e:
            if not _throttled(e):
                raise
            time.sleep(0.25)
    raise AssertionError("GetShardIterator stayed throttled")


def get_records(client, iterator, **kwargs):
    """GetRecords, waiting out read throttling (5 calls/s per shard; FACTS §1 Reads)."""
    for _ in range(40):
        try:
            return client.get_records(ShardIterator=iterator, **kwargs)
        except ClientError as e:
            if not _throttled(e):
                raise
            time.sleep(0.25)
    raise AssertionError("GetRecords stayed throttled")


def read_shard(client, name, shard_id, kind="TRIM_HORIZON", until_end=False, expect=None, timeout=10.0, **kwargs):
    """Read a shard. Returns (records, last_response).

    until_end: read until NextShardIterator is absent (a closed shard's end).
    expect:    otherwise read until at least this many records arrived (or an empty, caught-up page).
    """
    it = get_iterator(client, name, shard_id, kind, **kwargs)
    records, last = [], None
    deadline = time.monotonic() + timeout
    while it and time.monotonic() < deadline:
        last = get_records(client, it)
        records += last["Records"]
        it = last.get("NextShardIterator")
        if until_end:
            if it is None:
                break
        elif expect is not None:
            if len(records) >= expect:
                break
        elif not last["Records"] and last.get("MillisBehindLatest", 0) == 0:
            break
        time.sleep(0.21)  # stay within 5 GetRecords calls/s per shard
    if until_end:
        assert it is None, "shard did not end"
    return records, last

"""Resharding through boto3: SplitShard, MergeShards, UpdateShardCount, lineage, per-key order across a
split, ChildShards at a closed shard's end, and the resharding limits."""

import time

import kutil
from kutil import ACCOUNT, HASH_MAX, expect_error, md5_hash_key

S0, S1, S2, S3 = (f"shardId-00000000000{i}" for i in range(4))
MID = 2**127


def by_id(shard_list):
    return {s["ShardId"]: s for s in shard_list}


# FACTS §1 Resharding and capacity (ACTIVE → UPDATING → ACTIVE; parents CLOSED with EndingSequenceNumber,
# readable; children carry ParentShardId; new writes route to children; read parent to its end before
# children) and Reads ("At the end of a closed shard: NextShardIterator is null and ChildShards lists
# the children (ShardId, ParentShards, HashKeyRange)"); FACTS §1 Identifiers (new shards take the next index).
def test_split_shard_lineage_and_order(kinesis, make_stream):
    name = make_stream(1, "split")
    keys = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
    written = {k: [] for k in keys}
    for i in range(4):
        for k in keys:
            data = f"{k}-{i}".encode()
            kinesis.put_record(StreamName=name, PartitionKey=k, Data=data)
            written[k].append(data)

    kinesis.split_shard(StreamName=name, ShardToSplit=S0, NewStartingHashKey=str(MID))
    assert kutil.summary(kinesis, name)["StreamStatus"] == "UPDATING"
    kutil.wait_status(kinesis, name)

    shard_list = kutil.shards(kinesis, name)
    shards = by_id(shard_list)
    assert sorted(shards) == [S0, S1, S2]
    parent = shards[S0]
    assert parent["SequenceNumberRange"]["EndingSequenceNumber"].isdigit()
    assert int(parent["SequenceNumberRange"]["EndingSequenceNumber"]) > int(parent["SequenceNumberRange"]["StartingSequenceNumber"])
    assert kutil.hash_range(parent) == (0, HASH_MAX)
    for child in (shards[S1], shards[S2]):
        assert child["ParentShardId"] == S0
        assert "AdjacentParentShardId" not in child
        assert "EndingSequenceNumber" not in child["SequenceNumberRange"]
    assert kutil.hash_range(shards[S1]) == (0, MID - 1)
    assert kutil.hash_range(shards[S2]) == (MID, HASH_MAX)
    open_list = kutil.open_shards(kinesis, name)
    assert sorted(s["ShardId"] for s in open_list) == [S1, S2]
    kutil.assert_tiles_keyspace(open_list)
    assert kutil.summary(kinesis, name)["OpenShardCount"] == 2
    # aws-models/kinesis.json ShardFilter: AT_LATEST = the open shards; AT_TRIM_HORIZON = the shards open at
    # the trim horizon; FROM_TRIM_HORIZON = every shard within the retention period.
    def filtered(kind):
        return sorted(s["ShardId"] for s in kutil.shards(kinesis, name, ShardFilter={"Type": kind}))

    assert filtered("AT_LATEST") == [S1, S2]
    assert filtered("AT_TRIM_HORIZON") == [S0]
    assert filtered("FROM_TRIM_HORIZON") == [S0, S1, S2]

    # Writes after the split go to the child that owns the key's hash.
    routed = {}
    for i in range(4, 8):
        for k in keys:
            data = f"{k}-{i}".encode()
            out = kinesis.put_record(StreamName=name, PartitionKey=k, Data=data)
            assert out["ShardId"] in (S1, S2)
            routed[k] = out["ShardId"]
            written[k].append(data)
    for k in keys:
        assert routed[k] == (S1 if md5_hash_key(k) < MID else S2)

    # Read the parent to its end.
    parent_records, last = kutil.read_shard(kinesis, name, S0, until_end=True)
    assert last.get("NextShardIterator") is None
    children = sorted(last["ChildShards"], key=lambda c: c["ShardId"])
    assert [c["ShardId"] for c in children] == [S1, S2]
    for c in children:
        assert c["ParentShards"] == [S0]
        assert (int(c["HashKeyRange"]["StartingHashKey"]), int(c["HashKeyRange"]["EndingHashKey"])) == kutil.hash_range(shards[c["ShardId"]])
    assert len(parent_records) == 4 * len(keys)

    # Then the children: per-key order is preserved parent → child.
    child_records = []
    for sid in (S1, S2):
        recs, _ = kutil.read_shard(kinesis, name, sid)
        child_records += recs
        for r in recs:
            assert routed[r["PartitionKey"]] == sid
    ending = int(parent["SequenceNumberRange"]["EndingSequenceNumber"])
    assert all(int(r["SequenceNumber"]) <= ending for r in parent_records)
    for k in keys:
        seen = [r["Data"] for r in parent_records if r["PartitionKey"] == k]
        seen += [r["Data"] for r in child_records if r["PartitionKey"] == k]
        assert seen == written[k], k

    # DescribeStream tells the same story.
    desc = by_id(kinesis.describe_stream(StreamName=name)["StreamDescription"]["Shards"])
    assert desc[S1]["ParentShardId"] == S0 and "EndingSequenceNumber" in desc[S0]["SequenceNumberRange"]


# notes/kinesalite-messages.md §6 SplitShard (InvalidArgumentException for a key outside the shard,
# "Could not find shard"); FACTS §1 Resharding ("NewStartingHashKey strictly inside the parent's range").
def test_split_shard_errors(kinesis, make_stream):
    name = make_stream(2, "splitbad")
    end0 = MID - 1
    for key in (str(MID + 5), "0", "1", str(end0)):
        expect_error(
            kinesis.split_shard,
            "InvalidArgumentException",
            f"NewStartingHashKey {key} used in SplitShard() on shard {S0} in stream {name} under account {ACCOUNT} "
            f"is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey {end0}.",
            StreamName=name,
            ShardToSplit=S0,
            NewStartingHashKey=key,
        )
    time.sleep(1.0)  # SplitShard is limited to 5 calls/s per account (FACTS §1), refused calls included
    expect_error(
        kinesis.split_shard,
        "ResourceNotFoundException",
        f"Could not find shard shardId-000000000009 in stream {name} under account {ACCOUNT}.",
        StreamName=name,
        ShardToSplit="shardId-000000000009",
        NewStartingHashKey="12345",
    )
    # While the stream is UPDATING a second reshard is refused.
    kinesis.split_shard(StreamName=name, ShardToSplit=S0, NewStartingHashKey=str(MID // 2))
    expect_error(
        kinesis.split_shard,
        "ResourceInUseException",
        f"Stream {name} under account {ACCOUNT} not ACTIVE, instead in state UPDATING",
        StreamName=name,
        ShardToSplit=S1,
        NewStartingHashKey=str(MID + MID // 2),
    )
    kutil.wait_status(kinesis, name)
    time.sleep(1.0)
    # A closed parent cannot be split again (message as AWS returns it; quoted by moto's kinesis tests).
    expect_error(
        kinesis.split_shard,
        "InvalidArgumentException",
        f"Shard {S0} in stream {name} under account {ACCOUNT} has already been merged or split, and thus is not "
        "eligible for merging or splitting.",
        StreamName=name,
        ShardToSplit=S0,
        NewStartingHashKey=str(MID // 4),
    )


# FACTS §1 Resharding (MergeShards of two adjacent ranges; child has ParentShardId and AdjacentParentShardId);
# notes/kinesalite-messages.md §6 MergeShards (not adjacent → InvalidArgumentException).
def test_merge_shards(kinesis, make_stream):
    name = make_stream(3, "merge")
    kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"before", ExplicitHashKey="0")
    expect_error(
        kinesis.merge_shards,
        "InvalidArgumentException",
        f"Shards {S0} and {S2} in stream {name} under account {ACCOUNT} are not an adjacent pair of shards eligible for merging",
        StreamName=name,
        ShardToMerge=S0,
        AdjacentShardToMerge=S2,
    )
    kinesis.merge_shards(StreamName=name, ShardToMerge=S0, AdjacentShardToMerge=S1)
    assert kutil.summary(kinesis, name)["StreamStatus"] == "UPDATING"
    kutil.wait_status(kinesis, name)
    shards = by_id(kutil.shards(kinesis, name))
    assert sorted(shards) == [S0, S1, S2, S3]
    child = shards[S3]
    assert child["ParentShardId"] == S0
    assert child["AdjacentParentShardId"] == S1
    assert kutil.hash_range(child) == (0, kutil.hash_range(shards[S1])[1])
    for sid in (S0, S1):
        assert "EndingSequenceNumber" in shards[sid]["SequenceNumberRange"]
    open_list = kutil.open_shards(kinesis, name)
    assert sorted(s["ShardId"] for s in open_list) == [S2, S3]
    kutil.assert_tiles_keyspace(open_list)

    out = kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"after", ExplicitHashKey="0")
    assert out["ShardId"] == S3
    records, last = kutil.read_shard(kinesis, name, S0, until_end=True)
    assert [r["Data"] for r in records] == [b"before"]
    assert [(c["ShardId"], sorted(c["ParentShards"])) for c in last["ChildShards"]] == [(S3, [S0, S1])]
    # The adjacent parent also ends with the same child.
    _, last1 = kutil.read_shard(kinesis, name, S1, until_end=True)
    assert [c["ShardId"] for c in last1["ChildShards"]] == [S3]


# FACTS §1 Resharding and capacity: UpdateShardCount UNIFORM_SCALING, target within ½× and 2× the open
# count; notes/kinesalite-messages.md §6 UpdateShardCount (messages, output shape); FACTS §1 N-shard ranges.
def test_update_shard_count(kinesis, make_stream):
    name = make_stream(2, "usc")
    expect_error(
        kinesis.update_shard_count,
        "LimitExceededException",
        "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 2, Target shard count: 5",
        StreamName=name,
        TargetShardCount=5,
        ScalingType="UNIFORM_SCALING",
    )
    out = kinesis.update_shard_count(StreamName=name, TargetShardCount=3, ScalingType="UNIFORM_SCALING")
    assert out["StreamName"] == name
    assert out["StreamARN"] == kutil.arn(name)
    assert out["CurrentShardCount"] == 2
    assert out["TargetShardCount"] == 3
    assert kutil.summary(kinesis, name)["StreamStatus"] == "UPDATING"
    summary = kutil.wait_status(kinesis, name)
    assert summary["OpenShardCount"] == 3
    open_list = kutil.open_shards(kinesis, name)
    assert len(open_list) == 3
    assert sorted(kutil.hash_range(s) for s in open_list) == [
        (0, 113427455640312821154458202477256070484),
        (113427455640312821154458202477256070485, 226854911280625642308916404954512140969),
        (226854911280625642308916404954512140970, HASH_MAX),
    ]
    # Closed shards from the scaling remain listed, each with an EndingSequenceNumber.
    for s in kutil.shards(kinesis, name):
        if s not in open_list:
            assert "EndingSequenceNumber" in s["SequenceNumberRange"]

    expect_error(
        kinesis.update_shard_count,
        "LimitExceededException",
        "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 3, Target shard count: 1",
        StreamName=name,
        TargetShardCount=1,
        ScalingType="UNIFORM_SCALING",
    )
    out = kinesis.update_shard_count(StreamName=name, TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    assert (out["CurrentShardCount"], out["TargetShardCount"]) == (3, 2)
    kutil.wait_status(kinesis, name)
    open_list = kutil.open_shards(kinesis, name)
    assert sorted(kutil.hash_range(s) for s in open_list) == [(0, MID - 1), (MID, HASH_MAX)]


# FACTS §1 Resharding and capacity ("within the account limit"); notes/kinesalite-messages.md §6
# CreateStream / SplitShard LimitExceededException text; aws-models DescribeLimits.
def test_account_shard_limit(small_kinesis):
    client = small_kinesis
    open_before = client.describe_limits()["OpenShardCount"]
    assert open_before == 0, "the --shard-limit 20 endpoint should be empty here"
    a = kutil.create_stream(client, shards=12, prefix="quotaA")
    b_name = kutil.unique_name("quotaB")
    err = expect_error(client.create_stream, "LimitExceededException", StreamName=b_name, ShardCount=9)
    assert err["Message"].startswith(
        f"This request would exceed the shard limit for the account {ACCOUNT} in us-east-1. "
        "Current shard count for the account: 12. Limit: 20. "
        "Number of additional shards that would have resulted from this request: 9."
    ), err["Message"]
    b = kutil.create_stream(client, shards=8, name=b_name)
    assert client.describe_limits()["OpenShardCount"] == 20
    err = expect_error(
        client.split_shard, "LimitExceededException", StreamName=b, ShardToSplit=S0, NewStartingHashKey=str(2**120)
    )
    assert err["Message"].startswith(
        f"This request would exceed the shard limit for the account {ACCOUNT} in us-east-1. "
        "Current shard count for the account: 20. Limit: 20. "
        "Number of additional shards that would have resulted from this request: 1."
    ), err["Message"]
    err = expect_error(client.update_shard_count, "LimitExceededException", StreamName=b, TargetShardCount=10, ScalingType="UNIFORM_SCALING")
    assert err["Message"]
    # Merging frees a shard: the account is under the limit again.
    client.merge_shards(StreamName=a, ShardToMerge=S0, AdjacentShardToMerge=S1)
    kutil.wait_status(client, a)
    assert client.describe_limits()["OpenShardCount"] == 19
    for name in (a, b):
        client.delete_stream(StreamName=name)
    for name in (a, b):
        kutil.wait_gone(client, name)
    assert client.describe_limits()["OpenShardCount"] == 0

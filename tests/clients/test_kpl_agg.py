"""KPL aggregation compatibility: records built by aws_kinesis_agg (the Python port of the KPL's format)
go through the endpoint byte for byte and deaggregate to the same user records."""

import base64
import hashlib

import aws_kinesis_agg
from aws_kinesis_agg.aggregator import RecordAggregator
from aws_kinesis_agg.deaggregator import deaggregate_records, iter_deaggregate_records

import kutil

S0 = "shardId-000000000000"


def user_records(n=60):
    keys = ["user-1", "user-2", "device/7", "ünïcode-ключ", "k" * 256]
    out = []
    for i in range(n):
        key = keys[i % len(keys)]
        data = b"%04d:" % i + hashlib.sha256(b"%d" % i).digest() + bytes([i % 256]) * (i % 17)
        out.append((key, data))
    return out


def as_lambda_event_record(record):
    """The shape deaggregate_records expects (a Lambda Kinesis event record)."""
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": record["PartitionKey"],
            "sequenceNumber": record["SequenceNumber"],
            "approximateArrivalTimestamp": record["ApproximateArrivalTimestamp"].timestamp(),
            "data": base64.b64encode(record["Data"]).decode(),
        }
    }


# FACTS §1 Producers and consumers (KPL aggregation: magic F3 89 9A C2, protobuf AggregatedRecord, MD5
# trailer; "use aws_kinesis_agg to test compatibility"; aggregated user records share one sequence number and
# are told apart by sub-sequence numbers).
def test_kpl_aggregated_record_round_trip(kinesis, make_stream):
    name = make_stream(1, "kpl")
    users = user_records(60)
    aggregator = RecordAggregator()
    for key, data in users:
        assert aggregator.add_user_record(key, data) is None  # all fit in one aggregated record
    agg = aggregator.clear_and_get()
    assert agg.get_num_user_records() == 60
    pk, ehk, blob = agg.get_contents()
    assert blob[:4] == b"\xf3\x89\x9a\xc2" == aws_kinesis_agg.MAGIC
    assert hashlib.md5(blob[4:-16]).digest() == blob[-16:]

    put = kinesis.put_record(StreamName=name, PartitionKey=pk, Data=blob, **({"ExplicitHashKey": ehk} if ehk else {}))
    records, _ = kutil.read_shard(kinesis, name, S0, expect=1)
    assert len(records) == 1
    got = records[0]
    assert got["Data"] == blob  # byte for byte
    assert got["PartitionKey"] == pk
    assert got["SequenceNumber"] == put["SequenceNumber"]

    deagg = deaggregate_records([as_lambda_event_record(got)])
    assert [(r["kinesis"]["partitionKey"], base64.b64decode(r["kinesis"]["data"])) for r in deagg] == users
    assert [r["kinesis"]["subSequenceNumber"] for r in deagg] == list(range(60))
    assert {r["kinesis"]["sequenceNumber"] for r in deagg} == {put["SequenceNumber"]}
    assert all(r["kinesis"]["aggregated"] for r in deagg)

    # The boto3 record shape directly (the library's "Boto3" input format).
    deagg2 = list(iter_deaggregate_records([got], data_format="Boto3"))
    assert [(r["kinesis"]["partitionKey"], base64.b64decode(r["kinesis"]["data"])) for r in deagg2] == users


# FACTS §1 Producers and consumers (KPL collection: many aggregated records per PutRecords) and Writes
# (PutRecords entries in request order).
def test_kpl_aggregated_records_via_put_records(kinesis, make_stream):
    name = make_stream(2, "kplmany")
    users = user_records(300)
    aggregator = RecordAggregator(max_size=8 * 1024)  # small aggregates: several Kinesis records
    full = []
    for key, data in users:
        done = aggregator.add_user_record(key, data, explicit_hash_key=str(kutil.md5_hash_key(key)))
        if done is not None:
            full.append(done)
    full.append(aggregator.clear_and_get())
    assert len(full) > 3
    entries = []
    for agg in full:
        pk, ehk, blob = agg.get_contents()
        entries.append({"PartitionKey": pk, "ExplicitHashKey": ehk, "Data": blob})
    resp = kinesis.put_records(StreamName=name, Records=entries)
    assert resp["FailedRecordCount"] == 0
    by_seq = {}
    for entry, result in zip(entries, resp["Records"]):
        by_seq[result["SequenceNumber"]] = entry["Data"]
        assert result["ShardId"] == ("shardId-000000000000" if int(entry["ExplicitHashKey"]) < 2**127 else "shardId-000000000001")

    got = []
    for sid in ("shardId-000000000000", "shardId-000000000001"):
        recs, _ = kutil.read_shard(kinesis, name, sid)
        got += recs
    assert len(got) == len(entries)
    for r in got:
        assert r["Data"] == by_seq[r["SequenceNumber"]]
    # Every user record comes back exactly once, in order within each aggregate.
    got.sort(key=lambda r: [e["Data"] for e in entries].index(r["Data"]))
    deagg = deaggregate_records([as_lambda_event_record(r) for r in got])
    assert [(d["kinesis"]["partitionKey"], base64.b64decode(d["kinesis"]["data"])) for d in deagg] == users
    assert all(d["kinesis"]["explicitHashKey"] == str(kutil.md5_hash_key(d["kinesis"]["partitionKey"])) for d in deagg)

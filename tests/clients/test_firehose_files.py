"""The files Firehose delivers, read by real readers through the endpoint's S3 REST port: Parquet objects
open in pyarrow with the Glue table's schema and row count; ZIP with Python's zipfile; Snappy (framing
format) and Hadoop-Snappy unpacked chunk by chunk and inflated with pyarrow's Snappy codec.

Sources: FACTS.md §2 "Format conversion" (JSON → Parquet against a Glue table, Snappy by default,
CompressionFormat UNCOMPRESSED, failures under format-conversion-failed) and "Compression"; the
DataFormatConversionConfiguration shape of aws-models/firehose.json; the Snappy framing format
(github.com/google/snappy/framing_format.txt) and Hadoop's BlockCompressorStream layout.
"""

import io
import json
import os
import struct
import time
import zipfile

import boto3
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
import pytest
from botocore.config import Config

import kutil
from kutil import ACCOUNT, REGION

ROLE = f"arn:aws:iam::{ACCOUNT}:role/firehose-files"
BUCKET = f"kinesis-lab-files-{kutil.unique_name('b').lower()}"[:63]
ERRORS = "errors/!{firehose:error-output-type}/"
SNAPPY = pa.Codec("snappy")


@pytest.fixture(scope="module")
def firehose(endpoint):
    return boto3.session.Session().client(
        "firehose", endpoint_url=endpoint.url, region_name=REGION,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"total_max_attempts": 1}, read_timeout=20, connect_timeout=5))


@pytest.fixture(scope="module")
def s3_files(endpoint):
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint.s3_url, region_name=REGION,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"], aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}))


def create(firehose, prefix, **extra):
    name = kutil.unique_name("files")
    config = {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{BUCKET}", "Prefix": prefix, "ErrorOutputPrefix": ERRORS,
              "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}}
    config.update(extra)
    firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration=config)
    deadline = time.monotonic() + 15
    while firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]["DeliveryStreamStatus"] != "ACTIVE":
        assert time.monotonic() < deadline, f"{name} not ACTIVE"
        time.sleep(0.05)
    return name


def wait_keys(s3, prefix, count=1, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]
        if len(keys) >= count:
            return keys
        assert time.monotonic() < deadline, f"nothing under {prefix}: {keys}"
        time.sleep(0.05)


def body(s3, key):
    return s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()


RECORDS = [{"user": f"u{i}", "Page": f"/p/{i % 3}", "ms": 1000 + i, "tags": ["a", str(i)]} for i in range(25)]


def test_parquet_objects_open_in_pyarrow_with_the_declared_schema(firehose, s3_files, endpoint):
    conversion = {
        "Enabled": True,
        "SchemaConfiguration": {"DatabaseName": "lab", "TableName": "clicks", "RoleARN": ROLE},
        "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
        "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}},
    }
    name = create(firehose, "parquet/", BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 0},
                  DataFormatConversionConfiguration=conversion)
    described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    s3_desc = described["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert s3_desc["DataFormatConversionConfiguration"]["SchemaConfiguration"]["TableName"] == "clicks"
    out = firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": json.dumps(r).encode()} for r in RECORDS]
                                    + [{"Data": b"not json"}])
    assert out["FailedPutCount"] == 0
    [key] = wait_keys(s3_files, "parquet/")
    fs = pafs.S3FileSystem(endpoint_override=endpoint.s3_url.replace("http://", ""), scheme="http", region=REGION,
                           access_key=os.environ["AWS_ACCESS_KEY_ID"], secret_key=os.environ["AWS_SECRET_ACCESS_KEY"])
    table = pq.read_table(f"{BUCKET}/{key}", filesystem=fs)
    assert table.num_rows == len(RECORDS)
    assert table.schema.names == ["user", "page", "ms", "tags"]
    assert table.schema.field("user").type == pa.string()
    assert table.schema.field("ms").type == pa.int64()
    assert pa.types.is_list(table.schema.field("tags").type)
    rows = table.to_pylist()
    assert rows[3] == {"user": "u3", "page": "/p/0", "ms": 1003, "tags": ["a", "3"]}
    meta = pq.ParquetFile(io.BytesIO(body(s3_files, key))).metadata
    assert meta.row_group(0).column(0).compression == "SNAPPY"
    [failed] = wait_keys(s3_files, "errors/format-conversion-failed/")
    line = json.loads(body(s3_files, failed).decode().splitlines()[0])
    assert line["ErrorCode"].startswith("DataFormatConversion.")


def deliver(firehose, s3, prefix, compression, records):
    name = create(firehose, prefix, CompressionFormat=compression)
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": r} for r in records])
    [key] = wait_keys(s3, prefix)
    return key, body(s3, key)


LINES = [f'{{"n": {i}, "text": "{"x" * (i % 50)}"}}\n'.encode() for i in range(300)]


def test_zip_objects_open_with_zipfile(firehose, s3_files):
    key, data = deliver(firehose, s3_files, "zip/", "ZIP", LINES)
    assert key.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        [entry] = z.namelist()
        assert z.read(entry) == b"".join(LINES)


def snappy_raw(chunk):
    """Raw Snappy: a varint of the uncompressed length, then the data."""
    size, shift, i = 0, 0, 0
    while True:
        b = chunk[i]
        size |= (b & 0x7F) << shift
        i += 1
        if b < 0x80:
            break
        shift += 7
    return SNAPPY.decompress(chunk, decompressed_size=size).to_pybytes()


def test_snappy_framed_objects_inflate(firehose, s3_files):
    key, data = deliver(firehose, s3_files, "snappy/", "Snappy", LINES)
    assert key.endswith(".snappy")
    assert data[:10] == b"\xff\x06\x00\x00sNaPpY", "the framing format's stream identifier"
    out, i = b"", 10
    while i < len(data):
        kind = data[i]
        length = int.from_bytes(data[i + 1:i + 4], "little")
        chunk = data[i + 4:i + 4 + length]
        if kind == 0x00:
            out += snappy_raw(chunk[4:])  # 4 bytes of masked CRC-32C first
        elif kind == 0x01:
            out += chunk[4:]
        i += 4 + length
    assert out == b"".join(LINES)


def test_hadoop_snappy_objects_inflate(firehose, s3_files):
    key, data = deliver(firehose, s3_files, "hadoop/", "HADOOP_SNAPPY", LINES)
    out, i = b"", 0
    while i < len(data):
        (block_size,) = struct.unpack(">I", data[i:i + 4])
        i += 4
        block = b""
        while len(block) < block_size:
            (chunk_size,) = struct.unpack(">I", data[i:i + 4])
            block += snappy_raw(data[i + 4:i + 4 + chunk_size])
            i += 4 + chunk_size
        out += block
    assert out == b"".join(LINES)


@pytest.fixture(scope="module")
def kinesis(endpoint):
    return endpoint.client()


# FACTS.md §2 "Sources": a delivery stream with a Kinesis data stream as source reads it (from when it
# was created, about one GetRecords per second per shard) and delivers what it read; Direct PUT is refused.
def test_kinesis_stream_source_delivers_to_s3(firehose, kinesis, s3_files):
    stream = kutil.unique_name("src")
    kinesis.create_stream(StreamName=stream, ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    arn = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamARN"]
    kinesis.put_record(StreamName=stream, PartitionKey="early", Data=b"before-the-delivery-stream\n")
    name = kutil.unique_name("fromkds")
    firehose.create_delivery_stream(
        DeliveryStreamName=name, DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": arn, "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration={"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{BUCKET}", "Prefix": "fromkds/",
                                            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}})
    deadline = time.monotonic() + 15
    while firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]["DeliveryStreamStatus"] != "ACTIVE":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    with pytest.raises(firehose.exceptions.InvalidArgumentException):
        firehose.put_record(DeliveryStreamName=name, Record={"Data": b"x"})
    sent = [f"r{i}\n".encode() for i in range(10)]
    kinesis.put_records(StreamName=stream, Records=[{"Data": d, "PartitionKey": f"k{i}"} for i, d in enumerate(sent)])
    deadline = time.monotonic() + 15
    got = b""
    while sorted(got.splitlines(keepends=True)) != sorted(sent):
        assert time.monotonic() < deadline, f"delivered so far: {got!r}"
        time.sleep(0.2)
        keys = [o["Key"] for o in s3_files.list_objects_v2(Bucket=BUCKET, Prefix="fromkds/").get("Contents", [])]
        got = b"".join(body(s3_files, k) for k in keys)
    assert b"before-the-delivery-stream" not in got, "read from LATEST: nothing written before it existed"

"""Reading what Firehose delivered through the endpoint's read-only S3 REST port (`--s3-port`) with real
clients: boto3's `s3` client, the AWS CLI (`aws s3`, `aws s3api`) and pyarrow's S3FileSystem.

Sources: the Amazon S3 API Reference (ListObjectsV2, ListObjects, GetObject, HeadObject, HeadBucket,
ListBuckets, "Error responses"); FACTS.md §2 for what Firehose writes (object keys under the Prefix,
GZIP compression, buffering hints 0–900 s). boto3 and the CLI parse every response with botocore's own
S3 model, so a shape mistake fails here.
"""

import gzip
import json
import os
import subprocess
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import kutil
from kutil import ACCOUNT, REGION
from test_cli import _aws_command

ROLE = f"arn:aws:iam::{ACCOUNT}:role/firehose-delivery"
BUCKET = f"kinesis-lab-s3-{kutil.unique_name('b').lower()}"[:63]
# A Hive-style prefix: keys carry '=' and '/', and a space.
PLAIN_PREFIX = "plain/year=!{timestamp:yyyy}/month=!{timestamp:MM}/batch a/"
GZIP_PREFIX = "gzipped/"
ERROR_PREFIX = "errors/!{firehose:error-output-type}/"
PLAIN_RECORDS = [f'{{"n": {i}, "kind": "plain"}}\n'.encode() for i in range(6)]
GZIP_RECORDS = [f'{{"n": {i}, "kind": "gzip"}}\n'.encode() for i in range(4)]


@pytest.fixture(scope="module")
def firehose(endpoint):
    return boto3.session.Session().client(
        "firehose",
        endpoint_url=endpoint.url,
        region_name=REGION,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"total_max_attempts": 1}, read_timeout=20, connect_timeout=5),
    )


def wait_active(firehose, name, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        d = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
        if d["DeliveryStreamStatus"] == "ACTIVE":
            return
        time.sleep(0.05)
    raise AssertionError(f"{name} not ACTIVE after {timeout}s")


def create_stream(firehose, prefix, compression="UNCOMPRESSED", bucket=BUCKET):
    name = kutil.unique_name("s3fh")
    firehose.create_delivery_stream(
        DeliveryStreamName=name,
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE,
            "BucketARN": f"arn:aws:s3:::{bucket}",
            "Prefix": prefix,
            "ErrorOutputPrefix": ERROR_PREFIX,
            # IntervalInSeconds 0 (FACTS §2: 0–900 s): what is buffered is delivered on the next clock move,
            # which the endpoint makes before every request.
            "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0},
            "CompressionFormat": compression,
        },
    )
    wait_active(firehose, name)
    return name


def keys_under(s3, prefix):
    out = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return [o["Key"] for o in out.get("Contents", [])]


def wait_for_objects(s3, prefix, count, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        keys = keys_under(s3, prefix)
        if len(keys) >= count:
            return keys
        time.sleep(0.05)
    raise AssertionError(f"{count} objects under {prefix} not delivered within {timeout}s: {keys}")


@pytest.fixture(scope="module")
def delivered(firehose, s3):
    """Two delivery streams into one bucket: one object per PutRecord call for the plain stream (each
    call moves the clock, flushing the previous record), a GZIP stream with one batch."""
    plain = create_stream(firehose, PLAIN_PREFIX)
    for record in PLAIN_RECORDS:
        firehose.put_record(DeliveryStreamName=plain, Record={"Data": record})
    gz = create_stream(firehose, GZIP_PREFIX, compression="GZIP")
    firehose.put_record_batch(DeliveryStreamName=gz, Records=[{"Data": r} for r in GZIP_RECORDS])
    plain_keys = wait_for_objects(s3, "plain/", len(PLAIN_RECORDS))
    gzip_keys = wait_for_objects(s3, GZIP_PREFIX, 1)
    return {"plain": plain, "gzip": gz, "plain_keys": plain_keys, "gzip_keys": gzip_keys}


# ----------------------------------------------------------------------------------------- boto3

# ListBuckets / HeadBucket: the bucket a delivery stream names exists; ListObjectsV2 lists Firehose's
# keys (Prefix, then the delivery stream name, version and time; FACTS §2) in binary order.
def test_list_buckets_and_objects(s3, delivered):
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert BUCKET in names
    assert s3.head_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 200
    keys = delivered["plain_keys"]
    assert len(keys) == len(PLAIN_RECORDS)
    assert keys == sorted(keys, key=lambda k: k.encode())
    year = time.strftime("%Y", time.gmtime())
    for key in keys:
        assert key.startswith(f"plain/year={year}/month="), key
        assert "/batch a/" + delivered["plain"] + "-1-" in key, key
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="plain/")
    first = listed["Contents"][0]
    assert first["StorageClass"] == "STANDARD"
    assert first["Size"] == len(PLAIN_RECORDS[0])
    assert first["LastModified"].year == int(year)
    assert listed["KeyCount"] == len(keys) and listed["IsTruncated"] is False


# ListObjectsV2 Delimiter: keys roll up into CommonPrefixes at the delimiter after the prefix.
def test_prefix_and_delimiter(s3, delivered):
    top = s3.list_objects_v2(Bucket=BUCKET, Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["gzipped/", "plain/"]
    assert "Contents" not in top
    year = time.strftime("%Y", time.gmtime())
    under = s3.list_objects_v2(Bucket=BUCKET, Prefix="plain/", Delimiter="/")
    assert [p["Prefix"] for p in under["CommonPrefixes"]] == [f"plain/year={year}/"]
    # ListObjects (V1) agrees.
    v1 = s3.list_objects(Bucket=BUCKET, Prefix="plain/", Delimiter="/")
    assert [p["Prefix"] for p in v1["CommonPrefixes"]] == [f"plain/year={year}/"]


# ListObjectsV2 pagination (MaxKeys, NextContinuationToken) through botocore's paginator: every key
# once, in order.
def test_paginator_returns_every_key_once(s3, delivered):
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, PaginationConfig={"PageSize": 2}))
    assert len(pages) >= 4
    assert all(p["KeyCount"] <= 2 for p in pages)
    keys = [o["Key"] for p in pages for o in p.get("Contents", [])]
    assert keys == sorted(set(keys), key=lambda k: k.encode())
    assert set(delivered["plain_keys"]) | set(delivered["gzip_keys"]) <= set(keys)
    v1 = [o["Key"] for p in s3.get_paginator("list_objects").paginate(Bucket=BUCKET, PaginationConfig={"PageSize": 3})
          for o in p.get("Contents", [])]
    assert v1 == keys


# GetObject: each object holds one record (one PutRecord per clock move); ETag is the MD5 of the bytes.
def test_get_object_bytes(s3, delivered):
    import hashlib

    got = []
    for key in delivered["plain_keys"]:
        obj = s3.get_object(Bucket=BUCKET, Key=key)
        body = obj["Body"].read()
        assert obj["ETag"] == '"' + hashlib.md5(body).hexdigest() + '"'
        assert obj["ContentLength"] == len(body)
        got.append(body)
    assert sorted(got) == sorted(PLAIN_RECORDS)
    head = s3.head_object(Bucket=BUCKET, Key=delivered["plain_keys"][0])
    assert head["ContentLength"] == len(got[0])
    # Range: bytes=a-b is 206 with Content-Range.
    part = s3.get_object(Bucket=BUCKET, Key=delivered["plain_keys"][0], Range="bytes=1-4")
    assert part["Body"].read() == got[0][1:5]
    assert part["ContentRange"] == f"bytes 1-4/{len(got[0])}"
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    # Conditional GET: If-None-Match with the current ETag is 304 Not Modified (botocore raises it).
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=BUCKET, Key=delivered["plain_keys"][0], IfNoneMatch=head["ETag"])
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
    assert s3.get_object(Bucket=BUCKET, Key=delivered["plain_keys"][0], IfMatch=head["ETag"])["Body"].read() == got[0]


# CompressionFormat GZIP (FACTS §2): the object is a gzip file of the records, key ending .gz, stored
# without Content-Encoding (so clients hand back the compressed bytes).
def test_gzip_object_gunzips_to_the_records(s3, delivered):
    [key] = delivered["gzip_keys"]
    assert key.endswith(".gz")
    obj = s3.get_object(Bucket=BUCKET, Key=key)
    assert "ContentEncoding" not in obj
    assert gzip.decompress(obj["Body"].read()) == b"".join(GZIP_RECORDS)


# Errors: NoSuchKey, NoSuchBucket (404, S3's messages); HEAD of a missing key is a bare 404; every write
# is 405 MethodNotAllowed; a bad Range is 416 InvalidRange.
def test_errors(s3, delivered):
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=BUCKET, Key="plain/none")
    assert e.value.response["Error"]["Code"] == "NoSuchKey"
    assert e.value.response["Error"]["Message"] == "The specified key does not exist."
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket="kinesis-lab-no-such-bucket")
    assert e.value.response["Error"]["Code"] == "NoSuchBucket"
    assert e.value.response["Error"]["Message"] == "The specified bucket does not exist"
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=BUCKET, Key="plain/none")
    assert e.value.response["Error"]["Code"] == "404"
    for call in (
        lambda: s3.put_object(Bucket=BUCKET, Key="x", Body=b"1"),
        lambda: s3.delete_object(Bucket=BUCKET, Key=delivered["plain_keys"][0]),
        lambda: s3.create_bucket(Bucket="kinesis-lab-new-bucket"),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert e.value.response["Error"]["Code"] == "MethodNotAllowed"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405
    # Still there: nothing was deleted.
    assert s3.head_object(Bucket=BUCKET, Key=delivered["plain_keys"][0])["ContentLength"] > 0
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=BUCKET, Key=delivered["plain_keys"][0], Range="bytes=100000-")
    assert e.value.response["Error"]["Code"] == "InvalidRange"


# A bucket a new delivery stream names exists (empty) before Firehose writes anything into it.
def test_bucket_named_by_a_stream_exists_empty(firehose, s3):
    bucket = f"kinesis-lab-empty-{kutil.unique_name('e').lower()}"[:63]
    create_stream(firehose, "x/", bucket=bucket)
    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    out = s3.list_objects_v2(Bucket=bucket)
    assert out["KeyCount"] == 0 and "Contents" not in out


# ----------------------------------------------------------------------------------------- AWS CLI

def aws_s3(endpoint, *args):
    cmd = _aws_command() + [*args, "--endpoint-url", endpoint.s3_url, "--region", REGION]
    result = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


# `aws s3 ls --recursive` (ListObjectsV2) and `aws s3 cp` (HeadObject, GetObject) of an object to a
# directory; `aws s3api list-objects-v2` as JSON.
def test_cli_ls_and_cp(endpoint, delivered, tmp_path):
    listing = aws_s3(endpoint, "s3", "ls", f"s3://{BUCKET}", "--recursive")
    for key in delivered["plain_keys"] + delivered["gzip_keys"]:
        assert key in listing
    assert BUCKET in aws_s3(endpoint, "s3", "ls")
    key = delivered["gzip_keys"][0]
    aws_s3(endpoint, "s3", "cp", f"s3://{BUCKET}/{key}", str(tmp_path) + "/")
    copied = tmp_path / key.rsplit("/", 1)[1]
    assert gzip.decompress(copied.read_bytes()) == b"".join(GZIP_RECORDS)
    api = json.loads(
        aws_s3(endpoint, "s3api", "list-objects-v2", "--bucket", BUCKET, "--prefix", "plain/", "--output", "json")
    )
    assert [o["Key"] for o in api["Contents"]] == delivered["plain_keys"]
    head = json.loads(aws_s3(endpoint, "s3api", "head-object", "--bucket", BUCKET, "--key", key, "--output", "json"))
    assert head["ContentLength"] == copied.stat().st_size


# ----------------------------------------------------------------------------------------- pyarrow

# pyarrow.fs.S3FileSystem (the AWS C++ SDK): get_file_info on a prefix selector (ListObjectsV2) and
# open_input_stream (HeadObject, GetObject).
def test_pyarrow_reads_delivered_objects(endpoint, delivered):
    import pyarrow.fs as fs_module  # in tests/clients/requirements.txt
    fs = fs_module.S3FileSystem(
        endpoint_override=f"127.0.0.1:{endpoint.s3_port}",
        scheme="http",
        access_key=os.environ["AWS_ACCESS_KEY_ID"],
        secret_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        region=REGION,
    )
    infos = fs.get_file_info(fs_module.FileSelector(f"{BUCKET}/plain/", recursive=True))
    files = sorted(i.path for i in infos if i.type == fs_module.FileType.File)
    assert files == sorted(f"{BUCKET}/{k}" for k in delivered["plain_keys"])
    assert any(i.type == fs_module.FileType.Directory and i.path.endswith("/batch a") for i in infos)
    got = []
    for path in files:
        with fs.open_input_stream(path) as stream:
            got.append(stream.read())
    assert sorted(got) == sorted(PLAIN_RECORDS)
    [gz] = delivered["gzip_keys"]
    with fs.open_input_file(f"{BUCKET}/{gz}") as f:
        assert gzip.decompress(f.read()) == b"".join(GZIP_RECORDS)

"""Amazon Data Firehose through boto3's real `firehose` client and the AWS CLI, against the native endpoint
(which answers `Firehose_20150804.*` on the same port as Kinesis).

Sources: FACTS.md §2 (Amazon Data Firehose) and the Firehose API model (models/firehose.json, a trimmed copy
of botocore's; boto3 parses every response below with botocore's own copy of that model).
"""

import datetime
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
BUCKET = "arn:aws:s3:::kinesis-lab-firehose-bucket"
PREFIX = "logs/!{timestamp:yyyy/MM/dd}/"
ERROR_PREFIX = "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
# Not shown by Firehose itself: the id of the one destination a delivery stream has (botocore model
# DestinationId; the value AWS returns for the first destination).
DESTINATION_ID = "destinationId-000000000001"


# ----------------------------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def firehose(endpoint):
    """A boto3 Firehose client for the shared endpoint; retries off, as the Kinesis fixtures."""
    return boto3.session.Session().client(
        "firehose",
        endpoint_url=endpoint.url,
        region_name=REGION,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"total_max_attempts": 1}, read_timeout=20, connect_timeout=5),
    )


def fh_arn(name):
    # FACTS.md §2 / model DeliveryStreamARN: arn:aws:firehose:<region>:<account>:deliverystream/<name>.
    return f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{name}"


def not_found(name):
    # AWS's ResourceNotFoundException text for a delivery stream.
    return f"Firehose {name} under account {ACCOUNT} not found."


def s3_config(**overrides):
    config = {
        "RoleARN": ROLE,
        "BucketARN": BUCKET,
        "Prefix": PREFIX,
        "ErrorOutputPrefix": ERROR_PREFIX,
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
        "CompressionFormat": "GZIP",
    }
    config.update(overrides)
    return config


def describe(client, name):
    return client.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]


def wait_status(client, name, status="ACTIVE", timeout=15.0):
    """Poll DescribeDeliveryStream until the stream reaches `status` (transitions are 200 ms here)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = describe(client, name)
        if last["DeliveryStreamStatus"] == status:
            return last
        time.sleep(0.1)
    raise AssertionError(f"delivery stream {name} still {last and last['DeliveryStreamStatus']} after {timeout}s")


def wait_gone(client, name, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            describe(client, name)
        except ClientError as e:
            if e.response["Error"]["Code"] == "ResourceNotFoundException":
                return
            raise
        time.sleep(0.1)
    raise AssertionError(f"delivery stream {name} still exists after {timeout}s")


def create(client, prefix="fh", wait=True, **config):
    name = kutil.unique_name(prefix)
    out = client.create_delivery_stream(
        DeliveryStreamName=name,
        DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration=s3_config(**config),
    )
    assert out["DeliveryStreamARN"] == fh_arn(name)
    if wait:
        wait_status(client, name)
    return name


def expect_error(call, code, message=None, **kwargs):
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    err = info.value.response["Error"]
    assert err["Code"] == code, err
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400, info.value.response
    if message is not None:
        assert err["Message"] == message, err
    return err


# ----------------------------------------------------------------------------------------- boto3

# FACTS.md §2 "States CREATING → ACTIVE", "version starts at 1", buffering hints S3 1–128 MiB / 0–900 s,
# compression GZIP, prefix namespaces !{timestamp:…} and !{firehose:error-output-type} (ErrorOutputPrefix only);
# model CreateDeliveryStreamOutput {DeliveryStreamARN}, DeliveryStreamDescription (required: DeliveryStreamName,
# DeliveryStreamARN, DeliveryStreamStatus, DeliveryStreamType, VersionId, Destinations, HasMoreDestinations),
# ExtendedS3DestinationDescription (required: RoleARN, BucketARN, BufferingHints, CompressionFormat,
# EncryptionConfiguration).
def test_create_wait_active_and_describe_shape(firehose):
    name = create(firehose, wait=False)
    first = describe(firehose, name)
    assert first["DeliveryStreamStatus"] == "CREATING"
    # model PutRecord errors: ResourceInUseException (a stream that is not ACTIVE refuses writes).
    expect_error(firehose.put_record, "ResourceInUseException", DeliveryStreamName=name, Record={"Data": b"x"})

    d = wait_status(firehose, name, "ACTIVE")
    assert d["DeliveryStreamName"] == name
    assert d["DeliveryStreamARN"] == fh_arn(name)
    assert d["DeliveryStreamType"] == "DirectPut"
    assert d["VersionId"] == "1"
    assert d["HasMoreDestinations"] is False
    assert d["DeliveryStreamEncryptionConfiguration"] == {"Status": "DISABLED"}
    assert "LastUpdateTimestamp" not in d  # never updated yet
    assert "Source" not in d  # Direct PUT has no source description
    # boto3 parsed the epoch-seconds timestamp into an aware datetime.
    now = datetime.datetime.now(datetime.timezone.utc)
    assert isinstance(d["CreateTimestamp"], datetime.datetime)
    assert abs((now - d["CreateTimestamp"]).total_seconds()) < 60

    assert len(d["Destinations"]) == 1
    dest = d["Destinations"][0]
    assert dest["DestinationId"] == DESTINATION_ID
    s3 = dest["ExtendedS3DestinationDescription"]
    assert s3["RoleARN"] == ROLE
    assert s3["BucketARN"] == BUCKET
    assert s3["Prefix"] == PREFIX
    assert s3["ErrorOutputPrefix"] == ERROR_PREFIX
    assert s3["BufferingHints"] == {"SizeInMBs": 1, "IntervalInSeconds": 60}
    assert s3["CompressionFormat"] == "GZIP"
    assert s3["EncryptionConfiguration"] == {"NoEncryptionConfig": "NoEncryption"}
    assert s3["S3BackupMode"] == "Disabled"


# FACTS.md §2 buffering defaults: "S3 1–128 MiB (default 5) and 0–900 s (default 300)"; compression defaults
# to UNCOMPRESSED (model CompressionFormat; AWS's default).
def test_defaults_when_hints_and_compression_omitted(firehose):
    name = kutil.unique_name("fhdef")
    firehose.create_delivery_stream(
        DeliveryStreamName=name, ExtendedS3DestinationConfiguration={"RoleARN": ROLE, "BucketARN": BUCKET}
    )
    d = wait_status(firehose, name)
    assert d["DeliveryStreamType"] == "DirectPut"  # model: DeliveryStreamType defaults to DirectPut
    s3 = d["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert s3["BufferingHints"] == {"SizeInMBs": 5, "IntervalInSeconds": 300}
    assert s3["CompressionFormat"] == "UNCOMPRESSED"


# FACTS.md §2 "a custom ErrorOutputPrefix must contain the error-output-type expression" and
# "!{firehose:error-output-type} (only in ErrorOutputPrefix)"; model CreateDeliveryStream errors:
# InvalidArgumentException. AWS's custom-prefix page: a Prefix with expressions needs an ErrorOutputPrefix.
def test_prefix_rules_are_enforced(firehose):
    name = kutil.unique_name("fhbad")
    bad = [
        s3_config(ErrorOutputPrefix="errors/!{timestamp:yyyy}/"),  # expressions but no error-output-type
        s3_config(Prefix="logs/!{firehose:error-output-type}/"),  # error-output-type outside ErrorOutputPrefix
        {k: v for k, v in s3_config().items() if k != "ErrorOutputPrefix"},  # Prefix with expressions, no error prefix
    ]
    for config in bad:
        expect_error(
            firehose.create_delivery_stream,
            "InvalidArgumentException",
            DeliveryStreamName=name,
            ExtendedS3DestinationConfiguration=config,
        )
    expect_error(firehose.describe_delivery_stream, "ResourceNotFoundException", not_found(name), DeliveryStreamName=name)


# model ListDeliveryStreamsInput {Limit, DeliveryStreamType, ExclusiveStartDeliveryStreamName},
# ListDeliveryStreamsOutput {DeliveryStreamNames, HasMoreDeliveryStreams} (names in sorted order).
def test_list_delivery_streams_pages(firehose):
    names = sorted(create(firehose, prefix="fhlist", wait=False) for _ in range(3))
    everything = firehose.list_delivery_streams(Limit=10000)
    assert set(names) <= set(everything["DeliveryStreamNames"])
    assert everything["DeliveryStreamNames"] == sorted(everything["DeliveryStreamNames"])
    assert everything["HasMoreDeliveryStreams"] is False

    page = firehose.list_delivery_streams(Limit=1, ExclusiveStartDeliveryStreamName=names[0])
    assert page["DeliveryStreamNames"] == [names[1]]
    assert page["HasMoreDeliveryStreams"] is True
    last = firehose.list_delivery_streams(ExclusiveStartDeliveryStreamName=names[2], DeliveryStreamType="DirectPut")
    assert names[2] not in last["DeliveryStreamNames"] and names[1] not in last["DeliveryStreamNames"]
    assert firehose.list_delivery_streams(DeliveryStreamType="KinesisStreamAsSource")["DeliveryStreamNames"] == []
    for n in names:
        wait_status(firehose, n)


# FACTS.md §2 "PutRecord / PutRecordBatch … Response FailedPutCount + RequestResponses aligned with the
# request (RecordId or ErrorCode/ErrorMessage)"; model PutRecordOutput {RecordId (required), Encrypted},
# PutRecordBatchOutput {FailedPutCount, Encrypted, RequestResponses}.
def test_put_record_and_put_record_batch(firehose):
    name = create(firehose, prefix="fhput")
    one = firehose.put_record(DeliveryStreamName=name, Record={"Data": b'{"event":"click"}\n'})
    assert isinstance(one["RecordId"], str) and one["RecordId"]
    assert one["Encrypted"] is False

    records = [{"Data": f"record-{i}\n".encode()} for i in range(10)]
    batch = firehose.put_record_batch(DeliveryStreamName=name, Records=records)
    assert batch["FailedPutCount"] == 0
    assert batch["Encrypted"] is False
    responses = batch["RequestResponses"]
    assert len(responses) == len(records)
    for r in responses:
        assert set(r) == {"RecordId"}, r
    ids = [one["RecordId"]] + [r["RecordId"] for r in responses]
    assert len(set(ids)) == len(ids)  # every record has its own id

    # FACTS.md §2 "≤ 500 records … per batch": exactly 500 is accepted.
    full = firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": b"x"}] * 500)
    assert full["FailedPutCount"] == 0
    assert len(full["RequestResponses"]) == 500


# FACTS.md §2 "≤ 500 records … per batch"; model PutRecordBatchRequestEntryList {min 1, max 500}. botocore
# checks only the minimum client-side, so 501 records reach the server, which answers AWS's front-end
# ValidationException: "1 validation error detected: Value '<Java toString of the list>' at 'records' failed
# to satisfy constraint: Member must have length less than or equal to 500" (the same wording Kinesis
# PutRecords gives for 501 records; each element shows as <java package>.Record@<hash>, as in
# src/api/validate.rs for com.amazonaws.kinesis.v20131202).
def test_put_record_batch_of_501_is_a_validation_error(firehose):
    name = create(firehose, prefix="fh501")
    err = expect_error(
        firehose.put_record_batch, "ValidationException", DeliveryStreamName=name, Records=[{"Data": b"x"}] * 501
    )
    shown = ", ".join(["com.amazonaws.firehose.v20150804.Record@2"] * 501)
    assert err["Message"] == (
        f"1 validation error detected: Value '[{shown}]' at 'records' failed to satisfy constraint: "
        "Member must have length less than or equal to 500"
    )
    # An empty batch is the minimum side of the same constraint (needs client-side validation off).
    raw = boto3.session.Session().client(
        "firehose",
        endpoint_url=firehose.meta.endpoint_url,
        region_name=REGION,
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=False),
    )
    expect_error(
        raw.put_record_batch,
        "ValidationException",
        "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
        DeliveryStreamName=name,
        Records=[],
    )


# model errors ResourceNotFoundException on Describe/Delete/Put/Update; AWS's text
# "Firehose <name> under account <account> not found.".
def test_missing_stream_is_resource_not_found(firehose):
    name = kutil.unique_name("fhnope")
    msg = not_found(name)
    expect_error(firehose.describe_delivery_stream, "ResourceNotFoundException", msg, DeliveryStreamName=name)
    expect_error(firehose.delete_delivery_stream, "ResourceNotFoundException", msg, DeliveryStreamName=name)
    expect_error(firehose.put_record, "ResourceNotFoundException", msg, DeliveryStreamName=name, Record={"Data": b"x"})
    expect_error(
        firehose.put_record_batch, "ResourceNotFoundException", msg, DeliveryStreamName=name, Records=[{"Data": b"x"}]
    )
    expect_error(
        firehose.update_destination,
        "ResourceNotFoundException",
        msg,
        DeliveryStreamName=name,
        CurrentDeliveryStreamVersionId="1",
        DestinationId=DESTINATION_ID,
        ExtendedS3DestinationUpdate={"Prefix": "x/"},
    )


# FACTS.md §2 "version starts at 1 and goes up on each UpdateDestination"; model UpdateDestination ("Firehose
# merges the configuration parameters"; a CurrentDeliveryStreamVersionId that does not match →
# ConcurrentModificationException), DeliveryStreamDescription.LastUpdateTimestamp.
def test_update_destination_bumps_version_and_merges(firehose):
    name = create(firehose, prefix="fhupd")
    out = firehose.update_destination(
        DeliveryStreamName=name,
        CurrentDeliveryStreamVersionId="1",
        DestinationId=DESTINATION_ID,
        ExtendedS3DestinationUpdate={"BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 0}, "CompressionFormat": "Snappy"},
    )
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    d = describe(firehose, name)
    assert d["VersionId"] == "2"
    assert isinstance(d["LastUpdateTimestamp"], datetime.datetime)
    s3 = d["Destinations"][0]["ExtendedS3DestinationDescription"]
    # FACTS.md §2: interval 0 = zero buffering is valid today.
    assert s3["BufferingHints"] == {"SizeInMBs": 64, "IntervalInSeconds": 0}
    assert s3["CompressionFormat"] == "Snappy"
    # Members not in the update are kept.
    assert (s3["BucketARN"], s3["RoleARN"], s3["Prefix"], s3["ErrorOutputPrefix"]) == (BUCKET, ROLE, PREFIX, ERROR_PREFIX)

    # The same version id again is stale now.
    expect_error(
        firehose.update_destination,
        "ConcurrentModificationException",
        DeliveryStreamName=name,
        CurrentDeliveryStreamVersionId="1",
        DestinationId=DESTINATION_ID,
        ExtendedS3DestinationUpdate={"Prefix": "other/"},
    )
    firehose.update_destination(
        DeliveryStreamName=name,
        CurrentDeliveryStreamVersionId="2",
        DestinationId=DESTINATION_ID,
        ExtendedS3DestinationUpdate={"Prefix": "other/"},
    )
    d = describe(firehose, name)
    assert d["VersionId"] == "3"
    assert d["Destinations"][0]["ExtendedS3DestinationDescription"]["Prefix"] == "other/"


# model DeliveryStreamStatus enum (DELETING), DeleteDeliveryStreamOutput {}; afterwards the name is unknown
# (ResourceNotFoundException with AWS's text) and absent from ListDeliveryStreams.
def test_delete_delivery_stream(firehose):
    name = create(firehose, prefix="fhdel")
    out = firehose.delete_delivery_stream(DeliveryStreamName=name)
    assert set(out) == {"ResponseMetadata"}
    assert describe(firehose, name)["DeliveryStreamStatus"] == "DELETING"
    wait_gone(firehose, name)
    expect_error(firehose.describe_delivery_stream, "ResourceNotFoundException", not_found(name), DeliveryStreamName=name)
    assert name not in firehose.list_delivery_streams(Limit=10000)["DeliveryStreamNames"]


# ----------------------------------------------------------------------------------------- AWS CLI

def aws_firehose(endpoint, *args, check=True):
    cmd = _aws_command() + ["firehose", *args, "--endpoint-url", endpoint.url, "--region", REGION, "--output", "json"]
    result = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ), timeout=60)
    if check:
        assert result.returncode == 0, result.stderr
    return result


# FACTS.md §1 API protocol (the CLI over JSON 1.1, error line format) applied to Firehose; model
# ListDeliveryStreamsOutput and DescribeDeliveryStreamOutput.
def test_cli_list_and_describe(endpoint, firehose):
    name = create(firehose, prefix="fhcli")
    listed = json.loads(aws_firehose(endpoint, "list-delivery-streams", "--limit", "10000").stdout)
    assert name in listed["DeliveryStreamNames"]
    assert listed["HasMoreDeliveryStreams"] is False

    d = json.loads(aws_firehose(endpoint, "describe-delivery-stream", "--delivery-stream-name", name).stdout)[
        "DeliveryStreamDescription"
    ]
    assert d["DeliveryStreamName"] == name
    assert d["DeliveryStreamARN"] == fh_arn(name)
    assert d["DeliveryStreamStatus"] == "ACTIVE"
    assert d["VersionId"] == "1"
    # CLI v1 prints timestamps as they came over the wire (epoch seconds, cli_timestamp_format "none");
    # CLI v2 prints ISO 8601.
    stamp = d["CreateTimestamp"]
    if isinstance(stamp, str):
        created = datetime.datetime.fromisoformat(stamp).timestamp()
    else:
        created = float(stamp)
    assert abs(time.time() - created) < 60
    s3 = d["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert s3["CompressionFormat"] == "GZIP"
    assert s3["Prefix"] == PREFIX
    assert s3["ErrorOutputPrefix"] == ERROR_PREFIX

    # awscli's JSONFormatter prints nothing for an empty output structure (UpdateDestinationOutput and
    # DeleteDeliveryStreamOutput have no members in the model); the sandbox terminal copies this.
    updated = aws_firehose(
        endpoint, "update-destination", "--delivery-stream-name", name, "--current-delivery-stream-version-id", "1",
        "--destination-id", DESTINATION_ID, "--extended-s3-destination-update", "CompressionFormat=UNCOMPRESSED",
    )
    assert updated.stdout == ""
    assert describe(firehose, name)["VersionId"] == "2"
    assert aws_firehose(endpoint, "delete-delivery-stream", "--delivery-stream-name", name).stdout == ""
    wait_gone(firehose, name)

    result = aws_firehose(endpoint, "describe-delivery-stream", "--delivery-stream-name", "fh-missing", check=False)
    assert result.returncode != 0
    assert (
        "An error occurred (ResourceNotFoundException) when calling the DescribeDeliveryStream operation: "
        + not_found("fh-missing")
    ) in result.stderr, result.stderr

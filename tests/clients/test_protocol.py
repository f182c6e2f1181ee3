"""The JSON 1.1 wire protocol, with raw SigV4-signed HTTP requests (no SDK parsing in between)."""

import base64
import json
import urllib.error
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import kutil
from kutil import ACCOUNT

JSON_11 = "application/x-amz-json-1.1"


def raw_call(endpoint, operation, body=None, raw=None, sign=True, target_prefix="Kinesis_20131202."):
    data = raw if raw is not None else json.dumps(body or {}).encode()
    headers = {"Content-Type": JSON_11, "X-Amz-Target": target_prefix + operation}
    request = AWSRequest(method="POST", url=endpoint.url + "/", data=data, headers=headers)
    if sign:
        SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "kinesis", kutil.REGION).add_auth(request)
    prepared = request.prepare()
    req = urllib.request.Request(prepared.url, data=prepared.body, headers=dict(prepared.headers), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


# FACTS §1 API protocol: JSON 1.1 POST with X-Amz-Target; blobs are base64 in JSON; errors are HTTP 400 with
# {"__type": "<Name>", "message": "…"}.
def test_json_11_success_and_error_shapes(endpoint):
    name = kutil.unique_name("raw")
    status, headers, body = raw_call(endpoint, "CreateStream", {"StreamName": name, "ShardCount": 1})
    assert status == 200
    kinesis = endpoint.client()
    kutil.wait_status(kinesis, name)

    payload = bytes(range(256))
    status, headers, body = raw_call(
        endpoint, "PutRecord", {"StreamName": name, "PartitionKey": "k", "Data": base64.b64encode(payload).decode()}
    )
    assert status == 200
    assert headers["Content-Type"].startswith(JSON_11)
    out = json.loads(body)
    assert out["ShardId"] == "shardId-000000000000" and out["SequenceNumber"].isdigit()

    status, _, body = raw_call(endpoint, "GetShardIterator", {"StreamName": name, "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"})
    iterator = json.loads(body)["ShardIterator"]
    status, _, body = raw_call(endpoint, "GetRecords", {"ShardIterator": iterator})
    assert status == 200
    record = json.loads(body)["Records"][0]
    assert base64.b64decode(record["Data"]) == payload
    assert isinstance(record["ApproximateArrivalTimestamp"], (int, float))  # epoch seconds in JSON 1.1

    missing = kutil.unique_name("missing")
    status, headers, body = raw_call(endpoint, "DescribeStreamSummary", {"StreamName": missing})
    assert status == 400
    assert headers["Content-Type"].startswith(JSON_11)
    assert json.loads(body) == {"__type": "ResourceNotFoundException", "message": f"Stream {missing} under account {ACCOUNT} not found."}


# notes/kinesalite-messages.md §1.1 (UnknownOperationException; MissingAuthenticationTokenException
# "Missing Authentication Token"; empty body → SerializationException) and §3 (type errors).
def test_protocol_level_errors(endpoint):
    status, _, body = raw_call(endpoint, "NoSuchOperation", {})
    assert status == 400
    assert json.loads(body)["__type"] == "UnknownOperationException"

    status, _, body = raw_call(endpoint, "ListStreams", {}, sign=False)
    assert status == 400
    assert json.loads(body) == {"__type": "MissingAuthenticationTokenException", "message": "Missing Authentication Token"}

    status, _, body = raw_call(endpoint, "ListStreams", raw=b"")
    assert status == 400
    assert json.loads(body)["__type"] == "SerializationException"

    status, _, body = raw_call(endpoint, "CreateStream", {"StreamName": "typed", "ShardCount": "abc"})
    assert status == 400
    err = json.loads(body)
    assert err["__type"] == "SerializationException"
    assert (err.get("Message") or err.get("message")) == "class java.lang.String can not be converted to an Integer"

    status, _, body = raw_call(endpoint, "PutRecord", {"StreamName": "typed", "PartitionKey": "k", "Data": "abc"})
    assert status == 400
    err = json.loads(body)
    assert err["__type"] == "SerializationException"
    assert (err.get("Message") or err.get("message")) == (
        "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3"
    )


# AWS API reference, every void operation (e.g. CreateStream, UpdateMaxRecordSize): "If the action is
# successful, the service sends back an HTTP 200 response with an empty HTTP body."; notes/kinesalite-messages.md
# §1.3 (void operations return an empty body with the JSON content type).
def test_void_operation_has_empty_body(endpoint):
    status, headers, body = raw_call(endpoint, "CreateStream", {"StreamName": kutil.unique_name("void"), "ShardCount": 1})
    assert status == 200
    assert body == b""


# notes/kinesalite-messages.md §1.3 and §3: "Error body shape: {"__type","message"} … Exception: type-check
# errors use "Message" (capital M)" — i.e. {"__type":"SerializationException","Message":"<text>"}.
def test_serialization_exception_uses_capital_message(endpoint):
    status, _, body = raw_call(endpoint, "CreateStream", {"StreamName": "typed", "ShardCount": "abc"})
    assert status == 400
    assert json.loads(body) == {
        "__type": "SerializationException",
        "Message": "class java.lang.String can not be converted to an Integer",
    }

"""Tags (stream-named and ARN-based) and resource-based policies through boto3."""

import json
import time

import kutil
from kutil import ACCOUNT, arn, expect_error, not_found


def add_tags(client, **kwargs):
    """AddTagsToStream, waiting out its 5 calls/s per account limit (FACTS §1 Resharding and capacity)."""
    return kutil.retry_rate_limited(client.add_tags_to_stream, **kwargs)


def tag_list(tags):
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


# aws-models/kinesis.json AddTagsToStream / ListTagsForStream (Tags sorted by key, HasMoreTags, Limit,
# ExclusiveStartTagKey) / RemoveTagsFromStream, CreateStream Tags; notes/kinesalite-messages.md §6
# (tags overwrite; removing absent keys is fine; invalid characters message).
def test_stream_tags(kinesis, make_stream):
    name = make_stream(1, "tags", Tags={"created": "yes"})
    first = kinesis.list_tags_for_stream(StreamName=name)
    assert first["Tags"] == [{"Key": "created", "Value": "yes"}]
    assert first["HasMoreTags"] is False
    tags = {"team": "data", "env": "lab", "cost-center": "42", "empty": ""}
    add_tags(kinesis, StreamName=name, Tags=tags)
    tags["created"] = "yes"
    out = kinesis.list_tags_for_stream(StreamName=name)
    assert out["Tags"] == tag_list(tags)
    assert out["HasMoreTags"] is False

    page = kinesis.list_tags_for_stream(StreamName=name, Limit=2)
    assert page["Tags"] == tag_list(tags)[:2]
    assert page["HasMoreTags"] is True
    rest = kinesis.list_tags_for_stream(StreamName=name, ExclusiveStartTagKey=page["Tags"][-1]["Key"])
    assert rest["Tags"] == tag_list(tags)[2:]
    assert rest["HasMoreTags"] is False

    add_tags(kinesis, StreamName=name, Tags={"env": "prod"})  # overwrite
    tags["env"] = "prod"
    kinesis.remove_tags_from_stream(StreamName=name, TagKeys=["team", "never-there"])
    del tags["team"]
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == tag_list(tags)

    expect_error(
        lambda **kw: add_tags(kinesis, **kw),
        "InvalidArgumentException",
        "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.",
        StreamName=name,
        Tags={"bad": "semi;colon"},
    )
    missing = kutil.unique_name("missing")
    expect_error(kinesis.list_tags_for_stream, "ResourceNotFoundException", not_found(missing), StreamName=missing)
    expect_error(lambda **kw: add_tags(kinesis, **kw), "ResourceNotFoundException", not_found(missing), StreamName=missing, Tags={"a": "b"})


# Kinesis tagging docs ("Tag your Amazon Kinesis Data Streams resources": at most 50 tags per stream); aws-models/kinesis.json
# AddTagsToStream errors (InvalidArgumentException).
def test_tag_limit(kinesis, make_stream):
    name = make_stream(1, "tagmax")
    for start in range(0, 50, 10):
        add_tags(kinesis, StreamName=name, Tags={f"k{i:02d}": "v" for i in range(start, start + 10)})
    assert len(kinesis.list_tags_for_stream(StreamName=name, Limit=50)["Tags"]) == 50
    err = expect_error(lambda **kw: add_tags(kinesis, **kw), "InvalidArgumentException", StreamName=name, Tags={"one-more": "v"})
    assert name in err["Message"]
    # Overwriting an existing key does not add one.
    add_tags(kinesis, StreamName=name, Tags={"k00": "w"})


# aws-models/kinesis.json TagResource / UntagResource / ListTagsForResource (stream and consumer ARNs).
def test_tag_resource_by_arn(kinesis, make_stream):
    name = make_stream(1, "tagarn")
    stream_arn = arn(name)
    kinesis.tag_resource(ResourceARN=stream_arn, Tags={"owner": "alice", "tier": "gold"})
    assert kinesis.list_tags_for_resource(ResourceARN=stream_arn)["Tags"] == tag_list({"owner": "alice", "tier": "gold"})
    # The same tags through the stream-named API.
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == tag_list({"owner": "alice", "tier": "gold"})
    kinesis.untag_resource(ResourceARN=stream_arn, TagKeys=["tier"])
    assert kinesis.list_tags_for_resource(ResourceARN=stream_arn)["Tags"] == tag_list({"owner": "alice"})

    consumer = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName="tagged", Tags={"c": "1"})["Consumer"]
    consumer_arn = consumer["ConsumerARN"]
    assert kinesis.list_tags_for_resource(ResourceARN=consumer_arn)["Tags"] == tag_list({"c": "1"})
    kinesis.tag_resource(ResourceARN=consumer_arn, Tags={"d": "2"})
    kinesis.untag_resource(ResourceARN=consumer_arn, TagKeys=["c"])
    assert kinesis.list_tags_for_resource(ResourceARN=consumer_arn)["Tags"] == tag_list({"d": "2"})
    # Consumer tags are the consumer's own.
    assert kinesis.list_tags_for_resource(ResourceARN=stream_arn)["Tags"] == tag_list({"owner": "alice"})

    missing_arn = arn(kutil.unique_name("missing"))
    err = expect_error(kinesis.list_tags_for_resource, "ResourceNotFoundException", ResourceARN=missing_arn)
    assert err["Message"]


# aws-models/kinesis.json PutResourcePolicy / GetResourcePolicy / DeleteResourcePolicy (stream and consumer
# ARNs; Policy is a JSON string). Texts as moto's kinesis tests quote them ("{}" after delete; "No resource
# policy found for resource ARN …." when there is none).
def test_resource_policies(kinesis, make_stream):
    name = make_stream(1, "policy")
    stream_arn = arn(name)
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "read",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStreamSummary"],
                    "Resource": stream_arn,
                }
            ],
        }
    )
    kinesis.put_resource_policy(ResourceARN=stream_arn, Policy=policy)
    assert json.loads(kinesis.get_resource_policy(ResourceARN=stream_arn)["Policy"]) == json.loads(policy)

    consumer_arn = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName="pc")["Consumer"]["ConsumerARN"]
    consumer_policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": ["kinesis:SubscribeToShard", "kinesis:DescribeStreamConsumer"],
                    "Resource": consumer_arn,
                }
            ],
        }
    )
    kinesis.put_resource_policy(ResourceARN=consumer_arn, Policy=consumer_policy)
    assert json.loads(kinesis.get_resource_policy(ResourceARN=consumer_arn)["Policy"]) == json.loads(consumer_policy)
    assert json.loads(kinesis.get_resource_policy(ResourceARN=stream_arn)["Policy"]) == json.loads(policy)

    kinesis.delete_resource_policy(ResourceARN=stream_arn)
    assert kinesis.get_resource_policy(ResourceARN=stream_arn)["Policy"] == "{}"
    expect_error(
        kinesis.delete_resource_policy,
        "ResourceNotFoundException",
        f"No resource policy found for resource ARN {stream_arn}.",
        ResourceARN=stream_arn,
    )
    err = expect_error(kinesis.put_resource_policy, "InvalidArgumentException", ResourceARN=stream_arn, Policy="not json")
    assert err["Message"]
    missing_arn = arn(kutil.unique_name("missing"))
    expect_error(kinesis.get_resource_policy, "ResourceNotFoundException", ResourceARN=missing_arn)

//! Proof that a response body has exactly the output shape AWS's model gives the operation.
//!
//! Tests run every response through `check_response`, so a handler cannot invent a field, forget a
//! required one, send a number where boto3 expects a string, or an enum value AWS never sends. The check
//! is stricter than a client would be: AWS omits absent members rather than sending `null`, timestamps
//! are epoch seconds as JSON numbers, blobs are canonical base64, and the model's scalar limits (string
//! lengths, patterns, enums, numeric ranges) hold for output too. List and map sizes are not checked:
//! AWS itself answers DescribeStream with `"EnhancedMonitoring": [{"ShardLevelMetrics": []}]` although the
//! model gives MetricsNameList a minimum of 1, so those limits only bind requests.

use serde_json::Value;

use crate::api::model::{ServiceModel, Shape};
use crate::api::validate::{base64_decoded_len, scalar_violations};

/// Checks `body` against the output shape of `operation`; `Err` lists every mismatch, one per line,
/// each with a JSON path like `$.StreamDescription.Shards[0].ShardId`.
///
/// An operation without an output shape answers with an empty HTTP body, which the API layer represents
/// as JSON `null`.
pub fn check_response(model: &ServiceModel, operation: &str, body: &serde_json::Value) -> Result<(), String> {
    let op = model.operation(operation).ok_or_else(|| format!("the model has no operation {operation}"))?;
    match op.output.as_deref() {
        Some(output) => check_shape(model, output, body),
        None if body.is_null() => Ok(()),
        None => Err(format!("$: {operation} has no output shape, so the body must be empty (null); found {body}")),
    }
}

/// Checks one value against the named shape: a whole response, or a single event of an event stream
/// (`SubscribeToShardEvent`).
pub fn check_shape(model: &ServiceModel, shape_name: &str, value: &Value) -> Result<(), String> {
    let mut walker = Walker { model, problems: Vec::new() };
    walker.value(shape_name, value, "$");
    if walker.problems.is_empty() {
        Ok(())
    } else {
        Err(walker.problems.join("\n"))
    }
}

struct Walker<'m> {
    model: &'m ServiceModel,
    problems: Vec<String>,
}

impl Walker<'_> {
    fn problem(&mut self, path: &str, what: String) {
        self.problems.push(format!("{path}: {what}"));
    }

    /// Dispatches on the model type of `shape_name`.
    fn value(&mut self, shape_name: &str, value: &Value, path: &str) {
        let model = self.model;
        let Some(shape) = model.shape(shape_name) else {
            return self.problem(path, format!("the model has no shape {shape_name}"));
        };
        if value.is_null() {
            return self.problem(path, "null (AWS omits an absent member instead of sending null)".to_string());
        }
        match shape {
            Shape::Structure { eventstream: true, members, .. } => self.event_stream(shape_name, members, value, path),
            Shape::Structure { members, required, .. } => self.structure(shape_name, members, required, value, path),
            Shape::List { member, .. } => self.list(member, value, path),
            Shape::Map { key, value: value_shape, .. } => self.map((key.as_str(), value_shape.as_str()), value, path),
            scalar => self.scalar(shape_name, scalar, value, path),
        }
    }

    /// No member outside the model, every required member present, each member checked in turn.
    fn structure(
        &mut self,
        shape_name: &str,
        members: &[(String, String)],
        required: &[String],
        value: &Value,
        path: &str,
    ) {
        let Value::Object(object) = value else {
            return self.problem(path, format!("expected an object ({shape_name}), found {}", kind(value)));
        };
        for name in object.keys() {
            if !members.iter().any(|(member, _)| member == name) {
                self.problem(path, format!("member {name} is not in {shape_name}"));
            }
        }
        for name in required {
            if !object.contains_key(name) {
                self.problem(path, format!("required member {name} of {shape_name} is missing"));
            }
        }
        for (name, target) in members {
            if let Some(member_value) = object.get(name) {
                self.value(target, member_value, &format!("{path}.{name}"));
            }
        }
    }

    /// An event stream carries a sequence of events, each an object naming exactly one of the stream's
    /// members (`{"SubscribeToShardEvent": {...}}`); accept one such event or an array of them.
    fn event_stream(&mut self, shape_name: &str, members: &[(String, String)], value: &Value, path: &str) {
        match value {
            Value::Array(events) => {
                for (i, event) in events.iter().enumerate() {
                    self.one_event(shape_name, members, event, &format!("{path}[{i}]"));
                }
            }
            event => self.one_event(shape_name, members, event, path),
        }
    }

    fn one_event(&mut self, shape_name: &str, members: &[(String, String)], event: &Value, path: &str) {
        let Value::Object(object) = event else {
            return self.problem(path, format!("expected an event object ({shape_name}), found {}", kind(event)));
        };
        if object.len() != 1 {
            return self.problem(
                path,
                format!("an event of {shape_name} names exactly one event type, found {}", object.len()),
            );
        }
        for (name, payload) in object {
            match members.iter().find(|(member, _)| member == name) {
                Some((_, target)) => self.value(target, payload, &format!("{path}.{name}")),
                None => self.problem(path, format!("{name} is not an event type of {shape_name}")),
            }
        }
    }

    fn list(&mut self, member: &str, value: &Value, path: &str) {
        let Value::Array(items) = value else {
            return self.problem(path, format!("expected an array, found {}", kind(value)));
        };
        for (i, item) in items.iter().enumerate() {
            self.value(member, item, &format!("{path}[{i}]"));
        }
    }

    /// Map keys are checked against the key shape (length, pattern), values against the value shape.
    fn map(&mut self, (key, value_shape): (&str, &str), value: &Value, path: &str) {
        let Value::Object(entries) = value else {
            return self.problem(path, format!("expected an object (map), found {}", kind(value)));
        };
        for (entry_key, entry_value) in entries {
            let entry_path = format!("{path}[{entry_key:?}]");
            self.value(key, &Value::String(entry_key.clone()), &format!("{entry_path} (key)"));
            self.value(value_shape, entry_value, &entry_path);
        }
    }

    /// Right JSON kind for the model type, then the model's own limits.
    fn scalar(&mut self, shape_name: &str, shape: &Shape, value: &Value, path: &str) {
        if let Err(expected) = scalar_kind(shape, value) {
            return self.problem(path, format!("expected {expected} ({shape_name}), found {}", kind(value)));
        }
        // AWS's own responses break some input minimums (PutRecords returns `FailedRecordCount: 0` although
        // PositiveIntegerObject has min 1), so in responses a numeric minimum only rules out negatives.
        if let Shape::Integer { min, max } | Shape::Long { min, max } = shape {
            let n = value.as_f64().unwrap_or(0.0);
            if min.is_some_and(|m| m >= 0) && n < 0.0 {
                self.problem(path, format!("value {value} ({shape_name}) is negative"));
            }
            if max.is_some_and(|m| n > m as f64) {
                self.problem(path, format!("value {value} ({shape_name}) is above the model's maximum"));
            }
            return;
        }
        for rule in scalar_violations(self.model, shape, value) {
            self.problem(path, format!("value {value} ({shape_name}) breaks the model: {rule}"));
        }
    }
}

/// Whether `value` has the JSON kind AWS uses for the scalar model type; `Err` names the kind expected.
fn scalar_kind(shape: &Shape, value: &Value) -> Result<(), &'static str> {
    let fits = match shape {
        Shape::String { .. } => value.is_string(),
        Shape::Boolean => value.is_boolean(),
        Shape::Integer { .. } => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Shape::Long { .. } => value.is_i64(),
        Shape::Double { .. } | Shape::Float { .. } | Shape::Timestamp => value.is_number(),
        Shape::Blob { .. } => value.as_str().is_some_and(|s| base64_decoded_len(s).is_ok()),
        _ => true,
    };
    if fits {
        return Ok(());
    }
    Err(match shape {
        Shape::String { .. } => "a string",
        Shape::Boolean => "true or false",
        Shape::Integer { .. } => "a whole number within 32 bits",
        Shape::Long { .. } => "a whole number within 64 bits",
        Shape::Timestamp => "epoch seconds as a JSON number",
        Shape::Blob { .. } => "a canonical base64 string",
        _ => "a number",
    })
}

/// A short name for a JSON value's kind, for messages.
fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(items) => format!("an array of {}", items.len()),
        Value::Object(_) => "an object".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::kinesis;
    use serde_json::json;

    fn check(operation: &str, body: Value) -> Result<(), String> {
        check_response(kinesis(), operation, &body)
    }

    fn shard() -> Value {
        json!({
            "ShardId": "shardId-000000000000",
            "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": "340282366920938463463374607431768211455"},
            "SequenceNumberRange": {"StartingSequenceNumber": "49590338271490256608559692538361571095921575989136588898"}
        })
    }

    fn describe_stream() -> Value {
        json!({"StreamDescription": {
            "StreamName": "orders",
            "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders",
            "StreamStatus": "ACTIVE",
            "StreamModeDetails": {"StreamMode": "PROVISIONED"},
            "Shards": [shard()],
            "HasMoreShards": false,
            "RetentionPeriodHours": 24,
            "StreamCreationTimestamp": 1700000000.0,
            "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
            "EncryptionType": "NONE"
        }})
    }

    // Source: aws-models/kinesis.json DescribeStreamOutput / StreamDescription (required members).
    #[test]
    fn well_formed_describe_stream_passes() {
        assert_eq!(check("DescribeStream", describe_stream()), Ok(()));
    }

    // Source: aws-models/kinesis.json StreamDescription has no member "ShardCount".
    #[test]
    fn extra_member_is_rejected() {
        let mut body = describe_stream();
        body["StreamDescription"]["ShardCount"] = json!(1);
        let err = check("DescribeStream", body).unwrap_err();
        assert!(err.contains("$.StreamDescription: member ShardCount is not in StreamDescription"), "{err}");
    }

    // Source: aws-models/kinesis.json StreamDescription required [..., HasMoreShards, ...].
    #[test]
    fn missing_required_member_is_rejected() {
        let mut body = describe_stream();
        if let Some(description) = body["StreamDescription"].as_object_mut() {
            description.remove("HasMoreShards");
        }
        let err = check("DescribeStream", body).unwrap_err();
        assert!(err.contains("required member HasMoreShards of StreamDescription is missing"), "{err}");
    }

    // Source: aws-models/kinesis.json RetentionPeriodHours is an integer, StreamCreationTimestamp a timestamp.
    #[test]
    fn wrong_types_are_rejected() {
        let mut body = describe_stream();
        body["StreamDescription"]["RetentionPeriodHours"] = json!("24");
        body["StreamDescription"]["StreamCreationTimestamp"] = json!("2023-11-14T22:13:20Z");
        body["StreamDescription"]["Shards"][0]["ShardId"] = json!(0);
        let err = check("DescribeStream", body).unwrap_err();
        assert!(
            err.contains("$.StreamDescription.RetentionPeriodHours: expected a whole number within 32 bits"),
            "{err}"
        );
        assert!(err.contains("$.StreamDescription.StreamCreationTimestamp: expected epoch seconds"), "{err}");
        assert!(err.contains("$.StreamDescription.Shards[0].ShardId: expected a string"), "{err}");
    }

    // Source: aws-models/kinesis.json StreamStatus enum [CREATING, DELETING, ACTIVE, UPDATING].
    #[test]
    fn enum_outside_the_set_is_rejected() {
        let mut body = describe_stream();
        body["StreamDescription"]["StreamStatus"] = json!("READY");
        let err = check("DescribeStream", body).unwrap_err();
        assert!(err.contains("$.StreamDescription.StreamStatus: value \"READY\""), "{err}");
    }

    #[test]
    fn null_members_are_rejected() {
        let body = json!({"Records": [], "NextShardIterator": null, "MillisBehindLatest": 0});
        let err = check("GetRecords", body).unwrap_err();
        assert!(err.contains("$.NextShardIterator: null"), "{err}");
    }

    // Source: aws-models/kinesis.json GetRecordsOutput, Record (Data blob, ApproximateArrivalTimestamp).
    #[test]
    fn get_records_blobs_and_timestamps() {
        let record = |data: &str| json!({"SequenceNumber": "1", "ApproximateArrivalTimestamp": 1700000000.123, "Data": data, "PartitionKey": "k"});
        let ok = json!({"Records": [record("aGVsbG8=")], "NextShardIterator": "AAAA", "MillisBehindLatest": 0});
        assert_eq!(check("GetRecords", ok), Ok(()));
        let bad = json!({"Records": [record("hello")], "MillisBehindLatest": 0});
        let err = check("GetRecords", bad).unwrap_err();
        assert!(err.contains("$.Records[0].Data: expected a canonical base64 string"), "{err}");
        let negative_lag = json!({"Records": [], "MillisBehindLatest": -1});
        assert!(check("GetRecords", negative_lag).is_err());
    }

    // Source: aws-models/kinesis.json CreateStream has no output shape; the API reference answers 200 with an empty body.
    #[test]
    fn no_output_shape_means_empty_body() {
        assert_eq!(check("CreateStream", Value::Null), Ok(()));
        assert!(check("CreateStream", json!({"StreamName": "s"})).is_err());
        assert!(check("CreateStream", json!({})).is_err());
        assert!(check("NoSuchOperation", json!({})).is_err());
    }

    // Source: aws-models/kinesis.json ListTagsForStreamOutput (TagList of Tag {Key, Value}).
    #[test]
    fn nested_lists_checked() {
        let ok = json!({"Tags": [{"Key": "env", "Value": "prod"}], "HasMoreTags": false});
        assert_eq!(check("ListTagsForStream", ok), Ok(()));
        let bad = json!({"Tags": [{"Key": "env", "Val": "prod"}], "HasMoreTags": false});
        let err = check("ListTagsForStream", bad).unwrap_err();
        assert!(err.contains("$.Tags[0]: member Val is not in Tag"), "{err}");
    }

    // Source: aws-models/kinesis.json SubscribeToShardOutput.EventStream (eventstream) and
    // SubscribeToShardEvent required [Records, ContinuationSequenceNumber, MillisBehindLatest].
    #[test]
    fn subscribe_to_shard_events() {
        let event = json!({"Records": [], "ContinuationSequenceNumber": "1", "MillisBehindLatest": 0});
        assert_eq!(check_shape(kinesis(), "SubscribeToShardEvent", &event), Ok(()));
        let body = json!({"EventStream": [{"SubscribeToShardEvent": event.clone()}, {"SubscribeToShardEvent": event}]});
        assert_eq!(check("SubscribeToShard", body), Ok(()));
        let bad = json!({"EventStream": {"Heartbeat": {}}});
        let err = check("SubscribeToShard", bad).unwrap_err();
        assert!(err.contains("Heartbeat is not an event type of SubscribeToShardEventStream"), "{err}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn json_value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::from),
                "[A-Za-z0-9+/=]{0,8}".prop_map(Value::String),
            ];
            let keys =
                prop::sample::select(vec!["Records", "Shards", "StreamDescription", "Tags", "Key", "EventStream", "x"]);
            leaf.prop_recursive(4, 48, 5, move |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                    prop::collection::vec((keys.clone(), inner), 0..5).prop_map(|entries| {
                        Value::Object(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
                    }),
                ]
            })
        }

        proptest! {
            /// The checker itself never panics, whatever a buggy handler might produce.
            #[test]
            fn random_responses_never_panic(body in json_value(), op in prop::sample::select(kinesis().operation_names().to_vec())) {
                let _ = check_response(kinesis(), &op, &body);
            }
        }
    }
}

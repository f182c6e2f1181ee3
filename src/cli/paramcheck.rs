//! botocore's client-side parameter validation (`ParamValidator`), which the CLI runs before sending:
//! required and unknown members, types, and `min` limits (botocore checks no `max`, pattern or enum; the
//! service does). Messages are botocore's, one line per problem, in the order botocore finds them.

use serde_json::Value;

use super::errors::{py_repr_value, py_type};
use super::names::ordered_members;
use super::timefmt::parse_timestamp;
use crate::api::model::{ServiceModel, Shape};

const STR: &str = "<class 'str'>";
const INT: &str = "<class 'int'>";
const BOOL: &str = "<class 'bool'>";
const FLOATS: &str = "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>";
const DICT: &str = "<class 'dict'>";
const LIST: &str = "<class 'list'>, <class 'tuple'>";
const BLOB: &str = "<class 'bytes'>, <class 'bytearray'>, file-like object";
const TIMESTAMP: &str = "<class 'datetime.datetime'>, timestamp-string";

/// Python's `str()` of a value in a message: text as it is, containers as their repr.
fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => py_repr_value(other),
    }
}

fn display_name(name: &str) -> &str {
    if name.is_empty() {
        "input"
    } else {
        name.strip_prefix('.').unwrap_or(name)
    }
}

/// Validates a request for an input shape; an empty result means it may be sent.
pub fn validate(model: &ServiceModel, shape_name: &str, params: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(model, shape_name, params, "", &mut errors);
    errors
}

fn invalid_type(errors: &mut Vec<String>, name: &str, value: &Value, valid: &str) {
    errors.push(format!(
        "Invalid type for parameter {}, value: {}, type: {}, valid types: {valid}",
        display_name(name),
        py_str(value),
        py_type(value)
    ));
}

fn has_constraints(shape: &Shape) -> bool {
    match shape {
        Shape::String { min, .. } | Shape::Integer { min, .. } | Shape::Long { min, .. } | Shape::Blob { min, .. } => {
            min.is_some()
        }
        Shape::List { min, .. } | Shape::Map { min, .. } => min.is_some(),
        Shape::Double { min, .. } | Shape::Float { min, .. } => min.is_some(),
        Shape::Structure { required, .. } => !required.is_empty(),
        _ => false,
    }
}

fn as_python_int(value: &Value) -> Option<i128> {
    match value {
        Value::Bool(b) => Some(i128::from(*b)),
        Value::Number(n) if !n.is_f64() => n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from)),
        _ => None,
    }
}

fn check(model: &ServiceModel, shape_name: &str, value: &Value, name: &str, errors: &mut Vec<String>) {
    let Some(shape) = model.shape(shape_name) else { return };
    match shape {
        Shape::Structure { required, .. } => {
            let Value::Object(map) = value else { return invalid_type(errors, name, value, DICT) };
            for member in required {
                if !map.contains_key(member) {
                    errors.push(format!("Missing required parameter in {}: \"{member}\"", display_name(name)));
                }
            }
            let members = ordered_members(model, shape_name);
            let valid: Vec<&str> = members.iter().map(|(m, _)| m.as_str()).collect();
            for key in map.keys() {
                if !valid.contains(&key.as_str()) {
                    errors.push(format!(
                        "Unknown parameter in {}: \"{key}\", must be one of: {}",
                        display_name(name),
                        valid.join(", ")
                    ));
                }
            }
            for (member, target) in &members {
                if let Some(child) = map.get(member) {
                    check(model, target, child, &format!("{name}.{member}"), errors);
                }
            }
        }
        Shape::String { min, .. } => match value {
            Value::String(s) => {
                let len = s.chars().count() as i64;
                if let Some(min) = min.filter(|m| len < *m) {
                    errors.push(format!(
                        "Invalid length for parameter {}, value: {len}, valid min length: {min}",
                        display_name(name)
                    ));
                }
            }
            _ => invalid_type(errors, name, value, STR),
        },
        Shape::List { member, min, .. } => {
            let Value::Array(items) = value else { return invalid_type(errors, name, value, LIST) };
            let len = items.len() as i64;
            if let Some(min) = min.filter(|m| len < *m) {
                errors.push(format!("Invalid length for parameter {}, value: {len}, valid min length: {min}", display_name(name)));
            }
            let member_shape = model.shape(member);
            let scalar_type = match member_shape {
                Some(Shape::String { .. }) => Some(STR),
                Some(Shape::Integer { .. } | Shape::Long { .. }) => Some(INT),
                Some(Shape::Boolean) => Some(BOOL),
                Some(Shape::Double { .. } | Shape::Float { .. }) => Some(FLOATS),
                _ => None,
            };
            match (scalar_type, member_shape) {
                (Some(valid), Some(s)) if !has_constraints(s) => {
                    for (i, item) in items.iter().enumerate() {
                        let ok = match valid {
                            STR => item.is_string(),
                            INT => as_python_int(item).is_some(),
                            BOOL => item.is_boolean(),
                            _ => item.is_number(),
                        };
                        if !ok {
                            invalid_type(errors, &format!("{name}[{i}]"), item, valid);
                        }
                    }
                }
                _ => {
                    for (i, item) in items.iter().enumerate() {
                        check(model, member, item, &format!("{name}[{i}]"), errors);
                    }
                }
            }
        }
        Shape::Map { key, value: value_shape, .. } => {
            let Value::Object(map) = value else { return invalid_type(errors, name, value, DICT) };
            for (k, v) in map {
                check(model, key, &Value::String(k.clone()), &format!("{name} (key: {k})"), errors);
                check(model, value_shape, v, &format!("{name}.{k}"), errors);
            }
        }
        Shape::Integer { min, .. } | Shape::Long { min, .. } => match as_python_int(value) {
            Some(n) => {
                if let Some(min) = min.filter(|m| n < i128::from(*m)) {
                    errors.push(format!("Invalid value for parameter {}, value: {}, valid min value: {min}", display_name(name), py_str(value)));
                }
            }
            None => invalid_type(errors, name, value, INT),
        },
        Shape::Double { min, .. } | Shape::Float { min, .. } => match value.as_f64() {
            Some(n) if !value.is_boolean() => {
                if let Some(min) = min.filter(|m| n < *m) {
                    errors.push(format!("Invalid value for parameter {}, value: {}, valid min value: {min}", display_name(name), py_str(value)));
                }
            }
            _ => invalid_type(errors, name, value, FLOATS),
        },
        Shape::Boolean => {
            if !value.is_boolean() {
                invalid_type(errors, name, value, BOOL);
            }
        }
        Shape::Blob { .. } => {
            if !value.is_string() {
                invalid_type(errors, name, value, BLOB);
            }
        }
        Shape::Timestamp => {
            if parse_timestamp(value).is_none() {
                invalid_type(errors, name, value, TIMESTAMP);
            }
        }
        Shape::Unknown { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model;
    use serde_json::json;

    /// Messages from botocore/validate.py (botocore 1.43), one per problem.
    #[test]
    fn botocore_messages() {
        let m = model::kinesis();
        let errs = validate(m, "CreateStreamInput", &json!({"StreamName": "", "ShardCount": 0, "StreamModeDetails": {"Foo": "1"}}));
        assert_eq!(
            errs,
            vec![
                "Invalid length for parameter StreamName, value: 0, valid min length: 1",
                "Invalid value for parameter ShardCount, value: 0, valid min value: 1",
                "Missing required parameter in StreamModeDetails: \"StreamMode\"",
                "Unknown parameter in StreamModeDetails: \"Foo\", must be one of: StreamMode",
            ]
        );
        let errs = validate(m, "GetShardIteratorInput", &json!({"ShardId": "s", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": "notatime"}));
        assert_eq!(errs, vec!["Invalid type for parameter Timestamp, value: notatime, type: <class 'str'>, valid types: <class 'datetime.datetime'>, timestamp-string"]);
        assert!(validate(m, "ListStreamsInput", &json!({})).is_empty());
        assert_eq!(validate(m, "DescribeStreamInput", &json!({"StreamName": "s", "Limit": "5"})).len(), 1);
    }
}

//! Turns option values (strings from the command line) into the request's JSON members, driven by the
//! model: scalars, shorthand or JSON for structures, maps and lists, and CLI v2's blob and timestamp
//! handling. Mirrors awscli's `argprocess` and `BackCompatVisitor`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{Number, Value};

use super::errors::{py_repr_str, CliError, EXIT_GENERAL_ERROR, EXIT_PARAM_ERROR};
use super::names::ordered_members;
use super::shorthand;
use crate::api::model::{ServiceModel, Shape};

/// An option's value as parsed from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    One(String),
    Many(Vec<String>),
    Flag(bool),
}

/// How blob arguments are read (`--cli-binary-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryFormat {
    /// CLI v2's default: blob input is base64 text.
    Base64,
    /// `raw-in-base64-out`: blob input is the raw text itself.
    RawInBase64Out,
}

/// Python's `int()` on a string: surrounding blanks, a sign, digits with single underscores between.
pub fn python_int(text: &str) -> Result<Value, CliError> {
    let fail = || CliError::plain(format!("invalid literal for int() with base 10: {}", py_repr_str(text)), EXIT_GENERAL_ERROR);
    let t = text.trim();
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let valid = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(fail());
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let magnitude: i128 = clean.parse().unwrap_or(i128::MAX);
    let n = if negative { -magnitude } else { magnitude };
    Ok(if let Ok(v) = i64::try_from(n) {
        Value::Number(v.into())
    } else if let Ok(v) = u64::try_from(n) {
        Value::Number(v.into())
    } else {
        Number::from_f64(n as f64).map(Value::Number).unwrap_or(Value::Null)
    })
}

/// Python's `float()` on a string.
fn python_float(text: &str) -> Result<Value, CliError> {
    let t = text.trim();
    match t.parse::<f64>().ok().and_then(Number::from_f64) {
        Some(n) => Ok(Value::Number(n)),
        None => Err(CliError::plain(format!("could not convert string to float: {}", py_repr_str(text)), EXIT_GENERAL_ERROR)),
    }
}

/// Python's `json.loads` for an option, with the CLI's error wording.
fn parse_json(cli_name: &str, text: &str) -> Result<Value, CliError> {
    serde_json::from_str(text).map_err(|e| {
        let column = e.column();
        let line = e.line();
        let what = e.to_string();
        let what = what.split(" at line").next().unwrap_or("").to_string();
        let python = match what.as_str() {
            "expected value" => "Expecting value".to_string(),
            "key must be a string" => "Expecting property name enclosed in double quotes".to_string(),
            "trailing characters" => "Extra data".to_string(),
            other => {
                let mut c = other.chars();
                c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
            }
        };
        let char_index = text.lines().take(line.saturating_sub(1)).map(|l| l.chars().count() + 1).sum::<usize>()
            + column.saturating_sub(1);
        CliError::param(
            cli_name,
            format!("Invalid JSON: {python}: line {line} column {column} (char {char_index})\nJSON received: {text}"),
        )
    })
}

fn starts_with_any(text: &str, prefixes: &[char]) -> bool {
    text.trim_start().starts_with(prefixes)
}

/// Unpacks one option value for a member of shape `shape_name`.
pub fn unpack(model: &ServiceModel, cli_name: &str, shape_name: &str, raw: &RawValue) -> Result<Value, CliError> {
    let shape = model.shape(shape_name).cloned().unwrap_or(Shape::Unknown { type_name: "string".into() });
    match (&shape, raw) {
        (Shape::Boolean, RawValue::Flag(b)) => Ok(Value::Bool(*b)),
        (_, RawValue::Flag(b)) => Ok(Value::Bool(*b)),
        (Shape::List { member, .. }, _) => {
            let values = match raw {
                RawValue::One(v) => vec![v.clone()],
                RawValue::Many(vs) => vs.clone(),
                RawValue::Flag(_) => Vec::new(),
            };
            unpack_list(model, cli_name, shape_name, member, &values)
        }
        (_, RawValue::Many(vs)) => unpack_one(model, cli_name, shape_name, vs.first().map(String::as_str).unwrap_or("")),
        (_, RawValue::One(v)) => unpack_one(model, cli_name, shape_name, v),
    }
}

fn unpack_one(model: &ServiceModel, cli_name: &str, shape_name: &str, text: &str) -> Result<Value, CliError> {
    match model.shape(shape_name) {
        Some(Shape::Integer { .. } | Shape::Long { .. }) => python_int(text),
        Some(Shape::Double { .. } | Shape::Float { .. }) => python_float(text),
        Some(Shape::Boolean) => Ok(Value::Bool(!text.eq_ignore_ascii_case("false") && !text.is_empty())),
        Some(Shape::Structure { .. } | Shape::Map { .. }) => {
            if starts_with_any(text, &['{']) {
                parse_json(cli_name, text)
            } else {
                let mut parsed = shorthand::parse(text).map_err(|e| CliError::param(cli_name, e.0))?;
                back_compat(model, shape_name, &mut parsed)?;
                Ok(parsed)
            }
        }
        _ => Ok(Value::String(text.to_string())),
    }
}

fn unpack_list(
    model: &ServiceModel,
    cli_name: &str,
    list_shape: &str,
    member: &str,
    values: &[String],
) -> Result<Value, CliError> {
    if values.first().is_some_and(|v| starts_with_any(v, &['['])) {
        return parse_json(cli_name, &values[0]);
    }
    let complex = matches!(model.shape(member), Some(Shape::Structure { .. } | Shape::Map { .. }));
    if complex && !values.first().is_some_and(|v| starts_with_any(v, &['{'])) {
        let mut items = Vec::new();
        for v in values {
            items.push(shorthand::parse(v).map_err(|e| CliError::param(cli_name, e.0))?);
        }
        let mut list = Value::Array(items);
        back_compat(model, list_shape, &mut list)?;
        return Ok(list);
    }
    let mut items = Vec::new();
    for v in values {
        items.push(unpack_one(model, cli_name, member, v)?);
    }
    Ok(Value::Array(items))
}

/// awscli's `BackCompatVisitor`: scalars in shorthand become the model's types, and a single value
/// where the model wants a list becomes a one-item list.
fn back_compat(model: &ServiceModel, shape_name: &str, value: &mut Value) -> Result<(), CliError> {
    match model.shape(shape_name) {
        Some(Shape::Structure { members, .. }) => {
            if let Value::Object(map) = value {
                for (name, target) in members {
                    if let Some(child) = map.get_mut(name) {
                        back_compat(model, target, child)?;
                    }
                }
            }
        }
        Some(Shape::List { member, .. }) => {
            if !value.is_array() && !value.is_null() {
                *value = Value::Array(vec![value.take()]);
            }
            if let Value::Array(items) = value {
                for item in items {
                    back_compat(model, member, item)?;
                }
            }
        }
        Some(Shape::Map { value: value_shape, .. }) => {
            if let Value::Object(map) = value {
                for (_, child) in map.iter_mut() {
                    back_compat(model, value_shape, child)?;
                }
            }
        }
        Some(Shape::Integer { .. } | Shape::Long { .. }) => {
            if let Value::String(s) = value {
                *value = python_int(s)?;
            }
        }
        Some(Shape::Double { .. } | Shape::Float { .. }) => {
            if let Value::String(s) = value {
                *value = python_float(s)?;
            }
        }
        Some(Shape::Boolean) => {
            if let Value::String(s) = value {
                if s.eq_ignore_ascii_case("true") {
                    *value = Value::Bool(true);
                } else if s.eq_ignore_ascii_case("false") {
                    *value = Value::Bool(false);
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Python's lenient `base64.b64decode` (CPython's `a2b_base64` outside strict mode), which CLI v2
/// applies to blob input by default: characters outside the alphabet are skipped, decoding stops at a
/// padding that completes a group, and a last group that is incomplete and unpadded is an error.
pub fn python_b64decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut quad_pos, mut pads, mut left_char) = (0u32, 0u32, 0u32);
    for c in text.bytes() {
        if c == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Some(out);
                }
            }
            continue;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        } as u32;
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                left_char = v;
            }
            1 => {
                quad_pos = 2;
                out.push(((left_char << 2) | (v >> 4)) as u8);
                left_char = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push(((left_char << 4) | (v >> 2)) as u8);
                left_char = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push(((left_char << 6) | v) as u8);
                left_char = 0;
            }
        }
    }
    if quad_pos == 0 { Some(out) } else { None }
}

/// CLI v2's blob input rule applied to every blob member of `value` (shape `shape_name`): base64 text
/// by default (checked, then sent as is), raw text with `raw-in-base64-out` (encoded for the wire).
pub fn encode_blobs(model: &ServiceModel, shape_name: &str, value: &mut Value, format: BinaryFormat) -> Result<(), CliError> {
    match model.shape(shape_name) {
        Some(Shape::Blob { .. }) => {
            if let Value::String(s) = value {
                *value = Value::String(match format {
                    BinaryFormat::RawInBase64Out => STANDARD.encode(s.as_bytes()),
                    BinaryFormat::Base64 => match python_b64decode(s) {
                        Some(bytes) => STANDARD.encode(bytes),
                        None => return Err(CliError::plain(format!("Invalid base64: \"{s}\""), EXIT_PARAM_ERROR)),
                    },
                });
            }
        }
        Some(Shape::Structure { .. }) => {
            if let Value::Object(map) = value {
                for (name, target) in ordered_members(model, shape_name) {
                    if let Some(child) = map.get_mut(&name) {
                        encode_blobs(model, &target, child, format)?;
                    }
                }
            }
        }
        Some(Shape::List { member, .. }) => {
            if let Value::Array(items) = value {
                for item in items {
                    encode_blobs(model, member, item, format)?;
                }
            }
        }
        Some(Shape::Map { value: value_shape, .. }) => {
            if let Value::Object(map) = value {
                for (_, child) in map.iter_mut() {
                    encode_blobs(model, value_shape, child, format)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Turns every timestamp member given as text into epoch seconds (what JSON 1.1 sends). Values that do
/// not parse are left alone; validation reports them first.
pub fn serialize_timestamps(model: &ServiceModel, shape_name: &str, value: &mut Value) {
    match model.shape(shape_name) {
        Some(Shape::Timestamp) => {
            if let Some(seconds) = super::timefmt::parse_timestamp(value) {
                *value = super::timefmt::seconds_value(seconds);
            }
        }
        Some(Shape::Structure { members, .. }) => {
            if let Value::Object(map) = value {
                for (name, target) in members {
                    if let Some(child) = map.get_mut(name) {
                        serialize_timestamps(model, target, child);
                    }
                }
            }
        }
        Some(Shape::List { member, .. }) => {
            if let Value::Array(items) = value {
                for item in items {
                    serialize_timestamps(model, member, item);
                }
            }
        }
        Some(Shape::Map { value: value_shape, .. }) => {
            if let Value::Object(map) = value {
                for (_, child) in map.iter_mut() {
                    serialize_timestamps(model, value_shape, child);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model;
    use serde_json::json;

    #[test]
    fn python_int_rules() {
        assert_eq!(python_int(" 12 ").unwrap(), json!(12));
        assert_eq!(python_int("-3").unwrap(), json!(-3));
        assert_eq!(python_int("1_000").unwrap(), json!(1000));
        let e = python_int("abc").unwrap_err();
        assert_eq!(e.render(), "\ninvalid literal for int() with base 10: 'abc'\n");
        assert_eq!(e.exit_code(), 255);
        assert!(python_int("1.5").is_err());
        assert!(python_int("").is_err());
    }

    #[test]
    fn base64_rules() {
        assert_eq!(python_b64decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(python_b64decode("aGVs bG8=").unwrap(), b"hello");
        assert!(python_b64decode("hello").is_none());
        assert_eq!(python_b64decode("abcd").unwrap().len(), 3);
    }

    #[test]
    fn shorthand_members_take_model_types() {
        let m = model::kinesis();
        let v = unpack(m, "--shard-filter", "ShardFilter", &RawValue::One("Type=AT_LATEST".into())).unwrap();
        assert_eq!(v, json!({"Type": "AT_LATEST"}));
        let tags = unpack(m, "--tags", "TagMap", &RawValue::One("k1=v1,k2=v2".into())).unwrap();
        assert_eq!(tags, json!({"k1": "v1", "k2": "v2"}));
        let recs = unpack(
            m,
            "--records",
            "PutRecordsRequestEntryList",
            &RawValue::Many(vec!["Data=YQ==,PartitionKey=a".into(), "Data=Yg==,PartitionKey=b".into()]),
        )
        .unwrap();
        assert_eq!(recs, json!([{"Data": "YQ==", "PartitionKey": "a"}, {"Data": "Yg==", "PartitionKey": "b"}]));
    }
}

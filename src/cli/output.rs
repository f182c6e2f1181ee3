//! Printing a response as CLI v2 does. The response is first turned into an ordered tree using the
//! model (structure members in AWS's order, which is the order AWS's JSON responses use; timestamps
//! recognised as such), then printed as `json` (Python `json.dumps(indent=4, ensure_ascii=False)`) or
//! `text` (awscli's text formatter).

use serde_json::Value;

use super::names::ordered_members;
use super::timefmt::{format_iso, format_text, parse_timestamp};
use crate::api::model::{ServiceModel, Shape};

/// A response value with its key order and timestamps resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(String),
    /// Epoch seconds, printed as ISO 8601.
    Time(f64),
    List(Vec<Out>),
    Obj(Vec<(String, Out)>),
}

impl Out {
    pub fn get(&self, key: &str) -> Option<&Out> {
        match self {
            Out::Obj(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Out> {
        match self {
            Out::Obj(pairs) => pairs.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Sets `key` (appending it when new).
    pub fn set(&mut self, key: &str, value: Out) {
        if let Out::Obj(pairs) = self {
            match pairs.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => pairs.push((key.to_string(), value)),
            }
        }
    }

    pub fn remove(&mut self, key: &str) {
        if let Out::Obj(pairs) = self {
            pairs.retain(|(k, _)| k != key);
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Out::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Orders and types a response `value` of shape `shape_name`.
pub fn from_response(model: &ServiceModel, shape_name: &str, value: &Value) -> Out {
    match (model.shape(shape_name), value) {
        (_, Value::Null) => Out::Null,
        (Some(Shape::Timestamp), v) => parse_timestamp(v).map(Out::Time).unwrap_or_else(|| plain(v)),
        (Some(Shape::Structure { .. }), Value::Object(map)) => {
            let mut pairs = Vec::new();
            let members = ordered_members(model, shape_name);
            for (member, target) in &members {
                if let Some(child) = map.get(member) {
                    pairs.push((member.clone(), from_response(model, target, child)));
                }
            }
            for (k, v) in map {
                if !members.iter().any(|(m, _)| m == k) {
                    pairs.push((k.clone(), plain(v)));
                }
            }
            Out::Obj(pairs)
        }
        (Some(Shape::List { member, .. }), Value::Array(items)) => {
            Out::List(items.iter().map(|i| from_response(model, member, i)).collect())
        }
        (Some(Shape::Map { value: value_shape, .. }), Value::Object(map)) => {
            Out::Obj(map.iter().map(|(k, v)| (k.clone(), from_response(model, value_shape, v))).collect())
        }
        (_, v) => plain(v),
    }
}

/// A value with no model information (kept in serde_json's order).
pub fn plain(value: &Value) -> Out {
    match value {
        Value::Null => Out::Null,
        Value::Bool(b) => Out::Bool(*b),
        Value::Number(n) => Out::Number(n.clone()),
        Value::String(s) => Out::Str(s.clone()),
        Value::Array(items) => Out::List(items.iter().map(plain).collect()),
        Value::Object(map) => Out::Obj(map.iter().map(|(k, v)| (k.clone(), plain(v))).collect()),
    }
}

/// Python's `json.dumps` string quoting with `ensure_ascii=False`.
fn json_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn python_float(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e16 {
        format!("{n:.1}")
    } else {
        format!("{n}")
    }
}

fn number_text(n: &serde_json::Number) -> String {
    if n.is_f64() {
        n.as_f64().map(python_float).unwrap_or_else(|| n.to_string())
    } else {
        n.to_string()
    }
}

fn write_json(value: &Out, indent: usize, out: &mut String) {
    const STEP: usize = 4;
    match value {
        Out::Null => out.push_str("null"),
        Out::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Out::Number(n) => out.push_str(&number_text(n)),
        Out::Str(s) => json_string(s, out),
        Out::Time(t) => json_string(&format_iso(*t), out),
        Out::List(items) if items.is_empty() => out.push_str("[]"),
        Out::Obj(pairs) if pairs.is_empty() => out.push_str("{}"),
        Out::List(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&" ".repeat(indent + STEP));
                write_json(item, indent + STEP, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&" ".repeat(indent));
            out.push(']');
        }
        Out::Obj(pairs) => {
            out.push_str("{\n");
            for (i, (k, v)) in pairs.iter().enumerate() {
                out.push_str(&" ".repeat(indent + STEP));
                json_string(k, out);
                out.push_str(": ");
                write_json(v, indent + STEP, out);
                if i + 1 < pairs.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&" ".repeat(indent));
            out.push('}');
        }
    }
}

/// The `--output json` text of a value, with the trailing newline the CLI prints.
pub fn to_json(value: &Out) -> String {
    let mut out = String::new();
    write_json(value, 0, &mut out);
    out.push('\n');
    out
}

/// Python `str()` of a scalar in text output.
fn text_scalar(value: &Out) -> String {
    match value {
        Out::Null => "None".into(),
        Out::Bool(true) => "True".into(),
        Out::Bool(false) => "False".into(),
        Out::Number(n) => number_text(n),
        Out::Str(s) => s.clone(),
        Out::Time(t) => format_text(*t),
        Out::List(_) | Out::Obj(_) => String::new(),
    }
}

fn is_scalar(value: &Out) -> bool {
    !matches!(value, Out::List(_) | Out::Obj(_))
}

/// awscli's text formatter (`awscli/text.py`): scalars of an object on one tab-separated line (keys
/// sorted), prefixed with the upper-cased key that led there; nested objects and lists follow.
pub fn to_text(value: &Out) -> String {
    let mut out = String::new();
    text_item(value, None, None, &mut out);
    out
}

fn text_item(value: &Out, identifier: Option<&str>, scalar_keys: Option<&[String]>, out: &mut String) {
    match value {
        Out::Obj(pairs) => text_dict(pairs, identifier, scalar_keys, out),
        Out::List(items) => text_list(items, identifier, out),
        scalar => {
            out.push_str(&text_scalar(scalar));
            out.push('\n');
        }
    }
}

fn text_list(items: &[Out], identifier: Option<&str>, out: &mut String) {
    if items.is_empty() {
        return;
    }
    if items.iter().any(|i| matches!(i, Out::Obj(_))) {
        let mut keys: Vec<String> = Vec::new();
        for item in items {
            if let Out::Obj(pairs) = item {
                for (k, v) in pairs {
                    if is_scalar(v) && !keys.contains(k) {
                        keys.push(k.clone());
                    }
                }
            }
        }
        keys.sort();
        for item in items {
            text_item(item, identifier, Some(&keys), out);
        }
    } else if items.iter().any(|i| matches!(i, Out::List(_))) {
        let scalars: Vec<&Out> = items.iter().filter(|i| is_scalar(i)).collect();
        if !scalars.is_empty() {
            text_scalar_list(&scalars, identifier, out);
        }
        for item in items.iter().filter(|i| !is_scalar(i)) {
            text_item(item, identifier, None, out);
        }
    } else {
        let all: Vec<&Out> = items.iter().collect();
        text_scalar_list(&all, identifier, out);
    }
}

fn text_scalar_list(items: &[&Out], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(id) => {
            for item in items {
                out.push_str(&format!("{}\t{}\n", id.to_uppercase(), text_scalar(item)));
            }
        }
        None => {
            out.push_str(&items.iter().map(|i| text_scalar(i)).collect::<Vec<_>>().join("\t"));
            out.push('\n');
        }
    }
}

fn text_dict(pairs: &[(String, Out)], identifier: Option<&str>, scalar_keys: Option<&[String]>, out: &mut String) {
    let mut sorted: Vec<&(String, Out)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut scalars: Vec<String> = Vec::new();
    let mut non_scalars: Vec<(&str, &Out)> = Vec::new();
    match scalar_keys {
        None => {
            for (k, v) in &sorted {
                if is_scalar(v) {
                    scalars.push(text_scalar(v));
                } else {
                    non_scalars.push((k, v));
                }
            }
        }
        Some(keys) => {
            for key in keys {
                scalars.push(pairs.iter().find(|(k, _)| k == key).map(|(_, v)| text_scalar(v)).unwrap_or_default());
            }
            for (k, v) in &sorted {
                if !keys.contains(k) {
                    non_scalars.push((k, v));
                }
            }
        }
    }
    if !scalars.is_empty() {
        if let Some(id) = identifier {
            scalars.insert(0, id.to_uppercase());
        }
        out.push_str(&scalars.join("\t"));
        out.push('\n');
    }
    for (k, v) in non_scalars {
        text_item(v, Some(k), None, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model;
    use serde_json::json;

    /// Python: json.dumps({"A": [], "B": {"C": 1, "D": [1, 2]}, "E": {}}, indent=4)
    #[test]
    fn json_like_python() {
        let v = plain(&json!({"A": [], "B": {"C": 1, "D": [1, 2]}, "E": {}}));
        assert_eq!(
            to_json(&v),
            "{\n    \"A\": [],\n    \"B\": {\n        \"C\": 1,\n        \"D\": [\n            1,\n            2\n        ]\n    },\n    \"E\": {}\n}\n"
        );
    }

    #[test]
    fn members_in_aws_order_with_iso_timestamps() {
        let body = json!({"StreamDescriptionSummary": {"ConsumerCount": 0, "StreamName": "s", "StreamARN": "arn",
            "StreamStatus": "ACTIVE", "RetentionPeriodHours": 24, "StreamCreationTimestamp": 1767225600,
            "EnhancedMonitoring": [], "OpenShardCount": 1}});
        let out = from_response(model::kinesis(), "DescribeStreamSummaryOutput", &body);
        let text = to_json(&out);
        assert!(text.find("StreamName").unwrap() < text.find("StreamARN").unwrap());
        assert!(text.contains("\"StreamCreationTimestamp\": \"2026-01-01T00:00:00+00:00\""));
    }

    /// awscli text output: scalars tab-joined under an upper-cased identifier.
    #[test]
    fn text_like_awscli() {
        let v = plain(&json!({"Shards": [{"ShardId": "a", "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": "9"}}]}));
        assert_eq!(to_text(&v), "SHARDS\ta\nHASHKEYRANGE\t9\t0\n");
    }
}

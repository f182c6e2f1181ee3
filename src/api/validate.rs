//! Request validation against the service model, with AWS's own error types and words.
//!
//! AWS JSON 1.1 services (the "Coral" framework) check a request in two passes, and so do we:
//!
//! 1. **Deserialization.** Each member the model knows is converted to its declared type. A value of the
//!    wrong JSON kind stops the request at once with a `SerializationException` whose text is the Java
//!    conversion error Coral produces (e.g. `class java.lang.Boolean can not be converted to an String`).
//!    Members the model does not know are ignored, and `null` counts as absent. Numbers for integer
//!    members are truncated to whole numbers and saturated to the type's range.
//! 2. **Constraints.** Required members, string/list/map/blob lengths, patterns, enums and numeric ranges
//!    are checked; every failure becomes one `Value '<v>' at '<path>' failed to satisfy constraint: <rule>`
//!    line, and up to ten of them are joined into one `ValidationException`
//!    (`N validation error(s) detected: a; b`).
//!
//! The exact texts come from kinesalite (mhart/kinesalite `validations/index.js` and the `test/*.js`
//! files, which were run against real AWS) and are quoted in the tests below with their source.

use serde_json::{Map, Number, Value};

use crate::api::error::{ApiError, ErrorType};
use crate::api::model::{ServiceModel, Shape};

/// AWS lists at most this many constraint failures in one ValidationException, and the count in the
/// message is the number listed (kinesalite test/putRecords.js "too many records": 501 bad records
/// give "10 validation errors detected").
pub const MAX_REPORTED_VALIDATION_ERRORS: usize = 10;

/// The Java class Coral reads every JSON number into; named in its type-mismatch messages.
const JSON_NUMBER_CLASS: &str = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber";
const LIST_NOT_EXPECTED: &str = "Start of list found where not expected";
const STRUCTURE_NOT_EXPECTED: &str = "Start of structure or map found where not expected.";
const NOT_NULL: &str = "Member must not be null";

/// What AWS prints after a structure's class name when it shows a list of structures
/// (`[com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@2, ...]`). Java prints the object's hash
/// code there; kinesalite recorded `@2` from AWS and that is the only observation available.
const STRUCTURE_VALUE_SUFFIX: &str = "@2";

/// Member orders AWS was observed to report errors in where it differs from the model file (AWS walks
/// its internal model, whose member order the published model does not keep). Members not listed
/// follow in model order.
const AWS_MEMBER_ORDER: &[(&str, &[&str])] = &[
    // Source: kinesalite test/putRecord.js "empty StreamName" (5 errors, exact order, run against AWS).
    ("PutRecordInput", &["SequenceNumberForOrdering", "PartitionKey", "ExplicitHashKey", "Data", "StreamName"]),
    // Source: kinesalite test/putRecords.js "long StreamName" (4 errors, exact order, run against AWS).
    ("PutRecordsRequestEntry", &["PartitionKey", "ExplicitHashKey", "Data"]),
];

/// Checks a request body for `operation` exactly as AWS would, returning AWS's error if it is refused.
pub fn validate_request(model: &ServiceModel, operation: &str, body: &serde_json::Value) -> Result<(), ApiError> {
    normalize_request(model, operation, body).map(|_| ())
}

/// Like `validate_request`, and on success returns the body as AWS's handler would see it: unknown
/// members and nulls removed, integer members truncated to whole numbers in range. Handlers that
/// deserialize this value can rely on its types matching the model.
pub fn normalize_request(model: &ServiceModel, operation: &str, body: &Value) -> Result<Value, ApiError> {
    // AWS answers an unknown target with a bare `{"__type":"UnknownOperationException"}`: no message.
    let op = model.operation(operation).ok_or_else(|| ApiError::new(ErrorType::UnknownOperation, ""))?;
    let empty = Value::Object(Map::new());
    let body = if body.is_null() { &empty } else { body };
    let Some(input) = op.input.as_deref() else {
        // No input shape: any members are unknown members, ignored; the body must still be an object.
        return structure_kind_check(body).map(|_| Value::Object(Map::new()));
    };
    let normalized = coerce(model, input, body)?;
    let mut checker = Checker { model, failures: Vec::new() };
    checker.value(input, &normalized, "");
    checker.into_result()?;
    Ok(normalized)
}

fn serialization(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorType::Serialization, message)
}

// ---------------------------------------------------------------------------------------------------
// Pass 1: deserialization (SerializationException)
// ---------------------------------------------------------------------------------------------------

/// Converts `value` to the model type `shape_name`, or fails the way Coral's JSON reader does.
fn coerce(model: &ServiceModel, shape_name: &str, value: &Value) -> Result<Value, ApiError> {
    let Some(shape) = model.shape(shape_name) else {
        return Ok(value.clone());
    };
    match shape {
        Shape::Structure { members, .. } => coerce_structure(model, members, value),
        Shape::List { member, .. } => coerce_list(model, member, value),
        Shape::Map { value: value_shape, .. } => coerce_map(model, value_shape, value),
        Shape::String { .. } => coerce_string(value),
        Shape::Integer { .. } => coerce_whole(value, "Integer", i64::from(i32::MIN), i64::from(i32::MAX)),
        Shape::Long { .. } => coerce_whole(value, "Long", i64::MIN, i64::MAX),
        Shape::Double { .. } => coerce_fractional(value, "Double"),
        Shape::Float { .. } => coerce_fractional(value, "Float"),
        Shape::Blob { .. } => coerce_blob(value),
        Shape::Boolean => coerce_boolean(value),
        Shape::Timestamp => coerce_timestamp(value),
        Shape::Unknown { .. } => Ok(value.clone()),
    }
}

/// The body (or a nested structure) must be a JSON object; Coral's messages for everything else.
fn structure_kind_check(value: &Value) -> Result<&Map<String, Value>, ApiError> {
    match value {
        Value::Object(map) => Ok(map),
        Value::Array(_) => Err(serialization(LIST_NOT_EXPECTED)),
        _ => Err(serialization("Expected null")),
    }
}

/// Keeps only the members the model knows, drops nulls (AWS treats them as absent), converts the rest.
fn coerce_structure(model: &ServiceModel, members: &[(String, String)], value: &Value) -> Result<Value, ApiError> {
    let object = structure_kind_check(value)?;
    let mut out = Map::new();
    for (name, member_value) in object {
        let Some((_, target)) = members.iter().find(|(member, _)| member == name) else {
            continue;
        };
        if member_value.is_null() {
            continue;
        }
        out.insert(name.clone(), coerce(model, target, member_value)?);
    }
    Ok(Value::Object(out))
}

/// Lists keep null elements so the constraint pass can report them with their position.
fn coerce_list(model: &ServiceModel, member: &str, value: &Value) -> Result<Value, ApiError> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| if item.is_null() { Ok(Value::Null) } else { coerce(model, member, item) })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Value::Object(_) => Err(serialization(STRUCTURE_NOT_EXPECTED)),
        _ => Err(serialization("Expected list or null")),
    }
}

fn coerce_map(model: &ServiceModel, value_shape: &str, value: &Value) -> Result<Value, ApiError> {
    match value {
        Value::Object(entries) => {
            let mut out = Map::new();
            for (key, entry) in entries {
                let converted = if entry.is_null() { Value::Null } else { coerce(model, value_shape, entry)? };
                out.insert(key.clone(), converted);
            }
            Ok(Value::Object(out))
        }
        Value::Array(_) => Err(serialization(LIST_NOT_EXPECTED)),
        _ => Err(serialization("Expected map or null")),
    }
}

fn coerce_string(value: &Value) -> Result<Value, ApiError> {
    match value {
        Value::String(_) => Ok(value.clone()),
        Value::Bool(_) => Err(serialization("class java.lang.Boolean can not be converted to an String")),
        Value::Number(_) => Err(serialization(format!("{JSON_NUMBER_CLASS} can not be converted to an String"))),
        other => Err(nested_kind_error(other)),
    }
}

/// Integers and longs: Coral truncates fractions and saturates to the Java type's range
/// (kinesalite validations/index.js; CreateStream with ShardCount 100000000000 is not refused).
fn coerce_whole(value: &Value, java_type: &str, lowest: i64, highest: i64) -> Result<Value, ApiError> {
    match value {
        Value::Number(n) => Ok(Value::from(whole_number(n).clamp(lowest, highest))),
        Value::String(_) => {
            Err(serialization(format!("class java.lang.String can not be converted to an {java_type}")))
        }
        Value::Bool(_) => Err(serialization(format!("class java.lang.Boolean can not be converted to an {java_type}"))),
        other => Err(nested_kind_error(other)),
    }
}

/// A JSON number as a whole number: fractions truncated toward zero, out-of-range values saturated.
fn whole_number(n: &Number) -> i64 {
    if let Some(i) = n.as_i64() {
        i
    } else if n.as_u64().is_some() {
        i64::MAX
    } else {
        // `as` saturates for out-of-range floats, which is what we want.
        n.as_f64().map(|f| f.trunc() as i64).unwrap_or(0)
    }
}

fn coerce_fractional(value: &Value, java_type: &str) -> Result<Value, ApiError> {
    match value {
        Value::Number(_) => Ok(value.clone()),
        Value::String(_) => {
            Err(serialization(format!("class java.lang.String can not be converted to an {java_type}")))
        }
        Value::Bool(_) => Err(serialization(format!("class java.lang.Boolean can not be converted to an {java_type}"))),
        other => Err(nested_kind_error(other)),
    }
}

/// Booleans: AWS quotes a string it cannot read as a boolean in upper case (kinesalite test/helpers.js).
fn coerce_boolean(value: &Value) -> Result<Value, ApiError> {
    match value {
        Value::Bool(_) => Ok(value.clone()),
        Value::Number(_) => Err(serialization(format!("{JSON_NUMBER_CLASS} can not be converted to an Boolean"))),
        Value::String(s) => Err(serialization(format!("'{}' can not be converted to an Boolean", s.to_uppercase()))),
        other => Err(nested_kind_error(other)),
    }
}

/// Blobs arrive as base64 strings; Coral refuses malformed base64 with its own three messages.
fn coerce_blob(value: &Value) -> Result<Value, ApiError> {
    match value {
        Value::String(s) => match base64_decoded_len(s) {
            Ok(_) => Ok(value.clone()),
            Err(reason) => Err(serialization(format!("'{s}' can not be converted to a Blob: {reason}"))),
        },
        Value::Bool(_) => Err(serialization("class java.lang.Boolean can not be converted to a Blob")),
        Value::Number(_) => Err(serialization(format!("{JSON_NUMBER_CLASS} can not be converted to a Blob"))),
        other => Err(nested_kind_error(other)),
    }
}

/// Timestamps in JSON 1.1 are epoch seconds as a JSON number; strings are refused
/// (kinesalite validations/index.js, Timestamp case).
fn coerce_timestamp(value: &Value) -> Result<Value, ApiError> {
    match value {
        Value::Number(_) => Ok(value.clone()),
        Value::Bool(_) => {
            Err(serialization("class java.lang.Boolean can not be converted to milliseconds since epoch"))
        }
        Value::String(_) => {
            Err(serialization("class java.lang.String can not be converted to milliseconds since epoch"))
        }
        other => Err(nested_kind_error(other)),
    }
}

/// The message for a list or object where a scalar was expected.
fn nested_kind_error(value: &Value) -> ApiError {
    match value {
        Value::Array(_) => serialization(LIST_NOT_EXPECTED),
        _ => serialization(STRUCTURE_NOT_EXPECTED),
    }
}

/// The number of bytes a base64 blob decodes to, or the reason Coral gives for refusing it.
///
/// Checks in Coral's order: length a multiple of 4 (counted in UTF-16 units, as Java does), only
/// base64 characters with `=` padding at the very end, then no stray bits in the last character before
/// the padding (AWS's message really does say "dectected").
pub fn base64_decoded_len(text: &str) -> Result<usize, String> {
    let units = text.encode_utf16().count();
    if !units.is_multiple_of(4) {
        return Err(format!("Base64 encoded length is expected a multiple of 4 bytes but found: {units}"));
    }
    if let Some(bad) = first_invalid_base64_char(text) {
        return Err(format!("Invalid Base64 character: '{bad}'"));
    }
    let padding = text.bytes().rev().take_while(|b| *b == b'=').count();
    if !has_clean_tail(text.as_bytes(), padding) {
        return Err("Invalid last non-pad Base64 character dectected".to_string());
    }
    Ok(text.len() / 4 * 3 - padding)
}

/// The first character outside the base64 alphabet, or an `=` followed by anything but `=`.
fn first_invalid_base64_char(text: &str) -> Option<char> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let in_alphabet = c.is_ascii_alphanumeric() || c == '+' || c == '/';
        if c == '=' {
            if chars.peek().is_some_and(|next| *next != '=') {
                return Some('=');
            }
        } else if !in_alphabet {
            return Some(c);
        }
    }
    None
}

/// With one or two pad characters, the unused low bits of the last data character must be zero;
/// three or more pads cannot be produced by any encoder.
fn has_clean_tail(bytes: &[u8], padding: usize) -> bool {
    if padding == 0 {
        return true;
    }
    let Some(last) = bytes.len().checked_sub(padding + 1).and_then(|i| bytes.get(i)) else {
        return false;
    };
    let sextet = base64_value(*last);
    match padding {
        1 => sextet & 0b11 == 0,
        2 => sextet & 0b1111 == 0,
        _ => false,
    }
}

fn base64_value(c: u8) -> u8 {
    match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    }
}

// ---------------------------------------------------------------------------------------------------
// Pass 2: constraints (ValidationException)
// ---------------------------------------------------------------------------------------------------

/// Walks a deserialized body and collects constraint failures in AWS's order, up to AWS's cap.
struct Checker<'m> {
    model: &'m ServiceModel,
    failures: Vec<String>,
}

impl Checker<'_> {
    fn is_full(&self) -> bool {
        self.failures.len() >= MAX_REPORTED_VALIDATION_ERRORS
    }

    /// Records `Value '<v>' at '<path>' failed to satisfy constraint: <rule>` (`Value null` unquoted).
    fn fail(&mut self, shown: Option<String>, path: &str, rule: &str) {
        if self.is_full() {
            return;
        }
        let value = match shown {
            Some(text) => format!("'{text}'"),
            None => "null".to_string(),
        };
        self.failures.push(format!("Value {value} at '{path}' failed to satisfy constraint: {rule}"));
    }

    fn into_result(self) -> Result<(), ApiError> {
        let count = self.failures.len();
        if count == 0 {
            return Ok(());
        }
        let noun = if count == 1 { "error" } else { "errors" };
        let message = format!("{count} validation {noun} detected: {}", self.failures.join("; "));
        Err(ApiError::new(ErrorType::Validation, message))
    }

    /// Checks one present, non-null value of shape `shape_name` found at `path`.
    fn value(&mut self, shape_name: &str, value: &Value, path: &str) {
        let model = self.model;
        let whole = Container { shape: shape_name, value, path };
        match model.shape(shape_name) {
            Some(Shape::Structure { members, required, .. }) => {
                if let Value::Object(object) = value {
                    self.structure(shape_name, members, required, object, path);
                }
            }
            Some(Shape::List { member, min, max }) => self.list(whole, member, (*min, *max)),
            Some(Shape::Map { key, value: value_shape, min, max }) => self.map(whole, key, value_shape, (*min, *max)),
            Some(shape) => {
                for rule in scalar_violations(model, shape, value) {
                    self.fail(Some(render_value(model, shape_name, value)), path, &rule);
                }
            }
            None => {}
        }
    }

    /// Members in AWS's order; a missing required one is `Value null ... Member must not be null` in
    /// its place, present ones are checked in turn.
    fn structure(
        &mut self,
        shape_name: &str,
        members: &[(String, String)],
        required: &[String],
        object: &Map<String, Value>,
        prefix: &str,
    ) {
        for (name, target) in aws_member_order(shape_name, members) {
            if self.is_full() {
                return;
            }
            let path = member_path(prefix, name);
            match object.get(name.as_str()) {
                None | Some(Value::Null) => {
                    if required.iter().any(|r| r == name) {
                        self.fail(None, &path, NOT_NULL);
                    }
                }
                Some(member_value) => self.value(target, member_value, &path),
            }
        }
    }

    /// A failure about a whole list or map, showing all of it as AWS does (`[a, b]`, `{k=v}`).
    fn fail_whole(&mut self, whole: Container<'_>, rule: &str) {
        let shown = render_value(self.model, whole.shape, whole.value);
        self.fail(Some(shown), whole.path, rule);
    }

    /// List length first, then the elements: scalar elements are judged together in one
    /// `Member must satisfy constraint: [...]` line at the list (kinesalite test/removeTagsFromStream.js),
    /// structure elements one by one at `<list>.<n>.member` (n from 1; kinesalite test/putRecords.js).
    fn list(&mut self, whole: Container<'_>, member: &str, (min, max): (Option<i64>, Option<i64>)) {
        let Value::Array(items) = whole.value else { return };
        for rule in length_violations(items.len(), min, max) {
            self.fail_whole(whole, &rule);
        }
        let elements = items.iter().enumerate().map(|(i, item)| (format!("{}.{}.member", whole.path, i + 1), item));
        self.elements(whole, member, elements, "Member");
    }

    /// Map size first, then keys as a group (`Map keys must satisfy constraint: [...]`), then values
    /// (`Map value must satisfy constraint: [...]` for scalars, `<map>.<key>.member` for structures).
    /// Source: kinesalite test/addTagsToStream.js "long tag key" / "long tag value".
    fn map(&mut self, whole: Container<'_>, key: &str, value_shape: &str, (min, max): (Option<i64>, Option<i64>)) {
        let Value::Object(entries) = whole.value else { return };
        let model = self.model;
        for rule in length_violations(entries.len(), min, max) {
            self.fail_whole(whole, &rule);
        }
        if let Some(key_shape) = model.shape(key) {
            let key_breaks = |k: &String| !scalar_violations(model, key_shape, &Value::String(k.clone())).is_empty();
            if entries.keys().any(key_breaks) {
                let declared = declared_constraints(key_shape).join(", ");
                self.fail_whole(whole, &format!("Map keys must satisfy constraint: [{declared}]"));
            }
        }
        let elements = entries.iter().map(|(k, v)| (format!("{}.{k}.member", whole.path), v));
        self.elements(whole, value_shape, elements, "Map value");
    }

    /// The elements of a list or the values of a map: scalars as one group line at the container,
    /// nulls and nested shapes one by one at their own paths.
    fn elements<'v>(
        &mut self,
        whole: Container<'_>,
        element_shape: &str,
        elements: impl Iterator<Item = (String, &'v Value)>,
        group_label: &str,
    ) {
        let model = self.model;
        let Some(shape) = model.shape(element_shape) else { return };
        let scalar = !matches!(shape, Shape::Structure { .. } | Shape::List { .. } | Shape::Map { .. });
        let mut group_failed = false;
        for (element_path, element) in elements {
            if self.is_full() {
                return;
            }
            if element.is_null() {
                self.fail(None, &element_path, NOT_NULL);
            } else if scalar {
                group_failed |= !scalar_violations(model, shape, element).is_empty();
            } else {
                self.value(element_shape, element, &element_path);
            }
        }
        if group_failed {
            let declared = declared_constraints(shape).join(", ");
            self.fail_whole(whole, &format!("{group_label} must satisfy constraint: [{declared}]"));
        }
    }
}

/// A list or map under check: its shape, its value and its path, so failures about the whole can
/// show it the way AWS does.
#[derive(Clone, Copy)]
struct Container<'a> {
    shape: &'a str,
    value: &'a Value,
    path: &'a str,
}

/// `prefix.memberName` with the member's first letter lower-cased, as AWS names paths.
fn member_path(prefix: &str, member: &str) -> String {
    let mut chars = member.chars();
    let lowered: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    if prefix.is_empty() {
        lowered
    } else {
        format!("{prefix}.{lowered}")
    }
}

/// The structure's members in the order AWS reports them (see `AWS_MEMBER_ORDER`).
fn aws_member_order<'a>(shape_name: &str, members: &'a [(String, String)]) -> Vec<&'a (String, String)> {
    let Some((_, observed)) = AWS_MEMBER_ORDER.iter().find(|(name, _)| *name == shape_name) else {
        return members.iter().collect();
    };
    let rank = |name: &str| observed.iter().position(|o| *o == name).unwrap_or(observed.len());
    let mut ordered: Vec<_> = members.iter().collect();
    ordered.sort_by_key(|(name, _)| rank(name));
    ordered
}

fn length_violations(length: usize, min: Option<i64>, max: Option<i64>) -> Vec<String> {
    let length = i64::try_from(length).unwrap_or(i64::MAX);
    let mut rules = Vec::new();
    if let Some(min) = min.filter(|m| length < *m) {
        rules.push(format!("Member must have length greater than or equal to {min}"));
    }
    if let Some(max) = max.filter(|m| length > *m) {
        rules.push(format!("Member must have length less than or equal to {max}"));
    }
    rules
}

/// The rules a scalar value breaks, in the order AWS lists them for one member: pattern, then
/// minimum, then maximum (kinesalite test/createStream.js "empty StreamName": pattern before length),
/// then enum. Values of the wrong JSON kind break nothing here (pass 1 refuses them).
pub(crate) fn scalar_violations(model: &ServiceModel, shape: &Shape, value: &Value) -> Vec<String> {
    match (shape, value) {
        (Shape::String { min, max, pattern, enums }, Value::String(s)) => {
            let mut rules = Vec::new();
            if let Some(p) = pattern {
                if model.pattern_matches(p, s) == Some(false) {
                    rules.push(format!("Member must satisfy regular expression pattern: {p}"));
                }
            }
            rules.extend(length_violations(s.chars().count(), *min, *max));
            if !enums.is_empty() && !enums.iter().any(|e| e == s) {
                rules.push(enum_rule(enums));
            }
            rules
        }
        (Shape::Integer { min, max } | Shape::Long { min, max }, Value::Number(n)) => {
            range_violations(n.as_f64().unwrap_or(0.0), min.map(|m| m as f64), max.map(|m| m as f64), |v| v.to_string())
        }
        (Shape::Double { min, max } | Shape::Float { min, max }, Value::Number(n)) => {
            range_violations(n.as_f64().unwrap_or(0.0), *min, *max, format_limit)
        }
        (Shape::Blob { min, max }, Value::String(s)) => match base64_decoded_len(s) {
            Ok(len) => length_violations(len, *min, *max),
            Err(_) => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn range_violations(v: f64, min: Option<f64>, max: Option<f64>, show: impl Fn(f64) -> String) -> Vec<String> {
    let mut rules = Vec::new();
    if let Some(min) = min.filter(|m| v < *m) {
        rules.push(format!("Member must have value greater than or equal to {}", show(min)));
    }
    if let Some(max) = max.filter(|m| v > *m) {
        rules.push(format!("Member must have value less than or equal to {}", show(max)));
    }
    rules
}

/// A model limit as AWS prints it: whole numbers without a fraction.
fn format_limit(limit: f64) -> String {
    if limit.fract() == 0.0 && limit.abs() < 1e15 {
        format!("{}", limit as i64)
    } else {
        format!("{limit}")
    }
}

/// Every rule a scalar shape declares, in the order AWS lists them inside a group constraint:
/// maximum, minimum, pattern, enum (observed: ACM `[Member must have length less than or equal to 253,
/// Member must have length greater than or equal to 1, Member must satisfy regular expression
/// pattern: ...]`; Kinesis TagKeys in kinesalite test/removeTagsFromStream.js).
fn declared_constraints(shape: &Shape) -> Vec<String> {
    let mut rules = Vec::new();
    match shape {
        Shape::String { min, max, pattern, enums } => {
            push_length_bounds(&mut rules, *min, *max);
            if let Some(p) = pattern {
                rules.push(format!("Member must satisfy regular expression pattern: {p}"));
            }
            if !enums.is_empty() {
                rules.push(enum_rule(enums));
            }
        }
        Shape::Blob { min, max } => push_length_bounds(&mut rules, *min, *max),
        Shape::Integer { min, max } | Shape::Long { min, max } => {
            push_value_bounds(&mut rules, min.map(|m| m.to_string()), max.map(|m| m.to_string()))
        }
        Shape::Double { min, max } | Shape::Float { min, max } => {
            push_value_bounds(&mut rules, min.map(format_limit), max.map(format_limit))
        }
        _ => {}
    }
    rules
}

fn push_length_bounds(rules: &mut Vec<String>, min: Option<i64>, max: Option<i64>) {
    if let Some(max) = max {
        rules.push(format!("Member must have length less than or equal to {max}"));
    }
    if let Some(min) = min {
        rules.push(format!("Member must have length greater than or equal to {min}"));
    }
}

fn push_value_bounds(rules: &mut Vec<String>, min: Option<String>, max: Option<String>) {
    if let Some(max) = max {
        rules.push(format!("Member must have value less than or equal to {max}"));
    }
    if let Some(min) = min {
        rules.push(format!("Member must have value greater than or equal to {min}"));
    }
}

fn enum_rule(enums: &[String]) -> String {
    format!("Member must satisfy enum value set: [{}]", aws_enum_order(enums).join(", "))
}

/// The order AWS prints an enum's values in. AWS builds the set as a Java hash set, so the order is
/// the hash-bucket order: bucket = `String.hashCode() & (table size - 1)` with a 32-slot table
/// (doubling while more than three quarters full), ties in alphabetical order. This reproduces every
/// AWS enum message we could find, e.g. GetShardIterator's `[AFTER_SEQUENCE_NUMBER, LATEST,
/// AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]` (kinesalite test/getShardIterator.js) and
/// DynamoDB's 13-value ComparisonOperator set (dynalite tests).
pub fn aws_enum_order(values: &[String]) -> Vec<&str> {
    let mut table = 32usize;
    while values.len() * 4 > table * 3 {
        table *= 2;
    }
    let mut ordered: Vec<&str> = values.iter().map(String::as_str).collect();
    ordered.sort_unstable();
    ordered.sort_by_key(|v| (java_string_hash(v) as u32 as usize) & (table - 1));
    ordered
}

/// Java's `String.hashCode()`: `s[0]*31^(n-1) + ... + s[n-1]` over UTF-16 units, wrapping.
fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

/// A value as AWS shows it inside `Value '...'`: Java's `toString()` of the deserialized object.
fn render_value(model: &ServiceModel, shape_name: &str, value: &Value) -> String {
    match (model.shape(shape_name), value) {
        (_, Value::Null) => "null".to_string(),
        (Some(Shape::Blob { .. }), Value::String(s)) => {
            let len = base64_decoded_len(s).unwrap_or(0);
            format!("java.nio.HeapByteBuffer[pos=0 lim={len} cap={len}]")
        }
        (Some(Shape::Structure { .. }), _) => {
            format!("{}.{shape_name}{STRUCTURE_VALUE_SUFFIX}", model.java_package())
        }
        (Some(Shape::List { member, .. }), Value::Array(items)) => {
            let shown: Vec<String> = items.iter().map(|item| render_value(model, member, item)).collect();
            format!("[{}]", shown.join(", "))
        }
        (Some(Shape::Map { value: value_shape, .. }), Value::Object(entries)) => {
            let shown: Vec<String> =
                entries.iter().map(|(k, v)| format!("{k}={}", render_value(model, value_shape, v))).collect();
            format!("{{{}}}", shown.join(", "))
        }
        (Some(Shape::Double { .. } | Shape::Float { .. }), Value::Number(n)) => java_double(n.as_f64().unwrap_or(0.0)),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// Java's `Double.toString`: `1.0`, `0.25`, `1.0E7`, `1.0E-4`.
fn java_double(v: f64) -> String {
    let magnitude = v.abs();
    if magnitude == 0.0 || (1e-3..1e7).contains(&magnitude) {
        if v.fract() == 0.0 {
            format!("{v:.1}")
        } else {
            format!("{v}")
        }
    } else {
        let text = format!("{v:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
        let mantissa = if mantissa.contains('.') { mantissa.to_string() } else { format!("{mantissa}.0") };
        format!("{mantissa}E{exponent}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::kinesis;
    use serde_json::json;

    fn check(operation: &str, body: Value) -> Result<(), ApiError> {
        validate_request(kinesis(), operation, &body)
    }

    fn validation_message(operation: &str, body: Value) -> String {
        match check(operation, body) {
            Err(e) if e.error_type == ErrorType::Validation => e.message,
            other => panic!("expected ValidationException, got {other:?}"),
        }
    }

    fn serialization_message(operation: &str, body: Value) -> String {
        match check(operation, body) {
            Err(e) if e.error_type == ErrorType::Serialization => e.message,
            other => panic!("expected SerializationException, got {other:?}"),
        }
    }

    fn one(rest: &str) -> String {
        format!("1 validation error detected: {rest}")
    }

    fn base64_of_len(bytes: usize) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(vec![0u8; bytes])
    }

    // ---- valid requests ----

    // Source: aws-models/kinesis.json CreateStreamInput (only StreamName required).
    #[test]
    fn valid_requests_pass() {
        assert_eq!(check("CreateStream", json!({"StreamName": "orders", "ShardCount": 3})), Ok(()));
        assert_eq!(check("CreateStream", json!({"StreamName": "a.b-c_9"})), Ok(()));
        assert_eq!(check("ListStreams", json!({})), Ok(()));
        assert_eq!(check("ListStreams", Value::Null), Ok(()));
        let records: Vec<Value> = (0..500).map(|i| json!({"PartitionKey": format!("k{i}"), "Data": "AAAA"})).collect();
        assert_eq!(check("PutRecords", json!({"StreamName": "s", "Records": records})), Ok(()));
        let put = json!({"StreamName": "s", "PartitionKey": "k", "Data": "", "ExplicitHashKey": "0"});
        assert_eq!(check("PutRecord", put), Ok(()));
    }

    // Source: kinesalite validations/index.js checkTypes (unknown keys deleted, null treated as absent).
    #[test]
    fn unknown_members_ignored_and_null_is_absent() {
        let body = json!({"StreamName": "s", "Bogus": [1, {"x": true}], "ShardCount": null});
        assert_eq!(check("CreateStream", body.clone()), Ok(()));
        assert_eq!(normalize_request(kinesis(), "CreateStream", &body), Ok(json!({"StreamName": "s"})));
        // Member names are case-sensitive: "streamName" is unknown, so StreamName is missing.
        assert_eq!(
            validation_message("CreateStream", json!({"streamName": "s"})),
            one("Value null at 'streamName' failed to satisfy constraint: Member must not be null")
        );
    }

    #[test]
    fn unknown_operation_is_unknown_operation_exception() {
        let err = check("NoSuchThing", json!({})).unwrap_err();
        assert_eq!(err.error_type, ErrorType::UnknownOperation);
    }

    // ---- required ----

    // Source: aws-models/kinesis.json CreateStreamInput required [StreamName];
    // message text: kinesalite test/createStream.js "no StreamName".
    #[test]
    fn create_stream_missing_name() {
        assert_eq!(
            validation_message("CreateStream", json!({})),
            one("Value null at 'streamName' failed to satisfy constraint: Member must not be null")
        );
        assert_eq!(
            validation_message("CreateStream", json!({"StreamName": null, "ShardCount": 1})),
            one("Value null at 'streamName' failed to satisfy constraint: Member must not be null")
        );
    }

    // Source: aws-models/kinesis.json GetShardIteratorInput required [ShardId, ShardIteratorType];
    // kinesalite test/getShardIterator.js "no StreamName".
    #[test]
    fn get_shard_iterator_missing_members() {
        assert_eq!(
            validation_message("GetShardIterator", json!({})),
            "2 validation errors detected: \
             Value null at 'shardId' failed to satisfy constraint: Member must not be null; \
             Value null at 'shardIteratorType' failed to satisfy constraint: Member must not be null"
        );
    }

    // ---- string length, pattern ----

    // Source: aws-models/kinesis.json StreamName max 128; kinesalite test/createStream.js "long StreamName".
    #[test]
    fn create_stream_name_too_long() {
        let name = "a".repeat(129);
        assert_eq!(
            validation_message("CreateStream", json!({"StreamName": name, "ShardCount": 1})),
            one(&format!(
                "Value '{name}' at 'streamName' failed to satisfy constraint: \
                 Member must have length less than or equal to 128"
            ))
        );
        assert_eq!(check("CreateStream", json!({"StreamName": "a".repeat(128)})), Ok(()));
    }

    // Source: aws-models/kinesis.json StreamName pattern [a-zA-Z0-9_.-]+ (full-string match).
    #[test]
    fn create_stream_name_bad_pattern() {
        assert_eq!(
            validation_message("CreateStream", json!({"StreamName": "my stream!"})),
            one("Value 'my stream!' at 'streamName' failed to satisfy constraint: \
                 Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
        );
    }

    // Source: aws-models/kinesis.json StreamName min 1, PositiveIntegerObject min 1;
    // kinesalite test/createStream.js "empty StreamName" (exact message recorded against AWS).
    #[test]
    fn create_stream_empty_name_and_zero_shards() {
        assert_eq!(
            validation_message("CreateStream", json!({"StreamName": "", "ShardCount": 0})),
            "3 validation errors detected: \
             Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; \
             Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; \
             Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
    }

    // Source: FACTS.md §1 "Partition key: 1–256 Unicode characters"; aws-models/kinesis.json PartitionKey max 256.
    #[test]
    fn string_length_counts_characters_not_bytes() {
        let key = "é".repeat(256); // 512 UTF-8 bytes, 256 characters
        assert_eq!(check("PutRecord", json!({"StreamName": "s", "PartitionKey": key, "Data": ""})), Ok(()));
        let long = "é".repeat(257);
        assert_eq!(
            validation_message("PutRecord", json!({"StreamName": "s", "PartitionKey": long, "Data": ""})),
            one(&format!(
                "Value '{long}' at 'partitionKey' failed to satisfy constraint: \
                 Member must have length less than or equal to 256"
            ))
        );
    }

    // ---- integer range ----

    // Source: aws-models/kinesis.json GetRecordsInputLimit max 10000; kinesalite test/getRecords.js.
    #[test]
    fn get_records_limit_range() {
        let name = "a".repeat(513);
        assert_eq!(
            validation_message("GetRecords", json!({"ShardIterator": name, "Limit": 100000})),
            format!(
                "2 validation errors detected: \
                 Value '100000' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000; \
                 Value '{name}' at 'shardIterator' failed to satisfy constraint: Member must have length less than or equal to 512"
            )
        );
    }

    // Source: aws-models/kinesis.json MaxRecordSizeInKiB {min 1024, max 10240}; FACTS.md §1 Writes.
    #[test]
    fn max_record_size_range() {
        assert_eq!(
            validation_message("CreateStream", json!({"StreamName": "s", "MaxRecordSizeInKiB": 1023})),
            one("Value '1023' at 'maxRecordSizeInKiB' failed to satisfy constraint: \
                 Member must have value greater than or equal to 1024")
        );
        assert_eq!(
            validation_message("UpdateMaxRecordSize", json!({"MaxRecordSizeInKiB": 10241})),
            one("Value '10241' at 'maxRecordSizeInKiB' failed to satisfy constraint: \
                 Member must have value less than or equal to 10240")
        );
    }

    // Source: kinesalite validations/index.js (numbers truncated, integers saturated at 2147483647);
    // kinesalite test/createStream.js sends ShardCount 100000000000 and gets no shardCount error.
    #[test]
    fn integers_are_truncated_and_saturated() {
        let body = json!({"StreamName": "s", "ShardCount": 100000000000u64});
        assert_eq!(
            normalize_request(kinesis(), "CreateStream", &body),
            Ok(json!({"StreamName": "s", "ShardCount": 2147483647}))
        );
        let body = json!({"StreamName": "s", "ShardCount": 2.9});
        assert_eq!(
            normalize_request(kinesis(), "CreateStream", &body),
            Ok(json!({"StreamName": "s", "ShardCount": 2}))
        );
        assert_eq!(
            validation_message("CreateStream", json!({"StreamName": "s", "ShardCount": 0.5})),
            one("Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1")
        );
    }

    // ---- list length ----

    // Source: aws-models/kinesis.json PutRecordsRequestEntryList min 1; kinesalite test/putRecords.js.
    #[test]
    fn put_records_zero_records() {
        assert_eq!(
            validation_message("PutRecords", json!({"StreamName": "s", "Records": []})),
            one("Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1")
        );
    }

    // Source: aws-models/kinesis.json PutRecordsRequestEntryList max 500; FACTS.md §1 "PutRecords: 1–500
    // records per call"; value text from kinesalite test/putRecords.js "too many records".
    #[test]
    fn put_records_501_records() {
        let records: Vec<Value> = (0..501).map(|_| json!({"PartitionKey": "k", "Data": ""})).collect();
        let entry = "com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@2";
        let shown = vec![entry; 501].join(", ");
        assert_eq!(
            validation_message("PutRecords", json!({"StreamName": "s", "Records": records})),
            one(&format!(
                "Value '[{shown}]' at 'records' failed to satisfy constraint: \
                 Member must have length less than or equal to 500"
            ))
        );
    }

    // Source: kinesalite test/putRecords.js "too many records" (exact message recorded against AWS):
    // list error first, element paths `records.<n>.member.<field>`, capped at 10.
    #[test]
    fn put_records_caps_at_ten_errors() {
        let records: Vec<Value> = (0..501).map(|_| json!({"PartitionKey": "", "Data": ""})).collect();
        let entry = "com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@2";
        let mut expected = format!(
            "10 validation errors detected: Value '[{}]' at 'records' failed to satisfy constraint: \
             Member must have length less than or equal to 500",
            vec![entry; 501].join(", ")
        );
        for n in 1..=9 {
            expected.push_str(&format!(
                "; Value '' at 'records.{n}.member.partitionKey' failed to satisfy constraint: \
                 Member must have length greater than or equal to 1"
            ));
        }
        assert_eq!(validation_message("PutRecords", json!({"StreamName": "", "Records": records})), expected);
    }

    // Source: kinesalite test/putRecords.js "long StreamName" (exact order recorded against AWS:
    // partitionKey, explicitHashKey, data, then streamName); Data shown as a HeapByteBuffer.
    #[test]
    fn put_records_element_errors_in_aws_order() {
        let name = "a".repeat(129);
        let key = "a".repeat(257);
        let body = json!({"StreamName": name, "Records": [{"PartitionKey": key, "Data": base64_of_len(10485761), "ExplicitHashKey": ""}]});
        assert_eq!(
            validation_message("PutRecords", body),
            format!(
                "4 validation errors detected: \
                 Value '{key}' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256; \
                 Value '' at 'records.1.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{{0,38}}); \
                 Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'records.1.member.data' failed to satisfy constraint: Member must have length less than or equal to 10485760; \
                 Value '{name}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128"
            )
        );
    }

    // Source: kinesalite test/putRecord.js "empty StreamName" (exact order recorded against AWS).
    #[test]
    fn put_record_errors_in_aws_order() {
        let body = json!({"StreamName": "", "PartitionKey": "", "Data": "", "ExplicitHashKey": "", "SequenceNumberForOrdering": ""});
        assert_eq!(
            validation_message("PutRecord", body),
            "5 validation errors detected: \
             Value '' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); \
             Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; \
             Value '' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); \
             Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; \
             Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
    }

    // Source: kinesalite test/putRecord.js "no StreamName" order (partitionKey before data);
    // today's model requires only Data and PartitionKey (StreamName may be replaced by StreamARN).
    #[test]
    fn put_record_missing_required_in_aws_order() {
        assert_eq!(
            validation_message("PutRecord", json!({})),
            "2 validation errors detected: \
             Value null at 'partitionKey' failed to satisfy constraint: Member must not be null; \
             Value null at 'data' failed to satisfy constraint: Member must not be null"
        );
    }

    // Source: aws-models/kinesis.json PutRecordsRequestEntry required [Data, PartitionKey].
    #[test]
    fn put_records_null_nested_required() {
        assert_eq!(
            validation_message("PutRecords", json!({"Records": [{"PartitionKey": "k", "Data": null}]})),
            one("Value null at 'records.1.member.data' failed to satisfy constraint: Member must not be null")
        );
    }

    // ---- blob length ----

    // Source: aws-models/kinesis.json Data max 10485760 (FACTS.md §1: 10 MiB records since Oct 2025);
    // value text java.nio.HeapByteBuffer from kinesalite test/putRecord.js "long StreamName".
    #[test]
    fn put_record_data_over_10_mib() {
        let body = json!({"StreamName": "s", "PartitionKey": "k", "Data": base64_of_len(10485761)});
        assert_eq!(
            validation_message("PutRecord", body),
            one("Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'data' failed to satisfy \
                 constraint: Member must have length less than or equal to 10485760")
        );
        let body = json!({"StreamName": "s", "PartitionKey": "k", "Data": base64_of_len(10485760)});
        assert_eq!(check("PutRecord", body), Ok(()));
    }

    // ---- enums ----

    // Source: aws-models/kinesis.json ShardIteratorType enum; AWS's order from kinesalite
    // test/getShardIterator.js "empty StreamName" (recorded against AWS).
    #[test]
    fn get_shard_iterator_bad_type() {
        assert_eq!(
            validation_message("GetShardIterator", json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "OLDEST"})),
            one("Value 'OLDEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: \
                 [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]")
        );
    }

    // Sources: AWS enum messages quoted by dynalite tests (recorded against AWS) and other AWS emulators.
    #[test]
    fn enum_order_matches_every_observed_aws_message() {
        let cases: &[(&[&str], &str)] = &[
            (
                &["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"],
                "AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON",
            ),
            (
                &[
                    "EQ",
                    "NE",
                    "IN",
                    "LE",
                    "LT",
                    "GE",
                    "GT",
                    "BETWEEN",
                    "NOT_NULL",
                    "NULL",
                    "CONTAINS",
                    "NOT_CONTAINS",
                    "BEGINS_WITH",
                ],
                "IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS",
            ),
            (
                &["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"],
                "ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW",
            ),
            (
                &["ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"],
                "SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES",
            ),
            (&["PROVISIONED", "PAY_PER_REQUEST"], "PROVISIONED, PAY_PER_REQUEST"),
            (&["S", "N", "B"], "B, N, S"),
            (&["INDEXES", "TOTAL", "NONE"], "INDEXES, TOTAL, NONE"),
            (&["SIZE", "NONE"], "SIZE, NONE"),
            (&["AND", "OR"], "OR, AND"),
        ];
        for (model_order, aws) in cases {
            let values: Vec<String> = model_order.iter().map(|s| s.to_string()).collect();
            assert_eq!(aws_enum_order(&values).join(", "), *aws);
        }
    }

    // Source: aws-models/kinesis.json MetricsNameList {min 1, max 7} of MetricsName enum; the group
    // wording for list members from kinesalite test/removeTagsFromStream.js (TagKeys).
    #[test]
    fn enhanced_monitoring_metric_list() {
        assert_eq!(
            validation_message("EnableEnhancedMonitoring", json!({"StreamName": "s", "ShardLevelMetrics": []})),
            one("Value '[]' at 'shardLevelMetrics' failed to satisfy constraint: Member must have length greater than or equal to 1")
        );
        assert_eq!(
            validation_message("EnableEnhancedMonitoring", json!({"StreamName": "s", "ShardLevelMetrics": ["ALL", "Bogus"]})),
            one("Value '[ALL, Bogus]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: \
                 [Member must satisfy enum value set: [ALL, IteratorAgeMilliseconds, IncomingBytes, \
                 WriteProvisionedThroughputExceeded, OutgoingRecords, ReadProvisionedThroughputExceeded, \
                 IncomingRecords, OutgoingBytes]]")
        );
    }

    // Source: aws-models/kinesis.json StreamModeDetails.StreamMode enum (nested path `a.b`).
    #[test]
    fn nested_structure_path() {
        assert_eq!(
            validation_message("CreateStream", json!({"StreamName": "s", "StreamModeDetails": {"StreamMode": "FAST"}})),
            one("Value 'FAST' at 'streamModeDetails.streamMode' failed to satisfy constraint: \
                 Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]")
        );
        assert_eq!(
            validation_message("CreateStream", json!({"StreamName": "s", "StreamModeDetails": {}})),
            one("Value null at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must not be null")
        );
    }

    // ---- list members and maps ----

    // Source: kinesalite test/removeTagsFromStream.js "long TagKey" (exact message recorded against AWS);
    // today's model: TagKeyList max 50, TagKey {min 1, max 128}.
    #[test]
    fn remove_tags_long_key() {
        let name = "a".repeat(129);
        assert_eq!(
            validation_message("RemoveTagsFromStream", json!({"StreamName": "s", "TagKeys": ["a", name, "b"]})),
            one(&format!(
                "Value '[a, {name}, b]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: \
                 [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]"
            ))
        );
        let many: Vec<String> = (0..51).map(|i| i.to_string()).collect();
        assert_eq!(
            validation_message("RemoveTagsFromStream", json!({"StreamName": "s", "TagKeys": many})),
            one(&format!(
                "Value '[{}]' at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50",
                many.join(", ")
            ))
        );
    }

    // Source: kinesalite test/addTagsToStream.js "long tag key" / "long tag value" (recorded against
    // AWS); today's model: TagMap {min 1, max 200}, TagKey {1..128}, TagValue {0..256}.
    #[test]
    fn add_tags_map_constraints() {
        let long_key = "k".repeat(129);
        assert_eq!(
            validation_message("AddTagsToStream", json!({"StreamName": "s", "Tags": {long_key.clone(): "3"}})),
            one(&format!(
                "Value '{{{long_key}=3}}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: \
                 [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]"
            ))
        );
        let long_value = "v".repeat(257);
        assert_eq!(
            validation_message("AddTagsToStream", json!({"StreamName": "s", "Tags": {"c": long_value.clone()}})),
            one(&format!(
                "Value '{{c={long_value}}}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: \
                 [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]"
            ))
        );
        assert_eq!(
            validation_message("AddTagsToStream", json!({"StreamName": "s", "Tags": {}})),
            one(
                "Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1"
            )
        );
        assert_eq!(
            validation_message("AddTagsToStream", json!({"StreamName": "s"})),
            one("Value null at 'tags' failed to satisfy constraint: Member must not be null")
        );
    }

    // Not confirmed against AWS: a null list element is reported at its element path.
    #[test]
    fn null_list_elements_are_refused() {
        assert_eq!(
            validation_message("PutRecords", json!({"Records": [null]})),
            one("Value null at 'records.1.member' failed to satisfy constraint: Member must not be null")
        );
    }

    // ---- SerializationException ----

    // Source: kinesalite test/helpers.js assertType 'String' (messages recorded against AWS).
    #[test]
    fn string_member_type_mismatches() {
        let cases = [
            (json!(true), "class java.lang.Boolean can not be converted to an String"),
            (
                json!(23),
                "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String",
            ),
            (
                json!(34.56),
                "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String",
            ),
            (json!([]), "Start of list found where not expected"),
            (json!({}), "Start of structure or map found where not expected."),
        ];
        for (value, message) in cases {
            assert_eq!(serialization_message("CreateStream", json!({"StreamName": value})), message);
        }
    }

    // Source: kinesalite test/helpers.js assertType 'Integer' (CreateStream ShardCount).
    #[test]
    fn integer_member_type_mismatches() {
        let cases = [
            (json!("23"), "class java.lang.String can not be converted to an Integer"),
            (json!(true), "class java.lang.Boolean can not be converted to an Integer"),
            (json!([]), "Start of list found where not expected"),
            (json!({}), "Start of structure or map found where not expected."),
        ];
        for (value, message) in cases {
            assert_eq!(serialization_message("CreateStream", json!({"StreamName": "s", "ShardCount": value})), message);
        }
    }

    // Source: kinesalite test/helpers.js assertType 'Boolean' (DeleteStream EnforceConsumerDeletion).
    #[test]
    fn boolean_member_type_mismatches() {
        let cases = [
            (json!("23"), "'23' can not be converted to an Boolean"),
            (json!("yes please"), "'YES PLEASE' can not be converted to an Boolean"),
            (
                json!(23),
                "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean",
            ),
            (json!([]), "Start of list found where not expected"),
            (json!({}), "Start of structure or map found where not expected."),
        ];
        for (value, message) in cases {
            let body = json!({"StreamName": "s", "EnforceConsumerDeletion": value});
            assert_eq!(serialization_message("DeleteStream", body), message);
        }
    }

    // Source: kinesalite test/helpers.js assertType 'Blob' (PutRecord Data), including AWS's "dectected".
    #[test]
    fn blob_member_type_mismatches() {
        let cases = [
            (json!(true), "class java.lang.Boolean can not be converted to a Blob".to_string()),
            (json!(23), "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to a Blob".to_string()),
            (json!([]), "Start of list found where not expected".to_string()),
            (json!({}), "Start of structure or map found where not expected.".to_string()),
            (json!("23456"), "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5".to_string()),
            (json!("=+/="), "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='".to_string()),
            (json!("+/+="), "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected".to_string()),
            (json!("ab!d"), "'ab!d' can not be converted to a Blob: Invalid Base64 character: '!'".to_string()),
        ];
        for (value, message) in cases {
            let body = json!({"StreamName": "s", "PartitionKey": "k", "Data": value});
            assert_eq!(serialization_message("PutRecord", body), message);
        }
    }

    #[test]
    fn base64_lengths() {
        assert_eq!(base64_decoded_len(""), Ok(0));
        assert_eq!(base64_decoded_len("AAAA"), Ok(3));
        assert_eq!(base64_decoded_len("AAA="), Ok(2));
        assert_eq!(base64_decoded_len("AA=="), Ok(1));
        assert_eq!(base64_decoded_len("aGVsbG8="), Ok(5));
        assert!(base64_decoded_len("A===").is_err());
        assert!(base64_decoded_len("====").is_err());
        assert!(base64_decoded_len("AB==").is_err());
        assert!(base64_decoded_len("éééé").is_err());
    }

    // Source: kinesalite test/helpers.js assertType 'List' and 'Structure' (PutRecords Records, Records.0).
    #[test]
    fn list_and_structure_type_mismatches() {
        for value in [json!("23"), json!(true), json!(23), json!(34.56)] {
            assert_eq!(serialization_message("PutRecords", json!({"Records": value})), "Expected list or null");
            assert_eq!(serialization_message("PutRecords", json!({"Records": [value]})), "Expected null");
        }
        assert_eq!(
            serialization_message("PutRecords", json!({"Records": {}})),
            "Start of structure or map found where not expected."
        );
        assert_eq!(
            serialization_message("PutRecords", json!({"Records": [[]]})),
            "Start of list found where not expected"
        );
    }

    // Source: kinesalite test/helpers.js assertType 'Map' (AddTagsToStream Tags, Tags.a).
    #[test]
    fn map_type_mismatches() {
        for value in [json!("23"), json!(true), json!(23)] {
            assert_eq!(serialization_message("AddTagsToStream", json!({"Tags": value})), "Expected map or null");
        }
        assert_eq!(
            serialization_message("AddTagsToStream", json!({"Tags": []})),
            "Start of list found where not expected"
        );
        assert_eq!(
            serialization_message("AddTagsToStream", json!({"Tags": {"a": 1}})),
            "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"
        );
    }

    // Source: kinesalite validations/index.js Timestamp case (GetShardIterator Timestamp is epoch seconds).
    #[test]
    fn timestamps_are_numbers() {
        let base = json!({"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_TIMESTAMP"});
        let with = |ts: Value| {
            let mut body = base.clone();
            body["Timestamp"] = ts;
            body
        };
        assert_eq!(check("GetShardIterator", with(json!(1700000000.5))), Ok(()));
        assert_eq!(
            serialization_message("GetShardIterator", with(json!("1700000000"))),
            "class java.lang.String can not be converted to milliseconds since epoch"
        );
        assert_eq!(
            serialization_message("GetShardIterator", with(json!(false))),
            "class java.lang.Boolean can not be converted to milliseconds since epoch"
        );
    }

    // Not confirmed against AWS: a body that is not a JSON object gets the structure messages.
    #[test]
    fn body_that_is_not_an_object() {
        assert_eq!(serialization_message("ListStreams", json!([])), "Start of list found where not expected");
        assert_eq!(serialization_message("ListStreams", json!("x")), "Expected null");
        assert_eq!(serialization_message("CreateStream", json!(5)), "Expected null");
    }

    // Source: kinesalite index.js (type checks run before constraint checks).
    #[test]
    fn serialization_wins_over_validation() {
        let body = json!({"StreamName": "", "ShardCount": "x"});
        assert_eq!(
            serialization_message("CreateStream", body),
            "class java.lang.String can not be converted to an Integer"
        );
    }

    #[test]
    fn java_double_formatting() {
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(0.25), "0.25");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(1.5e-4), "1.5E-4");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn member_names() -> Vec<String> {
            let mut names: Vec<String> = kinesis()
                .shapes()
                .filter_map(|(_, shape)| match shape {
                    Shape::Structure { members, .. } => {
                        Some(members.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>())
                    }
                    _ => None,
                })
                .flatten()
                .collect();
            names.sort();
            names.dedup();
            names
        }

        fn leaf() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::from),
                any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
                "[A-Za-z0-9+/=]{0,12}".prop_map(Value::String),
                ".{0,10}".prop_map(Value::String),
                prop::sample::select(vec!["LATEST", "AT_TIMESTAMP", "ALL", "shardId-000000000000", ""])
                    .prop_map(|s| Value::String(s.to_string())),
            ]
        }

        fn json_value() -> impl Strategy<Value = Value> {
            let keys = prop_oneof![prop::sample::select(member_names()), "[A-Za-z]{1,6}"];
            leaf().prop_recursive(4, 64, 6, move |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                    prop::collection::vec((keys.clone(), inner), 0..6)
                        .prop_map(|entries| Value::Object(entries.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            /// Any JSON for any operation gives Ok or a Serialization/Validation error, never a panic,
            /// and a normalized body is accepted again unchanged.
            #[test]
            fn random_json_never_panics(body in json_value(), op in prop::sample::select(kinesis().operation_names().to_vec())) {
                match normalize_request(kinesis(), &op, &body) {
                    Ok(normalized) => {
                        prop_assert_eq!(normalize_request(kinesis(), &op, &normalized), Ok(normalized.clone()));
                    }
                    Err(e) => {
                        prop_assert!(matches!(e.error_type, ErrorType::Serialization | ErrorType::Validation));
                        if e.error_type == ErrorType::Validation {
                            prop_assert!(e.message.contains(" validation error"));
                        }
                    }
                }
            }
        }
    }
}

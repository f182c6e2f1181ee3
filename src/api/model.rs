//! AWS's own service model (the botocore JSON: `operations` + `shapes`), parsed once into typed shapes.
//!
//! The model is the authority for request validation (`validate`) and response checking (`shape_check`):
//! member names, required members, min/max, patterns and enums all come from here rather than from
//! hand-written tables, so the simulation cannot drift from what boto3 and the AWS CLI expect.
//! Nothing here knows about Kinesis in particular: `ServiceModel::from_json` takes any botocore model
//! (Firehose, Video Streams, ...), and every lookup by name returns an `Option` so an unknown operation
//! or shape name can never panic.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

use regex_lite::Regex;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

/// The Kinesis Data Streams model, embedded at build time (documentation stripped, shapes unchanged).
const KINESIS_MODEL_JSON: &str = include_str!("../../models/kinesis.json");

/// The Kinesis Data Streams model, parsed on first use and shared for the life of the program.
///
/// The embedded JSON is a build-time constant checked by this module's tests, so a failure here means the
/// build itself is broken (not that any request was bad); we stop loudly rather than serve a service
/// that silently knows no operations.
pub fn kinesis() -> &'static ServiceModel {
    static MODEL: OnceLock<ServiceModel> = OnceLock::new();
    MODEL.get_or_init(|| match ServiceModel::from_json(KINESIS_MODEL_JSON) {
        Ok(model) => model,
        Err(err) => panic!("embedded models/kinesis.json is not a valid service model: {err}"),
    })
}

/// The Amazon Data Firehose model (API 2015-08-04), embedded the same way.
const FIREHOSE_MODEL_JSON: &str = include_str!("../../models/firehose.json");

/// The Firehose model, parsed on first use (see `kinesis()` for why a failure here panics).
pub fn firehose() -> &'static ServiceModel {
    static MODEL: OnceLock<ServiceModel> = OnceLock::new();
    MODEL.get_or_init(|| match ServiceModel::from_json(FIREHOSE_MODEL_JSON) {
        Ok(model) => model,
        Err(err) => panic!("embedded models/firehose.json is not a valid service model: {err}"),
    })
}

/// Why a model text could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(pub String);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ModelError {}

/// The service-wide facts from the model's `metadata` block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata {
    /// e.g. `2013-12-02`.
    pub api_version: String,
    /// e.g. `kinesis`.
    pub endpoint_prefix: String,
    /// The `X-Amz-Target` prefix, e.g. `Kinesis_20131202`.
    pub target_prefix: String,
    /// e.g. `json`.
    pub protocol: String,
    /// e.g. `1.1`.
    pub json_version: String,
    /// e.g. `Kinesis`.
    pub service_id: String,
}

/// One API operation: its name and the shapes of its request and response bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub name: String,
    /// The request body shape; `None` means the operation takes no body members.
    pub input: Option<String>,
    /// The response body shape; `None` means AWS answers with an empty body.
    pub output: Option<String>,
    /// The error shapes the operation is documented to return.
    pub errors: Vec<String>,
}

/// A shape from the model, with only the facts that decide what is valid on the wire.
///
/// Numeric limits are kept as the model states them: lengths and integer bounds as `i64`, double
/// bounds as `f64`. Member lists keep the model's own order, which is the order AWS reports errors in
/// as far as it can be known (see `validate`).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Structure {
        /// (member name, target shape name), in model order.
        members: Vec<(String, String)>,
        required: Vec<String>,
        /// An error shape (`ResourceNotFoundException`, ...).
        exception: bool,
        /// A union of events sent over an event stream (`SubscribeToShardEventStream`).
        eventstream: bool,
        /// One event of an event stream (`SubscribeToShardEvent`).
        event: bool,
    },
    List {
        member: String,
        min: Option<i64>,
        max: Option<i64>,
    },
    Map {
        key: String,
        value: String,
        min: Option<i64>,
        max: Option<i64>,
    },
    String {
        min: Option<i64>,
        max: Option<i64>,
        pattern: Option<String>,
        enums: Vec<String>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Long {
        min: Option<i64>,
        max: Option<i64>,
    },
    Double {
        min: Option<f64>,
        max: Option<f64>,
    },
    Float {
        min: Option<f64>,
        max: Option<f64>,
    },
    Blob {
        min: Option<i64>,
        max: Option<i64>,
    },
    Boolean,
    Timestamp,
    /// A type this code does not know; validation accepts any value for it rather than guess.
    Unknown {
        type_name: String,
    },
}

impl Shape {
    /// The botocore type name (`structure`, `string`, ...), for messages.
    pub fn type_name(&self) -> &str {
        match self {
            Shape::Structure { .. } => "structure",
            Shape::List { .. } => "list",
            Shape::Map { .. } => "map",
            Shape::String { .. } => "string",
            Shape::Integer { .. } => "integer",
            Shape::Long { .. } => "long",
            Shape::Double { .. } => "double",
            Shape::Float { .. } => "float",
            Shape::Blob { .. } => "blob",
            Shape::Boolean => "boolean",
            Shape::Timestamp => "timestamp",
            Shape::Unknown { type_name } => type_name,
        }
    }
}

/// A parsed service model: metadata, operations and shapes, plus compiled member patterns.
#[derive(Debug)]
pub struct ServiceModel {
    metadata: Metadata,
    operations: BTreeMap<String, Operation>,
    operation_names: Vec<String>,
    shapes: BTreeMap<String, Shape>,
    /// Pattern source → compiled full-string matcher (`None` when the pattern uses syntax the regex
    /// engine lacks, e.g. look-ahead; such patterns are then not enforced rather than wrongly enforced).
    patterns: HashMap<String, Option<Regex>>,
}

impl ServiceModel {
    /// Parses a botocore service model (the JSON text of e.g. `kinesis.json` or `firehose.json`).
    ///
    /// Fails if the text is not a model or if an operation or shape refers to a shape that does not
    /// exist, so that every later lookup made while walking the model can rely on the references.
    pub fn from_json(text: &str) -> Result<ServiceModel, ModelError> {
        let raw: RawModel = serde_json::from_str(text).map_err(|e| ModelError(format!("model JSON: {e}")))?;
        let mut shapes = BTreeMap::new();
        for (name, raw_shape) in raw.shapes {
            let shape = convert_shape(&name, raw_shape)?;
            shapes.insert(name, shape);
        }
        let mut operations = BTreeMap::new();
        for (name, raw_op) in raw.operations {
            operations.insert(name.clone(), convert_operation(name, raw_op));
        }
        let operation_names = operations.keys().cloned().collect();
        let patterns = compile_patterns(&shapes);
        let model =
            ServiceModel { metadata: raw.metadata.into_metadata(), operations, operation_names, shapes, patterns };
        model.check_references()?;
        Ok(model)
    }

    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// The operation called `name` (exact, case-sensitive, as in `X-Amz-Target`).
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.get(name)
    }

    /// Every operation name, sorted.
    pub fn operation_names(&self) -> &[String] {
        &self.operation_names
    }

    /// The shape called `name`.
    pub fn shape(&self, name: &str) -> Option<&Shape> {
        self.shapes.get(name)
    }

    /// Every shape name with its shape, sorted by name.
    pub fn shapes(&self) -> impl Iterator<Item = (&str, &Shape)> {
        self.shapes.iter().map(|(name, shape)| (name.as_str(), shape))
    }

    /// Whether `value` matches the model pattern `pattern` as a whole (AWS patterns are Java
    /// `Pattern.matches`, i.e. full-string). `None` if the pattern cannot be evaluated here.
    pub fn pattern_matches(&self, pattern: &str, value: &str) -> Option<bool> {
        match self.patterns.get(pattern) {
            Some(Some(regex)) => Some(regex.is_match(value)),
            Some(None) => None,
            None => compile_full_match(pattern).map(|regex| regex.is_match(value)),
        }
    }

    /// Model patterns the regex engine cannot evaluate (look-around, `\p{..}` classes), which validation
    /// therefore does not enforce. Empty for Kinesis; Firehose has a few (e.g. its TagKey pattern).
    pub fn unsupported_patterns(&self) -> Vec<&str> {
        let mut unsupported: Vec<&str> =
            self.patterns.iter().filter(|(_, regex)| regex.is_none()).map(|(p, _)| p.as_str()).collect();
        unsupported.sort_unstable();
        unsupported
    }

    /// The Java package AWS's generated request classes live in, e.g.
    /// `com.amazonaws.kinesis.v20131202`. AWS prints structure values inside lists as
    /// `<package>.<Shape>@<hash>` in validation messages.
    pub fn java_package(&self) -> String {
        let version: String = self.metadata.api_version.chars().filter(|c| *c != '-').collect();
        format!("com.amazonaws.{}.v{}", self.metadata.endpoint_prefix, version)
    }

    /// Rejects a model whose operations or shapes name shapes it does not define.
    fn check_references(&self) -> Result<(), ModelError> {
        for op in self.operations.values() {
            for target in op.input.iter().chain(op.output.iter()) {
                self.require_shape(target, &op.name)?;
            }
        }
        for (name, shape) in &self.shapes {
            for target in shape_references(shape) {
                self.require_shape(target, name)?;
            }
        }
        Ok(())
    }

    fn require_shape(&self, target: &str, referrer: &str) -> Result<(), ModelError> {
        if self.shapes.contains_key(target) {
            Ok(())
        } else {
            Err(ModelError(format!("{referrer} refers to undefined shape {target}")))
        }
    }
}

/// The shape names a shape points at (members, list member, map key and value).
fn shape_references(shape: &Shape) -> Vec<&str> {
    match shape {
        Shape::Structure { members, .. } => members.iter().map(|(_, t)| t.as_str()).collect(),
        Shape::List { member, .. } => vec![member.as_str()],
        Shape::Map { key, value, .. } => vec![key.as_str(), value.as_str()],
        _ => Vec::new(),
    }
}

/// Compiles every distinct string pattern once, so validation never recompiles per request.
fn compile_patterns(shapes: &BTreeMap<String, Shape>) -> HashMap<String, Option<Regex>> {
    let mut patterns = HashMap::new();
    for shape in shapes.values() {
        if let Shape::String { pattern: Some(pattern), .. } = shape {
            patterns.entry(pattern.clone()).or_insert_with(|| compile_full_match(pattern));
        }
    }
    patterns
}

/// Anchors a model pattern at both ends: AWS (Java `Pattern.matches`) requires the whole value to match.
fn compile_full_match(pattern: &str) -> Option<Regex> {
    Regex::new(&format!("^(?:{pattern})$")).ok()
}

fn convert_operation(name: String, raw: RawOperation) -> Operation {
    Operation {
        name,
        input: raw.input.map(|r| r.shape),
        output: raw.output.map(|r| r.shape),
        errors: raw.errors.into_iter().map(|r| r.shape).collect(),
    }
}

/// Turns one raw botocore shape into a typed `Shape`, insisting on the parts each type needs.
fn convert_shape(name: &str, raw: RawShape) -> Result<Shape, ModelError> {
    let missing = |what: &str| ModelError(format!("shape {name} ({}) has no {what}", raw.kind));
    let shape = match raw.kind.as_str() {
        "structure" => Shape::Structure {
            members: raw.members.map(|m| m.0).unwrap_or_default(),
            required: raw.required.unwrap_or_default(),
            exception: raw.exception.unwrap_or(false),
            eventstream: raw.eventstream.unwrap_or(false),
            event: raw.event.unwrap_or(false),
        },
        "list" => Shape::List {
            member: raw.member.as_ref().ok_or_else(|| missing("member"))?.shape.clone(),
            min: whole(raw.min),
            max: whole(raw.max),
        },
        "map" => Shape::Map {
            key: raw.key.as_ref().ok_or_else(|| missing("key"))?.shape.clone(),
            value: raw.value.as_ref().ok_or_else(|| missing("value"))?.shape.clone(),
            min: whole(raw.min),
            max: whole(raw.max),
        },
        "string" => Shape::String {
            min: whole(raw.min),
            max: whole(raw.max),
            pattern: raw.pattern,
            enums: raw.enum_values.unwrap_or_default(),
        },
        "integer" => Shape::Integer { min: whole(raw.min), max: whole(raw.max) },
        "long" => Shape::Long { min: whole(raw.min), max: whole(raw.max) },
        "double" => Shape::Double { min: raw.min, max: raw.max },
        "float" => Shape::Float { min: raw.min, max: raw.max },
        "blob" => Shape::Blob { min: whole(raw.min), max: whole(raw.max) },
        "boolean" => Shape::Boolean,
        "timestamp" => Shape::Timestamp,
        other => Shape::Unknown { type_name: other.to_string() },
    };
    Ok(shape)
}

/// Model limits are JSON numbers; lengths and integer bounds are whole numbers (saturating on overflow).
fn whole(limit: Option<f64>) -> Option<i64> {
    limit.map(|v| v as i64)
}

// ---- The raw botocore layout, read with serde and then converted. ----

#[derive(Deserialize)]
struct RawModel {
    #[serde(default)]
    metadata: RawMetadata,
    operations: BTreeMap<String, RawOperation>,
    shapes: BTreeMap<String, RawShape>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawMetadata {
    #[serde(default)]
    api_version: String,
    #[serde(default)]
    endpoint_prefix: String,
    #[serde(default)]
    target_prefix: String,
    #[serde(default)]
    protocol: String,
    #[serde(default)]
    json_version: String,
    #[serde(default)]
    service_id: String,
}

impl RawMetadata {
    fn into_metadata(self) -> Metadata {
        Metadata {
            api_version: self.api_version,
            endpoint_prefix: self.endpoint_prefix,
            target_prefix: self.target_prefix,
            protocol: self.protocol,
            json_version: self.json_version,
            service_id: self.service_id,
        }
    }
}

#[derive(Deserialize)]
struct RawOperation {
    input: Option<RawRef>,
    output: Option<RawRef>,
    #[serde(default)]
    errors: Vec<RawRef>,
}

#[derive(Deserialize)]
struct RawRef {
    shape: String,
}

#[derive(Deserialize)]
struct RawShape {
    #[serde(rename = "type")]
    kind: String,
    members: Option<OrderedMembers>,
    required: Option<Vec<String>>,
    member: Option<RawRef>,
    key: Option<RawRef>,
    value: Option<RawRef>,
    min: Option<f64>,
    max: Option<f64>,
    pattern: Option<String>,
    #[serde(rename = "enum")]
    enum_values: Option<Vec<String>>,
    exception: Option<bool>,
    eventstream: Option<bool>,
    event: Option<bool>,
}

/// Structure members in the order the model file lists them. Read through a map visitor (not a
/// `serde_json::Value`) so the order survives whatever map type serde_json is built with.
struct OrderedMembers(Vec<(String, String)>);

impl<'de> Deserialize<'de> for OrderedMembers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OrderedMembersVisitor)
    }
}

struct OrderedMembersVisitor;

impl<'de> Visitor<'de> for OrderedMembersVisitor {
    type Value = OrderedMembers;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of member name to {\"shape\": ...}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut members = Vec::new();
        while let Some((name, target)) = access.next_entry::<String, RawRef>()? {
            members.push((name, target.shape));
        }
        Ok(OrderedMembers(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Source: aws-models/kinesis.json (FACTS.md §1 "API protocol": the model lists 39 operations).
    #[test]
    fn kinesis_model_has_39_operations() {
        let model = kinesis();
        assert_eq!(model.operation_names().len(), 39);
        assert!(model.operation_names().iter().any(|n| n == "PutRecords"));
        assert!(model.operation_names().iter().any(|n| n == "SubscribeToShard"));
    }

    // Source: aws-models/kinesis.json metadata (targetPrefix, apiVersion).
    #[test]
    fn kinesis_metadata_gives_target_prefix_and_java_package() {
        let model = kinesis();
        assert_eq!(model.metadata().target_prefix, "Kinesis_20131202");
        assert_eq!(model.metadata().protocol, "json");
        assert_eq!(model.java_package(), "com.amazonaws.kinesis.v20131202");
    }

    // Source: aws-models/kinesis.json CreateStream (input CreateStreamInput, no output).
    #[test]
    fn operation_lookup_gives_input_and_output_shapes() {
        let model = kinesis();
        let create = model.operation("CreateStream").expect("CreateStream in model");
        assert_eq!(create.input.as_deref(), Some("CreateStreamInput"));
        assert_eq!(create.output, None);
        let put = model.operation("PutRecords").expect("PutRecords in model");
        assert_eq!(put.output.as_deref(), Some("PutRecordsOutput"));
        assert!(put.errors.iter().any(|e| e == "ProvisionedThroughputExceededException"));
    }

    #[test]
    fn unknown_names_give_none_not_panic() {
        let model = kinesis();
        assert!(model.operation("NoSuchOperation").is_none());
        assert!(model.operation("putRecords").is_none());
        assert!(model.operation("").is_none());
        assert!(model.shape("NoSuchShape").is_none());
    }

    // Source: aws-models/kinesis.json StreamName {min 1, max 128, pattern [a-zA-Z0-9_.-]+}.
    #[test]
    fn string_shape_keeps_limits_and_pattern() {
        let shape = kinesis().shape("StreamName").expect("StreamName in model");
        assert_eq!(
            shape,
            &Shape::String {
                min: Some(1),
                max: Some(128),
                pattern: Some("[a-zA-Z0-9_.-]+".to_string()),
                enums: vec![],
            }
        );
    }

    // Source: aws-models/kinesis.json PutRecordsRequestEntryList {min 1, max 500}, TagMap, Data.
    #[test]
    fn list_map_blob_shapes_parse() {
        let model = kinesis();
        assert_eq!(
            model.shape("PutRecordsRequestEntryList"),
            Some(&Shape::List { member: "PutRecordsRequestEntry".into(), min: Some(1), max: Some(500) })
        );
        assert_eq!(
            model.shape("TagMap"),
            Some(&Shape::Map { key: "TagKey".into(), value: "TagValue".into(), min: Some(1), max: Some(200) })
        );
        assert_eq!(model.shape("Data"), Some(&Shape::Blob { min: Some(0), max: Some(10485760) }));
        assert_eq!(model.shape("MillisBehindLatest"), Some(&Shape::Long { min: Some(0), max: None }));
    }

    // Source: aws-models/kinesis.json PutRecordsRequestEntry (required Data, PartitionKey).
    #[test]
    fn structure_keeps_member_order_and_required() {
        match kinesis().shape("PutRecordsRequestEntry") {
            Some(Shape::Structure { members, required, exception, .. }) => {
                let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
                assert_eq!(names, ["Data", "ExplicitHashKey", "PartitionKey"]);
                assert_eq!(required, &["Data".to_string(), "PartitionKey".to_string()]);
                assert!(!exception);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    // Source: aws-models/kinesis.json SubscribeToShardEventStream {eventstream: true}.
    #[test]
    fn eventstream_flags_parse() {
        let model = kinesis();
        assert!(matches!(model.shape("SubscribeToShardEventStream"), Some(Shape::Structure { eventstream: true, .. })));
        assert!(matches!(model.shape("SubscribeToShardEvent"), Some(Shape::Structure { event: true, .. })));
        assert!(matches!(model.shape("ResourceNotFoundException"), Some(Shape::Structure { exception: true, .. })));
    }

    // Source: aws-models/kinesis.json ConsumerARN pattern (starts with its own `^`), StreamName pattern.
    #[test]
    fn patterns_are_full_string_matches() {
        let model = kinesis();
        assert_eq!(model.pattern_matches("[a-zA-Z0-9_.-]+", "my-stream"), Some(true));
        assert_eq!(model.pattern_matches("[a-zA-Z0-9_.-]+", "my stream"), Some(false));
        assert_eq!(model.pattern_matches("[a-zA-Z0-9_.-]+", "ok!"), Some(false));
        assert_eq!(model.pattern_matches("0|([1-9]\\d{0,38})", "0123"), Some(false));
        let consumer = match model.shape("ConsumerARN") {
            Some(Shape::String { pattern: Some(p), .. }) => p.clone(),
            other => panic!("unexpected {other:?}"),
        };
        let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1700000000";
        assert_eq!(model.pattern_matches(&consumer, arn), Some(true));
        assert_eq!(model.pattern_matches(&consumer, "x"), Some(false));
    }

    #[test]
    fn every_kinesis_pattern_compiles() {
        let model = kinesis();
        assert_eq!(model.unsupported_patterns(), Vec::<&str>::new());
        for (name, shape) in model.shapes() {
            if let Shape::String { pattern: Some(p), .. } = shape {
                assert!(model.pattern_matches(p, "").is_some(), "{name}: pattern {p} did not compile");
            }
        }
    }

    #[test]
    fn second_model_loads_the_same_way() {
        let text = r#"{"metadata":{"apiVersion":"2015-08-04","endpointPrefix":"firehose",
            "targetPrefix":"Firehose_20150804","protocol":"json","jsonVersion":"1.1"},
            "operations":{"ListDeliveryStreams":{"input":{"shape":"In"},"output":{"shape":"Out"}}},
            "shapes":{"In":{"type":"structure","members":{"Limit":{"shape":"Lim"}}},
                      "Out":{"type":"structure","required":["Names"],"members":{"Names":{"shape":"L"},"P":{"shape":"Prop"}}},
                      "Lim":{"type":"integer","min":1,"max":10000},
                      "Prop":{"type":"double","min":0,"max":1},
                      "L":{"type":"list","member":{"shape":"S"}},
                      "S":{"type":"string","sensitive":true}}}"#;
        let model = ServiceModel::from_json(text).expect("valid model");
        assert_eq!(model.java_package(), "com.amazonaws.firehose.v20150804");
        assert_eq!(model.operation_names(), ["ListDeliveryStreams".to_string()]);
        assert_eq!(model.shape("Prop"), Some(&Shape::Double { min: Some(0.0), max: Some(1.0) }));
        // Member order is the file's order, not alphabetical.
        match model.shape("Out") {
            Some(Shape::Structure { members, .. }) => assert_eq!(members[0].0, "Names"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn broken_models_are_errors_not_panics() {
        assert!(ServiceModel::from_json("not json").is_err());
        assert!(ServiceModel::from_json("[]").is_err());
        let dangling = r#"{"operations":{"Op":{"input":{"shape":"Missing"}}},"shapes":{}}"#;
        assert!(ServiceModel::from_json(dangling).is_err());
        let list_without_member = r#"{"operations":{},"shapes":{"L":{"type":"list"}}}"#;
        assert!(ServiceModel::from_json(list_without_member).is_err());
    }
}

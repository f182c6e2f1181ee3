//! Names and argument tables, all derived from the API model: operation `DescribeStreamSummary` ↔
//! `describe-stream-summary`, member `StreamARN` ↔ `--stream-arn`, with botocore's own `xform_name` rule.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex_lite::Regex;
use serde::Deserialize;

use crate::api::model::{self, ServiceModel, Shape};

/// The documentation prose and original member order of AWS's models (see gen_docs.py): the embedded
/// models have their prose stripped and their keys sorted.
const KINESIS_DOCS_JSON: &str = include_str!("kinesis_docs.json");
const FIREHOSE_DOCS_JSON: &str = include_str!("firehose_docs.json");

#[derive(Deserialize, Default)]
pub struct Docs {
    /// The service's own description (the model's top-level documentation).
    #[serde(default)]
    pub service: String,
    pub operations: HashMap<String, String>,
    /// Structure shape → [(member, documentation)] in AWS's order. Input shapes carry their members'
    /// documentation; other structures are listed (without prose) only where AWS's order is not sorted.
    pub structures: HashMap<String, Vec<(String, String)>>,
}

fn parse_docs(cell: &'static OnceLock<Docs>, json: &str) -> &'static Docs {
    // A broken file (a build problem, tested below) gives empty docs rather than a panic: help pages
    // then just lack prose.
    cell.get_or_init(|| serde_json::from_str(json).unwrap_or_default())
}

/// The Kinesis documentation, parsed once.
pub fn docs() -> &'static Docs {
    static DOCS: OnceLock<Docs> = OnceLock::new();
    parse_docs(&DOCS, KINESIS_DOCS_JSON)
}

/// The Firehose documentation, parsed once.
pub fn firehose_docs() -> &'static Docs {
    static DOCS: OnceLock<Docs> = OnceLock::new();
    parse_docs(&DOCS, FIREHOSE_DOCS_JSON)
}

/// The documentation of a service model (empty for a model the terminal has no docs file for).
pub fn docs_for(model: &ServiceModel) -> &'static Docs {
    static NONE: OnceLock<Docs> = OnceLock::new();
    if std::ptr::eq(model, model::kinesis()) {
        docs()
    } else if std::ptr::eq(model, model::firehose()) {
        firehose_docs()
    } else {
        NONE.get_or_init(Docs::default)
    }
}

/// botocore's `xform_name(name, '-')`: CamelCase to the CLI's kebab-case.
///
/// Three steps, as botocore does them: a pluralised acronym at the end (`...ARNs`) becomes one word;
/// then a capital followed by lower case starts a word; then a lower case letter or digit followed by a
/// capital ends one. So `StreamARN` → `stream-arn` and `MaxRecordSizeInKiB` → `max-record-size-in-ki-b`.
pub fn xform_name(name: &str) -> String {
    static RULES: OnceLock<Option<(Regex, Regex, Regex)>> = OnceLock::new();
    if name.contains('-') {
        return name.to_string();
    }
    let rules = RULES.get_or_init(|| {
        Some((
            Regex::new("[A-Z]{2,}s$").ok()?,
            Regex::new("(.)([A-Z][a-z]+)").ok()?,
            Regex::new("([a-z0-9])([A-Z])").ok()?,
        ))
    });
    let Some((special, first_cap, end_cap)) = rules else { return name.to_lowercase() };
    let mut text = name.to_string();
    if let Some(m) = special.find(&text) {
        let matched = m.as_str().to_lowercase();
        text = format!("{}-{}", &text[..m.start()], matched);
    }
    let s1 = first_cap.replace_all(&text, "${1}-${2}");
    end_cap.replace_all(&s1, "${1}-${2}").to_lowercase()
}

/// botocore's paginator configuration for one operation (kinesis `paginators-1.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paginator {
    pub input_token: &'static str,
    /// A JMESPath-like path: `NextToken` or `StreamDescription.Shards[-1].ShardId`.
    pub output_token: &'static str,
    pub limit_key: &'static str,
    pub more_results: Option<&'static str>,
    pub result_keys: &'static [&'static str],
    pub non_aggregate_keys: &'static [&'static str],
}

/// The four paginated Kinesis operations, as botocore configures them.
pub fn paginator(operation: &str) -> Option<&'static Paginator> {
    const DESCRIBE_STREAM: Paginator = Paginator {
        input_token: "ExclusiveStartShardId",
        output_token: "StreamDescription.Shards[-1].ShardId",
        limit_key: "Limit",
        more_results: Some("StreamDescription.HasMoreShards"),
        result_keys: &["StreamDescription.Shards"],
        non_aggregate_keys: &[
            "StreamDescription.StreamARN",
            "StreamDescription.StreamName",
            "StreamDescription.StreamStatus",
            "StreamDescription.RetentionPeriodHours",
            "StreamDescription.EnhancedMonitoring",
            "StreamDescription.EncryptionType",
            "StreamDescription.KeyId",
            "StreamDescription.StreamCreationTimestamp",
        ],
    };
    const LIST_STREAMS: Paginator = Paginator {
        input_token: "NextToken",
        output_token: "NextToken",
        limit_key: "Limit",
        more_results: Some("HasMoreStreams"),
        result_keys: &["StreamNames", "StreamSummaries"],
        non_aggregate_keys: &[],
    };
    const LIST_SHARDS: Paginator = Paginator {
        input_token: "NextToken",
        output_token: "NextToken",
        limit_key: "MaxResults",
        more_results: None,
        result_keys: &["Shards"],
        non_aggregate_keys: &[],
    };
    const LIST_STREAM_CONSUMERS: Paginator = Paginator {
        input_token: "NextToken",
        output_token: "NextToken",
        limit_key: "MaxResults",
        more_results: None,
        result_keys: &["Consumers"],
        non_aggregate_keys: &[],
    };
    match operation {
        "DescribeStream" => Some(&DESCRIBE_STREAM),
        "ListStreams" => Some(&LIST_STREAMS),
        "ListShards" => Some(&LIST_SHARDS),
        "ListStreamConsumers" => Some(&LIST_STREAM_CONSUMERS),
        _ => None,
    }
}

/// One option of an operation, from one member of its input shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpArg {
    /// Without the dashes: `stream-name`.
    pub name: String,
    pub member: String,
    pub shape: String,
    pub required: bool,
    /// Paginators hide their own token and limit members (the CLI's `_UNDOCUMENTED`), though they still work.
    pub documented: bool,
    pub doc: String,
}

/// Everything the parser and help need about one operation.
#[derive(Debug, Clone)]
pub struct OpTable {
    /// The service model the operation belongs to (Kinesis, or Firehose for `aws firehose`).
    pub model: &'static ServiceModel,
    pub operation: String,
    pub cli_name: String,
    pub args: Vec<OpArg>,
    pub paginator: Option<&'static Paginator>,
}

impl OpTable {
    pub fn arg(&self, name: &str) -> Option<&OpArg> {
        self.args.iter().find(|a| a.name == name)
    }

    /// A boolean member is two flags (`--x` / `--no-x`) rather than an option with a value.
    pub fn is_boolean(&self, arg: &OpArg) -> bool {
        matches!(self.model.shape(&arg.shape), Some(Shape::Boolean))
    }
}

/// The CLI names of every Kinesis operation, sorted as the CLI lists them.
pub fn operation_cli_names() -> Vec<String> {
    operation_cli_names_in(model::kinesis())
}

/// The CLI names of every operation of a service model, sorted as the CLI lists them.
pub fn operation_cli_names_in(model: &ServiceModel) -> Vec<String> {
    let mut names: Vec<String> = model.operation_names().iter().map(|n| xform_name(n)).collect();
    names.sort();
    names
}

/// The API name for a CLI operation name (`describe-stream` → `DescribeStream`).
pub fn operation_for_cli(cli_name: &str) -> Option<String> {
    operation_for_cli_in(model::kinesis(), cli_name)
}

/// The API name for a CLI operation name of any service model.
pub fn operation_for_cli_in(model: &ServiceModel, cli_name: &str) -> Option<String> {
    model.operation_names().iter().find(|n| xform_name(n) == cli_name).cloned()
}

/// Whether `model` is the Kinesis model (the only one with paginators here).
fn is_kinesis(model: &ServiceModel) -> bool {
    std::ptr::eq(model, model::kinesis())
}

/// The members of a structure shape in AWS's order (from the model's docs file), falling back to the
/// embedded model's (sorted) order where the docs file does not list the shape.
pub fn ordered_members(model: &ServiceModel, shape_name: &str) -> Vec<(String, String)> {
    let Some(Shape::Structure { members, .. }) = model.shape(shape_name) else { return Vec::new() };
    let Some(order) = docs_for(model).structures.get(shape_name) else { return members.clone() };
    let mut out: Vec<(String, String)> = order
        .iter()
        .filter_map(|(name, _)| members.iter().find(|(m, _)| m == name).cloned())
        .collect();
    for pair in members {
        if !out.iter().any(|(m, _)| m == &pair.0) {
            out.push(pair.clone());
        }
    }
    out
}

/// The documentation of one member of a Kinesis structure.
pub fn member_doc(shape_name: &str, member: &str) -> String {
    member_doc_in(docs(), shape_name, member)
}

/// The documentation of one member of a structure, from a service's docs.
pub fn member_doc_in(docs: &Docs, shape_name: &str, member: &str) -> String {
    docs.structures
        .get(shape_name)
        .and_then(|members| members.iter().find(|(m, _)| m == member))
        .map(|(_, d)| d.clone())
        .unwrap_or_default()
}

/// The argument table of one Kinesis operation (API name).
pub fn op_table(operation: &str) -> Option<OpTable> {
    op_table_in(model::kinesis(), operation)
}

/// The argument table of one operation of any service model. Only Kinesis has paginators (botocore
/// has none for Firehose).
pub fn op_table_in(model: &'static ServiceModel, operation: &str) -> Option<OpTable> {
    let op = model.operation(operation)?;
    let kinesis = is_kinesis(model);
    let paginator = if kinesis { paginator(operation) } else { None };
    let mut args = Vec::new();
    if let Some(input) = &op.input {
        let required = match model.shape(input) {
            Some(Shape::Structure { required, .. }) => required.clone(),
            _ => Vec::new(),
        };
        for (member, shape) in ordered_members(model, input) {
            let hidden = paginator.is_some_and(|p| p.input_token == member || p.limit_key == member);
            args.push(OpArg {
                name: xform_name(&member),
                required: required.contains(&member),
                documented: !hidden,
                doc: member_doc_in(docs_for(model), input, &member),
                member,
                shape,
            });
        }
    }
    Some(OpTable { model, operation: operation.to_string(), cli_name: xform_name(operation), args, paginator })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// botocore's xform_name results, checked against botocore 1.43 for every Kinesis name.
    #[test]
    fn xform_matches_botocore() {
        for (name, cli) in [
            ("DescribeStreamSummary", "describe-stream-summary"),
            ("StreamARN", "stream-arn"),
            ("ConsumerARN", "consumer-arn"),
            ("MaxRecordSizeInKiB", "max-record-size-in-ki-b"),
            ("WarmThroughputMiBps", "warm-throughput-mi-bps"),
            ("KMSAccessDeniedException", "kms-access-denied-exception"),
            ("ShardCount", "shard-count"),
            ("GatewayARNs", "gateway-arns"),
            ("already-kebab", "already-kebab"),
        ] {
            assert_eq!(xform_name(name), cli, "{name}");
        }
    }

    #[test]
    fn docs_file_loads_with_every_operation() {
        assert_eq!(docs().operations.len(), model::kinesis().operation_names().len());
        for op in model::kinesis().operation_names() {
            assert!(docs().operations.contains_key(op), "{op}");
        }
    }

    #[test]
    fn firehose_docs_file_loads_with_every_operation_and_input() {
        let model = model::firehose();
        assert_eq!(firehose_docs().operations.len(), model.operation_names().len());
        assert!(firehose_docs().service.starts_with("Amazon Data Firehose was previously known as"));
        for op in model.operation_names() {
            assert!(!firehose_docs().operations.get(op).map_or(true, String::is_empty), "{op}");
            let input = model.operation(op).and_then(|o| o.input.clone()).unwrap_or_default();
            assert!(firehose_docs().structures.contains_key(&input), "{op}: {input}");
        }
        assert!(std::ptr::eq(docs_for(model), firehose_docs()) && std::ptr::eq(docs_for(model::kinesis()), docs()));
    }

    // The Firehose model's order (CreateDeliveryStreamInput), not the embedded model's sorted one.
    #[test]
    fn firehose_options_in_aws_order() {
        let t = op_table_in(model::firehose(), "CreateDeliveryStream").unwrap();
        let names: Vec<&str> = t.args.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(&names[..3], &["delivery-stream-name", "delivery-stream-type", "direct-put-source-configuration"]);
        assert!(t.arg("delivery-stream-type").is_some_and(|a| a.doc.starts_with("The Firehose stream type.")));
    }

    #[test]
    fn create_stream_options_in_aws_order() {
        let t = op_table("CreateStream").unwrap();
        let names: Vec<&str> = t.args.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(&names[..3], &["stream-name", "shard-count", "stream-mode-details"]);
        assert!(t.arg("stream-name").unwrap().required);
    }
}

//! The sandbox terminal: `aws kinesis <operation>` with the AWS CLI v2's option names, parsing rules,
//! messages, exit codes and output, all driven by the API model (so all 39 operations work). With a
//! Firehose service too (`run_with`), `aws firehose <operation>` runs the same way from the Firehose
//! model (models/firehose.json), with its own help prose and completion (`services` lists both);
//! botocore has paginators and waiters for Kinesis only.
//!
//! Code map: `tokenize` splits the line like a shell; `names` derives CLI names and argument tables
//! from the model; `shorthand` and `unpack` read option values; `paramcheck` is botocore's client-side
//! validation; `paginate` follows pages; `output`/`timefmt` print; `query` is a small `--query`;
//! `help` and `complete` serve the terminal UI; `errors` holds the CLI's error texts and exit codes.
//! Nothing here touches the browser, so it is all tested natively (tests/cli.rs).

pub mod complete;
pub mod errors;
pub mod help;
pub mod names;
pub mod output;
pub mod paginate;
pub mod paramcheck;
pub mod query;
pub mod services;
pub mod shorthand;
pub mod timefmt;
pub mod tokenize;
pub mod unpack;

use serde_json::{Map, Value};

use crate::api::firehose::FirehoseService;
use crate::api::model::{self, Shape};
use crate::api::{ApiReply, KinesisService};
use errors::{CliError, EXIT_GENERAL_ERROR};
use names::{op_table, operation_cli_names, operation_for_cli, OpTable};
use output::{from_response, Out};
use paginate::PageOptions;
use unpack::{BinaryFormat, RawValue};

pub use complete::complete;

/// What a command printed and how it exited.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CliOutput {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

impl CliOutput {
    fn ok(stdout: String) -> Self {
        CliOutput { stdout, stderr: String::new(), exit_code: 0 }
    }

    fn error(e: &CliError) -> Self {
        CliOutput { stdout: String::new(), stderr: e.render(), exit_code: e.exit_code() }
    }
}

/// The version line (`aws --version`).
pub const VERSION: &str = "aws-cli/2 (Kinesis Lab sandbox; AWS CLI v2 behaviour)";

/// Output formats `--output` accepts (CLI v2's choices).
const OUTPUT_CHOICES: &[&str] = &["json", "text", "table", "yaml", "yaml-stream"];

/// Global options that take a value, and global flags.
const GLOBAL_WITH_VALUE: &[&str] = &[
    "output", "query", "region", "profile", "endpoint-url", "cli-binary-format", "color", "ca-bundle",
    "cli-read-timeout", "cli-connect-timeout",
];
const GLOBAL_FLAGS: &[&str] = &[
    "debug", "no-verify-ssl", "no-paginate", "no-sign-request", "no-cli-pager", "cli-auto-prompt",
    "no-cli-auto-prompt", "version",
];

/// Global settings from the line.
#[derive(Debug, Clone)]
struct Globals {
    output: String,
    query: Option<String>,
    paginate: bool,
    binary: BinaryFormat,
    version: bool,
}

/// The services one terminal line can reach.
enum Backend<'a> {
    Kinesis(&'a mut KinesisService),
    Firehose(&'a mut FirehoseService),
}

impl Backend<'_> {
    fn call_json(&mut self, operation: &str, body: &Value) -> ApiReply {
        match self {
            Backend::Kinesis(s) => s.call_json(operation, body),
            Backend::Firehose(s) => s.call_json(operation, body),
        }
    }
}

/// Runs one terminal line against the sandbox's account (`aws kinesis ...` only).
pub fn run(line: &str, service: &mut KinesisService) -> CliOutput {
    run_line(line, service, None)
}

/// Runs one terminal line against the sandbox's account: `aws kinesis ...` and `aws firehose ...`.
pub fn run_with(line: &str, kinesis: &mut KinesisService, firehose: &mut FirehoseService) -> CliOutput {
    run_line(line, kinesis, Some(firehose))
}

fn run_line(line: &str, service: &mut KinesisService, firehose: Option<&mut FirehoseService>) -> CliOutput {
    let words = match tokenize::tokenize(line) {
        Ok(w) => w,
        Err(e) => {
            return CliOutput { stdout: String::new(), stderr: format!("bash: {}\n", e.message()), exit_code: 2 };
        }
    };
    let Some(first) = words.first() else { return CliOutput::default() };
    match first.as_str() {
        "aws" => {}
        "help" => return CliOutput::ok(help::top_help()),
        other => {
            return CliOutput {
                stdout: String::new(),
                stderr: format!("{other}: command not found (this terminal runs `aws ...`; try `help`)\n"),
                exit_code: 127,
            }
        }
    }
    match run_aws(&words[1..], service, firehose) {
        Ok(out) => out,
        Err(e) => CliOutput::error(&e),
    }
}

fn option_like(word: &str) -> bool {
    // argparse treats "-5" and "-1.5" as values, any other leading dash as an option.
    word.starts_with('-') && word.len() > 1 && word[1..].parse::<f64>().is_err()
}

/// Pulls the global options out of the words (argparse accepts them anywhere).
fn split_globals(words: &[String]) -> Result<(Globals, Vec<String>), CliError> {
    let mut globals =
        Globals { output: "json".into(), query: None, paginate: true, binary: BinaryFormat::Base64, version: false };
    let mut rest = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let (name, inline) = match word.strip_prefix("--") {
            Some(body) => match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            },
            None => {
                rest.push(word.clone());
                i += 1;
                continue;
            }
        };
        if GLOBAL_FLAGS.contains(&name) {
            match name {
                "no-paginate" => globals.paginate = false,
                "version" => globals.version = true,
                _ => {}
            }
            i += 1;
            continue;
        }
        if !GLOBAL_WITH_VALUE.contains(&name) {
            rest.push(word.clone());
            i += 1;
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => match words.get(i + 1) {
                Some(v) if !option_like(v) => {
                    i += 1;
                    v.clone()
                }
                _ => return Err(CliError::Usage(format!("argument --{name}: expected one argument"))),
            },
        };
        i += 1;
        match name {
            "output" => {
                if !OUTPUT_CHOICES.contains(&value.as_str()) {
                    return Err(CliError::Usage(format!("argument --output: Found invalid choice '{value}'")));
                }
                globals.output = value;
            }
            "query" => globals.query = Some(value),
            "cli-binary-format" => {
                globals.binary = match value.as_str() {
                    "base64" => BinaryFormat::Base64,
                    "raw-in-base64-out" => BinaryFormat::RawInBase64Out,
                    _ => return Err(CliError::Usage(format!("argument --cli-binary-format: Found invalid choice '{value}'"))),
                }
            }
            _ => {}
        }
    }
    Ok((globals, rest))
}

fn run_aws(
    words: &[String],
    service: &mut KinesisService,
    firehose: Option<&mut FirehoseService>,
) -> Result<CliOutput, CliError> {
    let (globals, rest) = split_globals(words)?;
    if globals.version {
        return Ok(CliOutput::ok(format!("{VERSION}\n")));
    }
    let Some(command) = rest.first() else {
        return Err(CliError::Usage("the following arguments are required: command".into()));
    };
    if command == "help" {
        return Ok(CliOutput::ok(help::top_help()));
    }
    if option_like(command) {
        return Err(CliError::UnknownOptions(rest.clone()));
    }
    if command == "firehose" {
        if let Some(firehose) = firehose {
            return run_firehose(&rest[1..], &globals, firehose);
        }
    }
    if command != "kinesis" {
        return Err(CliError::Usage(format!("argument command: Found invalid choice '{command}'")));
    }
    let Some(op_word) = rest.get(1) else {
        return Err(CliError::Usage("the following arguments are required: operation".into()));
    };
    if op_word == "help" {
        return Ok(CliOutput::ok(help::service_help()));
    }
    if op_word == "wait" {
        return Err(CliError::plain(
            "The sandbox has no waiters: its clock only moves when you move it. Move the simulated clock, then \
             run describe-stream-summary to see the new status.",
            EXIT_GENERAL_ERROR,
        ));
    }
    let Some(operation) = (!option_like(op_word)).then(|| operation_for_cli(op_word)).flatten() else {
        return Err(CliError::Usage(format!("argument operation: Found invalid choice '{op_word}'")));
    };
    let args = &rest[2..];
    if args.len() == 1 && args[0] == "help" {
        return Ok(CliOutput::ok(help::operation_help(&operation)));
    }
    let table = op_table(&operation).ok_or_else(|| CliError::Usage(format!("argument operation: Found invalid choice '{op_word}'")))?;
    run_operation(&table, args, &globals, &mut Backend::Kinesis(service))
}

/// `aws firehose <operation> ...` (the words after `firehose`), from the Firehose model. botocore has no
/// Firehose waiters or paginators.
fn run_firehose(words: &[String], globals: &Globals, service: &mut FirehoseService) -> Result<CliOutput, CliError> {
    let firehose = &services::FIREHOSE;
    let Some(op_word) = words.first() else {
        return Err(CliError::Usage("the following arguments are required: operation".into()));
    };
    if op_word == "help" {
        return Ok(CliOutput::ok(help::service_help_for(firehose)));
    }
    let invalid = || CliError::Usage(format!("argument operation: Found invalid choice '{op_word}'"));
    let operation = (!option_like(op_word)).then(|| firehose.operation_for_cli(op_word)).flatten().ok_or_else(invalid)?;
    let table = firehose.op_table(&operation).ok_or_else(invalid)?;
    let args = &words[1..];
    if args.len() == 1 && args[0] == "help" {
        return Ok(CliOutput::ok(help::operation_help_in(firehose, &operation)));
    }
    run_operation(&table, args, globals, &mut Backend::Firehose(service))
}

/// The extra options every operation (or every paginated one) takes, beside its members.
const EXTRA_SCALARS: &[&str] = &["cli-input-json", "starting-token", "page-size", "max-items"];

/// Option values as argparse would collect them.
#[derive(Debug, Default)]
struct Parsed {
    /// (option name, value), in command-line order; a repeated option keeps its last value.
    values: Vec<(String, RawValue)>,
    unknown: Vec<String>,
    skeleton: bool,
}

impl Parsed {
    fn set(&mut self, name: &str, value: RawValue) {
        self.values.retain(|(n, _)| n != name);
        self.values.push((name.to_string(), value));
    }

    fn get(&self, name: &str) -> Option<&RawValue> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// Every option name the operation accepts, for exact and prefix matching.
fn all_option_names(table: &OpTable) -> Vec<String> {
    let mut names = Vec::new();
    for arg in &table.args {
        names.push(arg.name.clone());
        if table.is_boolean(arg) {
            names.push(format!("no-{}", arg.name));
        }
    }
    names.push("cli-input-json".into());
    names.push("generate-cli-skeleton".into());
    if let Some(p) = table.paginator {
        names.push("starting-token".into());
        if !p.limit_key.is_empty() {
            names.push("page-size".into());
        }
        names.push("max-items".into());
    }
    names
}

fn parse_args(table: &OpTable, words: &[String]) -> Result<Parsed, CliError> {
    let model = table.model;
    let known = all_option_names(table);
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        let Some(body) = word.strip_prefix("--").filter(|_| option_like(word)) else {
            parsed.unknown.push(word.clone());
            continue;
        };
        let (typed, inline) = match body.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (body.to_string(), None),
        };
        // argparse accepts any unambiguous prefix of an option.
        let name = if known.contains(&typed) {
            typed.clone()
        } else {
            let candidates: Vec<&String> = known.iter().filter(|k| k.starts_with(&typed)).collect();
            match candidates.len() {
                0 => {
                    parsed.unknown.push(word.clone());
                    continue;
                }
                1 => candidates[0].clone(),
                _ => {
                    let list = candidates.iter().map(|c| format!("--{c}")).collect::<Vec<_>>().join(", ");
                    return Err(CliError::Usage(format!("ambiguous option: --{typed} could match {list}")));
                }
            }
        };
        if name == "generate-cli-skeleton" {
            parsed.skeleton = true;
            // `--generate-cli-skeleton input|output` takes an optional value.
            if inline.is_none() && words.get(i).is_some_and(|w| w == "input") {
                i += 1;
            }
            continue;
        }
        let arg = table.arg(&name).or_else(|| name.strip_prefix("no-").and_then(|n| table.arg(n)).filter(|a| table.is_boolean(a)));
        if let Some(arg) = arg.filter(|a| table.is_boolean(a)) {
            if let Some(v) = inline {
                return Err(CliError::Usage(format!("argument --{name}: ignored explicit argument '{v}'")));
            }
            parsed.set(&arg.name, RawValue::Flag(name == arg.name));
            continue;
        }
        let is_list = arg.is_some_and(|a| matches!(model.shape(&a.shape), Some(Shape::List { .. })));
        if is_list {
            let mut values: Vec<String> = inline.into_iter().collect();
            while let Some(next) = words.get(i).filter(|w| !option_like(w)) {
                values.push(next.clone());
                i += 1;
            }
            if values.is_empty() {
                return Err(CliError::Usage(format!("argument --{name}: expected at least one argument")));
            }
            parsed.set(&name, RawValue::Many(values));
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => match words.get(i) {
                Some(v) if !option_like(v) => {
                    i += 1;
                    v.clone()
                }
                _ => return Err(CliError::Usage(format!("argument --{name}: expected one argument"))),
            },
        };
        debug_assert!(arg.is_some() || EXTRA_SCALARS.contains(&name.as_str()));
        parsed.set(&name, RawValue::One(value));
    }
    Ok(parsed)
}

fn one(value: Option<&RawValue>) -> Option<String> {
    match value {
        Some(RawValue::One(v)) => Some(v.clone()),
        Some(RawValue::Many(vs)) => vs.first().cloned(),
        _ => None,
    }
}

/// A JSON skeleton of the input (`--generate-cli-skeleton`), as botocore's ArgumentGenerator fills it.
fn skeleton(model: &crate::api::model::ServiceModel, shape: &str, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    match model.shape(shape) {
        Some(Shape::Structure { .. }) => {
            let mut map = Map::new();
            for (m, t) in names::ordered_members(model, shape) {
                map.insert(m, skeleton(model, &t, depth + 1));
            }
            Value::Object(map)
        }
        Some(Shape::List { member, .. }) => Value::Array(vec![skeleton(model, member, depth + 1)]),
        Some(Shape::Map { value, .. }) => {
            let mut map = Map::new();
            map.insert("KeyName".into(), skeleton(model, value, depth + 1));
            Value::Object(map)
        }
        Some(Shape::String { enums, .. }) => Value::String(enums.first().cloned().unwrap_or_default()),
        Some(Shape::Integer { .. } | Shape::Long { .. }) => Value::from(0),
        Some(Shape::Double { .. } | Shape::Float { .. }) => Value::from(0.0),
        Some(Shape::Boolean) => Value::Bool(true),
        Some(Shape::Timestamp) => Value::String("1970-01-01T00:00:00".into()),
        _ => Value::String(String::new()),
    }
}

fn run_operation(table: &OpTable, words: &[String], globals: &Globals, service: &mut Backend<'_>) -> Result<CliOutput, CliError> {
    let model = table.model;
    let op = model.operation(&table.operation).ok_or_else(|| CliError::plain("unknown operation", EXIT_GENERAL_ERROR))?;
    let input_shape = op.input.clone().unwrap_or_default();
    let parsed = parse_args(table, words)?;
    let from_json = parsed.get("cli-input-json").is_some() || parsed.skeleton;
    if !from_json {
        let missing: Vec<String> =
            table.args.iter().filter(|a| a.required && parsed.get(&a.name).is_none()).map(|a| format!("--{}", a.name)).collect();
        if !missing.is_empty() {
            return Err(CliError::Usage(format!("the following arguments are required: {}", missing.join(", "))));
        }
    }
    if !parsed.unknown.is_empty() {
        return Err(CliError::UnknownOptions(parsed.unknown.clone()));
    }
    if parsed.skeleton {
        let out = output::plain(&skeleton(model, &input_shape, 0));
        return Ok(CliOutput::ok(output::to_json(&out)));
    }

    // Parameters: --cli-input-json first, then each option given on the line.
    let mut params = match one(parsed.get("cli-input-json")) {
        Some(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(CliError::param("--cli-input-json", "Invalid JSON received.")),
            Err(e) => return Err(CliError::param("--cli-input-json", format!("Invalid JSON: {e}\nJSON received: {text}"))),
        },
        None => Map::new(),
    };
    for arg in &table.args {
        if let Some(raw) = parsed.get(&arg.name) {
            let value = unpack::unpack(model, &format!("--{}", arg.name), &arg.shape, raw)?;
            params.insert(arg.member.clone(), value);
        }
    }
    let mut params = Value::Object(params);

    // Paging: the CLI's own options, and whether auto-pagination stays on.
    let mut paginate = globals.paginate && table.paginator.is_some();
    let mut page = PageOptions::default();
    if let Some(p) = table.paginator {
        page.starting_token = one(parsed.get("starting-token"));
        page.page_size = one(parsed.get("page-size")).map(|v| unpack::python_int(&v)).transpose()?;
        page.max_items = match one(parsed.get("max-items")) {
            Some(v) => unpack::python_int(&v)?.as_i64(),
            None => None,
        };
        let manual = [p.input_token, p.limit_key, "ExclusiveStartStreamName"]
            .iter()
            .any(|member| params.get(*member).is_some() && table.args.iter().any(|a| a.member == *member));
        if manual {
            paginate = false;
        }
        if !globals.paginate {
            let used: Vec<&str> = [
                ("--starting-token", page.starting_token.is_some()),
                ("--page-size", page.page_size.is_some()),
                ("--max-items", page.max_items.is_some()),
            ]
            .iter()
            .filter(|(_, on)| *on)
            .map(|(n, _)| *n)
            .collect();
            if !used.is_empty() {
                return Err(CliError::plain(
                    format!("Cannot specify --no-paginate along with pagination arguments: {}", used.join(", ")),
                    EXIT_GENERAL_ERROR,
                ));
            }
        }
    }

    unpack::encode_blobs(model, &input_shape, &mut params, globals.binary)?;
    let problems = paramcheck::validate(model, &input_shape, &params);
    if !problems.is_empty() {
        return Err(CliError::Validation(problems));
    }
    unpack::serialize_timestamps(model, &input_shape, &mut params);

    let query = match &globals.query {
        Some(q) => Some(query::parse(q).map_err(|why| CliError::plain(format!("Bad value for --query {q}: {why}"), errors::EXIT_PARAM_ERROR))?),
        None => None,
    };
    let operation = table.operation.clone();
    let output_shape = op.output.clone();

    if let Backend::Kinesis(kinesis) = service {
        if operation == "SubscribeToShard" {
            return subscribe(kinesis, &params, globals);
        }
    }

    let mut call = |request: &Value| -> Result<Value, CliError> {
        match service.call_json(&operation, request) {
            ApiReply::Json { status: 200, body } => Ok(body),
            ApiReply::Json { body, .. } => Err(service_error(&operation, &body)),
            ApiReply::Subscribed { .. } => Ok(Value::Null),
        }
    };
    let result: Option<Out> = match (table.paginator, &output_shape) {
        (Some(p), Some(shape)) if paginate => Some(paginate::paginate(model, shape, p, &params, &page, &mut call)?),
        (_, Some(shape)) => {
            let body = call(&params)?;
            (!body.is_null()).then(|| from_response(model, shape, &body))
        }
        (_, None) => {
            call(&params)?;
            None
        }
    };
    let Some(result) = result else { return Ok(CliOutput::ok(String::new())) };
    let result = match &query {
        Some(q) => q.apply(&result),
        None => result,
    };
    // awscli's JSONFormatter prints nothing for an empty dictionary (`if response != {}`), e.g. Firehose's
    // UpdateDestination and DeleteDeliveryStream, whose output structures have no members.
    if matches!(&result, Out::Obj(members) if members.is_empty()) {
        return Ok(CliOutput::ok(String::new()));
    }
    Ok(format_output(&result, globals))
}

fn format_output(result: &Out, globals: &Globals) -> CliOutput {
    match globals.output.as_str() {
        "text" => CliOutput::ok(output::to_text(result)),
        "json" => CliOutput::ok(output::to_json(result)),
        other => CliOutput {
            stdout: output::to_json(result),
            stderr: format!("note: --output {other} is not drawn by the sandbox; showing json.\n"),
            exit_code: 0,
        },
    }
}

/// An error body as the CLI prints it: the short error type and the message.
fn service_error(operation: &str, body: &Value) -> CliError {
    let error_type = body.get("__type").and_then(Value::as_str).unwrap_or("Unknown");
    let error_type = error_type.rsplit('#').next().unwrap_or(error_type).to_string();
    let message = body.get("message").or_else(|| body.get("Message")).and_then(Value::as_str).unwrap_or("").to_string();
    CliError::Service { error_type, operation: operation.to_string(), message }
}

/// SubscribeToShard: the real CLI v2 does not offer this command (it removes it; event streams need
/// HTTP/2), so the sandbox shows what an SDK receives: the events available at the current simulated
/// time, as an `EventStream` list.
fn subscribe(service: &mut KinesisService, params: &Value, globals: &Globals) -> Result<CliOutput, CliError> {
    let model = model::kinesis();
    let id = match service.call_json("SubscribeToShard", params) {
        ApiReply::Subscribed { subscription_id } => subscription_id,
        ApiReply::Json { body, .. } => return Err(service_error("SubscribeToShard", &body)),
    };
    let poll = service.poll_subscription(id);
    let mut events = Vec::new();
    for event in &poll.events {
        let body = serde_json::to_value(event).unwrap_or(Value::Null);
        events.push(Out::Obj(vec![("SubscribeToShardEvent".into(), from_response(model, "SubscribeToShardEvent", &body))]));
    }
    if let Some(err) = &poll.error {
        events.push(Out::Obj(vec![(err.kind.wire_name().to_string(), Out::Obj(vec![("message".into(), Out::Str(err.message.clone()))]))]));
    }
    let result = Out::Obj(vec![("EventStream".into(), Out::List(events))]);
    let mut out = format_output(&result, globals);
    out.stderr.push_str(if poll.ended {
        "note: the subscription has ended; call subscribe-to-shard again to continue.\n"
    } else {
        "note: these are the events available now. The subscription stays open for 5 simulated minutes; \
         move the simulated clock to receive more. (The real AWS CLI has no subscribe-to-shard command: \
         SDKs read this event stream over HTTP/2.)\n"
    });
    Ok(out)
}

/// Every operation's CLI name (for the UI's hints).
pub fn operations() -> Vec<String> {
    operation_cli_names()
}

//! Help pages in the sandbox's own layout (not the CLI's man pages): what a learner needs to type a
//! command — the synopsis, each option's type and whether it is required, the allowed values, a
//! shorthand and JSON example, and AWS's own description from the model.

use super::names::{xform_name, OpArg, OpTable};
use super::services::{CliService, KINESIS, SERVICES};
use crate::api::model::{ServiceModel, Shape};

/// Global options the sandbox accepts (after `aws`, anywhere on the line).
pub const GLOBAL_OPTIONS: &[(&str, &str)] = &[
    ("--output", "json | text | table: how to print the response (json by default)."),
    ("--query", "A JMESPath expression applied to the response (fields, [n], [*], [] and length())."),
    ("--no-paginate", "Make one call instead of following every page of a paginated operation."),
    ("--cli-binary-format", "base64 (default) | raw-in-base64-out: how blob options such as --data are read."),
    ("--region", "Accepted and ignored: the sandbox is one account in one Region."),
    ("--profile", "Accepted and ignored."),
    ("--endpoint-url", "Accepted and ignored."),
    ("--debug", "Accepted and ignored."),
    ("--no-cli-pager", "Accepted and ignored."),
    ("--version", "Print the version."),
];

/// `aws help`.
pub fn top_help() -> String {
    let mut out = String::from(
        "AWS CLI (Kinesis Lab sandbox)\n\n\
         Usage: aws [options] <command> <subcommand> [parameters]\n\n\
         This terminal answers like AWS CLI v2, against the simulated account on this page. The commands\n\
         available are:\n\n",
    );
    for service in SERVICES {
        let command = service.command;
        out.push_str(&format!("  {command:<11}{} (aws {command} help)\n", service.title));
    }
    out.push_str("\nGlobal options:\n");
    for (name, text) in GLOBAL_OPTIONS {
        out.push_str(&format!("  {name:<22}{text}\n"));
    }
    out.push_str("\nTerminal keys: Enter runs, Up/Down walk the history, Tab completes, Ctrl+L or `clear` clears.\n");
    out
}

/// The first sentence of an operation's description: its line in the service's help.
pub fn summary(doc: &str) -> &str {
    let first_line = doc.lines().next().unwrap_or("");
    // A sentence ends at a full stop followed by a space (or the end of the line).
    match first_line.find(". ") {
        Some(at) => &first_line[..=at],
        None => first_line,
    }
}

/// `aws kinesis help`.
pub fn service_help() -> String {
    service_help_for(&KINESIS)
}

/// `aws <command> help`: the service's description and every operation with its first sentence.
pub fn service_help_for(service: &CliService) -> String {
    let command = service.command;
    let docs = service.docs();
    let mut out = format!(
        "{}\n\n{}: every operation of the API model, as `aws {command} <operation>`.\n\
         Use `aws {command} <operation> help` for one operation's options.\n\n",
        command.to_uppercase(),
        service.title
    );
    if !docs.service.is_empty() {
        out.push_str(&format!("DESCRIPTION\n\n{}\n\n", indent(&docs.service, 2)));
    }
    out.push_str("Available operations:\n\n");
    let model = service.model();
    let mut operations: Vec<(String, &str)> = model
        .operation_names()
        .iter()
        .map(|op| (xform_name(op), docs.operations.get(op).map(|d| summary(d)).unwrap_or("")))
        .collect();
    operations.sort();
    for (name, line) in operations {
        out.push_str(&format!("  o {name}\n"));
        if !line.is_empty() {
            out.push_str(&format!("      {line}\n"));
        }
    }
    out
}

fn type_name(model: &ServiceModel, shape: &str) -> String {
    match model.shape(shape) {
        Some(Shape::List { member, .. }) => format!("list of {}", type_name(model, member)),
        Some(Shape::Map { value, .. }) => format!("map of {}", type_name(model, value)),
        Some(s) => s.type_name().to_string(),
        None => "string".into(),
    }
}

fn scalar_placeholder(model: &ServiceModel, shape: &str) -> String {
    match model.shape(shape) {
        Some(Shape::String { enums, .. }) if !enums.is_empty() => enums.join("|"),
        Some(s) => s.type_name().to_string(),
        None => "string".into(),
    }
}

/// The shorthand form of a structure, map or list of structures.
fn shorthand_example(model: &ServiceModel, shape: &str) -> Option<String> {
    match model.shape(shape)? {
        Shape::Structure { .. } => {
            let parts: Vec<String> = super::names::ordered_members(model, shape)
                .iter()
                .map(|(m, t)| match model.shape(t) {
                    Some(Shape::List { member, .. }) => format!("{m}={},{}", scalar_placeholder(model, member), scalar_placeholder(model, member)),
                    Some(Shape::Structure { .. } | Shape::Map { .. }) => format!("{m}={{...}}"),
                    _ => format!("{m}={}", scalar_placeholder(model, t)),
                })
                .collect();
            Some(parts.join(","))
        }
        Shape::Map { value, .. } => {
            let v = scalar_placeholder(model, value);
            Some(format!("KeyName1={v},KeyName2={v}"))
        }
        Shape::List { member, .. } => match model.shape(member)? {
            Shape::Structure { .. } => {
                let one = shorthand_example(model, member)?;
                Some(format!("{one} {one}"))
            }
            _ => {
                let v = scalar_placeholder(model, member);
                Some(format!("{v} {v}"))
            }
        },
        _ => None,
    }
}

/// A JSON skeleton of a shape (types as placeholders), as in the CLI's "JSON Syntax" blocks.
pub fn json_example(model: &ServiceModel, shape: &str, indent: usize) -> String {
    let pad = " ".repeat(indent + 2);
    let end = " ".repeat(indent);
    match model.shape(shape) {
        Some(Shape::Structure { .. }) => {
            let members = super::names::ordered_members(model, shape);
            let lines: Vec<String> =
                members.iter().map(|(m, t)| format!("{pad}\"{m}\": {}", json_example(model, t, indent + 2))).collect();
            format!("{{\n{}\n{end}}}", lines.join(",\n"))
        }
        Some(Shape::List { member, .. }) => format!("[{}, ...]", json_example(model, member, indent)),
        Some(Shape::Map { value, .. }) => format!("{{\"string\": {}, ...}}", json_example(model, value, indent)),
        Some(Shape::String { enums, .. }) if !enums.is_empty() => format!("\"{}\"", enums.join("\"|\"")),
        Some(Shape::String { .. }) => "\"string\"".into(),
        Some(Shape::Blob { .. }) => "blob".into(),
        Some(Shape::Timestamp) => "timestamp".into(),
        Some(s) => s.type_name().to_string(),
        None => "\"string\"".into(),
    }
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines().map(|l| if l.is_empty() { String::new() } else { format!("{pad}{l}") }).collect::<Vec<_>>().join("\n")
}

/// The blob members of a structure option, or of the structures of a list option (`Data` of a
/// Firehose `--record`, of Kinesis's `--records`): they read base64 too.
fn blob_members(model: &ServiceModel, shape: &str) -> Vec<String> {
    let structure = match model.shape(shape) {
        Some(Shape::List { member, .. }) => member.as_str(),
        _ => shape,
    };
    super::names::ordered_members(model, structure)
        .into_iter()
        .filter(|(_, t)| matches!(model.shape(t), Some(Shape::Blob { .. })))
        .map(|(m, _)| m)
        .collect()
}

fn synopsis_line(table: &OpTable, arg: &OpArg) -> String {
    let text = if table.is_boolean(arg) {
        format!("--{0} | --no-{0}", arg.name)
    } else {
        format!("--{} <value>", arg.name)
    };
    if arg.required {
        format!("    {text}\n")
    } else {
        format!("    [{text}]\n")
    }
}

/// `aws kinesis <operation> help`.
pub fn operation_help(operation: &str) -> String {
    operation_help_in(&KINESIS, operation)
}

/// `aws <command> <operation> help` (the operation's API name): AWS's description, the synopsis, each
/// option with its type, documentation and syntax, and the output's shape.
pub fn operation_help_in(service: &CliService, operation: &str) -> String {
    let model = service.model();
    let Some(table) = service.op_table(operation) else { return String::new() };
    let mut out = format!("{}\n\nDESCRIPTION\n\n", table.cli_name.to_uppercase());
    let description = service.docs().operations.get(operation).cloned().unwrap_or_default();
    out.push_str(&indent(&description, 2));
    out.push_str(&format!("\n\n  API operation: {operation}\n\nSYNOPSIS\n\n  aws {} {}\n", service.command, table.cli_name));
    for arg in table.args.iter().filter(|a| a.documented) {
        out.push_str(&synopsis_line(&table, arg));
    }
    if table.paginator.is_some() {
        out.push_str("    [--starting-token <value>]\n    [--page-size <value>]\n    [--max-items <value>]\n");
    }
    out.push_str("    [--cli-input-json <value>]\n    [--generate-cli-skeleton]\n\nOPTIONS\n\n");
    if table.args.iter().all(|a| !a.documented) {
        out.push_str("  None\n\n");
    }
    for arg in table.args.iter().filter(|a| a.documented) {
        let required = if arg.required { " [required]" } else { "" };
        let flag = if table.is_boolean(arg) { format!("--{0} | --no-{0}", arg.name) } else { format!("--{}", arg.name) };
        out.push_str(&format!("  {flag} ({}){required}\n", type_name(model, &arg.shape)));
        if !arg.doc.is_empty() {
            out.push_str(&indent(&arg.doc, 6));
            out.push('\n');
        }
        if let Some(Shape::String { enums, .. }) = model.shape(&arg.shape) {
            if !enums.is_empty() {
                out.push_str("\n      Possible values:\n");
                for e in enums {
                    out.push_str(&format!("        o {e}\n"));
                }
            }
        }
        if matches!(model.shape(&arg.shape), Some(Shape::Blob { .. })) {
            out.push_str("\n      Blob input is base64 text; add --cli-binary-format raw-in-base64-out to pass raw text.\n");
        }
        let blobs = blob_members(model, &arg.shape);
        if !blobs.is_empty() {
            out.push_str(&format!(
                "\n      {} (blob) is base64 text; add --cli-binary-format raw-in-base64-out to pass raw text.\n",
                blobs.join(", ")
            ));
        }
        if matches!(model.shape(&arg.shape), Some(Shape::Timestamp)) {
            out.push_str("\n      Accepts epoch seconds (1767225600) or ISO 8601 (2026-01-01T00:00:00Z).\n");
        }
        let complex = matches!(model.shape(&arg.shape), Some(Shape::Structure { .. } | Shape::Map { .. }))
            || matches!(model.shape(&arg.shape), Some(Shape::List { member, .. }) if matches!(model.shape(member), Some(Shape::Structure { .. })));
        if complex {
            if let Some(sh) = shorthand_example(model, &arg.shape) {
                out.push_str(&format!("\n      Shorthand Syntax:\n\n        {sh}\n"));
            }
            out.push_str(&format!("\n      JSON Syntax:\n\n{}\n", indent(&json_example(model, &arg.shape, 0), 8)));
        } else if matches!(model.shape(&arg.shape), Some(Shape::List { .. })) {
            if let Some(sh) = shorthand_example(model, &arg.shape) {
                out.push_str(&format!("\n      Syntax:\n\n        {sh}\n"));
            }
        }
        out.push('\n');
    }
    if let Some(p) = table.paginator {
        out.push_str(&format!(
            "  Pagination: the CLI follows every page itself ({} → {}) and prints the merged result.\n  \
             --max-items limits the items printed, --page-size the items per call, --starting-token resumes.\n\n",
            p.output_token, p.input_token
        ));
    }
    let op = model.operation(operation);
    // An output structure without members (Firehose's UpdateDestination, for one) prints nothing, as none.
    let output = op.and_then(|o| o.output.clone()).filter(|shape| !matches!(model.shape(shape), Some(Shape::Structure { members, .. }) if members.is_empty()));
    match output {
        Some(output) if operation != "SubscribeToShard" => {
            out.push_str(&format!("OUTPUT\n\n{}\n", indent(&json_example(model, &output, 0), 2)));
        }
        Some(_) => out.push_str("OUTPUT\n\n  An event stream of SubscribeToShardEvent records.\n"),
        None => out.push_str("OUTPUT\n\n  None (the CLI prints nothing on success)\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_help_lists_options_and_docs() {
        let text = operation_help("GetShardIterator");
        assert!(text.contains("--shard-iterator-type <value>\n"));
        assert!(text.contains("--shard-iterator-type (string) [required]"));
        assert!(text.contains("o AT_SEQUENCE_NUMBER"));
        assert!(text.contains("[--timestamp <value>]"));
        assert!(!text.contains("<p>"));
        let text = operation_help("DeleteStream");
        assert!(text.contains("[--enforce-consumer-deletion | --no-enforce-consumer-deletion]"));
        let text = operation_help("ListStreams");
        assert!(!text.contains("--next-token"), "paginator tokens are undocumented");
    }

    #[test]
    fn service_help_lists_every_operation() {
        let text = service_help();
        assert_eq!(text.matches("\n  o ").count(), crate::api::model::kinesis().operation_names().len());
    }
}

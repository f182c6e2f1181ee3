//! Tab completion: the next word of `aws <command> <operation> --option value` (kinesis or firehose)
//! from the service's model.

use super::help::GLOBAL_OPTIONS;
use super::services::{by_command, CliService, SERVICES};
use super::tokenize::tokenize_with_state;
use crate::api::model::Shape;

/// Options after which a value (not another option) comes, for the globals with fixed choices.
fn global_values(option: &str) -> Option<Vec<String>> {
    let values: &[&str] = match option {
        "--output" => &["json", "text", "table"],
        "--cli-binary-format" => &["base64", "raw-in-base64-out"],
        "--query" | "--region" | "--profile" | "--endpoint-url" => &[],
        _ => return None,
    };
    Some(values.iter().map(|s| s.to_string()).collect())
}

fn matching(candidates: Vec<String>, prefix: &str) -> Vec<String> {
    candidates.into_iter().filter(|c| c.starts_with(prefix)).collect()
}

/// Whole-word candidates for the word being typed at the end of `line`.
pub fn complete(line: &str) -> Vec<String> {
    let Ok((words, in_word)) = tokenize_with_state(line) else { return Vec::new() };
    let (prior, prefix) = match (in_word, words.split_last()) {
        (true, Some((last, rest))) => (rest.to_vec(), last.clone()),
        _ => (words, String::new()),
    };
    // Global options may appear anywhere; their values are skipped when finding the positionals.
    let mut positionals = Vec::new();
    let mut skip_next = false;
    for w in &prior {
        if skip_next {
            skip_next = false;
            continue;
        }
        if global_values(w).is_some() {
            skip_next = true;
            continue;
        }
        if !w.starts_with("--") && positionals.len() < 3 {
            positionals.push(w.clone());
        }
    }
    if let Some(last) = prior.last() {
        if let Some(values) = global_values(last) {
            return matching(values, &prefix);
        }
    }
    let globals = || GLOBAL_OPTIONS.iter().map(|(n, _)| n.to_string()).collect::<Vec<_>>();
    match positionals.len() {
        0 => matching(vec!["aws".into()], &prefix),
        1 if prefix.starts_with('-') => matching(globals(), &prefix),
        1 => {
            let mut commands: Vec<String> = SERVICES.iter().map(|s| s.command.to_string()).collect();
            commands.push("help".into());
            matching(commands, &prefix)
        }
        2 if prefix.starts_with('-') => matching(globals(), &prefix),
        2 => {
            let Some(service) = by_command(&positionals[1]) else { return Vec::new() };
            let mut ops = service.operation_cli_names();
            ops.push("help".into());
            matching(ops, &prefix)
        }
        _ => match by_command(&positionals[1]) {
            Some(service) => complete_options(service, &positionals[2], &prior, &prefix),
            None => Vec::new(),
        },
    }
}

fn complete_options(service: &CliService, op_cli: &str, prior: &[String], prefix: &str) -> Vec<String> {
    let Some(operation) = service.operation_for_cli(op_cli) else { return Vec::new() };
    let Some(table) = service.op_table(&operation) else { return Vec::new() };
    let model = table.model;
    // After an option that takes a value: its enum values, if it has any.
    if let Some(last) = prior.last().and_then(|w| w.strip_prefix("--")) {
        if let Some(arg) = table.arg(last) {
            if !table.is_boolean(arg) {
                if let Some(Shape::String { enums, .. }) = model.shape(&arg.shape) {
                    return matching(enums.clone(), prefix);
                }
                if !prefix.starts_with('-') {
                    return Vec::new();
                }
            }
        }
    }
    let used: Vec<&str> = prior.iter().filter_map(|w| w.strip_prefix("--")).map(|w| w.split('=').next().unwrap_or(w)).collect();
    let mut options = Vec::new();
    for arg in table.args.iter().filter(|a| a.documented) {
        let names = if table.is_boolean(arg) { vec![arg.name.clone(), format!("no-{}", arg.name)] } else { vec![arg.name.clone()] };
        if names.iter().any(|n| used.contains(&n.as_str())) {
            continue;
        }
        options.extend(names.into_iter().map(|n| format!("--{n}")));
    }
    if table.paginator.is_some() {
        for extra in ["starting-token", "page-size", "max-items"] {
            if !used.contains(&extra) {
                options.push(format!("--{extra}"));
            }
        }
    }
    for extra in ["cli-input-json", "generate-cli-skeleton"] {
        if !used.contains(&extra) {
            options.push(format!("--{extra}"));
        }
    }
    if prefix.starts_with("--") || prefix.is_empty() {
        let mut all = options;
        if !prefix.is_empty() {
            all.extend(GLOBAL_OPTIONS.iter().map(|(n, _)| n.to_string()).filter(|n| !used.contains(&&n[2..])));
        }
        matching(all, prefix)
    } else {
        Vec::new()
    }
}

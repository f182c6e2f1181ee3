//! Reading and checking lab files. Both forms — the TOML text (tests, native tools) and the build-time
//! JSON (the page) — become one `serde_json::Value` and go through the same checks, part by part, so
//! every problem is reported with its file, the field it is in and the reason, and all of them at once.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::exam::bank::Catalog;

use super::checks::METRIC_NAMES;
use super::format::{Check, Hint, Lab, LabStep, Objective, Predicate, Question, QuestionKind, Solution, SourceRef, Start};
use super::score::SCORE_RULES;
use super::script::{parse_line, StepLine};

/// One problem in a lab file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabError {
    /// The file, e.g. `labs/guided/shard-math.toml`.
    pub file: String,
    /// The field as a path (`check[2].when`), when the problem is in one field.
    pub field: Option<String>,
    pub reason: String,
}

impl LabError {
    pub fn new(file: &str, field: Option<&str>, reason: impl Into<String>) -> LabError {
        LabError { file: file.to_string(), field: field.map(str::to_string), reason: reason.into() }
    }
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}: {}: {}", self.file, field, self.reason),
            None => write!(f, "{}: {}", self.file, self.reason),
        }
    }
}

impl std::error::Error for LabError {}

/// Values the small enumerations may take.
pub const SERVICES: &[&str] = &["streams", "firehose", "analytics", "video"];
pub const SANDBOXES: &[&str] = &["streams", "firehose"];
pub const LEVELS: &[&str] = &["foundation", "associate", "advanced"];
pub const STREAM_STATUSES: &[&str] = &["CREATING", "ACTIVE", "UPDATING", "DELETING", "DELETED"];
pub const STREAM_MODES: &[&str] = &["PROVISIONED", "ON_DEMAND"];
pub const FIREHOSE_STATUSES: &[&str] =
    &["CREATING", "CREATING_FAILED", "DELETING", "DELETING_FAILED", "ACTIVE", "SUSPENDED"];
/// What flushed a Firehose buffer, as `observe_firehose::DeliveryView::reason` names it (an `update`
/// flush is not something a lab asks for).
pub const FLUSH_REASONS: &[&str] = &["size", "interval"];
/// A lab's rough length, in minutes: a sanity bound against typos.
pub const MAX_MINUTES: u32 = 240;

const TOP_KEYS: &[&str] = &[
    "id", "title", "services", "sandbox", "level", "minutes", "summary", "score", "objective", "start", "step",
    "question", "check", "hint", "solution",
];

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The file's stem: `labs/guided/shard-math.toml` → `shard-math`.
pub fn file_stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.strip_suffix(".toml").or_else(|| name.strip_suffix(".json")).unwrap_or(name)
}

/// Cleans serde's message (no trailing position for JSON values; keep it short).
fn serde_reason(e: &serde_json::Error) -> String {
    e.to_string()
}

fn part<T: DeserializeOwned>(value: &Value, file: &str, field: &str, errors: &mut Vec<LabError>) -> Option<T> {
    match serde_json::from_value::<T>(value.clone()) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(LabError::new(file, Some(field), serde_reason(&e)));
            None
        }
    }
}

/// Reads a lab from its JSON value (what TOML and the embedded JSON both become), reporting each part's
/// shape problems with its field; then runs [`validate`].
pub fn lab_from_value(file: &str, value: &Value, catalog: &Catalog) -> Result<Lab, Vec<LabError>> {
    let mut errors = Vec::new();
    let Some(table) = value.as_object() else {
        return Err(vec![LabError::new(file, None, "a lab file must be a table of keys")]);
    };
    for key in table.keys() {
        if !TOP_KEYS.contains(&key.as_str()) {
            errors.push(LabError::new(file, Some(key), format!("unknown key (known: {})", TOP_KEYS.join(", "))));
        }
    }
    for key in ["id", "title", "services", "sandbox", "level", "minutes", "summary", "score", "objective", "start", "solution"] {
        if !table.contains_key(key) {
            errors.push(LabError::new(file, Some(key), "missing (every lab needs it)"));
        }
    }
    fn each<T: DeserializeOwned>(table: &serde_json::Map<String, Value>, key: &str, file: &str, errors: &mut Vec<LabError>) {
        match table.get(key) {
            None => {}
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    part::<T>(item, file, &format!("{key}[{i}]"), errors);
                }
            }
            Some(_) => errors.push(LabError::new(file, Some(key), format!("must be a list of [[{key}]] tables"))),
        }
    }
    each::<Objective>(table, "objective", file, &mut errors);
    each::<LabStep>(table, "step", file, &mut errors);
    each::<Question>(table, "question", file, &mut errors);
    each::<Check>(table, "check", file, &mut errors);
    each::<Hint>(table, "hint", file, &mut errors);
    for (key, value) in table {
        let _ = match key.as_str() {
            "id" | "title" | "sandbox" | "level" | "summary" | "score" => part::<String>(value, file, key, &mut errors).map(|_| ()),
            "services" => part::<Vec<String>>(value, file, key, &mut errors).map(|_| ()),
            "minutes" => part::<u32>(value, file, key, &mut errors).map(|_| ()),
            "start" => part::<Start>(value, file, key, &mut errors).map(|_| ()),
            "solution" => part::<Solution>(value, file, key, &mut errors).map(|_| ()),
            _ => None,
        };
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let lab: Lab = match serde_json::from_value(value.clone()) {
        Ok(lab) => lab,
        Err(e) => return Err(vec![LabError::new(file, None, serde_reason(&e))]),
    };
    let errors = validate(file, &lab, catalog);
    if errors.is_empty() {
        Ok(lab)
    } else {
        Err(errors)
    }
}

/// Everything a lab's lines create or name, for reference checks.
#[derive(Default)]
struct Names {
    streams: BTreeSet<String>,
    delivery_streams: BTreeSet<String>,
    producers: BTreeSet<String>,
    consumers: BTreeSet<String>,
}

fn check_lines(
    file: &str,
    key: &str,
    lines: &[String],
    lab: &Lab,
    names: &mut Names,
    errors: &mut Vec<LabError>,
) {
    for (i, line) in lines.iter().enumerate() {
        let field = format!("{key}[{i}]");
        match parse_line(line) {
            Err(reason) => errors.push(LabError::new(file, Some(&field), format!("`{line}`: {reason}"))),
            Ok(step) => {
                if let Some(s) = step.created_stream() {
                    names.streams.insert(s);
                }
                if let Some(s) = step.created_delivery_stream() {
                    names.delivery_streams.insert(s);
                }
                match &step {
                    StepLine::ProducerAdd(p) => {
                        names.producers.insert(p.name.clone());
                    }
                    StepLine::ConsumerAdd(c) => {
                        names.consumers.insert(c.name.clone());
                    }
                    StepLine::Answer { question, value } => match lab.questions.iter().find(|q| q.id == *question) {
                        None => errors.push(LabError::new(file, Some(&field), format!("answers question `{question}`, which the lab does not have"))),
                        Some(_) => {
                            if super::checks::answer_value(lab, question, value).is_none() {
                                errors.push(LabError::new(file, Some(&field), format!("`{value}` is not a valid answer to `{question}`")));
                            }
                        }
                    },
                    _ => {}
                }
            }
        }
    }
}

fn check_source(file: &str, field: &str, s: &SourceRef, catalog: &Catalog, errors: &mut Vec<LabError>) {
    match (&s.note, &s.section, &s.facts) {
        (Some(note), Some(section), None) => match catalog.note(note) {
            None => errors.push(LabError::new(file, Some(field), format!("note {note} is not in labs/seed-sections.toml"))),
            Some(n) if !n.sections.iter().any(|h| h == section) => errors.push(LabError::new(
                file,
                Some(field),
                format!("note {note} has no section \"{section}\" (labs/seed-sections.toml lists its headings)"),
            )),
            Some(_) => {}
        },
        (None, None, Some(facts)) => {
            if catalog.facts_section(facts).is_none() {
                errors.push(LabError::new(file, Some(field), format!("FACTS section \"{facts}\" is not listed in labs/sources.toml")));
            }
        }
        _ => errors.push(LabError::new(
            file,
            Some(field),
            "a source is either { note, section } or { facts }",
        )),
    }
}

fn check_predicate(file: &str, field: &str, p: &Predicate, lab: &Lab, names: &Names, errors: &mut Vec<LabError>) {
    let mut err = |sub: &str, reason: String| {
        errors.push(LabError::new(file, Some(&format!("{field}.{sub}")), reason));
    };
    let stream_ref = |stream: &str, err: &mut dyn FnMut(&str, String)| {
        if !names.streams.contains(stream) {
            err("stream", format!("stream `{stream}` is never created by the lab's start or solution"));
        }
    };
    let consumer_ref = |consumer: &str, err: &mut dyn FnMut(&str, String)| {
        if !names.consumers.contains(consumer) {
            err("consumer", format!("consumer `{consumer}` is never added by the lab's start or solution"));
        }
    };
    let seconds_ok = |seconds: u32, err: &mut dyn FnMut(&str, String)| {
        if seconds == 0 || seconds as usize > crate::engine::streams::metrics::STREAM_SERIES_SECONDS {
            err("seconds", format!("must be 1 to {} (the metrics kept)", crate::engine::streams::metrics::STREAM_SERIES_SECONDS));
        }
    };
    match p {
        Predicate::StreamStatus { stream, status } => {
            stream_ref(stream, &mut err);
            if !STREAM_STATUSES.contains(&status.as_str()) {
                err("status", format!("`{status}` is not a stream status ({})", STREAM_STATUSES.join(", ")));
            }
        }
        Predicate::OpenShards { stream, at_least, at_most, equals } | Predicate::RetentionHours { stream, at_least, at_most, equals } => {
            stream_ref(stream, &mut err);
            if at_least.is_none() && at_most.is_none() && equals.is_none() {
                err("kind", "needs at_least, at_most or equals".into());
            }
        }
        Predicate::ClosedShards { stream, .. }
        | Predicate::ExpiredShards { stream, .. }
        | Predicate::ShardHasChildren { stream, .. } => stream_ref(stream, &mut err),
        Predicate::StreamMode { stream, mode } => {
            stream_ref(stream, &mut err);
            if !STREAM_MODES.contains(&mode.as_str()) {
                err("mode", format!("`{mode}` is not PROVISIONED or ON_DEMAND"));
            }
        }
        Predicate::NoWriteThrottling { stream, seconds, min_records_per_sec } => {
            stream_ref(stream, &mut err);
            seconds_ok(*seconds, &mut err);
            if !min_records_per_sec.is_finite() || *min_records_per_sec < 0.0 {
                err("min_records_per_sec", "must be a number ≥ 0".into());
            }
        }
        Predicate::WriteThrottlingSeen { stream, seconds, shard, key } => {
            stream_ref(stream, &mut err);
            seconds_ok(*seconds, &mut err);
            if shard.is_some() && key.is_some() {
                err("key", "give shard or key, not both".into());
            }
        }
        Predicate::Metric { stream, metric, seconds, value, .. } => {
            stream_ref(stream, &mut err);
            seconds_ok(*seconds, &mut err);
            if !METRIC_NAMES.contains(&metric.as_str()) {
                err("metric", format!("`{metric}` is not a metric (known: {})", METRIC_NAMES.join(", ")));
            }
            if !value.is_finite() {
                err("value", "must be a number".into());
            }
        }
        Predicate::ConsumerRegistered { stream, consumer_kind, .. } => {
            stream_ref(stream, &mut err);
            if let Some(kind) = consumer_kind.as_deref().filter(|k| *k != "efo") {
                err("consumer_kind", format!("`{kind}`: only efo consumers are registered"));
            }
        }
        Predicate::ConsumerRecords { consumer, consumer_kind, .. } => {
            consumer_ref(consumer, &mut err);
            if let Some(kind) = consumer_kind.as_deref().filter(|k| !["polling", "efo", "kcl"].contains(k)) {
                err("consumer_kind", format!("`{kind}`: one of polling, efo, kcl"));
            }
        }
        Predicate::ConsumerLag { consumer, .. }
        | Predicate::ConsumerFinishedShards { consumer, .. }
        | Predicate::KclWorkers { consumer, .. }
        | Predicate::KclNoLossAfterFailover { consumer } => consumer_ref(consumer, &mut err),
        Predicate::KclReprocessed { consumer, value, .. } => {
            consumer_ref(consumer, &mut err);
            if !value.is_finite() || *value < 0.0 {
                err("value", "must be a number ≥ 0".into());
            }
        }
        Predicate::ProducerStats { producer, value, .. } => {
            if !names.producers.contains(producer) {
                err("producer", format!("producer `{producer}` is never added by the lab's start or solution"));
            }
            if !value.is_finite() {
                err("value", "must be a number".into());
            }
        }
        Predicate::FirehoseObjects { delivery_stream, flushed_by, .. } => {
            if !names.delivery_streams.contains(delivery_stream) {
                err("delivery_stream", format!("delivery stream `{delivery_stream}` is never created by the lab"));
            }
            if let Some(r) = flushed_by.as_deref().filter(|r| !FLUSH_REASONS.contains(r)) {
                err("flushed_by", format!("`{r}` is not a flush reason (size or interval)"));
            }
        }
        Predicate::FirehoseRecordsDelivered { delivery_stream, .. } => {
            if !names.delivery_streams.contains(delivery_stream) {
                err("delivery_stream", format!("delivery stream `{delivery_stream}` is never created by the lab"));
            }
        }
        Predicate::FirehoseStatus { delivery_stream, status } => {
            if !names.delivery_streams.contains(delivery_stream) {
                err("delivery_stream", format!("delivery stream `{delivery_stream}` is never created by the lab"));
            }
            if !FIREHOSE_STATUSES.contains(&status.as_str()) {
                err("status", format!("`{status}` is not a delivery stream status"));
            }
        }
        Predicate::Answer { question } => {
            if !lab.questions.iter().any(|q| q.id == *question) {
                err("question", format!("the lab has no question `{question}`"));
            }
        }
        Predicate::All { of } | Predicate::Any { of } => {
            if of.is_empty() {
                err("of", "needs at least one predicate".into());
            }
            for (i, inner) in of.iter().enumerate() {
                check_predicate(file, &format!("{field}.of[{i}]"), inner, lab, names, errors);
            }
        }
    }
}

fn check_question(file: &str, i: usize, q: &Question, errors: &mut Vec<LabError>) {
    let field = |sub: &str| format!("question[{i}].{sub}");
    let mut err = |sub: &str, reason: String| errors.push(LabError::new(file, Some(&field(sub)), reason));
    if !is_kebab(&q.id) {
        err("id", format!("`{}` is not kebab-case", q.id));
    }
    if q.prompt.trim().is_empty() {
        err("prompt", "is empty".into());
    }
    if q.explanation.trim().is_empty() {
        err("explanation", "is empty".into());
    }
    if !q.answer.is_finite() {
        err("answer", "must be a number".into());
    }
    match q.kind {
        QuestionKind::Number => {
            if !q.options.is_empty() {
                err("options", "only choice questions have options".into());
            }
            if q.tolerance_abs.is_some() && q.tolerance_percent.is_some() {
                err("tolerance_abs", "give tolerance_abs or tolerance_percent, not both".into());
            }
            for (name, t) in [("tolerance_abs", q.tolerance_abs), ("tolerance_percent", q.tolerance_percent)] {
                if t.is_some_and(|t| !t.is_finite() || t < 0.0) {
                    err(name, "must be a number ≥ 0".into());
                }
            }
        }
        QuestionKind::Choice => {
            if q.options.len() < 2 {
                err("options", "a choice question needs at least two options".into());
            }
            if q.answer.fract() != 0.0 || q.answer < 0.0 || q.answer >= q.options.len() as f64 {
                err("answer", format!("must be an option index from 0 to {}", q.options.len().saturating_sub(1)));
            }
            if q.tolerance_abs.is_some() || q.tolerance_percent.is_some() {
                err("tolerance_abs", "a choice question has no tolerance".into());
            }
        }
    }
}

/// The meaning checks of a lab that parsed (every problem, in file order).
pub fn validate(file: &str, lab: &Lab, catalog: &Catalog) -> Vec<LabError> {
    let mut errors = Vec::new();
    let mut err = |field: &str, reason: String| errors.push(LabError::new(file, Some(field), reason));
    let stem = file_stem(file);
    if !is_kebab(&lab.id) {
        err("id", format!("`{}` is not kebab-case", lab.id));
    } else if lab.id != stem {
        err("id", format!("`{}` must equal the file's name `{stem}`", lab.id));
    }
    for (field, text) in [("title", &lab.title), ("summary", &lab.summary)] {
        if text.trim().is_empty() {
            err(field, "is empty".into());
        }
    }
    if lab.services.is_empty() {
        err("services", "names no service".into());
    }
    for (i, s) in lab.services.iter().enumerate() {
        if !SERVICES.contains(&s.as_str()) {
            err(&format!("services[{i}]"), format!("`{s}` is not a service ({})", SERVICES.join(", ")));
        }
    }
    if !SANDBOXES.contains(&lab.sandbox.as_str()) {
        err("sandbox", format!("`{}` is not a sandbox ({})", lab.sandbox, SANDBOXES.join(", ")));
    }
    if !LEVELS.contains(&lab.level.as_str()) {
        err("level", format!("`{}` is not a level ({})", lab.level, LEVELS.join(", ")));
    }
    if lab.minutes == 0 || lab.minutes > MAX_MINUTES {
        err("minutes", format!("must be 1 to {MAX_MINUTES}"));
    }
    if !SCORE_RULES.contains(&lab.score.as_str()) {
        err("score", format!("unknown score rule `{}` (known: {})", lab.score, SCORE_RULES.join(", ")));
    }
    if lab.objectives.is_empty() {
        err("objective", "the lab has no objective".into());
    }
    drop(err);
    for (i, o) in lab.objectives.iter().enumerate() {
        if o.text.trim().is_empty() {
            errors.push(LabError::new(file, Some(&format!("objective[{i}].text")), "is empty"));
        }
        if o.sources.is_empty() {
            errors.push(LabError::new(file, Some(&format!("objective[{i}].sources")), "cites no source"));
        }
        for (j, s) in o.sources.iter().enumerate() {
            check_source(file, &format!("objective[{i}].sources[{j}]"), s, catalog, &mut errors);
        }
    }
    if lab.steps.is_empty() {
        errors.push(LabError::new(file, Some("step"), "the lab asks the learner to do nothing"));
    }
    for (i, s) in lab.steps.iter().enumerate() {
        if s.text.trim().is_empty() {
            errors.push(LabError::new(file, Some(&format!("step[{i}].text")), "is empty"));
        }
    }
    let mut ids = BTreeMap::new();
    for (i, q) in lab.questions.iter().enumerate() {
        check_question(file, i, q, &mut errors);
        if let Some(first) = ids.insert(q.id.as_str(), i) {
            errors.push(LabError::new(file, Some(&format!("question[{i}].id")), format!("`{}` is also question[{first}]'s id", q.id)));
        }
    }
    let mut names = Names::default();
    check_lines(file, "start.steps", &lab.start.steps, lab, &mut names, &mut errors);
    check_lines(file, "solution.steps", &lab.solution.steps, lab, &mut names, &mut errors);
    if lab.solution.steps.is_empty() {
        errors.push(LabError::new(file, Some("solution.steps"), "the solution has no steps"));
    }
    if lab.solution.text.trim().is_empty() {
        errors.push(LabError::new(file, Some("solution.text"), "is empty"));
    }
    if lab.checks.is_empty() {
        errors.push(LabError::new(file, Some("check"), "the lab has no check"));
    }
    let mut check_ids = BTreeMap::new();
    for (i, c) in lab.checks.iter().enumerate() {
        if !is_kebab(&c.id) {
            errors.push(LabError::new(file, Some(&format!("check[{i}].id")), format!("`{}` is not kebab-case", c.id)));
        }
        if let Some(first) = check_ids.insert(c.id.as_str(), i) {
            errors.push(LabError::new(file, Some(&format!("check[{i}].id")), format!("`{}` is also check[{first}]'s id", c.id)));
        }
        if c.text.trim().is_empty() {
            errors.push(LabError::new(file, Some(&format!("check[{i}].text")), "is empty"));
        }
        check_predicate(file, &format!("check[{i}].when"), &c.when, lab, &names, &mut errors);
    }
    if lab.hints.is_empty() {
        errors.push(LabError::new(file, Some("hint"), "the lab has no hint"));
    }
    for (i, h) in lab.hints.iter().enumerate() {
        if h.text.trim().is_empty() {
            errors.push(LabError::new(file, Some(&format!("hint[{i}].text")), "is empty"));
        }
    }
    errors
}

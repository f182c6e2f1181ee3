//! Guided labs: a goal, a starting sandbox, steps for the learner, questions, live checks, hints, a
//! reference solution and a score. Pure and deterministic (no clock, no I/O), the same natively and in
//! the browser; the page reads the build-time JSON of `labs/guided/*.toml` (no TOML parser in the
//! bundle), tests read the TOML text. The format is `labs-spec` (issue 5), see `format`.
//!
//! # Public API
//!
//! ```text
//! load_embedded() -> Result<Vec<Lab>, Vec<LabError>>            every labs/guided/*.json, validated
//! parse_lab_json(file, json) / parse_lab_toml(file, toml)       one file (TOML: native only)
//!     -> Result<Lab, Vec<LabError>>                              LabError { file, field, reason }
//! start(&Lab) -> Result<(Sandbox, LabRun), StepError>            fresh sandbox + [start]; LabRun at zero
//! run_step(&mut Sandbox, &mut LabRun, line) -> Result<String, StepError>   one step-language line
//! replay(&mut Sandbox, &mut LabRun, &[String]) -> Result<Vec<String>, StepError>
//! evaluate(&Lab, &Sandbox, &LabRun) -> Vec<CheckStatus { id, text, met, detail }>
//! score(&Lab, &Sandbox, &LabRun) -> Score { rule, value, text }  lower is better
//! update_completion(&Lab, &Sandbox, &mut LabRun) -> Option<Score>   marks the run complete when all met
//! answer_is_right(&Lab, &LabRun, question) -> Option<bool>      None while unanswered
//! LabRun { lab_id, started_ms, api_calls, answers, hints_revealed, steps_run, completed }  (serde)
//!     .set_answer(q, value), .reveal_hint(count), .note_api_call()
//! progress::LabProgress { kind, version, labs }: record(&LabRun), export_json(), import_json(text)
//! script::parse_line(line) -> Result<StepLine, String>          syntax only
//! ```
//!
//! Checks read the sandbox through `api::observe`, engine metrics and actor statistics — never through an
//! API call — so the runner panel may evaluate them every frame. The panel calls `update_completion` after
//! each clock move or action; API calls the learner makes outside `run_step` (console forms, the terminal)
//! are counted with `LabRun::note_api_call`.
//!
//! # Beyond or different from the spec
//!
//! - `start` fails with a `StepError` (line number, line, reason) rather than a `LabError`: a start that
//!   does not run is a content bug in one line, and that is what the error names.
//! - `consumer_registered` spells the consumer kind `consumer_kind = "efo"` (optional): a TOML table cannot
//!   hold the predicate's own `kind` twice.
//! - Extra predicates: `expired_shards {stream, at_least}` (closed shards past retention);
//!   `consumer_finished_shards {consumer, at_least}` (shards read to SHARD_END, so parents before
//!   children); `closed_shards` takes `holding_records = true`; `write_throttling_seen` takes `shard = id`
//!   or `key = partition key` (the open shard the key hashes to).
//! - `shard_has_children {stream, count_at_least}` counts parent shards (shards with one or more children).
//! - `kcl_no_loss_after_failover {consumer}`: a worker is stopped, every unfinished lease has a live owner,
//!   and every shard is within `checks::KCL_CAUGHT_UP_MS` of the latest record.
//! - Step language extras: `consumer start-worker N W`; consumer options `interval=1s` (polling),
//!   `failover=10s` (kcl), `start=trim-horizon|latest`; `keys=fixed:K` is K keys `key-0`… chosen
//!   uniformly, `keys=hot:K:PCT` gives `key-0` PCT % of the records; `bytes=B` makes each record's data
//!   exactly B bytes (without it, the producers panel's default JSON template).

pub mod checks;
pub mod format;
pub mod progress;
pub mod run;
pub mod score;
pub mod script;
pub mod validate;

pub use checks::{evaluate, CheckStatus};
pub use format::{Check, Lab, Predicate, Question, QuestionKind};
pub use run::{Completion, LabRun};
pub use score::{score, Score};
pub use script::StepError;
pub use validate::LabError;

use crate::engine::streams::EngineConfig;
use crate::engine::time::DEFAULT_SANDBOX_START_MS;
use crate::exam::bank::Catalog;
use crate::sim::Sandbox;

/// The folder of guided labs in the embedded content.
pub const LABS_FOLDER: &str = "labs/guided/";

/// The eight lab ids other pages link to (issue 5). Not all need exist yet.
pub const LAB_IDS: &[&str] = &[
    "shard-math",
    "resharding-lineage",
    "streams-vs-firehose",
    "retention-fanout-pricing",
    "kpl-aggregation-retries",
    "kcl-checkpoint-failover",
    "firehose-buffering-transforms",
    "hot-shard-detection",
];

fn catalog_errors(file: &str, errors: Vec<crate::exam::bank::BankError>) -> Vec<LabError> {
    errors.into_iter().map(|e| LabError::new(file, None, format!("source catalog: {e}"))).collect()
}

/// One lab from its build-time JSON.
pub fn parse_lab_json(file: &str, json: &str) -> Result<Lab, Vec<LabError>> {
    let catalog = Catalog::from_embedded_json(LAB_IDS).map_err(|e| catalog_errors(file, e))?;
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| vec![LabError::new(file, None, e.to_string())])?;
    validate::lab_from_value(file, &value, &catalog)
}

/// One lab from its TOML text (tests and native tools; the page never links a TOML parser).
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_lab_toml(file: &str, text: &str) -> Result<Lab, Vec<LabError>> {
    let catalog = Catalog::embedded().map_err(|e| catalog_errors(file, e))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        vec![LabError::new(file, None, e.to_string().trim_end().to_string())]
    })?;
    let value = serde_json::to_value(&table).map_err(|e| vec![LabError::new(file, None, e.to_string())])?;
    validate::lab_from_value(file, &value, &catalog)
}

/// Every embedded lab (`labs/guided/*.toml` as JSON), validated, in file order; or every problem found.
pub fn load_embedded() -> Result<Vec<Lab>, Vec<LabError>> {
    let mut labs = Vec::new();
    let mut errors = Vec::new();
    for (file, json) in crate::content::under(LABS_FOLDER) {
        match parse_lab_json(file, json) {
            Ok(lab) => labs.push(lab),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(labs)
    } else {
        Err(errors)
    }
}

/// A fresh sandbox (the page's default account and start time) with the lab's `[start]` steps run. The
/// returned run starts at zero calls, at the clock after `[start]`.
pub fn start(lab: &Lab) -> Result<(Sandbox, LabRun), StepError> {
    let mut sandbox = Sandbox::new(EngineConfig::default(), DEFAULT_SANDBOX_START_MS);
    let mut setup = LabRun::new(&lab.id, sandbox.now_ms());
    replay(&mut sandbox, &mut setup, &lab.start.steps)?;
    let run = LabRun::new(&lab.id, sandbox.now_ms());
    Ok((sandbox, run))
}

/// Runs one step-language line (see `script`); its output text, or the error with its line number.
pub fn run_step(sandbox: &mut Sandbox, run: &mut LabRun, line: &str) -> Result<String, StepError> {
    script::run_line(sandbox, run, line)
}

/// Runs lines in order, stopping at the first failure.
pub fn replay(sandbox: &mut Sandbox, run: &mut LabRun, lines: &[String]) -> Result<Vec<String>, StepError> {
    lines.iter().map(|line| run_step(sandbox, run, line)).collect()
}

/// Whether the learner's answer to `question` is right: None while unanswered (or no such question).
pub fn answer_is_right(lab: &Lab, run: &LabRun, question: &str) -> Option<bool> {
    let q = lab.questions.iter().find(|q| q.id == question)?;
    let raw = run.answers.get(question)?;
    Some(checks::answer_value(lab, question, raw).is_some_and(|v| q.is_right(v)))
}

/// Marks the run complete (with its score) the first time every check is met; returns the score then.
pub fn update_completion(lab: &Lab, sandbox: &Sandbox, run: &mut LabRun) -> Option<Score> {
    if run.completed.is_some() {
        return None;
    }
    let statuses = evaluate(lab, sandbox, run);
    if statuses.is_empty() || !statuses.iter().all(|s| s.met) {
        return None;
    }
    run.completed = Some(Completion { at_ms: sandbox.now_ms(), score: Score { rule: String::new(), value: 0.0, text: String::new() } });
    let s = score(lab, sandbox, run);
    if let Some(c) = run.completed.as_mut() {
        c.score = s.clone();
    }
    Some(s)
}

//! Runs learners' Firehose transform scripts for the engine. The engine cannot run JavaScript, so an
//! invocation of a script waits in `FirehoseEngine::waiting_invocations` (and the sandbox clock holds)
//! until the page answers. After every change to the sandbox this starts each waiting invocation once,
//! in a fresh Web Worker with the function's time limit (`transform_worker`), and hands the answer back
//! through `complete_invocation`. A worker that never answers is stopped at the limit, so an endless
//! loop in a learner's code costs one timeout, never a frozen page.

use std::cell::RefCell;
use std::collections::{BTreeSet, VecDeque};

use leptos::prelude::*;

use crate::engine::firehose::processing::WaitingInvocation;
use crate::ui::lab::Lab;
use crate::ui::transform_worker::{invoke_named, WorkerFailure};

/// How many transform runs the page remembers for its log.
pub const RUN_LOG_MAX: usize = 100;

/// One run of a learner's script, as the page saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptRun {
    pub function_name: String,
    pub stream: String,
    pub attempt: u32,
    pub records: usize,
    /// "ok", "timeout" or the error the handler threw.
    pub outcome: String,
    pub logs: Vec<String>,
    pub wall_ms: f64,
}

thread_local! {
    /// Invocation ids started in this page (an answer is given once per id).
    static STARTED: RefCell<BTreeSet<u64>> = const { RefCell::new(BTreeSet::new()) };
    static RUNS: RefCell<VecDeque<ScriptRun>> = const { RefCell::new(VecDeque::new()) };
    /// Time limits the learner chose per function name (the page runs scripts, so the page keeps them).
    static TIME_LIMITS_MS: RefCell<std::collections::BTreeMap<String, u64>> = const { RefCell::new(std::collections::BTreeMap::new()) };
}

/// The shortest and longest time limit the page lets a learner choose: long enough for a worker to
/// start, and at most Lambda's own maximum invocation time (transform::LAMBDA_MAX_INVOCATION_MS).
pub const MIN_TIME_LIMIT_MS: u64 = 100;
pub const MAX_TIME_LIMIT_MS: u64 = crate::engine::firehose::transform::LAMBDA_MAX_INVOCATION_MS;

/// Sets the time limit of a script function's next runs (clamped to the range above).
pub fn set_time_limit(function_name: &str, ms: u64) {
    let ms = ms.clamp(MIN_TIME_LIMIT_MS, MAX_TIME_LIMIT_MS);
    TIME_LIMITS_MS.with(|t| t.borrow_mut().insert(function_name.to_string(), ms));
}

/// The time limit a function's runs get (the engine's default unless the learner chose one).
pub fn time_limit_ms(function_name: &str, default_ms: u64) -> u64 {
    TIME_LIMITS_MS.with(|t| t.borrow().get(function_name).copied()).unwrap_or(default_ms)
}

/// The newest runs first.
pub fn recent_runs() -> Vec<ScriptRun> {
    RUNS.with(|r| r.borrow().iter().rev().cloned().collect())
}

fn remember(run: ScriptRun) {
    RUNS.with(|r| {
        let mut runs = r.borrow_mut();
        runs.push_back(run);
        while runs.len() > RUN_LOG_MAX {
            runs.pop_front();
        }
    });
}

/// Starts the runner: whenever the sandbox changes, waiting invocations not yet started are run.
pub fn install(lab: Lab) {
    Effect::new(move |_| {
        lab.revision.track();
        let waiting: Vec<WaitingInvocation> = lab
            .peek_sandbox(|sb| sb.firehose.engine.waiting_invocations().cloned().collect())
            .unwrap_or_default();
        for w in waiting {
            let fresh = STARTED.with(|s| s.borrow_mut().insert(w.id));
            if fresh {
                leptos::task::spawn_local(run(lab, w));
            }
        }
    });
}

async fn run(lab: Lab, w: WaitingInvocation) {
    let timeout_ms = u32::try_from(time_limit_ms(&w.function_name, w.timeout_ms)).unwrap_or(u32::MAX);
    let result = invoke_named(&w.source, &w.event_json(), timeout_ms, &w.function_name).await;
    let (answer, outcome, logs, wall_ms) = match result {
        Ok(out) => (Ok(out.response_json.into_bytes()), "ok".to_string(), out.logs, out.wall_ms),
        Err(failure) => {
            let outcome = match &failure {
                WorkerFailure::Timeout { timeout_ms, .. } => format!("timed out after {timeout_ms} ms"),
                WorkerFailure::Thrown { message, .. } | WorkerFailure::Unavailable { message } => message.clone(),
            };
            (Err(failure.to_invocation_error()), outcome, failure.logs().to_vec(), 0.0)
        }
    };
    remember(ScriptRun {
        function_name: w.function_name.clone(),
        stream: w.stream.clone(),
        attempt: w.attempt,
        records: w.event.records.len(),
        outcome,
        logs,
        wall_ms,
    });
    lab.with_sandbox(|sb| sb.firehose.engine.complete_invocation(w.id, answer));
}

//! The page's shared state: one simulated account (a `KinesisService`) and the few signals the panels
//! share. Every engine interaction goes through `KinesisService::call` with the same JSON boto3 would
//! send, so the page sees exactly what a real client would; the only other engine call is moving the
//! simulated clock.

use leptos::prelude::*;
use serde_json::Value;

use crate::api::{observe, ApiReply};
use crate::viz::shard_map::ShardState;
use crate::engine::streams::EngineConfig;
use crate::sim::Sandbox;
use crate::engine::time::{EpochMillis, DEFAULT_SANDBOX_START_MS, MILLIS_PER_SECOND};

/// How far the page moves the simulated clock after CreateStream, so the stream can finish CREATING
/// (which takes `EngineConfig::transition_ms`, 500 ms by default).
pub const CREATE_SETTLE_MS: EpochMillis = MILLIS_PER_SECOND;

/// An error reply, as AWS would send it: the `__type` and `message` of the JSON body and the HTTP status.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub status: u16,
    pub error_type: String,
    pub message: String,
}

impl ApiFailure {
    fn from_body(status: u16, body: &Value) -> Self {
        let error_type = body
            .get("__type")
            .and_then(Value::as_str)
            // AWS sends `namespace#Type` on some paths; the short name is what clients show.
            .map(|t| t.rsplit('#').next().unwrap_or(t).to_string())
            .unwrap_or_else(|| "UnknownError".into());
        let message = body
            .get("message")
            .or_else(|| body.get("Message"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        ApiFailure { status, error_type, message }
    }

    /// A failure the page itself found before calling (e.g. a shard count that is not a number).
    pub fn local(message: impl Into<String>) -> Self {
        ApiFailure { status: 0, error_type: "InputError".into(), message: message.into() }
    }
}

/// One shard as ListShards describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardView {
    pub shard_id: String,
    pub start: u128,
    pub end: u128,
    /// The decimal strings exactly as the API returned them.
    pub start_text: String,
    pub end_text: String,
    /// Closed shards (after a split or merge) carry an ending sequence number.
    pub open: bool,
}

/// The stream the page is working with, from DescribeStreamSummary and ListShards.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamView {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub open_shard_count: u64,
    pub retention_hours: u64,
    pub shards: Vec<ShardView>,
}

impl StreamView {
    /// The open shard whose hash-key range holds `hash_key`.
    pub fn shard_for(&self, hash_key: u128) -> Option<&ShardView> {
        self.shards.iter().find(|s| s.open && s.start <= hash_key && hash_key <= s.end)
    }
}

/// What the last PutRecord returned.
#[derive(Debug, Clone, PartialEq)]
pub struct PutView {
    pub shard_id: String,
    pub sequence_number: String,
    /// The shard the explainer predicted for the key at the moment of the put.
    pub predicted_shard_id: Option<String>,
}

/// Handles to the shared state; `Copy`, so every closure can hold one.
#[derive(Clone, Copy)]
pub struct Lab {
    sandbox: StoredValue<Sandbox, LocalStorage>,
    /// The simulated clock, mirrored for the UI.
    pub now_ms: RwSignal<EpochMillis>,
    /// Bumped after anything that may have changed the simulation; views that read the sandbox track it.
    pub revision: RwSignal<u64>,
    /// The stream the Streams view is showing.
    pub selected: RwSignal<Option<String>>,
    pub partition_key: RwSignal<String>,
    pub last_put: RwSignal<Option<PutView>>,
    /// API calls the learner has made from this page (console actions and terminal commands; never the
    /// views' observe reads nor simulated actors). A guided lab's run counts them for its score.
    pub learner_calls: RwSignal<u64>,
}

impl Lab {
    /// A Lab over `restored` (from browser storage), or over a new, empty account.
    pub fn new(restored: Option<Sandbox>) -> Self {
        let sandbox = restored.unwrap_or_else(|| Sandbox::new(EngineConfig::default(), DEFAULT_SANDBOX_START_MS));
        let now = sandbox.now_ms();
        Lab {
            sandbox: StoredValue::new_local(sandbox),
            now_ms: RwSignal::new(now),
            revision: RwSignal::new(0),
            selected: RwSignal::new(None),
            partition_key: RwSignal::new("customer-42".to_string()),
            last_put: RwSignal::new(None),
            learner_calls: RwSignal::new(0),
        }
    }

    /// Calls one Kinesis operation with a JSON request body; `Ok` holds the 200 response body.
    pub fn call(&self, operation: &str, request: Value) -> Result<Value, ApiFailure> {
        let body = serde_json::to_vec(&request).expect("a serde_json::Value always serialises");
        self.count_learner_call();
        let reply = self
            .with_sandbox(|sandbox| sandbox.service.call(operation, &body))
            .ok_or_else(|| ApiFailure::local("the simulation is no longer running (page unloaded)"))?;
        match reply {
            ApiReply::Json { status: 200, body } => Ok(body),
            ApiReply::Json { status, body } => Err(ApiFailure::from_body(status, &body)),
            ApiReply::Subscribed { .. } => {
                Err(ApiFailure::local(format!("{operation} answered with an event stream, which this page does not read")))
            }
        }
    }

    /// Calls one Firehose operation (`Firehose_20150804.<operation>`) with a JSON request body, as
    /// boto3's `firehose` client would; `Ok` holds the 200 response body.
    pub fn call_firehose(&self, operation: &str, request: Value) -> Result<Value, ApiFailure> {
        let body = serde_json::to_vec(&request).expect("a serde_json::Value always serialises");
        self.count_learner_call();
        let reply = self
            .with_sandbox(|sandbox| sandbox.firehose.call(operation, &body))
            .ok_or_else(|| ApiFailure::local("the simulation is no longer running (page unloaded)"))?;
        match reply {
            ApiReply::Json { status: 200, body } => Ok(body),
            ApiReply::Json { status, body } => Err(ApiFailure::from_body(status, &body)),
            ApiReply::Subscribed { .. } => Err(ApiFailure::local(format!("{operation} answered with an event stream"))),
        }
    }

    /// Counts one API call made by the learner (see `learner_calls`).
    pub fn count_learner_call(&self) {
        self.learner_calls.update(|n| *n += 1);
    }

    /// Runs `f` on the sandbox (mutably) and tells every view that reads it to refresh. `None` only
    /// after the page has been torn down.
    pub fn with_sandbox<R>(&self, f: impl FnOnce(&mut Sandbox) -> R) -> Option<R> {
        let result = self.sandbox.try_update_value(f);
        self.now_ms.set(self.sandbox.with_value(|s| s.now_ms()));
        self.revision.update(|r| *r += 1);
        result
    }

    /// Reads the sandbox without subscribing to changes (for saving).
    pub fn peek_sandbox<R>(&self, f: impl FnOnce(&Sandbox) -> R) -> Option<R> {
        self.sandbox.try_with_value(f)
    }

    /// Swaps in another sandbox (import, reset) and refreshes every view.
    pub fn replace_sandbox(&self, sandbox: Sandbox) {
        let names: Vec<String> = sandbox.service.engine.streams().map(|s| s.name.clone()).collect();
        self.sandbox.set_value(sandbox);
        if self.selected.get_untracked().is_some_and(|s| !names.contains(&s)) {
            self.selected.set(names.first().cloned());
        }
        self.last_put.set(None);
        self.now_ms.set(self.sandbox.with_value(|s| s.now_ms()));
        self.revision.update(|r| *r += 1);
    }

    /// Reads the sandbox inside a reactive view: re-runs when `revision` changes.
    pub fn read_sandbox<R>(&self, f: impl FnOnce(&Sandbox) -> R) -> Option<R> {
        self.revision.track();
        self.sandbox.try_with_value(f)
    }

    /// Moves the simulated clock forward by `delta_ms` and refreshes what depends on it.
    pub fn advance_by(&self, delta_ms: EpochMillis) {
        let target = self.now_ms.get_untracked().saturating_add(delta_ms);
        let now = self.with_sandbox(|sandbox| {
            sandbox.advance_to(target);
            sandbox.now_ms()
        });
        if let Some(now) = now {
            self.now_ms.set(now);
        }
    }

    /// Runs `f` on the selected stream's view, tracking changes.
    pub fn with_stream<R>(&self, f: impl FnOnce(&Option<StreamView>) -> R) -> R {
        f(&self.stream_view())
    }

    /// Same as `with_stream`, without subscribing the caller to changes (for event handlers).
    pub fn with_stream_untracked<R>(&self, f: impl FnOnce(&Option<StreamView>) -> R) -> R {
        let view = untrack(|| self.stream_view());
        f(&view)
    }

    /// The selected stream as the console shows it (observer: no API call is counted). Reactive.
    pub fn stream_view(&self) -> Option<StreamView> {
        let name = self.selected.get()?;
        self.read_sandbox(|sb| {
            let engine = &sb.service.engine;
            let overview = observe::streams(engine).into_iter().find(|s| s.name == name)?;
            let shards = observe::shards(engine, &name)
                .into_iter()
                .filter(|o| o.state != ShardState::Expired)
                .map(|o| ShardView {
                    shard_id: o.shard.shard_id.clone(),
                    start: o.start,
                    end: o.end,
                    start_text: o.shard.hash_key_range.starting_hash_key.clone(),
                    end_text: o.shard.hash_key_range.ending_hash_key.clone(),
                    open: o.state == ShardState::Open,
                })
                .collect();
            Some(StreamView {
                name: overview.name,
                arn: overview.arn,
                status: overview.status.to_string(),
                open_shard_count: overview.open_shards as u64,
                retention_hours: overview.retention_hours as u64,
                shards,
            })
        })
        .flatten()
    }
}

/// The shared state, from context (provided once by the app root).
pub fn use_lab() -> Lab {
    expect_context::<Lab>()
}

/// Shows an API error plainly: the AWS error type, its message and the HTTP status.
#[component]
pub fn ApiErrorBox(
    /// The failure to show, if any.
    #[prop(into)]
    error: Signal<Option<ApiFailure>>,
    /// `data-testid` of the box, so tests can find the right one.
    testid: &'static str,
) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let status = if e.status == 0 { String::new() } else { format!(" (HTTP {})", e.status) };
            view! {
                <div class="api-error" role="alert" data-testid=testid>
                    <span class="api-error-type">{e.error_type}</span>
                    {status}
                    ": "
                    <span class="api-error-message">{e.message}</span>
                </div>
            }
        })
    }
}

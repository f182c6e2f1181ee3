//! Runs a learner's Firehose transform function (Node-style Lambda JavaScript) in a dedicated Web Worker.
//!
//! One fresh worker per invocation (the simplest isolation: no state leaks between invocations, and
//! `terminate()` always works). The worker script is embedded in the wasm (`transform_worker.js`) and
//! started from a Blob URL, so Trunk needs no extra asset. The time limit is kept here, on the page's
//! thread: if the worker has not answered in time it is terminated, so `while (true) {}` freezes only
//! the worker, never the page.
//!
//! The engine's side of the contract (what the response must look like, and the error codes Firehose
//! writes) is `engine::firehose::transform`; `WorkerFailure::to_invocation_error` bridges the two.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, ErrorEvent, MessageEvent, Url, Worker};

use crate::engine::firehose::transform::{parse_response_detailed, InvocationError, TransformEvent, TransformedRecord};

/// The worker's script (plain JavaScript, run as a classic worker).
const WORKER_JS: &str = include_str!("transform_worker.js");

/// The name the handler sees as `context.functionName` unless the caller gives one.
const DEFAULT_FUNCTION_NAME: &str = "kinesis-lab-transform";

/// A completed invocation: the handler's answer (not yet checked against Firehose's contract).
#[derive(Debug, Clone, PartialEq)]
pub struct InvokeOutput {
    /// The handler's return value as JSON (`null` when it returned nothing).
    pub response_json: String,
    /// console.log/info/warn/error lines, in order (at most 1,000, each at most 8,192 characters).
    pub logs: Vec<String>,
    /// Time inside the worker, from the event's arrival to the answer.
    pub duration_ms: f64,
    /// Time on the page, from posting the event to the answer (includes starting the worker).
    pub wall_ms: f64,
}

/// Why an invocation gave no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerFailure {
    /// No answer within the time limit: the worker was terminated.
    Timeout { timeout_ms: u32, logs: Vec<String> },
    /// The code did not load (syntax error, no handler) or the handler threw / rejected / called back
    /// with an error. `message` is `Name: message` as Lambda's errorMessage would carry it.
    Thrown { message: String, logs: Vec<String> },
    /// The browser would not start a worker.
    Unavailable { message: String },
}

impl WorkerFailure {
    /// The engine's view: what Firehose records for the batch.
    pub fn to_invocation_error(&self) -> InvocationError {
        match self {
            WorkerFailure::Timeout { timeout_ms, .. } => InvocationError::timeout(u64::from(*timeout_ms)),
            WorkerFailure::Thrown { message, .. } => InvocationError::Thrown { message: message.clone() },
            WorkerFailure::Unavailable { message } => InvocationError::Thrown { message: message.clone() },
        }
    }

    pub fn logs(&self) -> &[String] {
        match self {
            WorkerFailure::Timeout { logs, .. } | WorkerFailure::Thrown { logs, .. } => logs,
            WorkerFailure::Unavailable { .. } => &[],
        }
    }
}

thread_local! {
    /// The Blob URL of the worker script, made once per page.
    static WORKER_URL: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn worker_url() -> Result<String, JsValue> {
    if let Some(url) = WORKER_URL.with(|u| u.borrow().clone()) {
        return Ok(url);
    }
    let parts = Array::of1(&JsValue::from_str(WORKER_JS));
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    WORKER_URL.with(|u| *u.borrow_mut() = Some(url.clone()));
    Ok(url)
}

fn describe(value: &JsValue) -> String {
    value
        .as_string()
        .or_else(|| value.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| format!("{value:?}"))
}

fn get_string(object: &JsValue, key: &str) -> Option<String> {
    Reflect::get(object, &JsValue::from_str(key)).ok().and_then(|v| v.as_string())
}

fn get_f64(object: &JsValue, key: &str) -> f64 {
    Reflect::get(object, &JsValue::from_str(key)).ok().and_then(|v| v.as_f64()).unwrap_or(0.0)
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// A Promise and the function that resolves it (resolving twice is harmless: the first value wins).
fn promise_with_resolver() -> (Promise, Function) {
    let mut resolver = None;
    let promise = Promise::new(&mut |resolve, _reject| resolver = Some(resolve));
    // The executor runs synchronously, so the resolver is always there.
    (promise, resolver.unwrap_or_else(|| Function::new_no_args("")))
}

fn marker(kind: &str, message: Option<&str>) -> JsValue {
    let object = Object::new();
    let _ = Reflect::set(&object, &JsValue::from_str("kind"), &JsValue::from_str(kind));
    if let Some(message) = message {
        let _ = Reflect::set(&object, &JsValue::from_str("message"), &JsValue::from_str(message));
    }
    object.into()
}

/// Runs `source`'s handler on `event_json` in a fresh worker, with a time limit kept by the page.
pub async fn invoke(source: &str, event_json: &str, timeout_ms: u32) -> Result<InvokeOutput, WorkerFailure> {
    invoke_named(source, event_json, timeout_ms, DEFAULT_FUNCTION_NAME).await
}

/// `invoke`, with the function name the handler sees in `context.functionName`.
pub async fn invoke_named(
    source: &str,
    event_json: &str,
    timeout_ms: u32,
    function_name: &str,
) -> Result<InvokeOutput, WorkerFailure> {
    let unavailable = |e: JsValue| WorkerFailure::Unavailable { message: format!("could not start a Web Worker: {}", describe(&e)) };
    let window = web_sys::window().ok_or_else(|| WorkerFailure::Unavailable { message: "no window".to_string() })?;
    let url = worker_url().map_err(unavailable)?;
    let worker = Worker::new(&url).map_err(unavailable)?;

    let logs: Rc<RefCell<Vec<String>>> = Rc::default();
    let (answered, resolve) = promise_with_resolver();

    let on_message = {
        let logs = Rc::clone(&logs);
        let resolve = resolve.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if get_string(&data, "kind").as_deref() == Some("log") {
                if let Some(line) = get_string(&data, "line") {
                    logs.borrow_mut().push(line);
                }
            } else {
                let _ = resolve.call1(&JsValue::NULL, &data);
            }
        })
    };
    // Errors thrown outside the handler's promise (e.g. inside a setTimeout callback) end up here.
    let on_error = {
        let resolve = resolve.clone();
        Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            event.prevent_default();
            let _ = resolve.call1(&JsValue::NULL, &marker("thrown", Some(&event.message())));
        })
    };
    let on_timeout = {
        let resolve = resolve.clone();
        Closure::<dyn FnMut()>::new(move || {
            let _ = resolve.call1(&JsValue::NULL, &marker("timeout", None));
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));

    let request = Object::new();
    let _ = Reflect::set(&request, &"source".into(), &JsValue::from_str(source));
    let _ = Reflect::set(&request, &"eventJson".into(), &JsValue::from_str(event_json));
    let _ = Reflect::set(&request, &"timeoutMs".into(), &JsValue::from(timeout_ms));
    let _ = Reflect::set(&request, &"functionName".into(), &JsValue::from_str(function_name));

    let started = now_ms();
    let posted = worker.post_message(&request);
    let timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        on_timeout.as_ref().unchecked_ref(),
        i32::try_from(timeout_ms).unwrap_or(i32::MAX),
    );
    let outcome = match posted {
        Ok(()) => JsFuture::from(answered).await.unwrap_or_else(|e| marker("thrown", Some(&describe(&e)))),
        Err(e) => marker("unavailable", Some(&describe(&e))),
    };
    let wall_ms = now_ms() - started;

    // Whatever happened, the worker and the timer go; the closures are dropped after this.
    if let Ok(handle) = timer {
        window.clear_timeout_with_handle(handle);
    }
    worker.terminate();
    worker.set_onmessage(None);
    worker.set_onerror(None);
    drop((on_message, on_error, on_timeout));

    let logs = logs.take();
    match get_string(&outcome, "kind").as_deref() {
        Some("result") => Ok(InvokeOutput {
            response_json: get_string(&outcome, "responseJson").unwrap_or_else(|| "null".to_string()),
            logs,
            duration_ms: get_f64(&outcome, "durationMs"),
            wall_ms,
        }),
        Some("timeout") => Err(WorkerFailure::Timeout { timeout_ms, logs }),
        Some("unavailable") => Err(WorkerFailure::Unavailable { message: get_string(&outcome, "message").unwrap_or_default() }),
        _ => Err(WorkerFailure::Thrown { message: get_string(&outcome, "message").unwrap_or_default(), logs }),
    }
}

/// Test hook (used by tests/browser/transform-worker.test.mjs through Trunk's `window.wasmBindings`; no UI
/// calls it): runs `source` on `event_json` (a Firehose transform event), checks the answer with the
/// engine's `parse_response`, and returns a JSON summary:
/// `{outcome: "ok"|"timeout"|"thrown"|"unavailable"|"bad-event", logs, durationMs, wallMs, responseJson,
///   records: [{result, data?, partitionKeys?, errorCode?}], ignoredRecordIds, errorCode, errorMessage}`.
#[wasm_bindgen(js_name = klTransformInvoke)]
pub async fn kl_transform_invoke(source: String, event_json: String, timeout_ms: u32) -> String {
    use serde_json::{json, Value};
    let event: TransformEvent = match serde_json::from_str(&event_json) {
        Ok(event) => event,
        Err(e) => return json!({"outcome": "bad-event", "errorMessage": e.to_string()}).to_string(),
    };
    let summary: Value = match invoke(&source, &event_json, timeout_ms).await {
        Ok(output) => {
            let mut summary = json!({
                "outcome": "ok",
                "logs": output.logs,
                "durationMs": output.duration_ms,
                "wallMs": output.wall_ms,
                "responseJson": output.response_json,
            });
            match parse_response_detailed(&event, output.response_json.as_bytes()) {
                Ok(parsed) => {
                    let records: Vec<Value> = parsed
                        .records
                        .iter()
                        .map(|r| match r {
                            TransformedRecord::Ok { data, partition_keys } => json!({
                                "result": "Ok",
                                "data": String::from_utf8_lossy(data),
                                "partitionKeys": partition_keys,
                            }),
                            TransformedRecord::Dropped => json!({"result": "Dropped"}),
                            TransformedRecord::ProcessingFailed { error_code, .. } => {
                                json!({"result": "ProcessingFailed", "errorCode": error_code})
                            }
                        })
                        .collect();
                    summary["records"] = json!(records);
                    summary["ignoredRecordIds"] = json!(parsed.ignored_record_ids);
                }
                Err(e) => {
                    summary["errorCode"] = json!(e.error_code());
                    summary["errorMessage"] = json!(e.error_message());
                }
            }
            summary
        }
        Err(failure) => {
            let error = failure.to_invocation_error();
            let (outcome, message) = match &failure {
                WorkerFailure::Timeout { .. } => ("timeout", String::new()),
                WorkerFailure::Thrown { message, .. } => ("thrown", message.clone()),
                WorkerFailure::Unavailable { message } => ("unavailable", message.clone()),
            };
            json!({
                "outcome": outcome,
                "message": message,
                "logs": failure.logs(),
                "errorCode": error.error_code(),
                "errorMessage": error.error_message(),
            })
        }
    };
    summary.to_string()
}

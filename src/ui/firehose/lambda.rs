//! Transform functions (Firehose's Lambda data transformation): the account's functions, a JavaScript
//! editor for a Node-style handler (run by the page in a Web Worker with a time limit, `ui::transforms`),
//! built-in transforms with their parameters for learners who do not code, the page's recent script runs
//! (console lines, outcome, records ok / dropped / failed) and the engine's invocation log.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::observe_firehose;
use crate::engine::firehose::processing::DEFAULT_SCRIPT_TIMEOUT_MS;
use crate::engine::firehose::transform::{BuiltinTransform, TransformFunction};
use crate::ui::format::utc_millis;
use crate::ui::lab::{use_lab, ApiErrorBox, ApiFailure};
use crate::ui::transforms::{self, MAX_TIME_LIMIT_MS, MIN_TIME_LIMIT_MS};

/// What a new function starts with: the shape of AWS's "process records" blueprint, with a small job
/// to change (upper-case the `ticker` field) so the contract is visible: decode base64, transform,
/// answer every recordId once with `Ok`, `Dropped` or `ProcessingFailed` and base64 data.
pub const BLUEPRINT: &str = r#"// Firehose calls the handler with a batch: { invocationId, deliveryStreamArn, region, records: [...] }.
// Answer every recordId exactly once with result 'Ok', 'Dropped' or 'ProcessingFailed'.
exports.handler = async (event) => {
  const records = event.records.map((record) => {
    const text = Buffer.from(record.data, 'base64').toString('utf8');
    let item;
    try {
      item = JSON.parse(text);
    } catch (e) {
      console.log(`record ${record.recordId} is not JSON`);
      return { recordId: record.recordId, result: 'ProcessingFailed', data: record.data };
    }
    if (item.ticker) item.ticker = String(item.ticker).toUpperCase();
    const data = Buffer.from(JSON.stringify(item) + '\n', 'utf8').toString('base64');
    return { recordId: record.recordId, result: 'Ok', data };
  });
  console.log(`processed ${records.length} records`);
  return { records };
};
"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Script,
    Csv,
    Newline,
    Filter,
}

impl Kind {
    fn from_value(v: &str) -> Kind {
        match v {
            "csv" => Kind::Csv,
            "newline" => Kind::Newline,
            "filter" => Kind::Filter,
            _ => Kind::Script,
        }
    }
}

/// The account's transform functions and the forms that create them.
#[component]
pub fn FunctionsPanel() -> impl IntoView {
    let lab = use_lab();
    let functions = move || lab.read_sandbox(|sb| observe_firehose::functions(&sb.firehose.engine)).unwrap_or_default();
    let editing = RwSignal::new(false);
    view! {
        <section class="panel" aria-labelledby="fn-heading" data-testid="functions-panel">
            <h2 id="fn-heading" tabindex="-1">"Transform functions (Lambda)"</h2>
            <p class="help">"A delivery stream can send its records through a Lambda function before buffering them. "
                "The function answers each record with Ok (transformed data), Dropped or ProcessingFailed; failed "
                "records are written under processing-failed/ in the bucket. Scripts run in this page, in a "
                "separate worker with a time limit; the simulated clock waits for them."</p>
            {move || {
                let list = functions();
                if list.is_empty() {
                    view! { <p class="help" data-testid="no-functions">"No function yet."</p> }.into_any()
                } else {
                    view! {
                        <div class="scroll-x"><table data-testid="functions-table">
                            <caption class="visually-hidden">"Transform functions"</caption>
                            <thead><tr><th scope="col">"Name"</th><th scope="col">"Kind"</th><th scope="col">"Lambda ARN"</th><th scope="col">"Actions"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|f| {
                                    let arn = f.arn.clone();
                                    let label = format!("Delete function {}", f.name);
                                    view! {
                                        <tr>
                                            <th scope="row">{f.name.clone()}</th>
                                            <td>{f.kind.clone()}</td>
                                            <td class="mono small">{f.arn.clone()}</td>
                                            <td><button type="button" class="quiet" aria-label=label
                                                on:click=move |_| { lab.with_sandbox(|sb| sb.firehose.engine.remove_function(&arn)); }>"Delete"</button></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any()
                }
            }}
            {move || if editing.get() {
                view! { <NewFunction done=editing /> }.into_any()
            } else {
                view! { <button type="button" id="fn-new" class="primary" on:click=move |_| editing.set(true)>"New function"</button> }.into_any()
            }}
            <RecentRuns />
            <InvocationLogTable />
        </section>
    }
}

#[component]
fn NewFunction(done: RwSignal<bool>) -> impl IntoView {
    let lab = use_lab();
    let name = RwSignal::new("uppercase-ticker".to_string());
    let kind = RwSignal::new(Kind::Script);
    let source = RwSignal::new(BLUEPRINT.to_string());
    let limit = RwSignal::new(DEFAULT_SCRIPT_TIMEOUT_MS.to_string());
    let columns = RwSignal::new("seq,ticker,price".to_string());
    let delimiter = RwSignal::new(",".to_string());
    let field = RwSignal::new("ticker".to_string());
    let equals = RwSignal::new("AMZN".to_string());
    let keep = RwSignal::new(true);
    let error = RwSignal::new(None::<ApiFailure>);

    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let n = name.get_untracked().trim().to_string();
        let function = match kind.get_untracked() {
            Kind::Script => {
                let ms = match limit.get_untracked().trim().parse::<u64>() {
                    Ok(ms) if (MIN_TIME_LIMIT_MS..=MAX_TIME_LIMIT_MS).contains(&ms) => ms,
                    _ => {
                        return error.set(Some(ApiFailure::local(format!(
                            "The time limit must be a whole number of milliseconds from {MIN_TIME_LIMIT_MS} to {MAX_TIME_LIMIT_MS}."
                        ))))
                    }
                };
                transforms::set_time_limit(&n, ms);
                TransformFunction::Script { name: n, source: source.get_untracked() }
            }
            Kind::Csv => {
                let cols: Vec<String> = columns.get_untracked().split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
                let delimiter_text = delimiter.get_untracked();
                let mut chars = delimiter_text.chars();
                let d = match (chars.next(), chars.next()) {
                    (Some(c), None) => c,
                    _ => return error.set(Some(ApiFailure::local("The CSV delimiter must be exactly one character."))),
                };
                TransformFunction::Builtin { name: n, transform: BuiltinTransform::JsonToCsv { columns: cols, delimiter: d } }
            }
            Kind::Newline => TransformFunction::Builtin { name: n, transform: BuiltinTransform::AppendNewline },
            Kind::Filter => TransformFunction::Builtin {
                name: n,
                transform: BuiltinTransform::FilterByField {
                    field: field.get_untracked().trim().to_string(),
                    equals: equals.get_untracked(),
                    keep_matching: keep.get_untracked(),
                },
            },
        };
        if let Err(message) = function.validate() {
            return error.set(Some(ApiFailure::local(message)));
        }
        match lab.with_sandbox(|sb| sb.firehose.engine.put_function(function)) {
            Some(Ok(_)) => done.set(false),
            Some(Err(e)) => error.set(Some(ApiFailure { status: 400, error_type: e.kind.wire_name().to_string(), message: e.message })),
            None => {}
        }
    };

    view! {
        <form class="designer" novalidate on:submit=save aria-labelledby="fn-new-heading">
            <h3 id="fn-new-heading">"New function"</h3>
            <div class="row">
                <div class="field">
                    <label for="fn-name">"Function name"</label>
                    <input id="fn-name" type="text" autocomplete="off" spellcheck="false"
                        prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="fn-kind">"What it does"</label>
                    <select id="fn-kind" on:change=move |ev| kind.set(Kind::from_value(&event_target_value(&ev)))>
                        <option value="script" selected=true>"My JavaScript (Node.js handler)"</option>
                        <option value="csv">"Built-in: JSON to CSV"</option>
                        <option value="newline">"Built-in: append a newline"</option>
                        <option value="filter">"Built-in: keep or drop by field value"</option>
                    </select>
                </div>
            </div>
            {move || match kind.get() {
                Kind::Script => view! {
                    <div class="field">
                        <label for="fn-source">"Handler code (JavaScript)"</label>
                        <textarea id="fn-source" class="code-editor mono" rows="18" spellcheck="false" autocomplete="off"
                            aria-describedby="fn-source-help"
                            prop:value=source on:input=move |ev| source.set(event_target_value(&ev))></textarea>
                        <p class="help" id="fn-source-help">"Buffer (base64 and utf8), console and JSON are available; "
                            "network, files and timers beyond the time limit are not. Tab moves to the next field."</p>
                    </div>
                    <div class="field narrow">
                        <label for="fn-timeout">{format!("Time limit, ms ({MIN_TIME_LIMIT_MS}–{MAX_TIME_LIMIT_MS})")}</label>
                        <input id="fn-timeout" type="number" inputmode="numeric" min=MIN_TIME_LIMIT_MS max=MAX_TIME_LIMIT_MS step="100"
                            prop:value=limit on:input=move |ev| limit.set(event_target_value(&ev)) />
                    </div>
                }.into_any(),
                Kind::Csv => view! {
                    <div class="row">
                        <div class="field">
                            <label for="fn-columns">"Columns (JSON fields, comma-separated)"</label>
                            <input id="fn-columns" type="text" prop:value=columns on:input=move |ev| columns.set(event_target_value(&ev)) />
                        </div>
                        <div class="field narrow">
                            <label for="fn-delimiter">"Delimiter"</label>
                            <input id="fn-delimiter" type="text" maxlength="1" prop:value=delimiter on:input=move |ev| delimiter.set(event_target_value(&ev)) />
                        </div>
                    </div>
                }.into_any(),
                Kind::Newline => view! { <p class="help">"Adds \\n after every record, so each object holds one record per line."</p> }.into_any(),
                Kind::Filter => view! {
                    <div class="row">
                        <div class="field">
                            <label for="fn-field">"Field (dotted path)"</label>
                            <input id="fn-field" type="text" prop:value=field on:input=move |ev| field.set(event_target_value(&ev)) />
                        </div>
                        <div class="field">
                            <label for="fn-equals">"Equals"</label>
                            <input id="fn-equals" type="text" prop:value=equals on:input=move |ev| equals.set(event_target_value(&ev)) />
                        </div>
                        <label class="inline"><input type="checkbox" id="fn-keep" prop:checked=keep
                            on:change=move |ev| keep.set(event_target_checked(&ev)) />" Keep matching records (unchecked: drop them)"</label>
                    </div>
                }.into_any(),
            }}
            <div class="row form-actions">
                <button id="fn-save" type="submit" class="primary">"Save function"</button>
                <button type="button" on:click=move |_| done.set(false)>"Cancel"</button>
            </div>
            <ApiErrorBox error=error testid="fn-error" />
        </form>
    }
}

/// The page's own log of script runs: console lines and what came of each.
#[component]
fn RecentRuns() -> impl IntoView {
    let lab = use_lab();
    view! {
        <h3>"Recent script runs"</h3>
        {move || {
            lab.revision.track();
            let runs = transforms::recent_runs();
            if runs.is_empty() {
                return view! { <p class="help">"No script has run yet."</p> }.into_any();
            }
            view! {
                <ol class="run-log" data-testid="script-runs">
                    {runs.into_iter().take(20).map(|r| {
                        let ok = r.outcome == "ok";
                        view! {
                            <li class="run">
                                <p>
                                    <strong>{r.function_name.clone()}</strong>" for "{r.stream.clone()}", attempt "{r.attempt}", "
                                    {r.records}" records: "
                                    <span class=if ok { "badge ok" } else { "badge bad" } data-testid="run-outcome">
                                        {if ok { "✓ answered".to_string() } else { format!("✗ {}", r.outcome) }}</span>
                                    {ok.then(|| format!(" in {:.0} ms", r.wall_ms))}
                                </p>
                                {(!r.logs.is_empty()).then(|| view! {
                                    <pre class="mono console-log" aria-label="Console output">{r.logs.join("\n")}</pre>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }.into_any()
        }}
    }
}

/// The engine's invocation log: per invocation, how many records came back Ok, Dropped or failed.
#[component]
fn InvocationLogTable() -> impl IntoView {
    let lab = use_lab();
    let rows = move || lab.read_sandbox(|sb| observe_firehose::invocations(&sb.firehose.engine, None, 50)).unwrap_or_default();
    view! {
        <h3>"Invocation log"</h3>
        {move || {
            let rows = rows();
            if rows.is_empty() {
                return view! { <p class="help">"No invocation yet."</p> }.into_any();
            }
            view! {
                <div class="scroll-x"><table data-testid="invocation-log">
                    <caption class="visually-hidden">"Lambda invocations, newest first"</caption>
                    <thead><tr>
                        <th scope="col">"Time (UTC)"</th><th scope="col">"Stream"</th><th scope="col">"Function"</th>
                        <th scope="col">"Attempt"</th><th scope="col" class="num">"Records"</th><th scope="col" class="num">"Ok"</th>
                        <th scope="col" class="num">"Dropped"</th><th scope="col" class="num">"Failed"</th><th scope="col">"Error"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|l| view! {
                            <tr>
                                <td class="mono nowrap">{utc_millis(l.at_ms)}</td>
                                <td>{l.stream.clone()}</td>
                                <td>{l.function_name.clone()}</td>
                                <td class="num">{l.attempt}</td>
                                <td class="num">{l.records}</td>
                                <td class="num">{l.ok}</td>
                                <td class="num">{l.dropped}</td>
                                <td class="num">{l.failed}</td>
                                <td>{l.error.clone().map(|(code, message)| format!("{code}: {message}")).unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table></div>
            }.into_any()
        }}
    }
}

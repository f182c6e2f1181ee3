//! The runner panel beside a lab's sandbox: the lab's steps, its goal checks live (met / not yet, with the
//! current value), questions feeding the run's answers, hints one at a time, the solution (after a
//! confirmation; the run is then "assisted"), Reset, Leave, and the completion card with the score.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::page::rich_text;
use super::use_labs;
use crate::labs::checks::answer_value;
use crate::labs::{Lab as LabDef, Question, QuestionKind};

#[component]
pub fn RunnerPanel() -> impl IntoView {
    let labs = use_labs();
    // Rebuilt only when another run starts (not on every answer or clock tick), so inputs keep focus.
    let key = Memo::new(move |_| {
        let id = labs.active.with(|a| a.as_ref().map(|a| a.run.lab_id.clone()));
        (id, labs.run_epoch.get())
    });
    move || {
        let (id, _) = key.get();
        id.and_then(|id| labs.find(&id)).map(|def| view! { <RunnerBody def=def /> })
    }
}

#[component]
fn RunnerBody(def: LabDef) -> impl IntoView {
    let labs = use_labs();
    let def = StoredValue::new(def);
    let title = def.with_value(|d| d.title.clone());
    let api_calls = move || labs.active.with(|a| a.as_ref().map(|a| a.run.api_calls).unwrap_or(0));
    let completed = move || labs.active.with(|a| a.as_ref().and_then(|a| a.run.completed.clone().map(|c| (c, a.assisted))));
    let confirm = RwSignal::new(None::<&'static str>);
    let met_count = move || labs.checks.with(|c| (c.iter().filter(|s| s.met).count(), c.len()));
    // When the run completes, the panel scrolls back to its top, where the completion card appears.
    let panel = NodeRef::<leptos::html::Aside>::new();
    let is_complete = Memo::new(move |_| completed().is_some());
    Effect::new(move |_| {
        if is_complete.get() {
            if let Some(el) = panel.get() {
                el.set_scroll_top(0);
            }
        }
    });
    view! {
        <aside class="panel lab-runner" aria-labelledby="lab-runner-title" data-testid="lab-runner" node_ref=panel>
            <p class="rail-heading">"Guided lab"</p>
            <h2 id="lab-runner-title">{title}</h2>
            <p class="help">"Learner API calls: "<strong class="num" data-testid="lab-api-calls">{api_calls}</strong>
                " · checks met: "<strong data-testid="lab-met-count">{move || { let (m, n) = met_count(); format!("{m} of {n}") }}</strong></p>
            <p class="visually-hidden" role="status" aria-live="polite" data-testid="lab-announcer">{move || labs.announcement.get()}</p>
            {move || completed().map(|(c, assisted)| view! {
                <section class="lab-complete" data-testid="lab-complete" aria-labelledby="lab-complete-title">
                    <h3 id="lab-complete-title">"✓ Lab complete"</h3>
                    <p>"Every check is met. Score: "<strong data-testid="lab-score">{c.score.text.clone()}</strong>
                        {format!(" (lower is better; rule: {}).", crate::viz::labs::score_rule_text(&c.score.rule))}</p>
                    {assisted.then(|| view! { <p class="help">"You looked at the solution, so this run does not count as a best score."</p> })}
                    <p><a href="#/labs">"Back to the labs"</a></p>
                </section>
            })}
            <details class="lab-section" open>
                <summary><h3>"Steps"</h3></summary>
                <ol class="steps">{def.with_value(|d| d.steps.iter().map(|s| view! { <li>{rich_text(&s.text)}</li> }).collect_view())}</ol>
            </details>
            <section class="lab-section" aria-labelledby="lab-checks-title">
                <h3 id="lab-checks-title">"Goal checks"</h3>
                <ul class="lab-checks">
                    {move || labs.checks.get().into_iter().map(|s| view! {
                        <li data-testid="lab-check" data-check=s.id.clone() data-met=s.met.to_string() class:met=s.met>
                            <span class="check-mark">{if s.met { "✓ Met" } else { "○ Not yet" }}</span>
                            " "<span>{s.text}</span>
                            <span class="help-inline">{s.detail}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
            <section class="lab-section" aria-labelledby="lab-questions-title">
                <h3 id="lab-questions-title">"Questions"</h3>
                {def.with_value(|d| d.questions.iter().map(|q| view! { <QuestionForm q=q.clone() /> }).collect_view())}
            </section>
            <Hints def=def />
            <section class="lab-section" aria-labelledby="lab-solution-title">
                <h3 id="lab-solution-title">"Solution"</h3>
                {move || {
                    let assisted = labs.active.with(|a| a.as_ref().is_some_and(|a| a.assisted));
                    if assisted {
                        def.with_value(|d| view! {
                            <div data-testid="lab-solution">
                                <p>{rich_text(&d.solution.text)}</p>
                                <ol class="steps">{d.solution.steps.iter().map(|s| view! { <li><code>{s.clone()}</code></li> }).collect_view()}</ol>
                            </div>
                        }).into_any()
                    } else if confirm.get() == Some("solution") {
                        view! {
                            <p>"Show the solution? The run will be marked as assisted (it still completes, but not as a best score)."</p>
                            <div class="row">
                                <button type="button" data-testid="lab-solution-confirm" on:click=move |_| { labs.mark_assisted(); confirm.set(None); }>"Show the solution"</button>
                                <button type="button" on:click=move |_| confirm.set(None)>"Cancel"</button>
                            </div>
                        }.into_any()
                    } else {
                        view! { <button type="button" data-testid="lab-show-solution" on:click=move |_| confirm.set(Some("solution"))>"Show solution…"</button> }.into_any()
                    }
                }}
            </section>
            <div class="row lab-controls">
                {move || match confirm.get() {
                    Some("reset") => view! {
                        <p>"Restart the lab from its start state? Your answers and everything done in this lab go."</p>
                        <button type="button" class="danger" data-testid="lab-reset-confirm"
                            on:click=move |_| { confirm.set(None); labs.start(&def.with_value(|d| d.id.clone())); }>"Restart the lab"</button>
                        <button type="button" on:click=move |_| confirm.set(None)>"Cancel"</button>
                    }.into_any(),
                    Some("leave") => view! {
                        <p>"Leave the lab? Your own sandbox comes back; this lab's sandbox is discarded."</p>
                        <button type="button" class="danger" data-testid="lab-leave-confirm" on:click=move |_| { confirm.set(None); labs.leave(); }>"Leave the lab"</button>
                        <button type="button" on:click=move |_| confirm.set(None)>"Cancel"</button>
                    }.into_any(),
                    _ => view! {
                        <button type="button" data-testid="lab-reset" on:click=move |_| confirm.set(Some("reset"))>"Reset lab…"</button>
                        <button type="button" data-testid="lab-leave" on:click=move |_| confirm.set(Some("leave"))>"Leave lab…"</button>
                    }.into_any(),
                }}
            </div>
        </aside>
    }
}

#[component]
fn Hints(def: StoredValue<LabDef>) -> impl IntoView {
    let labs = use_labs();
    let count = def.with_value(|d| d.hints.len());
    let revealed = move || labs.active.with(|a| a.as_ref().map_or(0, |a| a.run.hints_revealed as usize)).min(count);
    (count > 0).then(|| view! {
        <section class="lab-section" aria-labelledby="lab-hints-title">
            <h3 id="lab-hints-title">"Hints"</h3>
            <ol class="steps" data-testid="lab-hints">
                {move || def.with_value(|d| d.hints.iter().take(revealed()).map(|h| view! { <li>{rich_text(&h.text)}</li> }).collect_view())}
            </ol>
            {move || (revealed() < count).then(|| view! {
                <button type="button" data-testid="lab-hint" on:click=move |_| labs.reveal_hint(count)>
                    {format!("Show hint {} of {count}", revealed() + 1)}
                </button>
            })}
        </section>
    })
}

/// One question: a number with its unit, or a choice; the answer goes into the run when submitted.
#[component]
fn QuestionForm(q: Question) -> impl IntoView {
    let labs = use_labs();
    let q = StoredValue::new(q);
    let qid = q.with_value(|q| q.id.clone());
    let stored_answer = move || labs.active.with(|a| a.as_ref().and_then(|a| a.run.answers.get(&q.with_value(|q| q.id.clone())).cloned()));
    let text = RwSignal::new(untrack(stored_answer).unwrap_or_default());
    let input_id = format!("lab-q-{qid}");
    let feedback_id = format!("lab-q-{qid}-feedback");
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        labs.answer(&q.with_value(|q| q.id.clone()), &text.get_untracked());
    };
    let verdict = move || {
        let answer = stored_answer()?;
        let def = labs.active_def()?;
        let (id, kind) = q.with_value(|q| (q.id.clone(), q.kind));
        Some(match answer_value(&def, &id, &answer) {
            None if kind == QuestionKind::Number => (false, format!("“{answer}” is not a number.")),
            None => (false, "Pick one of the options.".to_string()),
            Some(v) if q.with_value(|q| q.is_right(v)) => (true, q.with_value(|q| q.explanation.split_whitespace().collect::<Vec<_>>().join(" "))),
            Some(_) => (false, "✗ Not right yet: try again (the hints may help).".to_string()),
        })
    };
    let body = match q.with_value(|q| q.kind) {
        QuestionKind::Number => view! {
            <label for=input_id.clone()>{q.with_value(|q| q.prompt.clone())}</label>
            <span class="with-unit">
                <input id=input_id.clone() type="text" inputmode="decimal" class="num" autocomplete="off"
                    data-testid=format!("lab-answer-{qid}") aria-describedby=feedback_id.clone()
                    prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) />
                <span class="unit">{q.with_value(|q| q.unit.clone().unwrap_or_default())}</span>
                <button type="submit" data-testid=format!("lab-answer-{qid}-submit")>"Answer"</button>
            </span>
        }.into_any(),
        QuestionKind::Choice => {
            let name = format!("lab-q-{qid}");
            view! {
                <fieldset class="field" aria-describedby=feedback_id.clone()>
                    <legend>{q.with_value(|q| q.prompt.clone())}</legend>
                    {q.with_value(|q| q.options.clone()).into_iter().enumerate().map(|(i, option)| {
                        let value = i.to_string();
                        let v2 = value.clone();
                        view! {
                            <label class="inline lab-option"><input type="radio" name=name.clone() value=value.clone()
                                data-testid=format!("lab-answer-{qid}-{i}")
                                prop:checked=move || text.get() == v2 on:change=move |_| text.set(value.clone()) />
                                " "{option}</label>
                        }
                    }).collect_view()}
                    <button type="submit" data-testid=format!("lab-answer-{qid}-submit")>"Answer"</button>
                </fieldset>
            }.into_any()
        }
    };
    view! {
        <form class="lab-question" data-testid="lab-question" data-question=qid.clone() on:submit=submit>
            {body}
            <p id=feedback_id class="lab-feedback" aria-live="polite" data-testid=format!("lab-feedback-{qid}")>
                {move || verdict().map(|(right, t)| if right {
                    view! { <strong class="right">"✓ Right. "</strong><span>{t}</span> }.into_any()
                } else {
                    view! { <span class="wrong">{t}</span> }.into_any()
                })}
            </p>
        </form>
    }
}

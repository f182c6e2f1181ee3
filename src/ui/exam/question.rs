//! One question at a time: the stem in a fieldset, the answer as radios (one answer), checkboxes ("choose
//! N") or a number with its unit. Study mode grades on "Check answer" (or Enter) and shows the explanation,
//! moving focus to it; timed mode keeps each change as the answer, with flags and a question map. Keys
//! 1–9 pick an option.

use leptos::ev::keydown;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::explain::Explanation;
use super::timer::Countdown;
use super::{display_order, focus_later, sentence, use_exam, wall_now_ms, Screen};
use crate::exam::session::{ExamError, Mode, SavedAnswer};
use crate::exam::{Kind, Scenario};
use crate::viz::exam_text::parse_number;

/// The answer the inputs hold, if they hold one.
fn answer_of(s: &Scenario, selected: &[usize], typed: &str) -> Option<SavedAnswer> {
    match s.kind {
        Kind::Single => selected.first().map(|i| SavedAnswer::Single(*i)),
        Kind::Multiple => (!selected.is_empty()).then(|| SavedAnswer::Multiple(selected.to_vec())),
        Kind::Numeric => parse_number(typed).map(SavedAnswer::Numeric),
    }
}

/// Keys typed into a text field belong to the field (a digit in the number box is a digit).
fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
        let tag = el.tag_name().to_ascii_lowercase();
        let text_input = tag == "input"
            && el.get_attribute("type").is_none_or(|t| !matches!(t.as_str(), "radio" | "checkbox"));
        text_input || matches!(tag.as_str(), "textarea" | "select")
    })
}

#[component]
pub fn QuestionScreen() -> impl IntoView {
    let ui = use_exam();
    let shape = Memo::new(move |_| {
        ui.with_attempt(|a| a.map(|a| (a.questions.len(), a.mode, a.submitted_ms.is_some(), a.started_ms)))
    });
    let current_id = Memo::new(move |_| {
        let i = ui.index.get();
        ui.with_attempt(|a| a.and_then(|a| a.questions.get(i).cloned()))
    });
    let timed = move || matches!(shape.get(), Some((_, Mode::Timed { .. }, _, _)));
    let total = move || shape.get().map_or(0, |s| s.0);
    let submitted = move || shape.get().is_some_and(|s| s.2);
    let go = move |i: usize| {
        ui.index.set(i);
        focus_later("exam-question-heading");
    };

    view! {
        {move || shape.get().is_none().then(|| view! {
            <p>"No attempt is running. " <button type="button" on:click=move |_| ui.screen.set(Screen::Setup)>"Choose questions"</button></p>
        })}
        {move || timed().then(|| view! { <Countdown /> })}
        {move || timed().then(|| view! { <QuestionMap go=go /> })}
        {move || current_id.get().map(|id| view! { <QuestionCard id=id /> })}
        <nav class="row exam-nav" aria-label="Questions">
            <button type="button" data-testid="exam-prev" disabled=move || ui.index.get() == 0
                on:click=move |_| go(ui.index.get_untracked().saturating_sub(1))>"← Previous"</button>
            <button type="button" data-testid="exam-next" disabled=move || { ui.index.get() + 1 >= total() }
                on:click=move |_| go(ui.index.get_untracked() + 1)>"Next →"</button>
            {move || (timed() && !submitted()).then(|| view! {
                <button type="button" data-testid="exam-open-review" on:click=move |_| {
                    ui.screen.set(Screen::Review);
                    focus_later("exam-review-title");
                }>"Review and submit"</button>
            })}
            {move || submitted().then(|| view! {
                <button type="button" class="primary" data-testid="exam-see-results" on:click=move |_| {
                    ui.screen.set(Screen::Results);
                    focus_later("exam-results-title");
                }>"See results"</button>
            })}
            <button type="button" class="quiet" on:click=move |_| ui.screen.set(Screen::Setup)>"Leave (progress is kept)"</button>
        </nav>
    }
}

/// Timed mode: every question as a button saying answered / flagged, to jump anywhere.
#[component]
fn QuestionMap(go: impl Fn(usize) + Copy + Send + Sync + 'static) -> impl IntoView {
    let ui = use_exam();
    let states = Memo::new(move |_| {
        ui.with_attempt(|a| {
            a.map(|a| {
                a.questions.iter().map(|q| (a.answers.contains_key(q), a.flagged.contains(q))).collect::<Vec<_>>()
            })
            .unwrap_or_default()
        })
    });
    view! {
        <ol class="exam-map" aria-label="Question map">
            {move || states.get().into_iter().enumerate().map(|(i, (answered, flagged))| {
                let label = format!(
                    "Question {}: {}{}",
                    i + 1,
                    if answered { "answered" } else { "not answered" },
                    if flagged { ", flagged" } else { "" }
                );
                view! {
                    <li>
                        <button type="button" class:answered=answered class:flagged=flagged
                            aria-current=move || if ui.index.get() == i { "step" } else { "false" }
                            aria-label=label on:click=move |_| go(i)>
                            {i + 1}{flagged.then_some(" ⚑")}
                        </button>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

#[component]
fn QuestionCard(id: String) -> impl IntoView {
    let ui = use_exam();
    let Some(s) = ui.bank.get(&id) else {
        return view! { <p>"This question is no longer in the bank."</p> }.into_any();
    };
    let id = StoredValue::new(id);
    let saved = Memo::new(move |_| ui.with_attempt(|a| a.and_then(|a| a.answers.get(&id.get_value()).cloned())));
    let meta = Memo::new(move |_| {
        ui.with_attempt(|a| {
            a.map(|a| {
                let number = a.questions.iter().position(|q| *q == id.get_value()).map_or(0, |p| p + 1);
                (number, a.questions.len(), matches!(a.mode, Mode::Study), a.submitted_ms.is_some())
            })
        })
    });
    let study = move || meta.get().is_some_and(|m| m.2);
    let locked = move || meta.get().is_some_and(|m| m.3) || (study() && saved.get().is_some());
    let flagged = move || ui.with_attempt(|a| a.is_some_and(|a| a.flagged.contains(&id.get_value())));

    // The inputs start from the saved answer (a timed attempt resumed, or revisited).
    let (start_sel, start_text) = match saved.get_untracked() {
        Some(SavedAnswer::Single(i)) => (vec![i], String::new()),
        Some(SavedAnswer::Multiple(v)) => (v, String::new()),
        Some(SavedAnswer::Numeric(x)) => (vec![], x.to_string()),
        None => (vec![], String::new()),
    };
    let selected = RwSignal::new(start_sel);
    let typed = RwSignal::new(start_text);
    let problem = RwSignal::new(None::<String>);

    let record = move |answer: SavedAnswer| {
        let mut result = Ok(None);
        ui.progress.update(|p| result = p.answer(ui.bank, &id.get_value(), answer, wall_now_ms()));
        match result {
            Ok(feedback) => {
                problem.set(None);
                if feedback.is_some() {
                    focus_later("exam-explanation");
                }
            }
            Err(ExamError::TimedOut) => {
                ui.notice.set(Some(("Time is up: your attempt was submitted.".into(), true)));
                ui.screen.set(Screen::Results);
            }
            Err(e) => problem.set(Some(sentence(&e.to_string()))),
        }
    };
    // Timed mode: every change is the answer until the attempt is submitted.
    let changed = move || {
        if !study() && !locked() {
            if let Some(a) = answer_of(s, &selected.get_untracked(), &typed.get_untracked()) {
                record(a);
            }
        }
    };
    let check = move || {
        if !study() || locked() {
            return;
        }
        match answer_of(s, &selected.get_untracked(), &typed.get_untracked()) {
            Some(a) => record(a),
            None => problem.set(Some(match s.kind {
                Kind::Numeric => "Type a number first.".to_string(),
                _ => "Choose an answer first.".to_string(),
            })),
        }
    };
    let toggle = move |i: usize| {
        if locked() {
            return;
        }
        match s.kind {
            Kind::Single => selected.set(vec![i]),
            _ => selected.update(|v| {
                if let Some(p) = v.iter().position(|x| *x == i) {
                    v.remove(p);
                } else {
                    v.push(i);
                    v.sort_unstable();
                }
            }),
        }
        changed();
    };

    let order = display_order(&ui, s);
    let key_order = order.clone();
    let keys = window_event_listener(keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing(&ev) {
            return;
        }
        let key = ev.key();
        if let Some(d) = key.parse::<usize>().ok().filter(|d| (1..=9).contains(d)) {
            // The key is the number shown, i.e. a position in the shuffled order.
            if let Some(&i) = key_order.get(d - 1) {
                ev.prevent_default();
                toggle(i);
            }
        } else if key == "Enter" {
            let on_button = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| matches!(el.tag_name().to_ascii_lowercase().as_str(), "button" | "a" | "summary"));
            if !on_button && study() && !locked() {
                ev.prevent_default();
                check();
            }
        }
    });
    on_cleanup(move || keys.remove());

    let choose = s.correct_indices().len();
    let input_type = if s.kind == Kind::Multiple { "checkbox" } else { "radio" };
    let group = format!("exam-answer-{}", s.id);
    let hint = match s.kind {
        Kind::Single => "Choose one answer.".to_string(),
        Kind::Multiple => format!("Choose {choose} answers."),
        Kind::Numeric => format!("Type a number, in {}.", s.unit.as_deref().unwrap_or("the unit asked")),
    };

    view! {
        <form class="panel exam-question" data-testid="exam-question" data-kind=format!("{:?}", s.kind).to_lowercase()
            on:submit=move |ev| { ev.prevent_default(); check(); }>
            <h2 id="exam-question-heading" tabindex="-1">
                {move || meta.get().map(|m| format!("Question {} of {}", m.0, m.1))}
                <span class="exam-tags">{s.domain.as_str()}" · "{s.topic.clone()}" · difficulty "{s.difficulty}</span>
            </h2>
            <fieldset disabled=locked>
                <legend class="exam-stem" data-testid="exam-stem">{s.stem.clone()}</legend>
                <p class="help" id="exam-answer-hint">{hint}</p>
                {match s.kind {
                    Kind::Numeric => view! {
                        <div class="exam-numeric">
                            <label for="exam-number">"Your answer"</label>
                            <input id="exam-number" type="text" inputmode="decimal" autocomplete="off" data-testid="exam-number"
                                aria-describedby="exam-answer-hint exam-unit"
                                prop:value=typed
                                on:input=move |ev| { typed.set(event_target_value(&ev)); changed(); } />
                            <span id="exam-unit" class="exam-unit">{s.unit.clone().unwrap_or_default()}</span>
                        </div>
                    }.into_any(),
                    _ => view! {
                        <ol class="exam-options">
                            {order.iter().copied().enumerate().filter_map(|(k, i)| s.options.get(i).map(|o| (k, i, o))).map(|(k, i, o)| {
                                // k: the position shown (and its key), i: the option in the bank.
                                let input_id = format!("exam-option-{k}");
                                view! {
                                    <li>
                                        <input type=input_type id=input_id.clone() name=group.clone() value=i.to_string()
                                            data-testid=format!("exam-option-{k}")
                                            prop:checked=move || selected.with(|v| v.contains(&i))
                                            on:change=move |_| toggle(i) />
                                        <label for=input_id><kbd aria-hidden="true">{k + 1}</kbd>" "{o.text.clone()}</label>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                }}
            </fieldset>
            {move || problem.get().map(|p| view! { <p class="warning" role="alert">{p}</p> })}
            <div class="row">
                {move || (study() && !locked()).then(|| view! {
                    <button type="submit" class="primary" data-testid="exam-check">"Check answer"</button>
                })}
                {move || (!study() && !meta.get().is_some_and(|m| m.3)).then(|| view! {
                    <button type="button" data-testid="exam-flag" aria-pressed=move || flagged().to_string()
                        on:click=move |_| ui.progress.update(|p| { let _ = p.toggle_flag(&id.get_value()); })>
                        {move || if flagged() { "⚑ Flagged for review" } else { "⚐ Flag for review" }}
                    </button>
                })}
            </div>
            {move || (study() && saved.get().is_some()).then(|| view! {
                <Explanation id=id.get_value() given=saved.get() focus_id="exam-explanation" />
            })}
        </form>
    }
    .into_any()
}

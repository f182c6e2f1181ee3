//! The exam practice page (`#/exam`): the engine of `crate::exam` (bank, sessions, scores, spaced
//! repetition) behind a setup screen, one question at a time (study or timed), a review screen, results
//! and a history kept in this browser.
//!
//! Code map: `store` saves the progress (localStorage, export, import); `setup` chooses the questions and
//! the mode; `question` asks one (radio, checkboxes or a number) and takes the answer keys; `explain` shows
//! why each option is right or wrong, the sources and the "Prove it" link; `timer` counts a timed attempt
//! down; `review` lists a timed attempt before it is submitted; `results` scores it; `history` lists past
//! attempts with Export, Import and Reset. The bank is read once from the build-time JSON
//! (`load_embedded_bank`), never from TOML.

mod explain;
mod history;
mod question;
mod results;
mod review;
mod setup;
mod store;
mod timer;

use std::sync::OnceLock;

use leptos::prelude::*;

use crate::exam::bank::{load_embedded_bank, Bank, BankError};
use crate::exam::session::{Attempt, ExamError, ExamProgress, Filter, Mode};
use crate::exam::Scenario;
use crate::viz::exam_text::{option_order, option_seed};

/// Which screen the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Setup,
    Question,
    /// The list of a timed attempt's questions before submitting.
    Review,
    Results,
}

/// The page's state, shared through context.
#[derive(Clone, Copy)]
pub struct ExamUi {
    pub bank: &'static Bank,
    pub progress: RwSignal<ExamProgress>,
    pub screen: RwSignal<Screen>,
    /// The question shown, as an index into the current attempt.
    pub index: RwSignal<usize>,
    /// A message for the learner, and whether it reports a problem.
    pub notice: RwSignal<Option<(String, bool)>>,
}

/// The bank, loaded and checked once per page.
fn bank() -> &'static Result<Bank, Vec<BankError>> {
    static BANK: OnceLock<Result<Bank, Vec<BankError>>> = OnceLock::new();
    BANK.get_or_init(load_embedded_bank)
}

/// Wall-clock milliseconds: the exam's deadline is real time, unlike the sandbox's simulated clock.
pub fn wall_now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

pub fn use_exam() -> ExamUi {
    expect_context::<ExamUi>()
}

impl ExamUi {
    /// Starts an attempt and shows its first question; a refusal (no match, bad settings) is shown.
    pub fn start(&self, filter: Filter, mode: Mode, count: usize) {
        let now = wall_now_ms();
        let mut result: Result<(), ExamError> = Ok(());
        self.progress.update(|p| result = p.start(self.bank, filter, mode, count, now, now).map(|_| ()));
        match result {
            Ok(()) => {
                self.index.set(0);
                self.notice.set(None);
                self.screen.set(Screen::Question);
                focus_later("exam-question-heading");
            }
            Err(e) => self.notice.set(Some((sentence(&e.to_string()), true))),
        }
    }

    /// The running or last attempt, if any.
    pub fn with_attempt<T>(&self, f: impl FnOnce(Option<&Attempt>) -> T) -> T {
        self.progress.with(|p| f(p.current.as_ref()))
    }
}

/// The order the current attempt shows a scenario's options in (shuffled per attempt: the bank lists the
/// correct option first). Answers stay in the bank's indices.
pub fn display_order(ui: &ExamUi, s: &Scenario) -> Vec<usize> {
    let started = ui.progress.with_untracked(|p| p.current.as_ref().map_or(0, |a| a.started_ms));
    option_order(s.options.len(), option_seed(started, &s.id))
}

/// "no scenario matches" → "No scenario matches." for the notice line.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    let rest: String = chars.collect();
    if rest.ends_with('.') { format!("{first}{rest}") } else { format!("{first}{rest}.") }
}

/// Moves keyboard focus to an element once the view has drawn it (after an answer, to its explanation).
pub fn focus_later(id: &'static str) {
    set_timeout(
        move || {
            use wasm_bindgen::JsCast;
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(id))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        },
        std::time::Duration::from_millis(0),
    );
}

#[component]
pub fn ExamView() -> impl IntoView {
    match bank() {
        Err(errors) => view! {
            <h1>"Exam practice"</h1>
            <section class="panel" data-testid="exam-bank-error">
                <h2>"The question bank could not be loaded"</h2>
                <ul>{errors.iter().map(|e| view! { <li>{e.to_string()}</li> }).collect_view()}</ul>
            </section>
        }
        .into_any(),
        Ok(bank) => {
            let (mut progress, problem) = store::load(bank);
            // A timed attempt whose time ran out while the page was closed is submitted now, by the engine.
            let expired = progress.check_deadline(bank, wall_now_ms());
            let problem = problem.or_else(|| {
                expired.then(|| "The time of your timed attempt ran out while you were away: it was submitted as it stood.".to_string())
            });
            let ui = ExamUi {
                bank,
                progress: RwSignal::new(progress),
                screen: RwSignal::new(Screen::Setup),
                index: RwSignal::new(0),
                notice: RwSignal::new(problem.map(|p| (p, true))),
            };
            provide_context(ui);
            open_linked_scenario(ui);
            // Saved after every change (the progress is small: answers and review boxes, no bank text).
            Effect::new(move |first: Option<()>| {
                let result = ui.progress.with(store::save);
                if first.is_some() {
                    if let Err(why) = result {
                        ui.notice.set(Some((format!("Progress not saved: {why}. Use Export to keep it."), true)));
                    }
                }
            });
            view! { <ExamPage /> }.into_any()
        }
    }
}

/// `#/exam?scenario=<id>` (the notes map's links) opens that scenario alone in study mode — unless a
/// timed attempt is still running, which a link must not replace (the learner's answers would go).
fn open_linked_scenario(ui: ExamUi) {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let Some(id) = crate::viz::route::query_param(&hash, "scenario") else { return };
    if ui.bank.get(&id).is_none() {
        ui.notice.set(Some((format!("There is no scenario called {id}."), true)));
        return;
    }
    let running_timed = ui.with_attempt(|a| a.is_some_and(|a| a.submitted_ms.is_none() && matches!(a.mode, Mode::Timed { .. })));
    if running_timed {
        ui.notice.set(Some(("A timed attempt is running: submit it to open the linked scenario.".into(), true)));
        return;
    }
    ui.start(Filter { ids: vec![id], ..Filter::default() }, Mode::Study, 1);
}

#[component]
fn ExamPage() -> impl IntoView {
    let ui = use_exam();
    view! {
        <h1>"Exam practice"</h1>
        <p class="lede">
            "Exam-style scenarios about Kinesis for the AWS certification exams, each with why every option is "
            "right or wrong and where the fact comes from. Study mode explains each answer at once; timed mode "
            "grades at the end, like the real exam. Progress stays in this browser."
        </p>
        {move || ui.notice.get().map(|(text, problem)| view! {
            <div class="store-notice" class:problem=problem role="status" data-testid="exam-notice">
                <span>{text}</span>
                <button type="button" class="quiet" aria-label="Dismiss" on:click=move |_| ui.notice.set(None)>"✕"</button>
            </div>
        })}
        {move || match ui.screen.get() {
            Screen::Setup => view! { <setup::Setup /> <history::History /> }.into_any(),
            Screen::Question => view! { <question::QuestionScreen /> }.into_any(),
            Screen::Review => view! { <review::ReviewScreen /> }.into_any(),
            Screen::Results => view! { <results::Results /> }.into_any(),
        }}
    }
}

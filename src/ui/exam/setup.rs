//! The setup screen: which questions (exam guide, services, topic, difficulty) and how (study or timed,
//! how many, how long). Resumes a running attempt and starts a review of the items spaced repetition
//! says are due.

use leptos::prelude::*;

use super::{use_exam, wall_now_ms, Screen};
use crate::exam::session::{Filter, Mode, TIMED_MAX_MINUTES, TIMED_MAX_QUESTIONS};
use crate::exam::{Exam, Service};

/// What a fresh page proposes: a short timed sitting (the real exams run 65 questions in 130–180 minutes).
const DEFAULT_COUNT: usize = 10;
const DEFAULT_MINUTES: u64 = 20;

fn service_name(s: Service) -> &'static str {
    match s {
        Service::Streams => "Data Streams",
        Service::Firehose => "Firehose",
        Service::Analytics => "Analytics (Flink, SQL)",
        Service::Video => "Video Streams",
    }
}

fn exam_label(e: Exam) -> String {
    match e {
        Exam::MlsC01 => "MLS-C01 Machine Learning – Specialty (retired 31 March 2026)".into(),
        Exam::DeaC01 => "DEA-C01 Data Engineer – Associate".into(),
        Exam::MlaC01 => "MLA-C01 Machine Learning Engineer – Associate".into(),
    }
}

#[component]
pub fn Setup() -> impl IntoView {
    let ui = use_exam();
    let exam = RwSignal::new(None::<Exam>);
    let services = RwSignal::new(Vec::<Service>::new());
    let topic = RwSignal::new(String::new());
    let difficulty = RwSignal::new(0u8);
    let timed = RwSignal::new(false);
    let count = RwSignal::new(DEFAULT_COUNT.to_string());
    let minutes = RwSignal::new(DEFAULT_MINUTES.to_string());

    let filter = Memo::new(move |_| Filter {
        exam: exam.get(),
        services: services.get(),
        topics: topic.with(|t| if t.is_empty() { vec![] } else { vec![t.clone()] }),
        difficulties: match difficulty.get() {
            0 => vec![],
            d => vec![d],
        },
        due_only: false,
        ids: vec![],
    });
    let matching = move || filter.with(|f| f.count(ui.bank));
    let topics = {
        let mut t: Vec<String> = ui.bank.scenarios.iter().map(|s| s.topic.clone()).collect();
        t.sort();
        t.dedup();
        t
    };
    let resumable = move || {
        ui.with_attempt(|a| {
            a.filter(|a| a.submitted_ms.is_none()).map(|a| (a.answers.len(), a.questions.len(), matches!(a.mode, Mode::Timed { .. })))
        })
    };
    let due = move || ui.progress.with(|p| p.due(wall_now_ms()).len());

    let on_start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n: usize = count.with(|c| c.trim().parse().unwrap_or(0));
        let mode = if timed.get_untracked() {
            let m: u64 = minutes.with(|m| m.trim().parse().unwrap_or(0));
            Mode::Timed { time_limit_ms: m.saturating_mul(60_000) }
        } else {
            Mode::Study
        };
        if n == 0 {
            ui.notice.set(Some(("Choose how many questions: 1 or more.".into(), true)));
            return;
        }
        ui.start(filter.get_untracked(), mode, n);
    };

    view! {
        {move || resumable().map(|(answered, total, is_timed)| view! {
            <section class="panel" data-testid="exam-resume">
                <h2>"Attempt in progress"</h2>
                <p>{format!("{} attempt: {answered} of {total} answered.", if is_timed { "A timed" } else { "A study" })}</p>
                <button type="button" class="primary" on:click=move |_| ui.screen.set(Screen::Question)>"Resume"</button>
            </section>
        })}
        <form class="panel exam-setup" on:submit=on_start aria-labelledby="exam-setup-title" data-testid="exam-setup">
            <h2 id="exam-setup-title">"Choose your questions"</h2>
            <div class="row">
                <div class="field">
                    <label for="exam-guide">"Exam guide"</label>
                    <select id="exam-guide" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        exam.set(Exam::ALL.into_iter().find(|e| e.code() == v));
                    }>
                        <option value="" selected>"Any exam"</option>
                        {Exam::ALL.into_iter().map(|e| view! { <option value=e.code()>{exam_label(e)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="exam-topic">"Topic"</label>
                    <select id="exam-topic" on:change=move |ev| topic.set(event_target_value(&ev))>
                        <option value="" selected>"Any topic"</option>
                        {topics.into_iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field narrow">
                    <label for="exam-difficulty">"Difficulty"</label>
                    <select id="exam-difficulty" on:change=move |ev| difficulty.set(event_target_value(&ev).parse().unwrap_or(0))>
                        <option value="0" selected>"Any"</option>
                        <option value="1">"1 (easiest)"</option>
                        <option value="2">"2"</option>
                        <option value="3">"3 (hardest)"</option>
                    </select>
                </div>
            </div>
            {move || (exam.get() == Some(Exam::MlsC01)).then(|| view! {
                <p class="warning" data-testid="exam-retired">
                    "MLS-C01 was retired on 31 March 2026: it can no longer be booked. Its questions stay here because "
                    "the study notes were written for it; DEA-C01 and MLA-C01 cover the same Kinesis ground today."
                </p>
            })}
            <fieldset class="exam-choices">
                <legend>"Services (none ticked: all)"</legend>
                {Service::ALL.into_iter().map(|s| view! {
                    <label class="check">
                        <input type="checkbox" value=s.as_str()
                            prop:checked=move || services.with(|v| v.contains(&s))
                            on:change=move |_| services.update(|v| if let Some(i) = v.iter().position(|x| *x == s) { v.remove(i); } else { v.push(s); v.sort(); }) />
                        {service_name(s)}
                    </label>
                }).collect_view()}
            </fieldset>
            <fieldset class="exam-choices">
                <legend>"Mode"</legend>
                <label class="check">
                    <input type="radio" name="exam-mode" value="study" prop:checked=move || !timed.get() on:change=move |_| timed.set(false) data-testid="exam-mode-study" />
                    "Study: each answer is explained at once"
                </label>
                <label class="check">
                    <input type="radio" name="exam-mode" value="timed" prop:checked=move || timed.get() on:change=move |_| timed.set(true) data-testid="exam-mode-timed" />
                    "Timed: graded when you submit, like the exam"
                </label>
            </fieldset>
            <div class="row">
                <div class="field narrow">
                    <label for="exam-count">"Questions"</label>
                    <input id="exam-count" type="number" min="1" max=TIMED_MAX_QUESTIONS.to_string() inputmode="numeric"
                        prop:value=count on:input=move |ev| count.set(event_target_value(&ev)) />
                </div>
                {move || timed.get().then(|| view! {
                    <div class="field narrow">
                        <label for="exam-minutes">"Minutes"</label>
                        <input id="exam-minutes" type="number" min="1" max=TIMED_MAX_MINUTES.to_string() inputmode="numeric"
                            prop:value=minutes on:input=move |ev| minutes.set(event_target_value(&ev)) />
                    </div>
                })}
                <div class="field">
                    <p class="help" aria-live="polite" data-testid="exam-matching">
                        {move || match matching() {
                            0 => "No scenario matches these choices.".to_string(),
                            1 => "1 scenario matches.".to_string(),
                            n => format!("{n} scenarios match."),
                        }}
                    </p>
                </div>
            </div>
            <div class="row">
                <button type="submit" class="primary" data-testid="exam-start">"Start"</button>
                <button type="button" data-testid="exam-review-missed" disabled=move || due() == 0
                    on:click=move |_| ui.start(Filter { due_only: true, ..Filter::default() }, Mode::Study, 100)>
                    {move || format!("Review missed items ({} due)", due())}
                </button>
            </div>
            <p class="help">
                "Keys while answering: " <kbd>"1"</kbd>"–"<kbd>"9"</kbd>" choose an option, "<kbd>"Enter"</kbd>
                " checks the answer in study mode. “Review missed items” brings back what you got wrong, and later what "
                "you got right, at growing intervals (1, 3, 7, 21 days: Leitner boxes)."
            </p>
        </form>
    }
}

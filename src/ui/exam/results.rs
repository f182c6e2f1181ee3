//! The results of the last attempt: the score overall and by service, topic and exam-guide domain (tables,
//! with a bar drawn beside each percentage), then the wrong, unanswered and flagged items to go through
//! one by one with their explanations, and "Review missed items" (the engine's Leitner schedule).

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::explain::Explanation;
use super::{focus_later, use_exam, wall_now_ms, Screen};
use crate::exam::session::{Filter, Mode, Tally};

fn percent_text(t: Tally) -> String {
    format!("{:.0} %", t.percent())
}

#[component]
fn ScoreTable(caption: &'static str, heading: &'static str, rows: BTreeMap<String, Tally>, testid: &'static str) -> impl IntoView {
    view! {
        <table class="exam-score" data-testid=testid>
            <caption>{caption}</caption>
            <thead><tr><th scope="col">{heading}</th><th scope="col" class="num">"Right"</th><th scope="col" class="num">"Of"</th><th scope="col" class="num">"Score"</th><th scope="col" aria-hidden="true"></th></tr></thead>
            <tbody>
                {rows.into_iter().map(|(name, t)| view! {
                    <tr>
                        <th scope="row">{name}</th>
                        <td class="num">{t.right}</td>
                        <td class="num">{t.total}</td>
                        <td class="num">{percent_text(t)}</td>
                        <td class="exam-bar-cell" aria-hidden="true"><span class="exam-bar" style=format!("width: {:.0}%", t.percent())></span></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn Results() -> impl IntoView {
    let ui = use_exam();
    let attempt = Memo::new(move |_| ui.with_attempt(|a| a.filter(|a| a.score.is_some()).cloned()));
    // Wrong and unanswered first, then flagged ones that were right.
    let to_review = Memo::new(move |_| {
        attempt.with(|a| {
            a.as_ref()
                .map(|a| {
                    let score = a.score.clone().unwrap_or_default();
                    a.questions
                        .iter()
                        .filter(|q| score.wrong.contains(q) || score.unanswered.contains(q) || a.flagged.contains(*q))
                        .map(|q| {
                            let why = if score.wrong.contains(q) {
                                "wrong"
                            } else if score.unanswered.contains(q) {
                                "unanswered"
                            } else {
                                "flagged"
                            };
                            (q.clone(), why, a.flagged.contains(q))
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let open = RwSignal::new(None::<usize>);
    let due = move || ui.progress.with(|p| p.due(wall_now_ms()).len());

    view! {
        {move || match attempt.get() {
            None => view! {
                <section class="panel"><p>"No submitted attempt yet."</p>
                    <button type="button" on:click=move |_| ui.screen.set(Screen::Setup)>"Choose questions"</button></section>
            }.into_any(),
            Some(a) => {
                let score = a.score.clone().unwrap_or_default();
                let overall = score.overall;
                let exam = a.filter.exam.map(|e| e.code());
                let mode = match a.mode { Mode::Study => "Study".to_string(), Mode::Timed { time_limit_ms } => format!("Timed, {} min", time_limit_ms / 60_000) };
                view! {
                    <section class="panel" aria-labelledby="exam-results-title" data-testid="exam-results">
                        <h2 id="exam-results-title" tabindex="-1">"Results"</h2>
                        <p class="exam-overall" data-testid="exam-overall">
                            {format!("{} of {} right ({}) · {mode}{}", overall.right, overall.total, percent_text(overall),
                                exam.map(|e| format!(" · {e}")).unwrap_or_default())}
                        </p>
                        <div class="exam-scores">
                            <ScoreTable caption="By service" heading="Service" rows=score.by_service.clone() testid="exam-by-service" />
                            <ScoreTable caption="By topic" heading="Topic" rows=score.by_topic.clone() testid="exam-by-topic" />
                            {(!score.by_exam_domain.is_empty()).then(|| view! {
                                <ScoreTable caption="By exam-guide domain" heading="Domain" rows=score.by_exam_domain.clone() testid="exam-by-domain" />
                            })}
                        </div>
                    </section>
                }.into_any()
            }
        }}
        {move || attempt.get().is_some().then(|| view! {
            <section class="panel" aria-labelledby="exam-to-review-title" data-testid="exam-to-review">
                <h2 id="exam-to-review-title">"Go through your mistakes"</h2>
                {move || if to_review.with(|r| r.is_empty()) {
                    view! { <p>"Nothing wrong, unanswered or flagged. Well done."</p> }.into_any()
                } else {
                    view! {
                        <ol class="exam-review-list">
                            {move || to_review.get().into_iter().enumerate().map(|(i, (id, why, flagged))| {
                                let stem = ui.bank.get(&id).map(|s| s.stem.chars().take(100).collect::<String>()).unwrap_or_default();
                                view! {
                                    <li>
                                        <button type="button" class="linkish" data-testid="exam-review-item" data-why=why
                                            aria-expanded=move || (open.get() == Some(i)).to_string()
                                            on:click=move |_| { open.set(Some(i)); focus_later("exam-result-explanation"); }>
                                            <span class=if why == "flagged" { "badge neutral" } else { "badge bad" }>{why}</span>{flagged.then_some(" ⚑")}" "{stem}"…"
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    }.into_any()
                }}
                {move || open.get().and_then(|i| to_review.with(|r| r.get(i).cloned())).map(|(id, _, _)| {
                    let given = attempt.with(|a| a.as_ref().and_then(|a| a.answers.get(&id).cloned()));
                    let n = to_review.with(|r| r.len());
                    let i = open.get_untracked().unwrap_or(0);
                    let stem = ui.bank.get(&id).map(|s| s.stem.clone()).unwrap_or_default();
                    view! {
                        <div class="exam-one-by-one">
                            <p class="exam-stem"><strong>{format!("Item {} of {n}: ", i + 1)}</strong>{stem}</p>
                            <Explanation id=id given=given focus_id="exam-result-explanation" />
                            <div class="row">
                                <button type="button" disabled=i == 0 on:click=move |_| { open.set(Some(i.saturating_sub(1))); focus_later("exam-result-explanation"); }>"← Previous item"</button>
                                <button type="button" disabled={ i + 1 >= n } on:click=move |_| { open.set(Some(i + 1)); focus_later("exam-result-explanation"); }>"Next item →"</button>
                            </div>
                        </div>
                    }
                })}
            </section>
        })}
        <div class="row exam-nav">
            <button type="button" class="primary" data-testid="exam-review-missed-results" disabled=move || due() == 0
                on:click=move |_| ui.start(Filter { due_only: true, ..Filter::default() }, Mode::Study, 100)>
                {move || format!("Review missed items ({} due)", due())}
            </button>
            <button type="button" data-testid="exam-new" on:click=move |_| { ui.screen.set(Screen::Setup); focus_later("exam-setup-title"); }>"New attempt"</button>
        </div>
    }
}

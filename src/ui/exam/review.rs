//! The review screen of a timed attempt: every question answered or not, flagged or not, a way back to
//! each, and Submit.

use leptos::prelude::*;

use super::timer::Countdown;
use super::{focus_later, use_exam, wall_now_ms, Screen};

#[component]
pub fn ReviewScreen() -> impl IntoView {
    let ui = use_exam();
    let rows = Memo::new(move |_| {
        ui.with_attempt(|a| {
            a.map(|a| {
                a.questions
                    .iter()
                    .map(|q| {
                        let stem = ui.bank.get(q).map(|s| s.stem.clone()).unwrap_or_default();
                        (q.clone(), stem, a.answers.contains_key(q), a.flagged.contains(q))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        })
    });
    let count = move |f: fn(&(String, String, bool, bool)) -> bool| rows.with(|r| r.iter().filter(|x| f(x)).count());
    let submit = move |_| {
        ui.progress.update(|p| {
            p.submit(ui.bank, wall_now_ms());
        });
        ui.screen.set(Screen::Results);
        focus_later("exam-results-title");
    };
    view! {
        <Countdown />
        <section class="panel" aria-labelledby="exam-review-title" data-testid="exam-review">
            <h2 id="exam-review-title" tabindex="-1">"Review before submitting"</h2>
            <p data-testid="exam-review-counts">
                {move || format!(
                    "{} answered, {} unanswered, {} flagged.",
                    count(|r| r.2),
                    count(|r| !r.2),
                    count(|r| r.3)
                )}
            </p>
            <table class="exam-review-table">
                <caption>"Your questions; unanswered ones count as wrong."</caption>
                <thead><tr><th scope="col">"#"</th><th scope="col">"Question"</th><th scope="col">"Status"</th><th scope="col">"Flag"</th><th scope="col"><span class="visually-hidden">"Open"</span></th></tr></thead>
                <tbody>
                    {move || rows.get().into_iter().enumerate().map(|(i, (_, stem, answered, flagged))| {
                        let short: String = stem.chars().take(110).collect();
                        let short = if short.len() < stem.len() { format!("{short}…") } else { short };
                        view! {
                            <tr data-testid="exam-review-row" data-answered=answered.to_string() data-flagged=flagged.to_string()>
                                <td class="num">{i + 1}</td>
                                <td>{short}</td>
                                <td>{if answered { "Answered" } else { "Unanswered" }}</td>
                                <td>{if flagged { "⚑ Flagged" } else { "" }}</td>
                                <td><button type="button" on:click=move |_| {
                                    ui.index.set(i);
                                    ui.screen.set(Screen::Question);
                                    focus_later("exam-question-heading");
                                }>{format!("Go to {}", i + 1)}</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <div class="row exam-nav">
                <button type="button" on:click=move |_| ui.screen.set(Screen::Question)>"← Back to the questions"</button>
                <button type="button" class="primary" data-testid="exam-submit" on:click=submit>"Submit attempt"</button>
            </div>
        </section>
    }
}

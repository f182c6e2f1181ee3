//! Past attempts (newest first) and the progress file: Export downloads the engine's versioned JSON,
//! Import reads one back (refused with the reason, changing nothing, when it is not progress), Reset
//! forgets everything after a second click.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{store, use_exam, wall_now_ms, Screen};
use crate::exam::session::{ExamProgress, Mode};
use crate::ui::format::utc_millis;

#[component]
pub fn History() -> impl IntoView {
    let ui = use_exam();
    let confirm_reset = RwSignal::new(false);
    let rows = Memo::new(move |_| {
        ui.progress.with(|p| {
            p.history
                .iter()
                .map(|a| {
                    let when = utc_millis(a.submitted_ms.unwrap_or(a.started_ms));
                    let when = when.split('.').next().unwrap_or_default().to_string() + " UTC";
                    let mode = match a.mode {
                        Mode::Study => "Study".to_string(),
                        Mode::Timed { time_limit_ms } => format!("Timed ({} min)", time_limit_ms / 60_000),
                    };
                    let exam = a.filter.exam.map_or("any".to_string(), |e| e.code().to_string());
                    let score = a.score.clone().unwrap_or_default().overall;
                    (when, mode, exam, score)
                })
                .collect::<Vec<_>>()
        })
    });
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
            match text.map(|t| ExamProgress::import(&t, ui.bank)) {
                Some(Ok(p)) => {
                    ui.progress.set(p);
                    ui.screen.set(Screen::Setup);
                    ui.notice.set(Some(("Exam progress imported.".into(), false)));
                }
                Some(Err(e)) => ui.notice.set(Some((format!("That file could not be imported: {e}. Nothing was changed."), true))),
                None => ui.notice.set(Some(("That file could not be read. Nothing was changed.".into(), true))),
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="exam-history-title" data-testid="exam-history">
            <h2 id="exam-history-title">"Your attempts"</h2>
            {move || if rows.with(Vec::is_empty) {
                view! { <p data-testid="exam-history-empty">"No attempt submitted yet."</p> }.into_any()
            } else {
                view! {
                    <table>
                        <caption>"Newest first; kept in this browser."</caption>
                        <thead><tr><th scope="col">"Submitted"</th><th scope="col">"Mode"</th><th scope="col">"Exam"</th><th scope="col" class="num">"Right"</th><th scope="col" class="num">"Score"</th></tr></thead>
                        <tbody>
                            {move || rows.get().into_iter().map(|(when, mode, exam, t)| view! {
                                <tr data-testid="exam-history-row">
                                    <td>{when}</td><td>{mode}</td><td>{exam}</td>
                                    <td class="num">{format!("{} of {}", t.right, t.total)}</td>
                                    <td class="num">{format!("{:.0} %", t.percent())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <div class="row exam-file" role="group" aria-label="Exam progress file">
                <button type="button" data-testid="exam-export" on:click=move |_| {
                    if let Err(why) = ui.progress.with_untracked(|p| store::export(p, wall_now_ms())) {
                        ui.notice.set(Some((format!("Export failed: {why}."), true)));
                    }
                }>"Export progress"</button>
                <label class="file-button" for="exam-import">"Import progress"</label>
                <input id="exam-import" type="file" accept="application/json,.json" class="visually-hidden" on:change=on_file />
                <button type="button" class="danger" data-testid="exam-reset" on:click=move |_| {
                    if confirm_reset.get_untracked() {
                        ui.progress.set(ExamProgress::default());
                        store::clear();
                        confirm_reset.set(false);
                        ui.notice.set(Some(("Exam progress reset: no history, no review schedule.".into(), false)));
                    } else {
                        confirm_reset.set(true);
                    }
                }>{move || if confirm_reset.get() { "Really reset? History and reviews go." } else { "Reset progress" }}</button>
            </div>
        </section>
    }
}

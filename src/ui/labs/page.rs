//! `#/labs`: every guided lab with its services, level, time, objectives and their sources, and the
//! learner's progress; Start (with a confirmation, since it replaces the sandbox). `#/labs?lab=<id>`
//! shows that lab's card alone. Progress can be reset, exported and imported.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{use_labs, LabsNotice};
use crate::labs::progress::LabProgress;
use crate::labs::Lab as LabDef;
use crate::viz::labs::{source_text, text_pieces};
use crate::viz::route::query_param;

/// Text with `code` pieces.
pub fn rich_text(text: &str) -> impl IntoView {
    text_pieces(text)
        .into_iter()
        .map(|(code, t)| if code { view! { <code>{t}</code> }.into_any() } else { t.into_any() })
        .collect_view()
}

fn level_label(level: &str) -> &'static str {
    match level {
        "foundation" => "Foundation",
        "associate" => "Associate",
        "advanced" => "Advanced",
        _ => "Level not set",
    }
}

#[component]
pub fn LabsPage() -> impl IntoView {
    let labs = use_labs();
    let hash = RwSignal::new(web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default());
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        hash.set(web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default());
    });
    on_cleanup(move || handle.remove());
    let chosen = move || query_param(&hash.get(), "lab");
    view! {
        <h1>"Guided labs"</h1>
        <p class="lede">"Each lab gives you a prepared sandbox, a goal and live checks. Starting one puts your own "
            "sandbox aside; leaving the lab brings it back."</p>
        {move || labs.notice.get().map(|n| view! {
            <div class="store-notice" class:problem=n.problem role="status" data-testid="labs-notice">
                <span>{n.text}</span>
                <button type="button" class="quiet" aria-label="Dismiss" on:click=move |_| labs.notice.set(None)>"✕"</button>
            </div>
        })}
        <ActiveBanner />
        {move || match labs.all() {
            Err(errors) => view! {
                <section class="panel" data-testid="labs-errors">
                    <h2>"The labs could not be loaded"</h2>
                    <ul>{errors.into_iter().map(|e| view! { <li class="mono">{e.to_string()}</li> }).collect_view()}</ul>
                </section>
            }.into_any(),
            Ok(all) => {
                let pick = chosen();
                let shown: Vec<LabDef> = match &pick {
                    Some(id) => all.into_iter().filter(|l| &l.id == id).collect(),
                    None => all,
                };
                view! {
                    {pick.as_ref().map(|id| view! {
                        <p><a href="#/labs" data-testid="all-labs-link">"← All labs"</a></p>
                        {shown.is_empty().then(|| view! { <p class="api-error" role="alert">{format!("There is no lab called {id}.")}</p> })}
                    })}
                    <div class="lab-cards">{shown.into_iter().map(|def| view! { <LabCard def=def /> }).collect_view()}</div>
                }.into_any()
            }
        }}
        <ProgressTools />
    }
}

/// Says which lab is running, with a way back to it.
#[component]
fn ActiveBanner() -> impl IntoView {
    let labs = use_labs();
    move || {
        labs.active_def().map(|def| {
            let route = crate::viz::labs::sandbox_route(&def.sandbox);
            view! {
                <section class="panel lab-active-banner" data-testid="lab-active-banner">
                    <p>"You are in the lab "<strong>{def.title.clone()}</strong>". "
                        <a href=format!("#{}", route.path())>"Continue the lab →"</a></p>
                </section>
            }
        })
    }
}

#[component]
fn LabCard(def: LabDef) -> impl IntoView {
    let labs = use_labs();
    let confirming = RwSignal::new(false);
    let id = StoredValue::new(def.id.clone());
    let heading = format!("lab-{}-title", def.id);
    let labelled_by = heading.clone();
    let record = move || labs.progress.with(|p| p.labs.get(&id.get_value()).cloned());
    let is_active = move || labs.active.with(|a| a.as_ref().is_some_and(|a| a.run.lab_id == id.get_value()));
    view! {
        <article class="panel lab-card" data-testid="lab-card" data-lab=def.id.clone() aria-labelledby=labelled_by>
            <h2 id=heading><a href=format!("#/labs?lab={}", def.id)>{def.title.clone()}</a></h2>
            <dl class="summary lab-facts">
                <div><dt>"Services"</dt><dd>{def.services.iter().map(|s| match s.as_str() { "streams" => "Data Streams", "firehose" => "Firehose", other => other }).collect::<Vec<_>>().join(", ")}</dd></div>
                <div><dt>"Level"</dt><dd>{level_label(&def.level)}</dd></div>
                <div><dt>"Time"</dt><dd class="num">{format!("about {} min", def.minutes)}</dd></div>
                <div><dt>"Progress"</dt><dd data-testid="lab-progress">{move || match record() {
                    Some(r) if r.completed => format!("✓ Completed{}{}",
                        r.best_score_text.map(|t| format!(" · best: {t}")).unwrap_or_default(),
                        if r.completions > 1 { format!(" · {} times", r.completions) } else { String::new() }),
                    Some(r) if r.hints_used > 0 => format!("Started · {} hint(s) used", r.hints_used),
                    _ => "Not completed yet".to_string(),
                }}</dd></div>
            </dl>
            <p>{rich_text(&def.summary)}</p>
            <h3>"Objectives"</h3>
            <ul class="lab-objectives">
                {def.objectives.iter().map(|o| view! {
                    <li>{o.text.clone()}
                        <span class="help-inline lab-sources">"Sources: "{o.sources.iter().map(source_text).collect::<Vec<_>>().join(" · ")}</span>
                    </li>
                }).collect_view()}
            </ul>
            <div class="row">
                {move || if is_active() {
                    view! { <a class="button-link" href=format!("#{}", crate::viz::labs::sandbox_route(&def.sandbox).path())>"Continue this lab →"</a> }.into_any()
                } else if confirming.get() {
                    view! {
                        <div class="lab-confirm" role="group" aria-label="Confirm starting the lab" data-testid="lab-start-confirm">
                            <p>"Starting replaces your sandbox with this lab's prepared one. Yours is kept aside in this "
                               "browser and comes back when you leave the lab."</p>
                            <button type="button" class="primary" data-testid="lab-start-confirm-button"
                                on:click=move |_| { confirming.set(false); labs.start(&id.get_value()); }>"Start the lab"</button>
                            <button type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </div>
                    }.into_any()
                } else {
                    view! { <button type="button" class="primary" data-testid="lab-start" on:click=move |_| confirming.set(true)>"Start"</button> }.into_any()
                }}
            </div>
        </article>
    }
}

/// Reset, export and import of lab progress.
#[component]
fn ProgressTools() -> impl IntoView {
    let labs = use_labs();
    let confirm_reset = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
            let notice = match text.map(|t| LabProgress::import_json(&t)) {
                Some(Ok(p)) => {
                    labs.progress.set(p);
                    LabsNotice { problem: false, text: "Lab progress imported.".into() }
                }
                Some(Err(e)) => LabsNotice { problem: true, text: format!("That file was not imported: {e}. Nothing was changed.") },
                None => LabsNotice { problem: true, text: "That file could not be read. Nothing was changed.".into() },
            };
            labs.notice.set(Some(notice));
        });
    };
    let export = move |_| {
        let json = labs.progress.with(|p| p.export_json());
        if let Err(e) = crate::ui::persist::download("kinesis-lab-lab-progress.json", &json) {
            labs.notice.set(Some(LabsNotice { problem: true, text: format!("Export failed: {e}") }));
        }
    };
    view! {
        <section class="panel" aria-labelledby="lab-progress-heading">
            <h2 id="lab-progress-heading">"Your progress"</h2>
            <p class="help">"Kept in this browser. Move it to another browser as a file."</p>
            <div class="row">
                <button type="button" data-testid="lab-progress-export" on:click=export>"Export progress"</button>
                <input id="lab-progress-import" type="file" accept="application/json,.json" class="visually-hidden" on:change=on_file />
                <label class="file-button" for="lab-progress-import">"Import progress"</label>
                <button type="button" class="danger" data-testid="lab-progress-reset" on:click=move |_| {
                    if confirm_reset.get_untracked() {
                        labs.progress.set(LabProgress::default());
                        labs.notice.set(Some(LabsNotice { problem: false, text: "Lab progress reset.".into() }));
                        confirm_reset.set(false);
                    } else {
                        confirm_reset.set(true);
                    }
                }>{move || if confirm_reset.get() { "Really reset all lab progress?" } else { "Reset progress" }}</button>
            </div>
        </section>
    }
}

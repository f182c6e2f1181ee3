//! The notes map page (`#/notes`): pick a study note, see every claim it makes in our words, grouped by
//! the note's sections, each with its status (text and icon, never colour alone), the correction and the
//! AWS pages behind it, and links to the exam scenarios and labs that test it. Claims no scenario tests
//! yet stand out, with a count at the top and a filter. Data: `exam::notes` over the build-time JSON.

use leptos::prelude::*;

use crate::exam::bank::{load_embedded_bank, Catalog};
use crate::exam::notes::{load_embedded_notes, Claim, NotesMap, Tally};
use crate::exam::Currency;
use crate::viz::route::query_param;

/// The badge of a status: an icon and a word, so it reads without colour.
fn status_badge(status: Currency) -> (&'static str, &'static str, &'static str) {
    match status {
        Currency::Current => ("✓", "Current", "current"),
        Currency::Outdated => ("↻", "Outdated", "outdated"),
        Currency::Wrong => ("✗", "Wrong", "wrong"),
    }
}

fn status_from_value(v: &str) -> Option<Currency> {
    match v {
        "current" => Some(Currency::Current),
        "outdated" => Some(Currency::Outdated),
        "wrong" => Some(Currency::Wrong),
        _ => None,
    }
}

/// A short label for an AWS page link: the last part of its path without `.html`.
fn page_label(url: &str) -> String {
    let path = url.trim_end_matches('/');
    let last = path.rsplit('/').next().unwrap_or(path);
    last.trim_end_matches(".html").to_string()
}

struct Loaded {
    map: NotesMap,
    catalog: Catalog,
    /// Each scenario's stem by id, shown as the link's tooltip.
    stems: std::collections::BTreeMap<String, String>,
}

fn load() -> Result<Loaded, Vec<String>> {
    let bank = load_embedded_bank().map_err(|e| e.iter().map(|x| x.to_string()).collect::<Vec<_>>())?;
    let map = load_embedded_notes(&bank).map_err(|e| e.iter().map(|x| x.to_string()).collect::<Vec<_>>())?;
    let stems = bank.scenarios.iter().map(|s| (s.id.clone(), s.stem.clone())).collect();
    Ok(Loaded { map, catalog: bank.catalog, stems })
}

#[component]
pub fn NotesView() -> impl IntoView {
    match load() {
        Ok(loaded) => view! { <NotesMapView loaded=loaded /> }.into_any(),
        Err(errors) => view! {
            <section class="panel" data-testid="notes-error" role="alert">
                <h2>"The notes map could not be loaded"</h2>
                <ul>{errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
            </section>
        }
        .into_any(),
    }
}

fn tally_cells(t: Tally) -> impl IntoView {
    view! {
        <td class="num">{t.claims}</td>
        <td class="num">{t.current}</td>
        <td class="num">{t.outdated}</td>
        <td class="num">{t.wrong}</td>
        <td class="num">{t.uncovered}</td>
    }
}

#[component]
fn NotesMapView(loaded: Loaded) -> impl IntoView {
    let Loaded { map, catalog, stems } = loaded;
    let stems = StoredValue::new(stems);
    let map = StoredValue::new(map);
    let catalog = StoredValue::new(catalog);
    let first = map.with_value(|m| m.notes.first().map(|n| n.note.clone()).unwrap_or_default());
    let from_hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|h| query_param(&h, "note"))
        .filter(|n| map.with_value(|m| m.note(n).is_some()));
    let selected = RwSignal::new(from_hash.unwrap_or(first));
    let status = RwSignal::new(None::<Currency>);
    let uncovered_only = RwSignal::new(false);
    let total = map.with_value(NotesMap::tally);

    let summary = move || {
        map.with_value(|m| {
            m.notes
                .iter()
                .map(|n| {
                    let t = n.tally();
                    let note = n.note.clone();
                    let pick = n.note.clone();
                    view! {
                        <tr data-testid="notes-summary-row">
                            <th scope="row">
                                <button type="button" class="link-button" on:click=move |_| selected.set(pick.clone())
                                    aria-current=move || if selected.get() == note { "true" } else { "false" }>
                                    {n.title.clone()}
                                </button>
                            </th>
                            {tally_cells(t)}
                        </tr>
                    }
                })
                .collect_view()
        })
    };

    let claim_view = move |c: &Claim| {
        let (icon, word, class) = status_badge(c.status);
        let uncovered = c.is_uncovered();
        let sources = c
            .sources
            .iter()
            .map(|s| {
                let pages = catalog.with_value(|cat| cat.facts_section(s).map(|f| f.pages.clone()).unwrap_or_default());
                view! {
                    <li>
                        <span class="facts-id">{s.clone()}</span>
                        {pages.into_iter().map(|p| {
                            let label = page_label(&p);
                            view! { " · " <a href=p.clone() target="_blank" rel="noopener" title=p.clone()>{label}</a> }
                        }).collect_view()}
                    </li>
                }
            })
            .collect_view();
        let scenarios = c
            .scenarios
            .iter()
            .map(|s| {
                let stem = stems.with_value(|m| m.get(s).cloned().unwrap_or_default());
                view! { <li><a data-testid="scenario-link" href=format!("#/exam?scenario={s}") title=stem>{s.clone()}</a></li> }
            })
            .collect_view();
        let labs = c
            .labs
            .iter()
            .map(|l| view! { <li><a data-testid="lab-link" href=format!("#/labs?lab={l}")>{l.clone()}</a></li> })
            .collect_view();
        view! {
            <article class=format!("claim claim-{class}") class:claim-uncovered=uncovered data-testid="claim"
                data-claim-id=c.id.clone() data-status=class data-uncovered=if uncovered { "true" } else { "false" }>
                <p class="claim-head">
                    <span class=format!("badge status-{class}") data-testid="status-badge">
                        <span aria-hidden="true">{icon}" "</span>{word}
                    </span>
                    {uncovered.then(|| view! {
                        <span class="badge uncovered-badge" data-testid="uncovered-badge">
                            <span aria-hidden="true">"⚠ "</span>"No scenario yet"
                        </span>
                    })}
                    <span class="claim-text">{c.text.clone()}</span>
                </p>
                {c.correction.clone().map(|text| view! {
                    <p class="claim-correction" data-testid="correction"><strong>"Today: "</strong>{text}</p>
                })}
                <dl class="claim-links">
                    {(!c.sources.is_empty()).then(|| view! { <dt>"Checked against"</dt><dd><ul class="inline-list">{sources}</ul></dd> })}
                    <dt>"Exam scenarios"</dt>
                    <dd>
                        {if c.scenarios.is_empty() {
                            view! { <span class="help">"none yet"</span> }.into_any()
                        } else {
                            view! { <ul class="inline-list">{scenarios}</ul> }.into_any()
                        }}
                    </dd>
                    {(!c.labs.is_empty()).then(|| view! { <dt>"Labs"</dt><dd><ul class="inline-list">{labs}</ul></dd> })}
                </dl>
            </article>
        }
    };

    let claims = move || {
        let wanted = status.get();
        let only = uncovered_only.get();
        let note = selected.get();
        map.with_value(|m| {
            let Some(n) = m.note(&note) else {
                return view! { <p class="help">"Choose a note."</p> }.into_any();
            };
            let groups = n.grouped(wanted, only);
            if groups.is_empty() {
                return view! { <p class="help" data-testid="no-claims">"No claim of this note matches the filters."</p> }.into_any();
            }
            groups
                .into_iter()
                .map(|(section, claims)| {
                    view! {
                        <section class="claim-section" data-testid="claim-section">
                            <h3>{section.to_string()}</h3>
                            {claims.into_iter().map(claim_view).collect_view()}
                        </section>
                    }
                })
                .collect_view()
                .into_any()
        })
    };

    let shown_count = move || {
        let (wanted, only, note) = (status.get(), uncovered_only.get(), selected.get());
        map.with_value(|m| {
            m.note(&note).map(|n| n.grouped(wanted, only).iter().map(|(_, c)| c.len()).sum::<usize>()).unwrap_or(0)
        })
    };
    let note_uncovered = move || map.with_value(|m| m.note(&selected.get()).map(|n| n.tally().uncovered).unwrap_or(0));

    view! {
        <p class="notes-uncovered-total" data-testid="uncovered-count">
            <span class="badge uncovered-badge"><span aria-hidden="true">"⚠ "</span>{total.uncovered}</span>
            {format!(" of {} claims across the five notes have no exam scenario yet; they are marked “No scenario yet” below.", total.claims)}
        </p>
        <section class="panel" aria-labelledby="notes-summary-heading">
            <h2 id="notes-summary-heading">"Summary"</h2>
            <table class="data-table" data-testid="notes-summary">
                <caption class="visually-hidden">"Claims per note by status, and how many have no scenario"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Note"</th>
                        <th scope="col">"Claims"</th>
                        <th scope="col">"✓ Current"</th>
                        <th scope="col">"↻ Outdated"</th>
                        <th scope="col">"✗ Wrong"</th>
                        <th scope="col">"⚠ No scenario"</th>
                    </tr>
                </thead>
                <tbody>{summary}</tbody>
                <tfoot>
                    <tr><th scope="row">"All notes"</th>{tally_cells(total)}</tr>
                </tfoot>
            </table>
        </section>
        <section class="panel" aria-labelledby="notes-claims-heading">
            <h2 id="notes-claims-heading">"Claims"</h2>
            <div class="notes-controls" role="group" aria-label="Choose a note and filter its claims">
                <label>
                    <span>"Note"</span>
                    <select data-testid="note-select" on:change=move |ev| selected.set(event_target_value(&ev))
                        prop:value=move || selected.get()>
                        {map.with_value(|m| m.notes.iter().map(|n| {
                            view! { <option value=n.note.clone()>{format!("{} — {}", n.note.get(..3).unwrap_or(&n.note), n.title)}</option> }
                        }).collect_view())}
                    </select>
                </label>
                <label>
                    <span>"Status"</span>
                    <select data-testid="status-filter" on:change=move |ev| status.set(status_from_value(&event_target_value(&ev)))>
                        <option value="all">"All"</option>
                        <option value="current">"✓ Current"</option>
                        <option value="outdated">"↻ Outdated"</option>
                        <option value="wrong">"✗ Wrong"</option>
                    </select>
                </label>
                <label class="inline">
                    <input type="checkbox" data-testid="uncovered-filter" prop:checked=uncovered_only
                        on:change=move |ev| uncovered_only.set(event_target_checked(&ev)) />
                    {move || format!(" Only claims with no scenario yet ({} in this note)", note_uncovered())}
                </label>
            </div>
            <p class="help" aria-live="polite" data-testid="shown-count">{move || format!("{} claims shown", shown_count())}</p>
            {claims}
        </section>
    }
}

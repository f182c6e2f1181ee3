//! Why an answer is right or wrong: the verdict, every option with its own explanation (the distractors
//! too), the worked answer of a numeric question, a badge when the study note behind the scenario is
//! outdated or wrong (with what AWS does today), the sources (note file + section; FACTS sections with the
//! AWS pages they rest on) and the "Prove it" link.

use leptos::prelude::*;

use super::{display_order, use_exam};
use crate::exam::session::SavedAnswer;
use crate::exam::{Currency, Kind, Scenario, Tolerance};
use crate::viz::route::Route;

/// Whether a saved answer is right (the engine grades).
pub fn is_right(s: &Scenario, given: &SavedAnswer) -> bool {
    s.grade(&match given {
        SavedAnswer::Single(i) => crate::exam::Answer::Single(*i),
        SavedAnswer::Multiple(v) => crate::exam::Answer::Multiple(v.clone()),
        SavedAnswer::Numeric(x) => crate::exam::Answer::Numeric(*x),
    })
}

fn chosen(given: Option<&SavedAnswer>, i: usize) -> bool {
    match given {
        Some(SavedAnswer::Single(c)) => *c == i,
        Some(SavedAnswer::Multiple(v)) => v.contains(&i),
        _ => false,
    }
}

/// "7 shards (exactly)", "79.488 USD (± 0.05)", "200 MB (± 1 %)".
fn expected_text(s: &Scenario) -> String {
    let unit = s.unit.as_deref().unwrap_or("");
    let answer = s.answer.map_or("?".to_string(), |a| a.to_string());
    let tolerance = match s.tolerance {
        Some(Tolerance::Absolute(0.0)) => "exactly".to_string(),
        Some(Tolerance::Absolute(t)) => format!("± {t}"),
        Some(Tolerance::Percent(p)) => format!("± {p} %"),
        None => String::new(),
    };
    format!("{answer} {unit} ({tolerance})")
}

/// The "Prove it" link's words and route, when the scenario has one.
fn prove_it(s: &Scenario) -> Option<(String, String)> {
    let p = s.prove_it.as_ref()?;
    let route = p.route();
    let text = match (&p.sandbox, &p.lab) {
        (Some(_), _) => format!("Prove it in the {} sandbox", Route::from_hash(&route).title()),
        (None, Some(lab)) => format!("Prove it in the “{lab}” lab"),
        (None, None) => return None,
    };
    Some((text, route))
}

#[component]
pub fn Explanation(id: String, given: Option<SavedAnswer>, focus_id: &'static str) -> impl IntoView {
    let ui = use_exam();
    let Some(s) = ui.bank.get(&id) else {
        return view! { <p>"This question is no longer in the bank."</p> }.into_any();
    };
    let catalog = &ui.bank.catalog;
    let verdict = match &given {
        None => ("Not answered", "bad"),
        Some(g) if is_right(s, g) => ("✓ Right", "ok"),
        Some(_) => ("✗ Wrong", "bad"),
    };
    let currency = match s.currency {
        Currency::Current => None,
        Currency::Outdated => Some("Outdated note"),
        Currency::Wrong => Some("Wrong note"),
    };
    let given_text = match (&given, s.kind) {
        (Some(SavedAnswer::Numeric(x)), _) => Some(format!("You answered {x} {}.", s.unit.as_deref().unwrap_or(""))),
        _ => None,
    };

    view! {
        <section class="exam-explanation" id=focus_id tabindex="-1" aria-labelledby=format!("{focus_id}-title") data-testid="exam-explanation">
            <h3 id=format!("{focus_id}-title")>
                <span class=format!("badge {}", verdict.1) data-testid="exam-verdict">{verdict.0}</span>
                {currency.map(|c| view! { " " <span class="badge bad" data-testid="exam-currency">{c}</span> })}
            </h3>
            {s.correction.clone().map(|c| view! {
                <p class="exam-correction"><strong>"What AWS does today: "</strong>{c}</p>
            })}
            {match s.kind {
                Kind::Numeric => view! {
                    <p>{given_text}" Expected: "<strong data-testid="exam-expected">{expected_text(s)}</strong>"."</p>
                }.into_any(),
                _ => view! {
                    <ul class="exam-why">
                        {display_order(&ui, s).into_iter().enumerate().filter_map(|(k, i)| s.options.get(i).map(|o| (k, i, o))).map(|(k, i, o)| {
                            let mine = chosen(given.as_ref(), i);
                            view! {
                                <li class:correct=o.correct class:mine=mine>
                                    <span class="exam-mark">{if o.correct { "✓ Correct" } else { "✗ Wrong" }}</span>
                                    {mine.then_some(" · your choice")}
                                    <span class="exam-option-text">{format!(" {}. {}", k + 1, o.text)}</span>
                                    <span class="exam-option-why">{o.explanation.clone()}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            {s.explanation.clone().map(|e| view! { <p class="exam-worked">{e}</p> })}
            <h4>"Sources"</h4>
            <ul class="exam-sources">
                {s.sources.iter().map(|src| match (&src.seed, &src.section, &src.facts) {
                    (_, _, Some(f)) => {
                        let pages = catalog.facts_section(f).map(|f| f.pages.clone()).unwrap_or_default();
                        view! {
                            <li>"Project facts, "{f.clone()}" — AWS: "
                                {pages.into_iter().map(|p| view! {
                                    <a href=p.clone() target="_blank" rel="noopener noreferrer">{p.trim_start_matches("https://").to_string()}</a>" "
                                }).collect_view()}
                            </li>
                        }.into_any()
                    }
                    (Some(seed), section, None) => {
                        let title = catalog.note_docs.iter().find(|n| n.file == *seed).map(|n| n.title.clone());
                        view! {
                            <li>"Study note "<span class="mono">{seed.clone()}</span>
                                {section.clone().map(|sec| format!(", section “{sec}”"))}
                                {title.map(|t| format!(" ({t})"))}
                            </li>
                        }.into_any()
                    }
                    _ => ().into_any(),
                }).collect_view()}
            </ul>
            {prove_it(s).map(|(text, route)| view! {
                <p><a class="exam-prove" href=route data-testid="exam-prove-it">{text}" →"</a></p>
            })}
        </section>
    }
    .into_any()
}

//! The rate table: every published rate with its "as of" date and source, editable; a value that is not a
//! number, or that the engine refuses (negative, not finite), is shown refused beside its input and the
//! bills keep the last valid rate. "Reset to published rates" puts them all back.

use leptos::prelude::*;

use super::PricingState;
use crate::engine::pricing::format::usd_rate;
use crate::engine::pricing::Rates;
use crate::viz::pricing::{parse_rate, rate_label};

#[component]
pub fn RatesTable(state: PricingState) -> impl IntoView {
    let published = Rates::us_east_1_nov_2026();
    let as_of = published.as_of.clone();
    let region = published.region.clone();
    let sources = published.sources.join("; ");
    let edited = move || state.edited_fields().len();
    let reset = move |_| {
        state.rates.set(Rates::us_east_1_nov_2026());
        state.rates_epoch.update(|n| *n += 1);
    };
    view! {
        <section class="panel" aria-labelledby="pricing-rates-heading">
            <h2 id="pricing-rates-heading">"Rates"</h2>
            <p data-testid="rates-as-of">
                "Published rates for "<strong>{region}</strong>", as of "<strong>{as_of}</strong>
                {move || match edited() {
                    0 => String::new(),
                    n => format!(" — {n} edited by you (marked below; the bills say so too)"),
                }}
            </p>
            <p class="help">"Sources: "{sources}". Prices change: check AWS's pricing pages before relying on them. "
                "Edit any rate to ask “what if”; a value that is not a number of dollars, or is negative, is refused "
                "and the bills keep the previous rate."</p>
            <p class="row">
                <button type="button" data-testid="rates-reset" on:click=reset>
                    "Reset to published rates"
                </button>
            </p>
            <div class="scroll-x">
                <table class="rates-table" data-testid="rates-table">
                    <caption>"Rates in USD (edit the value column)"</caption>
                    <thead><tr>
                        <th scope="col">"Rate"</th>
                        <th scope="col" class="num">"Published"</th>
                        <th scope="col" class="num">"Value used (USD)"</th>
                        <th scope="col">"Unit"</th>
                    </tr></thead>
                    <tbody>
                        {move || {
                            // Re-created on reset, so every input shows the published value again.
                            state.rates_epoch.get();
                            untrack(|| state.rates.get().named()).into_iter().zip(Rates::us_east_1_nov_2026().named())
                                .map(|((field, value), (_, published_value))| rate_row(state, field, value, published_value))
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn rate_row(state: PricingState, field: &'static str, value: f64, published: f64) -> impl IntoView {
    let (label, unit) = rate_label(field);
    let text = RwSignal::new(format!("{value}"));
    let error = RwSignal::new(None::<String>);
    let input_id = format!("rate-{field}");
    let error_id = format!("rate-{field}-error");
    let current = move || state.rates.with(|r| r.named().iter().find(|(f, _)| *f == field).map(|(_, v)| *v));
    let is_edited = move || current().is_some_and(|v| v != published);
    let on_input = move |ev| {
        let typed = event_target_value(&ev);
        text.set(typed.clone());
        let result = parse_rate(&typed).and_then(|v| {
            let mut rates = state.rates.get_untracked();
            rates.set(field, v).map_err(|e| e.to_string())?;
            Ok(rates)
        });
        match result {
            Ok(rates) => {
                error.set(None);
                state.rates.set(rates);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <tr data-testid="rate-row" data-field=field class:edited=is_edited>
            <th scope="row"><label for=input_id.clone()>{label}</label>
                <span class="mono help-inline">{field}</span></th>
            <td class="num">{usd_rate(published)}</td>
            <td class="num">
                <input id=input_id type="text" inputmode="decimal" class="num rate-input" autocomplete="off"
                    data-testid=format!("rate-input-{field}") aria-describedby=error_id.clone()
                    aria-invalid=move || error.with(|e| e.is_some()).to_string()
                    prop:value=move || text.get() on:input=on_input />
                <p id=error_id class="field-error" data-testid="rate-error" aria-live="polite">
                    {move || error.get().map(|e| format!("Refused: {e}. Still using {}.", current().map(usd_rate).unwrap_or_default()))}
                </p>
                {move || is_edited().then(|| view! { <span class="edited-mark">"edited"</span> })}
            </td>
            <td>{unit}</td>
        </tr>
    }
}

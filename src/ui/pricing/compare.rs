//! "The cheapest design under a latency goal": the learner's consumers as entered and all moved to enhanced
//! fan-out, each provisioned and on-demand, priced and given their typical read latency
//! (`engine::pricing::compare`); the cheapest one within the goal is marked in words, not colour alone.

use leptos::prelude::*;

use super::bills::BillTable;
use super::PricingState;
use crate::engine::pricing::compare::{CLASSIC_LATENCY_MS_PER_CONSUMER, EFO_LATENCY_MS};
use crate::engine::pricing::format::{int, usd};
use crate::engine::pricing::cheapest_meeting_latency;
use crate::viz::pricing::candidate_designs;

#[component]
pub fn LatencyCompare(state: PricingState) -> impl IntoView {
    let goal_text = RwSignal::new("200".to_string());
    let goal = Memo::new(move |_| {
        goal_text.with(|t| t.trim().replace(',', "").parse::<u32>().map_err(|_| format!("the goal must be a whole number of milliseconds, not \"{}\"", t.trim())))
    });
    let comparison = Memo::new(move |_| {
        let w = state.workload.get().ok()?;
        let goal = goal.get().ok()?;
        Some(cheapest_meeting_latency(&candidate_designs(&w), goal, &state.effective_rates()).map_err(|e| e.to_string()))
    });
    view! {
        <section class="panel" aria-labelledby="pricing-compare-heading">
            <h2 id="pricing-compare-heading">"Cheapest design under a latency goal"</h2>
            <p class="help">{format!(
                "Typical read latency: about {CLASSIC_LATENCY_MS_PER_CONSUMER} ms per shared-throughput consumer on a stream \
                 (they share each shard's 5 reads per second), about {EFO_LATENCY_MS} ms for enhanced fan-out however many. \
                 A design's latency is its slowest consumer's."
            )}</p>
            <div class="field narrow-wide">
                <label for="pricing-latency-goal">"Latency goal"</label>
                <span class="with-unit">
                    <input id="pricing-latency-goal" data-testid="pricing-latency-goal" type="text" inputmode="numeric"
                        class="num" aria-describedby="pricing-latency-goal-error"
                        aria-invalid=move || goal.with(|g| g.is_err()).to_string()
                        prop:value=move || goal_text.get() on:input=move |ev| goal_text.set(event_target_value(&ev)) />
                    <span class="unit">"ms"</span>
                </span>
                <p id="pricing-latency-goal-error" class="field-error" aria-live="polite">{move || goal.get().err()}</p>
            </div>
            {move || match comparison.get() {
                None => view! { <p class="help">"Enter a valid workload and goal to compare designs."</p> }.into_any(),
                Some(Err(e)) => view! { <p class="api-error" role="alert">{e}</p> }.into_any(),
                Some(Ok(c)) => {
                    let verdict = match c.cheapest.and_then(|i| c.rows.get(i)) {
                        Some(row) => format!("Cheapest within {} ms: {} at {} per month.", int(c.max_latency_ms as u128), row.name, usd(row.bill.total_usd)),
                        None => format!("No design here reads within {} ms.", int(c.max_latency_ms as u128)),
                    };
                    view! {
                        <p role="status" data-testid="compare-verdict"><strong>{verdict}</strong></p>
                        <div class="scroll-x">
                        <table data-testid="compare-table">
                            <caption>"Designs compared (open a design for its bill)"</caption>
                            <thead><tr>
                                <th scope="col">"Design"</th>
                                <th scope="col" class="num">"Latency"</th>
                                <th scope="col">"Meets goal"</th>
                                <th scope="col" class="num">"Per month"</th>
                            </tr></thead>
                            <tbody>
                                {c.rows.iter().enumerate().map(|(i, row)| {
                                    let best = c.cheapest == Some(i);
                                    view! {
                                        <tr class:holds-key=best data-testid="compare-row" data-best=best.to_string()>
                                            <th scope="row">
                                                <details class="arith">
                                                    <summary>{row.name.clone()}{best.then_some(" ★ cheapest within the goal")}</summary>
                                                    <BillTable bill=row.bill.clone() id="compare" />
                                                </details>
                                            </th>
                                            <td class="num">{format!("{} ms", int(row.latency_ms as u128))}</td>
                                            <td>{if row.meets_goal { "✓ yes" } else { "✗ no" }}</td>
                                            <td class="num">{usd(row.bill.total_usd)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}

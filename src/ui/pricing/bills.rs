//! Provisioned, on-demand and Firehose bills side by side: each line's quantity, rate and cost right-aligned
//! with units, its arithmetic under a disclosure, the notes that turned the workload into quantities, and
//! which of the three is cheapest.

use leptos::prelude::*;

use super::PricingState;
use crate::engine::pricing::format::{qty, usd, usd_rate};
use crate::engine::pricing::{
    estimate_firehose, estimate_streams_on_demand, estimate_streams_provisioned, Bill, PricingError,
};
use crate::viz::pricing::{firehose_workload, unit_for};

/// The three estimates for the current workload and rates, in display order, each with a short id for tests.
fn estimates(state: PricingState) -> Option<Vec<(&'static str, Result<Bill, PricingError>)>> {
    let w = state.workload.get().ok()?;
    let rates = state.effective_rates();
    Some(vec![
        ("provisioned", estimate_streams_provisioned(&w, &rates)),
        ("on-demand", estimate_streams_on_demand(&w, &rates)),
        ("firehose", estimate_firehose(&firehose_workload(&w), &rates)),
    ])
}

#[component]
pub fn Bills(state: PricingState) -> impl IntoView {
    let all = Memo::new(move |_| estimates(state));
    view! {
        <section class="panel" aria-labelledby="pricing-bills-heading">
            <h2 id="pricing-bills-heading">"Monthly bills"</h2>
            {move || match all.get() {
                None => view! {
                    <p class="api-error" role="alert" data-testid="bills-blocked">
                        "Fix the workload above to see the bills."
                    </p>
                }.into_any(),
                Some(bills) => {
                    let cheapest = bills.iter()
                        .filter_map(|(_, b)| b.as_ref().ok())
                        .min_by(|a, b| a.total_usd.total_cmp(&b.total_usd))
                        .map(|b| (b.title.clone(), b.total_usd));
                    view! {
                        <p data-testid="bills-cheapest">{cheapest.map(|(title, total)| view! {
                            "Cheapest of the three for this workload: "<strong>{title}</strong>", "
                            <strong class="num">{usd(total)}</strong>" per month. "
                            <span class="help-inline">"Firehose prices ingestion only: it has no consumers or retention of its own; its destination (S3…) bills separately."</span>
                        })}</p>
                        <div class="bills">
                            {bills.into_iter().map(|(id, bill)| bill_card(id, bill)).collect_view()}
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}

fn bill_card(id: &'static str, bill: Result<Bill, PricingError>) -> AnyView {
    match bill {
        Err(e) => view! {
            <article class="bill" data-testid=format!("bill-{id}")>
                <h3>{id}</h3>
                <p class="api-error" role="alert">{e.to_string()}</p>
            </article>
        }
        .into_any(),
        Ok(bill) => {
            let heading_id = format!("bill-{id}-heading");
            let labelled_by = heading_id.clone();
            view! {
                <article class="bill" data-testid=format!("bill-{id}") aria-labelledby=labelled_by>
                    <h3 id=heading_id>{bill.title.clone()}</h3>
                    <p class="bill-total"><span class="num" data-testid=format!("bill-{id}-total")>{usd(bill.total_usd)}</span>
                        " per month"</p>
                    <p class="help" data-testid=format!("bill-{id}-as-of")>"Rates as of "{bill.rates_as_of.clone()}</p>
                    <BillTable bill=bill.clone() id=id />
                    <details class="table-details">
                        <summary>"How the workload became these quantities"</summary>
                        <ol class="steps">{bill.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ol>
                    </details>
                </article>
            }
            .into_any()
        }
    }
}

/// A bill's lines as a table; the arithmetic of each line is one click away under its label.
#[component]
pub fn BillTable(bill: Bill, id: &'static str) -> impl IntoView {
    view! {
        <div class="scroll-x">
        <table class="bill-lines" data-testid=format!("bill-{id}-lines")>
            <caption>"Open a line for its arithmetic"</caption>
            <thead><tr>
                <th scope="col">"Line"</th>
                <th scope="col" class="num">"Quantity"</th>
                <th scope="col" class="num">"Rate"</th>
                <th scope="col" class="num">"Cost"</th>
            </tr></thead>
            <tbody>
                {bill.lines.iter().map(|l| view! {
                    <tr data-testid="bill-line" data-label=l.label.clone()>
                        <th scope="row">
                            <details class="arith">
                                <summary>{l.label.clone()}</summary>
                                <p class="mono" data-testid="bill-arithmetic">{l.arithmetic.clone()}</p>
                            </details>
                        </th>
                        <td class="num qty">{format!("{} {}", qty(l.quantity), unit_for(l.quantity, &l.unit))}</td>
                        <td class="num">{usd_rate(l.rate_usd)}<span class="help-inline per-unit">{format!("per {}", l.unit)}</span></td>
                        <td class="num" data-testid="bill-line-cost">{usd(l.cost_usd)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot><tr>
                <th scope="row" colspan="3">"Total per month"</th>
                <td class="num"><strong>{usd(bill.total_usd)}</strong></td>
            </tr></tfoot>
        </table>
        </div>
    }
}

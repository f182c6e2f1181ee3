//! Shard sizing by AWS's rule of thumb, step by step: the write, read and record-rate bounds, the largest
//! wins. Shown next to the form so a change of traffic shows its effect on the shard count at once.

use leptos::prelude::*;

use super::PricingState;
use crate::engine::pricing::size_shards;
use crate::engine::pricing::format::int;

#[component]
pub fn SizingPanel(state: PricingState) -> impl IntoView {
    let sizing = Memo::new(move |_| state.workload.get().ok().map(|w| (size_shards(&w), w.shards)));
    view! {
        <section class="panel" aria-labelledby="pricing-sizing-heading">
            <h2 id="pricing-sizing-heading">"Shard sizing"</h2>
            {move || match sizing.get() {
                None => view! { <p class="help">"Fix the workload to see the sizing."</p> }.into_any(),
                Some((s, chosen)) => {
                    let bounds = [
                        ("Write bandwidth", "1,000 KB/s per shard", s.shards_for_write_bytes),
                        ("Read bandwidth (shared-throughput consumers)", "2,000 KB/s per shard", s.shards_for_read_bytes),
                        ("Record rate", "1,000 records/s per shard", s.shards_for_records),
                    ];
                    view! {
                        <p class="bill-total"><span class="num" data-testid="sizing-shards">{int(s.shards as u128)}</span>{if s.shards == 1 { " shard" } else { " shards" }}" by the rule of thumb"</p>
                        {chosen.map(|c| view! {
                            <p class="help" data-testid="sizing-chosen">{format!("You set {} shard(s): the provisioned bill uses yours.", int(c as u128))}</p>
                        })}
                        <table>
                            <caption>"Each bound, rounded up; the largest wins"</caption>
                            <thead><tr><th scope="col">"Bound"</th><th scope="col" class="num">"Per shard"</th><th scope="col" class="num">"Shards"</th></tr></thead>
                            <tbody>
                                {bounds.into_iter().map(|(name, per, n)| view! {
                                    <tr><th scope="row">{name}</th><td class="num">{per}</td><td class="num">{format!("{} {}", int(n as u128), if n == 1 { "shard" } else { "shards" })}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <details class="table-details" data-testid="sizing-steps">
                            <summary>"The arithmetic, step by step"</summary>
                            <ol class="steps">{s.steps.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}</ol>
                        </details>
                    }.into_any()
                }
            }}
        </section>
    }
}

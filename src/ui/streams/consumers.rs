//! The consumer panel: classic polling consumers (several share a shard's 5 reads/s), enhanced fan-out
//! consumers (pushed, 2 MB/s each), and a KCL-style worker group with its lease table, checkpoints and
//! failover. Each shows its lag per shard (MillisBehindLatest and iterator age).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::sim::consumers::fan_out::{FanOutConfig, FanOutConsumer};
use crate::sim::consumers::kcl::{KclConfig, KclGroup};
use crate::sim::consumers::lag::ShardLag;
use crate::sim::consumers::polling::{PollingConfig, PollingConsumer};
use crate::sim::consumers::{Consumer, ConsumerKind};
use crate::sim::ConsumerId;
use crate::ui::format::grouped;
use crate::ui::lab::{use_lab, ApiErrorBox, ApiFailure};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NewKind {
    Polling,
    FanOut,
    Kcl,
}

#[component]
pub fn ConsumersPanel(stream: String) -> impl IntoView {
    let lab = use_lab();
    let stream = StoredValue::new(stream);
    let consumers = move || {
        lab.read_sandbox(|sb| {
            sb.consumers()
                .iter()
                .filter(|e| e.consumer.stream_name() == stream.get_value())
                .map(|e| (e.id(), e.consumer.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    view! {
        <section class="panel" aria-labelledby="consumers-heading">
            <h2 id="consumers-heading">"Consumers"</h2>
            <p class="help">"Consumers read while the clock runs. Classic consumers poll GetRecords and share each "
                "shard's 5 calls and 2 MB per second; enhanced fan-out consumers get records pushed over "
                "SubscribeToShard with their own 2 MB/s per shard; a KCL worker group spreads shards over workers "
                "with leases and checkpoints."</p>
            {move || {
                let list = consumers();
                if list.is_empty() {
                    view! { <p class="help" data-testid="no-consumers">"No consumers on this stream yet."</p> }.into_any()
                } else {
                    list.into_iter().map(|(id, c)| consumer_card(id, c)).collect_view().into_any()
                }
            }}
            <AddConsumer stream=stream.get_value() />
        </section>
    }
}

fn lag_table(lags: Vec<ShardLag>, with_owner: bool) -> impl IntoView {
    view! {
        <table class="lag" data-testid="lag-table">
            <caption>"Lag per shard"</caption>
            <thead><tr>
                <th scope="col">"Shard"</th>
                {with_owner.then(|| view! { <th scope="col">"Lease owner"</th> })}
                <th scope="col" class="num">"Records read"</th>
                <th scope="col" class="num">"MillisBehindLatest"</th>
                <th scope="col" class="num">"Iterator age (ms)"</th>
                <th scope="col" class="num">"Throttled calls"</th>
                <th scope="col">"State"</th>
            </tr></thead>
            <tbody>
                {lags.into_iter().map(|l| {
                    let state = if l.finished { "finished (shard end)" } else if l.waiting_on_parents { "waiting for parents" } else { "reading" };
                    let throttled = l.throttled;
                    view! {
                        <tr data-testid="lag-row" data-shard-id=l.shard_id.clone()>
                            <th scope="row" class="mono">{l.shard_id.clone()}</th>
                            {with_owner.then(|| view! { <td class="mono">{l.owner.clone().unwrap_or_else(|| "—".into())}</td> })}
                            <td class="num">{grouped(l.records_read)}</td>
                            <td class="num">{l.millis_behind_latest.map(grouped).unwrap_or_else(|| "—".into())}</td>
                            <td class="num">{grouped(l.iterator_age_ms)}</td>
                            <td class="num" class:alarm-text={throttled > 0}>{grouped(throttled)}</td>
                            <td>{state}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn consumer_card(id: ConsumerId, consumer: Consumer) -> impl IntoView {
    let lab = use_lab();
    let kind = consumer.kind();
    let name = consumer.name().to_string();
    let history = consumer.history().clone();
    let total = history.total_records();
    let throttled = history.total_throttled();
    let latency = history.mean_latency_ms();
    let last_error = consumer.errors().recent.back().cloned();
    let lags = consumer.lag_by_shard();
    let remove = move |_| {
        lab.with_sandbox(|sb| {
            let _ = sb.remove_consumer(id);
        });
    };
    let kcl = match &consumer {
        Consumer::Kcl(group) => Some(kcl_details(id, group)),
        _ => None,
    };
    view! {
        <article class="actor-card" data-testid="consumer-card" data-consumer=name.clone() data-kind=kind.label()>
            <header class="actor-head">
                <h3>{name.clone()}</h3>
                <span class="help">{kind.label()}</span>
                <span class="actor-actions"><button type="button" class="danger" on:click=remove>"Remove"</button></span>
            </header>
            <dl class="counters">
                <div><dt>"Records read"</dt><dd data-testid="c-read">{grouped(total)}</dd></div>
                <div class:alarm={throttled > 0}><dt>"Throttled calls"</dt><dd data-testid="c-throttled">{grouped(throttled)}</dd></div>
                <div><dt>"Mean delivery latency"</dt><dd data-testid="c-latency">{latency.map(|l| format!("{} ms", grouped(l))).unwrap_or_else(|| "—".into())}</dd></div>
            </dl>
            {last_error.map(|e| view! {
                <p class="help">"Last error: "<span class="mono">{e.operation}" → "{e.error_type}</span>": "{e.message}</p>
            })}
            {kcl}
            {lag_table(lags, kind == ConsumerKind::Kcl)}
        </article>
    }
}

fn kcl_details(id: ConsumerId, group: &KclGroup) -> impl IntoView {
    let lab = use_lab();
    let workers: Vec<(String, bool, usize, u64, u64)> = group
        .workers
        .iter()
        .map(|w| (w.id.clone(), w.alive, group.leases_held(&w.id), w.stats.records_processed, w.stats.records_reprocessed))
        .collect();
    let leases: Vec<(String, String, u64, String, String)> = group
        .lease_table()
        .into_iter()
        .map(|l| {
            (
                l.lease_key.clone(),
                l.owner.clone().unwrap_or_else(|| "—".into()),
                l.lease_counter,
                l.checkpoint.label(),
                if l.parent_shard_ids.is_empty() { "—".into() } else { l.parent_shard_ids.join(", ") },
            )
        })
        .collect();
    let with_group = move |f: Box<dyn FnOnce(&mut KclGroup)>| {
        lab.with_sandbox(|sb| {
            if let Some(entry) = sb.consumers_mut().iter_mut().find(|e| e.id() == id) {
                if let Consumer::Kcl(g) = &mut entry.consumer {
                    f(g);
                }
            }
        });
    };
    let with_group = StoredValue::new_local(with_group);
    view! {
        <div class="kcl">
            <p class="help">{format!("Reprocessed after failover: {} records (at-least-once delivery). Lease table (the KCL keeps it in DynamoDB):", grouped(group.total_reprocessed()))}</p>
            <div class="row">
                <button type="button" id="kcl-add-worker" on:click=move |_| with_group.with_value(|f| f(Box::new(|g| { g.add_worker(); })))>"Add worker"</button>
            </div>
            <table data-testid="kcl-workers">
                <caption>"Workers"</caption>
                <thead><tr><th scope="col">"Worker"</th><th scope="col">"State"</th><th scope="col" class="num">"Leases"</th>
                    <th scope="col" class="num">"Processed"</th><th scope="col" class="num">"Reprocessed"</th><th scope="col">"Action"</th></tr></thead>
                <tbody>
                    {workers.into_iter().map(|(wid, alive, leases, processed, reprocessed)| {
                        let wid2 = wid.clone();
                        view! {
                            <tr data-testid="kcl-worker" data-worker=wid.clone()>
                                <th scope="row" class="mono">{wid.clone()}</th>
                                <td>{if alive { "running" } else { "killed" }}</td>
                                <td class="num">{leases}</td>
                                <td class="num">{grouped(processed)}</td>
                                <td class="num">{grouped(reprocessed)}</td>
                                <td>{if alive {
                                    view! { <button type="button" class="danger" data-testid="kcl-kill" on:click=move |_| {
                                        let w = wid2.clone();
                                        with_group.with_value(|f| f(Box::new(move |g| { let _ = g.kill_worker(&w); })));
                                    }>"Kill"</button> }.into_any()
                                } else {
                                    view! { <button type="button" on:click=move |_| {
                                        let w = wid2.clone();
                                        with_group.with_value(|f| f(Box::new(move |g| { let _ = g.restart_worker(&w); })));
                                    }>"Restart"</button> }.into_any()
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <table data-testid="kcl-leases">
                <caption>"Lease table"</caption>
                <thead><tr><th scope="col">"leaseKey"</th><th scope="col">"leaseOwner"</th><th scope="col" class="num">"leaseCounter"</th>
                    <th scope="col">"checkpoint"</th><th scope="col">"parentShardIds"</th></tr></thead>
                <tbody>
                    {leases.into_iter().map(|(key, owner, counter, checkpoint, parents)| view! {
                        <tr data-testid="kcl-lease" data-lease=key.clone()>
                            <th scope="row" class="mono">{key.clone()}</th><td class="mono">{owner}</td><td class="num">{counter}</td>
                            <td class="mono seq">{checkpoint}</td><td class="mono">{parents}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn AddConsumer(stream: String) -> impl IntoView {
    let lab = use_lab();
    let kind = RwSignal::new(NewKind::Polling);
    let name = RwSignal::new("reader-1".to_string());
    let interval = RwSignal::new("1000".to_string());
    let limit = RwSignal::new("10000".to_string());
    let workers = RwSignal::new("2".to_string());
    let checkpoint = RwSignal::new("0".to_string());
    let error = RwSignal::new(None::<ApiFailure>);
    let stream = StoredValue::new(stream);
    let number = |label: &str, text: String| -> Result<u64, ApiFailure> {
        text.trim().parse::<u64>().map_err(|_| ApiFailure::local(format!("{label} must be a whole number, not \"{text}\".")))
    };
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let name_text = name.get_untracked().trim().to_string();
        let stream_name = stream.get_value();
        let built: Result<Consumer, ApiFailure> = (|| match kind.get_untracked() {
            NewKind::Polling => {
                let mut config = PollingConfig::new(&name_text, &stream_name);
                config.interval_ms = number("Poll interval", interval.get_untracked())?;
                config.limit = number("Limit", limit.get_untracked())?.min(u32::MAX as u64) as u32;
                PollingConsumer::new(config).map(Consumer::Polling).map_err(|e| ApiFailure::local(e.to_string()))
            }
            NewKind::FanOut => FanOutConsumer::new(FanOutConfig::new(&name_text, &stream_name))
                .map(Consumer::FanOut)
                .map_err(|e| ApiFailure::local(e.to_string())),
            NewKind::Kcl => {
                let mut config = KclConfig::new(&name_text, &stream_name);
                config.checkpoint_interval_ms = number("Checkpoint interval", checkpoint.get_untracked())?;
                let n = number("Workers", workers.get_untracked())?.min(64) as usize;
                KclGroup::new(config, n).map(Consumer::Kcl).map_err(|e| ApiFailure::local(e.to_string()))
            }
        })();
        match built {
            Ok(c) => {
                lab.with_sandbox(|sb| sb.add_consumer(c));
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <details class="add-actor" open>
            <summary>"Add a consumer"</summary>
            <form on:submit=add class="actor-form">
                <fieldset class="field">
                    <legend>"Kind"</legend>
                    {[(NewKind::Polling, "Classic polling (GetRecords)"), (NewKind::FanOut, "Enhanced fan-out (SubscribeToShard)"), (NewKind::Kcl, "KCL worker group")]
                        .into_iter().map(|(k, label)| view! {
                            <label class="inline"><input type="radio" name="consumer-kind" prop:checked=move || kind.get() == k
                                on:change=move |_| kind.set(k) />" "{label}</label>
                        }).collect_view()}
                </fieldset>
                <div class="row">
                    <div class="field"><label for="consumer-name">{move || if kind.get() == NewKind::Kcl { "Application name" } else { "Consumer name" }}</label>
                        <input id="consumer-name" type="text" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) /></div>
                    {move || (kind.get() == NewKind::Polling).then(|| view! {
                        <div class="field narrow"><label for="poll-interval">"Poll every (ms)"</label>
                            <input id="poll-interval" type="number" min="200" step="100" prop:value=interval on:input=move |ev| interval.set(event_target_value(&ev)) /></div>
                        <div class="field narrow"><label for="poll-limit">"Limit (records per call)"</label>
                            <input id="poll-limit" type="number" min="1" max="10000" prop:value=limit on:input=move |ev| limit.set(event_target_value(&ev)) /></div>
                    })}
                    {move || (kind.get() == NewKind::Kcl).then(|| view! {
                        <div class="field narrow"><label for="kcl-workers">"Workers"</label>
                            <input id="kcl-workers" type="number" min="1" max="64" prop:value=workers on:input=move |ev| workers.set(event_target_value(&ev)) /></div>
                        <div class="field narrow"><label for="kcl-checkpoint">"Checkpoint every (ms; 0 = each batch)"</label>
                            <input id="kcl-checkpoint" type="number" min="0" step="1000" prop:value=checkpoint on:input=move |ev| checkpoint.set(event_target_value(&ev)) /></div>
                    })}
                </div>
                <button id="add-consumer" type="submit" class="primary">"Start consumer"</button>
                <ApiErrorBox error=error testid="consumer-error" />
            </form>
        </details>
    }
}

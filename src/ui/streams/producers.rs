//! The producer panel: simulated producers that write through PutRecord/PutRecords while the clock runs,
//! from a record template (KDG style), at a rate, with a partition-key strategy, batching and optional KPL
//! aggregation. Their counts of accepted, throttled and failed records are always on show.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::sim::keys::KeyStrategy;
use crate::sim::producer::{Aggregation, Batching, ProducerConfig};
use crate::sim::ProducerId;
use crate::ui::format::grouped;
use crate::ui::lab::{use_lab, ApiErrorBox, ApiFailure};

/// Templates offered as starting points (the learner can edit any of them).
const PRESETS: [(&str, &str); 3] = [
    (
        "IoT sensor (JSON)",
        r#"{"sensorId": {{random.number(50)}}, "temperature": {{random.float(10,40,1)}}, "status": "{{random.arrayElement(["OK","WARN","FAIL"])}}", "time": "{{date.now}}"}"#,
    ),
    (
        "Clickstream (JSON)",
        r#"{"user": "{{random.uuid}}", "page": "{{random.arrayElement(["/","/cart","/checkout","/search"])}}", "seq": {{sequence}}, "ts": {{date.epoch}}}"#,
    ),
    ("Log line (text)", r#"{{date.now}} {{random.arrayElement(["INFO","WARN","ERROR"])}} request {{sequence(1000)}} took {{random.number(5,900)}} ms"#),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Random,
    Uniform,
    HotKey,
    Explicit,
}

#[component]
pub fn ProducersPanel(stream: String) -> impl IntoView {
    let lab = use_lab();
    let stream_name = StoredValue::new(stream);
    let producers = move || {
        lab.read_sandbox(|sb| {
            sb.producers()
                .iter()
                .filter(|e| e.producer.config().stream_name == stream_name.get_value())
                .map(|e| (e.id(), e.producer.config().clone(), e.producer.stats().clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    };
    view! {
        <section class="panel" aria-labelledby="producers-heading">
            <h2 id="producers-heading">"Producers"</h2>
            <p class="help">"A producer writes while the simulated clock runs: press "<kbd>"Space"</kbd>" or ▶ Play. "
                "Each shard takes at most 1,000 records or 1 MiB per second; anything beyond is refused with "
                "ProvisionedThroughputExceededException and counted below as throttled."</p>
            {move || {
                let list = producers();
                if list.is_empty() {
                    view! { <p class="help" data-testid="no-producers">"No producers on this stream yet."</p> }.into_any()
                } else {
                    list.into_iter().map(|(id, config, stats)| producer_card(id, config, stats)).collect_view().into_any()
                }
            }}
            <AddProducer stream=stream_name.get_value() />
        </section>
    }
}

fn producer_card(id: ProducerId, config: ProducerConfig, stats: crate::sim::producer::ProducerStats) -> impl IntoView {
    let lab = use_lab();
    // The newest *complete* second: the current one is still filling up.
    let now_second = lab.now_ms.get_untracked() / 1_000;
    let last = stats.history.iter().rev().find(|s| s.second < now_second).cloned().unwrap_or_default();
    let enabled = config.enabled;
    let keys = match &config.keys {
        KeyStrategy::Random => "random keys".to_string(),
        KeyStrategy::Uniform { keys } => format!("{keys} uniform keys"),
        KeyStrategy::HotKey { keys, hot_percent } => format!("{keys} keys, one hot at {hot_percent}%"),
        KeyStrategy::ExplicitHashKey { hash_key } => format!("ExplicitHashKey {hash_key}"),
        KeyStrategy::Template { template } => format!("keys from {template}"),
    };
    let batching = match &config.batching {
        Batching::PutRecord => "PutRecord".to_string(),
        Batching::PutRecords { max_records } => format!("PutRecords ≤ {max_records}"),
    };
    let aggregation = match &config.aggregation {
        Aggregation::Off => String::new(),
        Aggregation::Kpl { max_bytes } => format!(" · KPL aggregation ≤ {} bytes", grouped(*max_bytes as u64)),
    };
    let throttled_now = last.throttled > 0;
    let any_throttled = stats.records_throttled > 0;
    let any_failed = stats.records_failed > 0;
    let shards = stats.accepted_by_shard.iter().map(|(s, n)| format!("{}: {}", s.trim_start_matches("shardId-"), grouped(*n))).collect::<Vec<_>>().join(" · ");
    let last_error = stats.last_error.clone();
    view! {
        <article class="actor-card" data-testid="producer-card" data-producer=config.name.clone()>
            <header class="actor-head">
                <h3>{config.name.clone()}</h3>
                <span class="help">{format!("{} records/s · {keys} · {batching}{aggregation}", config.rate_records_per_sec)}</span>
                <span class="actor-actions">
                    <button type="button" aria-pressed=(!enabled).to_string() on:click=move |_| {
                        lab.with_sandbox(|sb| { let _ = sb.set_producer_enabled(id, !enabled); });
                    }>{if enabled { "Pause" } else { "Resume" }}</button>
                    <button type="button" class="danger" on:click=move |_| { lab.with_sandbox(|sb| { let _ = sb.remove_producer(id); }); }>"Remove"</button>
                </span>
            </header>
            <dl class="counters">
                <div><dt>"Generated"</dt><dd data-testid="p-generated">{grouped(stats.user_records_generated)}</dd></div>
                <div><dt>"Accepted"</dt><dd data-testid="p-accepted">{grouped(stats.records_accepted)}</dd></div>
                <div class:alarm=any_throttled><dt>"Throttled"</dt><dd data-testid="p-throttled">{grouped(stats.records_throttled)}</dd></div>
                <div class:alarm=any_failed><dt>"Failed"</dt><dd data-testid="p-failed">{grouped(stats.records_failed)}</dd></div>
                <div class="counter-wide"><dt>"Last full second"</dt><dd data-testid="p-last-second">{format!("{} accepted, {} throttled", grouped(last.accepted), grouped(last.throttled))}</dd></div>
            </dl>
            {throttled_now.then(|| view! {
                <p class="throttle-banner" role="status" data-testid="p-throttling">
                    "Throttling now: shards are refusing records (ProvisionedThroughputExceededException). "
                    "Split the hot shard, add shards, or spread the keys."
                </p>
            })}
            {(!shards.is_empty()).then(|| view! { <p class="help">"Accepted per shard: "<span class="mono">{shards}</span></p> })}
            {last_error.map(|e| view! {
                <p class="help">"Last error: "<span class="mono">{e.error_type}</span>": "{e.message}</p>
            })}
        </article>
    }
}

#[component]
fn AddProducer(stream: String) -> impl IntoView {
    let lab = use_lab();
    let defaults = ProducerConfig::default();
    let name = RwSignal::new("producer-1".to_string());
    let template = RwSignal::new(defaults.template.clone());
    let rate = RwSignal::new("100".to_string());
    let key_kind = RwSignal::new(KeyKind::Random);
    let key_count = RwSignal::new("10".to_string());
    let hot_percent = RwSignal::new("90".to_string());
    let hash_key = RwSignal::new("0".to_string());
    let use_put_records = RwSignal::new(true);
    let batch = RwSignal::new("500".to_string());
    let aggregate = RwSignal::new(false);
    let retry = RwSignal::new(false);
    let seed = RwSignal::new("1".to_string());
    let fixed_bytes = RwSignal::new("900".to_string());
    let error = RwSignal::new(None::<ApiFailure>);
    let stream = StoredValue::new(stream);

    // A template of exactly N plain bytes: shard math is about record sizes (lab steps ask for them).
    let use_fixed_size = move |_| match fixed_bytes.get_untracked().trim().parse::<usize>() {
        // 1 MiB: the largest record a default stream accepts (FACTS.md §1).
        Ok(n) if (1..=1_048_576).contains(&n) => {
            error.set(None);
            template.set("x".repeat(n));
        }
        _ => error.set(Some(ApiFailure::local("Record size must be a whole number of bytes from 1 to 1,048,576."))),
    };
    let hot_key_preset = move |_| {
        name.set("hot-key".into());
        rate.set("3000".into());
        key_kind.set(KeyKind::HotKey);
        key_count.set("10".into());
        hot_percent.set("100".into());
    };

    let parse = |label: &str, text: String| -> Result<f64, ApiFailure> {
        text.trim().parse::<f64>().map_err(|_| ApiFailure::local(format!("{label} must be a number, not \"{text}\".")))
    };
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let build = || -> Result<ProducerConfig, ApiFailure> {
            let keys = match key_kind.get_untracked() {
                KeyKind::Random => KeyStrategy::Random,
                KeyKind::Uniform => KeyStrategy::Uniform { keys: parse("Key count", key_count.get_untracked())? as u32 },
                KeyKind::HotKey => KeyStrategy::HotKey {
                    keys: parse("Key count", key_count.get_untracked())? as u32,
                    hot_percent: parse("Hot-key share", hot_percent.get_untracked())?.clamp(0.0, 255.0) as u8,
                },
                KeyKind::Explicit => KeyStrategy::ExplicitHashKey { hash_key: hash_key.get_untracked().trim().to_string() },
            };
            Ok(ProducerConfig {
                name: name.get_untracked().trim().to_string(),
                stream_name: stream.get_value(),
                template: template.get_untracked(),
                rate_records_per_sec: parse("Rate", rate.get_untracked())?,
                keys,
                batching: if use_put_records.get_untracked() {
                    Batching::PutRecords { max_records: parse("Batch size", batch.get_untracked())?.clamp(0.0, 1e6) as u32 }
                } else {
                    Batching::PutRecord
                },
                aggregation: if aggregate.get_untracked() {
                    Aggregation::Kpl { max_bytes: crate::sim::producer::KPL_AGGREGATION_MAX_BYTES_DEFAULT }
                } else {
                    Aggregation::Off
                },
                retry_throttled: retry.get_untracked(),
                seed: parse("Seed", seed.get_untracked())?.max(0.0) as u64,
                enabled: true,
                ..ProducerConfig::default()
            })
        };
        match build() {
            Ok(config) => {
                let result = lab.with_sandbox(|sb| sb.add_producer(config));
                if let Some(Err(e)) = result {
                    error.set(Some(ApiFailure::local(e.to_string())));
                }
            }
            Err(e) => error.set(Some(e)),
        }
    };

    view! {
        <details class="add-actor" open>
            <summary>"Add a producer"</summary>
            <p class="row">
                <button type="button" id="preset-hot-key" on:click=hot_key_preset
                    title="3,000 records/s, every record with the same partition key">"Preset: one hot key at 3,000 records/s"</button>
            </p>
            <form on:submit=add class="actor-form">
                <div class="row">
                    <div class="field"><label for="producer-name">"Name"</label>
                        <input id="producer-name" type="text" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) /></div>
                    <div class="field narrow"><label for="producer-rate">"Records per second"</label>
                        <input id="producer-rate" type="number" min="0" step="any" prop:value=rate on:input=move |ev| rate.set(event_target_value(&ev)) /></div>
                    <div class="field narrow"><label for="producer-seed">"Seed"</label>
                        <input id="producer-seed" type="number" min="0" step="1" prop:value=seed on:input=move |ev| seed.set(event_target_value(&ev)) /></div>
                </div>
                <div class="field">
                    <label for="producer-template">"Record template"</label>
                    <textarea id="producer-template" rows="3" spellcheck="false" aria-describedby="template-help"
                        prop:value=template on:input=move |ev| template.set(event_target_value(&ev))></textarea>
                    <p id="template-help" class="help">
                        "Placeholders: "<code>"{{random.number(max)}}"</code>", "<code>"{{random.number(min,max)}}"</code>", "
                        <code>"{{random.float(min,max,decimals)}}"</code>", "<code>"{{random.arrayElement([\"a\",\"b\"])}}"</code>", "
                        <code>"{{random.uuid}}"</code>", "<code>"{{random.boolean}}"</code>", "<code>"{{sequence}}"</code>", "
                        <code>"{{date.now}}"</code>", "<code>"{{date.epoch}}"</code>", "<code>"{{name.firstName}}"</code>"."
                    </p>
                    <div class="row">
                        <div class="field narrow"><label for="fixed-record-bytes">"Record size (bytes)"</label>
                            <input id="fixed-record-bytes" type="number" min="1" max="1048576" step="1"
                                prop:value=fixed_bytes on:input=move |ev| fixed_bytes.set(event_target_value(&ev)) /></div>
                        <button type="button" id="use-fixed-size" class="quiet"
                            title="Replaces the template with plain text of exactly this many bytes (sizes are what shard math is about)"
                            on:click=use_fixed_size>"Use fixed-size records"</button>
                        {PRESETS.iter().map(|(label, text)| {
                            let text = text.to_string();
                            view! { <button type="button" class="quiet" on:click=move |_| template.set(text.clone())>{*label}</button> }
                        }).collect_view()}
                    </div>
                </div>
                <fieldset class="field">
                    <legend>"Partition keys"</legend>
                    {[(KeyKind::Random, "Random (new key per record)"), (KeyKind::Uniform, "N uniform keys"), (KeyKind::HotKey, "One hot key"), (KeyKind::Explicit, "Explicit hash key")]
                        .into_iter().map(|(k, label)| view! {
                            <label class="inline"><input type="radio" name="key-kind" prop:checked=move || key_kind.get() == k
                                on:change=move |_| key_kind.set(k) />" "{label}</label>
                        }).collect_view()}
                    <div class="row">
                        {move || matches!(key_kind.get(), KeyKind::Uniform | KeyKind::HotKey).then(|| view! {
                            <div class="field narrow"><label for="key-count">"Keys (N)"</label>
                                <input id="key-count" type="number" min="1" step="1" prop:value=key_count on:input=move |ev| key_count.set(event_target_value(&ev)) /></div>
                        })}
                        {move || (key_kind.get() == KeyKind::HotKey).then(|| view! {
                            <div class="field narrow"><label for="hot-percent">"Hot-key share (%)"</label>
                                <input id="hot-percent" type="number" min="0" max="100" step="1" prop:value=hot_percent on:input=move |ev| hot_percent.set(event_target_value(&ev)) /></div>
                        })}
                        {move || (key_kind.get() == KeyKind::Explicit).then(|| view! {
                            <div class="field"><label for="explicit-hash-key">"ExplicitHashKey (0 … 2^128 − 1)"</label>
                                <input id="explicit-hash-key" class="mono" type="text" inputmode="numeric" prop:value=hash_key on:input=move |ev| hash_key.set(event_target_value(&ev)) /></div>
                        })}
                    </div>
                </fieldset>
                <fieldset class="field">
                    <legend>"Writing"</legend>
                    <label class="inline"><input type="radio" name="batching" prop:checked=move || !use_put_records.get() on:change=move |_| use_put_records.set(false) />" PutRecord (one call per record)"</label>
                    <label class="inline"><input type="radio" name="batching" prop:checked=move || use_put_records.get() on:change=move |_| use_put_records.set(true) />" PutRecords batches"</label>
                    {move || use_put_records.get().then(|| view! {
                        <div class="field narrow"><label for="batch-size">"Records per call (≤ 500)"</label>
                            <input id="batch-size" type="number" min="1" max="500" step="1" prop:value=batch on:input=move |ev| batch.set(event_target_value(&ev)) /></div>
                    })}
                    <label class="inline"><input type="checkbox" id="kpl-aggregation" prop:checked=aggregate on:change=move |ev| aggregate.set(event_target_checked(&ev)) />" KPL aggregation (many user records per Kinesis record)"</label>
                    <label class="inline"><input type="checkbox" id="retry-throttled" prop:checked=retry on:change=move |ev| retry.set(event_target_checked(&ev)) />" Retry throttled records"</label>
                </fieldset>
                <button id="add-producer" type="submit" class="primary">"Start producer"</button>
                <ApiErrorBox error=error testid="producer-error" />
            </form>
        </details>
    }
}

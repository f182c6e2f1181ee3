//! The workload form: traffic, record size, consumers, retention, shards; each input labelled, with its
//! unit beside it and its error inline (the bills recompute as you type).

use leptos::prelude::*;

use super::PricingState;
use crate::engine::pricing::units::HOURS_PER_MONTH;
use crate::viz::pricing::{WorkloadField, WorkloadText};

/// One input: id, label, unit, help, the field it edits, how to read and write it in the form.
#[derive(Clone, Copy)]
struct Input {
    id: &'static str,
    label: &'static str,
    unit: &'static str,
    help: &'static str,
    field: WorkloadField,
    get: fn(&WorkloadText) -> String,
    set: fn(&mut WorkloadText, String),
}

const INPUTS: [Input; 7] = [
    Input {
        id: "pricing-records",
        label: "Records per second",
        unit: "records/s",
        help: "All producers together, steady all month.",
        field: WorkloadField::RecordsPerSec,
        get: |t| t.records_per_sec.clone(),
        set: |t, v| t.records_per_sec = v,
    },
    Input {
        id: "pricing-bytes",
        label: "Bytes per record",
        unit: "bytes",
        help: "Average size: data blob plus partition key.",
        field: WorkloadField::AvgRecordBytes,
        get: |t| t.avg_record_bytes.clone(),
        set: |t, v| t.avg_record_bytes = v,
    },
    Input {
        id: "pricing-classic",
        label: "Shared-throughput consumers",
        unit: "consumers",
        help: "Classic GetRecords readers: they share each shard's 2 MB/s.",
        field: WorkloadField::ConsumersClassic,
        get: |t| t.consumers_classic.clone(),
        set: |t, v| t.consumers_classic = v,
    },
    Input {
        id: "pricing-efo",
        label: "Enhanced fan-out consumers",
        unit: "consumers",
        help: "Each gets its own 2 MB/s per shard; at most 20 per stream.",
        field: WorkloadField::ConsumersEfo,
        get: |t| t.consumers_efo.clone(),
        set: |t, v| t.consumers_efo = v,
    },
    Input {
        id: "pricing-retention",
        label: "Retention",
        unit: "hours",
        help: "24 h is included; up to 168 h is extended; beyond is long-term (max 8,760 h).",
        field: WorkloadField::RetentionHours,
        get: |t| t.retention_hours.clone(),
        set: |t, v| t.retention_hours = v,
    },
    Input {
        id: "pricing-shards",
        label: "Shards (provisioned)",
        unit: "shards",
        help: "Leave empty to size by the rule of thumb.",
        field: WorkloadField::Shards,
        get: |t| t.shards.clone(),
        set: |t, v| t.shards = v,
    },
    Input {
        id: "pricing-long-term-read",
        label: "Long-term reads",
        unit: "GB/month",
        help: "Replays of data older than 7 days (needs retention above 168 h).",
        field: WorkloadField::LongTermReadGb,
        get: |t| t.long_term_read_gb_per_month.clone(),
        set: |t, v| t.long_term_read_gb_per_month = v,
    },
];

#[component]
pub fn WorkloadForm(state: PricingState) -> impl IntoView {
    let error_for = move |field: WorkloadField| {
        state.workload.with(|w| match w {
            Err(errors) => errors.iter().find(|(f, _)| *f == field).map(|(_, e)| e.clone()),
            Ok(_) => None,
        })
    };
    view! {
        <section class="panel" aria-labelledby="pricing-workload-heading">
            <h2 id="pricing-workload-heading">"Workload"</h2>
            <form class="pricing-form" on:submit=|ev| ev.prevent_default()>
                {INPUTS.iter().map(|input| {
                    let Input { id, label, unit, help, field, get, set } = *input;
                    let error_id = format!("{id}-error");
                    let help_id = format!("{id}-help");
                    let described = format!("{help_id} {error_id}");
                    view! {
                        <div class="field pricing-field">
                            <label for=id>{label}</label>
                            <span class="with-unit">
                                <input id=id type="text" inputmode="numeric" class="num" autocomplete="off"
                                    data-testid=id aria-describedby=described
                                    aria-invalid=move || error_for(field).is_some().to_string()
                                    prop:value=move || state.form.with(get)
                                    on:input=move |ev| { let v = event_target_value(&ev); state.form.update(|t| set(t, v)); } />
                                <span class="unit">{unit}</span>
                            </span>
                            <p id=help_id class="help">{help}</p>
                            <p id=error_id class="field-error" data-testid=format!("{id}-error") aria-live="polite">
                                {move || error_for(field)}
                            </p>
                        </div>
                    }
                }).collect_view()}
                <div class="field pricing-field">
                    <span class="label-like" id="pricing-month-label">"Hours per month"</span>
                    <span class="with-unit"><output class="num" aria-labelledby="pricing-month-label"
                        data-testid="pricing-hours">{HOURS_PER_MONTH}</output><span class="unit">"hours"</span></span>
                    <p class="help">"Fixed: AWS prices a month as 730 hours (365 days × 24 h ÷ 12)."</p>
                </div>
            </form>
        </section>
    }
}

//! Steps 3 and 4: put a record (PutRecord) and read its shard back from the oldest record
//! (GetShardIterator with TRIM_HORIZON, then GetRecords).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::{json, Value};

use crate::engine::streams::hash::partition_key_hash_key;
use crate::ui::format::{decode_record_data, grouped, to_base64, utc_epoch_seconds};
use crate::ui::lab::{use_lab, ApiErrorBox, ApiFailure, PutView};

#[component]
pub fn PutRecordPanel() -> impl IntoView {
    let lab = use_lab();
    let data = RwSignal::new("hello, kinesis".to_string());
    let error = RwSignal::new(None::<ApiFailure>);

    let put = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(stream_name) = lab.with_stream_untracked(|s| s.as_ref().map(|s| s.name.clone())) else {
            error.set(Some(ApiFailure::local("Create a stream first (step 1).")));
            return;
        };
        let key = lab.partition_key.get_untracked();
        let predicted = lab.with_stream_untracked(|s| {
            s.as_ref().and_then(|s| s.shard_for(partition_key_hash_key(&key)).map(|sh| sh.shard_id.clone()))
        });
        let request = json!({
            "StreamName": stream_name,
            "PartitionKey": key,
            "Data": to_base64(data.get_untracked().as_bytes()),
        });
        match lab.call("PutRecord", request) {
            Ok(reply) => lab.last_put.set(Some(PutView {
                shard_id: reply["ShardId"].as_str().unwrap_or_default().to_string(),
                sequence_number: reply["SequenceNumber"].as_str().unwrap_or_default().to_string(),
                predicted_shard_id: predicted,
            })),
            Err(e) => error.set(Some(e)),
        }
    };

    let result = move || {
        lab.last_put.get().map(|p| {
            let agreement = match &p.predicted_shard_id {
                Some(predicted) if *predicted == p.shard_id => {
                    "✓ the shard the explainer predicted for this key".to_string()
                }
                Some(predicted) => format!("✗ the explainer predicted {predicted}"),
                None => String::new(),
            };
            view! {
                <dl class="explain" data-testid="put-result" aria-live="polite">
                    <div>
                        <dt>"ShardId"</dt>
                        <dd>
                            <span class="mono" data-testid="put-shard-id">{p.shard_id.clone()}</span>
                            " "
                            <span class="agreement">{agreement}</span>
                        </dd>
                    </div>
                    <div>
                        <dt>"SequenceNumber"</dt>
                        <dd class="mono" data-testid="put-sequence-number">{p.sequence_number.clone()}</dd>
                    </div>
                </dl>
            }
        })
    };

    view! {
        <section class="panel" aria-labelledby="step-put">
            <h2 id="step-put"><span class="step">"3"</span>" Put a record"</h2>
            <form on:submit=put>
                <div class="field">
                    <label for="record-data">"Data (sent as UTF-8, base64 on the wire)"</label>
                    <textarea
                        id="record-data"
                        rows="2"
                        spellcheck="false"
                        prop:value=data
                        on:input=move |ev| data.set(event_target_value(&ev))
                    ></textarea>
                </div>
                <p class="help">
                    "Uses the partition key from step 2: "
                    <span class="mono">{move || lab.partition_key.get()}</span>
                </p>
                <button id="put-record" type="submit" class="primary">"Put record"</button>
            </form>
            <ApiErrorBox error=error testid="put-error" />
            {result}
        </section>
    }
}

/// One record as GetRecords returned it.
#[derive(Debug, Clone, PartialEq)]
struct RecordView {
    sequence_number: String,
    partition_key: String,
    data: String,
    arrival: String,
}

#[derive(Debug, Clone, PartialEq)]
struct ReadView {
    shard_id: String,
    records: Vec<RecordView>,
    millis_behind_latest: Option<u64>,
}

#[component]
pub fn ReadRecordsPanel() -> impl IntoView {
    let lab = use_lab();
    // The learner's explicit choice of shard, if any; otherwise the shard of the last put, then the first.
    let chosen = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiFailure>);
    let read = RwSignal::new(None::<ReadView>);

    let shard_ids = Memo::new(move |_| {
        lab.with_stream(|s| s.as_ref().map(|s| s.shards.iter().map(|sh| sh.shard_id.clone()).collect::<Vec<_>>()))
            .unwrap_or_default()
    });
    let selected = Memo::new(move |_| {
        let ids = shard_ids.get();
        let pick = |id: Option<String>| id.filter(|id| ids.contains(id));
        pick(chosen.get())
            .or_else(|| pick(lab.last_put.with(|p| p.as_ref().map(|p| p.shard_id.clone()))))
            .or_else(|| ids.first().cloned())
    });
    // A new put points the reader at that record's shard.
    Effect::new(move |_| {
        if lab.last_put.get().is_some() {
            chosen.set(None);
        }
    });

    let do_read = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(stream_name) = lab.with_stream_untracked(|s| s.as_ref().map(|s| s.name.clone())) else {
            error.set(Some(ApiFailure::local("Create a stream first (step 1).")));
            return;
        };
        let Some(shard_id) = selected.get_untracked() else {
            error.set(Some(ApiFailure::local("The stream has no shard to read.")));
            return;
        };
        let iterator = match lab.call(
            "GetShardIterator",
            json!({ "StreamName": stream_name, "ShardId": shard_id, "ShardIteratorType": "TRIM_HORIZON" }),
        ) {
            Ok(reply) => reply["ShardIterator"].as_str().unwrap_or_default().to_string(),
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        match lab.call("GetRecords", json!({ "ShardIterator": iterator })) {
            Ok(reply) => read.set(Some(ReadView {
                shard_id,
                records: reply["Records"].as_array().map(|a| a.iter().map(record_view).collect()).unwrap_or_default(),
                millis_behind_latest: reply["MillisBehindLatest"].as_u64(),
            })),
            Err(e) => error.set(Some(e)),
        }
    };

    let results = move || {
        read.get().map(|r| {
            let count = r.records.len();
            let behind = r
                .millis_behind_latest
                .map(|ms| format!(", MillisBehindLatest {} ms", grouped(ms)))
                .unwrap_or_default();
            let summary = format!(
                "{count} record{} from {} (oldest first){behind}",
                if count == 1 { "" } else { "s" },
                r.shard_id
            );
            view! {
                <p class="note" data-testid="read-summary" aria-live="polite">{summary}</p>
                <table class="records" data-testid="records-table">
                    <caption>"Records (GetRecords, data decoded from base64)"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Data"</th>
                            <th scope="col">"Partition key"</th>
                            <th scope="col" class="num">"Sequence number"</th>
                            <th scope="col">"Arrived (simulated)"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {r.records
                            .into_iter()
                            .map(|rec| view! {
                                <tr data-testid="record-row">
                                    <td data-testid="record-data">{rec.data}</td>
                                    <td class="mono" data-testid="record-partition-key">{rec.partition_key}</td>
                                    <td class="num mono" data-testid="record-sequence-number">{rec.sequence_number}</td>
                                    <td class="mono">{rec.arrival}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
        })
    };

    view! {
        <section class="panel" aria-labelledby="step-read">
            <h2 id="step-read"><span class="step">"4"</span>" Read it back"</h2>
            <form class="row" on:submit=do_read>
                <div class="field">
                    <label for="read-shard">"Shard"</label>
                    <select id="read-shard" disabled=move || shard_ids.with(Vec::is_empty) on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
                        {move || {
                            shard_ids
                                .get()
                                .into_iter()
                                .map(|id| {
                                    let is_selected = selected.get().as_deref() == Some(id.as_str());
                                    view! { <option value=id.clone() prop:selected=is_selected>{id.clone()}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
                <button id="read-records" type="submit" class="primary">"Read from TRIM_HORIZON"</button>
            </form>
            <p class="help">
                "GetShardIterator with TRIM_HORIZON starts at the oldest record still kept; GetRecords then "
                "returns up to 10,000 records or 10 MiB per call."
            </p>
            <ApiErrorBox error=error testid="read-error" />
            {results}
        </section>
    }
}

fn record_view(record: &Value) -> RecordView {
    RecordView {
        sequence_number: record["SequenceNumber"].as_str().unwrap_or_default().to_string(),
        partition_key: record["PartitionKey"].as_str().unwrap_or_default().to_string(),
        data: decode_record_data(record["Data"].as_str().unwrap_or_default()),
        arrival: record["ApproximateArrivalTimestamp"].as_f64().map(utc_epoch_seconds).unwrap_or_default(),
    }
}

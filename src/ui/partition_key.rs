//! Step 2: the partition-key explainer. Kinesis routes a record by MD5 of its partition key, read as a
//! 128-bit unsigned integer, to the open shard whose hash-key range contains it (FACTS.md §1). The page
//! computes the hash with the engine's own function, so it cannot disagree with where PutRecord sends it.

use leptos::prelude::*;

use crate::engine::streams::hash::{partition_key_hash_key, partition_key_md5_hex};
use crate::ui::lab::use_lab;

/// AWS's limit on a partition key: 1 to 256 Unicode characters.
pub const PARTITION_KEY_MAX_CHARS: usize = 256;

#[component]
pub fn PartitionKeyPanel() -> impl IntoView {
    let lab = use_lab();
    let key = lab.partition_key;
    let md5_hex = Memo::new(move |_| partition_key_md5_hex(&key.get()));
    let hash_key = Memo::new(move |_| partition_key_hash_key(&key.get()));
    let key_problem = move || {
        let n = key.with(|k| k.chars().count());
        if n == 0 {
            Some("A partition key needs at least 1 character; PutRecord would reject an empty one.".to_string())
        } else if n > PARTITION_KEY_MAX_CHARS {
            Some(format!(
                "This key has {n} characters; AWS allows at most {PARTITION_KEY_MAX_CHARS}, so PutRecord would reject it."
            ))
        } else {
            None
        }
    };
    // (text, is a shard id): ids are shown in the monospace face, explanations in the body face.
    let shard_text = move || {
        let hk = hash_key.get();
        lab.with_stream(|s| match s {
            None => ("Create a stream first: its shards' ranges decide where this key goes.".to_string(), false),
            Some(s) => match s.shard_for(hk) {
                Some(shard) => (shard.shard_id.clone(), true),
                None => (format!("No open shard of {} covers this hash key.", s.name), false),
            },
        })
    };
    let shard_range = move || {
        let hk = hash_key.get();
        lab.with_stream(|s| {
            s.as_ref().and_then(|s| s.shard_for(hk)).map(|shard| {
                view! {
                    <p class="range-proof">
                        "because "
                        <span class="mono" data-testid="key-shard-start">{shard.start_text.clone()}</span>
                        " ≤ hash key ≤ "
                        <span class="mono" data-testid="key-shard-end">{shard.end_text.clone()}</span>
                    </p>
                }
            })
        })
    };

    view! {
        <section class="panel" aria-labelledby="step-key">
            <h2 id="step-key"><span class="step">"2"</span>" Route a partition key"</h2>
            <div class="field">
                <label for="partition-key">"Partition key"</label>
                <input
                    id="partition-key"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby="partition-key-help"
                    prop:value=key
                    on:input=move |ev| key.set(event_target_value(&ev))
                />
                <p id="partition-key-help" class="help">
                    "Kinesis takes the MD5 of the key's UTF-8 bytes, reads the 16 bytes as one unsigned 128-bit "
                    "number (big-endian), and sends the record to the shard whose hash-key range contains it."
                </p>
            </div>
            {move || key_problem().map(|p| view! { <p class="warning" role="status">{p}</p> })}
            <dl class="explain" aria-live="polite">
                <div>
                    <dt>"MD5 (hex)"</dt>
                    <dd class="mono" data-testid="md5-hex">{move || md5_hex.get()}</dd>
                </div>
                <div>
                    <dt>"Hash key (decimal)"</dt>
                    <dd class="mono" data-testid="hash-key-decimal">{move || hash_key.get().to_string()}</dd>
                </div>
                <div>
                    <dt>"Shard"</dt>
                    <dd>
                        <span class:mono=move || shard_text().1 data-testid="key-shard">{move || shard_text().0}</span>
                        {shard_range}
                    </dd>
                </div>
            </dl>
        </section>
    }
}

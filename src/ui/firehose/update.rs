//! UpdateDestination: change the buffering hints, prefixes, compression and delimiter of the Extended S3
//! destination. The request carries the current VersionId and DestinationId, as AWS requires; the version
//! goes up by one, and what was buffered is written first under the old settings.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use serde_json::json;

use super::designer::{delimiter_processing, whole_number, BufferingFields, CompressionField, PrefixPreview};
use super::stream_info;
use crate::engine::firehose::compress::CompressionFormat;
use crate::ui::lab::{use_lab, ApiErrorBox, ApiFailure};

#[component]
pub fn UpdateDestinationForm(stream: String) -> impl IntoView {
    let lab = use_lab();
    let start = untrack(|| stream_info(lab, &stream));
    let stream = StoredValue::new(stream);
    let field = |f: fn(&crate::viz::firehose_info::StreamInfo) -> String| RwSignal::new(start.as_ref().map(f).unwrap_or_default());
    let size = field(|s| s.size_mib.to_string());
    let interval = field(|s| s.interval_s.to_string());
    let prefix = field(|s| s.prefix.clone());
    let error_prefix = field(|s| s.error_output_prefix.clone());
    let compression = RwSignal::new(
        start.as_ref().and_then(|s| CompressionFormat::from_wire(&s.compression)).unwrap_or_default(),
    );
    let delimiter = RwSignal::new(start.as_ref().is_some_and(|s| s.appends_delimiter));
    let error = RwSignal::new(None::<ApiFailure>);
    let done = RwSignal::new(None::<String>);
    let version = move || stream_info(lab, &stream.get_value()).map(|s| s.version_id).unwrap_or_default();
    let next_version = Signal::derive(move || version().parse::<u64>().unwrap_or(0) + 1);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        done.set(None);
        let Some(info) = untrack(|| stream_info(lab, &stream.get_value())) else {
            return error.set(Some(ApiFailure::local("This delivery stream no longer exists.")));
        };
        let hints = match (whole_number(&size.get_untracked(), "Buffer size"), whole_number(&interval.get_untracked(), "Buffer interval")) {
            (Ok(s), Ok(i)) => json!({ "SizeInMBs": s, "IntervalInSeconds": i }),
            (Err(e), _) | (_, Err(e)) => return error.set(Some(e)),
        };
        let processing = if delimiter.get_untracked() { delimiter_processing() } else { json!({ "Enabled": false }) };
        let request = json!({
            "DeliveryStreamName": info.name,
            "CurrentDeliveryStreamVersionId": info.version_id,
            "DestinationId": info.destination_id,
            "ExtendedS3DestinationUpdate": {
                "Prefix": prefix.get_untracked(),
                "ErrorOutputPrefix": error_prefix.get_untracked(),
                "BufferingHints": hints,
                "CompressionFormat": compression.get_untracked().wire_name(),
                "ProcessingConfiguration": processing,
            }
        });
        match lab.call_firehose("UpdateDestination", request) {
            Ok(_) => {
                let now = untrack(version);
                done.set(Some(format!(
                    "UpdateDestination succeeded: VersionId {} → {now}. Records already buffered were written first, under \
                     version {} and its settings; new objects carry -{now}- in their names.",
                    info.version_id, info.version_id
                )));
            }
            Err(e) => error.set(Some(e)),
        }
    };

    view! {
        <section class="panel" aria-labelledby="fh-update-heading">
            <h2 id="fh-update-heading">"Edit the S3 destination"</h2>
            <p class="help">"UpdateDestination sends the current VersionId ("
                <strong data-testid="fh-update-version">{version}</strong>
                "); if someone else changed the stream since, AWS answers ConcurrentModificationException."</p>
            <form novalidate on:submit=submit>
                <div class="row">
                    <div class="field">
                        <label for="fh-up-prefix">"Prefix"</label>
                        <input id="fh-up-prefix" type="text" autocomplete="off" spellcheck="false" aria-describedby="fh-up-preview"
                            prop:value=prefix on:input=move |ev| prefix.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="fh-up-error-prefix">"Error output prefix"</label>
                        <input id="fh-up-error-prefix" type="text" autocomplete="off" spellcheck="false" aria-describedby="fh-up-preview"
                            prop:value=error_prefix on:input=move |ev| error_prefix.set(event_target_value(&ev)) />
                    </div>
                </div>
                <PrefixPreview prefix=prefix error_prefix=error_prefix stream=Signal::derive(move || stream.get_value())
                    version=next_version compression=compression id="fh-up-preview" />
                <BufferingFields size=size interval=interval id_prefix="fh-up" />
                <div class="row">
                    <CompressionField format=compression id="fh-up-compression" />
                    <label class="inline"><input type="checkbox" id="fh-up-delimiter" prop:checked=delimiter
                        on:change=move |ev| delimiter.set(event_target_checked(&ev)) />
                        " Append a newline after each record (AppendDelimiterToRecord)"</label>
                </div>
                <button id="fh-update" type="submit" class="primary">"Update destination"</button>
            </form>
            <ApiErrorBox error=error testid="fh-update-error" />
            {move || done.get().map(|d| view! { <p class="note" role="status" data-testid="fh-update-done">{d}</p> })}
        </section>
    }
}

//! The simulated S3 the delivery streams write to: buckets, a folder tree by `/` (as the S3 console lists
//! with a delimiter), objects with size and last-modified time, a preview (decompressed text when
//! Firehose compressed it, a hex dump when it is not text) and Download of the stored bytes. The
//! "error output only" view lists every object under an error-output type folder (`processing-failed/`,
//! `format-conversion-failed/` …).

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::use_firehose_ui;
use crate::api::observe_firehose::{self, ObjectView};
use crate::ui::format::{grouped, utc_millis};
use crate::ui::lab::use_lab;
use crate::viz::firehose::{breadcrumbs, bytes_text, file_name, is_error_output, list_level, preview, Preview, PREVIEW_LIMIT_BYTES};

/// Rows one listing shows at most (folders and objects together); the rest are counted.
const MAX_LISTED: usize = 200;

/// Saves `bytes` as a file through a Blob and an object URL (as Export does for the sandbox).
fn download_bytes(file_name: &str, bytes: &[u8]) -> Result<(), &'static str> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&JsValue::from(array));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|_| "the browser refused to build the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "the browser refused a download link")?;
    let a: web_sys::HtmlAnchorElement =
        document().create_element("a").map_err(|_| "no link")?.dyn_into().map_err(|_| "no link")?;
    a.set_href(&url);
    a.set_download(file_name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

#[component]
pub fn S3Browser() -> impl IntoView {
    let lab = use_lab();
    let ui = use_firehose_ui();
    let buckets = move || lab.read_sandbox(|sb| observe_firehose::buckets(&sb.firehose.engine)).unwrap_or_default();
    // Keep a bucket chosen while there is one.
    Effect::new(move |_| {
        let list = buckets();
        // Set only on a change: the effect reads `bucket`, so setting it unchanged would wake it again.
        let current = ui.bucket.get();
        if current.as_ref().is_none_or(|b| !list.iter().any(|x| &x.name == b)) {
            let first = list.first().map(|b| b.name.clone());
            if first != current {
                ui.bucket.set(first);
            }
        }
    });
    view! {
        <section class="panel s3-browser" id="s3-browser" aria-labelledby="s3-heading">
            <h2 id="s3-heading">"S3 buckets (simulated)"</h2>
            <p class="help">"What the delivery streams wrote, as the S3 console shows it: keys are flat, and \"folders\" are "
                "just the parts of keys between slashes. Firehose stores compressed objects as they are (no Content-Encoding), "
                "so a download of a .gz object is a gzip file."</p>
            {move || {
                let list = buckets();
                if list.is_empty() {
                    return view! { <p class="help" data-testid="s3-empty">"No objects yet: a bucket appears with the first object a delivery stream writes."</p> }.into_any();
                }
                view! {
                    <div class="s3-layout">
                        <ul class="streams s3-buckets" aria-label="Buckets">
                            {list.into_iter().map(|b| {
                                let name = b.name.clone();
                                let pick = b.name.clone();
                                view! {
                                    <li><button type="button" class="stream-pick" data-testid="s3-bucket"
                                        aria-current=move || if ui.bucket.get().as_deref() == Some(name.as_str()) { "true" } else { "false" }
                                        on:click=move |_| { ui.bucket.set(Some(pick.clone())); ui.folder.set(String::new()); ui.object.set(None); }>
                                        <span class="stream-pick-name">{b.name.clone()}</span>
                                        <span class="stream-pick-meta">{format!("{} object{} · {}", grouped(b.objects as u64), if b.objects == 1 { "" } else { "s" }, bytes_text(b.bytes))}</span>
                                    </button></li>
                                }
                            }).collect_view()}
                        </ul>
                        <div class="s3-main"><Listing /><ObjectPreview /></div>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Listing() -> impl IntoView {
    let lab = use_lab();
    let ui = use_firehose_ui();
    let objects = move || -> Vec<ObjectView> {
        let Some(bucket) = ui.bucket.get() else { return Vec::new() };
        let prefix = if ui.errors_only.get() { String::new() } else { ui.folder.get() };
        lab.read_sandbox(|sb| observe_firehose::objects(&sb.firehose.engine, &bucket, &prefix)).unwrap_or_default()
    };
    let crumbs = move || {
        let bucket = ui.bucket.get().unwrap_or_default();
        let folder = ui.folder.get();
        let errors_only = ui.errors_only.get();
        view! {
            <nav class="crumbs" aria-label="Folder">
                <button type="button" class="link mono" data-testid="s3-root" on:click=move |_| { ui.folder.set(String::new()); }
                    aria-current=move || if ui.folder.get().is_empty() { "location" } else { "false" }>{format!("s3://{bucket}/")}</button>
                {(!errors_only).then(|| breadcrumbs(&folder).into_iter().map(|(label, path)| {
                    let here = path == folder;
                    view! {
                        <span aria-hidden="true">" › "</span>
                        <button type="button" class="link mono" aria-current=if here { "location" } else { "false" }
                            on:click=move |_| ui.folder.set(path.clone())>{label}</button>
                    }
                }).collect_view())}
            </nav>
        }
    };
    let rows = move || {
        let all = objects();
        let errors_only = ui.errors_only.get();
        let folder = ui.folder.get();
        let (folders, files): (Vec<(String, usize)>, Vec<&ObjectView>) = if errors_only {
            (Vec::new(), all.iter().filter(|o| is_error_output(&o.key)).collect())
        } else {
            let keys: Vec<&str> = all.iter().map(|o| o.key.as_str()).collect();
            let level = list_level(&keys, &folder);
            (level.folders, level.objects.into_iter().map(|i| &all[i]).collect())
        };
        let total = folders.len() + files.len();
        if total == 0 {
            let text = if errors_only { "No error output in this bucket: nothing failed processing, conversion or delivery." } else { "This folder is empty." };
            return view! { <p class="help" data-testid="s3-listing-empty">{text}</p> }.into_any();
        }
        let room = MAX_LISTED - folders.len().min(MAX_LISTED);
        let folder_rows = folders.into_iter().take(MAX_LISTED).map(|(path, count)| {
            let label = path.strip_prefix(folder.as_str()).unwrap_or(&path).to_string();
            view! {
                <tr>
                    <th scope="row"><button type="button" class="link mono" data-testid="s3-folder"
                        on:click=move |_| ui.folder.set(path.clone())>{format!("📁 {label}")}</button></th>
                    <td class="num nowrap">{format!("{} object{}", grouped(count as u64), if count == 1 { "" } else { "s" })}</td>
                    <td>"folder"</td>
                </tr>
            }
        }).collect_view();
        let file_rows = files.iter().take(room).map(|o| {
            let key = o.key.clone();
            let bucket = ui.bucket.get_untracked().unwrap_or_default();
            let shown = if errors_only { o.key.clone() } else { file_name(&o.key).to_string() };
            let is_open = { let k = StoredValue::new(o.key.clone()); move || k.with_value(|k| ui.object.get().as_deref() == Some(k.as_str())) };
            view! {
                <tr class:holds-key=is_open>
                    <th scope="row"><button type="button" class="link mono" data-testid="s3-object"
                        aria-pressed=move || is_open().to_string()
                        on:click=move |_| ui.open_object(&bucket, &key)>{shown}</button></th>
                    <td class="num nowrap">{bytes_text(o.size_bytes)}</td>
                    <td class="mono nowrap">{utc_millis(o.last_modified_ms)}</td>
                </tr>
            }
        }).collect_view();
        let more = (total > MAX_LISTED).then(|| view! { <p class="help">{format!("Showing {MAX_LISTED} of {} entries.", grouped(total as u64))}</p> });
        view! {
            <div class="scroll-x">
                <table data-testid="s3-listing">
                    <caption>{if errors_only { "Error output, every folder".to_string() } else { format!("{} folder{}, {} object{} here", 
                        total - files.len(), if total - files.len() == 1 { "" } else { "s" }, files.len(), if files.len() == 1 { "" } else { "s" }) }}</caption>
                    <thead><tr><th scope="col">"Name"</th><th scope="col" class="num">"Size"</th><th scope="col">"Last modified (UTC)"</th></tr></thead>
                    <tbody>{folder_rows}{file_rows}</tbody>
                </table>
            </div>
            {more}
        }.into_any()
    };
    view! {
        <div class="s3-toolbar">
            {crumbs}
            <label class="inline"><input type="checkbox" id="s3-errors-only" prop:checked=move || ui.errors_only.get()
                on:change=move |ev| { ui.errors_only.set(event_target_checked(&ev)); ui.object.set(None); } />
                " Error output only (processing-failed/, format-conversion-failed/ …)"</label>
        </div>
        {rows}
    }
}

#[component]
fn ObjectPreview() -> impl IntoView {
    let lab = use_lab();
    let ui = use_firehose_ui();
    let download_error = RwSignal::new(None::<&'static str>);
    move || {
        let bucket = ui.bucket.get()?;
        let key = ui.object.get()?;
        let (meta, (encoding, shown)) = lab
            .read_sandbox(|sb| {
                let engine = &sb.firehose.engine;
                let meta = observe_firehose::objects(engine, &bucket, &key).into_iter().find(|o| o.key == key)?;
                let shown = observe_firehose::with_object_bytes(engine, &bucket, &key, |b| preview(&key, b, PREVIEW_LIMIT_BYTES))?;
                Some((meta, shown))
            })
            .flatten()?;
        let (dl_bucket, dl_key) = (bucket.clone(), key.clone());
        let download = move |_| {
            download_error.set(None);
            let result = lab.peek_sandbox(|sb| {
                observe_firehose::with_object_bytes(&sb.firehose.engine, &dl_bucket, &dl_key, |b| download_bytes(file_name(&dl_key), b))
            });
            if let Some(Some(Err(e))) = result {
                download_error.set(Some(e));
            }
        };
        let body = match shown {
            Ok(Preview::Text { text, truncated }) => view! {
                <pre class="object-text" data-testid="s3-preview-text" tabindex="0" aria-label="Object content">{text}</pre>
                {truncated.then(|| view! { <p class="help">{format!("Only the first {} are shown; Download has everything.", bytes_text(PREVIEW_LIMIT_BYTES as u64))}</p> })}
            }.into_any(),
            Ok(Preview::Binary { hex, truncated }) => view! {
                <p class="note" data-testid="s3-preview-binary">"Binary content (not UTF-8 text): the first bytes in hex."</p>
                <pre class="object-text" tabindex="0" aria-label="Object bytes in hex">{hex}</pre>
                {truncated.then(|| view! { <p class="help">"Download has every byte."</p> })}
            }.into_any(),
            Err(reason) => view! { <p class="warning" data-testid="s3-preview-error">{format!("The content could not be decompressed: {reason}")}</p> }.into_any(),
        };
        Some(view! {
            <div class="object-preview" data-testid="s3-preview">
                <h3 id="s3-preview-heading" tabindex="-1" class="mono">{format!("s3://{bucket}/{key}")}</h3>
                <dl class="summary">
                    <div><dt>"Size (stored)"</dt><dd data-testid="s3-preview-size">{format!("{} ({} bytes)", bytes_text(meta.size_bytes), grouped(meta.size_bytes))}</dd></div>
                    <div><dt>"Content"</dt><dd data-testid="s3-preview-encoding">{encoding.label()}</dd></div>
                    <div><dt>"Content-Type"</dt><dd class="mono">{meta.content_type.clone()}</dd></div>
                    <div><dt>"Last modified"</dt><dd class="mono">{utc_millis(meta.last_modified_ms)}</dd></div>
                </dl>
                {body}
                <div class="row form-actions">
                    <button type="button" id="s3-download" class="primary" on:click=download
                        aria-label=format!("Download {} ({} bytes)", file_name(&key), meta.size_bytes)>{format!("⬇ Download ({})", bytes_text(meta.size_bytes))}</button>
                    <button type="button" on:click=move |_| ui.object.set(None)>"Close preview"</button>
                </div>
                {move || download_error.get().map(|e| view! { <p class="api-error" role="alert">{e}</p> })}
            </div>
        })
    }
}

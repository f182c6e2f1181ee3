//! The sandbox survives a reload: it is saved in the browser's localStorage as a versioned snapshot
//! (`engine::snapshot`), restored at start, and can be exported to a file, imported from one, or reset.
//!
//! When: a save happens a moment after the last change while the clock is paused, and when the page is
//! hidden or closed. Not while the clock plays: serialising a busy sandbox every frame would cost more
//! than the simulation. Nothing is ever lost silently: a stored sandbox that cannot be read is moved to a
//! backup key (and offered for download) before a fresh one starts, and a sandbox too big for storage
//! says so and points to Export.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::snapshot::Snapshot;
use crate::engine::streams::EngineConfig;
use crate::engine::time::DEFAULT_SANDBOX_START_MS;
use crate::sim::Sandbox;
use crate::ui::clock::use_clock;
use crate::ui::format::utc_millis;
use crate::ui::lab::{use_lab, Lab};

/// Where the sandbox lives. The `.v1` is the storage layout; the snapshot carries its own format version.
pub const STORAGE_KEY: &str = "kinesis-lab.sandbox.v1";
/// Where an unreadable stored sandbox is moved, so it is never overwritten.
pub const BACKUP_KEY: &str = "kinesis-lab.sandbox.unreadable";
/// Wall milliseconds of quiet before an automatic save.
const SAVE_DELAY_MS: u32 = 800;

pub(crate) fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// What the persistence layer has to tell the learner.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreNotice {
    Restored { saved_at_ms: u64 },
    /// The stored sandbox could not be read; it was kept under `BACKUP_KEY`.
    Unreadable { reason: String },
    TooBig { bytes: usize, reason: String },
    Imported,
    ImportFailed { reason: String },
    Reset,
}

impl StoreNotice {
    fn text(&self) -> String {
        match self {
            StoreNotice::Restored { saved_at_ms } => {
                format!("Your sandbox was restored as you left it (simulated time {}).", utc_millis(*saved_at_ms))
            }
            StoreNotice::Unreadable { reason } => format!(
                "Your saved sandbox could not be restored, so a new one was started. The old one is kept in this \
                 browser: use “Download unreadable save” to keep it. ({reason})"
            ),
            StoreNotice::TooBig { bytes, reason } => format!(
                "This sandbox ({:.1} MB) is too big for the browser's storage, so it will not survive a reload. \
                 Use Export to keep it in a file. ({reason})",
                *bytes as f64 / 1_048_576.0
            ),
            StoreNotice::Imported => "Sandbox imported.".into(),
            StoreNotice::ImportFailed { reason } => format!("That file could not be imported: {reason} Nothing was changed."),
            StoreNotice::Reset => "Sandbox reset: a new, empty account at 2026-01-01 00:00 UTC.".into(),
        }
    }

    fn is_problem(&self) -> bool {
        matches!(self, StoreNotice::Unreadable { .. } | StoreNotice::TooBig { .. } | StoreNotice::ImportFailed { .. })
    }
}

/// Persistence state, shared through context.
#[derive(Clone, Copy)]
pub struct Store {
    pub notice: RwSignal<Option<StoreNotice>>,
    lab: Lab,
    pending_save: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage>,
}

/// Reads the stored sandbox (if any) into a `Sandbox`. Unreadable data goes to the backup key.
pub fn load_stored() -> (Option<Sandbox>, Option<StoreNotice>) {
    let Some(store) = storage() else { return (None, None) };
    let Some(text) = store.get_item(STORAGE_KEY).ok().flatten() else { return (None, None) };
    match Snapshot::<Sandbox>::from_json(&text) {
        Ok(snapshot) => (Some(snapshot.payload), Some(StoreNotice::Restored { saved_at_ms: snapshot.saved_at_sim_ms })),
        Err(e) => {
            let _ = store.set_item(BACKUP_KEY, &text);
            let _ = store.remove_item(STORAGE_KEY);
            (None, Some(StoreNotice::Unreadable { reason: e.to_string() }))
        }
    }
}

fn snapshot_json(lab: &Lab) -> Result<String, String> {
    lab.peek_sandbox(|sb| Snapshot::new(sb, sb.now_ms()).to_json().map_err(|e| e.to_string()))
        .unwrap_or_else(|| Err("the simulation is no longer running".into()))
}

pub(crate) fn download(file_name: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| "the browser refused to build the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "the browser refused a download link")?;
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").map_err(|_| "no link")?.dyn_into().map_err(|_| "no link")?;
    a.set_href(&url);
    a.set_download(file_name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

impl Store {
    pub fn new(lab: Lab, notice: Option<StoreNotice>) -> Self {
        Store { notice: RwSignal::new(notice), lab, pending_save: StoredValue::new_local(None) }
    }

    /// Saves now. Returns false (and says why) when storage refused it.
    pub fn save_now(&self) -> bool {
        let Some(store) = storage() else { return false };
        match snapshot_json(&self.lab) {
            Ok(json) => match store.set_item(STORAGE_KEY, &json) {
                Ok(()) => {
                    if matches!(self.notice.get_untracked(), Some(StoreNotice::TooBig { .. })) {
                        self.notice.set(None);
                    }
                    true
                }
                Err(e) => {
                    let reason = e.as_string().or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())));
                    self.notice.set(Some(StoreNotice::TooBig {
                        bytes: json.len(),
                        reason: reason.unwrap_or_else(|| "storage quota exceeded".into()),
                    }));
                    false
                }
            },
            Err(reason) => {
                self.notice.set(Some(StoreNotice::TooBig { bytes: 0, reason }));
                false
            }
        }
    }

    /// Saves a moment after the last change (restarting the wait on every change).
    pub fn schedule_save(&self) {
        let this = *self;
        let timeout = gloo_timers::callback::Timeout::new(SAVE_DELAY_MS, move || {
            this.save_now();
        });
        // Dropping the previous Timeout cancels it.
        self.pending_save.set_value(Some(timeout));
    }

    pub fn export(&self) {
        match snapshot_json(&self.lab) {
            Ok(json) => {
                let stamp = utc_millis(self.lab.now_ms.get_untracked()).replace([' ', ':'], "-").replace(".000-UTC", "");
                if let Err(reason) = download(&format!("kinesis-lab-sandbox-{stamp}.json"), &json) {
                    self.notice.set(Some(StoreNotice::ImportFailed { reason: reason.to_string() }));
                }
            }
            Err(reason) => self.notice.set(Some(StoreNotice::TooBig { bytes: 0, reason })),
        }
    }

    pub fn download_unreadable(&self) {
        if let Some(text) = storage().and_then(|s| s.get_item(BACKUP_KEY).ok().flatten()) {
            let _ = download("kinesis-lab-sandbox-unreadable.json", &text);
        }
    }

    pub fn import_text(&self, text: &str) {
        match Snapshot::<Sandbox>::from_json(text) {
            Ok(snapshot) => {
                self.lab.replace_sandbox(snapshot.payload);
                self.notice.set(Some(StoreNotice::Imported));
                self.save_now();
            }
            Err(e) => self.notice.set(Some(StoreNotice::ImportFailed { reason: e.to_string() })),
        }
    }

    pub fn reset(&self) {
        self.lab.replace_sandbox(Sandbox::new(EngineConfig::default(), DEFAULT_SANDBOX_START_MS));
        if let Some(s) = storage() {
            let _ = s.remove_item(STORAGE_KEY);
        }
        self.notice.set(Some(StoreNotice::Reset));
    }
}

pub fn use_store() -> Store {
    expect_context::<Store>()
}

/// Saves after changes while paused, and when the page goes away.
pub fn install_autosave(store: Store) {
    let lab = use_lab();
    let clock = use_clock();
    Effect::new(move |first: Option<()>| {
        lab.revision.track();
        let busy = clock.playing.get() || clock.fast_forward.get().is_some();
        if first.is_some() && !busy {
            store.schedule_save();
        }
    });
    let handle = window_event_listener(leptos::ev::pagehide, move |_| {
        store.save_now();
    });
    on_cleanup(move || handle.remove());
    let hidden = window_event_listener(leptos::ev::visibilitychange, move |_| {
        let is_hidden = web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden());
        if is_hidden {
            store.save_now();
        }
    });
    on_cleanup(move || hidden.remove());
}

/// The Sandbox menu in the top bar: Export, Import, Reset, and any notice about saving.
#[component]
pub fn SandboxMenu() -> impl IntoView {
    let store = use_store();
    let confirm_reset = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(text) => store.import_text(&text.as_string().unwrap_or_default()),
                Err(_) => store.notice.set(Some(StoreNotice::ImportFailed { reason: "the file could not be read.".into() })),
            }
        });
    };
    view! {
        <details class="menu">
            <summary>"Sandbox ▾"</summary>
            <div class="menu-body" role="group" aria-label="Sandbox file">
                <p class="help">"Kept in this browser automatically. Move it elsewhere as a file:"</p>
                <button type="button" id="sandbox-export" on:click=move |_| store.export()>"Export to a file"</button>
                <label class="file-button" for="sandbox-import">"Import from a file"</label>
                <input id="sandbox-import" type="file" accept="application/json,.json" class="visually-hidden" on:change=on_file />
                <button type="button" id="sandbox-reset" class="danger" on:click=move |_| {
                    if confirm_reset.get_untracked() { store.reset(); confirm_reset.set(false); } else { confirm_reset.set(true); }
                }>{move || if confirm_reset.get() { "Really reset? Everything goes." } else { "Reset sandbox" }}</button>
            </div>
        </details>
    }
}

#[component]
pub fn StoreNoticeBar() -> impl IntoView {
    let store = use_store();
    move || {
        store.notice.get().map(|n| {
            let unreadable = matches!(n, StoreNotice::Unreadable { .. });
            view! {
                <div class="store-notice" class:problem=n.is_problem() role="status" data-testid="store-notice">
                    <span>{n.text()}</span>
                    {unreadable.then(|| view! { <button type="button" on:click=move |_| store.download_unreadable()>"Download unreadable save"</button> })}
                    <button type="button" class="quiet" aria-label="Dismiss" on:click=move |_| store.notice.set(None)>"✕"</button>
                </div>
            }
        })
    }
}

//! Where labs keep their state in the browser: the progress (versioned by `labs::progress`), the active
//! run (versioned by `viz::labs::StoredActiveRun`) and the learner's sandbox kept aside during a lab.

use crate::labs::progress::LabProgress;
use crate::ui::persist::storage;
use crate::viz::labs::{ActiveRun, StoredActiveRun};

pub const PROGRESS_KEY: &str = "kinesis-lab.labs.progress.v1";
pub const ACTIVE_RUN_KEY: &str = "kinesis-lab.labs.active-run.v1";
/// The learner's own sandbox (a `Snapshot<Sandbox>` JSON) while a lab's sandbox is in use.
pub const STASHED_SANDBOX_KEY: &str = "kinesis-lab.labs.sandbox-before-lab.v1";
/// Where unreadable progress is moved, so it is never overwritten.
pub const PROGRESS_BACKUP_KEY: &str = "kinesis-lab.labs.progress.unreadable";

/// The stored progress, or a fresh one and the reason when it could not be read (kept under the backup key).
pub fn load_progress() -> (LabProgress, Option<String>) {
    let Some(s) = storage() else { return (LabProgress::default(), None) };
    match s.get_item(PROGRESS_KEY).ok().flatten() {
        None => (LabProgress::default(), None),
        Some(text) => match LabProgress::import_json(&text) {
            Ok(p) => (p, None),
            Err(e) => {
                let _ = s.set_item(PROGRESS_BACKUP_KEY, &text);
                let _ = s.remove_item(PROGRESS_KEY);
                (LabProgress::default(), Some(format!("Your lab progress could not be read, so it starts afresh; the old copy is kept in this browser. ({e})")))
            }
        },
    }
}

pub fn save_progress(p: &LabProgress) {
    if let Some(s) = storage() {
        let _ = s.set_item(PROGRESS_KEY, &p.export_json());
    }
}

pub fn load_active_run() -> Option<ActiveRun> {
    storage()?.get_item(ACTIVE_RUN_KEY).ok().flatten().and_then(|t| StoredActiveRun::read(&t))
}

pub fn save_active_run(active: &Option<ActiveRun>) {
    let Some(s) = storage() else { return };
    let _ = match active {
        Some(a) => s.set_item(ACTIVE_RUN_KEY, &StoredActiveRun::write(a)),
        None => s.remove_item(ACTIVE_RUN_KEY),
    };
}

pub fn stash_sandbox(json: &str) -> Result<(), String> {
    let s = storage().ok_or("this browser gives the page no storage")?;
    s.set_item(STASHED_SANDBOX_KEY, json).map_err(|_| "the browser's storage is full".to_string())
}

/// The kept-aside sandbox, removed from storage.
pub fn take_stashed_sandbox() -> Option<String> {
    let s = storage()?;
    let text = s.get_item(STASHED_SANDBOX_KEY).ok().flatten()?;
    let _ = s.remove_item(STASHED_SANDBOX_KEY);
    Some(text)
}

/// Folds a run into the progress. A run that showed the solution counts as completed but never as a best
/// score (`LabRun` has no "assisted" mark, so the page keeps it and applies it here).
pub fn record(p: &mut LabProgress, a: &ActiveRun) {
    if a.assisted && a.run.completed.is_some() {
        let rec = p.labs.entry(a.run.lab_id.clone()).or_default();
        rec.completed = true;
        rec.completions += 1;
        rec.hints_used = rec.hints_used.max(a.run.hints_revealed);
    } else {
        p.record(&a.run);
    }
}

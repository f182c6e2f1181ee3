//! Exam progress in the browser: the engine's versioned `ExamProgress` as JSON in localStorage, saved after
//! every change, plus Export (download), Import (file) and Reset. Same approach as the sandbox
//! (`ui::persist`), whose storage and download helpers it reuses: an unreadable save is never overwritten
//! silently but moved to a backup key first.

use crate::exam::bank::Bank;
use crate::exam::session::ExamProgress;
use crate::ui::format::utc_millis;
use crate::ui::persist::{download, storage};

/// Where the progress lives. The `.v1` is the storage layout; the progress carries its own format version.
pub const STORAGE_KEY: &str = "kinesis-lab.exam.v1";
/// Where an unreadable stored progress is moved, so it is never lost.
pub const BACKUP_KEY: &str = "kinesis-lab.exam.unreadable";

/// Reads the stored progress; a save that cannot be read is kept under [`BACKUP_KEY`] and said so.
pub fn load(bank: &Bank) -> (ExamProgress, Option<String>) {
    let Some(store) = storage() else { return (ExamProgress::default(), None) };
    let Some(text) = store.get_item(STORAGE_KEY).ok().flatten() else { return (ExamProgress::default(), None) };
    match ExamProgress::import(&text, bank) {
        Ok(p) => (p, None),
        Err(e) => {
            let _ = store.set_item(BACKUP_KEY, &text);
            let _ = store.remove_item(STORAGE_KEY);
            (ExamProgress::default(), Some(format!("Your saved exam progress could not be read, so it starts afresh; the old save is kept in this browser under {BACKUP_KEY}. ({e})")))
        }
    }
}

/// Saves the progress; the error says why the browser refused.
pub fn save(progress: &ExamProgress) -> Result<(), String> {
    let store = storage().ok_or("this browser offers no storage")?;
    store.set_item(STORAGE_KEY, &progress.export()).map_err(|_| "the browser refused to store the progress".to_string())
}

/// Downloads the progress as a JSON file named after the wall-clock instant.
pub fn export(progress: &ExamProgress, now_ms: u64) -> Result<(), String> {
    let stamp = utc_millis(now_ms).replace([' ', ':'], "-");
    let stamp = stamp.split('.').next().unwrap_or("now");
    download(&format!("kinesis-lab-exam-{stamp}.json"), &progress.export())
}

pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.remove_item(STORAGE_KEY);
    }
}

//! The notes map (`labs/notes/`) and the guided labs (`labs/guided/`) are written in our own words, as the
//! exam bank is (`tests/exam_bank.rs` checks the bank the same way): no run of ten words of a study note or
//! of FACTS.md appears in any of their texts. Shorter runs are shared vocabulary (service names, limits).
//! The sources live beside the project (`../shared`); where they are absent the check says so and skips.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;

const COPIED_RUN_WORDS: usize = 10;

fn runs(text: &str) -> Vec<String> {
    let words: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    words.windows(COPIED_RUN_WORDS).map(|w| w.join(" ")).collect()
}

/// Every string in a content file, with where it is (`claim[3].text`).
fn strings(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => out.push((path.to_string(), s.clone())),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| strings(v, &format!("{path}[{i}]"), out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| strings(v, &format!("{path}.{k}"), out)),
        _ => {}
    }
}

/// The ten-word runs of the notes and FACTS.md, each with the file it came from; None when absent.
fn source_runs() -> Option<HashMap<String, String>> {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent()?.join("shared");
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared.join("seeds"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.push(shared.join("reference/FACTS.md"));
    let mut seen = HashMap::new();
    for path in files {
        let name = path.file_name()?.to_string_lossy().into_owned();
        for run in runs(&std::fs::read_to_string(&path).ok()?) {
            seen.entry(run).or_insert_with(|| name.clone());
        }
    }
    Some(seen)
}

fn copied_runs(folder: &'static str, seen: &HashMap<String, String>) -> Vec<String> {
    let mut copied = Vec::new();
    for (file, json) in kinesis_lab::content::under(folder) {
        let value: Value = serde_json::from_str(json).expect("build.rs wrote JSON");
        let mut texts = Vec::new();
        strings(&value, "", &mut texts);
        for (path, text) in texts {
            if let Some((run, from)) = runs(&text).into_iter().find_map(|r| seen.get(&r).map(|f| (r.clone(), f.clone()))) {
                copied.push(format!("{file}{path}: \"{run}\" is in {from}"));
            }
        }
    }
    copied
}

#[test]
fn the_notes_map_and_the_labs_are_in_our_own_words() {
    let Some(seen) = source_runs() else {
        println!("note: ../shared (the notes and FACTS.md) is absent; skipping the copied-text check");
        return;
    };
    assert!(kinesis_lab::content::under("labs/notes/").count() >= 5 && kinesis_lab::content::under("labs/guided/").count() >= 8);
    let mut copied = copied_runs("labs/notes/", &seen);
    copied.extend(copied_runs("labs/guided/", &seen));
    assert!(copied.is_empty(), "text copied from the sources:\n{}", copied.join("\n"));
}

#[test]
fn the_check_finds_a_copied_run() {
    let seen: HashMap<String, String> =
        runs("each shard can support up to five transactions per second for reads").into_iter().map(|r| (r, "n.txt".into())).collect();
    assert!(runs("note that each shard can support up to five transactions per second for reads today")
        .iter()
        .any(|r| seen.contains_key(r)));
    assert!(!runs("a shard allows five read calls every second, shared by all polling consumers").iter().any(|r| seen.contains_key(r)));
}

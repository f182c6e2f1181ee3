//! The notes map: every claim each study note makes, in our words, with how it stands against AWS today
//! and where the exam bank and the guided labs test it.
//!
//! One TOML file per note under `labs/notes/`, named after the note (`000_02edc0dc046d171c.toml` for
//! `000_02edc0dc046d171c.txt`):
//!
//! ```toml
//! note = "000_02edc0dc046d171c.txt"
//!
//! [[claim]]
//! id = "n0-record-max-1-mb"                 # kebab-case, unique across the whole map
//! section = "Shards"                        # a heading of the note (labs/seed-sections.toml)
//! text = "A single record can hold ..."     # the claim restated in our words, never the note's sentence
//! status = "outdated"                       # current | outdated | wrong
//! correction = "Every stream defaults ..."  # required unless current, absent when current
//! sources = ["§1 Writes", "§6 Currency"]    # FACTS sections (labs/sources.toml); at least one unless current
//! scenarios = ["streams-large-record-today"] # exam scenarios that test the claim (may be empty: uncovered)
//! labs = []                                 # guided labs that cover it (ids from LAB_IDS)
//! ```
//!
//! The page reads the build-time JSON ([`load_embedded_notes`]); tests read the TOML text
//! ([`parse_notes`]); both run the same checks and report every problem as a [`NotesError`] naming the
//! file, the claim, the field and the reason.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;

use super::bank::{Bank, Catalog};
use super::Currency;

/// Where the map's files live, as `crate::content` names them.
pub const NOTES_DIR: &str = "labs/notes/";

/// The guided labs a claim may link to (`#/labs?lab=<id>`). `crate::exam::bank::KNOWN_LABS` is still
/// empty on this branch (another branch fills it as the labs land); when it is filled, this list should
/// become that constant so there is one list of labs.
pub const LAB_IDS: &[&str] = &[
    "shard-math",
    "resharding-lineage",
    "streams-vs-firehose",
    "retention-fanout-pricing",
    "kpl-aggregation-retries",
    "kcl-checkpoint-failover",
    "firehose-buffering-transforms",
    "hot-shard-detection",
];

/// One checkable statement a note makes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub id: String,
    /// The note's heading the claim sits under.
    pub section: String,
    /// The claim in our own words.
    pub text: String,
    /// How the claim compares with AWS today.
    pub status: Currency,
    /// What is true today, when the claim is outdated or wrong.
    pub correction: Option<String>,
    /// FACTS sections (`§1 Writes`) that settle it.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Exam scenario ids that test it.
    #[serde(default)]
    pub scenarios: Vec<String>,
    /// Guided lab ids that cover it.
    #[serde(default)]
    pub labs: Vec<String>,
}

impl Claim {
    /// No exam scenario tests this claim yet.
    pub fn is_uncovered(&self) -> bool {
        self.scenarios.is_empty()
    }
}

/// The claims of one study note.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteClaims {
    /// The map file, e.g. `labs/notes/000_02edc0dc046d171c.toml`.
    pub file: String,
    /// The note's file name, e.g. `000_02edc0dc046d171c.txt`.
    pub note: String,
    /// The note's description from `labs/sources.toml`.
    pub title: String,
    /// The note's headings in the note's order (the page groups claims by them).
    pub sections: Vec<String>,
    pub claims: Vec<Claim>,
}

/// Counts for the summary table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub claims: usize,
    pub current: usize,
    pub outdated: usize,
    pub wrong: usize,
    /// Claims no scenario tests.
    pub uncovered: usize,
}

impl Tally {
    pub fn of<'a>(claims: impl IntoIterator<Item = &'a Claim>) -> Tally {
        let mut t = Tally::default();
        for c in claims {
            t.claims += 1;
            match c.status {
                Currency::Current => t.current += 1,
                Currency::Outdated => t.outdated += 1,
                Currency::Wrong => t.wrong += 1,
            }
            if c.is_uncovered() {
                t.uncovered += 1;
            }
        }
        t
    }
}

impl NoteClaims {
    pub fn tally(&self) -> Tally {
        Tally::of(&self.claims)
    }

    /// The claims that pass the page's filters (a status, or all; only those with no scenario, or all),
    /// grouped by the note's sections in the note's order; sections with nothing left are dropped.
    pub fn grouped(&self, status: Option<Currency>, uncovered_only: bool) -> Vec<(&str, Vec<&Claim>)> {
        self.sections
            .iter()
            .map(|section| {
                let claims: Vec<&Claim> = self
                    .claims
                    .iter()
                    .filter(|c| c.section == *section)
                    .filter(|c| status.is_none_or(|s| c.status == s))
                    .filter(|c| !uncovered_only || c.is_uncovered())
                    .collect();
                (section.as_str(), claims)
            })
            .filter(|(_, claims)| !claims.is_empty())
            .collect()
    }
}

/// The checked map: one entry per note, in the order of `labs/seed-sections.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct NotesMap {
    pub notes: Vec<NoteClaims>,
}

impl NotesMap {
    pub fn note(&self, note: &str) -> Option<&NoteClaims> {
        self.notes.iter().find(|n| n.note == note)
    }

    pub fn claims(&self) -> impl Iterator<Item = (&NoteClaims, &Claim)> {
        self.notes.iter().flat_map(|n| n.claims.iter().map(move |c| (n, c)))
    }

    pub fn tally(&self) -> Tally {
        Tally::of(self.claims().map(|(_, c)| c))
    }
}

/// One problem in the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotesError {
    /// The map file (`labs/notes/<note>.toml`), or the folder when a file is missing.
    pub file: String,
    pub id: Option<String>,
    pub field: Option<String>,
    pub reason: String,
}

impl NotesError {
    fn new(file: &str, id: Option<&str>, field: Option<&str>, reason: impl Into<String>) -> NotesError {
        NotesError {
            file: file.to_string(),
            id: id.map(str::to_string),
            field: field.map(str::to_string),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for NotesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(id) = &self.id {
            write!(f, ": claim `{id}`")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": `{field}`")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for NotesError {}

/// The embedded map from the build-time JSON (`crate::content`), checked against a bank (normally
/// [`super::bank::load_embedded_bank`]): what the page uses, with no TOML parser.
pub fn load_embedded_notes(bank: &Bank) -> Result<NotesMap, Vec<NotesError>> {
    let mut files = Vec::new();
    for (path, json) in crate::content::under(NOTES_DIR) {
        let value = serde_json::from_str::<serde_json::Value>(json).map_err(|e| e.to_string());
        files.push((path.to_string(), value));
    }
    check_map(files, bank)
}

/// The map from (file name, TOML text) pairs, checked against a bank: what the tests run.
pub fn parse_notes(files: &[(&str, &str)], bank: &Bank) -> Result<NotesMap, Vec<NotesError>> {
    let parsed = files
        .iter()
        .map(|(name, text)| {
            let value = text
                .parse::<toml::Table>()
                .map_err(|e| e.to_string().trim_end().to_string())
                .and_then(|t| serde_json::to_value(t).map_err(|e| e.to_string()));
            (name.to_string(), value)
        })
        .collect();
    check_map(parsed, bank)
}

/// The file a note's claims belong in: `labs/notes/<stem>.toml`.
pub fn file_for_note(note: &str) -> String {
    format!("{NOTES_DIR}{}.toml", note.strip_suffix(".txt").unwrap_or(note))
}

/// The field a serde error is about, when it names one ("missing field `text`").
fn serde_field(message: &str) -> Option<String> {
    ["missing field `", "unknown field `", "duplicate field `"].iter().find_map(|prefix| {
        let at = message.find(prefix)? + prefix.len();
        let rest = &message[at..];
        Some(rest[..rest.find('`')?].to_string())
    })
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Reads one file's `note` and `claim` entries, reporting shape problems claim by claim.
fn read_file(file: &str, value: serde_json::Value, errors: &mut Vec<NotesError>) -> Option<(String, Vec<Claim>)> {
    let serde_json::Value::Object(table) = value else {
        errors.push(NotesError::new(file, None, None, "a notes file is a table with `note` and [[claim]]"));
        return None;
    };
    for key in table.keys().filter(|k| *k != "note" && *k != "claim") {
        errors.push(NotesError::new(file, None, Some(key), "unknown top-level key: a notes file holds `note` and [[claim]] tables"));
    }
    let note = match table.get("note") {
        Some(serde_json::Value::String(n)) => n.clone(),
        Some(_) => {
            errors.push(NotesError::new(file, None, Some("note"), "must be the note's file name, a string"));
            return None;
        }
        None => {
            errors.push(NotesError::new(file, None, Some("note"), "missing: name the note this file maps (e.g. \"000_….txt\")"));
            return None;
        }
    };
    let items = match table.get("claim") {
        Some(serde_json::Value::Array(items)) => items.clone(),
        Some(_) => {
            errors.push(NotesError::new(file, None, Some("claim"), "must be an array of tables ([[claim]])"));
            return None;
        }
        None => {
            errors.push(NotesError::new(file, None, None, "no [[claim]] tables"));
            return None;
        }
    };
    let mut claims = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let id = item.get("id").and_then(serde_json::Value::as_str).map(str::to_string);
        match serde_json::from_value::<Claim>(item) {
            Ok(c) => claims.push(c),
            Err(e) => {
                let message = e.to_string();
                let field = serde_field(&message).or_else(|| id.is_none().then(|| format!("claim[{i}]")));
                errors.push(NotesError::new(file, id.as_deref(), field.as_deref(), message));
            }
        }
    }
    Some((note, claims))
}

fn check_map(files: Vec<(String, Result<serde_json::Value, String>)>, bank: &Bank) -> Result<NotesMap, Vec<NotesError>> {
    let catalog = &bank.catalog;
    let mut errors = Vec::new();
    let mut by_note: BTreeMap<String, NoteClaims> = BTreeMap::new();
    for (file, value) in files {
        let value = match value {
            Ok(v) => v,
            Err(e) => {
                errors.push(NotesError::new(&file, None, None, e));
                continue;
            }
        };
        let Some((note, claims)) = read_file(&file, value, &mut errors) else { continue };
        let Some(seed) = catalog.note(&note) else {
            errors.push(NotesError::new(&file, None, Some("note"), format!("no note named {note:?} in labs/seed-sections.toml")));
            continue;
        };
        if file_for_note(&note) != file {
            errors.push(NotesError::new(
                &file,
                None,
                Some("note"),
                format!("the claims of {note} belong in {}", file_for_note(&note)),
            ));
        }
        if let Some(other) = by_note.get(&note) {
            errors.push(NotesError::new(&file, None, Some("note"), format!("{note} is already mapped by {}", other.file)));
            continue;
        }
        let title = catalog.note_docs.iter().find(|d| d.file == note).map(|d| d.title.clone()).unwrap_or_default();
        by_note.insert(note.clone(), NoteClaims { file, note, title, sections: seed.sections.clone(), claims });
    }

    let scenario_ids: BTreeSet<&str> = bank.scenarios.iter().map(|s| s.id.as_str()).collect();
    let mut first_seen: BTreeMap<&str, &str> = BTreeMap::new();
    for n in by_note.values() {
        for c in &n.claims {
            if let Some(first) = first_seen.insert(&c.id, &n.file) {
                errors.push(NotesError::new(&n.file, Some(&c.id), Some("id"), format!("duplicate id: already used in {first}")));
                first_seen.insert(&c.id, first);
            }
            check_claim(n, c, catalog, &scenario_ids, &mut errors);
        }
    }

    let mut notes = Vec::new();
    for seed in &catalog.notes {
        match by_note.remove(&seed.file) {
            Some(n) => notes.push(n),
            None => errors.push(NotesError::new(
                &file_for_note(&seed.file),
                None,
                None,
                format!("missing: every note in labs/seed-sections.toml needs its claims file ({} has none)", seed.file),
            )),
        }
    }
    if errors.is_empty() {
        Ok(NotesMap { notes })
    } else {
        Err(errors)
    }
}

fn check_claim(n: &NoteClaims, c: &Claim, catalog: &Catalog, scenario_ids: &BTreeSet<&str>, errors: &mut Vec<NotesError>) {
    let mut err = |field: &str, reason: String| errors.push(NotesError::new(&n.file, Some(&c.id), Some(field), reason));
    if !is_kebab(&c.id) {
        err("id", format!("{:?} is not kebab-case (lowercase letters, digits and single hyphens)", c.id));
    }
    if !n.sections.iter().any(|s| *s == c.section) {
        err("section", format!("note {} has no section {:?}; its sections are: {}", n.note, c.section, n.sections.join(" | ")));
    }
    if c.text.trim().is_empty() {
        err("text", "the claim has no text".into());
    }
    match (c.status, c.correction.as_deref().map(str::trim)) {
        (Currency::Outdated | Currency::Wrong, None | Some("")) => {
            err("correction", "an outdated or wrong claim needs a correction saying what is true today".into())
        }
        (Currency::Current, Some(_)) => err("correction", "a current claim carries no correction".into()),
        _ => {}
    }
    if c.status != Currency::Current && c.sources.is_empty() {
        err("sources", "an outdated or wrong claim needs the FACTS section its correction comes from".into());
    }
    for (i, s) in c.sources.iter().enumerate() {
        if catalog.facts_section(s).is_none() {
            let known: Vec<&str> = catalog.facts.iter().map(|f| f.id.as_str()).collect();
            err(&format!("sources[{i}]"), format!("no FACTS section {s:?} in labs/sources.toml; they are: {}", known.join(" | ")));
        }
    }
    for (i, s) in c.scenarios.iter().enumerate() {
        if !scenario_ids.contains(s.as_str()) {
            err(&format!("scenarios[{i}]"), format!("no exam scenario {s:?} in labs/exam/"));
        }
        if c.scenarios[..i].contains(s) {
            err(&format!("scenarios[{i}]"), format!("{s:?} is listed twice"));
        }
    }
    for (i, l) in c.labs.iter().enumerate() {
        if !LAB_IDS.contains(&l.as_str()) {
            err(&format!("labs[{i}]"), format!("no lab {l:?}; the labs are: {}", LAB_IDS.join(", ")));
        }
        if c.labs[..i].contains(l) {
            err(&format!("labs[{i}]"), format!("{l:?} is listed twice"));
        }
    }
}

/// Places where the map and the bank may disagree, for a person to look at (not errors): an exam scenario
/// that cites a note's section and is flagged outdated or wrong, while no outdated or wrong claim of that
/// section links it, so every claim there is marked current or the flagged point is missing; and a current
/// claim that links a flagged scenario.
pub fn currency_warnings(map: &NotesMap, bank: &Bank) -> Vec<String> {
    let mut out = Vec::new();
    for n in &map.notes {
        for (_, c) in n.claims.iter().enumerate().filter(|(_, c)| c.status == Currency::Current) {
            for s in c.scenarios.iter().filter_map(|id| bank.get(id)).filter(|s| s.currency != Currency::Current) {
                out.push(format!(
                    "{}: claim `{}` is current but links scenario `{}`, which is flagged {:?}",
                    n.note, c.id, s.id, s.currency
                ));
            }
        }
        for section in &n.sections {
            let flagged = bank.scenarios.iter().filter(|s| {
                s.currency != Currency::Current
                    && s.sources.iter().any(|src| src.seed.as_deref() == Some(&n.note) && src.section.as_deref() == Some(section))
            });
            for s in flagged {
                let accounted = n
                    .claims
                    .iter()
                    .any(|c| c.section == *section && c.status != Currency::Current && c.scenarios.contains(&s.id));
                if !accounted {
                    let current: Vec<&str> = n
                        .claims
                        .iter()
                        .filter(|c| c.section == *section && c.status == Currency::Current)
                        .map(|c| c.id.as_str())
                        .collect();
                    out.push(format!(
                        "{} § {section}: scenario `{}` cites this section and is flagged {:?}, but no outdated or wrong claim here links it (current claims: {})",
                        n.note,
                        s.id,
                        s.currency,
                        if current.is_empty() { "none".to_string() } else { current.join(", ") }
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_file_names_follow_the_note() {
        assert_eq!(file_for_note("000_02edc0dc046d171c.txt"), "labs/notes/000_02edc0dc046d171c.toml");
    }

    #[test]
    fn notes_serde_field_is_read_from_the_message() {
        assert_eq!(serde_field("missing field `text`").as_deref(), Some("text"));
        assert_eq!(serde_field("unknown field `txt`, expected one of `id`").as_deref(), Some("txt"));
        assert_eq!(serde_field("invalid type: integer `3`, expected a string"), None);
    }

    fn claim(id: &str, section: &str, status: Currency, scenarios: &[&str]) -> Claim {
        Claim {
            id: id.into(),
            section: section.into(),
            text: "t".into(),
            status,
            correction: None,
            sources: vec![],
            scenarios: scenarios.iter().map(|s| s.to_string()).collect(),
            labs: vec![],
        }
    }

    #[test]
    fn notes_grouped_filters_and_keeps_section_order() {
        let n = NoteClaims {
            file: "f".into(),
            note: "n".into(),
            title: "t".into(),
            sections: vec!["A".into(), "B".into(), "C".into()],
            claims: vec![
                claim("b1", "B", Currency::Outdated, &["s"]),
                claim("a1", "A", Currency::Current, &[]),
                claim("b2", "B", Currency::Current, &[]),
                claim("a2", "A", Currency::Wrong, &["s"]),
            ],
        };
        let ids = |g: Vec<(&str, Vec<&Claim>)>| -> Vec<(String, Vec<String>)> {
            g.into_iter().map(|(s, cs)| (s.to_string(), cs.iter().map(|c| c.id.clone()).collect())).collect()
        };
        assert_eq!(
            ids(n.grouped(None, false)),
            vec![("A".to_string(), vec!["a1".to_string(), "a2".to_string()]), ("B".to_string(), vec!["b1".to_string(), "b2".to_string()])]
        );
        assert_eq!(ids(n.grouped(Some(Currency::Current), true)), vec![("A".into(), vec!["a1".into()]), ("B".into(), vec!["b2".into()])]);
        assert_eq!(ids(n.grouped(Some(Currency::Wrong), false)), vec![("A".to_string(), vec!["a2".to_string()])]);
        assert!(n.grouped(Some(Currency::Outdated), true).is_empty());
        let t = n.tally();
        assert_eq!((t.claims, t.current, t.outdated, t.wrong, t.uncovered), (4, 2, 1, 1, 2));
    }

    #[test]
    fn notes_lab_ids_are_kebab_and_unique() {
        let set: BTreeSet<&str> = LAB_IDS.iter().copied().collect();
        assert_eq!(set.len(), LAB_IDS.len());
        assert!(LAB_IDS.iter().all(|l| is_kebab(l)));
    }
}

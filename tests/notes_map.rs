//! The notes map (labs/notes/*.toml): the embedded map validates against the bank, the build-time JSON
//! reads the same as the TOML, every check fires on a bad file with a file/claim/field/reason error, and
//! the coverage report (claims no scenario tests yet) is printed for the lead.

use std::path::PathBuf;

use kinesis_lab::exam::bank::{load_embedded_bank, Bank};
use kinesis_lab::exam::notes::{currency_warnings, load_embedded_notes, parse_notes, NotesError, NotesMap, LAB_IDS};
use kinesis_lab::exam::{load_bank, Currency};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bank() -> Bank {
    load_bank().unwrap_or_else(|e| panic!("bank: {}", e.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("\n")))
}

/// The map files as (name, TOML text), read from disk.
fn files_on_disk() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(root().join("labs/notes"))
        .expect("labs/notes exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            let name = format!("labs/notes/{}", p.file_name().unwrap().to_string_lossy());
            (name, std::fs::read_to_string(&p).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

fn parse(files: &[(String, String)], bank: &Bank) -> Result<NotesMap, Vec<NotesError>> {
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    parse_notes(&borrowed, bank)
}

fn map() -> NotesMap {
    parse(&files_on_disk(), &bank()).unwrap_or_else(|e| {
        panic!("the notes map has {} problem(s):\n{}", e.len(), e.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("\n"))
    })
}

/// The errors of the real files with one file's text replaced.
fn errors_with(file: &str, edit: impl Fn(&str) -> String) -> Vec<NotesError> {
    let mut files = files_on_disk();
    let entry = files.iter_mut().find(|(n, _)| n == file).expect("file exists");
    let edited = edit(&entry.1);
    assert_ne!(edited, entry.1, "the edit changed nothing");
    entry.1 = edited;
    parse(&files, &bank()).expect_err("the edited map must be refused")
}

const NOTE0: &str = "labs/notes/000_02edc0dc046d171c.toml";

#[test]
fn the_embedded_map_validates_and_maps_every_note() {
    let m = map();
    let b = bank();
    assert_eq!(m.notes.len(), b.catalog.notes.len(), "one claims file per note");
    for n in &m.notes {
        assert!(n.claims.len() >= 10, "{}: only {} claims", n.note, n.claims.len());
        assert!(!n.title.is_empty(), "{} has a title from labs/sources.toml", n.note);
    }
    // FACTS.md §6's seed-specific slips each appear as a wrong or outdated claim.
    for id in [
        "n0-shard-owns-partition-key",
        "n0-kda-called-video-analytics",
        "n3-retention-365-earlier-24-days",
        "n3-buffer-size-60-900s",
        "n3-kvs-no-autoscaling",
        "n2-partition-key-256-bytes",
        "n4-availability-nines",
    ] {
        let (_, c) = m.claims().find(|(_, c)| c.id == id).unwrap_or_else(|| panic!("no claim {id}"));
        assert_ne!(c.status, Currency::Current, "{id}");
    }
    // Every row of note 000's objectives table is a claim of its "Examples" section.
    let examples = m.note("000_02edc0dc046d171c.txt").unwrap().claims.iter().filter(|c| c.section == "Examples").count();
    assert!(examples >= 4, "the objectives table has 4 rows, found {examples} claims");
}

#[test]
fn the_json_the_page_reads_equals_the_toml() {
    let from_toml = map();
    let embedded_bank = load_embedded_bank().expect("the embedded bank loads");
    let from_json = load_embedded_notes(&embedded_bank)
        .unwrap_or_else(|e| panic!("{}", e.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("\n")));
    assert_eq!(from_json, from_toml);
}

#[test]
fn every_flagged_scenario_is_linked_by_some_outdated_or_wrong_claim() {
    // The bank flags 30-odd scenarios outdated or wrong; each should be the test of at least one claim
    // that is itself outdated or wrong, or the map is missing a point the bank corrects.
    let m = map();
    let b = bank();
    let mut missing = Vec::new();
    for s in b.scenarios.iter().filter(|s| s.currency != Currency::Current) {
        if !m.claims().any(|(_, c)| c.status != Currency::Current && c.scenarios.contains(&s.id)) {
            missing.push(s.id.clone());
        }
    }
    println!("flagged scenarios with no outdated/wrong claim: {missing:?}");
    assert!(missing.len() <= 5, "{} flagged scenarios are linked by no corrected claim: {missing:?}", missing.len());
}

#[test]
fn coverage_report_and_currency_warnings() {
    let m = map();
    let t = m.tally();
    println!("notes map: {} claims, {} current, {} outdated, {} wrong, {} with no scenario", t.claims, t.current, t.outdated, t.wrong, t.uncovered);
    for n in &m.notes {
        let nt = n.tally();
        println!("  {}: {} claims, {} current, {} outdated, {} wrong, {} uncovered", n.note, nt.claims, nt.current, nt.outdated, nt.wrong, nt.uncovered);
        for c in n.claims.iter().filter(|c| c.is_uncovered()) {
            println!("    uncovered: {} ({})", c.id, c.section);
        }
    }
    let warnings = currency_warnings(&m, &bank());
    println!("{} currency warning(s):", warnings.len());
    for w in &warnings {
        println!("  warning: {w}");
    }
    assert_eq!(t.claims, t.current + t.outdated + t.wrong);
    assert!(t.uncovered * 10 <= t.claims, "{} of {} claims have no scenario (aim: at most 10%)", t.uncovered, t.claims);
    let labs_used: std::collections::BTreeSet<&str> =
        m.claims().flat_map(|(_, c)| c.labs.iter().map(String::as_str)).collect();
    for l in LAB_IDS {
        assert!(labs_used.contains(l), "no claim links lab {l}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Every check fires, naming file, claim, field and reason.

fn has(errors: &[NotesError], file: &str, id: Option<&str>, field: Option<&str>, reason_part: &str) -> bool {
    errors.iter().any(|e| {
        e.file == file && e.id.as_deref() == id && e.field.as_deref() == field && e.reason.contains(reason_part)
    })
}

fn show(errors: &[NotesError]) -> String {
    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_missing_correction_is_refused() {
    let errors = errors_with(NOTE0, |t| {
        t.replacen(
            "correction = \"Every stream still defaults to 1 MiB per record, but since October 2025 it can be raised to 10 MiB per record with MaxRecordSizeInKiB (CreateStream or UpdateMaxRecordSize).\"\n",
            "",
            1,
        )
    });
    assert!(has(&errors, NOTE0, Some("n0-record-max-1-mb"), Some("correction"), "needs a correction"), "{}", show(&errors));
    assert_eq!(errors.len(), 1, "{}", show(&errors));
}

#[test]
fn a_correction_on_a_current_claim_is_refused() {
    let errors = errors_with(NOTE0, |t| {
        t.replacen(
            "id = \"n0-record-has-sequence-number\"\nsection = \"Shards\"\ntext = \"Every record in a shard carries its own sequence number.\"\nstatus = \"current\"\n",
            "id = \"n0-record-has-sequence-number\"\nsection = \"Shards\"\ntext = \"Every record in a shard carries its own sequence number.\"\nstatus = \"current\"\ncorrection = \"x\"\n",
            1,
        )
    });
    assert!(has(&errors, NOTE0, Some("n0-record-has-sequence-number"), Some("correction"), "carries no correction"), "{}", show(&errors));
}

#[test]
fn an_unknown_scenario_is_refused() {
    let errors = errors_with(NOTE0, |t| t.replacen("scenarios = [\"streams-sequence-numbers\"]", "scenarios = [\"no-such-scenario\"]", 1));
    assert!(has(&errors, NOTE0, Some("n0-record-has-sequence-number"), Some("scenarios[0]"), "no exam scenario \"no-such-scenario\""), "{}", show(&errors));
}

#[test]
fn an_unknown_section_is_refused() {
    let errors = errors_with(NOTE0, |t| {
        t.replacen("id = \"n0-record-has-sequence-number\"\nsection = \"Shards\"", "id = \"n0-record-has-sequence-number\"\nsection = \"Trains\"", 1)
    });
    assert!(has(&errors, NOTE0, Some("n0-record-has-sequence-number"), Some("section"), "has no section \"Trains\""), "{}", show(&errors));
}

#[test]
fn a_duplicate_id_is_refused_even_across_files() {
    let errors = errors_with(NOTE0, |t| t.replacen("id = \"n0-record-has-sequence-number\"", "id = \"n2-record-parts\"", 1));
    assert!(
        errors.iter().any(|e| e.id.as_deref() == Some("n2-record-parts") && e.field.as_deref() == Some("id") && e.reason.contains("duplicate id")),
        "{}",
        show(&errors)
    );
    let errors = errors_with(NOTE0, |t| t.replacen("id = \"n0-record-has-sequence-number\"", "id = \"n0-record-max-1-mb\"", 1));
    assert!(has(&errors, NOTE0, Some("n0-record-max-1-mb"), Some("id"), &format!("already used in {NOTE0}")), "{}", show(&errors));
}

#[test]
fn unknown_sources_labs_and_fields_are_refused() {
    let errors = errors_with(NOTE0, |t| t.replacen("sources = [\"§1 Identifiers and routing\"]", "sources = [\"§9 Nowhere\"]", 1));
    assert!(errors.iter().any(|e| e.field.as_deref() == Some("sources[0]") && e.reason.contains("no FACTS section \"§9 Nowhere\"")), "{}", show(&errors));
    let errors = errors_with(NOTE0, |t| t.replacen("labs = [\"shard-math\"]", "labs = [\"hot-shard\"]", 1));
    assert!(errors.iter().any(|e| e.field.as_deref() == Some("labs[0]") && e.reason.contains("no lab \"hot-shard\"")), "{}", show(&errors));
    let errors = errors_with(NOTE0, |t| t.replacen("text = \"Every record in a shard", "txt = \"Every record in a shard", 1));
    assert!(
        errors.iter().any(|e| e.file == NOTE0 && e.field.as_deref() == Some("txt") && e.id.as_deref() == Some("n0-record-has-sequence-number")),
        "{}",
        show(&errors)
    );
}

#[test]
fn a_missing_or_misnamed_file_is_refused() {
    let b = bank();
    let mut files = files_on_disk();
    files.retain(|(n, _)| n != NOTE0);
    let errors = parse(&files, &b).expect_err("a note without claims");
    assert!(errors.iter().any(|e| e.file == NOTE0 && e.reason.contains("missing")), "{}", show(&errors));

    let mut files = files_on_disk();
    let text = files.iter().find(|(n, _)| n == NOTE0).unwrap().1.clone();
    files.retain(|(n, _)| n != NOTE0);
    files.push(("labs/notes/zero.toml".into(), text));
    let errors = parse(&files, &b).expect_err("a misnamed file");
    assert!(has(&errors, "labs/notes/zero.toml", None, Some("note"), "belong in labs/notes/000_02edc0dc046d171c.toml"), "{}", show(&errors));
}

#[test]
fn invalid_toml_names_its_file() {
    let errors = errors_with(NOTE0, |t| format!("{t}\n[[claim]\n"));
    assert!(errors.iter().any(|e| e.file == NOTE0 && e.id.is_none()), "{}", show(&errors));
}

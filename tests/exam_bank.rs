//! The exam scenario bank (labs/exam/*.toml): the whole bank loads cleanly and covers what issue 6 asks
//! for, every validation rule fires on a bad file with the exact error, and the checked-in lists of note
//! sections and FACTS sections still match ../shared when it is present.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use kinesis_lab::exam::bank::{Bank, SEED_SECTIONS_FILE, SOURCES_FILE};
use kinesis_lab::exam::{load_bank, parse_bank, Answer, BankError, Catalog, Kind, Service, BANK_FILES};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bank() -> Bank {
    match load_bank() {
        Ok(b) => b,
        Err(errors) => {
            let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("the bank has {} problem(s):\n{}", list.len(), list.join("\n"));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// The real bank.

#[test]
fn the_bank_loads_with_no_errors_and_has_enough_scenarios() {
    let b = bank();
    let n = b.scenarios.len();
    let count = |k: Kind| b.scenarios.iter().filter(|s| s.kind == k).count();
    let (single, multiple, numeric) = (count(Kind::Single), count(Kind::Multiple), count(Kind::Numeric));
    println!("{n} scenarios: {single} single, {multiple} multiple, {numeric} numeric");
    assert!(n >= 120, "only {n} scenarios; issue 6 asks for at least 120");
    assert!(numeric >= 15, "only {numeric} numeric scenarios; at least 15 wanted");
    assert!(multiple >= 10, "only {multiple} multiple-answer scenarios");
    assert!(single * 2 > n, "single-answer scenarios should be the majority ({single} of {n})");
}

#[test]
fn every_service_is_covered() {
    let b = bank();
    for s in Service::ALL {
        let n = b.about(s).count();
        println!("{}: {n}", s.as_str());
        assert!(n >= 10, "only {n} scenarios about {}", s.as_str());
        assert!(b.about(s).any(|x| x.kind == Kind::Numeric), "no numeric scenario about {}", s.as_str());
    }
}

#[test]
fn every_note_is_cited_at_least_once() {
    let b = bank();
    let cited: BTreeSet<&str> =
        b.scenarios.iter().flat_map(|s| s.sources.iter().filter_map(|src| src.seed.as_deref())).collect();
    for note in &b.catalog.notes {
        assert!(cited.contains(note.file.as_str()), "no scenario cites {}", note.file);
    }
    assert_eq!(b.catalog.notes.len(), 5, "the five study notes");
}

#[test]
fn outdated_and_wrong_notes_are_flagged_where_facts_section_6_says_so() {
    // FACTS.md §6 lists where the notes differ from AWS today; each of these topics must be taught with a
    // correction somewhere in the bank.
    let b = bank();
    let flagged: Vec<String> = b
        .scenarios
        .iter()
        .filter(|s| s.correction.is_some())
        .map(|s| format!("{} {}", s.stem, s.correction.as_deref().unwrap()).to_lowercase())
        .collect();
    for needle in [
        "365 days",
        "10 mib",
        "zero buffering",
        "managed service for apache flink",
        "amazon data firehose",
        "video analytics",
        "256 unicode characters",
        "24 hours",
        "scal",
        "retired",
        "opensearch",
    ] {
        assert!(flagged.iter().any(|t| t.contains(needle)), "no corrected scenario mentions {needle:?}");
    }
}

#[test]
fn grading_the_keyed_answer_is_right_and_a_wrong_one_is_not() {
    let b = bank();
    for s in &b.scenarios {
        match s.kind {
            Kind::Single => {
                let right = s.correct_indices()[0];
                assert!(s.grade(&Answer::Single(right)), "{}", s.id);
                let wrong = (0..s.options.len()).find(|i| *i != right).unwrap();
                assert!(!s.grade(&Answer::Single(wrong)), "{}", s.id);
            }
            Kind::Multiple => {
                let right = s.correct_indices();
                assert!(s.grade(&Answer::Multiple(right.clone())), "{}", s.id);
                assert!(!s.grade(&Answer::Multiple(right[1..].to_vec())), "{}: a subset passed", s.id);
            }
            Kind::Numeric => {
                let a = s.answer.unwrap();
                assert!(s.grade(&Answer::Numeric(a)), "{}", s.id);
                assert!(!s.grade(&Answer::Numeric(a * 1.5 + 1.0)), "{}", s.id);
            }
        }
    }
}

#[test]
fn every_bank_file_is_listed_once_and_holds_scenarios() {
    let listed: BTreeSet<&str> = BANK_FILES.iter().map(|(name, _)| *name).collect();
    assert_eq!(listed.len(), BANK_FILES.len(), "a file is listed twice in BANK_FILES");
    let on_disk: BTreeSet<String> = std::fs::read_dir(root().join("labs/exam"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .map(|n| format!("labs/exam/{n}"))
        .collect();
    let listed: BTreeSet<String> = listed.into_iter().map(String::from).collect();
    assert_eq!(on_disk, listed, "labs/exam/*.toml and BANK_FILES differ");
    let b = bank();
    for (name, _) in BANK_FILES {
        assert!(b.scenarios.iter().any(|s| s.file == *name), "{name} holds no scenarios");
    }
}

// ---------------------------------------------------------------------------------------------------------
// The checked-in source lists against ../shared, when it is there.

fn shared() -> PathBuf {
    root().parent().unwrap().join("shared")
}

fn python() -> Option<&'static str> {
    ["python3", "python"]
        .into_iter()
        .find(|p| Command::new(p).arg("--version").output().is_ok_and(|o| o.status.success()))
}

#[test]
fn seed_sections_still_match_the_notes() {
    let seeds = shared().join("seeds");
    if !seeds.is_dir() {
        println!(
            "note: {} is absent; skipping the check of labs/seed-sections.toml against the notes",
            seeds.display()
        );
        return;
    }
    let catalog = Catalog::embedded().unwrap();
    // Without Python: every listed note exists and every listed heading is a line of it.
    let on_disk: BTreeSet<String> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    let listed: BTreeSet<String> = catalog.notes.iter().map(|n| n.file.clone()).collect();
    assert_eq!(on_disk, listed, "the notes in {} and labs/seed-sections.toml differ", seeds.display());
    for note in &catalog.notes {
        let text = std::fs::read_to_string(seeds.join(&note.file)).unwrap();
        let lines: BTreeSet<String> = text
            .lines()
            .map(|l| {
                l.replace('\u{1f517}', "").trim().trim_matches('*').trim().trim_end_matches(':').trim().to_string()
            })
            .collect();
        for section in &note.sections {
            let norm: String = section.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                lines.iter().any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == norm),
                "{}: no heading line {section:?}",
                note.file
            );
        }
    }
    // With Python: the generator reproduces the checked-in file byte for byte.
    match python() {
        Some(py) => {
            let out = Command::new(py)
                .arg(root().join("scripts/seed_sections.py"))
                .arg("--check")
                .arg("--seeds")
                .arg(&seeds)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "labs/seed-sections.toml is stale:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        None => println!("note: no python3; checked the headings natively only"),
    }
}

#[test]
fn facts_sections_in_sources_toml_exist_in_facts_md() {
    let facts = shared().join("reference/FACTS.md");
    let Ok(text) = std::fs::read_to_string(&facts) else {
        println!("note: {} is absent; skipping the check of labs/sources.toml against it", facts.display());
        return;
    };
    let catalog = Catalog::embedded().unwrap();
    for f in &catalog.facts {
        let heading = format!("## {}", f.heading);
        let start = text.lines().position(|l| l.trim_end() == heading);
        let Some(start) = start else { panic!("{}: FACTS.md has no heading {heading:?}", f.id) };
        let number = f.heading.split('.').next().unwrap();
        assert!(f.id.starts_with(&format!("§{number} ")), "{}: id does not match heading {}", f.id, f.heading);
        if let Some(block) = &f.block {
            let body: Vec<&str> = text.lines().skip(start + 1).take_while(|l| !l.starts_with("## ")).collect();
            assert!(body.iter().any(|l| l.trim_end() == block), "{}: no paragraph {block:?} under {heading:?}", f.id);
        }
    }
}

/// The bank is written in its own words: no run of this many words from a note or from FACTS.md appears in
/// any stem, option, explanation or correction. (Shorter runs are allowed: service names, exam titles and
/// price lists such as "$0.015 per shard-hour" are shared vocabulary, not copied sentences.)
const COPIED_RUN_WORDS: usize = 10;

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

fn runs(text: &str) -> Vec<Vec<String>> {
    words(text).windows(COPIED_RUN_WORDS).map(<[String]>::to_vec).collect()
}

#[test]
fn no_sentence_is_copied_from_the_notes_or_facts() {
    let mut sources: Vec<PathBuf> = match std::fs::read_dir(shared().join("seeds")) {
        Ok(dir) => dir.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect(),
        Err(_) => {
            println!("note: {} is absent; skipping the copied-text check", shared().join("seeds").display());
            return;
        }
    };
    sources.push(shared().join("reference/FACTS.md"));
    let mut seen = std::collections::HashMap::new();
    for path in &sources {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for run in runs(&std::fs::read_to_string(path).unwrap()) {
            seen.entry(run).or_insert_with(|| name.clone());
        }
    }
    let b = bank();
    let mut copied = Vec::new();
    for s in &b.scenarios {
        let mut texts = vec![s.stem.as_str()];
        texts.extend(s.explanation.as_deref());
        texts.extend(s.correction.as_deref());
        for o in &s.options {
            texts.push(&o.text);
            texts.push(&o.explanation);
        }
        for t in texts {
            if let Some((run, from)) = runs(t).into_iter().find_map(|r| seen.get(&r).map(|f| (r.join(" "), f.clone())))
            {
                copied.push(format!("{}: \"{run}\" is in {from}", s.id));
            }
        }
    }
    assert!(copied.is_empty(), "text copied from the sources:\n{}", copied.join("\n"));
}

#[test]
fn the_copied_text_check_can_fail() {
    let sentence = "each shard can support up to five transactions per second for reads";
    let seen: BTreeSet<Vec<String>> = runs(sentence).into_iter().collect();
    let rewritten = "a shard allows five read calls every second, shared by all polling consumers";
    assert!(runs(sentence).iter().any(|r| seen.contains(r)));
    assert!(!runs(rewritten).iter().any(|r| seen.contains(r)));
}

// ---------------------------------------------------------------------------------------------------------
// Each validation rule, proved on a small bad file.

const SEED: &str = "000_02edc0dc046d171c.txt";

/// A valid single-answer scenario; the negative tests change one thing in it.
fn good(id: &str) -> String {
    format!(
        r#"
[[scenario]]
id = "{id}"
domain = "streams"
topic = "shard-math"
kind = "single"
difficulty = 1
currency = "current"
stem = "How many records per second can one shard accept?"
sources = [{{ seed = "{SEED}", section = "Useful facts" }}, {{ facts = "§1 Writes" }}]
exams = [{{ exam = "DEA-C01", domain = "Data Ingestion and Transformation" }}]
prove_it = {{ sandbox = "streams" }}

[[scenario.options]]
text = "1,000"
correct = true
explanation = "The write limit per shard."

[[scenario.options]]
text = "500"
correct = false
explanation = "That is the PutRecords batch size."

[[scenario.options]]
text = "5"
correct = false
explanation = "That is reads per second."
"#
    )
}

const NUMERIC: &str = r#"
[[scenario]]
id = "n"
domain = "firehose"
topic = "pricing"
kind = "numeric"
difficulty = 2
currency = "current"
stem = "What does it cost?"
answer = 1.45
tolerance = { absolute = 0.01 }
unit = "USD"
explanation = "50 GB x $0.029."
sources = [{ facts = "§5 Prices" }]
exams = [{ exam = "MLA-C01", domain = "Data Preparation for Machine Learning (ML)" }]
"#;

const MULTIPLE: &str = r#"
[[scenario]]
id = "m"
domain = "video"
topic = "media"
kind = "multiple"
difficulty = 2
currency = "current"
stem = "Which can Kinesis Video Streams carry? (Choose two.)"
sources = [{ facts = "§4 Kinesis Video Streams" }]
exams = [{ exam = "MLS-C01", domain = "Data Engineering" }]

[[scenario.options]]
text = "Video"
correct = true
explanation = "Yes."

[[scenario.options]]
text = "Audio"
correct = true
explanation = "Yes."

[[scenario.options]]
text = "SQL tables"
correct = false
explanation = "No."
"#;

fn catalog() -> Catalog {
    Catalog::embedded().expect("labs/seed-sections.toml and labs/sources.toml load")
}

fn errors_of(toml: &str) -> Vec<BankError> {
    match parse_bank(&[("bad.toml", toml)], &catalog()) {
        Ok(_) => vec![],
        Err(e) => e,
    }
}

fn err(id: Option<&str>, field: Option<&str>, reason: &str) -> BankError {
    BankError::new("bad.toml", id, field, reason)
}

/// The file gives exactly this one error.
#[track_caller]
fn assert_only(toml: &str, expected: BankError) {
    assert_eq!(errors_of(toml), vec![expected]);
}

#[track_caller]
fn replace(src: &str, from: &str, to: &str) -> String {
    assert!(src.contains(from), "test bug: {from:?} is not in the template");
    src.replacen(from, to, 1)
}

#[test]
fn the_templates_are_valid() {
    assert_eq!(errors_of(&good("a")), vec![]);
    assert_eq!(errors_of(NUMERIC), vec![]);
    assert_eq!(errors_of(MULTIPLE), vec![]);
    let b = parse_bank(&[("bad.toml", &good("a")), ("other.toml", NUMERIC)], &catalog()).unwrap();
    assert_eq!(b.scenarios.len(), 2);
    assert_eq!(b.scenarios[1].file, "other.toml");
}

#[test]
fn rule_ids_are_unique_within_and_across_files() {
    let two = format!("{}{}", good("dup"), good("dup"));
    assert_only(&two, err(Some("dup"), Some("id"), "duplicate id: already used in bad.toml"));
    let across = parse_bank(&[("a.toml", &good("x")), ("b.toml", &good("x"))], &catalog()).unwrap_err();
    assert_eq!(across, vec![BankError::new("b.toml", Some("x"), Some("id"), "duplicate id: already used in a.toml")]);
}

#[test]
fn rule_ids_and_topics_are_kebab_case() {
    assert_only(
        &good("Hot_Shard"),
        err(
            Some("Hot_Shard"),
            Some("id"),
            "\"Hot_Shard\" is not kebab-case (lowercase letters, digits and single hyphens)",
        ),
    );
    let bad = replace(&good("a"), "topic = \"shard-math\"", "topic = \"shard math\"");
    assert_only(&bad, err(Some("a"), Some("topic"), "\"shard math\" is not kebab-case"));
}

#[test]
fn rule_single_has_exactly_one_correct_option() {
    let two = replace(&good("a"), "correct = false", "correct = true");
    assert_only(
        &two,
        err(Some("a"), Some("options"), "a single-answer scenario needs exactly 1 correct option, found 2"),
    );
    let none = replace(&good("a"), "correct = true", "correct = false");
    assert_only(
        &none,
        err(Some("a"), Some("options"), "a single-answer scenario needs exactly 1 correct option, found 0"),
    );
}

#[test]
fn rule_single_has_at_least_three_options_and_never_asks_for_several() {
    let cut = good("a");
    let cut = &cut[..cut.rfind("[[scenario.options]]").unwrap()];
    assert_only(cut, err(Some("a"), Some("options"), "a single-answer scenario needs at least 3 options, found 2"));
    let bad = replace(&good("a"), "accept?", "accept? (Choose two.)");
    assert_only(&bad, err(Some("a"), Some("stem"), "the stem asks to choose 2, but the scenario is single-answer"));
}

#[test]
fn rule_multiple_has_two_or_more_correct() {
    let one = replace(MULTIPLE, "correct = true", "correct = false");
    let errors = errors_of(&one);
    assert!(errors.contains(&BankError::new(
        "bad.toml",
        Some("m"),
        Some("options"),
        "a multiple-answer scenario needs at least 2 correct options, found 1"
    )));
    let all = replace(MULTIPLE, "correct = false", "correct = true");
    let errors = errors_of(&all);
    assert!(
        errors.contains(&err(Some("m"), Some("options"), "a multiple-answer scenario needs at least 1 wrong option")),
        "{errors:?}"
    );
}

#[test]
fn rule_multiple_stem_states_how_many() {
    let silent = replace(MULTIPLE, " (Choose two.)", "");
    assert_only(
        &silent,
        err(Some("m"), Some("stem"), "a multiple-answer stem must say how many to choose (\"Choose two.\")"),
    );
    let mismatch = replace(MULTIPLE, "(Choose two.)", "(Choose three.)");
    assert_only(&mismatch, err(Some("m"), Some("stem"), "the stem asks to choose 3, but 2 options are correct"));
}

#[test]
fn rule_numeric_has_answer_tolerance_unit_and_explanation() {
    let no_answer = replace(NUMERIC, "answer = 1.45\n", "");
    assert_only(&no_answer, err(Some("n"), Some("answer"), "a numeric scenario needs an answer"));
    let no_tol = replace(NUMERIC, "tolerance = { absolute = 0.01 }\n", "");
    assert_only(
        &no_tol,
        err(Some("n"), Some("tolerance"), "a numeric scenario needs a tolerance ({ absolute = x } or { percent = x })"),
    );
    let no_unit = replace(NUMERIC, "unit = \"USD\"\n", "");
    assert_only(&no_unit, err(Some("n"), Some("unit"), "a numeric scenario needs a unit"));
    let no_expl = replace(NUMERIC, "explanation = \"50 GB x $0.029.\"\n", "");
    assert_only(
        &no_expl,
        err(Some("n"), Some("explanation"), "a numeric scenario needs an explanation with the worked arithmetic"),
    );
    let negative = replace(NUMERIC, "absolute = 0.01", "percent = -1");
    assert_only(&negative, err(Some("n"), Some("tolerance"), "the tolerance must be a finite number, zero or more"));
    let bad_tol = replace(NUMERIC, "absolute = 0.01", "abs = 0.01");
    assert_only(&bad_tol, err(Some("n"), Some("tolerance"), "unknown variant `abs`, expected `absolute` or `percent`"));
}

#[test]
fn rule_numeric_has_no_options_and_choices_have_no_answer() {
    let with_option = format!("{NUMERIC}\n[[scenario.options]]\ntext = \"x\"\ncorrect = true\nexplanation = \"y\"\n");
    assert_only(&with_option, err(Some("n"), Some("options"), "a numeric scenario has no options"));
    let with_answer = replace(&good("a"), "difficulty = 1\n", "difficulty = 1\nanswer = 3\nunit = \"shards\"\n");
    assert_eq!(
        errors_of(&with_answer),
        vec![
            err(Some("a"), Some("answer"), "only numeric scenarios have `answer`"),
            err(Some("a"), Some("unit"), "only numeric scenarios have `unit`"),
        ]
    );
}

#[test]
fn rule_every_option_has_an_explanation() {
    let missing = replace(&good("a"), "explanation = \"That is reads per second.\"\n", "");
    assert_only(&missing, err(Some("a"), Some("options.explanation"), "missing field `explanation`"));
    let empty = replace(&good("a"), "\"That is reads per second.\"", "\"  \"");
    assert_only(
        &empty,
        err(Some("a"), Some("options[2].explanation"), "every option needs an explanation of why it is right or wrong"),
    );
}

#[test]
fn rule_option_texts_differ() {
    let bad = replace(&good("a"), "text = \"5\"", "text = \"500\"");
    assert_only(&bad, err(Some("a"), Some("options[2].text"), "repeats options[1]"));
}

#[test]
fn rule_at_least_one_source() {
    let none = replace(
        &good("a"),
        &format!("sources = [{{ seed = \"{SEED}\", section = \"Useful facts\" }}, {{ facts = \"§1 Writes\" }}]"),
        "sources = []",
    );
    assert_only(
        &none,
        err(Some("a"), Some("sources"), "at least one source (a note section or a FACTS section) is required"),
    );
    let absent = replace(
        &good("a"),
        &format!("sources = [{{ seed = \"{SEED}\", section = \"Useful facts\" }}, {{ facts = \"§1 Writes\" }}]\n"),
        "",
    );
    assert_only(&absent, err(Some("a"), Some("sources"), "missing field `sources`"));
}

#[test]
fn rule_cited_notes_and_sections_exist() {
    let no_file = replace(&good("a"), SEED, "009_nope.txt");
    assert_only(
        &no_file,
        err(Some("a"), Some("sources[0].seed"), "no note named \"009_nope.txt\" in labs/seed-sections.toml"),
    );
    let no_section = replace(&good("a"), "\"Useful facts\"", "\"Useless facts\"");
    let errors = errors_of(&no_section);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].id.as_deref(), errors[0].field.as_deref()), (Some("a"), Some("sources[0].section")));
    assert!(
        errors[0]
            .reason
            .starts_with(&format!("note {SEED} has no section \"Useless facts\"; its sections are: Amazon Kinesis | ")),
        "{}",
        errors[0].reason
    );
    let no_section_given = replace(&good("a"), ", section = \"Useful facts\"", "");
    assert_only(
        &no_section_given,
        err(Some("a"), Some("sources[0].section"), "a note source needs the section it cites"),
    );
    let orphan_section = replace(&good("a"), &format!("seed = \"{SEED}\", "), "");
    assert_only(
        &orphan_section,
        err(Some("a"), Some("sources[0].seed"), "a section needs the note (seed) it belongs to"),
    );
}

#[test]
fn rule_cited_facts_sections_exist() {
    let bad = replace(&good("a"), "§1 Writes", "§1 Writing");
    assert_only(&bad, err(Some("a"), Some("sources[1].facts"), "no FACTS section \"§1 Writing\" in labs/sources.toml"));
    let both =
        replace(&good("a"), "section = \"Useful facts\" }", "section = \"Useful facts\", facts = \"§1 Writes\" }");
    assert_only(
        &both,
        err(
            Some("a"),
            Some("sources[0]"),
            "a source is either a note section (seed + section) or a FACTS section (facts), not both",
        ),
    );
    let empty = replace(&good("a"), "{ facts = \"§1 Writes\" }", "{}");
    assert_only(&empty, err(Some("a"), Some("sources[1]"), "an empty source: give seed + section, or facts"));
}

#[test]
fn rule_exams_and_domains_come_from_the_exam_guides() {
    let domain = replace(&good("a"), "Data Ingestion and Transformation", "Data Ingestion");
    assert_only(
        &domain,
        err(
            Some("a"),
            Some("exams[0].domain"),
            "\"Data Ingestion\" is not a domain of DEA-C01; its domains are: Data Ingestion and Transformation | Data Store Management | Data Operations and Support | Data Security and Governance",
        ),
    );
    let exam = replace(&good("a"), "exam = \"DEA-C01\"", "exam = \"SAA-C03\"");
    let errors = errors_of(&exam);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].id.as_deref(), errors[0].field.as_deref()), (Some("a"), Some("exams.exam")));
    assert!(errors[0].reason.starts_with("unknown variant `SAA-C03`"), "{}", errors[0].reason);
    let none = replace(
        &good("a"),
        "exams = [{ exam = \"DEA-C01\", domain = \"Data Ingestion and Transformation\" }]",
        "exams = []",
    );
    assert_only(&none, err(Some("a"), Some("exams"), "at least one exam is required"));
    let twice = replace(
        &good("a"),
        "exams = [{ exam = \"DEA-C01\", domain = \"Data Ingestion and Transformation\" }]",
        "exams = [{ exam = \"DEA-C01\", domain = \"Data Ingestion and Transformation\" }, { exam = \"DEA-C01\", domain = \"Data Store Management\" }]",
    );
    assert_only(&twice, err(Some("a"), Some("exams[1].exam"), "DEA-C01 is listed twice"));
}

#[test]
fn rule_prove_it_names_an_existing_sandbox_route() {
    let route = replace(&good("a"), "sandbox = \"streams\"", "sandbox = \"kafka\"");
    assert_only(
        &route,
        err(Some("a"), Some("prove_it.sandbox"), "no sandbox route #/kafka; the sandboxes are #/streams, #/firehose"),
    );
    let exam_page = replace(&good("a"), "sandbox = \"streams\"", "sandbox = \"exam\"");
    assert_eq!(errors_of(&exam_page).len(), 1, "#/exam is a route but not a sandbox");
    let lab = replace(&good("a"), "sandbox = \"streams\"", "lab = \"hot-shard\"");
    let labs = kinesis_lab::exam::bank::KNOWN_LABS.join(", ");
    assert_only(&lab, err(Some("a"), Some("prove_it.lab"), &format!("no lab named \"hot-shard\"; the labs are: {labs}")));
    let both = replace(&good("a"), "sandbox = \"streams\"", "sandbox = \"streams\", lab = \"x\"");
    assert_only(&both, err(Some("a"), Some("prove_it"), "prove_it names exactly one of sandbox or lab"));
    // A lab that exists in the catalog is accepted.
    let mut with_labs = catalog();
    with_labs.labs.push("hot-shard".into());
    assert!(parse_bank(&[("bad.toml", &lab)], &with_labs).is_ok());
    let known = replace(&good("a"), "sandbox = \"streams\"", "lab = \"shard-math\"");
    assert!(parse_bank(&[("ok.toml", &known)], &catalog()).is_ok(), "a lab of KNOWN_LABS is accepted");
}

/// Issue 6: "Prove it" opens a state that exists. The Analytics and Video sandboxes are not built (their route
/// shows a "not built yet" page), so a scenario may not send the learner there.
#[test]
fn rule_prove_it_refuses_a_sandbox_that_is_not_built() {
    for unbuilt in ["analytics", "video"] {
        let bad = replace(&good("a"), "sandbox = \"streams\"", &format!("sandbox = \"{unbuilt}\""));
        assert_only(
            &bad,
            err(
                Some("a"),
                Some("prove_it.sandbox"),
                &format!("no sandbox route #/{unbuilt}; the sandboxes are #/streams, #/firehose"),
            ),
        );
    }
    let bank = load_bank().expect("the bank loads");
    for s in &bank.scenarios {
        if let Some(p) = &s.prove_it {
            let route = kinesis_lab::viz::route::Route::from_hash(&p.route());
            assert!(route.is_built() || p.lab.is_some(), "{}: {}", s.id, p.route());
        }
    }
}

#[test]
fn rule_outdated_and_wrong_need_a_correction_and_current_has_none() {
    for currency in ["outdated", "wrong"] {
        let bad = replace(&good("a"), "currency = \"current\"", &format!("currency = \"{currency}\""));
        assert_only(
            &bad,
            err(
                Some("a"),
                Some("correction"),
                "a scenario about an outdated or wrong note needs a correction saying what AWS does today",
            ),
        );
        let fixed = replace(&bad, "difficulty = 1\n", "difficulty = 1\ncorrection = \"Today it is 10 MiB.\"\n");
        assert_eq!(errors_of(&fixed), vec![], "{currency} with a correction is fine");
    }
    let current = replace(&good("a"), "difficulty = 1\n", "difficulty = 1\ncorrection = \"x\"\n");
    assert_only(&current, err(Some("a"), Some("correction"), "a current scenario carries no correction"));
    let unknown = replace(&good("a"), "currency = \"current\"", "currency = \"stale\"");
    assert_only(
        &unknown,
        err(Some("a"), Some("currency"), "unknown variant `stale`, expected one of `current`, `outdated`, `wrong`"),
    );
}

#[test]
fn rule_difficulty_is_one_to_three() {
    for d in [0, 4] {
        let bad = replace(&good("a"), "difficulty = 1", &format!("difficulty = {d}"));
        assert_only(&bad, err(Some("a"), Some("difficulty"), &format!("difficulty must be 1, 2 or 3, not {d}")));
    }
}

#[test]
fn rule_fields_are_known_typed_and_present() {
    let typo = replace(&good("a"), "stem =", "stme =");
    let errors = errors_of(&typo);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].id.as_deref(), errors[0].field.as_deref()), (Some("a"), Some("stme")));
    assert!(errors[0].reason.starts_with("unknown field `stme`, expected one of"), "{}", errors[0].reason);
    let kind = replace(&good("a"), "kind = \"single\"", "kind = \"essay\"");
    assert_only(
        &kind,
        err(Some("a"), Some("kind"), "unknown variant `essay`, expected one of `single`, `multiple`, `numeric`"),
    );
    let domain = replace(&good("a"), "domain = \"streams\"", "domain = \"kafka\"");
    assert_only(
        &domain,
        err(
            Some("a"),
            Some("domain"),
            "unknown variant `kafka`, expected one of `streams`, `firehose`, `analytics`, `video`",
        ),
    );
    let typed = replace(&good("a"), "difficulty = 1", "difficulty = \"easy\"");
    assert_only(&typed, err(Some("a"), Some("difficulty"), "invalid type: string \"easy\", expected u8"));
    let empty_stem = replace(&good("a"), "How many records per second can one shard accept?", " ");
    assert_only(&empty_stem, err(Some("a"), Some("stem"), "the stem is empty"));
    let no_id = replace(&good("a"), "id = \"a\"\n", "");
    assert_only(&no_id, err(None, Some("id"), "missing field `id`"));
}

#[test]
fn rule_a_file_is_valid_toml_holding_only_scenarios() {
    let broken = replace(&good("a"), "difficulty = 1", "difficulty = ");
    let errors = errors_of(&broken);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].file.as_str(), errors[0].id.as_deref(), errors[0].field.as_deref()),
        ("bad.toml", None, None)
    );
    assert!(errors[0].reason.contains("line 7"), "the parse error says where: {}", errors[0].reason);
    assert_only("", err(None, None, "no [[scenario]] tables"));
    let extra = format!("title = \"x\"\n{}", good("a"));
    assert_only(&extra, err(None, Some("title"), "unknown top-level key: a bank file holds only [[scenario]] tables"));
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let bad = format!(
        "{}{}",
        replace(&good("a"), "difficulty = 1", "difficulty = 9"),
        replace(&good("b"), "§1 Writes", "§9 Nothing")
    );
    assert_eq!(
        errors_of(&bad),
        vec![
            err(Some("a"), Some("difficulty"), "difficulty must be 1, 2 or 3, not 9"),
            err(Some("b"), Some("sources[1].facts"), "no FACTS section \"§9 Nothing\" in labs/sources.toml"),
        ]
    );
    let shown = errors_of(&bad)[1].to_string();
    assert_eq!(
        shown,
        "bad.toml: scenario `b`: `sources[1].facts`: no FACTS section \"§9 Nothing\" in labs/sources.toml"
    );
}

#[test]
fn rule_the_source_lists_agree_with_each_other() {
    let (name, text) = SOURCES_FILE;
    let cut = text.replacen("file = \"004_1584bb3a9ec9c728.txt\"", "file = \"005_missing.txt\"", 1);
    let errors = Catalog::from_files(SEED_SECTIONS_FILE, (name, &cut), &[]).unwrap_err();
    assert_eq!(
        errors,
        vec![
            BankError::new(
                name,
                None,
                Some("note"),
                "note 004_1584bb3a9ec9c728.txt has sections in labs/seed-sections.toml but no [[note]] entry here"
            ),
            BankError::new(
                name,
                None,
                Some("note"),
                "note 005_missing.txt is described here but has no sections in labs/seed-sections.toml"
            ),
        ]
    );
    let twice =
        format!("{text}\n[[facts]]\nid = \"§1 Writes\"\nheading = \"x\"\npages = [\"https://docs.aws.amazon.com/\"]\n");
    let errors = Catalog::from_files(SEED_SECTIONS_FILE, (name, &twice), &[]).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].reason, "FACTS section \"§1 Writes\" is listed twice");
    let no_page = format!("{text}\n[[facts]]\nid = \"§7 New\"\nheading = \"x\"\npages = []\n");
    let errors = Catalog::from_files(SEED_SECTIONS_FILE, (name, &no_page), &[]).unwrap_err();
    assert_eq!(errors[0].reason, "FACTS section \"§7 New\" needs one or more https:// AWS pages");
    assert!(Path::new(&root().join(name)).is_file());
}

/// The page reads the bank from build.rs's JSON (no TOML parser in the browser): it must be the very same
/// bank, scenario for scenario, as the TOML the other tests check.
#[test]
fn the_embedded_json_bank_equals_the_toml_bank() {
    let from_toml = load_bank().expect("TOML bank loads");
    let from_json = kinesis_lab::exam::bank::load_embedded_bank().expect("JSON bank loads");
    assert_eq!(from_json.scenarios.len(), from_toml.scenarios.len());
    assert_eq!(from_json, from_toml);
}

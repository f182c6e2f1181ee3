//! Every embedded guided lab, end to end: it validates; its start state meets none of its checks; its
//! reference solution, replayed after the start, meets every check; its score is computed. Plus the
//! validator's and the step language's error reports, and a property test that no line panics.

use kinesis_lab::labs::{self, script, validate::LabError, Lab};
use proptest::prelude::*;

fn embedded() -> Vec<Lab> {
    match labs::load_embedded() {
        Ok(l) => l,
        Err(errors) => panic!("embedded labs do not validate:\n{}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")),
    }
}

#[test]
fn every_embedded_lab_validates_from_toml_and_json_alike() {
    let labs = embedded();
    assert!(!labs.is_empty());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for lab in &labs {
        assert!(labs::LAB_IDS.contains(&lab.id.as_str()), "{} is not one of the eight lab ids", lab.id);
        let file = format!("labs/guided/{}.toml", lab.id);
        let text = std::fs::read_to_string(root.join(&file)).expect("lab file readable");
        let from_toml = labs::parse_lab_toml(&file, &text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(&from_toml, lab, "{file}: TOML and embedded JSON read differently");
    }
}

/// One lab: start meets no check, the solution meets all, the score is computed.
fn replay(lab: &Lab) {
    let (mut sandbox, mut run) = labs::start(lab).unwrap_or_else(|e| panic!("{}: start: {e}", lab.id));
    assert_eq!(run.api_calls, 0, "{}: [start] calls are not the learner's", lab.id);
    for status in labs::evaluate(lab, &sandbox, &run) {
        assert!(!status.met, "{}: check {} is already met at the start ({})", lab.id, status.id, status.detail);
    }
    labs::replay(&mut sandbox, &mut run, &lab.solution.steps).unwrap_or_else(|e| panic!("{}: solution: {e}", lab.id));
    let statuses = labs::evaluate(lab, &sandbox, &run);
    let unmet: Vec<String> =
        statuses.iter().filter(|s| !s.met).map(|s| format!("{}: {}", s.id, s.detail)).collect();
    assert!(unmet.is_empty(), "{}: after the solution, unmet checks:\n{}", lab.id, unmet.join("\n"));
    let score = labs::update_completion(lab, &sandbox, &mut run).expect("completes once every check is met");
    assert_eq!(score.rule, lab.score);
    assert!(score.value.is_finite() && score.value >= 0.0, "{}: score {score:?}", lab.id);
    assert!(!score.text.is_empty());
    if lab.score == "fewest_api_calls" {
        let aws_lines = lab.solution.steps.iter().filter(|l| !l.starts_with("answer") && l.contains("aws ")).count();
        assert_eq!(score.value, aws_lines as f64, "{}: one call per aws line of the solution", lab.id);
    }
    // A completed run is not completed twice.
    assert!(labs::update_completion(lab, &sandbox, &mut run).is_none());
}

/// Replays the lab with this id; every one of the eight ids must have its lab file.
/// `every_embedded_lab_has_a_replay_test` makes sure no embedded lab escapes these tests.
fn replay_if_present(id: &str) {
    match embedded().into_iter().find(|l| l.id == id) {
        Some(lab) => replay(&lab),
        None => panic!("{id}: one of labs::LAB_IDS has no labs/guided/{id}.toml"),
    }
}

// One test per lab, so the test harness runs them in parallel.
#[test]
fn replay_shard_math() {
    replay_if_present("shard-math");
}
#[test]
fn replay_resharding_lineage() {
    replay_if_present("resharding-lineage");
}
#[test]
fn replay_streams_vs_firehose() {
    replay_if_present("streams-vs-firehose");
}
#[test]
fn replay_retention_fanout_pricing() {
    replay_if_present("retention-fanout-pricing");
}
#[test]
fn replay_kpl_aggregation_retries() {
    replay_if_present("kpl-aggregation-retries");
}
#[test]
fn replay_kcl_checkpoint_failover() {
    replay_if_present("kcl-checkpoint-failover");
}
#[test]
fn replay_firehose_buffering_transforms() {
    replay_if_present("firehose-buffering-transforms");
}
#[test]
fn replay_hot_shard_detection() {
    replay_if_present("hot-shard-detection");
}

#[test]
fn every_embedded_lab_has_a_replay_test() {
    let source = include_str!("labs_replay.rs");
    for lab in embedded() {
        let call = format!("replay_if_present(\"{}\")", lab.id);
        assert!(source.contains(&call), "{}: add a #[test] calling {call}", lab.id);
    }
}

// ---- the validator ----

const GOOD: &str = r#"
id = "shard-math"
title = "T"
services = ["streams"]
sandbox = "streams"
level = "foundation"
minutes = 10
summary = "S"
score = "fewest_api_calls"

[[objective]]
text = "O"
sources = [{ facts = "§1 Writes" }]

[start]
steps = ["aws kinesis create-stream --stream-name orders --shard-count 1", "wait 1s"]

[[step]]
text = "Do it"

[[question]]
id = "q"
prompt = "P"
kind = "number"
answer = 4
explanation = "E"

[[check]]
id = "c"
text = "C"
when = { kind = "open_shards", stream = "orders", at_least = 2 }

[[hint]]
text = "H"

[solution]
text = "Why"
steps = ["aws kinesis update-shard-count --stream-name orders --target-shard-count 2 --scaling-type UNIFORM_SCALING", "answer q 4"]
"#;

const FILE: &str = "labs/guided/shard-math.toml";

fn errors_of(text: &str) -> Vec<LabError> {
    labs::parse_lab_toml(FILE, text).expect_err("should be refused")
}

fn one_error(text: &str) -> LabError {
    let e = errors_of(text);
    assert_eq!(e.len(), 1, "{e:#?}");
    e.into_iter().next().unwrap()
}

#[test]
fn the_sample_lab_is_valid() {
    let lab = labs::parse_lab_toml(FILE, GOOD).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(lab.checks.len(), 1);
}

#[test]
fn an_unknown_top_level_key_is_named() {
    let e = one_error(&GOOD.replace("minutes = 10", "minutes = 10\ncolour = \"red\""));
    assert_eq!(e.file, FILE);
    assert_eq!(e.field.as_deref(), Some("colour"));
    assert!(e.reason.starts_with("unknown key"), "{e}");
    assert_eq!(e.to_string(), format!("{FILE}: colour: {}", e.reason));
}

#[test]
fn an_unknown_key_inside_a_check_is_named() {
    let e = one_error(&GOOD.replace("text = \"C\"", "text = \"C\"\nweight = 2"));
    assert_eq!(e.field.as_deref(), Some("check[0]"));
    assert!(e.reason.contains("unknown field `weight`"), "{e}");
}

#[test]
fn an_unknown_predicate_is_named() {
    let e = one_error(&GOOD.replace("kind = \"open_shards\"", "kind = \"shards_open\""));
    assert_eq!(e.field.as_deref(), Some("check[0]"));
    assert!(e.reason.contains("unknown variant `shards_open`"), "{e}");
}

#[test]
fn an_unknown_predicate_field_is_named() {
    let e = one_error(&GOOD.replace("at_least = 2 }", "at_least = 2, colour = 1 }"));
    assert_eq!(e.field.as_deref(), Some("check[0]"));
    assert!(e.reason.contains("unknown field `colour`"), "{e}");
}

#[test]
fn a_missing_question_is_named() {
    let e = one_error(&GOOD.replace("\"answer q 4\"", "\"answer r 4\""));
    assert_eq!(e.field.as_deref(), Some("solution.steps[1]"));
    assert_eq!(e.reason, "answers question `r`, which the lab does not have");
    let text = GOOD.replace(
        "when = { kind = \"open_shards\", stream = \"orders\", at_least = 2 }",
        "when = { kind = \"answer\", question = \"nope\" }",
    );
    let e = one_error(&text);
    assert_eq!(e.field.as_deref(), Some("check[0].when.question"));
    assert_eq!(e.reason, "the lab has no question `nope`");
}

#[test]
fn a_stream_the_lab_never_creates_is_named() {
    let e = one_error(&GOOD.replace("stream = \"orders\", at_least", "stream = \"ordrs\", at_least"));
    assert_eq!(e.field.as_deref(), Some("check[0].when.stream"));
    assert_eq!(e.reason, "stream `ordrs` is never created by the lab's start or solution");
}

#[test]
fn a_bad_source_is_named() {
    let e = one_error(&GOOD.replace("{ facts = \"§1 Writes\" }", "{ facts = \"§9 Nothing\" }"));
    assert_eq!(e.field.as_deref(), Some("objective[0].sources[0]"));
    assert_eq!(e.reason, "FACTS section \"§9 Nothing\" is not listed in labs/sources.toml");
    let e = one_error(&GOOD.replace(
        "{ facts = \"§1 Writes\" }",
        "{ note = \"000_02edc0dc046d171c.txt\", section = \"No such heading\" }",
    ));
    assert_eq!(e.field.as_deref(), Some("objective[0].sources[0]"));
    assert!(e.reason.contains("has no section \"No such heading\""), "{e}");
    let e = one_error(&GOOD.replace("{ facts = \"§1 Writes\" }", "{ note = \"999.txt\", section = \"Shards\" }"));
    assert_eq!(e.reason, "note 999.txt is not in labs/seed-sections.toml");
}

#[test]
fn bad_step_syntax_is_named() {
    let e = one_error(&GOOD.replace("\"wait 1s\"", "\"wait one second\""));
    assert_eq!(e.field.as_deref(), Some("start.steps[1]"));
    assert_eq!(e.reason, "`wait one second`: write `wait <duration>`");
    let e = one_error(&GOOD.replace("\"wait 1s\"", "\"wait 1w\""));
    assert_eq!(e.reason, "`wait 1w`: `1w` is not a duration (write e.g. 500ms, 70s, 5m, 2h or 7d)");
}

#[test]
fn id_score_and_counts_are_checked() {
    let e = one_error(&GOOD.replace("id = \"shard-math\"", "id = \"shard-maths\""));
    assert_eq!(e.field.as_deref(), Some("id"));
    assert_eq!(e.reason, "`shard-maths` must equal the file's name `shard-math`");
    let e = one_error(&GOOD.replace("score = \"fewest_api_calls\"", "score = \"most_fun\""));
    assert_eq!(e.field.as_deref(), Some("score"));
    let no_hint = GOOD.replace("[[hint]]\ntext = \"H\"\n", "");
    assert_eq!(one_error(&no_hint).field.as_deref(), Some("hint"));
    let no_check = GOOD.replace(
        "[[check]]\nid = \"c\"\ntext = \"C\"\nwhen = { kind = \"open_shards\", stream = \"orders\", at_least = 2 }\n",
        "",
    );
    assert_eq!(one_error(&no_check).field.as_deref(), Some("check"));
    let choice = GOOD.replace("kind = \"number\"\nanswer = 4", "kind = \"choice\"\noptions = [\"a\", \"b\"]\nanswer = 2");
    let e = errors_of(&choice);
    assert!(e.iter().any(|e| e.field.as_deref() == Some("question[0].answer")), "{e:#?}");
}

#[test]
fn the_json_path_reports_what_the_toml_path_does() {
    let to_json = |text: &str| serde_json::to_string(&text.parse::<toml::Table>().unwrap()).unwrap();
    assert_eq!(labs::parse_lab_json(FILE, &to_json(GOOD)), labs::parse_lab_toml(FILE, GOOD));
    for bad in [
        GOOD.replace("minutes = 10", "minutes = 10\ncolour = \"red\""),
        GOOD.replace("kind = \"open_shards\"", "kind = \"shards_open\""),
        GOOD.replace("\"answer q 4\"", "\"answer r 4\""),
    ] {
        let from_json = labs::parse_lab_json(FILE, &to_json(&bad)).unwrap_err();
        assert_eq!(from_json, errors_of(&bad));
    }
    let e = labs::parse_lab_json(FILE, "[1, 2]").unwrap_err();
    assert_eq!(e[0].reason, "a lab file must be a table of keys");
}

#[test]
fn answers_read_as_numbers_or_option_text() {
    let choice = GOOD.replace(
        "kind = \"number\"\nanswer = 4",
        "kind = \"choice\"\noptions = [\"Data Streams\", \"Firehose\"]\nanswer = 1",
    )
    .replace("\"answer q 4\"", "\"answer q Firehose\"");
    let lab = labs::parse_lab_toml(FILE, &choice).unwrap_or_else(|e| panic!("{e:#?}"));
    let (mut sandbox, mut run) = labs::start(&lab).unwrap();
    assert_eq!(labs::answer_is_right(&lab, &run, "q"), None);
    labs::run_step(&mut sandbox, &mut run, "answer q data streams").unwrap();
    assert_eq!(labs::answer_is_right(&lab, &run, "q"), Some(false));
    labs::run_step(&mut sandbox, &mut run, "answer q firehose").unwrap();
    assert_eq!(labs::answer_is_right(&lab, &run, "q"), Some(true));
    run.set_answer("q", " 1 ");
    assert_eq!(labs::answer_is_right(&lab, &run, "q"), Some(true));
}

#[test]
fn several_problems_are_all_reported() {
    let text = GOOD.replace("level = \"foundation\"", "level = \"expert\"").replace("sandbox = \"streams\"", "sandbox = \"video\"");
    let fields: Vec<Option<String>> = errors_of(&text).into_iter().map(|e| e.field).collect();
    assert_eq!(fields, vec![Some("sandbox".to_string()), Some("level".to_string())]);
}

// ---- the step language ----

#[test]
fn runs_are_deterministic() {
    let lab = labs::parse_lab_toml(FILE, GOOD).unwrap();
    let lines: Vec<String> = [
        "producer add name=p stream=orders rate=1500 bytes=30 keys=hot:3:90",
        "consumer add kind=polling name=r stream=orders",
        "wait 4s",
        "aws kinesis update-shard-count --stream-name orders --target-shard-count 2 --scaling-type UNIFORM_SCALING",
        "wait 3s",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let once = || {
        let (mut sandbox, mut run) = labs::start(&lab).unwrap();
        let out = labs::replay(&mut sandbox, &mut run, &lines).unwrap();
        let p = &sandbox.producers()[0].producer;
        (out, p.stats().records_accepted, p.stats().records_throttled, labs::evaluate(&lab, &sandbox, &run))
    };
    let first = once();
    assert!(first.2 > 0, "the hot key throttles");
    assert_eq!(first, once());
}

#[test]
fn step_errors_name_the_line_number_the_line_and_the_reason() {
    let lab = labs::parse_lab_toml(FILE, GOOD).unwrap();
    let (mut sandbox, mut run) = labs::start(&lab).unwrap();
    assert!(labs::run_step(&mut sandbox, &mut run, "wait 1s").is_ok());
    let e = labs::run_step(&mut sandbox, &mut run, "producer stop nobody").unwrap_err();
    assert_eq!(e.line_number, 2);
    assert_eq!(e.line, "producer stop nobody");
    assert_eq!(e.reason, "there is no producer named nobody");
    assert_eq!(e.to_string(), "line 2: `producer stop nobody`: there is no producer named nobody");
}

#[test]
fn aws_lines_count_calls_and_expect_error_requires_the_error() {
    let lab = labs::parse_lab_toml(FILE, GOOD).unwrap();
    let (mut sandbox, mut run) = labs::start(&lab).unwrap();
    let out = labs::run_step(&mut sandbox, &mut run, "aws kinesis describe-stream-summary --stream-name orders").unwrap();
    assert!(out.contains("\"StreamName\": \"orders\""), "{out}");
    assert_eq!(run.api_calls, 1);
    let e = labs::run_step(&mut sandbox, &mut run, "aws kinesis create-stream --stream-name orders --shard-count 1").unwrap_err();
    assert!(e.reason.contains("ResourceInUseException"), "{e}");
    assert!(labs::run_step(
        &mut sandbox,
        &mut run,
        "expect-error ResourceInUseException aws kinesis create-stream --stream-name orders --shard-count 1"
    )
    .is_ok());
    let e = labs::run_step(
        &mut sandbox,
        &mut run,
        "expect-error ResourceNotFoundException aws kinesis create-stream --stream-name orders --shard-count 1",
    )
    .unwrap_err();
    assert!(e.reason.starts_with("expected ResourceNotFoundException, got"), "{e}");
    assert_eq!(run.api_calls, 4);
}

#[test]
fn producer_and_consumer_lines_drive_the_panels_actors() {
    let lab = labs::parse_lab_toml(FILE, GOOD).unwrap();
    let (mut sandbox, mut run) = labs::start(&lab).unwrap();
    for line in [
        "producer add name=p stream=orders rate=100 bytes=50 keys=fixed:4",
        "consumer add kind=kcl name=app stream=orders workers=2 checkpoint=1s",
        "consumer add kind=polling name=reader stream=orders interval=500ms",
        "wait 20s",
        "consumer stop-worker app worker-1",
        "producer stop p",
    ] {
        labs::run_step(&mut sandbox, &mut run, line).unwrap_or_else(|e| panic!("{e}"));
    }
    let p = &sandbox.producers()[0].producer;
    assert!(!p.config().enabled);
    assert!(p.stats().records_accepted >= 1_900, "{:?}", p.stats().records_accepted);
    assert_eq!(p.config().template.len(), 50);
    let alive = |sb: &kinesis_lab::sim::Sandbox| match &sb.consumers()[0].consumer {
        kinesis_lab::sim::consumers::Consumer::Kcl(g) => g.workers.iter().filter(|w| w.alive).count(),
        _ => panic!("first consumer is the KCL app"),
    };
    assert_eq!(alive(&sandbox), 1);
    labs::run_step(&mut sandbox, &mut run, "consumer start-worker app worker-1").unwrap();
    assert_eq!(alive(&sandbox), 2);
    assert!(labs::run_step(&mut sandbox, &mut run, "consumer stop-worker reader worker-1").is_err());
    assert!(labs::run_step(&mut sandbox, &mut run, "producer add name=p stream=orders rate=1").is_err());
    assert!(labs::run_step(&mut sandbox, &mut run, "producer add name=q stream=nope rate=1").is_err());
    labs::run_step(&mut sandbox, &mut run, "consumer remove reader").unwrap();
    labs::run_step(&mut sandbox, &mut run, "producer remove p").unwrap();
    assert_eq!(sandbox.consumers().len(), 1);
    assert!(sandbox.producers().is_empty());
    assert_eq!(run.api_calls, 0, "panel actions are not terminal calls");
}

#[test]
fn answers_are_checked_against_their_question() {
    let lab = labs::parse_lab_toml(FILE, GOOD).unwrap();
    let (mut sandbox, mut run) = labs::start(&lab).unwrap();
    let check = |sb: &kinesis_lab::sim::Sandbox, run: &labs::LabRun| {
        kinesis_lab::labs::checks::evaluate_predicate(
            &labs::Predicate::Answer { question: "q".into() },
            &lab,
            sb,
            run,
        )
    };
    assert!(!check(&sandbox, &run).met);
    labs::run_step(&mut sandbox, &mut run, "answer q 3").unwrap();
    assert!(!check(&sandbox, &run).met);
    labs::run_step(&mut sandbox, &mut run, "answer q 4").unwrap();
    assert!(check(&sandbox, &run).met);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_line_panics_the_parser_or_the_runner(line in "\\PC{0,80}") {
        let _ = script::parse_line(&line);
        let lab = labs::parse_lab_toml(FILE, GOOD).unwrap();
        let (mut sandbox, mut run) = labs::start(&lab).unwrap();
        let _ = labs::run_step(&mut sandbox, &mut run, &line);
    }

    #[test]
    fn a_damaged_lab_file_is_refused_without_panicking(start in 0usize..2000, len in 0usize..40, junk in "\\PC{0,6}") {
        let bytes: Vec<char> = GOOD.chars().collect();
        let start = start.min(bytes.len());
        let end = (start + len).min(bytes.len());
        let damaged: String = bytes[..start].iter().collect::<String>() + &junk + &bytes[end..].iter().collect::<String>();
        let _ = labs::parse_lab_toml(FILE, &damaged);
        if let Ok(table) = damaged.parse::<toml::Table>() {
            let _ = labs::parse_lab_json(FILE, &serde_json::to_string(&table).unwrap());
        }
    }

    #[test]
    fn no_structured_line_panics(
        verb in prop::sample::select(vec!["producer add", "consumer add", "wait", "fast-forward", "answer q", "expect-error X aws kinesis", "consumer stop-worker", "producer stop"]),
        args in prop::collection::vec("(name|stream|rate|bytes|keys|kind|workers|checkpoint|ttl|retry|start)=[a-z0-9:.]{0,6}|[0-9]{1,4}(ms|s|m|h|d)?|orders", 0..6),
    ) {
        let line = format!("{verb} {}", args.join(" "));
        let _ = script::parse_line(&line);
        let lab = labs::parse_lab_toml(FILE, GOOD).unwrap();
        let (mut sandbox, mut run) = labs::start(&lab).unwrap();
        let _ = labs::run_step(&mut sandbox, &mut run, &line);
    }
}

#[test]
#[ignore = "timing aid: cargo test --test labs_replay time_steps -- --ignored --nocapture"]
fn time_steps() {
    for lab in embedded() {
        let t = std::time::Instant::now();
        let mut sandbox = kinesis_lab::sim::Sandbox::new(Default::default(), kinesis_lab::engine::time::DEFAULT_SANDBOX_START_MS);
        let mut run = labs::LabRun::new(&lab.id, 0);
        for line in lab.start.steps.iter().chain(&lab.solution.steps) {
            let s = std::time::Instant::now();
            labs::run_step(&mut sandbox, &mut run, line).unwrap();
            eprintln!("{:>8.2?} {line}", s.elapsed());
        }
        eprintln!("{}: {:.2?}", lab.id, t.elapsed());
    }
}

#[test]
fn an_unknown_consumer_kind_is_named() {
    let with_reader = GOOD.replace(
        "steps = [\"aws kinesis update-shard-count",
        "steps = [\"consumer add kind=polling name=r stream=orders\", \"aws kinesis update-shard-count",
    );
    let ok = with_reader.replace(
        "{ kind = \"open_shards\", stream = \"orders\", at_least = 2 }",
        "{ kind = \"consumer_records\", consumer = \"r\", at_least = 1, consumer_kind = \"efo\" }",
    );
    assert_ne!(ok, with_reader, "the sample's check was replaced");
    labs::parse_lab_toml(FILE, &ok).unwrap_or_else(|e| panic!("{e:#?}"));
    let errors = errors_of(&ok.replace("consumer_kind = \"efo\"", "consumer_kind = \"fanout\""));
    assert!(
        errors.iter().any(|e| e.field.as_deref().is_some_and(|f| f.ends_with("consumer_kind")) && e.reason.contains("`fanout`")),
        "{errors:#?}"
    );
}

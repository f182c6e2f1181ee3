//! Content checks for three guided labs (labs/guided/): streams-vs-firehose, retention-fanout-pricing and
//! firehose-buffering-transforms. The lab engine's own replay (tests/labs_replay.rs) proves the sandbox
//! side; this file proves the numbers a learner is graded on:
//! - every numeric answer of retention-fanout-pricing is recomputed here with the pricing engine
//!   (src/engine/pricing, rates FACTS.md §5) for the workload the lab states, so the lab can never drift
//!   from the engine; the "cheapest design" choice is the engine's `cheapest_meeting_latency` pick;
//! - the stated workload figures appear in the lab's text, so the prose and the computation agree;
//! - the Firehose timing answers follow from the buffering rule "whichever comes first" (FACTS.md §2).

use kinesis_lab::engine::pricing::compare::{read_latency_ms, CLASSIC_LATENCY_MS_PER_CONSUMER, EFO_LATENCY_MS};
use kinesis_lab::engine::pricing::{
    cheapest_meeting_latency, estimate_streams_on_demand, estimate_streams_provisioned, size_shards, CapacityMode,
    Design, Rates, Workload,
};
use toml::Value;

const PRICING_LAB: &str = "labs/guided/retention-fanout-pricing.toml";
const BUFFERING_LAB: &str = "labs/guided/firehose-buffering-transforms.toml";
const CHOICE_LAB: &str = "labs/guided/streams-vs-firehose.toml";

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Value::Table(toml::from_str::<toml::Table>(&text).unwrap_or_else(|e| panic!("{path}: {e}")))
}

fn question<'a>(lab: &'a Value, id: &str) -> &'a Value {
    lab["question"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["id"].as_str() == Some(id)))
        .unwrap_or_else(|| panic!("no question {id}"))
}

fn number_answer(lab: &Value, id: &str) -> f64 {
    let q = question(lab, id);
    assert_eq!(q["kind"].as_str(), Some("number"), "{id} is a number question");
    match &q["answer"] {
        Value::Integer(i) => *i as f64,
        Value::Float(f) => *f,
        other => panic!("{id}: answer {other:?} is not a number"),
    }
}

fn choice_answer(lab: &Value, id: &str) -> (usize, Vec<String>) {
    let q = question(lab, id);
    assert_eq!(q["kind"].as_str(), Some("choice"), "{id} is a choice question");
    let options = q["options"]
        .as_array()
        .map(|o| o.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    (q["answer"].as_integer().unwrap_or(-1) as usize, options)
}

/// The lab states costs in USD rounded to the cent; the engine's unrounded total must round to it.
fn assert_cents(lab: &Value, id: &str, engine_usd: f64) {
    let stated = number_answer(lab, id);
    assert!(
        (stated - engine_usd).abs() <= 0.005 + 1e-9,
        "{id}: the lab says {stated}, the pricing engine computes {engine_usd:.4}"
    );
}

// ---- retention-fanout-pricing: the workload the lab states ----

/// 2,000 records/s of 1,024 bytes, three reading applications, provisioned shards sized by the rule of thumb.
fn workload(classic: u32, efo: u32, retention_hours: u32) -> Workload {
    Workload {
        records_per_sec: 2000,
        avg_record_bytes: 1024,
        consumers_classic: classic,
        consumers_efo: efo,
        retention_hours,
        shards: None,
        long_term_read_gb_per_month: 0,
    }
}

fn provisioned(w: &Workload) -> f64 {
    estimate_streams_provisioned(w, &Rates::us_east_1_nov_2026()).expect("prices").total_usd
}

fn on_demand(w: &Workload) -> f64 {
    estimate_streams_on_demand(w, &Rates::us_east_1_nov_2026()).expect("prices").total_usd
}

/// The designs of the "cheapest-design" question, in the order of its options.
fn designs() -> Vec<Design> {
    let d = |name: &str, mode, classic, efo| Design { name: name.into(), mode, workload: workload(classic, efo, 168) };
    vec![
        d("provisioned, three classic consumers", CapacityMode::Provisioned, 3, 0),
        d("provisioned, two classic + one enhanced fan-out", CapacityMode::Provisioned, 2, 1),
        d("provisioned, three enhanced fan-out", CapacityMode::Provisioned, 0, 3),
        d("on-demand, two classic + one enhanced fan-out", CapacityMode::OnDemand, 2, 1),
    ]
}

const LATENCY_GOAL_MS: u32 = 500;

#[test]
fn pricing_lab_states_the_workload_it_is_priced_for() {
    let lab = load(PRICING_LAB);
    let summary = lab["summary"].as_str().unwrap_or_default();
    for needle in ["2,000 records per second", "1,024 bytes", "three applications", "500 ms"] {
        assert!(summary.contains(needle), "the summary must state {needle:?}");
    }
    assert_eq!(lab["score"].as_str(), Some("lowest_cost"));
}

/// `$0.015`, `$0.02`, `$0.10`: a rate as the lab writes it (at least two decimals).
fn usd_text(rate: f64) -> String {
    let text = format!("{rate}");
    match text.split_once('.') {
        Some((_, decimals)) if decimals.len() == 1 => format!("${text}0"),
        Some(_) => format!("${text}"),
        None => format!("${text}.00"),
    }
}

// FACTS.md §5: the rates the lab quotes for hand calculation are the pricing engine's, each with its unit.
#[test]
fn pricing_lab_quotes_the_engines_rates() {
    let lab = load(PRICING_LAB);
    let steps: String = lab["step"]
        .as_array()
        .map(|s| s.iter().filter_map(|t| t["text"].as_str()).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let r = Rates::us_east_1_nov_2026();
    for (rate, unit) in [
        (r.provisioned_shard_hour_usd, "per shard-hour"),
        (r.provisioned_put_payload_units_per_million_usd, "per million PUT payload units"),
        (r.provisioned_extended_retention_shard_hour_usd, "per shard-hour"),
        (r.provisioned_long_term_retention_gb_month_usd, "per GB-month"),
        (r.provisioned_efo_consumer_shard_hour_usd, "per consumer-shard-hour"),
        (r.provisioned_efo_retrieval_gb_usd, "per GB read"),
        (r.on_demand_stream_hour_usd, "per stream-hour"),
        (r.on_demand_data_in_gb_usd, "per GB written"),
        (r.on_demand_data_out_gb_usd, "per GB read by classic readers"),
        (r.on_demand_efo_retrieval_gb_usd, "per GB read through enhanced fan-out"),
        (r.on_demand_extended_retention_gb_month_usd, "per GB-month of extended retention"),
    ] {
        let quoted = format!("{} {unit}", usd_text(rate));
        assert!(steps.contains(&quoted), "the steps should quote {quoted:?}");
    }
    assert!(steps.contains("730 hours"), "a month is 730 hours in the engine (units.rs)");
}

// FACTS.md §5: the shard-sizing rule of thumb (classic readers share a shard's 2 MB/s).
#[test]
fn pricing_lab_shard_count_is_the_rule_of_thumb() {
    let lab = load(PRICING_LAB);
    let shards = size_shards(&workload(3, 0, 24)).shards;
    assert_eq!(number_answer(&lab, "shards-three-classic"), shards as f64);
    let shards_efo = size_shards(&workload(2, 1, 24)).shards;
    assert_eq!(number_answer(&lab, "shards-with-efo"), shards_efo as f64);
}

// FACTS.md §5 rates and §1 retention tiers, through the pricing engine.
#[test]
fn pricing_lab_retention_costs_are_the_engines() {
    let lab = load(PRICING_LAB);
    assert_cents(&lab, "cost-24h", provisioned(&workload(3, 0, 24)));
    assert_cents(&lab, "cost-7d", provisioned(&workload(3, 0, 168)));
    assert_cents(&lab, "cost-1y", provisioned(&workload(3, 0, 8760)));
    assert_cents(&lab, "cost-on-demand-7d", on_demand(&workload(3, 0, 168)));
    // The lesson the questions build on: each step up in retention costs more, and on-demand costs more
    // than provisioned at this steady traffic.
    assert!(provisioned(&workload(3, 0, 24)) < provisioned(&workload(3, 0, 168)));
    assert!(provisioned(&workload(3, 0, 168)) < provisioned(&workload(3, 0, 8760)));
    assert!(provisioned(&workload(3, 0, 168)) < on_demand(&workload(3, 0, 168)));
}

// The latency model of src/engine/pricing/compare.rs (FACTS.md §1 "Latency").
#[test]
fn pricing_lab_latency_answer_is_the_engines() {
    let lab = load(PRICING_LAB);
    assert_eq!(number_answer(&lab, "latency-three-classic"), read_latency_ms(&workload(3, 0, 168)) as f64);
    // The rule the prompt states is the engine's.
    let prompt = question(&lab, "latency-three-classic")["prompt"].as_str().unwrap_or_default();
    assert!(prompt.contains(&format!("about {} ms", CLASSIC_LATENCY_MS_PER_CONSUMER)), "{prompt}");
    assert!(prompt.contains(&format!("about {} ms however many", EFO_LATENCY_MS)), "{prompt}");
}

#[test]
fn pricing_lab_cheapest_design_is_the_engines_pick() {
    let lab = load(PRICING_LAB);
    let designs = designs();
    let comparison = cheapest_meeting_latency(&designs, LATENCY_GOAL_MS, &Rates::us_east_1_nov_2026()).expect("prices");
    let cheapest = comparison.cheapest.expect("one design meets the goal");
    let (answer, options) = choice_answer(&lab, "cheapest-design");
    assert_eq!(options.len(), designs.len(), "one option per design, in the same order");
    assert_eq!(answer, cheapest, "the lab's answer is option {answer}, the engine picks {cheapest}");
    assert_cents(&lab, "cheapest-cost", comparison.rows[cheapest].bill.total_usd);
    // Each option names its design's consumers and capacity mode, so the text matches what is priced.
    for (option, design) in options.iter().zip(&designs) {
        let mode = match design.mode {
            CapacityMode::Provisioned => "Provisioned",
            CapacityMode::OnDemand => "On-demand",
        };
        assert!(option.starts_with(mode), "option {option:?} should start with {mode}");
    }
}

/// Prints every figure (run with --nocapture when editing the lab).
#[test]
fn pricing_lab_figures() {
    for (name, w) in [
        ("24h", workload(3, 0, 24)),
        ("7d", workload(3, 0, 168)),
        ("1y", workload(3, 0, 8760)),
    ] {
        println!("{name}: provisioned {:.4}  on-demand {:.4}", provisioned(&w), on_demand(&w));
    }
    let c = cheapest_meeting_latency(&designs(), LATENCY_GOAL_MS, &Rates::us_east_1_nov_2026()).expect("prices");
    for row in &c.rows {
        println!("{}: {} ms, {:.4} USD, meets {}", row.name, row.latency_ms, row.bill.total_usd, row.meets_goal);
    }
    println!("cheapest: {:?}", c.cheapest);
}

// ---- firehose-buffering-transforms: "whichever comes first" (FACTS.md §2) ----

/// Seconds until a buffer with these hints flushes, for a steady byte rate: the size hint (MiB) filled,
/// or the interval, whichever comes first.
fn first_flush_secs(size_mib: f64, interval_secs: f64, bytes_per_sec: f64) -> f64 {
    let fill_secs = size_mib * 1024.0 * 1024.0 / bytes_per_sec;
    fill_secs.min(interval_secs)
}

#[test]
fn buffering_lab_timing_answers_follow_whichever_comes_first() {
    let lab = load(BUFFERING_LAB);
    // Defaults 5 MiB / 300 s at 10 records/s of 500 bytes: the interval wins.
    let q = number_answer(&lab, "first-object-defaults");
    assert!((q - first_flush_secs(5.0, 300.0, 10.0 * 500.0)).abs() < 1e-9, "first-object-defaults = {q}");
    // 1 MiB / 900 s at 200 KiB/s: the size wins.
    let q = number_answer(&lab, "first-object-size");
    assert!((q - first_flush_secs(1.0, 900.0, 200.0 * 1024.0)).abs() < 1e-9, "first-object-size = {q}");
}

// ---- streams-vs-firehose: the cards ----

#[test]
fn choice_lab_has_one_card_per_requirement() {
    let lab = load(CHOICE_LAB);
    for id in ["card-latency", "card-replay", "card-consumers", "card-warehouse", "card-ordering"] {
        let (answer, options) = choice_answer(&lab, id);
        assert!(answer < options.len(), "{id}: answer {answer} out of {} options", options.len());
        let q = question(&lab, id);
        assert!(q["explanation"].as_str().is_some_and(|e| e.len() > 40), "{id} explains its answer");
    }
}

// ---- the two engine additions these labs use: `function add` and `firehose_objects.flushed_by` ----

use kinesis_lab::engine::firehose::transform::BuiltinTransform;
use kinesis_lab::labs::{self, script, script::StepLine};

#[test]
fn function_add_parses_each_builtin_and_says_what_is_wrong() {
    assert_eq!(
        script::parse_line("function add name=fail-only builtin=filter field=status equals=FAIL keep=off"),
        Ok(StepLine::FunctionAdd {
            name: "fail-only".into(),
            transform: BuiltinTransform::FilterByField { field: "status".into(), equals: "FAIL".into(), keep_matching: false },
        })
    );
    assert_eq!(
        script::parse_line("function add name=nl builtin=newline"),
        Ok(StepLine::FunctionAdd { name: "nl".into(), transform: BuiltinTransform::AppendNewline })
    );
    assert_eq!(
        script::parse_line("function add name=to-csv builtin=csv columns=id,status delimiter=;"),
        Ok(StepLine::FunctionAdd {
            name: "to-csv".into(),
            transform: BuiltinTransform::JsonToCsv { columns: vec!["id".into(), "status".into()], delimiter: ';' },
        })
    );
    for (line, reason) in [
        ("function add name=f", "option `builtin=` is required"),
        ("function add name=f builtin=upper", "`builtin=upper`"),
        ("function add name=f builtin=filter equals=x", "option `field=` is required"),
        ("function add name=f builtin=newline field=x", "option `field=` is for builtin=filter only"),
        ("function add name=f builtin=filter field=s equals=x keep=yes", "write keep=on or keep=off"),
        ("function add name=f builtin=csv columns=a delimiter=ab", "the delimiter is one character"),
        ("function add name=f builtin=csv columns=a delimiter=\"", "double quote"),
        ("function add name=bad/name builtin=newline", "letters, digits, hyphens"),
        ("function remove f", "write `function add"),
    ] {
        let e = script::parse_line(line).expect_err(line);
        assert!(e.contains(reason), "{line}: {e}");
    }
}

/// A small Direct PUT lab: one delivery stream flushed by size (1 MiB hint, 900 s), one by its interval,
/// and one whose Lambda processor is a built-in filter saved with `function add`.
const FLUSH_LAB: &str = r#"
id = "firehose-buffering-transforms"
title = "T"
services = ["firehose"]
sandbox = "firehose"
level = "foundation"
minutes = 10
summary = "S"
score = "fewest_api_calls"

[[objective]]
text = "O"
sources = [{ facts = "§2 Amazon Data Firehose" }]

[start]
steps = ["function add name=keep-a builtin=filter field=k equals=a", "wait 1s"]

[[step]]
text = "Put records"

[[hint]]
text = "H"

[[check]]
id = "by-size"
text = "C"
when = { kind = "firehose_objects", delivery_stream = "big", at_least = 1, flushed_by = "size" }

[[check]]
id = "by-interval"
text = "C"
when = { kind = "firehose_objects", delivery_stream = "small", at_least = 1, prefix = "s/", flushed_by = "interval" }

[[check]]
id = "filtered"
text = "C"
when = { kind = "firehose_records_delivered", delivery_stream = "filtered", at_least = 2 }

"#;

/// The lab with its solution: the three delivery streams (so the validator knows their names).
fn flush_lab_text() -> String {
    let filter = ", \"ProcessingConfiguration\": {\"Enabled\": true, \"Processors\": [{\"Type\": \"Lambda\", \
                  \"Parameters\": [{\"ParameterName\": \"LambdaArn\", \"ParameterValue\": \
                  \"arn:aws:lambda:us-east-1:123456789012:function:keep-a\"}, {\"ParameterName\": \
                  \"BufferIntervalInSeconds\", \"ParameterValue\": \"0\"}]}]}";
    let lines = [
        direct_put("big", "b/", 1, 900, ""),
        direct_put("small", "s/", 1, 60, ""),
        direct_put("filtered", "f/", 1, 0, filter),
        "wait 1s".to_string(),
    ];
    let steps: Vec<String> = lines.iter().map(|l| format!("\'\'\'{l}\'\'\'")).collect();
    format!("{FLUSH_LAB}\n[solution]\ntext = \"Why\"\nsteps = [\n{}\n]\n", steps.join(",\n"))
}

fn direct_put(name: &str, prefix: &str, size_mib: u32, interval_s: u32, processing: &str) -> String {
    format!(
        "aws firehose create-delivery-stream --delivery-stream-name {name} --delivery-stream-type DirectPut \
         --extended-s3-destination-configuration '{{\"RoleARN\": \"arn:aws:iam::123456789012:role/f\", \
         \"BucketARN\": \"arn:aws:s3:::b\", \"Prefix\": \"{prefix}\", \"BufferingHints\": {{\"SizeInMBs\": {size_mib}, \
         \"IntervalInSeconds\": {interval_s}}}{processing}}}'"
    )
}

#[test]
fn flushed_by_tells_size_from_interval_and_function_add_feeds_a_lambda_processor() {
    let lab = labs::parse_lab_toml("labs/guided/firehose-buffering-transforms.toml", &flush_lab_text())
        .unwrap_or_else(|e| panic!("{e:#?}"));
    let (mut sandbox, mut run) = labs::start(&lab).expect("start");
    labs::replay(&mut sandbox, &mut run, &lab.solution.steps).unwrap_or_else(|e| panic!("{e}"));
    // 5 records of 300,000 bytes (base64 in the CLI) to "big": 1.5 MB, more than the 1 MiB hint.
    let blob = base64_of(&vec![b'x'; 300_000]);
    let batch: Vec<String> = (0..5).map(|_| format!("Data={blob}")).collect();
    let line = format!("aws firehose put-record-batch --delivery-stream-name big --records {}", batch.join(" "));
    labs::run_step(&mut sandbox, &mut run, &line).unwrap_or_else(|e| panic!("{e}"));
    labs::run_step(&mut sandbox, &mut run, "aws firehose put-record --delivery-stream-name small --record Data=aGVsbG8=")
        .unwrap_or_else(|e| panic!("{e}"));
    let records: Vec<String> =
        [r#"{"k":"a"}"#, r#"{"k":"b"}"#, r#"{"k":"a"}"#].iter().map(|r| format!("Data={}", base64_of(r.as_bytes()))).collect();
    let line = format!("aws firehose put-record-batch --delivery-stream-name filtered --records {}", records.join(" "));
    labs::run_step(&mut sandbox, &mut run, &line).unwrap_or_else(|e| panic!("{e}"));

    // After 5 s: "big" flushed by size; "small" is still waiting for its 60 s.
    labs::run_step(&mut sandbox, &mut run, "wait 5s").expect("wait");
    let met = |sandbox: &kinesis_lab::sim::Sandbox, run: &labs::LabRun, id: &str| {
        labs::evaluate(&lab, sandbox, run).into_iter().find(|s| s.id == id).map(|s| (s.met, s.detail)).expect("check")
    };
    assert!(met(&sandbox, &run, "by-size").0, "{:?}", met(&sandbox, &run, "by-size"));
    assert!(!met(&sandbox, &run, "by-interval").0, "{:?}", met(&sandbox, &run, "by-interval"));
    // The filter kept the two records whose k is "a".
    let (filtered, detail) = met(&sandbox, &run, "filtered");
    assert!(filtered, "{detail}");
    assert!(detail.starts_with("2 of"), "{detail}");

    labs::run_step(&mut sandbox, &mut run, "wait 60s").expect("wait");
    let (by_interval, detail) = met(&sandbox, &run, "by-interval");
    assert!(by_interval, "{detail}");
    assert!(detail.contains("flushed by interval"), "{detail}");
}

#[test]
fn flushed_by_must_name_a_flush_reason() {
    let bad = flush_lab_text().replace("flushed_by = \"size\"", "flushed_by = \"age\"");
    let errors = labs::parse_lab_toml("labs/guided/firehose-buffering-transforms.toml", &bad).expect_err("refused");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].field.as_deref().is_some_and(|f| f.starts_with("check[0]") && f.ends_with("flushed_by")), "{errors:#?}");
    assert!(errors[0].reason.contains("`age` is not a flush reason"), "{errors:#?}");
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

//! Content checks for three guided labs (labs/guided/): streams-vs-firehose, retention-fanout-pricing and
//! firehose-buffering-transforms. The lab engine's own replay (tests/labs_replay.rs) proves the sandbox
//! side; this file proves the numbers a learner is graded on:
//! - every numeric answer of retention-fanout-pricing is recomputed here with the pricing engine
//!   (src/engine/pricing, rates FACTS.md §5) for the workload the lab states, so the lab can never drift
//!   from the engine; the "cheapest design" choice is the engine's `cheapest_meeting_latency` pick;
//! - the stated workload figures appear in the lab's text, so the prose and the computation agree;
//! - the Firehose timing answers follow from the buffering rule "whichever comes first" (FACTS.md §2).

use kinesis_lab::engine::pricing::compare::read_latency_ms;
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

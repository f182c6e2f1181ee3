//! The `kcl_reprocessed` check predicate (added for the kcl-checkpoint-failover lab): it reads the KCL
//! application's own count of records processed a second time, and the validator refuses a reference to
//! a consumer the lab never adds. Source of the behaviour it observes: FACTS.md §1 "Producers and
//! consumers (libraries)" — resuming from a checkpoint is at-least-once, so duplicates can happen.

use kinesis_lab::labs;
use kinesis_lab::sim::consumers::Consumer;

const FILE: &str = "labs/guided/kcl-checkpoint-failover.toml";

fn lab_text(check: &str) -> String {
    format!(
        r#"
id = "kcl-checkpoint-failover"
title = "T"
services = ["streams"]
sandbox = "streams"
level = "associate"
minutes = 10
summary = "S"
score = "fewest_api_calls"

[[objective]]
text = "O"
sources = [{{ facts = "§1 Producers and consumers" }}]

[start]
steps = ["aws kinesis create-stream --stream-name s --shard-count 2", "wait 1s",
         "consumer add kind=kcl name=app stream=s workers=2 checkpoint=0s"]

[[step]]
text = "Do it"

[[check]]
id = "c"
text = "C"
when = {check}

[[hint]]
text = "H"

[solution]
text = "Why"
steps = ["consumer stop-worker app worker-1"]
"#
    )
}

#[test]
fn counts_the_groups_duplicates_against_the_wanted_value() {
    let lab = labs::parse_lab_toml(FILE, &lab_text(r#"{ kind = "kcl_reprocessed", consumer = "app", op = "==", value = 0 }"#))
        .unwrap_or_else(|e| panic!("{e:#?}"));
    let (mut sandbox, run) = labs::start(&lab).unwrap_or_else(|e| panic!("{e}"));
    let status = &labs::evaluate(&lab, &sandbox, &run)[0];
    assert!(status.met, "{}", status.detail);
    assert!(status.detail.contains("processed 0 records a second time"), "{}", status.detail);
    for entry in sandbox.consumers_mut() {
        if let Consumer::Kcl(g) = &mut entry.consumer {
            g.workers[1].stats.records_reprocessed = 7;
        }
    }
    let status = &labs::evaluate(&lab, &sandbox, &run)[0];
    assert!(!status.met, "7 duplicates are not 0: {}", status.detail);
    assert!(status.detail.contains("processed 7 records"), "{}", status.detail);

    let at_least = labs::parse_lab_toml(FILE, &lab_text(r#"{ kind = "kcl_reprocessed", consumer = "app", op = ">=", value = 5 }"#))
        .unwrap_or_else(|e| panic!("{e:#?}"));
    assert!(labs::evaluate(&at_least, &sandbox, &run)[0].met);
}

#[test]
fn an_unknown_consumer_or_a_negative_value_is_named() {
    let errors = labs::parse_lab_toml(FILE, &lab_text(r#"{ kind = "kcl_reprocessed", consumer = "nobody", op = "==", value = -1 }"#))
        .expect_err("refused");
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(text.iter().any(|t| t.contains("check[0].when.consumer") && t.contains("`nobody` is never added")), "{text:#?}");
    assert!(text.iter().any(|t| t.contains("check[0].when.value") && t.contains("≥ 0")), "{text:#?}");
}

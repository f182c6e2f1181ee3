//! Firehose dynamic partitioning (FACTS.md §2 "Dynamic partitioning"): the MetadataExtraction query,
//! partition keys in the S3 prefix, deaggregation and the errors of records that cannot be partitioned.
//! AWS pages named per test are from the Amazon Data Firehose developer guide.

use std::collections::BTreeSet;

use kinesis_lab::engine::firehose::partition::{
    check_prefix_keys, deaggregate, decode_delimiter, render_jq_number, PartitionError, PartitionQuery,
    PartitioningSources, RecordKeys, SubRecordType, MAX_ACTIVE_PARTITIONS, MAX_SUB_RECORDS_PER_RECORD,
    METADATA_EXTRACTION_FAILED, PARTITIONING_FAILED_OUTPUT_TYPE, PROCESSOR_PARAMETER_VALUE_MAX_CHARS,
};
use kinesis_lab::engine::firehose::prefix::{self, Segment};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

fn keys(query: &str, record: &str) -> Result<Vec<(String, String)>, PartitionError> {
    PartitionQuery::compile(query)?.evaluate(record.as_bytes()).map(|k| k.into_iter().collect())
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

const AWS_RECORD: &str = r#"{"type": {"device": "mobile", "event": "user_clicked_submit_button"}, "customer_id": "1234567890", "event_timestamp": 1565382027, "region": "sample_region"}"#;

#[test]
fn aws_partitioning_keys_page_example_and_prefix() {
    // "Understand partitioning keys" (jq expressions per key) and "Use Amazon S3 bucket prefix to deliver
    // data" (the prefix and the object key it gives: customer_id=1234567890/device=mobile/year=2019/
    // month=08/day=09/hour=20/ then the object name, no timestamp appended).
    let q = PartitionQuery::compile(
        r#"{customer_id: .customer_id, device: .type.device, year: .event_timestamp| strftime("%Y"), month: .event_timestamp| strftime("%m"), day: .event_timestamp| strftime("%d"), hour: .event_timestamp| strftime("%H")}"#,
    )
    .unwrap();
    let from_query = q.evaluate(AWS_RECORD.as_bytes()).unwrap();
    let p = prefix::validate_with_partitioning(
        Some("customer_id=!{partitionKeyFromQuery:customer_id}/device=!{partitionKeyFromQuery:device}/year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/"),
        Some("errors/!{firehose:error-output-type}/"),
        true,
    )
    .unwrap();
    assert!(!p.prefix.iter().any(|s| matches!(s, Segment::Timestamp(_))), "no timestamp appended with dynamic partitioning");
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let record_keys = RecordKeys { from_query, ..Default::default() };
    let evaluated = prefix::evaluate_with_keys(&p.prefix, 0, &mut rng, None, &record_keys).unwrap();
    assert_eq!(evaluated, "customer_id=1234567890/device=mobile/year=2019/month=08/day=09/hour=20/");
    let static_keys = q.static_keys().unwrap();
    assert_eq!(static_keys.len(), 6);
    check_prefix_keys(&p.prefix, PartitioningSources { enabled: true, query_keys: Some(Some(static_keys)), has_lambda: false })
        .unwrap();
}

#[test]
fn cdk_integration_inline_parsing_with_json_deaggregation() {
    // AWS CDK's integration test run against AWS (integ.dynamic-partitioning-with-inline-parsing.ts):
    // RecordDeAggregation JSON, query {key1: .foo, key2: .bar.baz|ascii_upcase}, two concatenated records
    // land under key1=recordA/key2=PARTITION1/ and key1=recordB/key2=PARTITION2/.
    let data = br#"{"foo":"recordA","bar":{"baz":"Partition1","blah":"blah"},"data":"data1"}{"foo":"recordB","bar":{"baz":"Partition2","blah":"quux"},"data":"data2"}"#;
    let subs = deaggregate(data, SubRecordType::Json, None).unwrap();
    assert_eq!(subs.len(), 2);
    let q = PartitionQuery::compile("{key1: .foo, key2: .bar.baz|ascii_upcase}").unwrap();
    let got: Vec<Vec<(String, String)>> = subs.iter().map(|s| q.evaluate(s).unwrap().into_iter().collect()).collect();
    assert_eq!(got[0], pairs(&[("key1", "recordA"), ("key2", "PARTITION1")]));
    assert_eq!(got[1], pairs(&[("key1", "recordB"), ("key2", "PARTITION2")]));
}

#[test]
fn record_without_its_keys_goes_to_partitioning_failed() {
    // CDK's Lambda integration test: a record without the keys ({"data":"data3"}) lands under
    // error-output/partitioning-failed/ for ErrorOutputPrefix error-output/!{firehose:error-output-type}/.
    // With a query, the missing field reads as null; the errorCode is the one real error outputs carry.
    let err = keys("{key1: .foo, key2: .bar.baz}", r#"{"data":"data3"}"#).unwrap_err();
    assert_eq!(err, PartitionError::KeyValueNull { key: "key1".into() });
    assert!(err.is_record_error());
    assert_eq!(err.error_output_type(), PARTITIONING_FAILED_OUTPUT_TYPE);
    assert_eq!(PARTITIONING_FAILED_OUTPUT_TYPE, "partitioning-failed");
    assert_eq!(err.error_code(), METADATA_EXTRACTION_FAILED);
    assert_eq!(METADATA_EXTRACTION_FAILED, "DynamicPartitioning.MetadataExtractionFailed");
    let p = prefix::validate_with_partitioning(
        Some("key1=!{partitionKeyFromQuery:key1}/"),
        Some("error-output/!{firehose:error-output-type}/"),
        true,
    )
    .unwrap();
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let e = p.error_output_prefix.unwrap();
    assert_eq!(prefix::evaluate(&e, 0, &mut rng, Some(err.error_output_type())), "error-output/partitioning-failed/");
}

#[test]
fn non_json_records_fail_extraction() {
    // "Troubleshoot dynamic partitioning errors": records Firehose cannot parse go to the error prefix.
    for bad in ["not json", "{\"a\":", "{\"a\":1} trailing", ""] {
        let err = keys("{a: .a}", bad).unwrap_err();
        assert!(matches!(err, PartitionError::RecordNotJson { .. }), "{bad:?} gave {err:?}");
        assert_eq!(err.error_code(), METADATA_EXTRACTION_FAILED);
    }
    // jq 1.6 refuses nesting past 256 levels; so does the simulator, without recursing into it.
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(keys("{a: .a}", &deep), Err(PartitionError::RecordNotJson { .. })));
}

#[test]
fn key_values_render_as_jq_1_6_prints_them() {
    // jq 1.6 holds numbers as doubles: 1.0 prints 1, 1e17 prints 1e+17; booleans print true/false.
    let got = keys(
        "{i: .i, f: .f, e: .e, big: .big, t: .t, s: .s, str: (.f|tostring), neg: -.i}",
        r#"{"i": 42, "f": 1.50, "e": 1e17, "big": 1.0, "t": false, "s": "x/y"}"#,
    )
    .unwrap();
    assert_eq!(
        got,
        pairs(&[("big", "1"), ("e", "1e+17"), ("f", "1.5"), ("i", "42"), ("neg", "-42"), ("s", "x/y"), ("str", "1.5"), ("t", "false")])
    );
    assert_eq!(render_jq_number(0.00001), "1e-05");
}

#[test]
fn objects_arrays_and_bad_outputs_are_errors() {
    assert!(matches!(keys("{a: .a}", r#"{"a": {"b": 1}}"#), Err(PartitionError::KeyValueNotScalar { .. })));
    assert!(matches!(keys("{a: .a}", r#"{"a": [1]}"#), Err(PartitionError::KeyValueNotScalar { .. })));
    assert!(matches!(keys(".a", r#"{"a": "x"}"#), Err(PartitionError::QueryOutputNotObject { found: "a string" })));
    assert_eq!(keys("{a: .a}, {a: .b}", r#"{"a": 1, "b": 2}"#), Err(PartitionError::QueryOutputCount { outputs: 2 }));
    assert_eq!(keys("empty", "{}"), Err(PartitionError::QueryOutputCount { outputs: 0 }));
    assert!(matches!(keys("{a: .a.b}", r#"{"a": "str"}"#), Err(PartitionError::QueryFailed { .. })));
    // `//` and `?` work as in jq.
    assert_eq!(keys(r#"{a: (.a // "none"), b: (.b.c? // "x")}"#, r#"{"b": 3}"#).unwrap(), pairs(&[("a", "none"), ("b", "x")]));
}

#[test]
fn syntax_errors_name_their_position() {
    let err = PartitionQuery::compile("{a: .a").unwrap_err();
    assert!(matches!(err, PartitionError::QuerySyntax { .. }), "{err:?}");
    let err = PartitionQuery::compile(".a | | .b").unwrap_err();
    match err {
        PartitionError::QuerySyntax { position, ref reason } => {
            assert_eq!(position, 5, "{reason}");
            assert!(err.to_string().contains("character 5"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(PartitionQuery::compile("{a: nosuchfn}"), Err(PartitionError::QueryUnsupported { .. })));
    assert!(matches!(PartitionQuery::compile("{a: $nope}"), Err(PartitionError::QueryUndefined { .. })));
    assert!(matches!(PartitionQuery::compile("   "), Err(PartitionError::QuerySyntax { .. })));
}

#[test]
fn queries_that_could_run_away_are_refused() {
    for q in [
        "def f: f; {a: f}",
        "{a: [recurse] | length}",
        "{a: [..] | length}",
        "{a: [.[]] | length}",
        "{a: reduce .x[] as $i (0; . + $i)}",
        "{a: [range(1000000000)] | length}",
        "{a: [limit(3; repeat(1))] | length}",
        "{a: first(range(10))}",
        "{a: (.x = 1) | .x}",
        "{a: now}",
        r#"{a: "x" * .n}"#,
        "{a: .s * .n}",
        "{a: .s | test(\"a\")}",
        "{a: label $out | 1}",
        "{a: .x | fromjson}",
        "{a: .x | join(\",\")}",
        "{a: @base64 \"x\"}",
        "{a: .x | contains(.y)}",
    ] {
        let err = PartitionQuery::compile(q).unwrap_err();
        assert!(
            matches!(err, PartitionError::QueryUnsupported { .. } | PartitionError::QueryTooExpensive { .. }),
            "{q}: {err:?}"
        );
        assert!(!err.is_record_error());
    }
    // Fan-out and growth are counted: 2^7 values, or a string doubled 30 times.
    let fanout = format!("{{a: 1}} | {}", ["(.,.)"; 7].join(" | "));
    assert!(matches!(PartitionQuery::compile(&fanout), Err(PartitionError::QueryTooExpensive { .. })));
    let growth = format!("{{a: (.s | {} | length)}}", ["(. + .)"; 30].join(" | "));
    assert!(matches!(PartitionQuery::compile(&growth), Err(PartitionError::QueryTooExpensive { .. })));
    // A bounded growth is checked against each record's size.
    let q = PartitionQuery::compile(&format!("{{a: (.s | {} | length)}}", ["(. + .)"; 12].join(" | "))).unwrap();
    assert_eq!(q.evaluate(br#"{"s": "ab"}"#).unwrap().get("a").map(String::as_str), Some("8192"));
    let big = format!("{{\"s\": \"{}\"}}", "x".repeat(10_000));
    assert!(matches!(q.evaluate(big.as_bytes()), Err(PartitionError::RecordTooLargeForQuery { .. })));
    // Multiplying by a literal stays allowed.
    assert_eq!(keys("{c: (.price * 100 | floor)}", r#"{"price": 1.25}"#).unwrap(), pairs(&[("c", "125")]));
}

#[test]
fn query_length_is_a_processor_parameter_value() {
    // Model ProcessorParameterValue: 1–5120 characters.
    assert_eq!(PROCESSOR_PARAMETER_VALUE_MAX_CHARS, 5_120);
    let long = format!("{{a: \"{}\"}}", "x".repeat(5_120));
    assert!(matches!(PartitionQuery::compile(&long), Err(PartitionError::QueryTooLong { .. })));
}

#[test]
fn dates_are_utc() {
    // AWS's example uses .event_timestamp | strftime(...); jq 1.6 works in UTC.
    assert_eq!(
        keys(r#"{d: (.t | todate), back: (.t | todate | fromdate), wd: (.t | gmtime | .[6]), m: (.t | gmtime | mktime)}"#, r#"{"t": 1565382027}"#).unwrap(),
        pairs(&[("back", "1565382027"), ("d", "2019-08-09T20:20:27Z"), ("m", "1565382027"), ("wd", "5")])
    );
}

#[test]
fn prefix_rules_with_dynamic_partitioning() {
    // AWS: "You cannot use partitionKeyFromLambda and partitionKeyFromQuery namespaces when creating
    // ErrorOutputPrefix expressions."
    let err = prefix::validate_with_partitioning(Some("!{partitionKeyFromQuery:a}/"), Some("e/!{firehose:error-output-type}/!{partitionKeyFromQuery:a}"), true)
        .unwrap_err();
    assert!(err.message.contains("ErrorOutputPrefix"), "{err}");
    // FACTS §2: dynamic partitioning needs an error prefix.
    assert!(prefix::validate_with_partitioning(Some("!{partitionKeyFromQuery:a}/"), None, true).is_err());
    // Without dynamic partitioning the key namespaces are refused, as before.
    assert!(prefix::validate(Some("!{partitionKeyFromQuery:a}/"), Some("e/!{firehose:error-output-type}")).is_err());
    // A key must be named.
    assert!(prefix::validate_with_partitioning(Some("!{partitionKeyFromQuery:}/"), Some("e/"), true).is_err());
}

#[test]
fn prefix_keys_missing_or_too_long_fail_the_record() {
    // "Troubleshoot dynamic partitioning errors": a prefix that cannot be evaluated sends the record to
    // the error prefix; FACTS §2: 512 characters at most once evaluated.
    let p = prefix::validate_with_partitioning(Some("c=!{partitionKeyFromQuery:c}/l=!{partitionKeyFromLambda:l}/"), Some("e/"), true)
        .unwrap();
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let mut k = RecordKeys::default();
    k.from_query.insert("c".into(), "1".into());
    let err = prefix::evaluate_with_keys(&p.prefix, 0, &mut rng, None, &k).unwrap_err();
    assert_eq!(err, PartitionError::MissingKey { namespace: "partitionKeyFromLambda", key: "l".into() });
    k.from_lambda.insert("l".into(), "2".into());
    assert_eq!(prefix::evaluate_with_keys(&p.prefix, 0, &mut rng, None, &k).unwrap(), "c=1/l=2/");
    k.from_query.insert("c".into(), "x".repeat(600));
    assert!(matches!(prefix::evaluate_with_keys(&p.prefix, 0, &mut rng, None, &k), Err(PartitionError::PrefixTooLong { .. })));
}

#[test]
fn prefix_and_processor_cross_checks() {
    // Messages from AWS's create-time validation, as quoted in AWS CDK's kinesisfirehose source.
    let parse = |p: &str| prefix::parse_with_partitioning(p, prefix::PrefixField::Prefix, true).unwrap();
    let defined: BTreeSet<String> = ["a".to_string()].into();
    fn on(q: Option<Option<&BTreeSet<String>>>, lambda: bool) -> PartitioningSources<'_> {
        PartitioningSources { enabled: true, query_keys: q, has_lambda: lambda }
    }
    let err = check_prefix_keys(&parse("static/!{timestamp:yyyy}/"), on(Some(Some(&defined)), false)).unwrap_err();
    assert_eq!(err.message, "S3 Prefix should contain Dynamic Partitioning namespaces when Dynamic Partitioning is enabled");
    let err = check_prefix_keys(&parse("!{partitionKeyFromQuery:a}/"), on(None, true)).unwrap_err();
    assert_eq!(err.message, "MetadataExtraction processor should be present when S3 Prefix has partitionKeyFromQuery namespace");
    let err = check_prefix_keys(&parse("!{partitionKeyFromLambda:a}/"), on(Some(None), false)).unwrap_err();
    assert_eq!(err.message, "Lambda should be present when S3 Prefix contains keys from partitionKeyFromLambda namespace");
    assert!(check_prefix_keys(&parse("!{partitionKeyFromQuery:b}/"), on(Some(Some(&defined)), false)).is_err());
    assert!(check_prefix_keys(&parse("!{partitionKeyFromQuery:b}/"), on(Some(None), false)).is_ok());
    assert!(check_prefix_keys(&parse("!{partitionKeyFromQuery:a}/!{partitionKeyFromLambda:z}/"), on(Some(Some(&defined)), true)).is_ok());
    let off = PartitioningSources { enabled: false, query_keys: None, has_lambda: false };
    assert!(check_prefix_keys(&parse("!{partitionKeyFromQuery:a}/"), off).is_err());
    assert!(check_prefix_keys(&parse("plain/"), off).is_ok());
}

#[test]
fn limits_from_aws_pages() {
    // "Buffer data for dynamic partitioning": 500 active partitions per stream.
    assert_eq!(MAX_ACTIVE_PARTITIONS, 500);
    // "Apply dynamic partitioning to aggregated data": deaggregation capped at 500 per record.
    assert_eq!(MAX_SUB_RECORDS_PER_RECORD, 500);
    let many: String = (0..501).map(|i| format!("{{\"i\":{i}}}")).collect();
    assert_eq!(deaggregate(many.as_bytes(), SubRecordType::Json, None), Err(PartitionError::TooManySubRecords { count: 501 }));
    let d = decode_delimiter("IyMjIw==").unwrap();
    let delimited = vec!["x"; 501].join("####");
    assert!(matches!(deaggregate(delimited.as_bytes(), SubRecordType::Delimited, Some(&d)), Err(PartitionError::TooManySubRecords { .. })));
    assert!(decode_delimiter("").is_err());
    assert!(decode_delimiter("not base64!").is_err());
}

fn json_object() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|i| serde_json::json!(i)),
        "[a-z{}\\[\\]\"\\\\ ]{0,8}".prop_map(serde_json::Value::String),
    ];
    let value = leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("[a-z\"{}]{0,4}", inner, 0..4).prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    });
    prop::collection::btree_map("[a-z\"{}]{0,4}", value, 0..4).prop_map(|m| serde_json::Value::Object(m.into_iter().collect()))
}

proptest! {
    /// "Apply dynamic partitioning to aggregated data": concatenated or newline-separated JSON objects
    /// deaggregate back into the same objects.
    #[test]
    fn json_deaggregation_round_trips(objects in prop::collection::vec(json_object(), 0..20), seps in prop::collection::vec("[ \n\r\t]{0,3}", 20)) {
        let texts: Vec<String> = objects.iter().map(|o| o.to_string()).collect();
        let mut data = String::new();
        for (t, s) in texts.iter().zip(seps.iter()) {
            data.push_str(t);
            data.push_str(s);
        }
        let got = deaggregate(data.as_bytes(), SubRecordType::Json, None).unwrap();
        let got: Vec<String> = got.into_iter().map(|b| String::from_utf8(b).unwrap()).collect();
        prop_assert_eq!(got, texts);
    }

    /// DELIMITED splits on the delimiter and gives back the non-empty pieces.
    #[test]
    fn delimited_deaggregation_round_trips(pieces in prop::collection::vec("[a-z]{1,6}", 0..30), delim in "[#|;]{1,4}") {
        let data = pieces.join(&delim);
        let got = deaggregate(data.as_bytes(), SubRecordType::Delimited, Some(delim.as_bytes())).unwrap();
        let got: Vec<String> = got.into_iter().map(|b| String::from_utf8(b).unwrap()).collect();
        prop_assert_eq!(got, pieces);
    }

    /// No input bytes make deaggregation panic.
    #[test]
    fn deaggregation_never_panics(data in prop::collection::vec(any::<u8>(), 0..200), delim in prop::collection::vec(any::<u8>(), 0..3)) {
        let _ = deaggregate(&data, SubRecordType::Json, None);
        let _ = deaggregate(&data, SubRecordType::Delimited, Some(&delim));
    }

    /// No query text and no record bytes make compile or evaluate panic or hang.
    #[test]
    fn arbitrary_queries_and_records_never_panic(
        query in "[ .a-z0-9{}()\\[\\]|,:\"$?+*/%=<>!@-]{0,40}",
        words in prop::collection::vec(prop::sample::select(vec![
            ".a", ".b.c", "{k: .a}", "|", ",", "(", ")", "tostring", "length", "strftime(\"%Y\")", "split(\"-\")",
            "as $x", "$x", "if .a then .b else .c end", "// \"d\"", "?", "+", "*", "2", "\"s\"", "[", "]",
            "select(.a)", "ascii_upcase", ".[0]", ".[1:3]", "try .a catch .", "gmtime", "mktime", "todate", "not",
        ]), 0..12),
        record in prop::collection::vec(any::<u8>(), 0..120),
    ) {
        let record_json = br#"{"a": "2019-08-09", "b": {"c": [1, 2.5, null]}, "c": 1565382027}"#;
        for q in [query.clone(), words.join(" "), format!("{{k: ({})}}", words.join(" "))] {
            if let Ok(compiled) = PartitionQuery::compile(&q) {
                let _ = compiled.evaluate(&record);
                let _ = compiled.evaluate(record_json);
            }
        }
    }

    /// Scalar values of a field come out as jq prints them: strings unchanged, integers in decimal.
    #[test]
    fn scalar_keys_render(s in "[a-zA-Z0-9_/=-]{0,20}", i in -9_007_199_254_740_992i64..9_007_199_254_740_992i64, b in any::<bool>()) {
        let record = serde_json::json!({"s": s, "i": i, "b": b}).to_string();
        let got = PartitionQuery::compile("{s: .s, i: .i, b: .b}").unwrap().evaluate(record.as_bytes()).unwrap();
        let want_i = if i.unsigned_abs() >= 10u64.pow(17) { render_jq_number(i as f64) } else { i.to_string() };
        prop_assert_eq!(got.get("s"), Some(&s));
        prop_assert_eq!(got.get("i"), Some(&want_i));
        prop_assert_eq!(got.get("b"), Some(&b.to_string()));
    }
}

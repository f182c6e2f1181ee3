//! Firehose data transformation the Lambda way (FACTS.md §2 "Lambda transform"; AWS pages
//! "Transform source data in Amazon Data Firehose", "Required parameters for data transformation",
//! "Handle failure in data transformation", "Monitor … CloudWatch Logs" → Lambda invocation errors).

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use kinesis_lab::engine::firehose::transform::response::{
    DUPLICATED_RECORD_ID, FUNCTION_ERROR, FUNCTION_TIMEOUT_MESSAGE, JSON_PROCESSING_EXCEPTION, JSON_PROCESSING_MESSAGE,
    MISSING_RECORD_ID, MISSING_RECORD_ID_MESSAGE, PROCESSING_FAILED_STATUS,
};
use kinesis_lab::engine::firehose::transform::*;
use proptest::prelude::*;
use serde_json::{json, Value};

const ARN: &str = "arn:aws:firehose:us-east-1:123456789012:deliverystream/clicks";

fn event(records: &[(&str, &[u8])]) -> TransformEvent {
    build_event(
        "00540a87-5050-496a-84e4-e7d92bbaf5e2",
        ARN,
        "us-east-1",
        records.iter().enumerate().map(|(i, (id, raw))| EventRecord::new(*id, 1_700_000_000_000 + i as u64, raw)).collect(),
    )
}

fn b64(s: &str) -> String {
    STANDARD.encode(s)
}

fn parse(ev: &TransformEvent, response: Value) -> Result<Vec<TransformedRecord>, InvocationError> {
    parse_response(ev, response.to_string().as_bytes())
}

fn ok(data: &str) -> TransformedRecord {
    TransformedRecord::Ok { data: data.as_bytes().to_vec(), partition_keys: BTreeMap::new() }
}

// ---- The event (FACTS §2: input {invocationId, deliveryStreamArn, region, records[{recordId,
// approximateArrivalTimestamp, data}]}) ----

#[test]
fn the_event_serialises_to_the_json_lambda_receives() {
    let ev = event(&[("49546986683135544286507457936321625675700192471156785154", b"hello")]);
    let json: Value = serde_json::from_str(&ev.to_json()).unwrap();
    assert_eq!(
        json,
        json!({
            "invocationId": "00540a87-5050-496a-84e4-e7d92bbaf5e2",
            "deliveryStreamArn": ARN,
            "region": "us-east-1",
            "records": [{
                "recordId": "49546986683135544286507457936321625675700192471156785154",
                "approximateArrivalTimestamp": 1_700_000_000_000u64,
                "data": "aGVsbG8="
            }]
        })
    );
    assert_eq!(ev.json_len(), ev.to_json().len());
    // A retry carries the same records under a new invocation id.
    let retry = ev.retry_with_id("another-id");
    assert_eq!(retry.records, ev.records);
    assert_ne!(retry.invocation_id, ev.invocation_id);
}

#[test]
fn limits_match_the_aws_pages() {
    // data-transformation.html: 6 MB each way (Lambda: 6291456 request, 6291556 response), 5 minutes.
    assert_eq!(LAMBDA_REQUEST_PAYLOAD_MAX_BYTES, 6_291_456);
    assert_eq!(LAMBDA_RESPONSE_PAYLOAD_MAX_BYTES, 6_291_556);
    assert_eq!(LAMBDA_MAX_INVOCATION_MS, 300_000);
    // ProcessorParameter: BufferSizeInMBs 0.2–3 default 1; BufferIntervalInSeconds default 60 (0–900);
    // NumberOfRetries default 3.
    assert_eq!(buffer_size_bytes(LAMBDA_BUFFER_SIZE_DEFAULT_MB), 1_048_576);
    assert_eq!(buffer_size_bytes(LAMBDA_BUFFER_SIZE_MIN_MB), 209_715);
    assert_eq!(buffer_size_bytes(LAMBDA_BUFFER_SIZE_MAX_MB), 3 * 1_048_576);
    assert_eq!((LAMBDA_BUFFER_INTERVAL_MIN_SECS, LAMBDA_BUFFER_INTERVAL_DEFAULT_SECS, LAMBDA_BUFFER_INTERVAL_MAX_SECS), (0, 60, 900));
    assert_eq!(DEFAULT_NUMBER_OF_RETRIES, 3);
    assert_eq!(max_attempts(DEFAULT_NUMBER_OF_RETRIES), 4);
    assert_eq!(max_attempts(0), 1);
    assert_eq!(lambda_arn("us-east-1", "123456789012", "to-csv"), "arn:aws:lambda:us-east-1:123456789012:function:to-csv");
}

// ---- The response contract (status model page; CloudWatch Logs page for the codes) ----

#[test]
fn a_correct_response_gives_one_outcome_per_record_in_event_order() {
    let ev = event(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
    // Returned out of order: outcomes still follow the event's order.
    let out = parse(
        &ev,
        json!({"records": [
            {"recordId": "c", "result": "ProcessingFailed", "data": b64("3")},
            {"recordId": "a", "result": "Ok", "data": b64("one\n"),
             "metadata": {"partitionKeys": {"customerId": "42", "year": "2026"}}},
            {"recordId": "b", "result": "Dropped", "data": b64("2")},
        ]}),
    )
    .unwrap();
    let keys: BTreeMap<String, String> = [("customerId", "42"), ("year", "2026")].map(|(k, v)| (k.to_string(), v.to_string())).into();
    assert_eq!(out[0], TransformedRecord::Ok { data: b"one\n".to_vec(), partition_keys: keys });
    assert_eq!(out[1], TransformedRecord::Dropped);
    match &out[2] {
        TransformedRecord::ProcessingFailed { error_code, .. } => assert_eq!(error_code, PROCESSING_FAILED_STATUS),
        other => panic!("expected ProcessingFailed, got {other:?}"),
    }
}

#[test]
fn dropped_and_failed_records_need_no_data_but_ok_does() {
    let ev = event(&[("a", b"1"), ("b", b"2")]);
    let out = parse(&ev, json!({"records": [{"recordId": "a", "result": "Dropped"}, {"recordId": "b", "result": "Ok", "data": ""}]})).unwrap();
    assert_eq!(out, vec![TransformedRecord::Dropped, ok("")]);
    let err = parse(&ev, json!({"records": [{"recordId": "a", "result": "Ok"}, {"recordId": "b", "result": "Dropped"}]})).unwrap_err();
    assert_eq!(err.error_code(), JSON_PROCESSING_EXCEPTION);
}

fn json_processing(ev: &TransformEvent, response: &[u8]) -> String {
    match parse_response(ev, response) {
        Err(e @ InvocationError::JsonProcessing { .. }) => {
            assert_eq!(e.error_code(), "Lambda.JsonProcessingException");
            assert_eq!(e.error_message(), JSON_PROCESSING_MESSAGE);
            e.detail()
        }
        other => panic!("expected Lambda.JsonProcessingException for {:?}, got {other:?}", String::from_utf8_lossy(response)),
    }
}

#[test]
fn violations_of_the_status_model_fail_the_invocation_with_json_processing_exception() {
    let ev = event(&[("a", b"1")]);
    let cases: Vec<(&[u8], &str)> = vec![
        (b"not json", "not JSON"),
        (b"null", "null"),
        (b"[]", "an array"),
        (br#"{"Records": []}"#, "no records array"),
        (br#"{"records": {}}"#, "no records array"),
        (br#"{"records": [42]}"#, "records[0] is a number"),
        (br#"{"records": [{"result": "Ok", "data": "MQ=="}]}"#, "no recordId"),
        (br#"{"records": [{"recordId": 1, "result": "Ok", "data": "MQ=="}]}"#, "recordId is a number"),
        (br#"{"records": [{"recordId": "a", "data": "MQ=="}]}"#, "no result"),
        (br#"{"records": [{"recordId": "a", "result": "OK", "data": "MQ=="}]}"#, "Ok, Dropped or ProcessingFailed"),
        (br#"{"records": [{"recordId": "a", "result": "Ok", "data": "not base64!"}]}"#, "not valid base64"),
        (br#"{"records": [{"recordId": "a", "result": "Ok", "data": 7}]}"#, "not a base64 string"),
        (br#"{"records": [{"recordId": "a", "result": "Ok", "data": "MQ==", "metadata": 1}]}"#, "metadata is a number"),
        (
            br#"{"records": [{"recordId": "a", "result": "Ok", "data": "MQ==", "metadata": {"partitionKeys": []}}]}"#,
            "partitionKeys is an array",
        ),
        (
            br#"{"records": [{"recordId": "a", "result": "Ok", "data": "MQ==", "metadata": {"partitionKeys": {"year": 2026}}}]}"#,
            "partitionKeys.year is a number",
        ),
    ];
    for (response, expected) in cases {
        let detail = json_processing(&ev, response);
        assert!(detail.contains(expected), "{:?}: detail {detail:?} should mention {expected:?}", String::from_utf8_lossy(response));
    }
}

#[test]
fn a_record_id_returned_twice_fails_the_invocation_with_duplicated_record_id() {
    let ev = event(&[("a", b"1"), ("b", b"2")]);
    let err = parse(
        &ev,
        json!({"records": [
            {"recordId": "a", "result": "Ok", "data": b64("x")},
            {"recordId": "b", "result": "Ok", "data": b64("y")},
            {"recordId": "a", "result": "Ok", "data": b64("z")},
        ]}),
    )
    .unwrap_err();
    assert_eq!(err, InvocationError::DuplicatedRecordId { record_id: "a".into() });
    assert_eq!(err.error_code(), DUPLICATED_RECORD_ID);
    // The text of a real processing-failed object.
    assert_eq!(
        err.error_message(),
        "Multiple records were returned with the same record Id. Ensure that the Lambda function returns a unique record Id for each record."
    );
}

#[test]
fn a_record_not_returned_fails_alone_with_missing_record_id() {
    let ev = event(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
    let out = parse(&ev, json!({"records": [{"recordId": "a", "result": "Ok", "data": b64("1")}, {"recordId": "c", "result": "Dropped"}]}))
        .unwrap();
    assert_eq!(out[0], ok("1"));
    assert_eq!(
        out[1],
        TransformedRecord::ProcessingFailed { error_code: MISSING_RECORD_ID.into(), error_message: MISSING_RECORD_ID_MESSAGE.into() }
    );
    assert_eq!(out[2], TransformedRecord::Dropped);
    // An empty answer fails every record the same way.
    let out = parse(&ev, json!({"records": []})).unwrap();
    assert!(out.iter().all(|r| matches!(r, TransformedRecord::ProcessingFailed { error_code, .. } if error_code == MISSING_RECORD_ID)));
}

#[test]
fn a_record_id_the_event_never_carried_is_ignored_and_reported() {
    // A function that renamed "b" to "b2": "b" is missing, "b2" is not delivered.
    let ev = event(&[("a", b"1"), ("b", b"2")]);
    let response = json!({"records": [
        {"recordId": "a", "result": "Ok", "data": b64("1")},
        {"recordId": "b2", "result": "Ok", "data": b64("2")},
    ]});
    let parsed = parse_response_detailed(&ev, response.to_string().as_bytes()).unwrap();
    assert_eq!(parsed.ignored_record_ids, vec!["b2".to_string()]);
    assert_eq!(parsed.records.len(), 2);
    assert!(matches!(&parsed.records[1], TransformedRecord::ProcessingFailed { error_code, .. } if error_code == MISSING_RECORD_ID));
}

#[test]
fn a_response_over_lambdas_limit_fails_the_invocation() {
    let ev = event(&[("a", b"1")]);
    let pad = "x".repeat(LAMBDA_RESPONSE_PAYLOAD_MAX_BYTES);
    let response = format!(r#"{{"records": [{{"recordId": "a", "result": "Ok", "data": "MQ=="}}], "pad": "{pad}"}}"#);
    let err = parse_response(&ev, response.as_bytes()).unwrap_err();
    assert_eq!(err, InvocationError::ResponseTooLarge { response_bytes: response.len() });
    assert_eq!(err.error_code(), FUNCTION_ERROR);
    assert!(err.error_message().contains("(6291556 bytes)"));
    // Exactly at the limit is still read.
    let exact = {
        let head = r#"{"records": [{"recordId": "a", "result": "Ok", "data": "MQ=="}], "pad": ""#;
        let fill = LAMBDA_RESPONSE_PAYLOAD_MAX_BYTES - head.len() - 2;
        format!("{head}{}\"}}", "x".repeat(fill))
    };
    assert_eq!(exact.len(), LAMBDA_RESPONSE_PAYLOAD_MAX_BYTES);
    assert_eq!(parse_response(&ev, exact.as_bytes()).unwrap(), vec![ok("1")]);
}

#[test]
fn thrown_errors_and_timeouts_are_function_errors() {
    let thrown = InvocationError::Thrown { message: "TypeError: x is not a function".into() };
    assert_eq!(thrown.error_code(), "Lambda.FunctionError");
    assert!(thrown.error_message().ends_with("TypeError: x is not a function"));
    // Firehose caps the run time at 5 minutes, with the page's exact sentence.
    let timeout = InvocationError::timeout(900_000);
    assert_eq!(timeout, InvocationError::Timeout { timeout_ms: 300_000 });
    assert_eq!(timeout.error_code(), "Lambda.FunctionError");
    assert_eq!(timeout.error_message(), FUNCTION_TIMEOUT_MESSAGE);
    assert_eq!(InvocationError::timeout(3_000), InvocationError::Timeout { timeout_ms: 3_000 });
}

// ---- processing-failed objects (data-transformation-failure-handling.html) ----

#[test]
fn the_processing_failed_object_has_awss_fields_in_order() {
    let err = InvocationError::JsonProcessing { detail: "whatever".into() };
    let record = processing_failed_record(
        4,
        1_575_019_718_303,
        err.error_code(),
        &err.error_message(),
        1_575_019_781_231,
        b"{\"a\":1}",
        "arn:aws:lambda:us-east-1:123456789012:function:to-csv",
    );
    let line = record.to_json();
    assert_eq!(
        line,
        format!(
            r#"{{"attemptsMade":4,"arrivalTimestamp":1575019718303,"errorCode":"Lambda.JsonProcessingException","errorMessage":{},"attemptEndingTimestamp":1575019781231,"rawData":"eyJhIjoxfQ==","lambdaArn":"arn:aws:lambda:us-east-1:123456789012:function:to-csv"}}"#,
            serde_json::to_string(JSON_PROCESSING_MESSAGE).unwrap()
        )
    );
    let back: ProcessingFailedRecord = serde_json::from_str(&line).unwrap();
    assert_eq!(back, record);
    // One object per line.
    let body = processing_failed_lines(&[record.clone(), record]);
    let text = String::from_utf8(body).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(text.ends_with('\n'));
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(v.as_object().unwrap().keys().count(), 7);
    }
}

#[test]
fn a_failed_invocation_writes_one_object_per_record_with_its_own_arrival_and_bytes() {
    let ev = event(&[("a", b"first"), ("b", b"second")]);
    let err = InvocationError::timeout(60_000);
    let lines = failed_invocation_records(&ev, &err, max_attempts(DEFAULT_NUMBER_OF_RETRIES), 1_700_000_400_000, "arn:aws:lambda:us-east-1:123456789012:function:f");
    assert_eq!(lines.len(), 2);
    for (line, (raw, arrival)) in lines.iter().zip([(&b"first"[..], 1_700_000_000_000u64), (&b"second"[..], 1_700_000_000_001)]) {
        assert_eq!(line.attempts_made, 4);
        assert_eq!(line.arrival_timestamp, arrival);
        assert_eq!(line.error_code, "Lambda.FunctionError");
        assert_eq!(line.error_message, FUNCTION_TIMEOUT_MESSAGE);
        assert_eq!(STANDARD.decode(&line.raw_data).unwrap(), raw);
        assert_eq!(line.attempt_ending_timestamp, 1_700_000_400_000);
    }
}

// ---- Built-in transforms: same contract as a learner's function ----

fn run(transform: &BuiltinTransform, records: &[(&str, &[u8])]) -> Vec<TransformedRecord> {
    let ev = event(records);
    let function = TransformFunction::Builtin { name: "builtin".into(), transform: transform.clone() };
    let response = function.run_builtin(&ev).expect("a built-in runs natively");
    parse_response(&ev, &response).expect("a built-in keeps the contract")
}

#[test]
fn append_newline_adds_one_newline_to_every_record() {
    let out = run(&BuiltinTransform::AppendNewline, &[("a", b"{\"x\":1}"), ("b", b""), ("c", b"line\n")]);
    assert_eq!(out, vec![ok("{\"x\":1}\n"), ok("\n"), ok("line\n\n")]);
}

#[test]
fn json_to_csv_writes_the_columns_with_rfc4180_quoting() {
    let t = BuiltinTransform::JsonToCsv {
        columns: vec!["id".into(), "name".into(), "note".into(), "user.country".into(), "tags".into(), "missing".into()],
        delimiter: ',',
    };
    assert!(t.validate().is_ok());
    let out = run(
        &t,
        &[
            ("a", br#"{"id": 7, "name": "Ada, Countess", "note": "said \"hi\"\nthen left", "user": {"country": "UK"}, "tags": ["x", 1], "missing": null}"#),
            ("b", br#"{"id": true, "name": "plain"}"#),
            ("c", b"not json"),
            ("d", b"[1,2,3]"),
        ],
    );
    assert_eq!(out[0], ok("7,\"Ada, Countess\",\"said \"\"hi\"\"\nthen left\",UK,\"[\"\"x\"\",1]\",\n"));
    assert_eq!(out[1], ok("true,plain,,,,\n"));
    assert!(matches!(&out[2], TransformedRecord::ProcessingFailed { error_code, .. } if error_code == PROCESSING_FAILED_STATUS));
    assert!(matches!(&out[3], TransformedRecord::ProcessingFailed { .. }));

    let tabs = BuiltinTransform::JsonToCsv { columns: vec!["a".into(), "b".into()], delimiter: '\t' };
    assert_eq!(run(&tabs, &[("a", br#"{"a": "x\ty", "b": "p,q"}"#)]), vec![ok("\"x\ty\"\tp,q\n")]);

    assert!(BuiltinTransform::JsonToCsv { columns: vec!["a".into()], delimiter: '"' }.validate().is_err());
    assert!(BuiltinTransform::JsonToCsv { columns: vec![], delimiter: ',' }.validate().is_err());
}

#[test]
fn filter_by_field_keeps_or_drops_with_result_dropped() {
    let keep_uk = BuiltinTransform::FilterByField { field: "country".into(), equals: "UK".into(), keep_matching: true };
    let records: &[(&str, &[u8])] = &[
        ("a", br#"{"country": "UK", "n": 1}"#),
        ("b", br#"{"country": "FR"}"#),
        ("c", br#"{"n": 2}"#),
        ("d", b"plain text"),
    ];
    let out = run(&keep_uk, records);
    assert_eq!(out[0], ok(r#"{"country": "UK", "n": 1}"#));
    assert_eq!(out[1], TransformedRecord::Dropped);
    assert_eq!(out[2], TransformedRecord::Dropped);
    assert!(matches!(&out[3], TransformedRecord::ProcessingFailed { .. }));

    let drop_uk = BuiltinTransform::FilterByField { field: "country".into(), equals: "UK".into(), keep_matching: false };
    let out = run(&drop_uk, records);
    assert_eq!(out[0], TransformedRecord::Dropped);
    assert_eq!(out[1], ok(r#"{"country": "FR"}"#));
    assert_eq!(out[2], ok(r#"{"n": 2}"#));

    // Non-string values match by their JSON text; dotted paths reach nested fields.
    let n = BuiltinTransform::FilterByField { field: "user.age".into(), equals: "42".into(), keep_matching: true };
    let out = run(&n, &[("a", br#"{"user": {"age": 42}}"#), ("b", br#"{"user": {"age": "42"}}"#), ("c", br#"{"user": {"age": 41}}"#)]);
    assert_eq!(out[2], TransformedRecord::Dropped);
    assert!(matches!(out[0], TransformedRecord::Ok { .. }) && matches!(out[1], TransformedRecord::Ok { .. }));
}

#[test]
fn transform_functions_round_trip_through_serde() {
    let functions = vec![
        TransformFunction::Builtin {
            name: "to-csv".into(),
            transform: BuiltinTransform::JsonToCsv { columns: vec!["a".into()], delimiter: ';' },
        },
        TransformFunction::Builtin { name: "nl".into(), transform: BuiltinTransform::AppendNewline },
        TransformFunction::Builtin {
            name: "only-uk".into(),
            transform: BuiltinTransform::FilterByField { field: "c".into(), equals: "UK".into(), keep_matching: true },
        },
        TransformFunction::Script { name: "mine".into(), source: "exports.handler = async (e) => ({records: []});".into() },
    ];
    let text = serde_json::to_string(&functions).unwrap();
    let back: Vec<TransformFunction> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, functions);
    assert_eq!(back[3].name(), "mine");
    assert!(back[3].run_builtin(&event(&[])).is_none());
    assert!(back.iter().all(|f| f.validate().is_ok()));
    assert!(TransformFunction::Script { name: "empty".into(), source: "  ".into() }.validate().is_err());
    assert!(TransformFunction::Builtin { name: "bad name".into(), transform: BuiltinTransform::AppendNewline }.validate().is_err());
    assert!(builtin::validate_function_name("to-csv_2").is_ok());
    assert!(builtin::validate_function_name("").is_err());
    assert!(builtin::validate_function_name("has space").is_err());
    assert!(builtin::validate_function_name(&"x".repeat(65)).is_err());
}

// ---- Packing into invocations (6 MB payload each way) ----

fn ids() -> impl FnMut() -> String {
    let mut n = 0u32;
    move || {
        n += 1;
        format!("{n:08x}-0000-4000-8000-000000000000")
    }
}

#[test]
fn packing_closes_an_event_at_the_buffer_hint() {
    let records: Vec<EventRecord> = (0..10).map(|i| EventRecord::new(format!("r{i}"), i, &[b'x'; 100])).collect();
    let events = pack_events(ARN, "us-east-1", records, 250, LAMBDA_REQUEST_PAYLOAD_MAX_BYTES, ids()).unwrap();
    // 100 bytes each, hint 250: an event closes once it holds ≥ 250 bytes, i.e. 3 records.
    let sizes: Vec<usize> = events.iter().map(|e| e.records.len()).collect();
    assert_eq!(sizes, vec![3, 3, 3, 1]);
    let mut invocation_ids: Vec<&str> = events.iter().map(|e| e.invocation_id.as_str()).collect();
    invocation_ids.dedup();
    assert_eq!(invocation_ids.len(), 4, "each event has its own invocation id");
}

#[test]
fn packing_refuses_a_record_that_cannot_fit_alone() {
    let records = vec![EventRecord::new("big", 0, &[0u8; 1_000])];
    let err = pack_events(ARN, "us-east-1", records, u64::MAX, 500, ids()).unwrap_err();
    assert!(matches!(err, PackError::RecordTooLarge { ref record_id, max_event_bytes: 500, .. } if record_id == "big"));
}

#[test]
fn a_full_default_buffer_fits_the_real_limit() {
    // 1,000 KiB records (Firehose's maximum) under the 3 MB hint: every event stays within 6 MiB.
    let records: Vec<EventRecord> = (0..8).map(|i| EventRecord::new(format!("{i:056}"), i, &vec![0xAB; 1_024_000])).collect();
    let events = pack_events(ARN, "us-east-1", records, buffer_size_bytes(LAMBDA_BUFFER_SIZE_MAX_MB), LAMBDA_REQUEST_PAYLOAD_MAX_BYTES, ids())
        .unwrap();
    assert_eq!(events.iter().map(|e| e.records.len()).sum::<usize>(), 8);
    assert!(events.iter().all(|e| e.json_len() <= LAMBDA_REQUEST_PAYLOAD_MAX_BYTES));
}

proptest! {
    /// Packing never exceeds the payload limit and keeps every record exactly once, in order.
    #[test]
    fn packing_respects_the_limit_and_keeps_every_record_in_order(
        sizes in proptest::collection::vec(0usize..400, 0..60),
        hint in 1u64..2_000,
        max_event_bytes in 900usize..3_000, // a 399-byte record alone needs ~770
    ) {
        let records: Vec<EventRecord> = sizes
            .iter()
            .enumerate()
            .map(|(i, n)| EventRecord::new(format!("id-{i}"), 1_700_000_000_000 + i as u64, &vec![b'a' + (i % 26) as u8; *n]))
            .collect();
        let expected = records.clone();
        let events = pack_events(ARN, "us-east-1", records, hint, max_event_bytes, ids()).unwrap();
        let flattened: Vec<EventRecord> = events.iter().flat_map(|e| e.records.clone()).collect();
        prop_assert_eq!(flattened, expected);
        for e in &events {
            prop_assert!(!e.records.is_empty());
            prop_assert!(e.json_len() <= max_event_bytes, "event of {} bytes over {}", e.json_len(), max_event_bytes);
            // Only the last record may take an event past the hint.
            let raw_before_last: u64 = e.records[..e.records.len() - 1].iter().map(|r| r.raw_len()).sum();
            prop_assert!(raw_before_last < hint);
        }
    }

    /// Any response a function can send is either accepted with one outcome per record or refused with
    /// one of Firehose's codes; it never panics.
    #[test]
    fn any_response_is_accepted_or_refused_with_a_firehose_code(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let ev = event(&[("a", b"1")]);
        match parse_response(&ev, &bytes) {
            Ok(records) => prop_assert_eq!(records.len(), 1),
            Err(e) => prop_assert!(e.error_code().starts_with("Lambda.")),
        }
    }
}

//! The sandbox terminal (`kinesis_lab::cli`) end to end against a live simulated account: AWS CLI v2's
//! parsing, messages, exit codes and output (sources: FACTS.md §1 "API protocol" for the error line,
//! the API model models/kinesis.json for names and types, botocore's paginators-1.json and
//! validate.py, awscli's argparser/shorthand/text modules for the CLI's own rules).

use kinesis_lab::api::kinesis::KinesisService;
use kinesis_lab::api::model::{self, Shape};
use kinesis_lab::cli::{self, complete, names, run, CliOutput};
use kinesis_lab::engine::streams::EngineConfig;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const START_MS: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn service() -> KinesisService {
    KinesisService::new(EngineConfig::default(), START_MS)
}

fn ok(svc: &mut KinesisService, line: &str) -> String {
    let out = run(line, svc);
    assert_eq!(out.exit_code, 0, "{line}\nstderr: {}", out.stderr);
    out.stdout
}

fn ok_json(svc: &mut KinesisService, line: &str) -> Value {
    let text = ok(svc, line);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{line}: not JSON ({e}): {text}"))
}

/// Creates an ACTIVE stream (CreateStream, then the simulated clock moves past CREATING).
fn stream(svc: &mut KinesisService, name: &str, shards: u32) {
    assert_eq!(ok(svc, &format!("aws kinesis create-stream --stream-name {name} --shard-count {shards}")), "");
    let now = svc.engine.now_ms();
    svc.engine.advance_to(now + 1_000);
}

// FACTS.md §1 (Data Streams lifecycle, records, API protocol); model: CreateStream, DescribeStreamSummary,
// PutRecord, GetShardIterator, GetRecords. CLI v2 prints void operations as nothing and timestamps as ISO 8601.
#[test]
fn round_trip_create_describe_put_read() {
    let mut svc = service();
    stream(&mut svc, "orders", 2);

    let summary_text = ok(&mut svc, "aws kinesis describe-stream-summary --stream-name orders");
    let summary: Value = serde_json::from_str(&summary_text).unwrap();
    let d = &summary["StreamDescriptionSummary"];
    assert_eq!(d["StreamName"], "orders");
    assert_eq!(d["StreamStatus"], "ACTIVE");
    assert_eq!(d["OpenShardCount"], 2);
    assert_eq!(d["StreamCreationTimestamp"], "2026-01-01T00:00:00+00:00");
    // AWS's member order (StreamName, StreamARN, StreamStatus, ...), 4-space indent as json.dumps.
    assert!(summary_text.starts_with("{\n    \"StreamDescriptionSummary\": {\n        \"StreamName\": \"orders\",\n        \"StreamARN\": "));
    assert!(summary_text.ends_with("}\n"));

    let put = ok_json(
        &mut svc,
        "aws kinesis put-record --stream-name orders --partition-key pk-1 --data hello --cli-binary-format raw-in-base64-out",
    );
    let shard = put["ShardId"].as_str().unwrap().to_string();
    let seq = put["SequenceNumber"].as_str().unwrap().to_string();
    assert!(seq.chars().all(|c| c.is_ascii_digit()));

    let it = ok_json(
        &mut svc,
        &format!("aws kinesis get-shard-iterator --stream-name orders --shard-id {shard} --shard-iterator-type TRIM_HORIZON"),
    );
    let iterator = it["ShardIterator"].as_str().unwrap();
    let got = ok_json(&mut svc, &format!("aws kinesis get-records --shard-iterator '{iterator}'"));
    let records = got["Records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["Data"], "aGVsbG8="); // blobs print as base64
    assert_eq!(records[0]["PartitionKey"], "pk-1");
    assert_eq!(records[0]["SequenceNumber"], seq.as_str());
    assert!(records[0]["ApproximateArrivalTimestamp"].as_str().unwrap().ends_with("+00:00"));
}

// CLI v2 reads blob options as base64 unless --cli-binary-format raw-in-base64-out is given.
#[test]
fn blobs_are_base64_by_default() {
    let mut svc = service();
    stream(&mut svc, "b", 1);
    let bad = run("aws kinesis put-record --stream-name b --partition-key k --data hello", &mut svc);
    assert_eq!(bad.stderr, "\nInvalid base64: \"hello\"\n");
    assert_eq!(bad.exit_code, 252);
    assert_eq!(bad.stdout, "");
    ok(&mut svc, "aws kinesis put-record --stream-name b --partition-key k --data aGVsbG8=");
    let it = ok_json(&mut svc, "aws kinesis get-shard-iterator --stream-name b --shard-id shardId-000000000000 --shard-iterator-type TRIM_HORIZON");
    let got = ok_json(&mut svc, &format!("aws kinesis get-records --shard-iterator {}", it["ShardIterator"].as_str().unwrap()));
    assert_eq!(got["Records"][0]["Data"], "aGVsbG8=");
}

// botocore paginators-1.json (ListStreams: NextToken, result keys StreamNames + StreamSummaries):
// the CLI follows every page and prints only the merged result keys.
#[test]
fn list_streams_auto_paginates_and_merges() {
    let mut svc = service();
    for name in ["s1", "s2", "s3"] {
        stream(&mut svc, name, 1);
    }
    let all = ok_json(&mut svc, "aws kinesis list-streams --page-size 1");
    assert_eq!(all["StreamNames"], json!(["s1", "s2", "s3"]));
    assert_eq!(all["StreamSummaries"].as_array().unwrap().len(), 3);
    let keys: Vec<&String> = all.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 2, "tokens and HasMoreStreams are dropped: {keys:?}");

    // --max-items truncates and hands out a resume token; --starting-token resumes from it.
    let first = ok_json(&mut svc, "aws kinesis list-streams --max-items 2 --page-size 1");
    assert_eq!(first["StreamNames"], json!(["s1", "s2"]));
    let token = first["NextToken"].as_str().unwrap();
    let rest = ok_json(&mut svc, &format!("aws kinesis list-streams --starting-token {token}"));
    assert_eq!(rest["StreamNames"], json!(["s3"]));

    // --no-paginate: one call, the raw page with its token.
    let page = ok_json(&mut svc, "aws kinesis list-streams --limit 1 --no-paginate");
    assert_eq!(page["StreamNames"], json!(["s1"]));
    assert_eq!(page["HasMoreStreams"], true);
}

// botocore paginators-1.json ListShards (NextToken → Shards); the engine's default page holds every shard,
// so one call gives the merged list. A second page is refused by Kinesis when StreamName rides along with
// NextToken, and botocore's paginator sends both: the real CLI fails the same way (boto/botocore#2009).
#[test]
fn list_shards_pagination() {
    let mut svc = service();
    stream(&mut svc, "big", 3);
    let all = ok_json(&mut svc, "aws kinesis list-shards --stream-name big");
    let ids: Vec<&str> = all["Shards"].as_array().unwrap().iter().map(|s| s["ShardId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]);
    assert!(all.get("NextToken").is_none());

    let paged = run("aws kinesis list-shards --stream-name big --page-size 1", &mut svc);
    assert_eq!(paged.exit_code, 254);
    assert_eq!(
        paged.stderr,
        "\nAn error occurred (InvalidArgumentException) when calling the ListShards operation: NextToken and StreamName cannot be provided together.\n"
    );

    // --max-items stops after the first page, so the token is handed out instead of followed; resuming
    // with --starting-token alone (no stream name) pages through the rest.
    let first = ok_json(&mut svc, "aws kinesis list-shards --stream-name big --page-size 2 --max-items 2");
    assert_eq!(first["Shards"].as_array().unwrap().len(), 2);
    let token = first["NextToken"].as_str().unwrap();
    let rest = ok_json(&mut svc, &format!("aws kinesis list-shards --starting-token {token} --page-size 1"));
    assert_eq!(rest["Shards"][0]["ShardId"], "shardId-000000000002");
}

// botocore paginators-1.json DescribeStream: Shards merged, non-aggregate keys from the first page
// (KeyId printed as null when absent), HasMoreShards and StreamModeDetails dropped.
#[test]
fn describe_stream_paginates_by_last_shard_id() {
    let mut svc = service();
    stream(&mut svc, "d", 3);
    let text = ok(&mut svc, "aws kinesis describe-stream --stream-name d --page-size 1");
    let v: Value = serde_json::from_str(&text).unwrap();
    let d = &v["StreamDescription"];
    assert_eq!(d["Shards"].as_array().unwrap().len(), 3);
    assert_eq!(d["KeyId"], Value::Null);
    assert!(d.get("HasMoreShards").is_none());
    assert!(text.starts_with("{\n    \"StreamDescription\": {\n        \"Shards\": ["));
}

// CLI v2 argparse errors: usage block, `aws: error: ...`, exit 252.
#[test]
fn missing_required_option() {
    let mut svc = service();
    let out = run("aws kinesis create-stream --shard-count 1", &mut svc);
    assert_eq!(out.exit_code, 252);
    assert_eq!(
        out.stderr,
        "\nusage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\nTo see help text, you can run:\n\n  aws help\n  aws <command> help\n  aws <command> <subcommand> help\n\naws: error: the following arguments are required: --stream-name\n\n"
    );
    let both = run("aws kinesis get-shard-iterator --stream-name s", &mut svc);
    assert!(both.stderr.contains("aws: error: the following arguments are required: --shard-id, --shard-iterator-type\n"), "{}", both.stderr);
}

#[test]
fn unknown_option_and_invalid_choice() {
    let mut svc = service();
    let out = run("aws kinesis list-streams --foo", &mut svc);
    assert_eq!(out.exit_code, 252);
    assert!(out.stderr.starts_with("\nusage: aws [options]"));
    assert!(out.stderr.ends_with("\nUnknown options: --foo\n"), "{}", out.stderr);

    let op = run("aws kinesis describe-streams", &mut svc);
    assert_eq!(op.exit_code, 252);
    assert!(op.stderr.contains("aws: error: argument operation: Found invalid choice 'describe-streams'\n"));

    let cmd = run("aws s3 ls", &mut svc);
    assert!(cmd.stderr.contains("argument command: Found invalid choice 's3'"));

    let missing_value = run("aws kinesis create-stream --stream-name", &mut svc);
    assert!(missing_value.stderr.contains("aws: error: argument --stream-name: expected one argument"));
}

// awscli unpack_scalar_cli_arg: int(value) → Python's ValueError, a general error (255).
#[test]
fn bad_integer() {
    let mut svc = service();
    let out = run("aws kinesis create-stream --stream-name x --shard-count abc", &mut svc);
    assert_eq!(out.stderr, "\ninvalid literal for int() with base 10: 'abc'\n");
    assert_eq!(out.exit_code, 255);
}

// botocore validate.py: checked before sending, exit 252.
#[test]
fn client_side_validation() {
    let mut svc = service();
    let out = run("aws kinesis create-stream --stream-name x --shard-count 0", &mut svc);
    assert_eq!(out.stderr, "\nParameter validation failed:\nInvalid value for parameter ShardCount, value: 0, valid min value: 1\n");
    assert_eq!(out.exit_code, 252);
    let bad_shorthand = run("aws kinesis create-stream --stream-name x --stream-mode-details Foo=1", &mut svc);
    assert_eq!(
        bad_shorthand.stderr,
        "\nParameter validation failed:\nMissing required parameter in StreamModeDetails: \"StreamMode\"\nUnknown parameter in StreamModeDetails: \"Foo\", must be one of: StreamMode\n"
    );
    let syntax = run("aws kinesis add-tags-to-stream --stream-name x --tags a", &mut svc);
    assert_eq!(syntax.stderr, "\nError parsing parameter '--tags': Expected: '=', received: 'EOF' for input:\na\n ^\n");
    assert_eq!(syntax.exit_code, 252);
}

// FACTS.md §1 API protocol: "An error occurred (<Type>) when calling the <Operation> operation: <message>"; CLI v2 exit 254.
#[test]
fn api_error_format() {
    let mut svc = service();
    let out = run("aws kinesis describe-stream-summary --stream-name nope", &mut svc);
    assert_eq!(out.exit_code, 254);
    assert_eq!(
        out.stderr,
        "\nAn error occurred (ResourceNotFoundException) when calling the DescribeStreamSummary operation: Stream nope under account 123456789012 not found.\n"
    );
    assert_eq!(out.stdout, "");
}

// Model shapes: structures in shorthand, maps, lists of strings, lists of structures, boolean flags.
#[test]
fn shorthand_maps_lists_and_flags() {
    let mut svc = service();
    ok(&mut svc, "aws kinesis create-stream --stream-name od --stream-mode-details StreamMode=ON_DEMAND");
    svc.engine.advance_to(START_MS + 1_000);
    let d = ok_json(&mut svc, "aws kinesis describe-stream-summary --stream-name od");
    assert_eq!(d["StreamDescriptionSummary"]["StreamModeDetails"]["StreamMode"], "ON_DEMAND");

    ok(&mut svc, "aws kinesis add-tags-to-stream --stream-name od --tags team=data,env=dev");
    let tags = ok_json(&mut svc, "aws kinesis list-tags-for-stream --stream-name od");
    assert_eq!(tags["Tags"].as_array().unwrap().len(), 2);
    ok(&mut svc, "aws kinesis remove-tags-from-stream --stream-name od --tag-keys team env");
    let tags = ok_json(&mut svc, "aws kinesis list-tags-for-stream --stream-name od");
    assert_eq!(tags["Tags"], json!([]));

    let put = ok_json(
        &mut svc,
        "aws kinesis put-records --stream-name od --records Data=YQ==,PartitionKey=a Data=Yg==,PartitionKey=b",
    );
    assert_eq!(put["FailedRecordCount"], 0);
    assert_eq!(put["Records"].as_array().unwrap().len(), 2);
    let put_json = ok_json(
        &mut svc,
        r#"aws kinesis put-records --stream-name od --records '[{"Data":"YQ==","PartitionKey":"a"}]'"#,
    );
    assert_eq!(put_json["Records"].as_array().unwrap().len(), 1);

    let listed = ok_json(&mut svc, "aws kinesis list-shards --stream-name od --shard-filter Type=AT_LATEST");
    assert!(!listed["Shards"].as_array().unwrap().is_empty());

    assert_eq!(ok(&mut svc, "aws kinesis delete-stream --stream-name od --enforce-consumer-deletion"), "");
}

#[test]
fn cli_input_json_text_output_and_query() {
    let mut svc = service();
    ok(&mut svc, r#"aws kinesis create-stream --cli-input-json '{"StreamName": "j", "ShardCount": 2}'"#);
    svc.engine.advance_to(START_MS + 1_000);
    let ids = ok(&mut svc, "aws kinesis list-shards --stream-name j --query 'Shards[*].ShardId'");
    assert_eq!(ids, "[\n    \"shardId-000000000000\",\n    \"shardId-000000000001\"\n]\n");
    let count = ok(&mut svc, "aws kinesis list-shards --stream-name j --query 'length(Shards)'");
    assert_eq!(count, "2\n");
    let text = ok(&mut svc, "aws kinesis list-streams --output text");
    // awscli text: list of scalars under their upper-cased key; objects' scalars tab-joined by sorted key.
    assert!(text.starts_with("STREAMNAMES\tj\n"), "{text}");
    assert!(text.contains("STREAMSUMMARIES\tarn:aws:kinesis:"), "{text}");
    let skeleton = ok_json(&mut svc, "aws kinesis create-stream --generate-cli-skeleton");
    assert_eq!(skeleton["StreamModeDetails"]["StreamMode"], "PROVISIONED");
}

#[test]
fn help_pages() {
    let mut svc = service();
    let top = ok(&mut svc, "aws help");
    assert!(top.contains("kinesis"));
    assert_eq!(run("help", &mut svc).exit_code, 0);
    let service_help = ok(&mut svc, "aws kinesis help");
    assert!(service_help.contains("o describe-stream-summary\n"));
    let op = ok(&mut svc, "aws kinesis create-stream help");
    assert!(op.contains("--stream-name (string) [required]"));
    assert!(op.contains("Creates a Kinesis data stream."), "documentation comes from AWS's model");
    assert!(op.contains("StreamMode=PROVISIONED|ON_DEMAND"));
}

#[test]
fn shell_quoting_errors_and_other_commands() {
    let mut svc = service();
    let out = run("aws kinesis create-stream --stream-name 'oops", &mut svc);
    assert_eq!(out.exit_code, 2);
    assert!(out.stderr.contains("unexpected EOF"));
    assert_eq!(run("ls", &mut svc).exit_code, 127);
    assert_eq!(run("   ", &mut svc), CliOutput::default());
}

#[test]
fn completion() {
    assert_eq!(complete(""), vec!["aws"]);
    assert_eq!(complete("aws kin"), vec!["kinesis"]);
    assert_eq!(complete("aws kinesis describe-stream-s"), vec!["describe-stream-summary"]);
    assert_eq!(complete("aws kinesis"), vec!["kinesis"], "without a trailing space the last word is still being typed");
    let types = complete("aws kinesis get-shard-iterator --shard-iterator-type ");
    assert_eq!(types, vec!["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"]);
    assert_eq!(complete("aws kinesis get-shard-iterator --shard-iterator-type TR"), vec!["TRIM_HORIZON"]);
    let opts = complete("aws kinesis create-stream --stream-name x --");
    assert!(opts.contains(&"--shard-count".to_string()));
    assert!(!opts.contains(&"--stream-name".to_string()), "used options are not proposed again");
    assert!(complete("aws kinesis delete-stream --").contains(&"--no-enforce-consumer-deletion".to_string()));
    assert_eq!(complete("aws kinesis list-streams --output t"), vec!["text", "table"]);
}

/// A value of `shape` that passes botocore's client-side checks (required members only).
fn sample(shape: &str, depth: usize) -> Value {
    let m = model::kinesis();
    match m.shape(shape) {
        Some(Shape::Structure { required, members, .. }) => {
            let mut map = Map::new();
            for (name, target) in members {
                if required.contains(name) && depth < 6 {
                    map.insert(name.clone(), sample(target, depth + 1));
                }
            }
            Value::Object(map)
        }
        Some(Shape::List { member, .. }) => json!([sample(member, depth + 1)]),
        Some(Shape::Map { value, .. }) => json!({ "k": sample(value, depth + 1) }),
        Some(Shape::String { enums, .. }) => json!(enums.first().cloned().unwrap_or_else(|| "x".into())),
        Some(Shape::Integer { min, .. } | Shape::Long { min, .. }) => json!(min.unwrap_or(1).max(1)),
        Some(Shape::Boolean) => json!(true),
        Some(Shape::Timestamp) => json!("2026-01-01T00:00:00Z"),
        Some(Shape::Blob { .. }) => json!("aGk="),
        _ => json!("x"),
    }
}

/// One command line for an operation, with every option (all members when `all`, else the required ones).
fn example_line(operation: &str, all: bool) -> String {
    let table = names::op_table(operation).unwrap();
    let mut line = format!("aws kinesis {}", table.cli_name);
    for arg in &table.args {
        if !(arg.required || all) {
            continue;
        }
        if table.is_boolean(arg) {
            line.push_str(&format!(" --{}", arg.name));
            continue;
        }
        let value = sample(&arg.shape, 0);
        let text = match &value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            other => other.to_string(),
        };
        line.push_str(&format!(" --{} '{}'", arg.name, text.replace('\'', "'\\''")));
    }
    line
}

// Every operation of the model parses (exit 0, or 254 when the service refuses the sample values):
// never a CLI parse error (252) or a crash (255).
#[test]
fn every_operation_parses_from_an_example_line() {
    let ops = model::kinesis().operation_names().to_vec();
    assert_eq!(ops.len(), 39);
    for op in &ops {
        for all in [false, true] {
            let mut svc = service();
            let line = example_line(op, all);
            let out = run(&line, &mut svc);
            assert!(out.exit_code == 0 || out.exit_code == 254, "{line}\n→ {} {}", out.exit_code, out.stderr);
            // Help exists for each too.
            let help = run(&format!("aws kinesis {} help", names::xform_name(op)), &mut svc);
            assert_eq!(help.exit_code, 0);
        }
    }
}

#[test]
fn subscribe_to_shard_prints_available_events() {
    let mut svc = service();
    stream(&mut svc, "efo", 1);
    let arn = ok_json(&mut svc, "aws kinesis describe-stream-summary --stream-name efo")["StreamDescriptionSummary"]["StreamARN"]
        .as_str()
        .unwrap()
        .to_string();
    let consumer = ok_json(&mut svc, &format!("aws kinesis register-stream-consumer --stream-arn {arn} --consumer-name c1"));
    let consumer_arn = consumer["Consumer"]["ConsumerARN"].as_str().unwrap().to_string();
    let now = svc.engine.now_ms();
    svc.engine.advance_to(now + 10_000);
    let out = run(
        &format!(
            "aws kinesis subscribe-to-shard --consumer-arn {consumer_arn} --shard-id shardId-000000000000 --starting-position Type=TRIM_HORIZON"
        ),
        &mut svc,
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(v["EventStream"].is_array());
    assert!(out.stderr.contains("simulated clock"));
}

fn vocabulary() -> Vec<String> {
    let mut words: Vec<String> = vec![
        "aws", "kinesis", "help", "--stream-name", "s", "--shard-count", "1", "-1", "abc", "--data", "aGk=", "hello",
        "--records", "Data=YQ==,PartitionKey=a", "{", "[", "]", "'", "\"", "\\", "--tags", "a=b,c", "=", ",",
        "--output", "text", "--query", "Shards[0]", "--no-paginate", "--max-items", "--page-size", "--starting-token",
        "--cli-input-json", "{\"StreamName\":1}", "--shard-filter", "Type=AT_LATEST", "--timestamp", "2026-01-01",
        "--cli-binary-format", "raw-in-base64-out", "--enforce-consumer-deletion", "--no-enforce-consumer-deletion",
        "--generate-cli-skeleton", "--", "-", "--x=y",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    words.extend(names::operation_cli_names());
    words
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// No line, however odd, panics the terminal or its completion.
    #[test]
    fn random_lines_never_panic(line in "\\PC{0,80}") {
        let mut svc = service();
        let _ = run(&line, &mut svc);
        let _ = complete(&line);
    }

    /// Lines built from CLI words (options, values, quotes) never panic and exit with a CLI code.
    #[test]
    fn random_commands_never_panic(picks in proptest::collection::vec(0usize..200, 0..12)) {
        let words = vocabulary();
        let mut line = String::from("aws kinesis");
        for p in picks {
            line.push(' ');
            line.push_str(&words[p % words.len()]);
        }
        let mut svc = service();
        let out = run(&line, &mut svc);
        prop_assert!([0, 2, 252, 254, 255].contains(&out.exit_code), "{} → {}", line, out.exit_code);
        let _ = complete(&line);
        let _ = cli::complete(&format!("{line} "));
    }
}

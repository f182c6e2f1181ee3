//! The sandbox terminal's `aws firehose ...` (`kinesis_lab::cli::run_with`) against a live simulated
//! account: names and types from the Firehose model (models/firehose.json), the AWS CLI v2's parsing,
//! output and error line (FACTS.md §1 "API protocol"), Firehose behaviour from FACTS.md §2.

use kinesis_lab::api::firehose::FirehoseService;
use kinesis_lab::api::kinesis::KinesisService;
use kinesis_lab::api::model;
use kinesis_lab::cli::errors::USAGE;
use kinesis_lab::cli::names::xform_name;
use kinesis_lab::cli::{complete, run, run_with, CliOutput};
use kinesis_lab::engine::firehose::FirehoseConfig;
use kinesis_lab::engine::streams::EngineConfig;
use proptest::prelude::*;
use serde_json::{json, Value};

const START_MS: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

struct Account {
    kinesis: KinesisService,
    firehose: FirehoseService,
}

impl Account {
    fn new() -> Self {
        Account {
            kinesis: KinesisService::new(EngineConfig::default(), START_MS),
            firehose: FirehoseService::new(FirehoseConfig::default(), START_MS),
        }
    }

    fn run(&mut self, line: &str) -> CliOutput {
        run_with(line, &mut self.kinesis, &mut self.firehose)
    }

    fn ok(&mut self, line: &str) -> String {
        let out = self.run(line);
        assert_eq!(out.exit_code, 0, "{line}\nstderr: {}", out.stderr);
        out.stdout
    }

    fn ok_json(&mut self, line: &str) -> Value {
        let text = self.ok(line);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{line}: not JSON ({e}): {text}"))
    }

    /// Moves the Firehose clock past CREATING / DELETING.
    fn settle(&mut self) {
        let t = self.firehose.engine.config.transition_ms + 1;
        self.firehose.engine.advance_by(t);
    }

    fn create(&mut self, name: &str) {
        let line = format!(
            "aws firehose create-delivery-stream --delivery-stream-name {name} --delivery-stream-type DirectPut \
             --extended-s3-destination-configuration '{}'",
            json!({"RoleARN": ROLE, "BucketARN": BUCKET, "Prefix": "logs/!{timestamp:yyyy/MM/dd}/",
                   "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
                   "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}, "CompressionFormat": "GZIP"})
        );
        let out = self.ok_json(&line);
        assert_eq!(out, json!({"DeliveryStreamARN": format!("arn:aws:firehose:us-east-1:123456789012:deliverystream/{name}")}));
    }
}

const ROLE: &str = "arn:aws:iam::123456789012:role/firehose";
const BUCKET: &str = "arn:aws:s3:::lab-bucket";

// FACTS.md §2 "States CREATING → ACTIVE", "version starts at 1", buffering hints, GZIP; model
// CreateDeliveryStream / DescribeDeliveryStream shapes (CLI names by botocore's xform_name). CLI v2 prints
// timestamps as ISO 8601.
#[test]
fn create_describe_list_through_the_terminal() {
    let mut acct = Account::new();
    acct.create("web");
    let d = acct.ok_json("aws firehose describe-delivery-stream --delivery-stream-name web")["DeliveryStreamDescription"].clone();
    assert_eq!(d["DeliveryStreamStatus"], "CREATING");
    acct.settle();
    let d = acct.ok_json("aws firehose describe-delivery-stream --delivery-stream-name web")["DeliveryStreamDescription"].clone();
    assert_eq!(d["DeliveryStreamStatus"], "ACTIVE");
    assert_eq!(d["VersionId"], "1");
    assert_eq!(d["DeliveryStreamType"], "DirectPut");
    assert_eq!(d["CreateTimestamp"], "2026-01-01T00:00:00+00:00");
    let s3 = &d["Destinations"][0]["ExtendedS3DestinationDescription"];
    assert_eq!(s3["CompressionFormat"], "GZIP");
    assert_eq!(s3["BufferingHints"], json!({"SizeInMBs": 1, "IntervalInSeconds": 60}));
    assert_eq!(s3["ErrorOutputPrefix"], "errors/!{firehose:error-output-type}/");
    assert_eq!(d["Destinations"][0]["DestinationId"], "destinationId-000000000001");

    acct.create("api");
    let listed = acct.ok_json("aws firehose list-delivery-streams");
    assert_eq!(listed, json!({"DeliveryStreamNames": ["api", "web"], "HasMoreDeliveryStreams": false}));
    let page = acct.ok_json("aws firehose list-delivery-streams --limit 1");
    assert_eq!(page, json!({"DeliveryStreamNames": ["api"], "HasMoreDeliveryStreams": true}));
    // --query and --output text work as for Kinesis.
    assert_eq!(acct.ok("aws firehose list-delivery-streams --query DeliveryStreamNames --output text"), "api\tweb\n");

    // The Kinesis side of the same terminal still works, and sees only its own streams.
    assert_eq!(acct.ok_json("aws kinesis list-streams")["StreamNames"], json!([]));
}

// FACTS.md §2 "PutRecord / PutRecordBatch … FailedPutCount + RequestResponses"; model PutRecordOutput
// {RecordId, Encrypted}; CLI v2 reads blobs as base64 unless --cli-binary-format raw-in-base64-out.
#[test]
fn put_record_and_batch_through_the_terminal() {
    let mut acct = Account::new();
    acct.create("p");
    acct.settle();
    let one = acct.ok_json("aws firehose put-record --delivery-stream-name p --record Data=aGVsbG8=");
    assert!(one["RecordId"].as_str().is_some_and(|id| !id.is_empty()), "{one}");
    assert_eq!(one["Encrypted"], false);
    let raw = acct.ok_json(
        "aws firehose put-record --delivery-stream-name p --record Data=hello --cli-binary-format raw-in-base64-out",
    );
    assert!(raw["RecordId"].is_string());
    let batch = acct.ok_json("aws firehose put-record-batch --delivery-stream-name p --records Data=YQ== Data=Yg== Data=Yw==");
    assert_eq!(batch["FailedPutCount"], 0);
    assert_eq!(batch["RequestResponses"].as_array().map(Vec::len), Some(3));
    // Not base64 (CLI v2's default blob format): refused before any call.
    let bad = acct.run("aws firehose put-record --delivery-stream-name p --record Data=hello");
    assert_eq!((bad.stderr.as_str(), bad.exit_code), ("\nInvalid base64: \"hello\"\n", 252));
    assert_eq!(bad.stdout, "");
}

// FACTS.md §2 "version starts at 1 and goes up on each UpdateDestination"; model UpdateDestination
// (stale CurrentDeliveryStreamVersionId → ConcurrentModificationException), DeleteDeliveryStream; the error
// line "An error occurred (<Type>) when calling the <Operation> operation: <message>" (FACTS.md §1), exit 254.
#[test]
fn update_delete_and_errors_through_the_terminal() {
    let mut acct = Account::new();
    acct.create("u");
    acct.settle();
    let update = "aws firehose update-destination --delivery-stream-name u --current-delivery-stream-version-id 1 \
                  --destination-id destinationId-000000000001 \
                  --extended-s3-destination-update BufferingHints={SizeInMBs=64,IntervalInSeconds=900}";
    assert_eq!(acct.ok(update), "");
    let d = acct.ok_json("aws firehose describe-delivery-stream --delivery-stream-name u")["DeliveryStreamDescription"].clone();
    assert_eq!(d["VersionId"], "2");
    assert_eq!(
        d["Destinations"][0]["ExtendedS3DestinationDescription"]["BufferingHints"],
        json!({"SizeInMBs": 64, "IntervalInSeconds": 900})
    );
    let stale = acct.run(update);
    assert_eq!(stale.exit_code, 254);
    assert!(
        stale.stderr.contains("An error occurred (ConcurrentModificationException) when calling the UpdateDestination operation: "),
        "{}",
        stale.stderr
    );

    assert_eq!(acct.ok("aws firehose delete-delivery-stream --delivery-stream-name u"), "");
    acct.settle();
    let gone = acct.run("aws firehose describe-delivery-stream --delivery-stream-name u");
    assert_eq!(gone.exit_code, 254);
    assert_eq!(
        gone.stderr,
        "\nAn error occurred (ResourceNotFoundException) when calling the DescribeDeliveryStream operation: \
         Firehose u under account 123456789012 not found.\n"
    );
}

// AWS CLI v2 argument parsing: required options, unknown operations (exit 252), model validation before
// the call (DeliveryStreamName pattern), unsimulated operations named by the service.
#[test]
fn parsing_errors_and_unsupported_operations() {
    let mut acct = Account::new();
    let missing = acct.run("aws firehose describe-delivery-stream");
    assert_eq!(missing.exit_code, 252);
    assert!(missing.stderr.contains("the following arguments are required: --delivery-stream-name"), "{}", missing.stderr);
    let unknown = acct.run("aws firehose describe-stream --stream-name x");
    assert_eq!(unknown.exit_code, 252);
    assert!(unknown.stderr.contains("aws: error: argument operation: Found invalid choice 'describe-stream'\n"));
    let tag = acct.run("aws firehose tag-delivery-stream --delivery-stream-name x --tags Key=team,Value=a");
    assert_eq!(tag.exit_code, 254);
    assert!(tag.stderr.contains("(UnsupportedOperationException)") && tag.stderr.contains("TagDeliveryStream"), "{}", tag.stderr);
    let help = acct.ok("aws firehose help");
    for op in ["create-delivery-stream", "put-record-batch", "update-destination", "list-delivery-streams"] {
        assert!(help.contains(&format!("  o {op}\n")), "{help}");
    }
    let op_help = acct.ok("aws firehose put-record help");
    assert!(op_help.contains("--delivery-stream-name <value>") && op_help.contains("--record <value>"), "{op_help}");
}

// `cli::run` (what the terminal component calls today) keeps answering only `aws kinesis ...`.
#[test]
fn run_without_firehose_still_refuses_the_command() {
    let mut kinesis = KinesisService::new(EngineConfig::default(), START_MS);
    let out = run("aws firehose list-delivery-streams", &mut kinesis);
    assert_eq!(out.exit_code, 252);
    assert!(out.stderr.contains("argument command: Found invalid choice 'firehose'"), "{}", out.stderr);
}

// ---- Completion (aws_completer behaviour: commands, then the service's operations, then the
// operation's options and enum values; names from the models by botocore's xform_name). ----

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

#[test]
fn completion_of_commands_names_both_services() {
    assert_eq!(complete("aws f"), strings(&["firehose"]));
    assert_eq!(complete("aws kin"), strings(&["kinesis"]));
    let all = complete("aws ");
    for command in ["firehose", "kinesis", "help"] {
        assert!(all.contains(&command.to_string()), "{all:?}");
    }
    assert!(complete("aws s3 ").is_empty(), "no operations for a command the terminal does not have");
    // Global options as for Kinesis, before and after the command.
    assert_eq!(complete("aws --outp"), strings(&["--output"]));
    assert_eq!(complete("aws firehose --reg"), strings(&["--region"]));
}

// Model: the 12 Firehose operations, listed by their CLI names (sorted, as the CLI lists them) and `help`.
#[test]
fn completion_of_firehose_operations_from_its_model() {
    let mut expected: Vec<String> = model::firehose().operation_names().iter().map(|n| xform_name(n)).collect();
    expected.sort();
    assert_eq!(expected.len(), 12);
    expected.push("help".into());
    assert_eq!(complete("aws firehose "), expected);
    assert_eq!(complete("aws firehose put-rec"), strings(&["put-record", "put-record-batch"]));
    assert_eq!(complete("aws firehose create-d"), strings(&["create-delivery-stream"]));
    // Each service completes its own operations only.
    assert!(complete("aws firehose create-s").is_empty());
    assert!(!complete("aws kinesis ").contains(&"create-delivery-stream".to_string()));
    assert!(complete("aws kinesis ").contains(&"create-stream".to_string()));
}

// Model: DeliveryStreamType's enum (in the model's order), KeyType's, and that a structure option has no
// values to offer.
#[test]
fn completion_of_firehose_enum_values() {
    assert_eq!(
        complete("aws firehose create-delivery-stream --delivery-stream-name x --delivery-stream-type "),
        strings(&["DirectPut", "KinesisStreamAsSource", "MSKAsSource", "DatabaseAsSource"])
    );
    assert_eq!(complete("aws firehose list-delivery-streams --delivery-stream-type K"), strings(&["KinesisStreamAsSource"]));
    assert!(complete("aws firehose put-record --record ").is_empty());
    // A global option's values, after a Firehose operation.
    assert_eq!(complete("aws firehose list-delivery-streams --output t"), strings(&["text", "table"]));
}

// Model: the input members of each operation as options (booleans as --x / --no-x); botocore has no
// Firehose paginators, so no --starting-token / --page-size / --max-items, and ListDeliveryStreams' Limit
// and ExclusiveStartDeliveryStreamName stay ordinary options.
#[test]
fn completion_of_firehose_options() {
    let opts = complete("aws firehose put-record-batch --delivery-stream-name x --");
    assert!(opts.contains(&"--records".to_string()), "{opts:?}");
    assert!(opts.contains(&"--cli-input-json".to_string()) && opts.contains(&"--generate-cli-skeleton".to_string()));
    assert!(opts.contains(&"--output".to_string()), "global options too once `--` is typed");
    assert!(!opts.contains(&"--delivery-stream-name".to_string()), "used options are not proposed again");
    let list = complete("aws firehose list-delivery-streams --");
    for o in ["--limit", "--delivery-stream-type", "--exclusive-start-delivery-stream-name"] {
        assert!(list.contains(&o.to_string()), "{o}: {list:?}");
    }
    assert!(!list.iter().any(|o| o == "--starting-token" || o == "--max-items" || o == "--page-size"), "{list:?}");
    let delete = complete("aws firehose delete-delivery-stream --");
    assert!(delete.contains(&"--allow-force-delete".to_string()) && delete.contains(&"--no-allow-force-delete".to_string()));
    assert_eq!(
        complete("aws firehose update-destination --current"),
        strings(&["--current-delivery-stream-version-id"])
    );
    assert!(complete("aws firehose no-such-op --").is_empty());
}

// Completion and help come from the same argument table: every option offered for a Firehose operation is
// on its help page, and every option the help page documents is offered.
#[test]
fn completion_and_help_agree_for_every_firehose_operation() {
    let mut acct = Account::new();
    for op in model::firehose().operation_names() {
        let cli = xform_name(op);
        let help = acct.ok(&format!("aws firehose {cli} help"));
        let offered: Vec<String> = complete(&format!("aws firehose {cli} "));
        assert!(!offered.is_empty(), "{cli}");
        for option in offered.iter().filter(|o| !o.starts_with("--no-")) {
            assert!(help.contains(&format!("{option} ")) || help.contains(&format!("{option}]")), "{cli}: {option} not in help");
        }
        for line in help.lines().filter(|l| l.starts_with("  --")) {
            let option = line.trim_start().split([' ', '(']).next().unwrap_or("");
            assert!(offered.iter().any(|o| o == option), "{cli}: {option} documented but not completed");
        }
    }
}

// ---- Help (the CLI's help pages: the service's description and operations; an operation's synopsis,
// options with types and AWS's documentation from the model, shorthand and JSON syntax). ----

#[test]
fn top_help_lists_both_services() {
    let mut acct = Account::new();
    let top = acct.ok("aws help");
    assert!(top.contains("  firehose   Amazon Data Firehose (aws firehose help)\n"), "{top}");
    assert!(top.contains("  kinesis    Amazon Kinesis Data Streams (aws kinesis help)\n"), "{top}");
    assert!(top.find("firehose").unwrap_or(usize::MAX) < top.find("  kinesis").unwrap_or(0), "listed alphabetically");
}

// Model: the service documentation and each operation's first sentence.
#[test]
fn firehose_service_help_lists_operations_with_descriptions() {
    let mut acct = Account::new();
    let help = acct.ok("aws firehose help");
    assert!(help.starts_with("FIREHOSE\n"), "{help}");
    assert!(help.contains("Amazon Data Firehose is a fully managed service that delivers real-time streaming data"), "{help}");
    assert!(!help.contains("<p>") && !help.contains("<fullname>"), "prose is plain text");
    assert_eq!(help.matches("\n  o ").count(), 12);
    for (op, line) in [
        ("create-delivery-stream", "Creates a Firehose stream."),
        ("delete-delivery-stream", "Deletes a Firehose stream and its data."),
        ("put-record-batch", "Writes multiple data records into a Firehose stream in a single call"),
        ("tag-delivery-stream", "Adds or updates tags for the specified Firehose stream."),
        ("start-delivery-stream-encryption", "Enables server-side encryption (SSE) for the Firehose stream."),
    ] {
        assert!(help.contains(&format!("  o {op}\n      {line}")), "{op}: {help}");
    }
    // Kinesis's page has the same layout, from its own model.
    let kinesis = acct.ok("aws kinesis help");
    assert!(kinesis.contains("  o create-stream\n      Creates a Kinesis data stream.\n"), "{kinesis}");
    assert!(!kinesis.contains("delivery-stream"));
}

// Model: CreateDeliveryStreamInput (required DeliveryStreamName, the DeliveryStreamType enum and docs,
// ExtendedS3DestinationConfiguration's members in AWS's order, Tags as a list of Tag), CreateDeliveryStream's
// documentation and output.
#[test]
fn create_delivery_stream_help() {
    let mut acct = Account::new();
    let help = acct.ok("aws firehose create-delivery-stream help");
    for needle in [
        "CREATE-DELIVERY-STREAM\n",
        "Creates a Firehose stream.",
        "By default, you can create up to 5,000 Firehose streams per Amazon Web Services Region.",
        "  API operation: CreateDeliveryStream\n",
        "  aws firehose create-delivery-stream\n    --delivery-stream-name <value>\n    [--delivery-stream-type <value>]\n",
        "    [--extended-s3-destination-configuration <value>]\n",
        "    [--tags <value>]\n",
        "  --delivery-stream-name (string) [required]\n      The name of the Firehose stream.",
        "  --delivery-stream-type (string)\n      The Firehose stream type.",
        "- DirectPut: Provider applications access the Firehose stream directly.",
        "        o MSKAsSource\n",
        "  --extended-s3-destination-configuration (structure)\n      The destination in Amazon S3.",
        "RoleARN=string,BucketARN=string,Prefix=string,ErrorOutputPrefix=string,BufferingHints={...}",
        "\"BufferingHints\": {\n",
        "\"SizeInMBs\": integer,\n",
        "\"CompressionFormat\": \"UNCOMPRESSED\"|\"GZIP\"",
        "  --tags (list of structure)\n      A set of tags to assign to the Firehose stream.",
        "Key=string,Value=string Key=string,Value=string",
        "OUTPUT\n\n  {\n    \"DeliveryStreamARN\": \"string\"\n  }\n",
    ] {
        assert!(help.contains(needle), "missing {needle:?} in\n{help}");
    }
    assert!(!help.contains("--starting-token"), "botocore has no Firehose paginators");
    assert!(!help.contains("<code>") && !help.contains("<a "), "plain text");
}

// Model: PutRecordInput.Record is a Record {Data: blob}; PutRecordBatchInput.Records a list of them;
// CLI v2 reads blobs as base64 (FACTS.md §1), which the page says.
#[test]
fn put_record_help_explains_the_blob() {
    let mut acct = Account::new();
    let one = acct.ok("aws firehose put-record help");
    assert!(one.contains("  --record (structure) [required]\n      The record.\n"), "{one}");
    assert!(one.contains("Shorthand Syntax:\n\n        Data=blob\n"), "{one}");
    assert!(one.contains("Data (blob) is base64 text; add --cli-binary-format raw-in-base64-out"), "{one}");
    assert!(one.contains("\"RecordId\": \"string\",\n    \"Encrypted\": boolean"), "output in AWS's order: {one}");
    let batch = acct.ok("aws firehose put-record-batch help");
    assert!(batch.contains("  --records (list of structure) [required]\n      One or more records.\n"), "{batch}");
    assert!(batch.contains("Data=blob Data=blob"), "{batch}");
}

// Model: UpdateDestinationInput (CurrentDeliveryStreamVersionId's documentation), an output without members
// (the CLI prints nothing); DeleteDeliveryStreamInput.AllowForceDelete a boolean; ListDeliveryStreamsInput.
#[test]
fn update_delete_and_list_help() {
    let mut acct = Account::new();
    let update = acct.ok("aws firehose update-destination help");
    assert!(update.contains("  --current-delivery-stream-version-id (string) [required]\n      Obtain this value from the VersionId result of DeliveryStreamDescription."), "{update}");
    assert!(update.contains("  --extended-s3-destination-update (structure)\n      Describes an update for a destination in Amazon S3."));
    assert!(update.contains("OUTPUT\n\n  None (the CLI prints nothing on success)\n"), "{update}");
    let delete = acct.ok("aws firehose delete-delivery-stream help");
    assert!(delete.contains("    [--allow-force-delete | --no-allow-force-delete]\n"), "{delete}");
    assert!(delete.contains("  --allow-force-delete | --no-allow-force-delete (boolean)\n      Set this to true if you want to delete the Firehose stream"));
    let list = acct.ok("aws firehose list-delivery-streams help");
    assert!(list.contains("  --limit (integer)\n      The maximum number of Firehose streams to list. The default value is 10."), "{list}");
    assert!(list.contains("  --exclusive-start-delivery-stream-name (string)\n"));
}

// The API answers UnsupportedOperationException for tags and SSE (not simulated), but help describes them
// as AWS does: model TagDeliveryStream, StartDeliveryStreamEncryption (KeyType enum), ListTagsForDeliveryStream.
#[test]
fn help_describes_unsimulated_operations_as_aws_does() {
    let mut acct = Account::new();
    let tag = acct.ok("aws firehose tag-delivery-stream help");
    assert!(tag.contains("Adds or updates tags for the specified Firehose stream."), "{tag}");
    assert!(tag.contains("  --tags (list of structure) [required]\n      A set of key-value pairs to use to create the tags."), "{tag}");
    let sse = acct.ok("aws firehose start-delivery-stream-encryption help");
    assert!(sse.contains("Enables server-side encryption (SSE) for the Firehose stream."), "{sse}");
    assert!(sse.contains("KeyARN=string,KeyType=AWS_OWNED_CMK|CUSTOMER_MANAGED_CMK"), "{sse}");
    let list = acct.ok("aws firehose list-tags-for-delivery-stream help");
    assert!(list.contains("  --delivery-stream-name (string) [required]\n"), "{list}");
    assert!(list.contains("\"HasMoreTags\": boolean"), "{list}");
}

// Every Firehose operation has a page with AWS's description and every input member's option and type.
#[test]
fn every_firehose_operation_has_a_documented_help_page() {
    let mut acct = Account::new();
    let m = model::firehose();
    for op in m.operation_names() {
        let cli = xform_name(op);
        let help = acct.ok(&format!("aws firehose {cli} help"));
        assert!(help.starts_with(&format!("{}\n\nDESCRIPTION\n\n  ", cli.to_uppercase())), "{cli}");
        assert!(!help.contains("DESCRIPTION\n\n\n"), "{cli}: a description");
        assert!(help.contains(&format!("  aws firehose {cli}\n")), "{cli}");
        let input = m.operation(op).and_then(|o| o.input.clone()).unwrap_or_default();
        if let Some(model::Shape::Structure { members, .. }) = m.shape(&input) {
            for (member, _) in members {
                let option = format!("  --{} ", xform_name(member));
                assert!(help.contains(&option), "{cli}: {option}");
            }
        }
    }
}

// ---- Unknown operations: CLI v2's argparse messages, as Kinesis's (tests/cli.rs), exit 252. ----

#[test]
fn unknown_firehose_operations_use_the_cli_format() {
    let mut acct = Account::new();
    let usage_error = |message: &str| format!("\n{USAGE}\naws: error: {message}\n\n");
    let out = acct.run("aws firehose describe-stream --stream-name x");
    assert_eq!((out.stderr.as_str(), out.exit_code), (usage_error("argument operation: Found invalid choice 'describe-stream'").as_str(), 252));
    assert_eq!(out.stdout, "");
    // Kinesis's operations are not Firehose's, and the reverse.
    let kinesis_op = acct.run("aws firehose create-stream help");
    assert_eq!(kinesis_op.stderr, usage_error("argument operation: Found invalid choice 'create-stream'"));
    let firehose_op = acct.run("aws kinesis put-record-batch");
    assert_eq!(firehose_op.stderr, usage_error("argument operation: Found invalid choice 'put-record-batch'"));
    // botocore has no Firehose waiters, so `wait` is not an operation of firehose.
    let wait = acct.run("aws firehose wait delivery-stream-active");
    assert_eq!((wait.stderr.as_str(), wait.exit_code), (usage_error("argument operation: Found invalid choice 'wait'").as_str(), 252));
    let none = acct.run("aws firehose");
    assert_eq!((none.stderr.as_str(), none.exit_code), (usage_error("the following arguments are required: operation").as_str(), 252));
    let command = acct.run("aws firehoses list-delivery-streams");
    assert_eq!(command.stderr, usage_error("argument command: Found invalid choice 'firehoses'"));
}

// Output members print in AWS's order (botocore's parser follows the model's member order), as for Kinesis.
#[test]
fn describe_output_follows_aws_member_order() {
    let mut acct = Account::new();
    acct.create("order");
    let text = acct.ok("aws firehose describe-delivery-stream --delivery-stream-name order");
    let at = |key: &str| text.find(&format!("\"{key}\"")).unwrap_or_else(|| panic!("{key} missing: {text}"));
    assert!(at("DeliveryStreamName") < at("DeliveryStreamARN"), "{text}");
    assert!(at("DeliveryStreamARN") < at("DeliveryStreamStatus"));
    assert!(at("DeliveryStreamType") < at("VersionId"));
    assert!(at("VersionId") < at("CreateTimestamp"));
    assert!(at("Destinations") < at("HasMoreDestinations"));
}

fn firehose_vocabulary() -> Vec<String> {
    let mut words: Vec<String> = [
        "aws", "firehose", "kinesis", "help", "--delivery-stream-name", "d", "--delivery-stream-type", "DirectPut",
        "--record", "Data=YQ==", "--records", "Data=Yg==", "--extended-s3-destination-configuration",
        "RoleARN=r,BucketARN=b", "--tags", "Key=k,Value=v", "--allow-force-delete", "--no-allow-force-delete",
        "--limit", "3", "--output", "text", "--query", "DeliveryStreamNames", "--cli-binary-format", "raw-in-base64-out",
        "--cli-input-json", "{\"DeliveryStreamName\":1}", "--generate-cli-skeleton", "'", "\"", "{", "--", "-", "--x=y",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    words.extend(model::firehose().operation_names().iter().map(|n| xform_name(n)));
    words
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// `aws firehose` lines built from its words never panic, exit with a CLI code, and every completion
    /// candidate continues the word being typed (the terminal fills in their common prefix).
    #[test]
    fn random_firehose_lines_never_panic_and_complete_the_typed_word(picks in proptest::collection::vec(0usize..200, 0..10), cut in 0usize..4) {
        let words = firehose_vocabulary();
        let mut line = String::from("aws firehose");
        for p in picks {
            line.push(' ');
            line.push_str(&words[p % words.len()]);
        }
        let mut acct = Account::new();
        let out = acct.run(&line);
        prop_assert!([0, 2, 252, 254, 255].contains(&out.exit_code), "{} → {}", line, out.exit_code);
        // Cut the last word short, as while typing it.
        let typed: String = line.chars().take(line.chars().count().saturating_sub(cut)).collect();
        let prefix = if typed.ends_with(' ') { "" } else { typed.rsplit(' ').next().unwrap_or("") };
        if !prefix.contains(['\'', '"', '\\']) {
            for candidate in complete(&typed) {
                prop_assert!(candidate.starts_with(prefix), "{:?}: {} does not continue {:?}", typed, candidate, prefix);
            }
        }
        let _ = complete(&format!("{line} "));
    }
}

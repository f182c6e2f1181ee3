//! The sandbox terminal's `aws firehose ...` (`kinesis_lab::cli::run_with`) against a live simulated
//! account: names and types from the Firehose model (models/firehose.json), the AWS CLI v2's parsing,
//! output and error line (FACTS.md §1 "API protocol"), Firehose behaviour from FACTS.md §2.

use kinesis_lab::api::firehose::FirehoseService;
use kinesis_lab::api::kinesis::KinesisService;
use kinesis_lab::cli::{run, run_with, CliOutput};
use kinesis_lab::engine::firehose::FirehoseConfig;
use kinesis_lab::engine::streams::EngineConfig;
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

//! The native endpoint answers both target prefixes on one port: Kinesis (`Kinesis_20131202.*`) and
//! Firehose (`Firehose_20150804.*`). Runs the real binary and posts raw HTTP to it.
//! `cargo test --features endpoint --test endpoint_firehose`
#![cfg(feature = "endpoint")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Endpoint {
    child: Child,
    port: u16,
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Endpoint {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
    let child = Command::new(env!("CARGO_BIN_EXE_kinesis-endpoint"))
        .args(["--port", &port.to_string(), "--transition-ms", "200"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("endpoint starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "endpoint did not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Endpoint { child, port }
}

/// POST a JSON 1.1 request; returns (status, x-amzn-ErrorType header if any, parsed body).
fn post(endpoint: &Endpoint, target: &str, body: &Value) -> (u16, Option<String>, Value) {
    let body = body.to_string();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-Amz-Target: {target}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=test\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        endpoint.port,
        body.len()
    );
    let mut stream = TcpStream::connect(("127.0.0.1", endpoint.port)).expect("connect");
    stream.write_all(request.as_bytes()).expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (head, payload) = response.split_once("\r\n\r\n").expect("HTTP response");
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status");
    let error_type = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("x-amzn-ErrorType")))
        .map(|(_, v)| v.trim().to_string());
    let value = if payload.trim().is_empty() { Value::Null } else { serde_json::from_str(payload).expect("JSON body") };
    (status, error_type, value)
}

// Source: model metadata targetPrefix (Firehose_20150804, Kinesis_20131202); FACTS.md §2 (CREATING → ACTIVE).
#[test]
fn one_port_answers_kinesis_and_firehose() {
    let endpoint = start();
    let config = json!({"DeliveryStreamName": "web", "ExtendedS3DestinationConfiguration":
        {"RoleARN": "arn:aws:iam::123456789012:role/r", "BucketARN": "arn:aws:s3:::b"}});
    let (status, _, out) = post(&endpoint, "Firehose_20150804.CreateDeliveryStream", &config);
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["DeliveryStreamARN"], "arn:aws:firehose:us-east-1:123456789012:deliverystream/web");

    let (status, error_type, _) = post(
        &endpoint,
        "Firehose_20150804.PutRecord",
        &json!({"DeliveryStreamName": "web", "Record": {"Data": "eA=="}}),
    );
    assert_eq!((status, error_type.as_deref()), (400, Some("ResourceInUseException")), "CREATING refuses writes");

    std::thread::sleep(Duration::from_millis(400));
    let (status, _, out) = post(
        &endpoint,
        "Firehose_20150804.PutRecord",
        &json!({"DeliveryStreamName": "web", "Record": {"Data": "eA=="}}),
    );
    assert_eq!(status, 200, "{out}");
    assert!(out["RecordId"].is_string());

    let (status, _, out) = post(&endpoint, "Firehose_20150804.ListDeliveryStreams", &json!({}));
    assert_eq!((status, out["DeliveryStreamNames"].clone()), (200, json!(["web"])));

    // Kinesis on the same port still sees only its own streams.
    let (status, _, out) = post(&endpoint, "Kinesis_20131202.ListStreams", &json!({}));
    assert_eq!((status, out["StreamNames"].clone()), (200, json!([])));

    let (status, error_type, _) = post(&endpoint, "Firehose_20150804.TagDeliveryStream", &json!({"DeliveryStreamName": "web", "Tags": [{"Key": "k"}]}));
    assert_eq!((status, error_type.as_deref()), (400, Some("UnsupportedOperationException")));
    let (status, error_type, _) = post(&endpoint, "Firehose_20150804.NoSuchOperation", &json!({}));
    assert_eq!((status, error_type.as_deref()), (400, Some("UnknownOperationException")));
}

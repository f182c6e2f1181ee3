//! Delivery failures (FACTS.md §2 "Failure": S3 delivery is retried for up to 24 h, after which the data
//! is lost; Firehose keeps records at most 24 h) and what the metrics show meanwhile.

use kinesis_lab::engine::firehose::delivery::{Outcome, DATA_RETENTION_MS, S3_RETRY_INTERVAL_MS};
use kinesis_lab::engine::firehose::types::*;
use kinesis_lab::engine::firehose::{FirehoseConfig, FirehoseEngine};
use kinesis_lab::engine::time::DEFAULT_SANDBOX_START_MS;

const START: u64 = DEFAULT_SANDBOX_START_MS;
const BUCKET: &str = "lake";

fn engine(interval_s: u32) -> FirehoseEngine {
    let mut e = FirehoseEngine::new(FirehoseConfig::default(), START);
    e.create_delivery_stream(CreateDeliveryStreamInput {
        delivery_stream_name: "orders".into(),
        extended_s3_destination_configuration: Some(ExtendedS3DestinationConfiguration {
            role_arn: "arn:aws:iam::123456789012:role/firehose".into(),
            bucket_arn: format!("arn:aws:s3:::{BUCKET}"),
            buffering_hints: Some(BufferingHints { size_in_mbs: Some(1), interval_in_seconds: Some(interval_s) }),
            ..Default::default()
        }),
        ..Default::default()
    })
    .unwrap();
    e.advance_by(e.config.transition_ms);
    e
}

fn keys(e: &FirehoseEngine) -> Vec<String> {
    e.s3.bucket(BUCKET).map(|b| b.keys().cloned().collect()).unwrap_or_default()
}

#[test]
fn a_bucket_outage_holds_objects_and_retries_until_it_is_back() {
    let mut e = engine(60);
    let t0 = e.now_ms();
    e.set_bucket_available(BUCKET, false);
    e.put_record("orders", b"a\n").unwrap();
    e.put_record("orders", b"b\n").unwrap();
    e.advance_by(10 * 60_000);
    assert!(keys(&e).is_empty(), "nothing lands while the bucket is down");
    assert_eq!(e.pending_objects().count(), 1);
    let s = e.delivery_stream("orders").unwrap();
    let total = s.metrics.total();
    assert_eq!(total.delivery_to_s3_success, 0);
    // First attempt at 60 s, then every S3_RETRY_INTERVAL_MS up to 10 min.
    let expected_attempts = 1 + (10 * 60_000 - 60_000) / S3_RETRY_INTERVAL_MS;
    assert_eq!(total.delivery_to_s3_attempts, expected_attempts);
    assert!(total.data_freshness_ms_max >= 9 * 60_000, "DataFreshness climbs during the outage: {total:?}");

    e.set_bucket_available(BUCKET, true);
    e.advance_by(S3_RETRY_INTERVAL_MS);
    let k = keys(&e);
    assert_eq!(k.len(), 1, "delivered at the next retry");
    // The key was chosen at the first attempt, from the oldest record's arrival time.
    assert!(k[0].starts_with("2026/01/01/00/orders-1-2026-01-01-00-00-05-"), "{}", k[0]);
    assert_eq!(e.s3.get(BUCKET, &k[0]).unwrap().bytes, b"a\nb\n");
    let d = e.deliveries().last().unwrap();
    assert_eq!(d.outcome, Outcome::Delivered);
    assert_eq!(d.records, 2);
    assert_eq!(d.attempts as u64, expected_attempts + 1);
    assert_eq!(d.delivered_ms, t0 + 10 * 60_000 + S3_RETRY_INTERVAL_MS);
    assert_eq!(e.pending_objects().count(), 0);
}

#[test]
fn data_still_undeliverable_after_24_hours_is_lost() {
    let mut e = engine(0);
    let t0 = e.now_ms();
    e.set_bucket_available(BUCKET, false);
    e.put_record("orders", b"doomed").unwrap();
    e.advance_by(DATA_RETENTION_MS - 1_000);
    assert_eq!(e.pending_objects().count(), 1, "still retrying just before 24 h");
    e.advance_by(2_000);
    assert_eq!(e.pending_objects().count(), 0);
    let d = e.deliveries().last().unwrap();
    assert_eq!(d.outcome, Outcome::Lost);
    assert_eq!(d.delivered_ms, t0 + DATA_RETENTION_MS, "given up exactly 24 h after the record arrived");
    e.set_bucket_available(BUCKET, true);
    e.advance_by(60_000);
    assert!(keys(&e).is_empty(), "lost data never lands");
}

#[test]
fn pending_objects_survive_a_save_and_deleting_the_stream_drops_them() {
    let mut e = engine(0);
    e.set_bucket_available(BUCKET, false);
    e.put_record("orders", b"x").unwrap();
    e.advance_by(30_000);
    let mut restored: FirehoseEngine = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    for engine in [&mut e, &mut restored] {
        engine.set_bucket_available(BUCKET, true);
        engine.advance_by(S3_RETRY_INTERVAL_MS);
    }
    assert_eq!(keys(&e), keys(&restored));
    assert_eq!(keys(&e).len(), 1);

    let mut e = engine(0);
    e.set_bucket_available(BUCKET, false);
    e.put_record("orders", b"x").unwrap();
    e.advance_by(10_000);
    e.delete_delivery_stream("orders").unwrap();
    assert_eq!(e.pending_objects().count(), 0, "a deleted stream's data goes with it");
}

/// A damaged or crafted save is refused with a clear message (not loaded into a state the engine relies
/// on never being in), and no mutation of a save makes loading or running it panic.
#[test]
fn damaged_saves_are_refused_and_never_panic() {
    let mut e = engine(60);
    e.set_bucket_available(BUCKET, false);
    e.put_record("orders", b"abc").unwrap();
    e.put_record("orders", b"defg").unwrap();
    // Edited as text: the engine's seeded generator holds 128-bit numbers a serde_json::Value cannot.
    let good = serde_json::to_string(&e).unwrap();
    let refuse = |from: &str, to: &str, why: &str| {
        assert!(good.contains(from), "{why}: {from} not in the save");
        let damaged = good.replacen(from, to, 1);
        let err = serde_json::from_str::<FirehoseEngine>(&damaged).expect_err(why).to_string();
        assert!(err.contains("Firehose state is inconsistent"), "{why}: {err}");
    };
    refuse(r#""name":"orders""#, r#""name":"other""#, "name differs from its key");
    refuse(r#""version_id":1"#, r#""version_id":0"#, "version 0");
    refuse(r#""record_ends":[3,7]"#, r#""record_ends":[3,2]"#, "boundaries");
    refuse(r#""prefix":null"#, r#""prefix":"!{nope:x}""#, "bad prefix");
    let now = format!(r#""now_ms":{}"#, e.now_ms());
    refuse(&now, &format!(r#""now_ms":{}"#, 1u64 << 60), "clock out of range");

    // Byte-level damage: every outcome is an error or a working engine.
    let text = serde_json::to_string(&e).unwrap();
    let bytes = text.as_bytes();
    for i in (0..bytes.len()).step_by(7) {
        for replacement in [b'0', b'9', b'"', b'-'] {
            let mut damaged = bytes.to_vec();
            damaged[i] = replacement;
            if let Ok(mut loaded) = serde_json::from_slice::<FirehoseEngine>(&damaged) {
                loaded.set_bucket_available(BUCKET, true);
                loaded.advance_by(120_000);
            }
        }
    }
}

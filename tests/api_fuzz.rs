//! Bad input never panics: random, model-guided requests to every operation (valid shapes with odd
//! values, wrong types, missing members) against a live account. Every reply is a 200 or an AWS error
//! with a `__type`, and the open shards still tile the hash space afterwards.

mod common;
use common::*;

use kinesis_lab::api::kinesis::ApiReply;
use kinesis_lab::api::model::{self, Shape};
use kinesis_lab::engine::streams::hash::HASH_KEY_MAX;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// A small deterministic generator driven by proptest's seed.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn strings(arn: &str, consumer: &str, seq: &str) -> Vec<String> {
    vec![
        "s".into(), "t".into(), arn.into(), consumer.into(), seq.into(), "shardId-000000000000".into(),
        "shardId-000000000001".into(), "shardId-9".into(), "0".into(), "1".into(), "170141183460469231731687303715884105728".into(),
        HASH_KEY_MAX.to_string(), "340282366920938463463374607431768211456".into(), String::new(), "bad name".into(),
        "x".repeat(300), "ünïcødé".into(), "KMS".into(), "NONE".into(), "alias/aws/kinesis".into(), "{}".into(),
        "{\"Version\":\"2012-10-17\"}".into(), "TRIM_HORIZON".into(), "LATEST".into(), "AT_TIMESTAMP".into(),
        "AFTER_SEQUENCE_NUMBER".into(), "ALL".into(), "IncomingBytes".into(), "ON_DEMAND".into(), "PROVISIONED".into(),
        "UNIFORM_SCALING".into(), "ENABLED".into(), "DISABLED".into(), "aws:reserved".into(), "S0xJMQ==".into(),
    ]
}

fn value(g: &mut Gen, shape_name: &str, pool: &[String], depth: u32) -> Value {
    let model = model::kinesis();
    if g.chance(3) {
        // The wrong kind altogether.
        return g.pick(&[json!(true), json!(12), json!("str"), json!([1]), json!({"a": 1}), Value::Null]).clone();
    }
    match model.shape(shape_name) {
        Some(Shape::Structure { members, required, .. }) if depth < 4 => {
            let mut obj = Map::new();
            for (name, target) in members {
                if g.chance(if required.contains(name) { 95 } else { 40 }) {
                    obj.insert(name.clone(), value(g, target, pool, depth + 1));
                }
            }
            Value::Object(obj)
        }
        Some(Shape::List { member, .. }) if depth < 4 => {
            let n = *g.pick(&[0usize, 1, 2, 3, 501]);
            let n = if n == 501 && g.chance(80) { 2 } else { n };
            Value::Array((0..n).map(|_| value(g, member, pool, depth + 1)).collect())
        }
        Some(Shape::Map { value: v, .. }) if depth < 4 => {
            let mut obj = Map::new();
            for _ in 0..(g.next() % 4) {
                obj.insert(g.pick(pool).clone(), value(g, v, pool, depth + 1));
            }
            Value::Object(obj)
        }
        Some(Shape::String { enums, .. }) if !enums.is_empty() && g.chance(85) => json!(g.pick(enums)),
        Some(Shape::String { min, max, pattern, .. }) => {
            // Mostly values the model accepts, so requests reach the engine; sometimes anything.
            let fits = |v: &&String| {
                let n = v.chars().count() as i64;
                min.is_none_or(|m| n >= m)
                    && max.is_none_or(|m| n <= m)
                    && pattern.as_ref().is_none_or(|p| model.pattern_matches(p, v).unwrap_or(true))
            };
            let valid: Vec<&String> = pool.iter().filter(fits).collect();
            if !valid.is_empty() && g.chance(85) { json!(g.pick(&valid)) } else { json!(g.pick(pool)) }
        }
        Some(Shape::Integer { .. } | Shape::Long { .. }) => json!(*g.pick(&[0i64, 1, 2, 3, 5, 24, 48, 100, 1024, 10240, 10000, -1, 2_147_483_648])),
        Some(Shape::Boolean) => json!(g.chance(50)),
        Some(Shape::Blob { .. }) => json!(g.pick(&["", "aGVsbG8=", "not base64!", "AAAA"])),
        Some(Shape::Timestamp) => json!(*g.pick(&[1_767_225_600.5f64, 0.0, 4_000_000_000.0, -5.0])),
        _ => json!({}),
    }
}

fn tiles(svc: &kinesis_lab::api::KinesisService) -> bool {
    svc.engine.streams().all(|s| {
        let mut r: Vec<(u128, u128)> = s.open_shards().map(|sh| (sh.range.start, sh.range.end)).collect();
        r.sort();
        r.is_empty() || (r[0].0 == 0 && r[r.len() - 1].1 == HASH_KEY_MAX && r.windows(2).all(|w| w[0].1 + 1 == w[1].0))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    #[test]
    fn random_requests_never_panic(seed in 1u64..u64::MAX) {
        let mut g = Gen(seed);
        let mut svc = service();
        stream(&mut svc, "s", 2);
        let arn = svc.engine.stream_arn("s");
        let consumer = ok(&mut svc, "RegisterStreamConsumer", json!({"StreamARN": arn, "ConsumerName": "c"}))["Consumer"]["ConsumerARN"].as_str().unwrap().to_string();
        let seq = put(&mut svc, "s", "k", b"x")["SequenceNumber"].as_str().unwrap().to_string();
        settle(&mut svc);
        let pool = strings(&arn, &consumer, &seq);
        let ops = model::kinesis().operation_names().to_vec();
        for _ in 0..25 {
            let op = g.pick(&ops).clone();
            let input = model::kinesis().operation(&op).and_then(|o| o.input.clone()).unwrap_or_default();
            let body = value(&mut g, &input, &pool, 0);
            match svc.call_json(&op, &body) {
                ApiReply::Json { status, body: out } => {
                    prop_assert!(status == 200 || status == 400 || status == 500, "{op}: status {status}");
                    if status != 200 {
                        prop_assert!(out["__type"].is_string(), "{op}: error without __type: {out}");
                    }
                }
                ApiReply::Subscribed { subscription_id } => {
                    let _ = svc.poll_subscription(subscription_id);
                }
            }
            svc.engine.advance_by(g.next() % 3_000);
            prop_assert!(tiles(&svc), "hash space not tiled after {op} {body}");
        }
    }
}

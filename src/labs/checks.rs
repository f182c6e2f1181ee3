//! Goal checks: each predicate evaluated from the sandbox's state — `api::observe` views, the engines'
//! metrics, producer and consumer statistics — never through an API call, so checking a lab never uses
//! the learner's call quota or changes what the learner sees. Each check says whether it is met and, in
//! words, the value it found ("3 of 4 open shards").

use crate::api::{observe, observe_firehose};
use crate::engine::streams::hash::partition_key_hash_key;
use crate::engine::streams::metrics::{MetricPoint, STREAM_SERIES_SECONDS};
use crate::engine::time::MILLIS_PER_SECOND;
use crate::sim::consumers::Consumer;
use crate::sim::producer::{Aggregation, Producer};
use crate::sim::Sandbox;
use crate::viz::shard_map::ShardState;

use super::format::{Lab, Predicate, ProducerField, QuestionKind, Stat};
use super::run::LabRun;

/// A KCL shard counts as caught up after a failover when its MillisBehindLatest is at most this: five
/// idle-time-between-reads of the KCL's default 1 s, so normal polling never reads as lag.
pub const KCL_CAUGHT_UP_MS: u64 = 5_000;

/// One check's state now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckStatus {
    pub id: String,
    pub text: String,
    pub met: bool,
    /// The current value in words, e.g. "3 of 4 open shards".
    pub detail: String,
}

/// A predicate's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub met: bool,
    pub detail: String,
}

fn outcome(met: bool, detail: impl Into<String>) -> Outcome {
    Outcome { met, detail: detail.into() }
}

/// Every check of the lab, in file order.
pub fn evaluate(lab: &Lab, sandbox: &Sandbox, run: &LabRun) -> Vec<CheckStatus> {
    lab.checks
        .iter()
        .map(|c| {
            let o = evaluate_predicate(&c.when, lab, sandbox, run);
            CheckStatus { id: c.id.clone(), text: c.text.clone(), met: o.met, detail: o.detail }
        })
        .collect()
}

/// How a learner's answer reads against its question: Some(value) when it parses.
pub fn answer_value(lab: &Lab, question: &str, raw: &str) -> Option<f64> {
    let q = lab.questions.iter().find(|q| q.id == question)?;
    let raw = raw.trim();
    let number = raw.replace(',', "").parse::<f64>().ok().filter(|v| v.is_finite());
    match q.kind {
        QuestionKind::Number => number,
        QuestionKind::Choice => number.or_else(|| {
            q.options.iter().position(|o| o.trim().eq_ignore_ascii_case(raw)).map(|i| i as f64)
        }),
    }
}

fn compare_counts(value: u32, at_least: Option<u32>, at_most: Option<u32>, equals: Option<u32>) -> (bool, String) {
    let mut met = true;
    let mut wanted = Vec::new();
    if let Some(n) = at_least {
        met &= value >= n;
        wanted.push(format!("at least {n}"));
    }
    if let Some(n) = at_most {
        met &= value <= n;
        wanted.push(format!("at most {n}"));
    }
    if let Some(n) = equals {
        met &= value == n;
        wanted.push(format!("exactly {n}"));
    }
    (met, wanted.join(" and "))
}

/// The stream's (or one shard's) per-second metric points in the last `seconds` complete seconds, with
/// a zero point for each second without activity. None when the stream (or shard) does not exist.
fn window(sandbox: &Sandbox, stream: &str, shard: Option<&str>, seconds: u32) -> Option<Vec<MetricPoint>> {
    let engine = &sandbox.service.engine;
    let s = engine.stream(stream)?;
    let points = match shard {
        Some(id) => {
            s.shards.iter().find(|sh| sh.id() == id)?;
            observe::shard_metrics(engine, stream, id, STREAM_SERIES_SECONDS)
        }
        None => observe::stream_metrics(engine, stream, STREAM_SERIES_SECONDS),
    };
    let now_s = sandbox.now_ms() / MILLIS_PER_SECOND;
    let from = now_s.saturating_sub(seconds as u64);
    let mut out = vec![MetricPoint::default(); (now_s - from) as usize];
    for (sec, p) in points.iter().filter(|(sec, _)| (from..now_s).contains(sec)) {
        out[(sec - from) as usize] = *p;
    }
    Some(out)
}

/// The open shard that a partition key maps to (MD5 of the key, FACTS.md §1 "Identifiers and routing").
pub fn shard_of_key(sandbox: &Sandbox, stream: &str, key: &str) -> Option<String> {
    let hash = partition_key_hash_key(key);
    observe::shards(&sandbox.service.engine, stream)
        .into_iter()
        .find(|s| s.state == ShardState::Open && s.start <= hash && hash <= s.end)
        .map(|s| s.shard.shard_id)
}

/// The metric names a `metric` check may name (CloudWatch AWS/Kinesis, FACTS.md §1 "Metrics").
pub const METRIC_NAMES: &[&str] = &[
    "IncomingBytes",
    "IncomingRecords",
    "PutRecord.Success",
    "PutRecords.SuccessfulRecords",
    "PutRecords.TotalRecords",
    "GetRecords.Bytes",
    "GetRecords.Records",
    "OutgoingBytes",
    "OutgoingRecords",
    "GetRecords.Success",
    "GetRecords.IteratorAgeMilliseconds",
    "WriteProvisionedThroughputExceeded",
    "ReadProvisionedThroughputExceeded",
    "SubscribeToShard.RateExceeded",
    "SubscribeToShardEvent.MillisBehindLatest",
    "SubscribeToShardEvent.Bytes",
    "SubscribeToShardEvent.Records",
];

/// One metric of a point, by its CloudWatch name.
pub fn metric_value(p: &MetricPoint, name: &str) -> Option<u64> {
    Some(match name {
        "IncomingBytes" => p.incoming_bytes,
        "IncomingRecords" => p.incoming_records,
        "PutRecord.Success" => p.put_record_success,
        "PutRecords.SuccessfulRecords" => p.put_records_successful_records,
        "PutRecords.TotalRecords" => p.put_records_total_records,
        "GetRecords.Bytes" | "OutgoingBytes" => p.outgoing_bytes,
        "GetRecords.Records" | "OutgoingRecords" => p.outgoing_records,
        "GetRecords.Success" => p.get_records_success,
        "GetRecords.IteratorAgeMilliseconds" => p.iterator_age_ms_max,
        "WriteProvisionedThroughputExceeded" => p.write_throttled,
        "ReadProvisionedThroughputExceeded" => p.read_throttled,
        "SubscribeToShard.RateExceeded" => p.subscribe_rate_exceeded,
        "SubscribeToShardEvent.MillisBehindLatest" => p.subscribe_millis_behind_max,
        "SubscribeToShardEvent.Bytes" => p.subscribe_event_bytes,
        "SubscribeToShardEvent.Records" => p.subscribe_event_records,
        _ => return None,
    })
}

fn find_consumer<'a>(sandbox: &'a Sandbox, name: &str) -> Option<&'a Consumer> {
    sandbox.consumers().iter().map(|e| &e.consumer).find(|c| c.name() == name)
}

/// A consumer kind as lab files spell it (`consumer add kind=…`).
fn consumer_kind_name(kind: crate::sim::consumers::ConsumerKind) -> &'static str {
    use crate::sim::consumers::ConsumerKind;
    match kind {
        ConsumerKind::Polling => "polling",
        ConsumerKind::FanOut => "efo",
        ConsumerKind::Kcl => "kcl",
    }
}

fn find_producer<'a>(sandbox: &'a Sandbox, name: &str) -> Option<&'a Producer> {
    sandbox.producers().iter().map(|e| &e.producer).find(|p| p.config().name == name)
}

fn no_stream(stream: &str) -> Outcome {
    outcome(false, format!("stream {stream} does not exist"))
}

fn no_consumer(name: &str) -> Outcome {
    outcome(false, format!("there is no consumer named {name}"))
}

/// A producer counter by name.
pub fn producer_field(p: &Producer, field: ProducerField) -> u64 {
    let s = p.stats();
    match field {
        ProducerField::Sent => s.records_sent,
        ProducerField::Accepted => s.records_accepted,
        ProducerField::Throttled => s.records_throttled,
        // Every throttled attempt is resent later unless retries are off, it still waits, or it expired.
        ProducerField::Retried => {
            if p.config().retry_throttled {
                s.records_throttled.saturating_sub(p.pending_records() as u64).saturating_sub(s.user_records_expired)
            } else {
                0
            }
        }
        ProducerField::Dropped => s.user_records_expired,
        ProducerField::AggregatedUserRecords => match p.config().aggregation {
            Aggregation::Kpl { .. } => s.user_records_accepted,
            Aggregation::Off => 0,
        },
    }
}

fn field_name(field: ProducerField) -> &'static str {
    match field {
        ProducerField::Sent => "sent",
        ProducerField::Accepted => "accepted",
        ProducerField::Throttled => "throttled",
        ProducerField::Retried => "retried",
        ProducerField::Dropped => "dropped",
        ProducerField::AggregatedUserRecords => "aggregated user records",
    }
}

fn stream_status(sandbox: &Sandbox, stream: &str) -> Option<observe::StreamOverview> {
    observe::streams(&sandbox.service.engine).into_iter().find(|s| s.name == stream)
}

/// Evaluates one predicate now.
pub fn evaluate_predicate(p: &Predicate, lab: &Lab, sandbox: &Sandbox, run: &LabRun) -> Outcome {
    let engine = &sandbox.service.engine;
    match p {
        Predicate::StreamStatus { stream, status } => match stream_status(sandbox, stream) {
            Some(s) => outcome(s.status == status, format!("stream {stream} is {}", s.status)),
            None => outcome(status == "DELETED", format!("stream {stream} does not exist")),
        },
        Predicate::OpenShards { stream, at_least, at_most, equals } => {
            let Some(s) = stream_status(sandbox, stream) else { return no_stream(stream) };
            let (met, wanted) = compare_counts(s.open_shards, *at_least, *at_most, *equals);
            outcome(met, format!("{} open shards (wanted {wanted})", s.open_shards))
        }
        Predicate::ClosedShards { stream, at_least, holding_records } => {
            if engine.stream(stream).is_none() {
                return no_stream(stream);
            }
            let shards = observe::shards(engine, stream);
            let closed = shards
                .iter()
                .filter(|s| s.state == ShardState::Closed)
                .filter(|s| !holding_records.unwrap_or(false) || s.stored_records > 0)
                .count() as u32;
            let what = if holding_records.unwrap_or(false) { "closed shards still holding records" } else { "closed shards" };
            outcome(closed >= *at_least, format!("{closed} of at least {at_least} {what}"))
        }
        Predicate::ExpiredShards { stream, at_least } => {
            if engine.stream(stream).is_none() {
                return no_stream(stream);
            }
            let expired =
                observe::shards(engine, stream).iter().filter(|s| s.state == ShardState::Expired).count() as u32;
            outcome(expired >= *at_least, format!("{expired} of at least {at_least} shards past retention"))
        }
        Predicate::RetentionHours { stream, at_least, at_most, equals } => {
            let Some(s) = stream_status(sandbox, stream) else { return no_stream(stream) };
            let (met, wanted) = compare_counts(s.retention_hours, *at_least, *at_most, *equals);
            outcome(met, format!("retention is {} h (wanted {wanted})", s.retention_hours))
        }
        Predicate::StreamMode { stream, mode } => {
            let Some(s) = stream_status(sandbox, stream) else { return no_stream(stream) };
            let now = if s.on_demand { "ON_DEMAND" } else { "PROVISIONED" };
            outcome(now == mode, format!("stream {stream} is {now}"))
        }
        Predicate::ShardHasChildren { stream, count_at_least } => {
            if engine.stream(stream).is_none() {
                return no_stream(stream);
            }
            let parents = observe::shards(engine, stream).iter().filter(|s| !s.children.is_empty()).count() as u32;
            outcome(parents >= *count_at_least, format!("{parents} of at least {count_at_least} shards have children"))
        }
        Predicate::NoWriteThrottling { stream, seconds, min_records_per_sec } => {
            let Some(points) = window(sandbox, stream, None, *seconds) else { return no_stream(stream) };
            let elapsed_s = sandbox.now_ms().saturating_sub(run.started_ms) / MILLIS_PER_SECOND;
            let throttled: u64 = points.iter().map(|p| p.write_throttled).sum();
            let slowest = points.iter().map(|p| p.incoming_records).min().unwrap_or(0);
            let met = *seconds > 0
                && elapsed_s >= *seconds as u64
                && throttled == 0
                && slowest as f64 >= *min_records_per_sec;
            outcome(
                met,
                format!(
                    "last {seconds} s: {throttled} throttled writes, slowest second {slowest} records (wanted 0 and ≥ {min_records_per_sec})"
                ),
            )
        }
        Predicate::WriteThrottlingSeen { stream, seconds, shard, key } => {
            let target = match (shard, key) {
                (Some(id), _) => Some(id.clone()),
                (None, Some(k)) => match shard_of_key(sandbox, stream, k) {
                    Some(id) => Some(id),
                    None => return outcome(false, format!("no open shard of {stream} holds key {k}")),
                },
                (None, None) => None,
            };
            let Some(points) = window(sandbox, stream, target.as_deref(), *seconds) else {
                return outcome(false, format!("stream {stream} or its shard does not exist"));
            };
            let throttled: u64 = points.iter().map(|p| p.write_throttled).sum();
            let on = target.map_or_else(|| format!("stream {stream}"), |id| format!("shard {id}"));
            outcome(throttled > 0, format!("{throttled} throttled writes on {on} in the last {seconds} s"))
        }
        Predicate::Metric { stream, shard, metric, stat, seconds, op, value } => {
            let Some(points) = window(sandbox, stream, shard.as_deref(), *seconds) else {
                return outcome(false, format!("stream {stream} or its shard does not exist"));
            };
            let values: Vec<u64> = points.iter().map(|p| metric_value(p, metric).unwrap_or(0)).collect();
            let got = match stat {
                Stat::Sum => values.iter().sum::<u64>() as f64,
                Stat::Max => values.iter().copied().max().unwrap_or(0) as f64,
                Stat::Avg => values.iter().sum::<u64>() as f64 / values.len().max(1) as f64,
            };
            let stat_name = match stat {
                Stat::Sum => "sum",
                Stat::Max => "max",
                Stat::Avg => "average",
            };
            outcome(
                *seconds > 0 && op.holds(got, *value),
                format!("{metric} {stat_name} over {seconds} s is {got} (wanted {} {value})", op.symbol()),
            )
        }
        Predicate::ConsumerRegistered { stream, consumer_kind: _, at_least } => {
            let Some(s) = engine.stream(stream) else { return no_stream(stream) };
            let active = s.consumers.values().filter(|c| c.status.as_str() == "ACTIVE").count() as u32;
            outcome(active >= *at_least, format!("{active} of at least {at_least} enhanced fan-out consumers ACTIVE"))
        }
        Predicate::ConsumerLag { consumer, max_ms } => {
            let Some(c) = find_consumer(sandbox, consumer) else { return no_consumer(consumer) };
            let rows: Vec<_> = c.lag_by_shard().into_iter().filter(|r| !r.finished).collect();
            if rows.is_empty() {
                return outcome(false, format!("{consumer} is not reading any shard yet"));
            }
            let behind: Vec<Option<u64>> = rows.iter().map(|r| r.millis_behind_latest).collect();
            let worst = behind.iter().map(|b| b.unwrap_or(u64::MAX)).max().unwrap_or(u64::MAX);
            if worst == u64::MAX {
                return outcome(false, format!("{consumer} has not read every shard yet"));
            }
            outcome(worst <= *max_ms, format!("{consumer} is at most {worst} ms behind on {} shards", rows.len()))
        }
        Predicate::ConsumerRecords { consumer, at_least, consumer_kind } => {
            let Some(c) = find_consumer(sandbox, consumer) else { return no_consumer(consumer) };
            if let Some(wanted) = consumer_kind.as_deref() {
                if consumer_kind_name(c.kind()) != wanted {
                    return outcome(false, format!("{consumer} is a {} consumer, not {wanted}", c.kind().label()));
                }
            }
            let read: u64 = match c {
                Consumer::Kcl(g) => g.total_processed(),
                _ => c.lag_by_shard().iter().map(|r| r.records_read).sum(),
            };
            outcome(read >= *at_least, format!("{consumer} received {read} of at least {at_least} records"))
        }
        Predicate::ConsumerFinishedShards { consumer, at_least } => {
            let Some(c) = find_consumer(sandbox, consumer) else { return no_consumer(consumer) };
            let done = c.lag_by_shard().iter().filter(|r| r.finished).count() as u32;
            outcome(done >= *at_least, format!("{consumer} read {done} of at least {at_least} shards to their end"))
        }
        Predicate::KclWorkers { consumer, alive } => {
            let Some(c) = find_consumer(sandbox, consumer) else { return no_consumer(consumer) };
            let Consumer::Kcl(g) = c else { return outcome(false, format!("{consumer} is not a KCL application")) };
            let n = g.workers.iter().filter(|w| w.alive).count() as u32;
            outcome(n == *alive, format!("{n} live workers (wanted {alive})"))
        }
        Predicate::KclNoLossAfterFailover { consumer } => {
            let Some(c) = find_consumer(sandbox, consumer) else { return no_consumer(consumer) };
            let Consumer::Kcl(g) = c else { return outcome(false, format!("{consumer} is not a KCL application")) };
            let dead = g.workers.iter().filter(|w| !w.alive).count();
            let live: Vec<&str> = g.workers.iter().filter(|w| w.alive).map(|w| w.id.as_str()).collect();
            let rows = g.lag_by_shard();
            let orphaned = rows
                .iter()
                .filter(|r| !r.finished && r.owner.as_deref().is_none_or(|o| !live.contains(&o)))
                .count();
            let lagging = rows
                .iter()
                .filter(|r| !r.finished && r.millis_behind_latest.is_none_or(|ms| ms > KCL_CAUGHT_UP_MS))
                .count();
            let met = dead > 0 && !rows.is_empty() && orphaned == 0 && lagging == 0;
            outcome(
                met,
                format!(
                    "{dead} stopped workers; {orphaned} shards without a live owner; {lagging} shards more than {KCL_CAUGHT_UP_MS} ms behind"
                ),
            )
        }
        Predicate::KclReprocessed { consumer, op, value } => {
            let Some(c) = find_consumer(sandbox, consumer) else { return no_consumer(consumer) };
            let Consumer::Kcl(g) = c else { return outcome(false, format!("{consumer} is not a KCL application")) };
            let n = g.total_reprocessed();
            outcome(
                op.holds(n as f64, *value),
                format!("{consumer} processed {n} records a second time (wanted {} {value})", op.symbol()),
            )
        }
        Predicate::ProducerStats { producer, field, op, value } => {
            let Some(p) = find_producer(sandbox, producer) else {
                return outcome(false, format!("there is no producer named {producer}"));
            };
            let got = producer_field(p, *field);
            outcome(
                op.holds(got as f64, *value),
                format!("{producer}: {got} {} (wanted {} {value})", field_name(*field), op.symbol()),
            )
        }
        Predicate::FirehoseObjects { delivery_stream, at_least, prefix, flushed_by } => {
            let prefix = prefix.as_deref().unwrap_or("");
            let n = observe_firehose::deliveries(&sandbox.firehose.engine, Some(delivery_stream), usize::MAX)
                .iter()
                .filter(|d| d.key.starts_with(prefix) && flushed_by.as_deref().is_none_or(|r| d.reason == r))
                .count() as u64;
            let under = if prefix.is_empty() { String::new() } else { format!(" under {prefix}") };
            let by = flushed_by.as_deref().map_or(String::new(), |r| format!(" flushed by {r}"));
            outcome(n >= *at_least, format!("{n} of at least {at_least} objects{under}{by} from {delivery_stream}"))
        }
        Predicate::FirehoseRecordsDelivered { delivery_stream, at_least } => {
            let n: u64 = observe_firehose::deliveries(&sandbox.firehose.engine, Some(delivery_stream), usize::MAX)
                .iter()
                .map(|d| d.records)
                .sum();
            outcome(n >= *at_least, format!("{n} of at least {at_least} records delivered by {delivery_stream}"))
        }
        Predicate::FirehoseStatus { delivery_stream, status } => {
            match observe_firehose::delivery_stream(&sandbox.firehose.engine, delivery_stream) {
                Some(d) => {
                    let now = d.description.get("DeliveryStreamStatus").and_then(|v| v.as_str()).unwrap_or("UNKNOWN");
                    outcome(now == status, format!("{delivery_stream} is {now}"))
                }
                None => outcome(false, format!("delivery stream {delivery_stream} does not exist")),
            }
        }
        Predicate::Answer { question } => {
            let Some(q) = lab.questions.iter().find(|q| q.id == *question) else {
                return outcome(false, format!("the lab has no question {question}"));
            };
            match run.answers.get(question) {
                None => outcome(false, "not answered yet"),
                Some(raw) => match answer_value(lab, question, raw) {
                    Some(v) if q.is_right(v) => outcome(true, format!("answered {raw}: right")),
                    Some(_) => outcome(false, format!("answered {raw}: not right yet")),
                    None => outcome(false, format!("answered {raw}: not a valid answer")),
                },
            }
        }
        Predicate::All { of } => {
            let parts: Vec<Outcome> = of.iter().map(|p| evaluate_predicate(p, lab, sandbox, run)).collect();
            let met = !parts.is_empty() && parts.iter().all(|o| o.met);
            outcome(met, parts.iter().map(|o| o.detail.as_str()).collect::<Vec<_>>().join("; "))
        }
        Predicate::Any { of } => {
            let parts: Vec<Outcome> = of.iter().map(|p| evaluate_predicate(p, lab, sandbox, run)).collect();
            let met = parts.iter().any(|o| o.met);
            outcome(met, parts.iter().map(|o| o.detail.as_str()).collect::<Vec<_>>().join("; or "))
        }
    }
}

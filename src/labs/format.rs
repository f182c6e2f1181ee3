//! The guided-lab file format (`labs/guided/<id>.toml`, embedded as JSON): plain serde types that refuse
//! unknown keys, so a misspelt field is a validation error naming the file and the field instead of a
//! silently ignored line. What the fields mean is checked afterwards by `validate`.

use serde::{Deserialize, Serialize};

/// One guided lab, exactly as its file says it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lab {
    /// Kebab-case, equal to the file stem.
    pub id: String,
    pub title: String,
    /// `streams` | `firehose` (`analytics`, `video` reserved).
    pub services: Vec<String>,
    /// The sandbox page the runner panel sits beside: `streams` | `firehose`.
    pub sandbox: String,
    /// `foundation` | `associate` | `advanced`.
    pub level: String,
    /// Rough time for a learner.
    pub minutes: u32,
    pub summary: String,
    /// `fewest_api_calls` | `lowest_cost` | `shortest_sim_time`.
    pub score: String,
    #[serde(rename = "objective")]
    pub objectives: Vec<Objective>,
    pub start: Start,
    #[serde(rename = "step", default)]
    pub steps: Vec<LabStep>,
    #[serde(rename = "question", default)]
    pub questions: Vec<Question>,
    #[serde(rename = "check", default)]
    pub checks: Vec<Check>,
    #[serde(rename = "hint", default)]
    pub hints: Vec<Hint>,
    pub solution: Solution,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub text: String,
    pub sources: Vec<SourceRef>,
}

/// A source a claim rests on: a study note's section (`note` + `section`; `seed` is accepted as the exam
/// bank's spelling) or a FACTS section (`facts`). Exactly one form.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    #[serde(default, alias = "seed", skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<String>,
}

/// The starting state, as step lines run on a fresh sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    pub steps: Vec<String>,
}

/// What the learner is asked to do (text only; the learner acts in the sandbox).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabStep {
    pub text: String,
}

/// `number` or `choice`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Number,
    Choice,
}

/// A question the learner answers in the runner panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    pub kind: QuestionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// A number (kind = number) or an option index (kind = choice).
    pub answer: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_percent: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_abs: Option<f64>,
    /// The options of a choice question.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    pub explanation: String,
}

impl Question {
    /// Whether `value` is this question's answer: within the tolerance (exact by default) for a number,
    /// the right index for a choice.
    pub fn is_right(&self, value: f64) -> bool {
        if !value.is_finite() {
            return false;
        }
        match self.kind {
            QuestionKind::Choice => value == self.answer,
            QuestionKind::Number => {
                let allowed = match (self.tolerance_abs, self.tolerance_percent) {
                    (Some(abs), _) => abs.abs(),
                    (None, Some(pct)) => (self.answer * pct / 100.0).abs(),
                    (None, None) => 0.0,
                };
                // A little slack for decimal text such as 0.1 + 0.2.
                (value - self.answer).abs() <= allowed + 1e-9 * self.answer.abs().max(1.0)
            }
        }
    }
}

/// A goal check: a predicate over the sandbox and the learner's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: String,
    pub text: String,
    pub when: Predicate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    pub text: String,
}

/// The reference solution: replayed by CI after `[start]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Solution {
    pub text: String,
    pub steps: Vec<String>,
}

/// A comparison in `metric` and `producer_stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "==")]
    Equals,
}

impl Op {
    pub fn holds(self, value: f64, target: f64) -> bool {
        match self {
            Op::AtLeast => value >= target,
            Op::AtMost => value <= target,
            Op::Equals => (value - target).abs() < 1e-9,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::AtLeast => "≥",
            Op::AtMost => "≤",
            Op::Equals => "=",
        }
    }
}

/// How a metric's per-second points are combined over the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stat {
    Sum,
    Max,
    Avg,
}

/// A producer's counter, for `producer_stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProducerField {
    /// Kinesis records put on the wire, retries included.
    Sent,
    /// Kinesis records accepted.
    Accepted,
    /// Records refused with ProvisionedThroughputExceededException.
    Throttled,
    /// Throttled records that were (or will be) resent: throttled attempts minus those still waiting and
    /// those dropped after RecordTtl; 0 when retries are off. An estimate from the producer's counters.
    Retried,
    /// User records dropped after RecordTtl or a full backlog.
    Dropped,
    /// User records accepted inside KPL aggregates (0 when aggregation is off).
    AggregatedUserRecords,
}

/// A check predicate (`when = { kind = "...", ... }`). See `checks` for how each is evaluated and the
/// labs spec for the list. Extra predicates beyond the spec are marked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Predicate {
    StreamStatus {
        stream: String,
        status: String,
    },
    OpenShards {
        stream: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_least: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_most: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        equals: Option<u32>,
    },
    /// Closed shards still within retention (listed, readable). `holding_records` (extra): only closed
    /// shards that still store records count.
    ClosedShards {
        stream: String,
        at_least: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        holding_records: Option<bool>,
    },
    /// Extra: closed shards whose retention has passed (no longer listed by ListShards).
    ExpiredShards {
        stream: String,
        at_least: u32,
    },
    RetentionHours {
        stream: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_least: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at_most: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        equals: Option<u32>,
    },
    StreamMode {
        stream: String,
        mode: String,
    },
    /// At least `count_at_least` shards of the stream are parents (have one or more children).
    ShardHasChildren {
        stream: String,
        count_at_least: u32,
    },
    NoWriteThrottling {
        stream: String,
        seconds: u32,
        min_records_per_sec: f64,
    },
    /// Throttling in the last `seconds`; on the whole stream, or (extra) on one shard given by id, or on
    /// the open shard that partition key `key` maps to.
    WriteThrottlingSeen {
        stream: String,
        seconds: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shard: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
    },
    Metric {
        stream: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        shard: Option<String>,
        metric: String,
        stat: Stat,
        seconds: u32,
        op: Op,
        value: f64,
    },
    /// Registered enhanced fan-out consumers that are ACTIVE. The spec's `kind = efo` cannot share a
    /// table with the predicate's own `kind`, so it is spelt `consumer_kind` (optional; only `efo`).
    ConsumerRegistered {
        stream: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consumer_kind: Option<String>,
        at_least: u32,
    },
    ConsumerLag {
        consumer: String,
        max_ms: u64,
    },
    ConsumerRecords {
        consumer: String,
        at_least: u64,
        /// Extra: met only if the consumer is of this kind (`polling`, `efo`, `kcl`), so a lab can require
        /// the design it asked for and not just any reader with that name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        consumer_kind: Option<String>,
    },
    /// Extra: the consumer read at least this many shards to their end (SHARD_END), i.e. closed parents
    /// were finished before their children were read.
    ConsumerFinishedShards {
        consumer: String,
        at_least: u32,
    },
    KclWorkers {
        consumer: String,
        alive: u32,
    },
    KclNoLossAfterFailover {
        consumer: String,
    },
    /// Extra: records the KCL application processed a second time (at-least-once duplicates), summed
    /// over its workers, compared with `op` and `value`.
    KclReprocessed {
        consumer: String,
        op: Op,
        value: f64,
    },
    ProducerStats {
        producer: String,
        field: ProducerField,
        op: Op,
        value: f64,
    },
    /// Objects the delivery stream wrote (under `prefix`). `flushed_by` (extra): only objects whose
    /// buffer was flushed by that hint, `size` or `interval` (the delivery timeline's reason).
    FirehoseObjects {
        delivery_stream: String,
        at_least: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        prefix: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        flushed_by: Option<String>,
    },
    FirehoseRecordsDelivered {
        delivery_stream: String,
        at_least: u64,
    },
    FirehoseStatus {
        delivery_stream: String,
        status: String,
    },
    Answer {
        question: String,
    },
    All {
        of: Vec<Predicate>,
    },
    Any {
        of: Vec<Predicate>,
    },
}

impl Predicate {
    /// The `kind` as written in files.
    pub fn kind(&self) -> &'static str {
        match self {
            Predicate::StreamStatus { .. } => "stream_status",
            Predicate::OpenShards { .. } => "open_shards",
            Predicate::ClosedShards { .. } => "closed_shards",
            Predicate::ExpiredShards { .. } => "expired_shards",
            Predicate::RetentionHours { .. } => "retention_hours",
            Predicate::StreamMode { .. } => "stream_mode",
            Predicate::ShardHasChildren { .. } => "shard_has_children",
            Predicate::NoWriteThrottling { .. } => "no_write_throttling",
            Predicate::WriteThrottlingSeen { .. } => "write_throttling_seen",
            Predicate::Metric { .. } => "metric",
            Predicate::ConsumerRegistered { .. } => "consumer_registered",
            Predicate::ConsumerLag { .. } => "consumer_lag",
            Predicate::ConsumerRecords { .. } => "consumer_records",
            Predicate::ConsumerFinishedShards { .. } => "consumer_finished_shards",
            Predicate::KclWorkers { .. } => "kcl_workers",
            Predicate::KclNoLossAfterFailover { .. } => "kcl_no_loss_after_failover",
            Predicate::KclReprocessed { .. } => "kcl_reprocessed",
            Predicate::ProducerStats { .. } => "producer_stats",
            Predicate::FirehoseObjects { .. } => "firehose_objects",
            Predicate::FirehoseRecordsDelivered { .. } => "firehose_records_delivered",
            Predicate::FirehoseStatus { .. } => "firehose_status",
            Predicate::Answer { .. } => "answer",
            Predicate::All { .. } => "all",
            Predicate::Any { .. } => "any",
        }
    }
}

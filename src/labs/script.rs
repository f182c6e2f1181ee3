//! The step language of guided labs: one line per step, parsed into [`StepLine`] first (so a lab's
//! validation can check every line's syntax without running it), then run against a [`Sandbox`] and the
//! run's [`LabRun`]. Each line does what a control of the sandbox page does:
//!
//! - `aws kinesis …` / `aws firehose …`: the page's terminal (`cli::run_with`); one learner API call. A
//!   failing command fails the step unless the line starts `expect-error <ErrorType> aws …`, which
//!   instead requires that error.
//! - `wait <duration>`: play (`Sandbox::advance_to`); `fast-forward <duration>`: the clock bar's
//!   fast-forward (`Sandbox::fast_forward`). Durations: `500ms`, `70s`, `5m`, `2h`, `7d`.
//! - `producer add name=N stream=S rate=R [bytes=B] [keys=random|fixed:K|hot:K:PCT]
//!   [batching=put-record|put-records] [aggregation=off|kpl] [retry=on|off] [ttl=30s]`,
//!   `producer stop N` / `producer start N` / `producer remove N`: the producers panel.
//! - `consumer add kind=polling|efo|kcl name=N stream=S [workers=W] [checkpoint=5s] [interval=1s]
//!   [start=trim-horizon|latest] [failover=10s]`, `consumer stop-worker N W`, `consumer start-worker N W`,
//!   `consumer remove N`: the consumers panel.
//! - `answer <question-id> <value>`: a learner's answer (a number, or a choice's index or option text).

use std::fmt;

use crate::engine::time::EpochMillis;
use crate::sim::consumers::{
    seed_from_name, Consumer, FanOutConfig, FanOutConsumer, KclConfig, KclGroup, PollingConfig, PollingConsumer,
    StartPosition,
};
use crate::sim::keys::KeyStrategy;
use crate::sim::producer::{
    Aggregation, Batching, ProducerConfig, KPL_AGGREGATION_MAX_BYTES_DEFAULT, RECORD_TTL_MS,
};
use crate::sim::Sandbox;

use super::run::LabRun;

/// Longest `wait` / `fast-forward` one line may ask for: a year. A lab never needs more (retention is at
/// most 8,760 h, FACTS.md §1 "Retention"), and it bounds the work one line can cause.
pub const MAX_DURATION_MS: u64 = 366 * 24 * 3_600_000;
/// Largest `bytes=` of a producer's records: 1 MiB, Kinesis's default record limit (FACTS.md §1 "Writes").
pub const MAX_RECORD_BYTES: u32 = 1_048_576;
/// Most KCL workers one `consumer add` may start (the consumers panel's own cap).
pub const MAX_KCL_WORKERS: u32 = 64;

/// A step that failed: which line (1-based), the line, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError {
    pub line_number: usize,
    pub line: String,
    pub reason: String,
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: `{}`: {}", self.line_number, self.line, self.reason)
    }
}

impl std::error::Error for StepError {}

/// `keys=` of a producer line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeysSpec {
    Random,
    /// `fixed:K`: K fixed keys `key-0` … chosen uniformly.
    Fixed(u32),
    /// `hot:K:PCT`: K keys, `key-0` gets PCT % of the records.
    Hot(u32, u8),
}

/// A parsed `producer add` line.
#[derive(Debug, Clone, PartialEq)]
pub struct ProducerSpec {
    pub name: String,
    pub stream: String,
    pub rate_records_per_sec: f64,
    /// Size of each record's data; None keeps the panel's default JSON template.
    pub bytes: Option<u32>,
    pub keys: KeysSpec,
    pub put_records: bool,
    pub kpl: bool,
    pub retry: bool,
    pub ttl_ms: u64,
}

/// `kind=` of a consumer line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsumerKindSpec {
    Polling,
    Efo,
    Kcl,
}

/// A parsed `consumer add` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerSpec {
    pub kind: ConsumerKindSpec,
    pub name: String,
    pub stream: String,
    pub workers: Option<u32>,
    pub checkpoint_ms: Option<u64>,
    pub interval_ms: Option<u64>,
    pub failover_ms: Option<u64>,
    pub latest: bool,
}

/// One parsed step line.
#[derive(Debug, Clone, PartialEq)]
pub enum StepLine {
    /// `aws …` as typed; `expect_error` is the error type an `expect-error` line requires.
    Aws { command: String, expect_error: Option<String> },
    Wait { ms: u64 },
    FastForward { ms: u64 },
    ProducerAdd(ProducerSpec),
    ProducerStop(String),
    ProducerStart(String),
    ProducerRemove(String),
    ConsumerAdd(ConsumerSpec),
    ConsumerStopWorker { consumer: String, worker: String },
    ConsumerStartWorker { consumer: String, worker: String },
    ConsumerRemove(String),
    Answer { question: String, value: String },
}

impl StepLine {
    /// Streams this line creates (`aws kinesis create-stream --stream-name S`), for validation.
    pub fn created_stream(&self) -> Option<String> {
        self.aws_option("kinesis", "create-stream", "--stream-name")
    }

    /// Delivery streams this line creates, for validation.
    pub fn created_delivery_stream(&self) -> Option<String> {
        self.aws_option("firehose", "create-delivery-stream", "--delivery-stream-name")
    }

    fn aws_option(&self, service: &str, operation: &str, option: &str) -> Option<String> {
        let StepLine::Aws { command, .. } = self else { return None };
        let words: Vec<&str> = command.split_whitespace().collect();
        if words.get(1) != Some(&service) || words.get(2) != Some(&operation) {
            return None;
        }
        let i = words.iter().position(|w| *w == option)?;
        words.get(i + 1).map(|s| s.trim_matches(|c| c == '"' || c == '\'').to_string())
    }
}

/// A duration such as `500ms`, `70s`, `5m`, `2h`, `7d`, in milliseconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let bad = || format!("`{text}` is not a duration (write e.g. 500ms, 70s, 5m, 2h or 7d)");
    if digits.is_empty() {
        return Err(bad());
    }
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let unit_ms: u64 = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(bad()),
    };
    let ms = n.checked_mul(unit_ms).ok_or_else(bad)?;
    if ms > MAX_DURATION_MS {
        return Err(format!("`{text}` is longer than the longest step, 366d"));
    }
    Ok(ms)
}

/// `key=value` options of a producer/consumer line, each allowed once.
struct Options<'a> {
    pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> Options<'a> {
    fn parse(words: &[&'a str], allowed: &[&str]) -> Result<Self, String> {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        for w in words {
            let Some((k, v)) = w.split_once('=') else {
                return Err(format!("`{w}` is not an option (write name=value)"));
            };
            if !allowed.contains(&k) {
                return Err(format!("unknown option `{k}` (known: {})", allowed.join(", ")));
            }
            if pairs.iter().any(|(seen, _)| *seen == k) {
                return Err(format!("option `{k}` is given twice"));
            }
            if v.is_empty() {
                return Err(format!("option `{k}` has no value"));
            }
            pairs.push((k, v));
        }
        Ok(Options { pairs })
    }

    fn get(&self, key: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn required(&self, key: &str) -> Result<&'a str, String> {
        self.get(key).ok_or_else(|| format!("option `{key}=` is required"))
    }

    fn switch(&self, key: &str, default: bool) -> Result<bool, String> {
        match self.get(key) {
            None => Ok(default),
            Some("on") => Ok(true),
            Some("off") => Ok(false),
            Some(v) => Err(format!("`{key}={v}`: write {key}=on or {key}=off")),
        }
    }
}

fn parse_u32(what: &str, text: &str) -> Result<u32, String> {
    text.parse::<u32>().map_err(|_| format!("`{what}={text}`: not a whole number"))
}

fn parse_keys(text: &str) -> Result<KeysSpec, String> {
    let parts: Vec<&str> = text.split(':').collect();
    match parts.as_slice() {
        ["random"] => Ok(KeysSpec::Random),
        ["fixed", k] => Ok(KeysSpec::Fixed(parse_u32("keys", k)?)),
        ["hot", k, pct] => {
            let pct: u8 = pct.parse().ok().filter(|p| *p <= 100).ok_or_else(|| {
                format!("`keys={text}`: the hot share must be a percentage from 0 to 100")
            })?;
            Ok(KeysSpec::Hot(parse_u32("keys", k)?, pct))
        }
        _ => Err(format!("`keys={text}`: write keys=random, keys=fixed:K or keys=hot:K:PCT")),
    }
}

fn parse_producer_add(words: &[&str]) -> Result<ProducerSpec, String> {
    let o = Options::parse(
        words,
        &["name", "stream", "rate", "bytes", "keys", "batching", "aggregation", "retry", "ttl"],
    )?;
    let rate_text = o.required("rate")?;
    let rate: f64 = rate_text
        .parse()
        .ok()
        .filter(|r: &f64| r.is_finite() && *r >= 0.0)
        .ok_or_else(|| format!("`rate={rate_text}`: not a number of records per second"))?;
    let bytes = match o.get("bytes") {
        None => None,
        Some(b) => {
            let n = parse_u32("bytes", b)?;
            if n == 0 || n > MAX_RECORD_BYTES {
                return Err(format!("`bytes={b}`: records are 1 to {MAX_RECORD_BYTES} bytes"));
            }
            Some(n)
        }
    };
    let put_records = match o.get("batching") {
        None | Some("put-records") => true,
        Some("put-record") => false,
        Some(v) => return Err(format!("`batching={v}`: write batching=put-record or batching=put-records")),
    };
    let kpl = match o.get("aggregation") {
        None | Some("off") => false,
        Some("kpl") => true,
        Some(v) => return Err(format!("`aggregation={v}`: write aggregation=off or aggregation=kpl")),
    };
    Ok(ProducerSpec {
        name: o.required("name")?.to_string(),
        stream: o.required("stream")?.to_string(),
        rate_records_per_sec: rate,
        bytes,
        keys: o.get("keys").map(parse_keys).transpose()?.unwrap_or(KeysSpec::Random),
        put_records,
        kpl,
        retry: o.switch("retry", true)?,
        ttl_ms: o.get("ttl").map(parse_duration).transpose()?.unwrap_or(RECORD_TTL_MS),
    })
}

fn parse_consumer_add(words: &[&str]) -> Result<ConsumerSpec, String> {
    let o = Options::parse(
        words,
        &["kind", "name", "stream", "workers", "checkpoint", "interval", "failover", "start"],
    )?;
    let kind = match o.required("kind")? {
        "polling" => ConsumerKindSpec::Polling,
        "efo" => ConsumerKindSpec::Efo,
        "kcl" => ConsumerKindSpec::Kcl,
        v => return Err(format!("`kind={v}`: write kind=polling, kind=efo or kind=kcl")),
    };
    let kcl_only = ["workers", "checkpoint", "failover"];
    for k in kcl_only {
        if o.get(k).is_some() && kind != ConsumerKindSpec::Kcl {
            return Err(format!("option `{k}=` is for kind=kcl consumers only"));
        }
    }
    if o.get("interval").is_some() && kind != ConsumerKindSpec::Polling {
        return Err("option `interval=` is for kind=polling consumers only".into());
    }
    let workers = o.get("workers").map(|w| parse_u32("workers", w)).transpose()?;
    if let Some(w) = workers {
        if w == 0 || w > MAX_KCL_WORKERS {
            return Err(format!("`workers={w}`: a KCL application here runs 1 to {MAX_KCL_WORKERS} workers"));
        }
    }
    let latest = match o.get("start") {
        None | Some("trim-horizon") => false,
        Some("latest") => true,
        Some(v) => return Err(format!("`start={v}`: write start=trim-horizon or start=latest")),
    };
    Ok(ConsumerSpec {
        kind,
        name: o.required("name")?.to_string(),
        stream: o.required("stream")?.to_string(),
        workers,
        checkpoint_ms: o.get("checkpoint").map(parse_duration).transpose()?,
        interval_ms: o.get("interval").map(parse_duration).transpose()?,
        failover_ms: o.get("failover").map(parse_duration).transpose()?,
        latest,
    })
}

fn one_name<'a>(words: &[&'a str], usage: &str) -> Result<&'a str, String> {
    match words {
        [name] => Ok(name),
        _ => Err(format!("write `{usage}`")),
    }
}

/// Parses one step line (syntax only: names are resolved when it runs).
pub fn parse_line(line: &str) -> Result<StepLine, String> {
    let trimmed = line.trim();
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    let Some(first) = words.first() else { return Err("the line is empty".into()) };
    match *first {
        "aws" => parse_aws(trimmed, None),
        "expect-error" => {
            let Some(error_type) = words.get(1) else {
                return Err("write `expect-error <ErrorType> aws …`".into());
            };
            if !error_type.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("`{error_type}` is not an error type such as ResourceInUseException"));
            }
            // The rest of the line after the type, as typed.
            let rest = trimmed["expect-error".len()..].trim_start()[error_type.len()..].trim_start();
            parse_aws(rest, Some(error_type.to_string()))
        }
        "wait" => Ok(StepLine::Wait { ms: parse_duration(one_name(&words[1..], "wait <duration>")?)? }),
        "fast-forward" => {
            Ok(StepLine::FastForward { ms: parse_duration(one_name(&words[1..], "fast-forward <duration>")?)? })
        }
        "producer" => match words.get(1).copied() {
            Some("add") => parse_producer_add(&words[2..]).map(StepLine::ProducerAdd),
            Some("stop") => Ok(StepLine::ProducerStop(one_name(&words[2..], "producer stop <name>")?.into())),
            Some("start") => Ok(StepLine::ProducerStart(one_name(&words[2..], "producer start <name>")?.into())),
            Some("remove") => Ok(StepLine::ProducerRemove(one_name(&words[2..], "producer remove <name>")?.into())),
            _ => Err("write `producer add|stop|start|remove …`".into()),
        },
        "consumer" => match words.get(1).copied() {
            Some("add") => parse_consumer_add(&words[2..]).map(StepLine::ConsumerAdd),
            Some(verb @ ("stop-worker" | "start-worker")) => match &words[2..] {
                [consumer, worker] => {
                    let (consumer, worker) = (consumer.to_string(), worker.to_string());
                    Ok(if verb == "stop-worker" {
                        StepLine::ConsumerStopWorker { consumer, worker }
                    } else {
                        StepLine::ConsumerStartWorker { consumer, worker }
                    })
                }
                _ => Err(format!("write `consumer {verb} <consumer> <worker>`")),
            },
            Some("remove") => Ok(StepLine::ConsumerRemove(one_name(&words[2..], "consumer remove <name>")?.into())),
            _ => Err("write `consumer add|stop-worker|start-worker|remove …`".into()),
        },
        "answer" => match words.get(1) {
            Some(question) if words.len() >= 3 => {
                let value = trimmed["answer".len()..].trim_start()[question.len()..].trim().to_string();
                Ok(StepLine::Answer { question: question.to_string(), value })
            }
            _ => Err("write `answer <question-id> <value>`".into()),
        },
        other => Err(format!(
            "unknown step `{other}` (steps: aws, expect-error, wait, fast-forward, producer, consumer, answer)"
        )),
    }
}

fn parse_aws(command: &str, expect_error: Option<String>) -> Result<StepLine, String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    if words.first() != Some(&"aws") {
        return Err("expected an `aws …` command".into());
    }
    match words.get(1) {
        Some(&"kinesis") | Some(&"firehose") => {}
        _ => return Err("write `aws kinesis …` or `aws firehose …`".into()),
    }
    if words.len() < 3 {
        return Err("the command names no operation".into());
    }
    Ok(StepLine::Aws { command: command.to_string(), expect_error })
}

/// The AWS error type in the CLI's error text: `An error occurred (Type) when calling …`.
fn cli_error_type(stderr: &str) -> Option<&str> {
    let start = stderr.find("An error occurred (")? + "An error occurred (".len();
    let len = stderr[start..].find(')')?;
    Some(&stderr[start..start + len])
}

fn producer_config(spec: &ProducerSpec) -> ProducerConfig {
    let defaults = ProducerConfig::default();
    let keys = match spec.keys {
        KeysSpec::Random => KeyStrategy::Random,
        KeysSpec::Fixed(keys) => KeyStrategy::Uniform { keys },
        KeysSpec::Hot(keys, hot_percent) => KeyStrategy::HotKey { keys, hot_percent },
    };
    ProducerConfig {
        name: spec.name.clone(),
        stream_name: spec.stream.clone(),
        // A record of exactly `bytes` bytes: plain text, no placeholders (sizes are what the lab is about).
        template: spec.bytes.map_or(defaults.template, |b| "x".repeat(b as usize)),
        rate_records_per_sec: spec.rate_records_per_sec,
        keys,
        batching: if spec.put_records { defaults.batching } else { Batching::PutRecord },
        aggregation: if spec.kpl {
            Aggregation::Kpl { max_bytes: KPL_AGGREGATION_MAX_BYTES_DEFAULT }
        } else {
            Aggregation::Off
        },
        retry_throttled: spec.retry,
        record_ttl_ms: spec.ttl_ms,
        seed: seed_from_name(&spec.name),
        enabled: true,
    }
}

fn consumer(spec: &ConsumerSpec) -> Result<Consumer, String> {
    let start = if spec.latest { StartPosition::Latest } else { StartPosition::TrimHorizon };
    match spec.kind {
        ConsumerKindSpec::Polling => {
            let mut config = PollingConfig::new(&spec.name, &spec.stream);
            config.start = start;
            if let Some(ms) = spec.interval_ms {
                config.interval_ms = ms;
            }
            PollingConsumer::new(config).map(Consumer::Polling).map_err(|e| e.to_string())
        }
        ConsumerKindSpec::Efo => {
            let mut config = FanOutConfig::new(&spec.name, &spec.stream);
            config.start = start;
            FanOutConsumer::new(config).map(Consumer::FanOut).map_err(|e| e.to_string())
        }
        ConsumerKindSpec::Kcl => {
            let mut config = KclConfig::new(&spec.name, &spec.stream);
            config.initial_position = start;
            if let Some(ms) = spec.checkpoint_ms {
                config.checkpoint_interval_ms = ms;
            }
            if let Some(ms) = spec.failover_ms {
                config.failover_time_ms = ms;
            }
            KclGroup::new(config, spec.workers.unwrap_or(2) as usize).map(Consumer::Kcl).map_err(|e| e.to_string())
        }
    }
}

fn producer_id(sandbox: &Sandbox, name: &str) -> Result<crate::sim::ProducerId, String> {
    sandbox
        .producers()
        .iter()
        .find(|e| e.producer.config().name == name)
        .map(|e| e.id())
        .ok_or_else(|| format!("there is no producer named {name}"))
}

fn consumer_id(sandbox: &Sandbox, name: &str) -> Result<crate::sim::ConsumerId, String> {
    sandbox
        .consumers()
        .iter()
        .find(|e| e.consumer.name() == name)
        .map(|e| e.id())
        .ok_or_else(|| format!("there is no consumer named {name}"))
}

fn kcl_group<'a>(sandbox: &'a mut Sandbox, name: &str) -> Result<&'a mut KclGroup, String> {
    let entry = sandbox
        .consumers_mut()
        .iter_mut()
        .find(|e| e.consumer.name() == name)
        .ok_or_else(|| format!("there is no consumer named {name}"))?;
    match &mut entry.consumer {
        Consumer::Kcl(g) => Ok(g),
        _ => Err(format!("consumer {name} is not a KCL application (it has no workers)")),
    }
}

fn target(sandbox: &Sandbox, ms: u64) -> EpochMillis {
    sandbox.now_ms().saturating_add(ms)
}

/// Runs one parsed line. Returns its output text (the terminal's stdout for `aws` lines).
pub fn execute(sandbox: &mut Sandbox, run: &mut LabRun, step: &StepLine) -> Result<String, String> {
    match step {
        StepLine::Aws { command, expect_error } => {
            run.api_calls += 1;
            let out = crate::cli::run_with(command, &mut sandbox.service, &mut sandbox.firehose);
            let failed = out.exit_code != 0;
            match (expect_error, failed) {
                (None, false) => Ok(out.stdout),
                (None, true) => Err(out.stderr.trim().to_string()),
                (Some(want), true) => match cli_error_type(&out.stderr) {
                    Some(got) if got == want => Ok(out.stderr),
                    _ => Err(format!("expected {want}, got: {}", out.stderr.trim())),
                },
                (Some(want), false) => Err(format!("expected {want}, but the command succeeded")),
            }
        }
        StepLine::Wait { ms } => {
            let to = target(sandbox, *ms);
            sandbox.advance_to(to);
            Ok(format!("clock at {} ms", sandbox.now_ms()))
        }
        StepLine::FastForward { ms } => {
            sandbox.fast_forward(*ms);
            Ok(format!("clock at {} ms", sandbox.now_ms()))
        }
        StepLine::ProducerAdd(spec) => {
            if producer_id(sandbox, &spec.name).is_ok() {
                return Err(format!("a producer named {} already exists", spec.name));
            }
            sandbox.add_producer(producer_config(spec)).map_err(|e| e.to_string())?;
            Ok(format!("producer {} writes to {}", spec.name, spec.stream))
        }
        StepLine::ProducerStop(name) | StepLine::ProducerStart(name) => {
            let id = producer_id(sandbox, name)?;
            let enabled = matches!(step, StepLine::ProducerStart(_));
            sandbox.set_producer_enabled(id, enabled).map_err(|e| e.to_string())?;
            Ok(format!("producer {name} {}", if enabled { "started" } else { "stopped" }))
        }
        StepLine::ProducerRemove(name) => {
            let id = producer_id(sandbox, name)?;
            sandbox.remove_producer(id).map_err(|e| e.to_string())?;
            Ok(format!("producer {name} removed"))
        }
        StepLine::ConsumerAdd(spec) => {
            if consumer_id(sandbox, &spec.name).is_ok() {
                return Err(format!("a consumer named {} already exists", spec.name));
            }
            let c = consumer(spec)?;
            sandbox.add_consumer(c);
            Ok(format!("consumer {} reads {}", spec.name, spec.stream))
        }
        StepLine::ConsumerStopWorker { consumer, worker } => {
            kcl_group(sandbox, consumer)?.kill_worker(worker).map_err(|e| e.to_string())?;
            Ok(format!("{consumer}: {worker} stopped"))
        }
        StepLine::ConsumerStartWorker { consumer, worker } => {
            kcl_group(sandbox, consumer)?.restart_worker(worker).map_err(|e| e.to_string())?;
            Ok(format!("{consumer}: {worker} started"))
        }
        StepLine::ConsumerRemove(name) => {
            let id = consumer_id(sandbox, name)?;
            sandbox.remove_consumer(id).map_err(|e| e.to_string())?;
            Ok(format!("consumer {name} removed"))
        }
        StepLine::Answer { question, value } => {
            run.answers.insert(question.clone(), value.clone());
            Ok(format!("answer to {question}: {value}"))
        }
    }
}

/// Parses and runs one line, numbering it as the run's next step.
pub fn run_line(sandbox: &mut Sandbox, run: &mut LabRun, line: &str) -> Result<String, StepError> {
    run.steps_run += 1;
    let line_number = run.steps_run as usize;
    let fail = |reason: String| StepError { line_number, line: line.to_string(), reason };
    let step = parse_line(line).map_err(fail)?;
    execute(sandbox, run, &step).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_unit() {
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("70s"), Ok(70_000));
        assert_eq!(parse_duration("5m"), Ok(300_000));
        assert_eq!(parse_duration("2h"), Ok(7_200_000));
        assert_eq!(parse_duration("7d"), Ok(604_800_000));
        assert!(parse_duration("7").is_err());
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("1w").is_err());
        assert!(parse_duration("367d").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
    }

    #[test]
    fn producer_line_maps_every_option() {
        let StepLine::ProducerAdd(p) = parse_line(
            "producer add name=p stream=s rate=2.5 bytes=100 keys=hot:10:80 batching=put-record aggregation=kpl retry=off ttl=5s",
        )
        .unwrap() else {
            panic!("not a producer line")
        };
        let c = producer_config(&p);
        assert_eq!(c.rate_records_per_sec, 2.5);
        assert_eq!(c.template.len(), 100);
        assert_eq!(c.keys, KeyStrategy::HotKey { keys: 10, hot_percent: 80 });
        assert_eq!(c.batching, Batching::PutRecord);
        assert_eq!(c.aggregation, Aggregation::Kpl { max_bytes: KPL_AGGREGATION_MAX_BYTES_DEFAULT });
        assert!(!c.retry_throttled);
        assert_eq!(c.record_ttl_ms, 5_000);
        assert!(c.validate().is_ok());
    }

    #[test]
    fn bad_lines_say_why() {
        for (line, reason) in [
            ("wait", "write `wait <duration>`"),
            ("producer add name=p stream=s", "option `rate=` is required"),
            ("producer add name=p stream=s rate=1 colour=red", "unknown option `colour`"),
            ("producer add name=p name=q stream=s rate=1", "option `name` is given twice"),
            ("consumer add kind=polling name=c stream=s workers=2", "option `workers=` is for kind=kcl"),
            ("aws s3 ls", "write `aws kinesis …` or `aws firehose …`"),
            ("jump 5s", "unknown step `jump`"),
            ("answer q", "write `answer <question-id> <value>`"),
        ] {
            let e = parse_line(line).unwrap_err();
            assert!(e.contains(reason), "{line}: {e}");
        }
    }

    #[test]
    fn expect_error_keeps_the_command() {
        assert_eq!(
            parse_line("expect-error ResourceInUseException aws kinesis create-stream --stream-name a"),
            Ok(StepLine::Aws {
                command: "aws kinesis create-stream --stream-name a".into(),
                expect_error: Some("ResourceInUseException".into())
            })
        );
        assert_eq!(
            parse_line("aws kinesis create-stream --stream-name orders --shard-count 1").unwrap().created_stream(),
            Some("orders".into())
        );
    }

    #[test]
    fn answer_keeps_option_text() {
        assert_eq!(
            parse_line("answer why One key maps to one shard").unwrap(),
            StepLine::Answer { question: "why".into(), value: "One key maps to one shard".into() }
        );
    }
}

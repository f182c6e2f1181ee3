//! The native endpoint: the same engine and API layer as the web app, served over HTTP on 127.0.0.1
//! so real clients (boto3, the AWS CLI) can be pointed at it. The wall clock drives the engine here;
//! nothing else differs from the browser. The same port answers Kinesis Data Streams
//! (`X-Amz-Target: Kinesis_20131202.*`) and Amazon Data Firehose (`Firehose_20150804.*`), each with its
//! own service over the same account and region.
//!
//! With `--s3-port PORT`, a second port serves the simulated S3 buckets Firehose delivers into,
//! read-only over the S3 REST API (path-style: `GET /bucket/key`; `api::s3rest`), so boto3's `s3`
//! client, `aws s3` / `aws s3api` and pyarrow can read what Firehose wrote. Without it nothing listens
//! for S3.
//!
//! Firehose delivery streams with a Kinesis data stream as source read it (a background pump, as the
//! browser sandbox's readers do).
//!
//! `cargo run --release --features endpoint --bin kinesis-endpoint -- --port 4567
//!  [--s3-port 4568] [--shard-limit N] [--transition-ms N] [--no-limits] [--account-id ID] [--region REGION]`

use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kinesis_lab::api::firehose::{self, FirehoseService};
use kinesis_lab::api::kinesis::{ApiReply, KinesisService, TARGET_PREFIX};
use kinesis_lab::api::eventstream;
use kinesis_lab::api::s3rest::{self, S3Context, S3Request};
use kinesis_lab::engine::streams::types::SubscribeToShardEvent;
use kinesis_lab::engine::firehose::{DirectPutQuota, FirehoseConfig};
use kinesis_lab::engine::streams::EngineConfig;
use kinesis_lab::engine::firehose::types::DeliveryStreamType;
use kinesis_lab::sim::firehose_source;
use tiny_http::{Header, Request, Response, Server, StatusCode};

/// Requests larger than this are refused with 413 (a 10 MiB PutRecords is ~13.4 MiB in base64).
const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;
/// How often a subscription checks for new records (EFO pushes within ~70 ms; FACTS §1).
const SUBSCRIPTION_POLL: Duration = Duration::from_millis(50);

struct Options {
    port: u16,
    /// The S3 REST port, if any.
    s3_port: Option<u16>,
    config: EngineConfig,
    /// Glue tables for Firehose format conversion: (database, table, [(column, type)]).
    glue_tables: Vec<GlueTable>,
}

/// `--glue-table db.table=col:type,col:type` (the simulated Glue Data Catalog has no API of its own).
type GlueTable = (String, String, Vec<(String, String)>);

fn parse_glue_table(text: &str) -> Result<GlueTable, String> {
    let bad = || format!("--glue-table {text:?}: expected DATABASE.TABLE=COLUMN:TYPE,COLUMN:TYPE...");
    let (name, columns) = text.split_once('=').ok_or_else(bad)?;
    let (database, table) = name.split_once('.').ok_or_else(bad)?;
    // Types may hold commas inside angle brackets or parentheses (struct<a:int,b:string>, decimal(10,2)).
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in columns.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&columns[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&columns[start..]);
    let columns = parts
        .into_iter()
        .map(|p| p.split_once(':').map(|(n, t)| (n.trim().to_string(), t.trim().to_string())).ok_or_else(bad))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((database.to_string(), table.to_string(), columns))
}

const USAGE: &str = "usage: kinesis-endpoint --port PORT [--s3-port PORT] [--shard-limit N] [--transition-ms N] \
                     [--no-limits] [--account-id ID] [--region REGION] [--glue-table DB.TABLE=COL:TYPE,...]";

fn parse_options() -> Result<Options, String> {
    let mut port = None;
    let mut s3_port = None;
    let mut glue_tables = Vec::new();
    let mut config = EngineConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--port" => port = Some(value("--port")?.parse::<u16>().map_err(|e| format!("--port: {e}"))?),
            "--s3-port" => {
                s3_port = Some(value("--s3-port")?.parse::<u16>().map_err(|e| format!("--s3-port: {e}"))?)
            }
            "--shard-limit" => config.shard_limit = value("--shard-limit")?.parse().map_err(|e| format!("--shard-limit: {e}"))?,
            "--transition-ms" => {
                config.transition_ms = value("--transition-ms")?.parse().map_err(|e| format!("--transition-ms: {e}"))?
            }
            "--no-limits" => config.enforce_limits = false,
            "--account-id" => config.account_id = value("--account-id")?,
            "--region" => config.region = value("--region")?,
            "--glue-table" => glue_tables.push(parse_glue_table(&value("--glue-table")?)?),
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    let port = port.ok_or_else(|| format!("--port is required\n{USAGE}"))?;
    Ok(Options { port, s3_port, config, glue_tables })
}

fn wall_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

type Shared = Arc<Mutex<KinesisService>>;
type SharedFirehose = Arc<Mutex<FirehoseService>>;

/// Firehose over the same account, region, transition time and limit switch as Kinesis.
fn firehose_config(streams: &EngineConfig) -> FirehoseConfig {
    FirehoseConfig {
        account_id: streams.account_id.clone(),
        region: streams.region.clone(),
        transition_ms: streams.transition_ms,
        enforce_limits: streams.enforce_limits,
        direct_put_quota: DirectPutQuota::for_region(&streams.region),
        ..FirehoseConfig::default()
    }
}

fn main() {
    let options = match parse_options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    let address = format!("127.0.0.1:{}", options.port);
    let server = match Server::http(&address) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot listen on {address}: {e}");
            std::process::exit(1);
        }
    };
    let service: Shared = Arc::new(Mutex::new(KinesisService::new(options.config.clone(), wall_ms())));
    let mut firehose_service = FirehoseService::new(firehose_config(&options.config), wall_ms());
    for (database, table, columns) in &options.glue_tables {
        let columns: Vec<(&str, &str)> = columns.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        if let Err(e) = firehose_service.engine.put_glue_table(database, table, &columns) {
            eprintln!("--glue-table {database}.{table}: {}", e.message);
            std::process::exit(2);
        }
    }
    let firehose: SharedFirehose = Arc::new(Mutex::new(firehose_service));
    eprintln!(
        "kinesis-endpoint listening on http://{address} (account {}, region {}, shard limit {}, transitions {} ms, limits {})",
        options.config.account_id,
        options.config.region,
        options.config.shard_limit,
        options.config.transition_ms,
        if options.config.enforce_limits { "on" } else { "off" }
    );
    if let Some(s3_port) = options.s3_port {
        let s3_address = format!("127.0.0.1:{s3_port}");
        let s3_server = match Server::http(&s3_address) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("cannot listen on {s3_address}: {e}");
                std::process::exit(1);
            }
        };
        eprintln!("kinesis-endpoint serving the simulated S3 buckets (read-only) on http://{s3_address}");
        let firehose = firehose.clone();
        std::thread::spawn(move || serve_s3(s3_server, firehose));
    }
    {
        let (service, firehose) = (service.clone(), firehose.clone());
        std::thread::spawn(move || pump_kinesis_sources(service, firehose));
    }
    for request in server.incoming_requests() {
        let service = service.clone();
        let firehose = firehose.clone();
        std::thread::spawn(move || handle(service, firehose, request));
    }
}

/// How often Firehose's readers of Kinesis-source delivery streams run (each reads a shard about once a
/// second; this only bounds how late a read may be).
const SOURCE_PUMP: Duration = Duration::from_millis(100);

/// Firehose delivery streams whose source is a Kinesis data stream read it, as in the browser sandbox
/// (`sim::firehose_source`): GetRecords through the same Kinesis API, then into Firehose. Only this
/// thread holds both services at once (request handlers lock one at a time), so it cannot deadlock.
fn pump_kinesis_sources(service: Shared, firehose: SharedFirehose) {
    let mut readers = Vec::new();
    loop {
        std::thread::sleep(SOURCE_PUMP);
        let Ok(mut hose) = firehose.lock() else { return };
        let reads = hose.engine.delivery_streams().any(|s| s.stream_type == DeliveryStreamType::KinesisStreamAsSource);
        if !reads && readers.is_empty() {
            continue;
        }
        let Ok(mut kinesis) = service.lock() else { return };
        let now = wall_ms();
        kinesis.engine.advance_to(now);
        hose.engine.advance_to(now);
        firehose_source::sync_readers(&mut readers, &hose);
        firehose_source::step_readers(&mut readers, &mut kinesis, &mut hose, now, SOURCE_PUMP.as_millis() as u64);
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn request_header<'a>(request: &'a Request, name: &'static str) -> Option<&'a str> {
    request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
}

fn json_response(status: u16, body: &serde_json::Value) -> Response<std::io::Cursor<Vec<u8>>> {
    // `null` is an operation without output: AWS sends an empty body.
    let bytes = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
    let mut response = Response::from_data(bytes).with_status_code(StatusCode(status));
    if let Some(h) = header("Content-Type", "application/x-amz-json-1.1") {
        response.add_header(h);
    }
    if let Some(h) = body.get("__type").and_then(|t| t.as_str()).and_then(|t| header("x-amzn-ErrorType", t)) {
        response.add_header(h);
    }
    response
}

fn handle(service: Shared, firehose: SharedFirehose, mut request: Request) {
    if request.method() != &tiny_http::Method::Post {
        let xml = "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n";
        let _ = request.respond(Response::from_string(xml).with_status_code(StatusCode(403)));
        return;
    }
    let mut body = Vec::new();
    let read = request.as_reader().take(MAX_REQUEST_BYTES as u64 + 1).read_to_end(&mut body);
    if read.is_err() || body.len() > MAX_REQUEST_BYTES {
        let _ = request.respond(Response::empty(StatusCode(413)));
        return;
    }
    let target = request_header(&request, "X-Amz-Target").unwrap_or("").to_string();
    if request_header(&request, "Authorization").is_none() {
        let body = serde_json::json!({"__type": "MissingAuthenticationTokenException", "message": "Missing Authentication Token"});
        let _ = request.respond(json_response(400, &body));
        return;
    }
    let is_firehose = target.split_once('.').is_some_and(|(prefix, _)| prefix == firehose::TARGET_PREFIX);
    let reply = if is_firehose {
        let Ok(mut svc) = firehose.lock() else { return };
        svc.engine.advance_to(wall_ms());
        svc.call_target(&target, &body)
    } else {
        let Ok(mut svc) = service.lock() else { return };
        svc.engine.advance_to(wall_ms());
        if target.starts_with(TARGET_PREFIX) {
            svc.call_target(&target, &body)
        } else {
            svc.call_target("", &body)
        }
    };
    match reply {
        ApiReply::Json { status, body } => {
            let _ = request.respond(json_response(status, &body));
        }
        ApiReply::Subscribed { subscription_id } => stream_subscription(service, request, subscription_id),
    }
}

/// The S3 REST port: each request on its own thread, against the Firehose engine's S3 store, after
/// moving the engine to the wall clock (so interval flushes that fell due are in the buckets).
fn serve_s3(server: Server, firehose: SharedFirehose) {
    let counter = Arc::new(AtomicU64::new(wall_ms()));
    for request in server.incoming_requests() {
        let firehose = firehose.clone();
        let request_number = counter.fetch_add(1, Ordering::Relaxed);
        std::thread::spawn(move || handle_s3(firehose, request, request_number));
    }
}

fn handle_s3(firehose: SharedFirehose, mut request: Request, request_number: u64) {
    // Every request with a body is refused, but the body is read first: left unread on a kept-alive
    // connection, it would be taken for the start of the next request.
    let _ = std::io::copy(request.as_reader(), &mut std::io::sink());
    let method = request.method().as_str().to_string();
    let (path, query) = match request.url().split_once('?') {
        Some((path, query)) => (path.to_string(), query.to_string()),
        None => (request.url().to_string(), String::new()),
    };
    let headers: Vec<(String, String)> =
        request.headers().iter().map(|h| (h.field.as_str().to_string(), h.value.as_str().to_string())).collect();
    // S3 request ids are 16 upper-case hex-like characters; any unique value will do.
    let request_id = format!("{:016X}", request_number.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let reply = {
        let Ok(mut svc) = firehose.lock() else { return };
        svc.engine.advance_to(wall_ms());
        let engine = &svc.engine;
        let config = &engine.config;
        let ctx = S3Context { region: &config.region, account_id: &config.account_id, request_id: &request_id };
        let s3_request = S3Request { method: &method, path: &path, query: &query, headers: &headers };
        s3rest::handle(&s3_request, &engine.s3, &ctx)
    };
    let length = reply.body.len();
    let body = std::io::Cursor::new(reply.body);
    let mut response = Response::new(StatusCode(reply.status), Vec::new(), body, Some(length), None)
        // Always a Content-Length (HEAD's is the object's size), never chunked: clients size downloads by it.
        .with_chunked_threshold(usize::MAX);
    for (name, value) in &reply.headers {
        if let Some(h) = header(name, value) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

/// Serve a SubscribeToShard response: `initial-response`, then SubscribeToShardEvent messages as the
/// engine produces them, until the subscription ends (5 minutes, shard end, or the consumer goes).
/// Written by hand as HTTP/1.1 chunked encoding, flushing each message at once, because clients act on
/// events as they arrive.
fn stream_subscription(service: Shared, request: Request, subscription_id: u64) {
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.amazon.eventstream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    if writer.write_all(head.as_bytes()).is_err() || write_chunk(&mut writer, &eventstream::initial_response()).is_err() {
        return;
    }
    loop {
        std::thread::sleep(SUBSCRIPTION_POLL);
        let poll = {
            let Ok(mut svc) = service.lock() else { break };
            svc.engine.advance_to(wall_ms());
            svc.poll_subscription(subscription_id)
        };
        let mut bytes = Vec::new();
        for event in &poll.events {
            bytes.extend(encode_event(event));
        }
        if let Some(error) = &poll.error {
            let api: kinesis_lab::api::ApiError = error.clone().into();
            bytes.extend(eventstream::exception(api.error_type.wire_name(), &api.message));
        }
        if !bytes.is_empty() && write_chunk(&mut writer, &bytes).is_err() {
            // The client went away: end the subscription so its slot is free.
            return;
        }
        if poll.ended {
            break;
        }
    }
    let _ = writer.write_all(b"0\r\n\r\n");
    let _ = writer.flush();
}

fn write_chunk(writer: &mut Box<dyn Write + Send>, bytes: &[u8]) -> std::io::Result<()> {
    writer.write_all(format!("{:x}\r\n", bytes.len()).as_bytes())?;
    writer.write_all(bytes)?;
    writer.write_all(b"\r\n")?;
    writer.flush()
}

fn encode_event(event: &SubscribeToShardEvent) -> Vec<u8> {
    let payload = serde_json::to_value(event).unwrap_or_default();
    eventstream::event("SubscribeToShardEvent", &payload)
}

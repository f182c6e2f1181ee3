//! The pure half of the Firehose page: the live object-key preview of a prefix (by the engine's own
//! `prefix` rules), the buffer gauges and which trigger comes first, the S3 browser's folder listing,
//! object previews (decompressed when Firehose compressed them) and the generated sample records. No
//! browser types, so all of it is tested natively.

use std::io::Read;

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use crate::engine::firehose::compress::CompressionFormat;
use crate::engine::firehose::error::FirehoseError;
use crate::engine::firehose::limits::MIB;
use crate::engine::firehose::prefix::{self, ERROR_OUTPUT_TYPES};
use crate::engine::time::{EpochMillis, MILLIS_PER_SECOND};

/// Seeds the random parts of a preview (`!{firehose:random-string}`, the object's UUID). The real object
/// gets its own; the preview says so.
const PREVIEW_SEED: u64 = 0x5eed_0f0b_1ec7;
/// The error-output type a preview of the error prefix shows (the one every transform failure uses).
pub const PREVIEW_ERROR_TYPE: &str = "processing-failed";

/// What a prefix pair would produce for a buffer whose oldest record arrived at `at_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPreview {
    /// The full object key: evaluated prefix, then `<stream>-<version>-<date-time>-<uuid><ext>`.
    pub object_key: String,
    /// The evaluated error-output prefix (for `processing-failed`), when one is set.
    pub error_prefix: Option<String>,
}

/// Evaluates `prefix` and `error_output_prefix` as the engine would when it delivers, or returns the
/// error CreateDeliveryStream would answer (`InvalidArgumentException` and its message).
pub fn preview_keys(
    prefix_text: &str,
    error_output_prefix: &str,
    stream: &str,
    version: u64,
    at_ms: EpochMillis,
    compression: CompressionFormat,
) -> Result<KeyPreview, FirehoseError> {
    let given = |t: &str| (!t.is_empty()).then(|| t.to_string());
    let p = prefix::validate(given(prefix_text).as_deref(), given(error_output_prefix).as_deref())?;
    let mut rng = Pcg64Mcg::seed_from_u64(PREVIEW_SEED);
    let evaluated = prefix::evaluate(&p.prefix, at_ms, &mut rng, None);
    let uuid = prefix::uuid(&mut rng);
    let object_key = prefix::object_key(&evaluated, stream, version, at_ms, &uuid, compression.extension());
    let error_prefix = p.error_output_prefix.map(|e| prefix::evaluate(&e, at_ms, &mut rng, Some(PREVIEW_ERROR_TYPE)));
    Ok(KeyPreview { object_key, error_prefix })
}

// ---- buffer gauges ----

/// Which buffering hint flushes the buffer first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Nothing buffered: no flush is pending.
    Empty,
    /// The size hint fills before the interval ends (at the recent incoming rate).
    Size,
    /// The interval ends first.
    Interval,
}

/// A buffer against its two hints, in numbers the gauges print.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaugeReading {
    pub bytes: u64,
    pub size_limit_bytes: u64,
    /// bytes / size limit, 0–1.
    pub size_fraction: f64,
    /// Age of the oldest buffered record.
    pub age_ms: EpochMillis,
    pub interval_ms: EpochMillis,
    /// age / interval, 0–1 (1 when the interval is 0: zero buffering flushes at once).
    pub age_fraction: f64,
    pub first: Trigger,
    /// Time left until the interval flush.
    pub interval_left_ms: EpochMillis,
    /// Time until the size hint fills at the recent rate, when data is arriving.
    pub size_left_ms: Option<EpochMillis>,
}

/// Reads a buffer against its hints. `incoming_bytes_per_sec` is the recent arrival rate (bytes as the
/// buffer stores them); with no arrivals only the interval can flush it.
pub fn gauge(
    bytes: u64,
    oldest_arrival_ms: Option<EpochMillis>,
    now_ms: EpochMillis,
    size_mib: u32,
    interval_s: u32,
    incoming_bytes_per_sec: f64,
) -> GaugeReading {
    let size_limit_bytes = size_mib as u64 * MIB;
    let interval_ms = interval_s as u64 * MILLIS_PER_SECOND;
    let age_ms = oldest_arrival_ms.map_or(0, |t| now_ms.saturating_sub(t));
    let fraction = |part: u64, whole: u64| if whole == 0 { 1.0 } else { (part as f64 / whole as f64).min(1.0) };
    let size_fraction = fraction(bytes, size_limit_bytes);
    let age_fraction = if oldest_arrival_ms.is_none() { 0.0 } else { fraction(age_ms, interval_ms) };
    let interval_left_ms = interval_ms.saturating_sub(age_ms);
    let remaining = size_limit_bytes.saturating_sub(bytes);
    let size_left_ms = (incoming_bytes_per_sec.is_finite() && incoming_bytes_per_sec > 0.0)
        .then(|| (remaining as f64 / incoming_bytes_per_sec * 1_000.0).ceil() as EpochMillis);
    let first = if oldest_arrival_ms.is_none() {
        Trigger::Empty
    } else if size_left_ms.is_some_and(|s| s < interval_left_ms) {
        Trigger::Size
    } else {
        Trigger::Interval
    };
    GaugeReading { bytes, size_limit_bytes, size_fraction, age_ms, interval_ms, age_fraction, first, interval_left_ms, size_left_ms }
}

/// `0 B`, `512 B`, `1.5 KiB`, `5.0 MiB`: binary units, as Firehose's hints are in MiB.
pub fn bytes_text(n: u64) -> String {
    const KIB: f64 = 1024.0;
    let v = n as f64;
    if n < 1024 {
        format!("{n} B")
    } else if v < KIB * KIB {
        format!("{:.1} KiB", v / KIB)
    } else if v < KIB * KIB * KIB {
        format!("{:.2} MiB", v / (KIB * KIB))
    } else {
        format!("{:.2} GiB", v / (KIB * KIB * KIB))
    }
}

/// `0.0 s`, `12.3 s`, `4 min 05 s`.
pub fn seconds_text(ms: EpochMillis) -> String {
    if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1_000.0)
    } else {
        format!("{} min {:02} s", ms / 60_000, ms % 60_000 / 1_000)
    }
}

// ---- S3 browser ----

/// One level of a bucket listed with delimiter `/` (as the S3 console shows it): the "folders"
/// (common prefixes, with how many objects each holds) and the objects directly at this level.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Level {
    pub folders: Vec<(String, usize)>,
    /// Indexes into the keys given, in their order.
    pub objects: Vec<usize>,
}

/// Lists `keys` (in S3 order) at `prefix` with delimiter `/`.
pub fn list_level(keys: &[&str], prefix: &str) -> Level {
    let mut level = Level::default();
    for (i, key) in keys.iter().enumerate() {
        let Some(rest) = key.strip_prefix(prefix) else { continue };
        match rest.find('/') {
            Some(slash) => {
                let folder = &key[..prefix.len() + slash + 1];
                match level.folders.last_mut() {
                    Some((last, n)) if last == folder => *n += 1,
                    _ => level.folders.push((folder.to_string(), 1)),
                }
            }
            None => level.objects.push(i),
        }
    }
    level
}

/// The folders of a prefix from the bucket root: `a/b/` → [("a/", "a/"), ("b/", "a/b/")].
pub fn breadcrumbs(prefix: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut end = 0;
    for part in prefix.split_inclusive('/') {
        end += part.len();
        if part.ends_with('/') {
            out.push((part.to_string(), prefix[..end].to_string()));
        }
    }
    out
}

/// Whether a key lies under one of Firehose's error-output types (`processing-failed/`,
/// `format-conversion-failed/` …) — the error-output browser's filter.
pub fn is_error_output(key: &str) -> bool {
    key.split('/').any(|part| ERROR_OUTPUT_TYPES.contains(&part))
}

/// The part of a key after its last `/`.
pub fn file_name(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

// ---- object previews ----

/// How an object's bytes are encoded, from its leading bytes (and `.snappy` for Hadoop-Snappy, which
/// has no signature).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Plain,
    Gzip,
    Zip,
    SnappyFramed,
    HadoopSnappy,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Plain => "not compressed",
            Encoding::Gzip => "GZIP",
            Encoding::Zip => "ZIP",
            Encoding::SnappyFramed => "Snappy (framed)",
            Encoding::HadoopSnappy => "Hadoop-Snappy",
        }
    }
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The stream identifier chunk every Snappy framing-format stream starts with.
const SNAPPY_FRAMED_MAGIC: &[u8] = b"\xff\x06\x00\x00sNaPpY";
/// ZIP local file header: fixed part before the name.
const ZIP_LOCAL_HEADER_BYTES: usize = 30;

pub fn detect(key: &str, bytes: &[u8]) -> Encoding {
    if bytes.starts_with(GZIP_MAGIC) {
        Encoding::Gzip
    } else if bytes.starts_with(ZIP_MAGIC) {
        Encoding::Zip
    } else if bytes.starts_with(SNAPPY_FRAMED_MAGIC) {
        Encoding::SnappyFramed
    } else if key.ends_with(".snappy") {
        Encoding::HadoopSnappy
    } else {
        Encoding::Plain
    }
}

/// Reads at most `limit` bytes; says whether there was more.
fn read_limited(reader: impl Read, limit: usize) -> Result<(Vec<u8>, bool), String> {
    let mut out = Vec::new();
    reader.take(limit as u64 + 1).read_to_end(&mut out).map_err(|e| e.to_string())?;
    let more = out.len() > limit;
    out.truncate(limit);
    Ok((out, more))
}

fn u16_le(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes([*b.get(at)?, *b.get(at + 1)?]) as usize)
}

fn u32_be(b: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
}

/// The first `limit` bytes of an object's content, decompressed; and whether there was more.
pub fn decompress(encoding: Encoding, bytes: &[u8], limit: usize) -> Result<(Vec<u8>, bool), String> {
    match encoding {
        Encoding::Plain => Ok((bytes[..bytes.len().min(limit)].to_vec(), bytes.len() > limit)),
        Encoding::Gzip => read_limited(flate2::read::GzDecoder::new(bytes), limit),
        Encoding::Zip => {
            // The first entry: method at 8, name length at 26, extra length at 28 (APPNOTE 4.3.7).
            let method = u16_le(bytes, 8).ok_or("the ZIP header is cut short")?;
            let name_len = u16_le(bytes, 26).ok_or("the ZIP header is cut short")?;
            let extra_len = u16_le(bytes, 28).ok_or("the ZIP header is cut short")?;
            let data = bytes.get(ZIP_LOCAL_HEADER_BYTES + name_len + extra_len..).ok_or("the ZIP entry is cut short")?;
            match method {
                0 => Ok((data[..data.len().min(limit)].to_vec(), data.len() > limit)),
                8 => read_limited(flate2::read::DeflateDecoder::new(data), limit),
                m => Err(format!("ZIP compression method {m} is not one this preview reads")),
            }
        }
        Encoding::SnappyFramed => read_limited(snap::read::FrameDecoder::new(bytes), limit),
        Encoding::HadoopSnappy => {
            // Blocks of: uncompressed length, compressed length (both 4 bytes, big-endian), raw Snappy.
            let mut out = Vec::new();
            let mut at = 0;
            let mut decoder = snap::raw::Decoder::new();
            while at < bytes.len() && out.len() <= limit {
                let len = u32_be(bytes, at + 4).ok_or("a Hadoop-Snappy block header is cut short")?;
                let block = bytes.get(at + 8..at + 8 + len).ok_or("a Hadoop-Snappy block is cut short")?;
                out.extend(decoder.decompress_vec(block).map_err(|e| e.to_string())?);
                at += 8 + len;
            }
            let more = out.len() > limit || at < bytes.len();
            out.truncate(limit);
            Ok((out, more))
        }
    }
}

/// What the preview pane shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preview {
    /// UTF-8 text (decompressed when it was compressed); `truncated` when only the start is shown.
    Text { text: String, truncated: bool },
    /// Not text: a hex dump of the first bytes.
    Binary { hex: String, truncated: bool },
}

/// Bytes of content a preview shows at most.
pub const PREVIEW_LIMIT_BYTES: usize = 64 * 1024;
/// Bytes a binary preview dumps as hex.
const HEX_DUMP_BYTES: usize = 256;

/// The preview of an object: its encoding, and its decompressed content as text or hex.
pub fn preview(key: &str, bytes: &[u8], limit: usize) -> (Encoding, Result<Preview, String>) {
    let encoding = detect(key, bytes);
    let result = decompress(encoding, bytes, limit).map(|(content, more)| {
        // A cut may fall inside a multi-byte character: accept a valid prefix when more follows.
        let text = match std::str::from_utf8(&content) {
            Ok(t) => Some(t.to_string()),
            Err(e) if more && e.error_len().is_none() => Some(String::from_utf8_lossy(&content[..e.valid_up_to()]).into_owned()),
            Err(_) => None,
        };
        match text.filter(|t| !t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))) {
            Some(text) => Preview::Text { text, truncated: more },
            None => Preview::Binary { hex: hex_dump(&content[..content.len().min(HEX_DUMP_BYTES)]), truncated: more || content.len() > HEX_DUMP_BYTES },
        }
    });
    (encoding, result)
}

/// `00000000  1f 8b 08 00 …` lines of 16 bytes.
pub fn hex_dump(bytes: &[u8]) -> String {
    bytes
        .chunks(16)
        .enumerate()
        .map(|(i, row)| {
            let hex: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
            format!("{:08x}  {}", i * 16, hex.join(" "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ---- sample records ----

const TICKERS: [&str; 6] = ["AMZN", "AAPL", "MSFT", "NVDA", "INTC", "TSLA"];

/// `count` small JSON records numbered from `first_seq`, the same every time (a stock-ticker shape, as
/// in AWS's own Firehose demo data).
pub fn sample_records(first_seq: u64, count: usize) -> Vec<String> {
    (first_seq..first_seq + count as u64)
        .map(|n| {
            let ticker = TICKERS[(n % TICKERS.len() as u64) as usize];
            let cents = 10_000 + (n * 7_919) % 90_000;
            format!(r#"{{"seq":{n},"ticker":"{ticker}","price":{}.{:02}}}"#, cents / 100, cents % 100)
        })
        .collect()
}


// ---- error output records ----

/// One line of an error-output object, as the error browser shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorLine {
    /// `errorCode` and `errorMessage` of the line (empty when absent).
    pub code: String,
    pub message: String,
    /// `rawData` decoded from base64 (lossy UTF-8), or the line itself when it has no rawData.
    pub raw: String,
    /// The line as written, for learners who want the exact JSON.
    pub line: String,
}

/// Reads the JSON lines of an error-output object (processing-failed, format-conversion-failed,
/// a destination's failed records …): each line's error code and message, and its rawData decoded.
pub fn error_lines(text: &str) -> Vec<ErrorLine> {
    use base64::Engine as _;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: Option<serde_json::Value> = serde_json::from_str(line).ok();
            let field = |name: &str| v.as_ref().and_then(|v| v.get(name)).and_then(|x| x.as_str()).unwrap_or_default().to_string();
            let raw = v
                .as_ref()
                .and_then(|v| v.get("rawData"))
                .and_then(|x| x.as_str())
                .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_else(|| line.to_string());
            ErrorLine { code: field("errorCode"), message: field("errorMessage"), raw, line: line.to_string() }
        })
        .collect()
}

/// The error-output type a key lies under (`processing-failed` …), if any.
pub fn error_output_type(key: &str) -> Option<&'static str> {
    key.split('/').find_map(|part| ERROR_OUTPUT_TYPES.iter().find(|t| **t == part).copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::firehose::compress;

    const T: EpochMillis = 1_772_600_767_000; // 2026-03-04T05:06:07Z

    // FACTS.md §2: no prefix gives YYYY/MM/dd/HH/ (UTC), and the name is
    // <stream>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid><ext>.
    #[test]
    fn default_prefix_preview() {
        let p = preview_keys("", "", "hose", 1, T, CompressionFormat::Gzip).unwrap();
        assert!(p.object_key.starts_with("2026/03/04/05/hose-1-2026-03-04-05-06-07-"), "{}", p.object_key);
        assert!(p.object_key.ends_with(".gz"));
        assert_eq!(p.object_key.len(), "2026/03/04/05/hose-1-2026-03-04-05-06-07-".len() + 36 + 3);
        assert_eq!(p.error_prefix, None);
    }

    // AWS custom-prefix page: expressions evaluate; an ErrorOutputPrefix with expressions needs
    // !{firehose:error-output-type}; a Prefix with expressions needs an ErrorOutputPrefix.
    #[test]
    fn custom_prefixes_and_their_errors() {
        let p = preview_keys("logs/!{timestamp:yyyy-MM-dd}/", "err/!{firehose:error-output-type}/", "h", 3, T, CompressionFormat::Uncompressed)
            .unwrap();
        assert!(p.object_key.starts_with("logs/2026-03-04/h-3-2026-03-04-05-06-07-"), "{}", p.object_key);
        assert_eq!(p.error_prefix.as_deref(), Some("err/processing-failed/"));
        let e = preview_keys("logs/!{timestamp:yyyy}/", "", "h", 1, T, CompressionFormat::Uncompressed).unwrap_err();
        assert_eq!(e.kind.wire_name(), "InvalidArgumentException");
        assert!(e.message.contains("ErrorOutputPrefix"), "{}", e.message);
        let e = preview_keys("a/", "err/!{timestamp:yyyy}/", "h", 1, T, CompressionFormat::Uncompressed).unwrap_err();
        assert!(e.message.contains("error-output-type"), "{}", e.message);
    }

    #[test]
    fn gauge_says_which_hint_comes_first() {
        // 1 MiB / 60 s, half a MiB buffered, oldest 10 s old.
        let g = gauge(MIB / 2, Some(T - 10_000), T, 1, 60, 0.0);
        assert_eq!((g.first, g.interval_left_ms, g.size_left_ms), (Trigger::Interval, 50_000, None));
        assert!((g.size_fraction - 0.5).abs() < 1e-9 && (g.age_fraction - 10.0 / 60.0).abs() < 1e-9);
        // At 100 KiB/s the other half fills in ~5.1 s, before the 50 s left.
        let g = gauge(MIB / 2, Some(T - 10_000), T, 1, 60, 100.0 * 1024.0);
        assert_eq!(g.first, Trigger::Size);
        assert_eq!(g.size_left_ms, Some(5_120));
        // Empty buffer: nothing pending; zero buffering reads as full age.
        assert_eq!(gauge(0, None, T, 5, 300, 0.0).first, Trigger::Empty);
        assert_eq!(gauge(10, Some(T), T, 5, 0, 0.0).age_fraction, 1.0);
    }

    #[test]
    fn listing_by_delimiter() {
        let keys = ["2026/01/01/00/a", "2026/01/01/00/b", "2026/01/01/01/c", "errors/x", "top"];
        let root = list_level(&keys, "");
        assert_eq!(root.folders, vec![("2026/".to_string(), 3), ("errors/".to_string(), 1)]);
        assert_eq!(root.objects, vec![4]);
        let hour = list_level(&keys, "2026/01/01/");
        assert_eq!(hour.folders, vec![("2026/01/01/00/".to_string(), 2), ("2026/01/01/01/".to_string(), 1)]);
        assert_eq!(list_level(&keys, "2026/01/01/00/").objects, vec![0, 1]);
        assert_eq!(breadcrumbs("a/b/"), vec![("a/".into(), "a/".into()), ("b/".into(), "a/b/".into())]);
        assert!(breadcrumbs("").is_empty());
        assert!(is_error_output("err/processing-failed/2026/x") && !is_error_output("processing-failed-not/x"));
        assert_eq!(file_name("a/b/c.gz"), "c.gz");
    }

    // Every compression the engine writes (FACTS.md §2 "Compression") previews as the original text.
    #[test]
    fn previews_decompress_every_format() {
        let text = sample_records(1, 50).join("\n");
        for format in CompressionFormat::ALL {
            let key = format!("k{}", format.extension());
            let stored = compress::compress(format, text.as_bytes(), "k", T);
            let (_, shown) = preview(&key, &stored, PREVIEW_LIMIT_BYTES);
            assert_eq!(shown, Ok(Preview::Text { text: text.clone(), truncated: false }), "{format:?}");
            let (_, cut) = preview(&key, &stored, 10);
            assert_eq!(cut, Ok(Preview::Text { text: text[..10].to_string(), truncated: true }), "{format:?}");
        }
        let (enc, binary) = preview("b", &[0u8, 1, 2, 255], PREVIEW_LIMIT_BYTES);
        assert_eq!(enc, Encoding::Plain);
        assert_eq!(binary, Ok(Preview::Binary { hex: "00000000  00 01 02 ff".into(), truncated: false }));
        // Corrupt data is an error, not a panic.
        assert!(preview("x.gz", &[0x1f, 0x8b, 0, 0], 100).1.is_err());
        assert!(preview("x.snappy", &[0, 0, 0, 9, 0, 0, 0, 99, 1], 100).1.is_err());
        assert!(preview("x.zip", b"PK\x03\x04", 100).1.is_err());
    }

    #[test]
    fn sample_records_are_json_and_repeatable() {
        let a = sample_records(7, 3);
        assert_eq!(a, sample_records(7, 3));
        assert_eq!(a[0], r#"{"seq":7,"ticker":"AAPL","price":654.33}"#);
        for r in &a {
            assert!(serde_json::from_str::<serde_json::Value>(r).is_ok(), "{r}");
        }
    }

    // The error-output record format (FACTS.md §2, processing-failed): rawData is the original record,
    // base64; the browser shows it decoded, and a line that is not JSON as it is.
    #[test]
    fn error_lines_decode_raw_data() {
        let text = "{\"rawData\":\"aGVsbG8=\",\"errorCode\":\"Lambda.FunctionError\",\"errorMessage\":\"boom\"}\n\nnot json\n";
        let lines = error_lines(text);
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].code.as_str(), lines[0].message.as_str(), lines[0].raw.as_str()), ("Lambda.FunctionError", "boom", "hello"));
        assert_eq!((lines[1].code.as_str(), lines[1].raw.as_str()), ("", "not json"));
        assert_eq!(error_output_type("errors/processing-failed/2026/x"), Some("processing-failed"));
        assert_eq!(error_output_type("raw/2026/x"), None);
    }
}

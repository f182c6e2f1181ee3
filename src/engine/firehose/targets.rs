//! The simulated systems Firehose delivers to besides S3 (FACTS.md §2 "Destinations"): Redshift clusters
//! with tables loaded by COPY, OpenSearch domains with indices fed by bulk requests (index rotation), HTTP
//! endpoints receiving Firehose's request format, and Splunk HTTP Event Collectors. Each can be taken down
//! for an outage drill. They keep the newest `KEPT_ITEMS` rows/documents/requests/events for display and
//! count everything.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::compress::CompressionFormat;
use super::destinations::{CopyCommand, HecEndpointType, IndexRotationPeriod};
use super::prefix::utc_parts;
use crate::engine::streams::error::civil_from_days;
use crate::engine::time::EpochMillis;

/// Rows, documents, requests or events kept per table, index, endpoint or collector for display.
pub const KEPT_ITEMS: usize = 1_000;

/// A Redshift table: its columns and the rows COPY loaded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedshiftTable {
    pub columns: Vec<String>,
    pub rows: VecDeque<Vec<Option<String>>>,
    pub row_count: u64,
    pub copies: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedshiftCluster {
    pub tables: BTreeMap<String, RedshiftTable>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub source: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenSearchIndex {
    pub docs: VecDeque<Document>,
    pub doc_count: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenSearchDomain {
    pub indices: BTreeMap<String, OpenSearchIndex>,
}

/// One request as the endpoint received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequestLog {
    pub request_id: String,
    pub received_ms: EpochMillis,
    /// `X-Amz-Firehose-Common-Attributes` and the other headers Firehose sends that matter here.
    pub headers: Vec<(String, String)>,
    /// The JSON body (after GZIP decoding when the request was compressed).
    pub body: String,
    pub records: u64,
    pub compressed_bytes: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpReceiver {
    pub requests: VecDeque<HttpRequestLog>,
    pub record_count: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplunkCollector {
    pub events: VecDeque<String>,
    pub event_count: u64,
}

/// Every simulated destination system of the account, by its address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targets {
    pub redshift: BTreeMap<String, RedshiftCluster>,
    pub opensearch: BTreeMap<String, OpenSearchDomain>,
    pub http: BTreeMap<String, HttpReceiver>,
    pub splunk: BTreeMap<String, SplunkCollector>,
    /// Addresses (JDBC URL, domain, URL, HEC endpoint) taken down by the learner.
    pub unavailable: BTreeSet<String>,
}

fn keep<T>(items: &mut VecDeque<T>, item: T) {
    items.push_back(item);
    while items.len() > KEPT_ITEMS {
        items.pop_front();
    }
}

/// Why a destination refused data; `code` is what Firehose writes as errorCode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetError {
    pub code: String,
    pub message: String,
}

impl TargetError {
    fn new(code: &str, message: impl Into<String>) -> Self {
        TargetError { code: code.to_string(), message: message.into() }
    }

    /// The destination did not answer (an outage drill).
    pub fn unreachable(what: &str, address: &str) -> Self {
        // Not AWS-verified text.
        TargetError::new(
            &format!("{what}.Unreachable"),
            format!("Could not connect to {address}: the destination is down (outage drill)."),
        )
    }
}

// ---- Redshift ----

impl Targets {
    /// Creates the table a delivery stream loads into when its columns are named (DataTableColumns). On
    /// AWS the learner creates it beforehand; without columns COPY fails until a table exists.
    pub fn prepare_redshift_table(&mut self, jdbc_url: &str, copy: &CopyCommand) {
        let Some(columns) = copy.data_table_columns.as_deref() else { return };
        let columns: Vec<String> = columns.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
        if columns.is_empty() {
            return;
        }
        let cluster = self.redshift.entry(jdbc_url.to_string()).or_default();
        cluster
            .tables
            .entry(copy.data_table_name.clone())
            .or_insert_with(|| RedshiftTable { columns, ..Default::default() });
    }

    /// COPY of one S3 object into the table, all or nothing (COPY's default MAXERROR is 0). Returns the
    /// rows loaded.
    pub fn copy_into_redshift(
        &mut self,
        jdbc_url: &str,
        copy: &CopyCommand,
        object: &[u8],
        compression: CompressionFormat,
    ) -> Result<u64, TargetError> {
        if self.unavailable.contains(jdbc_url) {
            return Err(TargetError::unreachable("Redshift", jdbc_url));
        }
        let table_name = &copy.data_table_name;
        let Some(table) = self.redshift.get_mut(jdbc_url).and_then(|c| c.tables.get_mut(table_name)) else {
            return Err(TargetError::new(
                "Redshift.TableNotFound",
                format!("relation \"{}\" does not exist", table_name.to_lowercase()),
            ));
        };
        let options = copy.copy_options.clone().unwrap_or_default().to_lowercase();
        let text = match compression {
            CompressionFormat::Gzip if options.split_whitespace().any(|w| w == "gzip") => {
                let mut out = String::new();
                let mut decoder = flate2::read::GzDecoder::new(object);
                if std::io::Read::read_to_string(&mut decoder, &mut out).is_err() {
                    return Err(TargetError::new("Redshift.InvalidData", "gzip: invalid compressed data"));
                }
                out
            }
            CompressionFormat::Gzip => {
                // COPY reads the bytes as text: a GZIP object loads only with the GZIP option.
                return Err(TargetError::new(
                    "Redshift.InvalidData",
                    "Invalid data in the load file: the object is GZIP-compressed but the COPY options do not say GZIP.",
                ));
            }
            _ => String::from_utf8_lossy(object).into_owned(),
        };
        let rows = if options.contains("json") {
            parse_json_rows(&text, &table.columns)?
        } else {
            parse_delimited_rows(&text, &table.columns, &options)?
        };
        let loaded = rows.len() as u64;
        for row in rows {
            keep(&mut table.rows, row);
        }
        table.row_count += loaded;
        table.copies += 1;
        Ok(loaded)
    }

    // ---- OpenSearch ----

    /// One bulk request: each record is one document. Returns a result per record (a document that is not
    /// a JSON object fails alone, as a mapping failure does on a real domain).
    pub fn bulk_index(
        &mut self,
        domain: &str,
        index: &str,
        records: &[Vec<u8>],
        mut next_id: impl FnMut() -> String,
    ) -> Result<Vec<Result<String, TargetError>>, TargetError> {
        if self.unavailable.contains(domain) {
            return Err(TargetError::unreachable("OS", domain));
        }
        let idx = self.opensearch.entry(domain.to_string()).or_default().indices.entry(index.to_string()).or_default();
        let mut out = Vec::with_capacity(records.len());
        for r in records {
            match serde_json::from_slice::<Value>(r) {
                Ok(v @ Value::Object(_)) => {
                    let id = next_id();
                    keep(&mut idx.docs, Document { id: id.clone(), source: v.to_string() });
                    idx.doc_count += 1;
                    out.push(Ok(id));
                }
                // Not AWS-verified text (OpenSearch's mapper_parsing_exception, as Firehose reports it).
                _ => out.push(Err(TargetError::new(
                    "400",
                    "mapper_parsing_exception: failed to parse, the document is not a JSON object",
                ))),
            }
        }
        Ok(out)
    }

    // ---- HTTP endpoint ----

    /// One request in Firehose's HTTP endpoint format: `{"requestId", "timestamp", "records": [{"data"}]}`.
    #[allow(clippy::too_many_arguments)]
    pub fn http_deliver(
        &mut self,
        url: &str,
        request_id: &str,
        now_ms: EpochMillis,
        records: &[Vec<u8>],
        gzip: bool,
        common_attributes: &[(String, String)],
    ) -> Result<(), TargetError> {
        if self.unavailable.contains(url) {
            return Err(TargetError::unreachable("HttpEndpoint", url));
        }
        let body = json!({
            "requestId": request_id,
            "timestamp": now_ms,
            "records": records.iter().map(|r| json!({"data": STANDARD.encode(r)})).collect::<Vec<_>>(),
        })
        .to_string();
        let compressed_bytes = gzip.then(|| super::compress::gzip(body.as_bytes()).len() as u64);
        let mut headers = vec![("X-Amz-Firehose-Request-Id".to_string(), request_id.to_string())];
        if !common_attributes.is_empty() {
            let attrs: serde_json::Map<String, Value> =
                common_attributes.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
            headers.push((
                "X-Amz-Firehose-Common-Attributes".into(),
                json!({ "commonAttributes": attrs }).to_string(),
            ));
        }
        if gzip {
            headers.push(("Content-Encoding".into(), "gzip".into()));
        }
        let receiver = self.http.entry(url.to_string()).or_default();
        receiver.record_count += records.len() as u64;
        keep(
            &mut receiver.requests,
            HttpRequestLog {
                request_id: request_id.to_string(),
                received_ms: now_ms,
                headers,
                body,
                records: records.len() as u64,
                compressed_bytes,
            },
        );
        Ok(())
    }

    // ---- Splunk ----

    /// Sends records to a HEC endpoint: Raw takes any bytes; Event takes JSON objects with an `event`
    /// member (HEC's event format), and refuses the others one by one.
    pub fn splunk_send(
        &mut self,
        endpoint: &str,
        endpoint_type: HecEndpointType,
        records: &[Vec<u8>],
    ) -> Result<Vec<Result<(), TargetError>>, TargetError> {
        if self.unavailable.contains(endpoint) {
            return Err(TargetError::unreachable("Splunk", endpoint));
        }
        let collector = self.splunk.entry(endpoint.to_string()).or_default();
        let mut out = Vec::with_capacity(records.len());
        for r in records {
            let ok = match endpoint_type {
                HecEndpointType::Raw => true,
                HecEndpointType::Event => {
                    matches!(serde_json::from_slice::<Value>(r), Ok(Value::Object(m)) if m.contains_key("event"))
                }
            };
            if ok {
                keep(&mut collector.events, String::from_utf8_lossy(r).into_owned());
                collector.event_count += 1;
                out.push(Ok(()));
            } else {
                // Not AWS-verified text (HEC answers "Invalid data format", code 6).
                out.push(Err(TargetError::new("Splunk.InvalidDataFormat", "Invalid data format (HEC code 6): an event needs an \"event\" member")));
            }
        }
        Ok(out)
    }
}

/// COPY … JSON 'auto': each JSON object is a row; members match columns by name, case-insensitively;
/// absent members load as NULL.
fn parse_json_rows(text: &str, columns: &[String]) -> Result<Vec<Vec<Option<String>>>, TargetError> {
    let mut rows = Vec::new();
    for (i, item) in serde_json::Deserializer::from_str(text).into_iter::<Value>().enumerate() {
        let Ok(Value::Object(map)) = item else {
            return Err(TargetError::new(
                "Redshift.InvalidData",
                format!("Load into table failed: record {} is not a JSON object (check stl_load_errors)", i + 1),
            ));
        };
        let row = columns
            .iter()
            .map(|c| {
                map.iter().find(|(k, _)| k.eq_ignore_ascii_case(c)).and_then(|(_, v)| match v {
                    Value::Null => None,
                    Value::String(s) => Some(s.clone()),
                    other => Some(other.to_string()),
                })
            })
            .collect();
        rows.push(row);
    }
    Ok(rows)
}

/// Delimited COPY: one row per line, fields split on the DELIMITER option (default `|`, `,` with CSV).
fn parse_delimited_rows(text: &str, columns: &[String], options: &str) -> Result<Vec<Vec<Option<String>>>, TargetError> {
    let delimiter = delimiter_option(options).unwrap_or(if options.split_whitespace().any(|w| w == "csv") { ',' } else { '|' });
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
        let fields: Vec<&str> = line.split(delimiter).collect();
        if fields.len() != columns.len() {
            let what = if fields.len() < columns.len() { "Delimiter not found" } else { "Extra column(s) found" };
            return Err(TargetError::new(
                "Redshift.InvalidData",
                format!("Load into table failed: line {}: {what} (check stl_load_errors)", i + 1),
            ));
        }
        rows.push(fields.into_iter().map(|f| if f.is_empty() { None } else { Some(f.to_string()) }).collect());
    }
    Ok(rows)
}

/// `delimiter 'x'` or `delimiter as 'x'` in the (lower-cased) COPY options.
fn delimiter_option(options: &str) -> Option<char> {
    let at = options.find("delimiter")?;
    let rest = options[at + "delimiter".len()..].trim_start();
    let rest = rest.strip_prefix("as").map(str::trim_start).unwrap_or(rest);
    let mut chars = rest.strip_prefix('\'')?.chars();
    let c = chars.next()?;
    (chars.next() == Some('\'')).then_some(c)
}

/// The index a document goes to: the index name plus the rotation suffix from the delivery time
/// (FACTS §2: OneHour `idx-2016-02-25-13`, OneDay `idx-2016-02-25`, OneWeek `idx-2016-w08` with weeks
/// starting on Sunday, OneMonth `idx-2016-02`).
pub fn rotated_index(base: &str, rotation: IndexRotationPeriod, ms: EpochMillis) -> String {
    let (y, mo, d, h, _, _) = utc_parts(ms);
    match rotation {
        IndexRotationPeriod::NoRotation => base.to_string(),
        IndexRotationPeriod::OneHour => format!("{base}-{y:04}-{mo:02}-{d:02}-{h:02}"),
        IndexRotationPeriod::OneDay => format!("{base}-{y:04}-{mo:02}-{d:02}"),
        IndexRotationPeriod::OneWeek => format!("{base}-{y:04}-w{:02}", sunday_week_of_year(ms)),
        IndexRotationPeriod::OneMonth => format!("{base}-{y:04}-{mo:02}"),
    }
}

/// Week of the year with weeks starting on Sunday; days before the year's first Sunday are week 0
/// (strftime `%U`), which gives FACTS §2's `2016-w08` for 25 Feb 2016.
pub fn sunday_week_of_year(ms: EpochMillis) -> u32 {
    let days = (ms / 86_400_000) as i64;
    let (y, _, _) = civil_from_days(days);
    let jan1 = days_from_civil(y, 1, 1);
    let yday = days - jan1;
    // 1970-01-01 was a Thursday (weekday 4 with Sunday = 0).
    let wday = (days + 4).rem_euclid(7);
    ((yday + 7 - wday) / 7) as u32
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm, the inverse of civil_from_days).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEB_25_2016_13H: EpochMillis = 1_456_405_200_000; // 2016-02-25T13:00:00Z

    // FACTS §2: the four rotation examples.
    #[test]
    fn index_rotation_names() {
        let t = FEB_25_2016_13H;
        assert_eq!(rotated_index("idx", IndexRotationPeriod::OneHour, t), "idx-2016-02-25-13");
        assert_eq!(rotated_index("idx", IndexRotationPeriod::OneDay, t), "idx-2016-02-25");
        assert_eq!(rotated_index("idx", IndexRotationPeriod::OneWeek, t), "idx-2016-w08");
        assert_eq!(rotated_index("idx", IndexRotationPeriod::OneMonth, t), "idx-2016-02");
        assert_eq!(rotated_index("idx", IndexRotationPeriod::NoRotation, t), "idx");
    }

    #[test]
    fn weeks_start_on_sunday() {
        // 2016-01-02 (Saturday) is before the first Sunday: week 0; 2016-01-03 (Sunday) starts week 1.
        assert_eq!(sunday_week_of_year(1_451_692_800_000), 0);
        assert_eq!(sunday_week_of_year(1_451_779_200_000), 1);
        // 2016-02-20 (Saturday) is still week 7; 2016-02-21 (Sunday) is week 8.
        assert_eq!(sunday_week_of_year(1_455_926_400_000), 7);
        assert_eq!(sunday_week_of_year(1_456_012_800_000), 8);
    }

    #[test]
    fn delimiter_options() {
        assert_eq!(delimiter_option("delimiter ','"), Some(','));
        assert_eq!(delimiter_option("json 'auto' delimiter as '\t'"), Some('\t'));
        assert_eq!(delimiter_option("csv"), None);
        assert_eq!(delimiter_option("delimiter"), None);
    }
}

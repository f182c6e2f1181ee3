//! S3 prefixes and object keys (FACTS.md §2): the `!{namespace:value}` expressions, their validation,
//! the default prefix, the timestamp-append rule and evaluation to text.
//!
//! Rules (FACTS §2 and AWS's "Custom Prefixes for Amazon S3 Objects" page):
//! - namespaces: `!{timestamp:<java format>}`, `!{firehose:random-string}` (11 characters),
//!   `!{firehose:error-output-type}` (ErrorOutputPrefix only); `!{partitionKeyFromQuery:k}` and
//!   `!{partitionKeyFromLambda:k}` only in Prefix and only with dynamic partitioning
//!   ([`validate_with_partitioning`]; AWS: "You cannot use partitionKeyFromLambda and partitionKeyFromQuery
//!   namespaces when creating ErrorOutputPrefix expressions");
//! - a Prefix without a timestamp expression gets `!{timestamp:yyyy/MM/dd/HH/}` appended, so no prefix at
//!   all gives the default `YYYY/MM/dd/HH/`; not with dynamic partitioning, whose prefix is used as written
//!   (AWS's "Use Amazon S3 bucket prefix to deliver data" example: `customer_id=…/hour=20/` then the object
//!   name, nothing appended);
//! - an ErrorOutputPrefix that uses expressions must contain `!{firehose:error-output-type}` (FACTS §2 says
//!   "a custom ErrorOutputPrefix must contain" it; AWS's page states the rule for prefixes with
//!   expressions, so a purely literal ErrorOutputPrefix such as `errors/` is accepted here);
//! - when Prefix uses expressions, ErrorOutputPrefix must be given (AWS's page);
//! - at most 512 characters once evaluated (checked on the longest possible evaluation).

use rand::Rng;
use rand_pcg::Pcg64Mcg;

use super::error::{FirehoseError, FirehoseResult};
use super::partition::{PartitionError, RecordKeys};
use super::limits::{PREFIX_MAX_CHARS, PREFIX_MAX_EVALUATED_CHARS, RANDOM_STRING_CHARS};
use crate::engine::streams::error::civil_from_days;
use crate::engine::time::EpochMillis;

/// The error-output types Firehose writes (AWS custom-prefix page, current list: OpenSearch failures are
/// `AmazonOpenSearchService-failed`, older pages say `elasticsearch-failed`; dynamic partitioning's two
/// are in `partition.rs` with their sources); the longest bounds the evaluated length.
pub const ERROR_OUTPUT_TYPES: [&str; 8] = [
    "processing-failed",
    "AmazonOpenSearchService-failed",
    "elasticsearch-failed",
    "splunk-failed",
    "format-conversion-failed",
    "http-endpoint-failed",
    super::partition::PARTITIONING_FAILED_OUTPUT_TYPE,
    super::partition::ACTIVE_PARTITION_EXCEEDED_OUTPUT_TYPE,
];

/// What `!{timestamp:…}` is appended when a prefix has no timestamp expression.
pub const DEFAULT_TIMESTAMP_FORMAT: &str = "yyyy/MM/dd/HH/";

/// One piece of a timestamp format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeToken {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Literal(String),
}

/// One piece of a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    Timestamp(Vec<TimeToken>),
    RandomString,
    ErrorOutputType,
    /// `!{partitionKeyFromQuery:key}`: the key the MetadataExtraction query gave the record.
    PartitionKeyFromQuery(String),
    /// `!{partitionKeyFromLambda:key}`: the key the Lambda returned in `metadata.partitionKeys`.
    PartitionKeyFromLambda(String),
}

/// Which field a prefix came from (they differ in what they may contain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefixField {
    Prefix,
    ErrorOutputPrefix,
}

impl PrefixField {
    fn name(self) -> &'static str {
        match self {
            PrefixField::Prefix => "Prefix",
            PrefixField::ErrorOutputPrefix => "ErrorOutputPrefix",
        }
    }
}

/// Java DateTimeFormatter subset: yyyy, MM, dd, HH, mm, ss, quoted 'text' ('' is a quote) and any
/// non-letter as itself. Any other letter pattern is refused.
pub fn parse_time_format(format: &str, field: PrefixField) -> FirehoseResult<Vec<TimeToken>> {
    let chars: Vec<char> = format.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let bad = |what: String| {
        FirehoseError::invalid_argument(format!(
            "{}: the timestamp format '{format}' is invalid: {what}. Supported: yyyy, MM, dd, HH, mm, ss and literal text.",
            field.name()
        ))
    };
    if chars.is_empty() {
        return Err(bad("it is empty".into()));
    }
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                out.push(TimeToken::Literal("'".into()));
                i += 2;
                continue;
            }
            let mut lit = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(bad("unterminated quoted text".into())),
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        lit.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(&ch) => {
                        lit.push(ch);
                        i += 1;
                    }
                }
            }
            out.push(TimeToken::Literal(lit));
        } else if c.is_ascii_alphabetic() {
            let run = chars[i..].iter().take_while(|&&x| x == c).count();
            let pattern: String = chars[i..i + run].iter().collect();
            let token = match pattern.as_str() {
                "yyyy" => TimeToken::Year,
                "MM" => TimeToken::Month,
                "dd" => TimeToken::Day,
                "HH" => TimeToken::Hour,
                "mm" => TimeToken::Minute,
                "ss" => TimeToken::Second,
                _ => return Err(bad(format!("unsupported pattern '{pattern}'"))),
            };
            out.push(token);
            i += run;
        } else {
            out.push(TimeToken::Literal(c.to_string()));
            i += 1;
        }
    }
    Ok(out)
}

/// Parses a prefix into segments, refusing what the field may not contain (partition keys refused: see
/// [`parse_with_partitioning`]).
pub fn parse(prefix: &str, field: PrefixField) -> FirehoseResult<Vec<Segment>> {
    parse_with_partitioning(prefix, field, false)
}

/// Parses a prefix; partition-key expressions are accepted in Prefix when `dynamic_partitioning` is on.
pub fn parse_with_partitioning(prefix: &str, field: PrefixField, dynamic_partitioning: bool) -> FirehoseResult<Vec<Segment>> {
    if prefix.chars().count() > PREFIX_MAX_CHARS {
        return Err(FirehoseError::validation(
            &field_path(field),
            &format!("Member must have length less than or equal to {PREFIX_MAX_CHARS}"),
        ));
    }
    let mut segments = Vec::new();
    let mut rest = prefix;
    while let Some(start) = rest.find("!{") {
        if start > 0 {
            segments.push(Segment::Literal(rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(FirehoseError::invalid_argument(format!(
                "{}: the expression starting at '{}' is not closed with '}}'.",
                field.name(),
                &rest[start..]
            )));
        };
        let body = &after[..end];
        let (namespace, value) = body.split_once(':').unwrap_or((body, ""));
        let segment = match (namespace, value) {
            ("timestamp", format) => Segment::Timestamp(parse_time_format(format, field)?),
            ("firehose", "random-string") => Segment::RandomString,
            ("firehose", "error-output-type") => {
                if field == PrefixField::Prefix {
                    return Err(FirehoseError::invalid_argument(
                        "Prefix: the expression !{firehose:error-output-type} is allowed only in ErrorOutputPrefix.",
                    ));
                }
                Segment::ErrorOutputType
            }
            ("partitionKeyFromQuery" | "partitionKeyFromLambda", _) if field == PrefixField::ErrorOutputPrefix => {
                return Err(FirehoseError::invalid_argument(
                    "You cannot use partitionKeyFromLambda and partitionKeyFromQuery namespaces when creating ErrorOutputPrefix expressions.",
                ))
            }
            ("partitionKeyFromQuery" | "partitionKeyFromLambda", _) if !dynamic_partitioning => {
                return Err(FirehoseError::invalid_argument(format!(
                    "{}: the expression !{{{body}}} needs dynamic partitioning, which is not enabled for this Firehose stream.",
                    field.name()
                )))
            }
            ("partitionKeyFromQuery" | "partitionKeyFromLambda", "") => {
                // Not AWS-verified text.
                return Err(FirehoseError::invalid_argument(format!(
                    "{}: the expression !{{{body}}} must name a partition key, as in !{{{namespace}:customer_id}}.",
                    field.name()
                )))
            }
            ("partitionKeyFromQuery", key) => Segment::PartitionKeyFromQuery(key.to_string()),
            ("partitionKeyFromLambda", key) => Segment::PartitionKeyFromLambda(key.to_string()),
            _ => {
                return Err(FirehoseError::invalid_argument(format!(
                    "{}: unknown expression !{{{body}}}. Supported: !{{timestamp:<format>}}, !{{firehose:random-string}}, !{{firehose:error-output-type}}.",
                    field.name()
                )))
            }
        };
        segments.push(segment);
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        segments.push(Segment::Literal(rest.to_string()));
    }
    Ok(segments)
}

fn field_path(field: PrefixField) -> String {
    match field {
        PrefixField::Prefix => "extendedS3DestinationConfiguration.prefix".into(),
        PrefixField::ErrorOutputPrefix => "extendedS3DestinationConfiguration.errorOutputPrefix".into(),
    }
}

/// A validated pair of prefixes, ready to evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefixes {
    /// Prefix with the timestamp-append rule applied.
    pub prefix: Vec<Segment>,
    pub error_output_prefix: Option<Vec<Segment>>,
}

/// Validates Prefix and ErrorOutputPrefix together (FACTS §2 rules, listed at the top of this file), for a
/// stream without dynamic partitioning.
pub fn validate(prefix: Option<&str>, error_output_prefix: Option<&str>) -> FirehoseResult<Prefixes> {
    validate_with_partitioning(prefix, error_output_prefix, false)
}

/// Validates Prefix and ErrorOutputPrefix; with `dynamic_partitioning` the prefix may use partition keys,
/// ErrorOutputPrefix is required (FACTS §2: "error prefix required"; AWS: "You must specify an S3 error
/// bucket prefix ... if you want to enable dynamic partitioning") and no timestamp is appended. Whether
/// the prefix names keys its processors provide is [`super::partition::check_prefix_keys`].
pub fn validate_with_partitioning(
    prefix: Option<&str>,
    error_output_prefix: Option<&str>,
    dynamic_partitioning: bool,
) -> FirehoseResult<Prefixes> {
    let prefix = prefix.unwrap_or("");
    let error_output_prefix = error_output_prefix.filter(|p| !p.is_empty());
    if dynamic_partitioning && error_output_prefix.is_none() {
        // Not AWS-verified text.
        return Err(FirehoseError::invalid_argument(
            "ErrorOutputPrefix cannot be null or empty when dynamic partitioning is enabled.",
        ));
    }
    let mut segments = parse_with_partitioning(prefix, PrefixField::Prefix, dynamic_partitioning)?;
    let has_expressions = segments.iter().any(|s| !matches!(s, Segment::Literal(_)));
    let error_segments = match error_output_prefix {
        Some(text) => {
            let segs = parse(text, PrefixField::ErrorOutputPrefix)?;
            let uses_expressions = segs.iter().any(|s| !matches!(s, Segment::Literal(_)));
            if uses_expressions && !segs.contains(&Segment::ErrorOutputType) {
                return Err(FirehoseError::invalid_argument(
                    "ErrorOutputPrefix: a prefix with expressions must contain at least one !{firehose:error-output-type} expression.",
                ));
            }
            Some(segs)
        }
        None => None,
    };
    if has_expressions && error_segments.is_none() {
        return Err(FirehoseError::invalid_argument(
            "ErrorOutputPrefix cannot be null or empty when Prefix contains expressions.",
        ));
    }
    if !dynamic_partitioning && !segments.iter().any(|s| matches!(s, Segment::Timestamp(_))) {
        segments.push(Segment::Timestamp(
            default_timestamp_tokens(),
        ));
    }
    for (segs, field) in
        [(Some(&segments), PrefixField::Prefix), (error_segments.as_ref(), PrefixField::ErrorOutputPrefix)]
    {
        if let Some(segs) = segs {
            if max_evaluated_len(segs) > PREFIX_MAX_EVALUATED_CHARS {
                return Err(FirehoseError::invalid_argument(format!(
                    "{}: the evaluated prefix can be longer than {PREFIX_MAX_EVALUATED_CHARS} characters.",
                    field.name()
                )));
            }
        }
    }
    Ok(Prefixes { prefix: segments, error_output_prefix: error_segments })
}

/// The longest text the segments can evaluate to, not counting partition keys (their values are known
/// only per record: [`evaluate_with_keys`] checks the 512-character limit then).
pub fn max_evaluated_len(segments: &[Segment]) -> usize {
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal(text) => text.chars().count(),
            Segment::RandomString => RANDOM_STRING_CHARS,
            Segment::ErrorOutputType => ERROR_OUTPUT_TYPES.iter().map(|t| t.len()).max().unwrap_or(0),
            Segment::PartitionKeyFromQuery(_) | Segment::PartitionKeyFromLambda(_) => 0,
            Segment::Timestamp(tokens) => tokens
                .iter()
                .map(|t| match t {
                    TimeToken::Year => 4,
                    TimeToken::Literal(text) => text.chars().count(),
                    _ => 2,
                })
                .sum(),
        })
        .sum()
}

/// UTC calendar parts of an instant: (year, month, day, hour, minute, second).
pub fn utc_parts(ms: EpochMillis) -> (i64, u32, u32, u64, u64, u64) {
    let secs = ms / 1000;
    let (y, mo, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    (y, mo, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The tokens of DEFAULT_TIMESTAMP_FORMAT (`yyyy/MM/dd/HH/`).
pub fn default_timestamp_tokens() -> Vec<TimeToken> {
    vec![
        TimeToken::Year,
        TimeToken::Literal("/".into()),
        TimeToken::Month,
        TimeToken::Literal("/".into()),
        TimeToken::Day,
        TimeToken::Literal("/".into()),
        TimeToken::Hour,
        TimeToken::Literal("/".into()),
    ]
}

pub fn format_time(tokens: &[TimeToken], ms: EpochMillis) -> String {
    let (y, mo, d, h, mi, s) = utc_parts(ms);
    let mut out = String::new();
    for t in tokens {
        match t {
            TimeToken::Year => out.push_str(&format!("{y:04}")),
            TimeToken::Month => out.push_str(&format!("{mo:02}")),
            TimeToken::Day => out.push_str(&format!("{d:02}")),
            TimeToken::Hour => out.push_str(&format!("{h:02}")),
            TimeToken::Minute => out.push_str(&format!("{mi:02}")),
            TimeToken::Second => out.push_str(&format!("{s:02}")),
            TimeToken::Literal(text) => out.push_str(text),
        }
    }
    out
}

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` characters from [A-Za-z0-9], from the engine's seeded generator.
pub fn random_string(rng: &mut Pcg64Mcg, len: usize) -> String {
    (0..len).map(|_| ALPHANUMERIC[rng.random_range(0..ALPHANUMERIC.len())] as char).collect()
}

/// A version-4-shaped UUID from the seeded generator (as in the object names Firehose writes).
pub fn uuid(rng: &mut Pcg64Mcg) -> String {
    let mut b: [u8; 16] = rng.random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// Evaluates a prefix at `arrival_ms` (the oldest record's arrival).
pub fn evaluate(segments: &[Segment], arrival_ms: EpochMillis, rng: &mut Pcg64Mcg, error_type: Option<&str>) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::Literal(text) => out.push_str(text),
            Segment::Timestamp(tokens) => out.push_str(&format_time(tokens, arrival_ms)),
            Segment::RandomString => out.push_str(&random_string(rng, RANDOM_STRING_CHARS)),
            Segment::ErrorOutputType => out.push_str(error_type.unwrap_or("")),
            // Validated prefixes of streams without dynamic partitioning never hold these.
            Segment::PartitionKeyFromQuery(_) | Segment::PartitionKeyFromLambda(_) => {}
        }
    }
    out
}

/// Evaluates a dynamically partitioned prefix for one record: partition keys substituted, then the
/// evaluated prefix checked against the 512-character limit. A key the record does not have, or a prefix
/// that grows too long, sends the record to the error output ("Troubleshoot dynamic partitioning errors":
/// records whose prefix expressions cannot be evaluated).
pub fn evaluate_with_keys(
    segments: &[Segment],
    arrival_ms: EpochMillis,
    rng: &mut Pcg64Mcg,
    error_type: Option<&str>,
    keys: &RecordKeys,
) -> Result<String, PartitionError> {
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::PartitionKeyFromQuery(k) => match keys.from_query.get(k) {
                Some(v) => out.push_str(v),
                None => return Err(PartitionError::MissingKey { namespace: "partitionKeyFromQuery", key: k.clone() }),
            },
            Segment::PartitionKeyFromLambda(k) => match keys.from_lambda.get(k) {
                Some(v) => out.push_str(v),
                None => return Err(PartitionError::MissingKey { namespace: "partitionKeyFromLambda", key: k.clone() }),
            },
            other => out.push_str(&evaluate(std::slice::from_ref(other), arrival_ms, rng, error_type)),
        }
    }
    let chars = out.chars().count();
    if chars > PREFIX_MAX_EVALUATED_CHARS {
        return Err(PartitionError::PrefixTooLong { chars });
    }
    Ok(out)
}

/// `<evaluated prefix><stream name>-<version>-<yyyy>-<MM>-<dd>-<HH>-<mm>-<ss>-<uuid><ext>` (FACTS §2).
pub fn object_key(
    evaluated_prefix: &str,
    stream: &str,
    version: u64,
    arrival_ms: EpochMillis,
    uuid: &str,
    extension: &str,
) -> String {
    let (y, mo, d, h, mi, s) = utc_parts(arrival_ms);
    format!("{evaluated_prefix}{stream}-{version}-{y:04}-{mo:02}-{d:02}-{h:02}-{mi:02}-{s:02}-{uuid}{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn time_format_tokens_and_literals() {
        let t = parse_time_format("yyyy-MM-dd'T'HH:mm:ss''-", PrefixField::Prefix).unwrap();
        // 2026-03-04T05:06:07Z
        assert_eq!(format_time(&t, 1_772_600_767_000), "2026-03-04T05:06:07'-");
        assert!(parse_time_format("yyy", PrefixField::Prefix).is_err());
        assert!(parse_time_format("'open", PrefixField::Prefix).is_err());
        assert!(parse_time_format("", PrefixField::Prefix).is_err());
    }

    #[test]
    fn default_tokens_are_the_default_format() {
        assert_eq!(parse_time_format(DEFAULT_TIMESTAMP_FORMAT, PrefixField::Prefix).unwrap(), default_timestamp_tokens());
    }

    #[test]
    fn default_prefix_is_hourly_utc() {
        // FACTS.md §2 "default prefix YYYY/MM/dd/HH/ in UTC".
        let p = validate(None, None).unwrap();
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        assert_eq!(evaluate(&p.prefix, 1_772_600_767_000, &mut rng, None), "2026/03/04/05/");
        assert_eq!(max_evaluated_len(&p.prefix), 14);
    }

    #[test]
    fn error_output_type_evaluates() {
        let p = validate(Some("ok/"), Some("fail/!{firehose:error-output-type}/!{timestamp:yyyy}/")).unwrap();
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let e = p.error_output_prefix.unwrap();
        assert_eq!(evaluate(&e, 0, &mut rng, Some("processing-failed")), "fail/processing-failed/1970/");
    }

    #[test]
    fn uuid_shape() {
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let u = uuid(&mut rng);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}

//! Timestamps as the CLI reads and prints them: input as epoch seconds or ISO 8601 (what botocore's
//! `parse_to_aware_datetime` accepts in the common forms; a time without a zone is UTC), output as
//! Python's `datetime.isoformat()` in UTC (CLI v2's default `cli_timestamp_format = iso8601`; the
//! sandbox's clock is UTC, so the offset is always +00:00).

use std::sync::OnceLock;

use regex_lite::Regex;
use serde_json::{Number, Value};

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count from 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn iso_regex() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|UTC|GMT|[+-]\d{2}:?\d{2})?$",
        )
        .ok()
    })
    .as_ref()
}

/// Epoch seconds for a timestamp input: a JSON number, a numeric string, or ISO 8601 text.
pub fn parse_timestamp(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_timestamp_text(s),
        _ => None,
    }
}

/// Epoch seconds for timestamp text.
pub fn parse_timestamp_text(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Ok(seconds) = t.parse::<f64>() {
        return seconds.is_finite().then_some(seconds);
    }
    let caps = iso_regex()?.captures(t)?;
    let num = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<i64>().ok());
    let (y, mo, d) = (num(1)?, num(2)?, num(3)?);
    let (h, mi, s) = (num(4).unwrap_or(0), num(5).unwrap_or(0), num(6).unwrap_or(0));
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let fraction = caps.get(7).map(|m| format!("0.{}", m.as_str()).parse::<f64>().unwrap_or(0.0)).unwrap_or(0.0);
    let offset_seconds = match caps.get(8).map(|m| m.as_str()) {
        None | Some("Z" | "z" | "UTC" | "GMT") => 0,
        Some(zone) => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits: String = zone.chars().filter(char::is_ascii_digit).collect();
            let hours: i64 = digits.get(0..2)?.parse().ok()?;
            let minutes: i64 = digits.get(2..4)?.parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let whole = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset_seconds;
    Some(whole as f64 + fraction)
}

/// Epoch seconds as the JSON number AWS's JSON protocol sends (whole seconds as integers, otherwise
/// rounded to the millisecond).
pub fn seconds_value(seconds: f64) -> Value {
    if seconds.fract() == 0.0 && seconds.abs() < 9.0e15 {
        Value::Number((seconds as i64).into())
    } else {
        let rounded = (seconds * 1000.0).round() / 1000.0;
        Number::from_f64(rounded).map(Value::Number).unwrap_or(Value::Null)
    }
}

/// `datetime.fromtimestamp(seconds, UTC)` printed with `separator` between date and time:
/// `T` is `isoformat()` (JSON output), a space is `str()` (text output).
fn format_with(seconds: f64, separator: char) -> String {
    let micros_total = (seconds * 1_000_000.0).round() as i64;
    let secs = micros_total.div_euclid(1_000_000);
    let micros = micros_total.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let time = format!("{:02}:{:02}:{:02}", rem / 3600, rem % 3600 / 60, rem % 60);
    let fraction = if micros == 0 { String::new() } else { format!(".{micros:06}") };
    format!("{y:04}-{m:02}-{d:02}{separator}{time}{fraction}+00:00")
}

/// ISO 8601 as CLI v2 prints timestamps in JSON output: `2026-01-01T00:00:00+00:00`.
pub fn format_iso(seconds: f64) -> String {
    format_with(seconds, 'T')
}

/// The text-output form (Python `str(datetime)`): `2026-01-01 00:00:00+00:00`.
pub fn format_text(seconds: f64) -> String {
    format_with(seconds, ' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_output_like_python_isoformat() {
        assert_eq!(format_iso(1_767_225_600.0), "2026-01-01T00:00:00+00:00");
        assert_eq!(format_iso(1_767_225_600.123), "2026-01-01T00:00:00.123000+00:00");
        assert_eq!(format_text(0.0), "1970-01-01 00:00:00+00:00");
        assert_eq!(format_iso(951_782_400.0), "2000-02-29T00:00:00+00:00");
    }

    #[test]
    fn accepted_inputs() {
        assert_eq!(parse_timestamp_text("1767225600"), Some(1_767_225_600.0));
        assert_eq!(parse_timestamp_text("2026-01-01T00:00:00Z"), Some(1_767_225_600.0));
        assert_eq!(parse_timestamp_text("2026-01-01"), Some(1_767_225_600.0));
        assert_eq!(parse_timestamp_text("2026-01-01T01:00:00+01:00"), Some(1_767_225_600.0));
        assert_eq!(parse_timestamp_text("2026-01-01 00:00:00.5"), Some(1_767_225_600.5));
        assert_eq!(parse_timestamp_text("notatime"), None);
        assert_eq!(parse_timestamp_text("2026-02-30"), None);
    }
}

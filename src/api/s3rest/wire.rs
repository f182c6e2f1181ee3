//! Text forms the S3 REST API uses: percent-decoding of paths and query strings, the `url` encoding
//! of listing responses, XML escaping, and its two date formats.

use crate::engine::firehose::prefix::utc_parts;
use crate::engine::time::EpochMillis;

/// Percent-decodes a path segment: `%XX` escapes only (a `+` in a path is a plus sign). Invalid
/// escapes are kept as written; bytes that do not form UTF-8 are replaced, as no key can hold them.
pub fn percent_decode(text: &str) -> String {
    decode(text, false)
}

/// Decodes one query-string name or value (`+` is a space there, as in HTML forms).
pub fn query_decode(text: &str) -> String {
    decode(text, true)
}

fn decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes[i] {
            b'%' => bytes.get(i + 1).and_then(|&b| hex(b)).zip(bytes.get(i + 2).and_then(|&b| hex(b))),
            _ => None,
        };
        if let Some((hi, lo)) = escaped {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        match bytes[i] {
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A query string as (name, value) pairs, decoded, in order. A bare name (`?location`) has an empty
/// value.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((name, value)) => (query_decode(name), query_decode(value)),
            None => (query_decode(part), String::new()),
        })
        .collect()
}

/// `encoding-type=url` as S3 applies it to keys and prefixes in a listing: form encoding (a space is
/// `+`), leaving unreserved characters and `/` as they are. botocore undoes it with `unquote_plus`.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Escapes text for an XML element. Characters XML 1.0 cannot carry even escaped (most control
/// characters) are written as character references, as S3 does; `encoding-type=url` avoids them.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\r' => out.push_str(&format!("&#x{:X};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// An HTTP date (RFC 7231 IMF-fixdate), as in `Last-Modified`: `Thu, 03 Dec 2026 08:08:01 GMT`.
pub fn http_date(ms: EpochMillis) -> String {
    let (y, mo, d, h, mi, s) = utc_parts(ms);
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS[((ms / 1000 / 86_400) % 7) as usize];
    let month = MONTHS[(mo.clamp(1, 12) - 1) as usize];
    format!("{weekday}, {d:02} {month} {y:04} {h:02}:{mi:02}:{s:02} GMT")
}

/// ISO 8601 with milliseconds, as in a listing's `LastModified`: `2026-12-03T08:08:01.250Z`.
pub fn iso_date(ms: EpochMillis) -> String {
    let (y, mo, d, h, mi, s) = utc_parts(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", ms % 1000)
}

/// Seconds since the epoch of an HTTP date (IMF-fixdate, the form clients send in `If-Modified-Since`);
/// None for anything else (RFC 7232: an invalid date makes the condition ignored).
pub fn parse_http_date(text: &str) -> Option<u64> {
    let rest = text.trim().split_once(", ")?.1;
    let parts: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, "GMT"] = parts.as_slice() else { return None };
    let day: i64 = day.parse().ok()?;
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    let year: i64 = year.parse().ok()?;
    let hms: Vec<u64> = time.split(':').map(str::parse).collect::<Result<_, _>>().ok()?;
    let [h, mi, s] = hms.as_slice() else { return None };
    if !(1..=31).contains(&day) || *h > 23 || *mi > 59 || *s > 60 || year < 1970 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    u64::try_from(days).ok().map(|d| d * 86_400 + h * 3600 + mi * 60 + s)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

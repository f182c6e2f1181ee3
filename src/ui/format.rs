//! Small, pure formatting helpers for what the page shows: simulated instants as UTC text, record data
//! as base64 and back, and 128-bit hash keys as positions on the hash-key line.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::engine::time::EpochMillis;

/// `2026-01-01 00:00:01.000 UTC` for a simulated instant.
pub fn utc_millis(ms: EpochMillis) -> String {
    let (y, mo, d, h, mi, s) = civil(ms / 1_000);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{:03} UTC", ms % 1_000)
}

/// `2026-01-01 00:00:01.250 UTC` for the epoch-seconds number AWS puts in `ApproximateArrivalTimestamp`.
pub fn utc_epoch_seconds(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return format!("{seconds}");
    }
    utc_millis((seconds * 1_000.0).round() as EpochMillis)
}

/// Calendar date and time of day for seconds since the Unix epoch (proleptic Gregorian, UTC).
/// Howard Hinnant's `civil_from_days`, which is exact for every date this simulation can reach.
fn civil(epoch_seconds: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = (epoch_seconds / 86_400) as i64;
    let rem = epoch_seconds % 86_400;
    let (h, mi, s) = ((rem / 3_600) as u32, ((rem % 3_600) / 60) as u32, (rem % 60) as u32);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(mo <= 2);
    (y, mo, d, h, mi, s)
}

/// The base64 text the wire protocol carries for a record's bytes.
pub fn to_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// A record's data as the learner typed it: UTF-8 text when it is, otherwise a byte count.
pub fn decode_record_data(base64_text: &str) -> String {
    match STANDARD.decode(base64_text) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => format!("(binary, {} bytes)", e.as_bytes().len()),
        },
        Err(_) => format!("(not base64: {base64_text})"),
    }
}

/// `1,234,567` — thousands separators for counts a learner reads.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

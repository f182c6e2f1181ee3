//! Engine errors: AWS's error type and AWS's message text, built in one place.

use crate::engine::time::EpochMillis;

/// AWS's error types, as the engine raises them and as `__type` names them on the wire. The API layer
/// uses the same enum (`api::error::ErrorType`), so an engine error crosses the wire without translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    Serialization,
    Validation,
    InvalidArgument,
    ResourceNotFound,
    ResourceInUse,
    LimitExceeded,
    ProvisionedThroughputExceeded,
    ExpiredIterator,
    ExpiredNextToken,
    AccessDenied,
    InternalFailure,
    UnknownOperation,
}

/// HTTP status AWS uses for client errors in JSON 1.1 services.
pub const CLIENT_ERROR_STATUS: u16 = 400;
/// HTTP status AWS uses for its own failures.
pub const SERVER_ERROR_STATUS: u16 = 500;

impl ErrorKind {
    /// The `__type` AWS puts on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            ErrorKind::Serialization => "SerializationException",
            ErrorKind::Validation => "ValidationException",
            ErrorKind::InvalidArgument => "InvalidArgumentException",
            ErrorKind::ResourceNotFound => "ResourceNotFoundException",
            ErrorKind::ResourceInUse => "ResourceInUseException",
            ErrorKind::LimitExceeded => "LimitExceededException",
            ErrorKind::ProvisionedThroughputExceeded => "ProvisionedThroughputExceededException",
            ErrorKind::ExpiredIterator => "ExpiredIteratorException",
            ErrorKind::ExpiredNextToken => "ExpiredNextTokenException",
            ErrorKind::AccessDenied => "AccessDeniedException",
            ErrorKind::InternalFailure => "InternalFailure",
            ErrorKind::UnknownOperation => "UnknownOperationException",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::InternalFailure => SERVER_ERROR_STATUS,
            _ => CLIENT_ERROR_STATUS,
        }
    }
}

/// An engine error: its kind and the message AWS would send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamsError {
    pub kind: ErrorKind,
    pub message: String,
}

pub type StreamsResult<T> = Result<T, StreamsError>;

impl StreamsError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        StreamsError { kind, message: message.into() }
    }
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, message)
    }
    pub fn limit_exceeded(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::LimitExceeded, message)
    }
    pub fn in_use(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ResourceInUse, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ResourceNotFound, message)
    }

    pub fn stream_not_found(stream: &str, account: &str) -> Self {
        Self::not_found(format!("Stream {stream} under account {account} not found."))
    }
    pub fn stream_exists(stream: &str, account: &str) -> Self {
        Self::in_use(format!("Stream {stream} under account {account} already exists."))
    }
    pub fn stream_not_active(stream: &str, account: &str, status: &str) -> Self {
        Self::in_use(format!("Stream {stream} under account {account} not ACTIVE, instead in state {status}"))
    }
    pub fn shard_not_found(shard_id: &str, stream: &str, account: &str) -> Self {
        Self::not_found(format!("Shard {shard_id} in stream {stream} under account {account} does not exist"))
    }
    pub fn write_throttled(shard_id: &str, stream: &str, account: &str) -> Self {
        Self::new(
            ErrorKind::ProvisionedThroughputExceeded,
            format!("Rate exceeded for shard {shard_id} in stream {stream} under account {account}."),
        )
    }
    pub fn read_throttled(shard_id: &str, stream: &str, account: &str) -> Self {
        Self::new(
            ErrorKind::ProvisionedThroughputExceeded,
            format!("Rate exceeded for shard {shard_id} in stream {stream} under account {account}."),
        )
    }
    pub fn iterator_expired(created_ms: EpochMillis, now_ms: EpochMillis) -> Self {
        Self::new(
            ErrorKind::ExpiredIterator,
            format!(
                "Iterator expired. The iterator was created at time {} while right now it is {} which is further in the future than the tolerated delay of 300000 milliseconds.",
                java_date(created_ms),
                java_date(now_ms)
            ),
        )
    }
    pub fn control_plane_rate(operation: &str, account: &str) -> Self {
        Self::limit_exceeded(format!("Rate exceeded for {operation} under account {account}."))
    }
}

/// `Thu Jun 11 13:21:15 UTC 2015`: how AWS's Java services print an instant in messages.
pub fn java_date(ms: EpochMillis) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = ms / 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{} {} {:02} {:02}:{:02}:{:02} UTC {}",
        DAYS[(days % 7) as usize],
        MONTHS[(m - 1) as usize],
        d,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        y
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_date_format() {
        // 2015-06-11T13:21:15Z was a Thursday.
        assert_eq!(java_date(1_434_028_875_000), "Thu Jun 11 13:21:15 UTC 2015");
        assert_eq!(java_date(0), "Thu Jan 01 00:00:00 UTC 1970");
        assert_eq!(java_date(1_767_225_600_000), "Thu Jan 01 00:00:00 UTC 2026");
    }
}

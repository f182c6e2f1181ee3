//! Firehose engine errors: AWS's error type and message text, built in one place.
//!
//! Messages marked "verified" come from AWS's API model or FACTS.md §2; the others are written in AWS's
//! style where AWS's exact text is not on record here, and say so.

/// The error types Firehose's API model lists (aws-models/firehose.json), plus the generic
/// ValidationException that AWS's JSON front end raises for model constraints (lengths, ranges).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FirehoseErrorKind {
    Validation,
    InvalidArgument,
    ResourceNotFound,
    ResourceInUse,
    LimitExceeded,
    ConcurrentModification,
    /// A server-side fault in the model (`fault: true`): throttling of Direct PUT.
    ServiceUnavailable,
}

impl FirehoseErrorKind {
    /// The `__type` AWS puts on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            FirehoseErrorKind::Validation => "ValidationException",
            FirehoseErrorKind::InvalidArgument => "InvalidArgumentException",
            FirehoseErrorKind::ResourceNotFound => "ResourceNotFoundException",
            FirehoseErrorKind::ResourceInUse => "ResourceInUseException",
            FirehoseErrorKind::LimitExceeded => "LimitExceededException",
            FirehoseErrorKind::ConcurrentModification => "ConcurrentModificationException",
            FirehoseErrorKind::ServiceUnavailable => "ServiceUnavailableException",
        }
    }

    /// Whether the model marks it a server fault (HTTP 5xx) rather than a client error.
    pub fn is_fault(self) -> bool {
        self == FirehoseErrorKind::ServiceUnavailable
    }
}

/// An engine error: its kind and the message AWS would send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirehoseError {
    pub kind: FirehoseErrorKind,
    pub message: String,
}

pub type FirehoseResult<T> = Result<T, FirehoseError>;

impl std::fmt::Display for FirehoseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind.wire_name(), self.message)
    }
}

impl std::error::Error for FirehoseError {}

/// Throttled Direct PUT: AWS answers "Slow down." (the text seen in SDK stack traces
/// `ServiceUnavailableException: Slow down.`; not in the API model).
pub const SLOW_DOWN: &str = "Slow down.";

impl FirehoseError {
    pub fn new(kind: FirehoseErrorKind, message: impl Into<String>) -> Self {
        FirehoseError { kind, message: message.into() }
    }
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(FirehoseErrorKind::InvalidArgument, message)
    }
    /// AWS's front-end constraint message: `1 validation error detected: Value … at 'field' failed to
    /// satisfy constraint: …` (the same wording every AWS JSON service uses).
    pub fn validation(field: &str, constraint: &str) -> Self {
        Self::new(
            FirehoseErrorKind::Validation,
            format!("1 validation error detected: Value at '{field}' failed to satisfy constraint: {constraint}"),
        )
    }
    /// `Firehose <name> under account <account> not found.` (AWS's format, as the brief records it).
    pub fn stream_not_found(name: &str, account: &str) -> Self {
        Self::new(FirehoseErrorKind::ResourceNotFound, format!("Firehose {name} under account {account} not found."))
    }
    /// Not AWS-verified text: same pattern as the not-found message.
    pub fn stream_exists(name: &str, account: &str) -> Self {
        Self::new(FirehoseErrorKind::ResourceInUse, format!("Firehose {name} under account {account} already exists."))
    }
    /// Not AWS-verified text: a stream that is not ACTIVE refuses writes and updates.
    pub fn stream_not_active(name: &str, account: &str, status: &str) -> Self {
        Self::new(
            FirehoseErrorKind::ResourceInUse,
            format!("Firehose {name} under account {account} is not ACTIVE, instead in state {status}."),
        )
    }
    /// Writes to a stream whose source is a Kinesis data stream (FACTS.md §2: PutRecord/PutRecordBatch
    /// are refused). Text as AWS sends it.
    pub fn not_direct_put() -> Self {
        Self::invalid_argument("This operation is not permitted on KinesisStreamAsSource delivery stream type.")
    }
    pub fn throttled() -> Self {
        Self::new(FirehoseErrorKind::ServiceUnavailable, SLOW_DOWN)
    }
}

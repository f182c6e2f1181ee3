//! An error as it crosses the wire: AWS's error type name and its message.

use serde_json::json;

pub use crate::engine::streams::error::{ErrorKind as ErrorType, CLIENT_ERROR_STATUS, SERVER_ERROR_STATUS};

/// An AWS error: its type and its message, exactly as AWS words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub error_type: ErrorType,
    pub message: String,
}

impl ApiError {
    pub fn new(error_type: ErrorType, message: impl Into<String>) -> Self {
        ApiError { error_type, message: message.into() }
    }

    /// The JSON 1.1 error body: `{"__type": "...", "message": "..."}`. AWS sends some errors (an
    /// unknown operation, an empty body) with no message at all, so an empty message is left out.
    pub fn to_json(&self) -> serde_json::Value {
        if self.message.is_empty() {
            json!({ "__type": self.error_type.wire_name() })
        } else if self.error_type == ErrorType::Serialization {
            // Coral's deserializer writes its messages under a capital-M key (kinesalite, run against AWS).
            json!({ "__type": self.error_type.wire_name(), "Message": self.message })
        } else {
            json!({ "__type": self.error_type.wire_name(), "message": self.message })
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error_type.wire_name(), self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<crate::engine::streams::error::StreamsError> for ApiError {
    fn from(e: crate::engine::streams::error::StreamsError) -> Self {
        ApiError::new(e.kind, e.message)
    }
}

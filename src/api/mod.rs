//! The AWS wire protocol over the engine: JSON 1.1 dispatch by `X-Amz-Target`, request validation
//! against AWS's own API model with AWS's exact error types and messages, and response shapes from
//! that model. Every driver (UI widgets, terminal, labs, native endpoint, tests) goes through here.

pub mod error;
pub mod eventstream;
pub mod firehose;
pub mod kinesis;
pub mod model;
pub mod observe;
pub mod observe_firehose;
pub mod s3rest;
pub mod shape_check;
pub mod validate;

pub use error::ApiError;
pub use kinesis::{ApiReply, KinesisService};

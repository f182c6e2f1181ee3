//! The pure simulation core. No DOM, no wall clock, no unseeded randomness: time moves only when the
//! caller says so (`advance_to`), so the same inputs always give the same outputs.

pub mod firehose;
pub mod pricing;
pub mod snapshot;
pub mod streams;
pub mod time;
pub mod workload;

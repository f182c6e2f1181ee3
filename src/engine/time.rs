//! Simulated time: milliseconds since the Unix epoch, advanced only by the caller.

/// A simulated instant, in milliseconds since 1970-01-01T00:00:00Z.
pub type EpochMillis = u64;

pub const MILLIS_PER_SECOND: u64 = 1_000;
pub const MILLIS_PER_MINUTE: u64 = 60 * MILLIS_PER_SECOND;
pub const MILLIS_PER_HOUR: u64 = 60 * MILLIS_PER_MINUTE;
pub const MILLIS_PER_DAY: u64 = 24 * MILLIS_PER_HOUR;

/// 2026-01-01T00:00:00Z: where a fresh browser sandbox starts its clock.
pub const DEFAULT_SANDBOX_START_MS: EpochMillis = 1_767_225_600_000;

/// The simulated second an instant falls in.
pub fn second_of(ms: EpochMillis) -> u64 {
    ms / MILLIS_PER_SECOND
}

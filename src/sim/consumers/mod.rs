//! Simulated consumers. Each acts only through `KinesisService` (the same JSON a real client sends).

use crate::api::KinesisService;
use crate::engine::time::EpochMillis;

/// Every kind of consumer the sandbox runs. (Variants are filled in by `polling`, `fan_out` and `kcl`.)
#[derive(Debug, Clone, PartialEq)]
pub enum Consumer {}

impl Consumer {
    /// Does whatever this consumer would do during the tick that ends at `now_ms` (the engine's clock is
    /// already at `now_ms`); `tick_ms` is the tick's length.
    pub fn step(&mut self, _service: &mut KinesisService, _now_ms: EpochMillis, _tick_ms: u64) {
        match *self {}
    }
}

//! The sandbox around the engine: simulated producers and consumers that act through the API, exactly as
//! a real client would, and the driver that moves them and the clock together.

pub mod consumers;

use crate::api::KinesisService;
use crate::engine::streams::EngineConfig;
use crate::engine::time::EpochMillis;

/// One learner's sandbox: the simulated account plus everything acting on it.
pub struct Sandbox {
    pub service: KinesisService,
}

impl Sandbox {
    pub fn new(config: EngineConfig, start_ms: EpochMillis) -> Self {
        Sandbox { service: KinesisService::new(config, start_ms) }
    }

    pub fn now_ms(&self) -> EpochMillis {
        self.service.engine.now_ms()
    }

    /// Moves the simulated clock (and, later, every producer and consumer) to `target_ms`.
    pub fn advance_to(&mut self, target_ms: EpochMillis) {
        self.service.engine.advance_to(target_ms);
    }
}

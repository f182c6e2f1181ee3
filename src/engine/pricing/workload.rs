//! A Data Streams workload, steady over the month, with units in every name.

use serde::{Deserialize, Serialize};

use super::units::{INCLUDED_RETENTION_HOURS, MAX_RETENTION_HOURS};

/// Enhanced fan-out consumers per stream (FACTS.md §1: 20; 50 only with On-demand Advantage, not priced here).
pub const MAX_EFO_CONSUMERS: u32 = 20;

/// Shards per stream (FACTS.md §1: UpdateShardCount allows up to 10,000 shards per stream).
pub const MAX_SHARDS: u64 = 10_000;

/// Largest Data Streams record: 10 MiB, for a stream raised with MaxRecordSizeInKiB (FACTS.md §1).
pub const MAX_RECORD_BYTES: u64 = crate::engine::streams::limits::MAX_MAX_RECORD_SIZE_KIB as u64 * 1024;

/// What a design writes, keeps and reads, at a steady rate all month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// Records written per second, all producers together.
    pub records_per_sec: u64,
    /// Average record size in bytes (data blob plus partition key, as the shard limits count it).
    pub avg_record_bytes: u64,
    /// Shared-throughput (GetRecords polling) consumers, each reading every record.
    pub consumers_classic: u32,
    /// Enhanced fan-out consumers, each reading every record.
    pub consumers_efo: u32,
    /// Stream retention, 24–8,760 hours.
    pub retention_hours: u32,
    /// Provisioned shard count; `None` sizes it with the rule of thumb (`sizing::size_shards`). Ignored by
    /// on-demand estimates.
    pub shards: Option<u64>,
    /// GB read each month from data older than 7 days (replays): billed as long-term retrieval.
    pub long_term_read_gb_per_month: u64,
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            records_per_sec: 1000,
            avg_record_bytes: 1024,
            consumers_classic: 1,
            consumers_efo: 0,
            retention_hours: INCLUDED_RETENTION_HOURS,
            shards: None,
            long_term_read_gb_per_month: 0,
        }
    }
}

/// Why a workload cannot be priced. Not AWS-verified text: these are the lab's own messages.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkloadError {
    /// Retention outside 24–8,760 h (FACTS.md §1).
    RetentionOutOfRange { hours: u32 },
    /// More EFO consumers than a stream may register (FACTS.md §1: 20).
    TooManyEfoConsumers { consumers: u32 },
    /// Zero or more than 10,000 shards.
    ShardCountOutOfRange { shards: u64 },
    /// A record larger than the service accepts (Data Streams: 10 MiB once a stream is raised, FACTS.md §1;
    /// Firehose: 1,000 KiB, FACTS.md §2). Also keeps every byte count well inside `u128`.
    RecordTooLarge { bytes: u64, max_bytes: u64 },
    /// Long-term reads asked for, but retention keeps nothing beyond 7 days.
    LongTermReadWithoutLongTermRetention { retention_hours: u32 },
}

impl std::fmt::Display for WorkloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkloadError::RetentionOutOfRange { hours } => {
                write!(f, "retention of {hours} h is outside 24–8,760 h")
            }
            WorkloadError::TooManyEfoConsumers { consumers } => {
                write!(f, "{consumers} enhanced fan-out consumers: a stream registers at most {MAX_EFO_CONSUMERS}")
            }
            WorkloadError::ShardCountOutOfRange { shards } => {
                write!(f, "{shards} shards: a stream has 1 to {MAX_SHARDS}")
            }
            WorkloadError::RecordTooLarge { bytes, max_bytes } => {
                write!(f, "records of {bytes} bytes: the service accepts at most {max_bytes} bytes per record")
            }
            WorkloadError::LongTermReadWithoutLongTermRetention { retention_hours } => {
                write!(f, "long-term reads need retention above 168 h (7 days); this stream keeps {retention_hours} h")
            }
        }
    }
}

impl std::error::Error for WorkloadError {}

impl Workload {
    /// Checks the bounds AWS puts on a stream.
    pub fn validate(&self) -> Result<(), WorkloadError> {
        if !(INCLUDED_RETENTION_HOURS..=MAX_RETENTION_HOURS).contains(&self.retention_hours) {
            return Err(WorkloadError::RetentionOutOfRange { hours: self.retention_hours });
        }
        if self.avg_record_bytes > MAX_RECORD_BYTES {
            return Err(WorkloadError::RecordTooLarge { bytes: self.avg_record_bytes, max_bytes: MAX_RECORD_BYTES });
        }
        if self.consumers_efo > MAX_EFO_CONSUMERS {
            return Err(WorkloadError::TooManyEfoConsumers { consumers: self.consumers_efo });
        }
        if let Some(shards) = self.shards {
            if shards == 0 || shards > MAX_SHARDS {
                return Err(WorkloadError::ShardCountOutOfRange { shards });
            }
        }
        if self.long_term_read_gb_per_month > 0 && self.retention_hours <= super::units::EXTENDED_RETENTION_MAX_HOURS {
            return Err(WorkloadError::LongTermReadWithoutLongTermRetention { retention_hours: self.retention_hours });
        }
        Ok(())
    }

    /// Bytes written per second (exact).
    pub fn write_bytes_per_sec(&self) -> u128 {
        self.records_per_sec as u128 * self.avg_record_bytes as u128
    }
}

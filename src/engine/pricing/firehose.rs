//! Amazon Data Firehose ingestion (Direct PUT or a Kinesis stream as source): tiered per GB per month, each
//! record rounded up to 5 KB (FACTS.md §5). Tiers on AWS's Firehose pricing page: first 500 TB / month,
//! next 1.5 PB / month (to 2 PB), next 3 PB / month (to 5 PB); beyond 5 PB AWS quotes on request, so this
//! engine keeps the third tier's rate open-ended. Optional features (format conversion, dynamic
//! partitioning, VPC delivery) are not priced here.

use serde::{Deserialize, Serialize};

use super::format::{int, qty};
use super::rates::Rates;
use super::units::{firehose_billed_bytes, gb, records_per_month, BYTES_PER_GB, GB_PER_TB, SECONDS_PER_MONTH};
use super::workload::WorkloadError;
use super::{Bill, PricingError};
use crate::engine::firehose::limits::RECORD_MAX_BYTES;

/// End of the first tier: 500 TB = 512,000 GB.
pub const TIER1_END_GB: u64 = 500 * GB_PER_TB;
/// End of the second tier: 500 TB + 1.5 PB = 2 PB = 2,097,152 GB.
pub const TIER2_END_GB: u64 = 2 * 1024 * GB_PER_TB;

/// End of the third tier: 2 PB + 3 PB = 5 PB. AWS quotes volumes beyond it on request.
pub const TIER3_END_GB: u64 = 5 * 1024 * GB_PER_TB;

/// Bill line labels.
pub mod label {
    pub const TIER1: &str = "Ingestion, first 500 TB";
    pub const TIER2: &str = "Ingestion, next 1.5 PB";
    pub const TIER3: &str = "Ingestion, beyond 2 PB";
}

/// What is sent to one delivery stream (or several sharing the account's monthly tiers), steadily.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirehoseWorkload {
    pub records_per_sec: u64,
    pub avg_record_bytes: u64,
}

/// Billed bytes per month: records × (record size rounded up to 5 KB).
pub fn billed_bytes_per_month(w: &FirehoseWorkload) -> u128 {
    records_per_month(w.records_per_sec) * firehose_billed_bytes(w.avg_record_bytes) as u128
}

/// A month of Firehose ingestion, one line per tier reached.
pub fn estimate_firehose(w: &FirehoseWorkload, rates: &Rates) -> Result<Bill, PricingError> {
    rates.validate()?;
    if w.avg_record_bytes > RECORD_MAX_BYTES {
        return Err(WorkloadError::RecordTooLarge { bytes: w.avg_record_bytes, max_bytes: RECORD_MAX_BYTES }.into());
    }
    let mut bill = Bill::new("Amazon Data Firehose, ingestion", rates);
    let records = records_per_month(w.records_per_sec);
    let billed_record = firehose_billed_bytes(w.avg_record_bytes);
    let total = billed_bytes_per_month(w);
    bill.notes.push(format!(
        "Records per month: {} records/s × {} s (730 h) = {} records",
        int(w.records_per_sec as u128),
        int(SECONDS_PER_MONTH as u128),
        int(records)
    ));
    bill.notes.push(format!(
        "Each record rounded up to 5 KB (5,120 bytes): {} bytes → {} bytes; {} records × {} bytes = {} bytes = \
         {} GB",
        int(w.avg_record_bytes as u128),
        int(billed_record as u128),
        int(records),
        int(billed_record as u128),
        int(total),
        qty(gb(total))
    ));

    if total > TIER3_END_GB as u128 * BYTES_PER_GB as u128 {
        bill.notes.push(
            "Beyond 5 PB a month AWS prices on request; the third tier's rate is applied here as an estimate"
                .to_string(),
        );
    }
    let b1 = TIER1_END_GB as u128 * BYTES_PER_GB as u128;
    let b2 = TIER2_END_GB as u128 * BYTES_PER_GB as u128;
    let tiers = [
        (label::TIER1, 0u128, b1, rates.firehose_tier1_gb_usd),
        (label::TIER2, b1, b2, rates.firehose_tier2_gb_usd),
        (label::TIER3, b2, u128::MAX, rates.firehose_tier3_gb_usd),
    ];
    for (label, start, end, rate) in tiers {
        let in_tier = total.min(end).saturating_sub(start);
        // The first tier always shows, so an empty month still has a line explaining the rate.
        if in_tier == 0 && start > 0 {
            continue;
        }
        let range = if end == u128::MAX {
            format!("beyond {} GB", int(start / BYTES_PER_GB as u128))
        } else {
            format!("{}–{} GB", int(start / BYTES_PER_GB as u128), int(end / BYTES_PER_GB as u128))
        };
        bill.push(
            label,
            gb(in_tier),
            "GB",
            rate,
            format!("{} GB (the part of {} GB within {range})", qty(gb(in_tier)), qty(gb(total))),
        );
    }
    Ok(bill)
}

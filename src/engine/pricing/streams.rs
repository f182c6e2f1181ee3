//! Kinesis Data Streams bills: provisioned and on-demand (Standard). FACTS.md §5 gives the rates, §1 the
//! retention tiers (≤ 24 h included; 24 h – 7 days extended; beyond 7 days long-term).
//!
//! Steady state is assumed: traffic is constant all month and the stream has existed longer than its
//! retention, so the data kept beyond a tier's start is `bytes/s × 3,600 × hours in the tier` all month long.
//! Stored and read bytes are the records' own bytes; only on-demand Data-In is rounded up per record to 1 KB,
//! as FACTS.md §5 states (whether AWS also rounds reads and stored bytes is not stated there).

use super::format::{int, qty};
use super::rates::Rates;
use super::sizing::size_shards;
use super::units::{
    gb, on_demand_billed_bytes, put_payload_units, records_per_month, EXTENDED_RETENTION_MAX_HOURS, HOURS_PER_MONTH,
    INCLUDED_RETENTION_HOURS, PUT_PAYLOAD_UNIT_BYTES, SECONDS_PER_MONTH,
};
use super::workload::{Workload, MAX_SHARDS};
use super::{Bill, PricingError};

/// Bill line labels, shared with the tests and the UI.
pub mod label {
    pub const SHARD_HOURS: &str = "Shard hours";
    pub const PUT_PAYLOAD_UNITS: &str = "PUT payload units";
    pub const EXTENDED_RETENTION: &str = "Extended retention (24 h to 7 days)";
    pub const LONG_TERM_RETENTION: &str = "Long-term retention (beyond 7 days)";
    pub const LONG_TERM_RETRIEVAL: &str = "Long-term retrieval";
    pub const EFO_CONSUMER_SHARD_HOURS: &str = "Enhanced fan-out consumer-shard hours";
    pub const EFO_RETRIEVAL: &str = "Enhanced fan-out data retrieval";
    pub const STREAM_HOURS: &str = "On-demand stream hours";
    pub const DATA_IN: &str = "Data in";
    pub const DATA_OUT: &str = "Data out (shared-throughput consumers)";
}

/// Hours of retention in the extended tier: (min(retention, 168) − 24), 0 when retention is 24 h.
fn extended_hours(retention_hours: u32) -> u32 {
    retention_hours.min(EXTENDED_RETENTION_MAX_HOURS).saturating_sub(INCLUDED_RETENTION_HOURS)
}

/// Hours of retention in the long-term tier: (retention − 168), 0 up to 7 days.
fn long_term_hours(retention_hours: u32) -> u32 {
    retention_hours.saturating_sub(EXTENDED_RETENTION_MAX_HOURS)
}

fn records_note(w: &Workload) -> String {
    format!(
        "Records per month: {} records/s × {} s (730 h) = {} records of {} bytes",
        int(w.records_per_sec as u128),
        int(SECONDS_PER_MONTH as u128),
        int(records_per_month(w.records_per_sec)),
        int(w.avg_record_bytes as u128)
    )
}

/// Adds the line for data kept `tier_hours` in a per-GB-month tier.
fn push_stored(bill: &mut Bill, label: &str, w: &Workload, tier_hours: u32, tier: &str, rate: f64) {
    let bytes = w.write_bytes_per_sec().saturating_mul(3600 * tier_hours as u128);
    let steps = format!(
        "{} bytes/s × 3,600 s × {tier_hours} h ({tier}) = {} bytes = {} GB kept all month = {} GB-months",
        int(w.write_bytes_per_sec()),
        int(bytes),
        qty(gb(bytes)),
        qty(gb(bytes))
    );
    bill.push(label, gb(bytes), "GB-month", rate, steps);
}

fn push_long_term_retrieval(bill: &mut Bill, w: &Workload, rates: &Rates) {
    if w.long_term_read_gb_per_month > 0 {
        let steps = format!("{} GB read from data older than 7 days", int(w.long_term_read_gb_per_month as u128));
        bill.push(
            label::LONG_TERM_RETRIEVAL,
            w.long_term_read_gb_per_month as f64,
            "GB",
            rates.long_term_retrieval_gb_usd,
            steps,
        );
    }
}

/// Bytes read per month by `consumers` consumers each reading every record.
fn read_bytes(w: &Workload, consumers: u32) -> u128 {
    // Saturates rather than panics: the consumer count is not bounded by AWS for shared-throughput readers.
    records_per_month(w.records_per_sec).saturating_mul(w.avg_record_bytes as u128).saturating_mul(consumers as u128)
}

fn push_read(bill: &mut Bill, label: &str, w: &Workload, consumers: u32, rate: f64) {
    let bytes = read_bytes(w, consumers);
    let steps = format!(
        "{} records × {} bytes × {consumers} consumer(s) = {} bytes = {} GB",
        int(records_per_month(w.records_per_sec)),
        int(w.avg_record_bytes as u128),
        int(bytes),
        qty(gb(bytes))
    );
    bill.push(label, gb(bytes), "GB", rate, steps);
}

/// A month of a provisioned stream: shard hours, PUT payload units, retention, EFO.
pub fn estimate_streams_provisioned(w: &Workload, rates: &Rates) -> Result<Bill, PricingError> {
    rates.validate()?;
    w.validate()?;
    let mut bill = Bill::new("Kinesis Data Streams, provisioned", rates);
    let shards = match w.shards {
        Some(s) => {
            bill.notes.push(format!("Shards: {s}, as given"));
            s
        }
        None => {
            let sizing = size_shards(w);
            bill.notes.extend(sizing.steps);
            if sizing.shards > MAX_SHARDS {
                bill.notes.push(format!(
                    "{} shards is more than one stream's {MAX_SHARDS}: this traffic needs several streams (priced \
                     here as if one)",
                    int(sizing.shards as u128)
                ));
            }
            sizing.shards
        }
    };
    bill.notes.push(records_note(w));
    let shard_hours = shards as u128 * HOURS_PER_MONTH as u128;

    bill.push(
        label::SHARD_HOURS,
        shard_hours as f64,
        "shard-hour",
        rates.provisioned_shard_hour_usd,
        format!("{shards} shard(s) × 730 h = {} shard-hours", int(shard_hours)),
    );

    let units_per_record = put_payload_units(w.avg_record_bytes);
    let units = records_per_month(w.records_per_sec) * units_per_record as u128;
    bill.push(
        label::PUT_PAYLOAD_UNITS,
        units as f64 / 1_000_000.0,
        "million PUT payload units",
        rates.provisioned_put_payload_units_per_million_usd,
        format!(
            "{} bytes ÷ {} bytes (25 KB), rounded up = {units_per_record} unit(s) per record; {} records × \
             {units_per_record} = {} units = {} million",
            int(w.avg_record_bytes as u128),
            int(PUT_PAYLOAD_UNIT_BYTES as u128),
            int(records_per_month(w.records_per_sec)),
            int(units),
            qty(units as f64 / 1_000_000.0)
        ),
    );

    if w.retention_hours > INCLUDED_RETENTION_HOURS {
        bill.push(
            label::EXTENDED_RETENTION,
            shard_hours as f64,
            "shard-hour",
            rates.provisioned_extended_retention_shard_hour_usd,
            format!(
                "retention {} h > 24 h: every shard-hour pays extended retention; {shards} shard(s) × 730 h = {} \
                 shard-hours",
                w.retention_hours,
                int(shard_hours)
            ),
        );
    }
    let lt_hours = long_term_hours(w.retention_hours);
    if lt_hours > 0 {
        push_stored(
            &mut bill,
            label::LONG_TERM_RETENTION,
            w,
            lt_hours,
            "retention beyond 168 h",
            rates.provisioned_long_term_retention_gb_month_usd,
        );
    }
    push_long_term_retrieval(&mut bill, w, rates);

    if w.consumers_efo > 0 {
        let consumer_shard_hours = w.consumers_efo as u128 * shard_hours;
        bill.push(
            label::EFO_CONSUMER_SHARD_HOURS,
            consumer_shard_hours as f64,
            "consumer-shard-hour",
            rates.provisioned_efo_consumer_shard_hour_usd,
            format!(
                "{} consumer(s) × {shards} shard(s) × 730 h = {} consumer-shard-hours",
                w.consumers_efo,
                int(consumer_shard_hours)
            ),
        );
        push_read(&mut bill, label::EFO_RETRIEVAL, w, w.consumers_efo, rates.provisioned_efo_retrieval_gb_usd);
    }
    Ok(bill)
}

/// A month of an on-demand (Standard) stream: stream hours, data in (1 KB rounding), data out, EFO,
/// retention per GB-month.
pub fn estimate_streams_on_demand(w: &Workload, rates: &Rates) -> Result<Bill, PricingError> {
    rates.validate()?;
    w.validate()?;
    let mut bill = Bill::new("Kinesis Data Streams, on-demand", rates);
    bill.notes.push(records_note(w));

    bill.push(
        label::STREAM_HOURS,
        HOURS_PER_MONTH as f64,
        "stream-hour",
        rates.on_demand_stream_hour_usd,
        "1 stream × 730 h = 730 stream-hours".to_string(),
    );

    let billed_record = on_demand_billed_bytes(w.avg_record_bytes);
    let in_bytes = records_per_month(w.records_per_sec) * billed_record as u128;
    bill.push(
        label::DATA_IN,
        gb(in_bytes),
        "GB",
        rates.on_demand_data_in_gb_usd,
        format!(
            "{} bytes rounded up to whole KB = {} bytes per record; {} records × {} bytes = {} bytes = {} GB",
            int(w.avg_record_bytes as u128),
            int(billed_record as u128),
            int(records_per_month(w.records_per_sec)),
            int(billed_record as u128),
            int(in_bytes),
            qty(gb(in_bytes))
        ),
    );

    if w.consumers_classic > 0 {
        push_read(&mut bill, label::DATA_OUT, w, w.consumers_classic, rates.on_demand_data_out_gb_usd);
    }
    if w.consumers_efo > 0 {
        push_read(&mut bill, label::EFO_RETRIEVAL, w, w.consumers_efo, rates.on_demand_efo_retrieval_gb_usd);
    }
    let ext_hours = extended_hours(w.retention_hours);
    if ext_hours > 0 {
        push_stored(
            &mut bill,
            label::EXTENDED_RETENTION,
            w,
            ext_hours,
            "retention from 24 h up to 168 h",
            rates.on_demand_extended_retention_gb_month_usd,
        );
    }
    let lt_hours = long_term_hours(w.retention_hours);
    if lt_hours > 0 {
        push_stored(
            &mut bill,
            label::LONG_TERM_RETENTION,
            w,
            lt_hours,
            "retention beyond 168 h",
            rates.on_demand_long_term_retention_gb_month_usd,
        );
    }
    push_long_term_retrieval(&mut bill, w, rates);
    Ok(bill)
}

//! The cost calculator's pure half: what each rate is called on the page, reading the workload form's text
//! into the pricing engine's `Workload` with one error per field, and the candidate designs the "cheapest
//! under a latency goal" table compares. No browser types, so it is tested natively; `ui::pricing` draws it.

use crate::engine::pricing::workload::MAX_EFO_CONSUMERS;
use crate::engine::pricing::{CapacityMode, Design, FirehoseWorkload, Workload};

/// How the page names a rate field of `Rates::named()`: a label and the unit its USD figure is per.
pub fn rate_label(field: &str) -> (&'static str, &'static str) {
    match field {
        "provisioned_shard_hour_usd" => ("Provisioned: shard hour", "per shard-hour"),
        "provisioned_put_payload_units_per_million_usd" => ("Provisioned: PUT payload units", "per million units"),
        "provisioned_extended_retention_shard_hour_usd" => {
            ("Provisioned: extended retention (24 h – 7 days)", "per shard-hour")
        }
        "provisioned_long_term_retention_gb_month_usd" => {
            ("Provisioned: long-term retention (beyond 7 days)", "per GB-month")
        }
        "long_term_retrieval_gb_usd" => ("Long-term retrieval (both modes)", "per GB"),
        "provisioned_efo_consumer_shard_hour_usd" => ("Provisioned: enhanced fan-out consumer-shard hour", "per consumer-shard-hour"),
        "provisioned_efo_retrieval_gb_usd" => ("Provisioned: enhanced fan-out retrieval", "per GB"),
        "on_demand_stream_hour_usd" => ("On-demand: stream hour", "per stream-hour"),
        "on_demand_data_in_gb_usd" => ("On-demand: data in (records rounded up to 1 KB)", "per GB"),
        "on_demand_data_out_gb_usd" => ("On-demand: data out (shared-throughput consumers)", "per GB"),
        "on_demand_efo_retrieval_gb_usd" => ("On-demand: enhanced fan-out retrieval", "per GB"),
        "on_demand_extended_retention_gb_month_usd" => ("On-demand: extended retention (24 h – 7 days)", "per GB-month"),
        "on_demand_long_term_retention_gb_month_usd" => ("On-demand: long-term retention (beyond 7 days)", "per GB-month"),
        "firehose_tier1_gb_usd" => ("Firehose ingestion: first 500 TB / month", "per GB"),
        "firehose_tier2_gb_usd" => ("Firehose ingestion: next 1.5 PB / month", "per GB"),
        "firehose_tier3_gb_usd" => ("Firehose ingestion: beyond 2 PB / month", "per GB"),
        _ => ("Rate", "USD"),
    }
}

/// A rate typed into the rates table: a plain decimal number of dollars, `$` allowed. Refuses text that is
/// not a number; the sign and finiteness checks are `Rates::set`'s, so the page and the engine agree.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let t = text.trim().trim_start_matches('$').trim();
    if t.is_empty() {
        return Err("enter a rate in USD, e.g. 0.015".to_string());
    }
    t.parse::<f64>().map_err(|_| format!("\"{}\" is not a number of dollars", text.trim()))
}

/// The workload form as typed, one string per input.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WorkloadText {
    pub records_per_sec: String,
    pub avg_record_bytes: String,
    pub consumers_classic: String,
    pub consumers_efo: String,
    pub retention_hours: String,
    /// Empty: size the stream with the rule of thumb.
    pub shards: String,
    pub long_term_read_gb_per_month: String,
}

impl WorkloadText {
    /// The form's starting values: the engine's default workload (1,000 records/s of 1 KiB, one consumer).
    pub fn from_workload(w: &Workload) -> WorkloadText {
        WorkloadText {
            records_per_sec: w.records_per_sec.to_string(),
            avg_record_bytes: w.avg_record_bytes.to_string(),
            consumers_classic: w.consumers_classic.to_string(),
            consumers_efo: w.consumers_efo.to_string(),
            retention_hours: w.retention_hours.to_string(),
            shards: w.shards.map(|s| s.to_string()).unwrap_or_default(),
            long_term_read_gb_per_month: w.long_term_read_gb_per_month.to_string(),
        }
    }
}

/// Which input an error belongs to, so the page shows it beside that input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadField {
    RecordsPerSec,
    AvgRecordBytes,
    ConsumersClassic,
    ConsumersEfo,
    RetentionHours,
    Shards,
    LongTermReadGb,
}

/// A whole number ≥ 0 (or ≥ `min`) in the form; thousands separators and spaces are tolerated.
fn whole(text: &str, what: &str, min: u64) -> Result<u64, String> {
    let cleaned: String = text.chars().filter(|c| !matches!(c, ',' | '_' | ' ')).collect();
    if cleaned.is_empty() {
        return Err(format!("enter the {what}"));
    }
    let n = cleaned.parse::<u64>().map_err(|_| format!("the {what} must be a whole number, not \"{}\"", text.trim()))?;
    if n < min {
        return Err(format!("the {what} must be at least {min}"));
    }
    Ok(n)
}

fn narrow(n: u64, what: &str) -> Result<u32, String> {
    u32::try_from(n).map_err(|_| format!("the {what} is too large"))
}

/// Reads the form: `Ok(workload)` or every field's error (in form order). The engine's own bounds
/// (retention 24–8,760 h, ≤ 20 EFO consumers, 1–10,000 shards, record size) are then checked by
/// `Workload::validate` and mapped to their field by `field_of`.
pub fn parse_workload(t: &WorkloadText) -> Result<Workload, Vec<(WorkloadField, String)>> {
    let mut errors = Vec::new();
    let mut take = |field: WorkloadField, r: Result<u64, String>| match r {
        Ok(n) => Some(n),
        Err(e) => {
            errors.push((field, e));
            None
        }
    };
    let records_per_sec = take(WorkloadField::RecordsPerSec, whole(&t.records_per_sec, "records per second", 0));
    let avg_record_bytes = take(WorkloadField::AvgRecordBytes, whole(&t.avg_record_bytes, "record size", 1));
    let classic = take(
        WorkloadField::ConsumersClassic,
        whole(&t.consumers_classic, "number of shared-throughput consumers", 0)
            .and_then(|n| narrow(n, "number of consumers").map(u64::from)),
    );
    let efo = take(
        WorkloadField::ConsumersEfo,
        whole(&t.consumers_efo, "number of enhanced fan-out consumers", 0)
            .and_then(|n| narrow(n, "number of consumers").map(u64::from)),
    );
    let retention = take(
        WorkloadField::RetentionHours,
        whole(&t.retention_hours, "retention", 0).and_then(|n| narrow(n, "retention").map(u64::from)),
    );
    let shards = if t.shards.trim().is_empty() {
        Some(None)
    } else {
        take(WorkloadField::Shards, whole(&t.shards, "shard count", 0)).map(Some)
    };
    let long_term = take(
        WorkloadField::LongTermReadGb,
        whole(&t.long_term_read_gb_per_month, "GB read from long-term retention", 0),
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    // Every `take` above succeeded when `errors` is empty.
    match (records_per_sec, avg_record_bytes, classic, efo, retention, shards, long_term) {
        (Some(r), Some(b), Some(c), Some(e), Some(h), Some(s), Some(l)) => {
            let w = Workload {
                records_per_sec: r,
                avg_record_bytes: b,
                consumers_classic: c as u32,
                consumers_efo: e as u32,
                retention_hours: h as u32,
                shards: s,
                long_term_read_gb_per_month: l,
            };
            match w.validate() {
                Ok(()) => Ok(w),
                Err(e) => Err(vec![(field_of(&e), e.to_string())]),
            }
        }
        _ => Err(vec![(WorkloadField::RecordsPerSec, "the form could not be read".to_string())]),
    }
}

/// The input a `WorkloadError` is about.
pub fn field_of(e: &crate::engine::pricing::WorkloadError) -> WorkloadField {
    use crate::engine::pricing::WorkloadError as E;
    match e {
        E::RetentionOutOfRange { .. } => WorkloadField::RetentionHours,
        E::TooManyEfoConsumers { .. } => WorkloadField::ConsumersEfo,
        E::ShardCountOutOfRange { .. } => WorkloadField::Shards,
        E::RecordTooLarge { .. } => WorkloadField::AvgRecordBytes,
        E::LongTermReadWithoutLongTermRetention { .. } => WorkloadField::LongTermReadGb,
    }
}

/// The same traffic sent to Firehose instead of a stream.
pub fn firehose_workload(w: &Workload) -> FirehoseWorkload {
    FirehoseWorkload { records_per_sec: w.records_per_sec, avg_record_bytes: w.avg_record_bytes }
}

/// The designs compared under a latency goal: the learner's consumers as they are (classic and EFO) and
/// all of them moved to enhanced fan-out, each in provisioned and on-demand mode. The all-EFO variants are
/// left out when there are more consumers than a stream may register, or when the learner has only EFO
/// consumers already (they would repeat the first two). Shards follow the learner's choice (or the rule of
/// thumb); moving classic consumers to EFO also lets the rule size for writes only.
pub fn candidate_designs(w: &Workload) -> Vec<Design> {
    let mut designs = vec![
        Design { name: "Provisioned, consumers as entered".to_string(), mode: CapacityMode::Provisioned, workload: w.clone() },
        Design { name: "On-demand, consumers as entered".to_string(), mode: CapacityMode::OnDemand, workload: w.clone() },
    ];
    let all = w.consumers_classic.saturating_add(w.consumers_efo);
    if w.consumers_classic > 0 && all <= MAX_EFO_CONSUMERS {
        let efo = Workload { consumers_classic: 0, consumers_efo: all, ..w.clone() };
        designs.push(Design {
            name: format!("Provisioned, all {all} consumers on enhanced fan-out"),
            mode: CapacityMode::Provisioned,
            workload: efo.clone(),
        });
        designs.push(Design {
            name: format!("On-demand, all {all} consumers on enhanced fan-out"),
            mode: CapacityMode::OnDemand,
            workload: efo,
        });
    }
    designs
}

/// A billed unit for a quantity: `GB` stays, `shard-hour` becomes `shard-hours` unless the quantity is 1.
pub fn unit_for(quantity: f64, unit: &str) -> String {
    if quantity == 1.0 || unit == "GB" || unit.ends_with('s') {
        unit.to_string()
    } else {
        format!("{unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::pricing::Rates;

    #[test]
    fn every_rate_has_a_label_and_unit() {
        for (field, _) in Rates::us_east_1_nov_2026().named() {
            let (label, unit) = rate_label(field);
            assert_ne!(label, "Rate", "{field} has no label");
            assert!(unit.starts_with("per "), "{field}: {unit}");
        }
    }

    #[test]
    fn rates_parse_as_dollars_or_say_why_not() {
        assert_eq!(parse_rate(" $0.015 "), Ok(0.015));
        assert_eq!(parse_rate("-1"), Ok(-1.0), "the sign is Rates::set's to refuse");
        assert!(parse_rate("").is_err());
        assert!(parse_rate("abc").unwrap_err().contains("abc"));
    }

    #[test]
    fn units_take_a_plural() {
        assert_eq!(unit_for(1460.0, "shard-hour"), "shard-hours");
        assert_eq!(unit_for(1.0, "shard-hour"), "shard-hour");
        assert_eq!(unit_for(3.5, "GB"), "GB");
        assert_eq!(unit_for(2.0, "million PUT payload units"), "million PUT payload units");
    }

    #[test]
    fn the_default_form_reads_back_as_the_default_workload() {
        let w = Workload::default();
        assert_eq!(parse_workload(&WorkloadText::from_workload(&w)), Ok(w));
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut t = WorkloadText::from_workload(&Workload::default());
        t.records_per_sec = "lots".into();
        t.avg_record_bytes = "0".into();
        let errors = parse_workload(&t).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec![WorkloadField::RecordsPerSec, WorkloadField::AvgRecordBytes]);
        assert!(errors[0].1.contains("lots"));
    }

    #[test]
    fn engine_bounds_land_on_their_field() {
        let mut t = WorkloadText::from_workload(&Workload::default());
        t.retention_hours = "10".into();
        assert_eq!(parse_workload(&t).unwrap_err()[0].0, WorkloadField::RetentionHours);
        t.retention_hours = "24".into();
        t.consumers_efo = "21".into();
        assert_eq!(parse_workload(&t).unwrap_err()[0].0, WorkloadField::ConsumersEfo);
        t.consumers_efo = "0".into();
        t.shards = "0".into();
        assert_eq!(parse_workload(&t).unwrap_err()[0].0, WorkloadField::Shards);
        t.shards = "1,000".into();
        assert_eq!(parse_workload(&t).map(|w| w.shards), Ok(Some(1000)));
    }

    #[test]
    fn candidates_move_every_consumer_to_efo_when_allowed() {
        let w = Workload { consumers_classic: 3, consumers_efo: 1, ..Workload::default() };
        let d = candidate_designs(&w);
        assert_eq!(d.len(), 4);
        assert_eq!((d[2].workload.consumers_classic, d[2].workload.consumers_efo), (0, 4));
        let w = Workload { consumers_classic: 19, consumers_efo: 2, ..Workload::default() };
        assert_eq!(candidate_designs(&w).len(), 2, "21 EFO consumers cannot be registered");
        let w = Workload { consumers_classic: 0, consumers_efo: 2, ..Workload::default() };
        assert_eq!(candidate_designs(&w).len(), 2);
    }
}

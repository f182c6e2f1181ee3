//! The pricing engine (src/engine/pricing) against hand-computed bills. Rates are FACTS.md §5 (us-east-1,
//! Nov 2026); retention tiers FACTS.md §1; rounding per record FACTS.md §5 and AWS's pricing pages (on-demand
//! Data-In: "rounded up to the nearest 1 KB (1,024 bytes)"; Firehose: each record rounded up to 5 KB).
//! A month is 730 h = 2,628,000 s; a GB is 2^30 bytes.

use kinesis_lab::engine::pricing::compare::{CLASSIC_LATENCY_MS_PER_CONSUMER, EFO_LATENCY_MS};
use kinesis_lab::engine::pricing::firehose::{self, billed_bytes_per_month, TIER1_END_GB, TIER2_END_GB};
use kinesis_lab::engine::pricing::streams::label;
use kinesis_lab::engine::pricing::units::{
    firehose_billed_bytes, on_demand_billed_bytes, put_payload_units, SECONDS_PER_MONTH,
};
use kinesis_lab::engine::pricing::workload::WorkloadError;
use kinesis_lab::engine::pricing::*;
use proptest::prelude::*;

fn rates() -> Rates {
    Rates::us_east_1_nov_2026()
}

/// Equal to within a millionth of a cent (costs are unrounded f64).
fn assert_usd(actual: f64, expected: f64) {
    assert!((actual - expected).abs() < 1e-8, "got {actual}, expected {expected}");
}

fn line<'a>(bill: &'a Bill, label: &str) -> &'a BillLine {
    bill.line(label).unwrap_or_else(|| panic!("no line {label:?} in {:#?}", bill.lines))
}

fn workload(records_per_sec: u64, avg_record_bytes: u64) -> Workload {
    Workload {
        records_per_sec,
        avg_record_bytes,
        consumers_classic: 1,
        consumers_efo: 0,
        retention_hours: 24,
        shards: None,
        long_term_read_gb_per_month: 0,
    }
}

// ---------------------------------------------------------------- rates

#[test]
fn default_rates_are_facts_section_5_with_their_date() {
    let r = rates();
    assert_eq!(r.as_of, "2026-11");
    assert_eq!(r.region, "us-east-1");
    assert_eq!(r.sources.len(), 3, "FACTS.md §5 names three sources");
    assert_eq!(r.provisioned_shard_hour_usd, 0.015);
    assert_eq!(r.provisioned_put_payload_units_per_million_usd, 0.014);
    assert_eq!(r.provisioned_extended_retention_shard_hour_usd, 0.02);
    assert_eq!(r.provisioned_long_term_retention_gb_month_usd, 0.023);
    assert_eq!(r.long_term_retrieval_gb_usd, 0.021);
    assert_eq!(r.provisioned_efo_consumer_shard_hour_usd, 0.015);
    assert_eq!(r.provisioned_efo_retrieval_gb_usd, 0.013);
    assert_eq!(r.on_demand_stream_hour_usd, 0.04);
    assert_eq!(r.on_demand_data_in_gb_usd, 0.08);
    assert_eq!(r.on_demand_data_out_gb_usd, 0.04);
    assert_eq!(r.on_demand_efo_retrieval_gb_usd, 0.05);
    assert_eq!(r.on_demand_extended_retention_gb_month_usd, 0.10);
    assert_eq!(r.on_demand_long_term_retention_gb_month_usd, 0.023);
    assert_eq!(r.firehose_tier1_gb_usd, 0.029);
    assert_eq!(r.firehose_tier2_gb_usd, 0.025);
    assert_eq!(r.firehose_tier3_gb_usd, 0.020);
    assert_eq!(r.validate(), Ok(()));
}

#[test]
fn invalid_rates_are_refused_with_the_field_named() {
    let mut r = rates();
    r.on_demand_data_in_gb_usd = -0.01;
    assert_eq!(r.validate(), Err(RateError::Negative { field: "on_demand_data_in_gb_usd", value: -0.01 }));
    let err = estimate_streams_on_demand(&workload(10, 100), &r).unwrap_err();
    assert_eq!(err, PricingError::Rate(RateError::Negative { field: "on_demand_data_in_gb_usd", value: -0.01 }));
    assert!(err.to_string().contains("on_demand_data_in_gb_usd"));

    let mut r = rates();
    r.firehose_tier2_gb_usd = f64::NAN;
    assert_eq!(r.validate(), Err(RateError::NotFinite { field: "firehose_tier2_gb_usd" }));
    let fw = firehose::FirehoseWorkload { records_per_sec: 1, avg_record_bytes: 1 };
    assert!(matches!(estimate_firehose(&fw, &r), Err(PricingError::Rate(RateError::NotFinite { .. }))));

    let mut r = rates();
    r.provisioned_shard_hour_usd = f64::INFINITY;
    assert!(matches!(
        estimate_streams_provisioned(&workload(10, 100), &r),
        Err(PricingError::Rate(RateError::NotFinite { field: "provisioned_shard_hour_usd" }))
    ));

    let mut r = rates();
    r.as_of = " ".into();
    assert_eq!(r.validate(), Err(RateError::MissingAsOf));

    // Zero is a valid rate (a free-tier what-if).
    let mut r = rates();
    r.provisioned_put_payload_units_per_million_usd = 0.0;
    assert_eq!(r.validate(), Ok(()));
}

#[test]
fn rates_are_editable_through_json() {
    let mut json: serde_json::Value = serde_json::to_value(rates()).unwrap();
    json["provisioned_shard_hour_usd"] = serde_json::json!(0.03);
    json["as_of"] = serde_json::json!("2027-01 (edited)");
    let edited: Rates = serde_json::from_value(json).unwrap();
    assert_eq!(edited.validate(), Ok(()));
    let mut w = workload(10, 100);
    w.shards = Some(2);
    let bill = estimate_streams_provisioned(&w, &edited).unwrap();
    assert_eq!(bill.rates_as_of, "2027-01 (edited)");
    // 2 shards × 730 h × $0.03 = $43.80
    assert_usd(line(&bill, label::SHARD_HOURS).cost_usd, 43.80);
}

// ---------------------------------------------------------------- rounding per record

#[test]
fn put_payload_units_round_up_per_record_facts_5() {
    // FACTS.md §5: a unit is 25 KB, rounded up per record: 5 KB → 1, 45 KB → 2, 1 MB (1,000 KB) → 40.
    assert_eq!(put_payload_units(5 * 1024), 1);
    assert_eq!(put_payload_units(45 * 1024), 2);
    assert_eq!(put_payload_units(1000 * 1024), 40);
    // Boundaries: exactly 25 KB is one unit, one byte more is two.
    assert_eq!(put_payload_units(25 * 1024), 1);
    assert_eq!(put_payload_units(25 * 1024 + 1), 2);
    assert_eq!(put_payload_units(1), 1);
    // A full 1 MiB record (1,048,576 bytes = 40.96 units) needs 41.
    assert_eq!(put_payload_units(1024 * 1024), 41);
}

#[test]
fn on_demand_rounds_each_record_up_to_1_kb() {
    // AWS Data Streams pricing: "rounded up to the nearest 1 KB (1,024 bytes)... 4.5 KB each... as 5 KB".
    assert_eq!(on_demand_billed_bytes(4608), 5120);
    assert_eq!(on_demand_billed_bytes(1024), 1024);
    assert_eq!(on_demand_billed_bytes(1025), 2048);
    assert_eq!(on_demand_billed_bytes(1), 1024);
}

#[test]
fn firehose_rounds_each_record_up_to_5_kb() {
    // FACTS.md §5; AWS Firehose pricing: a 3 KB record bills as 5 KB, a 12 KB record as 15 KB.
    assert_eq!(firehose_billed_bytes(3 * 1024), 5 * 1024);
    assert_eq!(firehose_billed_bytes(12 * 1024), 15 * 1024);
    assert_eq!(firehose_billed_bytes(5 * 1024), 5 * 1024);
    assert_eq!(firehose_billed_bytes(5 * 1024 + 1), 10 * 1024);
    // Per record, not per call: two 1 KB records are 10 KB, not 5 KB.
    let two = firehose::FirehoseWorkload { records_per_sec: 2, avg_record_bytes: 1024 };
    assert_eq!(billed_bytes_per_month(&two), 2 * SECONDS_PER_MONTH as u128 * 5 * 1024);
}

// ---------------------------------------------------------------- shard sizing

#[test]
fn shard_sizing_rule_of_thumb_facts_5() {
    // 1,000 records/s × 3,072 bytes = 3,072,000 bytes/s = 3,000 KB/s → 3 shards for writes;
    // 2 classic consumers read 6,000 KB/s → 6,000 ÷ 2,000 = 3; 1,000 records/s → 1. max = 3.
    let mut w = workload(1000, 3072);
    w.consumers_classic = 2;
    let s = size_shards(&w);
    assert_eq!((s.shards_for_write_bytes, s.shards_for_read_bytes, s.shards_for_records, s.shards), (3, 3, 1, 3));
    assert!(s.steps[0].contains("3,072,000 bytes/s = 3,000 KB/s"), "{:?}", s.steps);
    assert!(s.steps[3].contains("max(3, 3, 1) = 3"), "{:?}", s.steps);

    // Read-bound: 100 records/s × 10,240 bytes = 1,000 KB/s → 1; 5 consumers → 5,000 KB/s ÷ 2,000 = 2.5 → 3.
    let mut w = workload(100, 10_240);
    w.consumers_classic = 5;
    let s = size_shards(&w);
    assert_eq!((s.shards_for_write_bytes, s.shards_for_read_bytes, s.shards), (1, 3, 3));

    // EFO consumers do not count toward shared read bandwidth.
    w.consumers_classic = 0;
    w.consumers_efo = 5;
    assert_eq!(size_shards(&w).shards, 1);

    // Record-bound: 5,001 records/s of 100 bytes → 6 shards.
    let s = size_shards(&workload(5001, 100));
    assert_eq!((s.shards_for_records, s.shards), (6, 6));

    // No traffic: still one shard.
    assert_eq!(size_shards(&workload(0, 0)).shards, 1);
}

// ---------------------------------------------------------------- provisioned

#[test]
fn provisioned_basic_bill_hand_computed() {
    // Sized to 3 shards (see shard_sizing_rule_of_thumb_facts_5).
    // Shard hours: 3 × 730 = 2,190 × $0.015 = $32.85
    // PUT: 3,072 bytes → 1 unit; 1,000 × 2,628,000 = 2,628,000,000 units = 2,628 million × $0.014 = $36.792
    // 24 h retention and no EFO: no other line. Total $69.642.
    let mut w = workload(1000, 3072);
    w.consumers_classic = 2;
    let bill = estimate_streams_provisioned(&w, &rates()).unwrap();
    assert_eq!(bill.lines.len(), 2, "{:#?}", bill.lines);
    let sh = line(&bill, label::SHARD_HOURS);
    assert_eq!(sh.quantity, 2190.0);
    assert_usd(sh.cost_usd, 32.85);
    assert_eq!(sh.arithmetic, "3 shard(s) × 730 h = 2,190 shard-hours × $0.015 per shard-hour = $32.85");
    let put = line(&bill, label::PUT_PAYLOAD_UNITS);
    assert_eq!(put.quantity, 2628.0);
    assert_usd(put.cost_usd, 36.792);
    assert!(put.arithmetic.contains("2,628,000,000 units = 2,628 million"), "{}", put.arithmetic);
    assert_usd(bill.total_usd, 69.642);
    assert_eq!(bill.rates_as_of, "2026-11");
    assert!(bill.notes.iter().any(|n| n.contains("max(3, 3, 1) = 3")));
}

#[test]
fn provisioned_retention_and_efo_hand_computed() {
    // 500 records/s × 2,048 bytes, 2 shards given, 720 h (30 days) retention, 2 EFO consumers, 100 GB replayed.
    // Shard hours: 2 × 730 = 1,460 × $0.015 = $21.90
    // PUT: 2,048 bytes → 1 unit; 500 × 2,628,000 = 1,314,000,000 = 1,314 million × $0.014 = $18.396
    // Extended retention (> 24 h): 1,460 shard-hours × $0.02 = $29.20
    // Long-term: 1,024,000 bytes/s × 3,600 × (720 − 168 = 552) h = 2,034,892,800,000 bytes
    //            = 1,895.1416015625 GB-months × $0.023 = $43.5882568359375
    // Long-term retrieval: 100 GB × $0.021 = $2.10
    // EFO consumer-shard-hours: 2 × 2 × 730 = 2,920 × $0.015 = $43.80
    // EFO retrieval: 1,314,000,000 × 2,048 × 2 = 5,382,144,000,000 bytes = 5,012.51220703125 GB × $0.013
    //                = $65.16265869140625
    let w = Workload {
        records_per_sec: 500,
        avg_record_bytes: 2048,
        consumers_classic: 0,
        consumers_efo: 2,
        retention_hours: 720,
        shards: Some(2),
        long_term_read_gb_per_month: 100,
    };
    let bill = estimate_streams_provisioned(&w, &rates()).unwrap();
    assert_usd(line(&bill, label::SHARD_HOURS).cost_usd, 21.90);
    assert_usd(line(&bill, label::PUT_PAYLOAD_UNITS).cost_usd, 18.396);
    let ext = line(&bill, label::EXTENDED_RETENTION);
    assert_eq!((ext.quantity, ext.unit.as_str()), (1460.0, "shard-hour"));
    assert_usd(ext.cost_usd, 29.20);
    let lt = line(&bill, label::LONG_TERM_RETENTION);
    assert_eq!(lt.quantity, 1895.1416015625);
    assert_usd(lt.cost_usd, 43.5882568359375);
    assert!(lt.arithmetic.contains("552 h"), "{}", lt.arithmetic);
    assert!(lt.arithmetic.contains("2,034,892,800,000 bytes"), "{}", lt.arithmetic);
    assert_usd(line(&bill, label::LONG_TERM_RETRIEVAL).cost_usd, 2.10);
    let csh = line(&bill, label::EFO_CONSUMER_SHARD_HOURS);
    assert_eq!(csh.quantity, 2920.0);
    assert_usd(csh.cost_usd, 43.80);
    let efo = line(&bill, label::EFO_RETRIEVAL);
    assert_eq!(efo.quantity, 5012.51220703125);
    assert_usd(efo.cost_usd, 65.16265869140625);
    assert_eq!(bill.lines.len(), 7);
    assert_usd(bill.total_usd, 21.90 + 18.396 + 29.20 + 43.5882568359375 + 2.10 + 43.80 + 65.16265869140625);
}

#[test]
fn retention_tiers_follow_facts_1() {
    // ≤ 24 h included; 25–168 h extended only; above 168 h extended and long-term.
    let mut w = workload(100, 1000);
    w.shards = Some(1);
    for (hours, extended, long_term) in [(24, false, false), (25, true, false), (168, true, false), (169, true, true)] {
        w.retention_hours = hours;
        let p = estimate_streams_provisioned(&w, &rates()).unwrap();
        assert_eq!(p.line(label::EXTENDED_RETENTION).is_some(), extended, "provisioned {hours} h");
        assert_eq!(p.line(label::LONG_TERM_RETENTION).is_some(), long_term, "provisioned {hours} h");
        let o = estimate_streams_on_demand(&w, &rates()).unwrap();
        assert_eq!(o.line(label::EXTENDED_RETENTION).is_some(), extended, "on-demand {hours} h");
        assert_eq!(o.line(label::LONG_TERM_RETENTION).is_some(), long_term, "on-demand {hours} h");
    }
    // 169 h: one hour of data is long-term: 100,000 bytes/s × 3,600 s = 360,000,000 bytes.
    let o = estimate_streams_on_demand(&w, &rates()).unwrap();
    assert_eq!(line(&o, label::LONG_TERM_RETENTION).quantity, 360_000_000.0 / 1_073_741_824.0);
    // …and the extended tier holds 144 h (168 − 24).
    assert_eq!(line(&o, label::EXTENDED_RETENTION).quantity, 144.0 * 360_000_000.0 / 1_073_741_824.0);
}

#[test]
fn workload_outside_aws_bounds_is_refused() {
    let r = rates();
    let mut w = workload(10, 10);
    w.retention_hours = 23;
    assert_eq!(
        estimate_streams_provisioned(&w, &r).unwrap_err(),
        PricingError::Workload(WorkloadError::RetentionOutOfRange { hours: 23 })
    );
    w.retention_hours = 8761;
    assert!(estimate_streams_on_demand(&w, &r).is_err());
    w.retention_hours = 8760;
    assert!(estimate_streams_on_demand(&w, &r).is_ok());
    w.consumers_efo = 21;
    assert_eq!(w.validate(), Err(WorkloadError::TooManyEfoConsumers { consumers: 21 }));
    w.consumers_efo = 20;
    w.shards = Some(0);
    assert_eq!(w.validate(), Err(WorkloadError::ShardCountOutOfRange { shards: 0 }));
    w.shards = Some(10_001);
    assert_eq!(w.validate(), Err(WorkloadError::ShardCountOutOfRange { shards: 10_001 }));
    w.shards = Some(10_000);
    w.retention_hours = 168;
    w.long_term_read_gb_per_month = 1;
    assert_eq!(w.validate(), Err(WorkloadError::LongTermReadWithoutLongTermRetention { retention_hours: 168 }));
}

// ---------------------------------------------------------------- on-demand

#[test]
fn on_demand_bill_hand_computed() {
    // 1,000 records/s × 4,608 bytes (4.5 KB), 1 classic consumer, 48 h retention.
    // Stream hours: 730 × $0.04 = $29.20
    // Data in: 4,608 → 5,120 bytes; 2,628,000,000 × 5,120 = 13,455,360,000,000 bytes
    //          = 12,531.280517578125 GB × $0.08 = $1,002.50244140625
    // Data out: 2,628,000,000 × 4,608 × 1 = 11,278.152465820312 GB × $0.04 = $451.1260986328125
    // Extended: 4,608,000 bytes/s × 3,600 × 24 h = 398,131,200,000 bytes = 370.78857421875 GB-months
    //           × $0.10 = $37.078857421875
    let mut w = workload(1000, 4608);
    w.retention_hours = 48;
    let bill = estimate_streams_on_demand(&w, &rates()).unwrap();
    assert_usd(line(&bill, label::STREAM_HOURS).cost_usd, 29.20);
    let din = line(&bill, label::DATA_IN);
    assert_eq!(din.quantity, 12531.280517578125);
    assert_usd(din.cost_usd, 1002.50244140625);
    assert!(din.arithmetic.contains("4,608 bytes rounded up to whole KB = 5,120 bytes"), "{}", din.arithmetic);
    assert_usd(line(&bill, label::DATA_OUT).cost_usd, 451.1260986328125);
    let ext = line(&bill, label::EXTENDED_RETENTION);
    assert_eq!((ext.quantity, ext.unit.as_str()), (370.78857421875, "GB-month"));
    assert_usd(ext.cost_usd, 37.078857421875);
    assert_eq!(bill.lines.len(), 4);
    assert_usd(bill.total_usd, 29.20 + 1002.50244140625 + 451.1260986328125 + 37.078857421875);
}

#[test]
fn on_demand_efo_is_per_gb_only() {
    // 100 records/s × 1,024 bytes, 3 EFO consumers, no classic one:
    // 262,800,000 × 1,024 × 3 bytes = 751.8768310546875 GB × $0.05 = $37.593841552734375; no consumer-shard-hours.
    let mut w = workload(100, 1024);
    w.consumers_classic = 0;
    w.consumers_efo = 3;
    let bill = estimate_streams_on_demand(&w, &rates()).unwrap();
    assert_usd(line(&bill, label::EFO_RETRIEVAL).cost_usd, 37.593841552734375);
    assert!(bill.line(label::EFO_CONSUMER_SHARD_HOURS).is_none());
    assert!(bill.line(label::DATA_OUT).is_none());
}

#[test]
fn on_demand_vs_provisioned_crossover_for_a_given_traffic() {
    // 100 records/s × 1 KB, 1 classic consumer, 24 h.
    // On-demand: 730 × $0.04 = $29.20; in and out are 262,800,000 KB = 250.6256103515625 GB each:
    //   × $0.08 = $20.05; × $0.04 = $10.03 → $59.2750732421875.
    // Provisioned with N shards: N × 730 × $0.015 = $10.95 N, plus 262.8 million units × $0.014 = $3.6792.
    // 10.95 N + 3.6792 < 59.2751 ⇔ N ≤ 5: provisioned is cheaper up to 5 shards, on-demand from 6.
    let w = workload(100, 1024);
    let on_demand = estimate_streams_on_demand(&w, &rates()).unwrap().total_usd;
    assert_usd(on_demand, 59.2750732421875);
    for shards in 1..=10u64 {
        let mut p = w.clone();
        p.shards = Some(shards);
        let provisioned = estimate_streams_provisioned(&p, &rates()).unwrap().total_usd;
        assert_usd(provisioned, 10.95 * shards as f64 + 3.6792);
        assert_eq!(provisioned < on_demand, shards <= 5, "{shards} shards: {provisioned} vs {on_demand}");
    }
}

// ---------------------------------------------------------------- Firehose

#[test]
fn firehose_bill_hand_computed() {
    // 1,000 records/s × 3 KB → 5 KB each: 2,628,000,000 × 5,120 bytes = 12,531.280517578125 GB
    // × $0.029 = $363.407135009765625 (all in the first tier).
    let w = firehose::FirehoseWorkload { records_per_sec: 1000, avg_record_bytes: 3072 };
    let bill = estimate_firehose(&w, &rates()).unwrap();
    assert_eq!(bill.lines.len(), 1);
    let t1 = line(&bill, firehose::label::TIER1);
    assert_eq!(t1.quantity, 12531.280517578125);
    assert_usd(t1.cost_usd, 363.407_135_009_765_6);
    assert!(bill.notes.iter().any(|n| n.contains("3,072 bytes → 5,120 bytes")), "{:?}", bill.notes);
}

#[test]
fn firehose_tier_boundaries() {
    // Tier bounds: 500 TB = 512,000 GB; 2 PB = 2,097,152 GB (TB = 1,024 GB).
    assert_eq!((TIER1_END_GB, TIER2_END_GB), (512_000, 2_097_152));
    // 5 KB records: r records/s → r × 2,628,000 × 5,120 / 2^30 = r × 12.531280517578125 GB.
    let gb_per_rps = 12.531280517578125;
    // 40,857 records/s = 511,990.53 GB: all tier 1.
    let below =
        estimate_firehose(&firehose::FirehoseWorkload { records_per_sec: 40_857, avg_record_bytes: 5120 }, &rates())
            .unwrap();
    assert_eq!(below.lines.len(), 1);
    assert_usd(below.total_usd, 40_857.0 * gb_per_rps * 0.029);
    // 40,858 records/s = 512,003.06 GB: 512,000 GB at $0.029 = $14,848, the rest at $0.025.
    let over =
        estimate_firehose(&firehose::FirehoseWorkload { records_per_sec: 40_858, avg_record_bytes: 5120 }, &rates())
            .unwrap();
    assert_eq!(over.lines.len(), 2);
    assert_eq!(line(&over, firehose::label::TIER1).quantity, 512_000.0);
    assert_usd(line(&over, firehose::label::TIER1).cost_usd, 14_848.0);
    let t2 = line(&over, firehose::label::TIER2);
    assert_usd(t2.quantity, 40_858.0 * gb_per_rps - 512_000.0);
    assert_usd(t2.cost_usd, (40_858.0 * gb_per_rps - 512_000.0) * 0.025);
    // 167,354 records/s = 2,097,159.92 GB: tier 2 full (1,585,152 GB × $0.025 = $39,628.80), rest at $0.020.
    let far =
        estimate_firehose(&firehose::FirehoseWorkload { records_per_sec: 167_354, avg_record_bytes: 5120 }, &rates())
            .unwrap();
    assert_eq!(far.lines.len(), 3);
    assert_usd(line(&far, firehose::label::TIER2).cost_usd, 39_628.80);
    let t3 = line(&far, firehose::label::TIER3);
    assert_usd(t3.quantity, 167_354.0 * gb_per_rps - 2_097_152.0);
    assert_usd(far.total_usd, 14_848.0 + 39_628.80 + (167_354.0 * gb_per_rps - 2_097_152.0) * 0.020);
}

// ---------------------------------------------------------------- editing rates

#[test]
fn editing_a_rate_changes_the_total_linearly() {
    // Provisioned, 2 shards: raising the shard-hour rate by $0.01 adds 1,460 × $0.01 = $14.60, and doubling
    // the raise doubles the change.
    let mut w = workload(500, 2048);
    w.shards = Some(2);
    let base = estimate_streams_provisioned(&w, &rates()).unwrap().total_usd;
    let mut r1 = rates();
    r1.provisioned_shard_hour_usd += 0.01;
    let mut r2 = rates();
    r2.provisioned_shard_hour_usd += 0.02;
    let t1 = estimate_streams_provisioned(&w, &r1).unwrap().total_usd;
    let t2 = estimate_streams_provisioned(&w, &r2).unwrap().total_usd;
    assert_usd(t1 - base, 14.60);
    assert_usd(t2 - base, 29.20);
    // A rate the bill does not use changes nothing.
    let mut r3 = rates();
    r3.on_demand_data_in_gb_usd = 1.0;
    assert_eq!(estimate_streams_provisioned(&w, &r3).unwrap().total_usd, base);
}

// ---------------------------------------------------------------- cheapest design under a latency goal

#[test]
fn cheapest_design_meeting_a_latency_goal() {
    // Three applications read 1,000 records/s × 1 KB. Classic: 3 consumers → 3 × 200 ms = 600 ms (AWS: ~200 ms
    // with one consumer, ~1,000 ms with five). EFO: ~70 ms.
    let base = workload(1000, 1024);
    let classic = Design {
        name: "3 classic consumers".into(),
        mode: CapacityMode::Provisioned,
        workload: Workload { consumers_classic: 3, ..base.clone() },
    };
    let efo = Design {
        name: "3 EFO consumers".into(),
        mode: CapacityMode::Provisioned,
        workload: Workload { consumers_classic: 0, consumers_efo: 3, ..base.clone() },
    };
    let efo_on_demand = Design {
        name: "3 EFO consumers, on-demand".into(),
        mode: CapacityMode::OnDemand,
        workload: Workload { consumers_classic: 0, consumers_efo: 3, ..base.clone() },
    };
    assert_eq!(read_latency_ms(&classic.workload), 3 * CLASSIC_LATENCY_MS_PER_CONSUMER);
    assert_eq!(read_latency_ms(&efo.workload), EFO_LATENCY_MS);
    let designs = [classic, efo, efo_on_demand];

    // Goal 1 s: all meet it; the classic design is cheapest (no EFO charges).
    let loose = cheapest_meeting_latency(&designs, 1000, &rates()).unwrap();
    assert_eq!(loose.cheapest, Some(0));
    assert!(loose.rows.iter().all(|r| r.meets_goal));
    // Goal 200 ms: only the EFO designs; provisioned EFO is cheaper than on-demand EFO here.
    let tight = cheapest_meeting_latency(&designs, 200, &rates()).unwrap();
    assert_eq!(tight.rows.iter().map(|r| r.latency_ms).collect::<Vec<_>>(), vec![600, 70, 70]);
    assert_eq!(tight.cheapest, Some(1));
    assert!(tight.rows[1].bill.total_usd < tight.rows[2].bill.total_usd);
    assert!(tight.rows[1].bill.total_usd > tight.rows[0].bill.total_usd, "EFO costs more than classic");
    // Goal 50 ms: none.
    assert_eq!(cheapest_meeting_latency(&designs, 50, &rates()).unwrap().cheapest, None);
}

// ---------------------------------------------------------------- properties

fn arb_workload() -> impl Strategy<Value = Workload> {
    (0u64..200_000, 0u64..900_000, 0u32..6, 0u32..21, 24u32..=8760, prop::option::of(1u64..=10_000), 0u64..1000)
        .prop_map(
            |(records_per_sec, avg_record_bytes, consumers_classic, consumers_efo, retention_hours, shards, lt)| {
                Workload {
                    records_per_sec,
                    avg_record_bytes,
                    consumers_classic,
                    consumers_efo,
                    retention_hours,
                    shards,
                    long_term_read_gb_per_month: if retention_hours > 168 { lt } else { 0 },
                }
            },
        )
}

fn totals(w: &Workload, r: &Rates) -> [f64; 3] {
    let fw = firehose::FirehoseWorkload { records_per_sec: w.records_per_sec, avg_record_bytes: w.avg_record_bytes };
    [
        estimate_streams_provisioned(w, r).unwrap().total_usd,
        estimate_streams_on_demand(w, r).unwrap().total_usd,
        estimate_firehose(&fw, r).unwrap().total_usd,
    ]
}

proptest! {
    #[test]
    fn more_records_never_cost_less(w in arb_workload(), more_rps in 0u64..50_000, more_bytes in 0u64..100_000) {
        let before = totals(&w, &rates());
        let bigger = Workload {
            records_per_sec: w.records_per_sec + more_rps,
            avg_record_bytes: w.avg_record_bytes + more_bytes,
            ..w.clone()
        };
        let after = totals(&bigger, &rates());
        for i in 0..3 {
            prop_assert!(after[i] >= before[i], "estimate {i}: {} < {}", after[i], before[i]);
        }
    }

    #[test]
    fn cost_scales_linearly_with_rates(w in arb_workload(), factor in 0.0f64..10.0) {
        let base = totals(&w, &rates());
        let scaled = totals(&w, &rates().scaled(factor));
        for i in 0..3 {
            let expected = base[i] * factor;
            prop_assert!((scaled[i] - expected).abs() <= 1e-9 * expected.abs().max(1.0), "{i}: {} vs {expected}", scaled[i]);
        }
    }

    #[test]
    fn a_bill_total_is_the_sum_of_its_lines(w in arb_workload()) {
        let bill = estimate_streams_provisioned(&w, &rates()).unwrap();
        let sum: f64 = bill.lines.iter().map(|l| l.quantity * l.rate_usd).sum();
        prop_assert!((bill.total_usd - sum).abs() <= 1e-9 * sum.max(1.0));
        prop_assert!(bill.lines.iter().all(|l| l.cost_usd >= 0.0 && l.arithmetic.ends_with(&kinesis_lab::engine::pricing::format::usd(l.cost_usd))));
    }
}

#[test]
fn records_larger_than_the_service_accepts_are_refused() {
    // Data Streams: 10 MiB at most (FACTS.md §1); Firehose: 1,000 KiB (FACTS.md §2).
    let mut w = workload(1, 10 * 1024 * 1024);
    assert!(estimate_streams_provisioned(&w, &rates()).is_ok());
    w.avg_record_bytes += 1;
    assert_eq!(
        w.validate(),
        Err(WorkloadError::RecordTooLarge { bytes: 10 * 1024 * 1024 + 1, max_bytes: 10 * 1024 * 1024 })
    );
    let ok = firehose::FirehoseWorkload { records_per_sec: 1, avg_record_bytes: 1000 * 1024 };
    assert!(estimate_firehose(&ok, &rates()).is_ok());
    let big = firehose::FirehoseWorkload { records_per_sec: 1, avg_record_bytes: 1000 * 1024 + 1 };
    assert!(matches!(
        estimate_firehose(&big, &rates()),
        Err(PricingError::Workload(WorkloadError::RecordTooLarge { max_bytes: 1_024_000, .. }))
    ));
}

#[test]
fn extreme_inputs_do_not_panic() {
    // Largest accepted values everywhere: quantities stay inside u128, costs finite.
    let w = Workload {
        records_per_sec: u64::MAX,
        avg_record_bytes: 10 * 1024 * 1024,
        consumers_classic: u32::MAX,
        consumers_efo: 20,
        retention_hours: 8760,
        shards: None,
        long_term_read_gb_per_month: u64::MAX,
    };
    let p = estimate_streams_provisioned(&w, &rates()).unwrap();
    assert!(p.total_usd.is_finite() && p.total_usd > 0.0);
    assert!(p.notes.iter().any(|n| n.contains("needs several streams")), "{:?}", p.notes);
    assert!(estimate_streams_on_demand(&w, &rates()).unwrap().total_usd.is_finite());
    let fw = firehose::FirehoseWorkload { records_per_sec: u64::MAX, avg_record_bytes: 1000 * 1024 };
    assert!(estimate_firehose(&fw, &rates()).unwrap().total_usd.is_finite());
    assert!(cheapest_meeting_latency(&[], 100, &rates()).unwrap().cheapest.is_none());
}

#[test]
fn firehose_tier_lines_explain_the_split() {
    // 40,858 records/s × 5 KB = 512,003.0594 GB: the first 512,000 GB at $0.029.
    let over =
        estimate_firehose(&firehose::FirehoseWorkload { records_per_sec: 40_858, avg_record_bytes: 5120 }, &rates())
            .unwrap();
    assert_eq!(
        line(&over, firehose::label::TIER1).arithmetic,
        "512,000 GB (the part of 512,003.0594 GB within 0–512,000 GB) × $0.029 per GB = $14,848.00"
    );
}

#[test]
fn rates_can_be_set_by_name_from_a_form() {
    let mut r = rates();
    for (field, _) in rates().named() {
        r.set(field, 1.5).unwrap();
    }
    assert!(r.named().iter().all(|(_, v)| *v == 1.5));
    let before = r.clone();
    assert_eq!(r.set("shard_price", 1.0), Err(RateError::UnknownField { field: "shard_price".into() }));
    assert_eq!(
        r.set("firehose_tier1_gb_usd", -1.0),
        Err(RateError::Negative { field: "firehose_tier1_gb_usd", value: -1.0 })
    );
    assert_eq!(
        r.set("on_demand_stream_hour_usd", f64::NAN),
        Err(RateError::NotFinite { field: "on_demand_stream_hour_usd" })
    );
    assert_eq!(r, before, "a refused edit changes nothing");
}

#[test]
fn firehose_beyond_5_pb_is_flagged() {
    // 5 PB = 5,242,880 GB; at 12.531280517578125 GB per record/s of 5 KB records, 418,384 records/s is
    // 5,242,887.27 GB and 418,383 records/s 5,242,874.74 GB.
    let w = firehose::FirehoseWorkload { records_per_sec: 418_384, avg_record_bytes: 5120 };
    assert_eq!(firehose::TIER3_END_GB, 5_242_880);
    let bill = estimate_firehose(&w, &rates()).unwrap();
    assert!(bill.notes.iter().any(|n| n.contains("Beyond 5 PB")), "{:?}", bill.notes);
    let below = firehose::FirehoseWorkload { records_per_sec: 418_383, avg_record_bytes: 5120 };
    assert!(!estimate_firehose(&below, &rates()).unwrap().notes.iter().any(|n| n.contains("Beyond 5 PB")));
}

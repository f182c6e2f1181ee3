//! The price list: every rate a named field in USD with its unit in the name, editable by the caller.

use serde::{Deserialize, Serialize};

/// Rates in USD. `us_east_1_nov_2026()` gives FACTS.md §5; a lab may edit any field, then `validate()`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// When these prices were found, shown with every bill ("2026-11").
    pub as_of: String,
    /// Region the prices are for.
    pub region: String,
    /// Where the prices come from (FACTS.md §5 names them).
    pub sources: Vec<String>,

    // Data Streams, provisioned mode.
    pub provisioned_shard_hour_usd: f64,
    pub provisioned_put_payload_units_per_million_usd: f64,
    /// Retention above 24 h up to 7 days, per shard-hour (charged on every shard-hour of the month).
    pub provisioned_extended_retention_shard_hour_usd: f64,
    /// Data stored beyond 7 days, per GB-month.
    pub provisioned_long_term_retention_gb_month_usd: f64,
    /// Reading data older than 7 days, per GB (both capacity modes).
    pub long_term_retrieval_gb_usd: f64,
    pub provisioned_efo_consumer_shard_hour_usd: f64,
    pub provisioned_efo_retrieval_gb_usd: f64,

    // Data Streams, on-demand (Standard) mode.
    pub on_demand_stream_hour_usd: f64,
    /// Per GB written, each record rounded up to 1 KB.
    pub on_demand_data_in_gb_usd: f64,
    /// Per GB read by shared-throughput (classic) consumers.
    pub on_demand_data_out_gb_usd: f64,
    pub on_demand_efo_retrieval_gb_usd: f64,
    /// Data stored between 24 h and 7 days, per GB-month.
    pub on_demand_extended_retention_gb_month_usd: f64,
    /// Data stored beyond 7 days, per GB-month.
    pub on_demand_long_term_retention_gb_month_usd: f64,

    // Amazon Data Firehose, Direct PUT / Kinesis source ingestion, each record rounded up to 5 KB.
    /// First 500 TB per month.
    pub firehose_tier1_gb_usd: f64,
    /// Next 1.5 PB per month (500 TB – 2 PB).
    pub firehose_tier2_gb_usd: f64,
    /// Beyond 2 PB per month.
    pub firehose_tier3_gb_usd: f64,
}

/// Why a set of rates is refused.
#[derive(Debug, Clone, PartialEq)]
pub enum RateError {
    /// A rate below zero. Not AWS-verified text (AWS has no such error; this is the lab's own).
    Negative { field: &'static str, value: f64 },
    /// NaN or infinite.
    NotFinite { field: &'static str },
    /// `as_of` left empty: a price without its date misleads.
    MissingAsOf,
    /// `set` was given a name that is not a rate field.
    UnknownField { field: String },
}

impl std::fmt::Display for RateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RateError::Negative { field, value } => {
                write!(f, "rate {field} is negative ({value}); rates must be 0 or more")
            }
            RateError::NotFinite { field } => write!(f, "rate {field} is not a number"),
            RateError::MissingAsOf => write!(f, "rates need an \"as of\" date"),
            RateError::UnknownField { field } => write!(f, "no rate is called {field}"),
        }
    }
}

impl std::error::Error for RateError {}

impl Rates {
    /// FACTS.md §5: us-east-1 as found in Nov 2026.
    pub fn us_east_1_nov_2026() -> Rates {
        Rates {
            as_of: "2026-11".to_string(),
            region: "us-east-1".to_string(),
            sources: vec![
                "infracost golden files generated from the AWS Price List API".to_string(),
                "Trek10 (Sep 2023)".to_string(),
                "AWS pricing pages: aws.amazon.com/kinesis/data-streams/pricing, aws.amazon.com/firehose/pricing"
                    .to_string(),
            ],
            provisioned_shard_hour_usd: 0.015,
            provisioned_put_payload_units_per_million_usd: 0.014,
            provisioned_extended_retention_shard_hour_usd: 0.02,
            provisioned_long_term_retention_gb_month_usd: 0.023,
            long_term_retrieval_gb_usd: 0.021,
            provisioned_efo_consumer_shard_hour_usd: 0.015,
            provisioned_efo_retrieval_gb_usd: 0.013,
            on_demand_stream_hour_usd: 0.04,
            on_demand_data_in_gb_usd: 0.08,
            on_demand_data_out_gb_usd: 0.04,
            on_demand_efo_retrieval_gb_usd: 0.05,
            on_demand_extended_retention_gb_month_usd: 0.10,
            on_demand_long_term_retention_gb_month_usd: 0.023,
            firehose_tier1_gb_usd: 0.029,
            firehose_tier2_gb_usd: 0.025,
            firehose_tier3_gb_usd: 0.020,
        }
    }

    /// Every rate with its field name, in declaration order (for validation and for an editing form).
    pub fn named(&self) -> [(&'static str, f64); 16] {
        [
            ("provisioned_shard_hour_usd", self.provisioned_shard_hour_usd),
            ("provisioned_put_payload_units_per_million_usd", self.provisioned_put_payload_units_per_million_usd),
            ("provisioned_extended_retention_shard_hour_usd", self.provisioned_extended_retention_shard_hour_usd),
            ("provisioned_long_term_retention_gb_month_usd", self.provisioned_long_term_retention_gb_month_usd),
            ("long_term_retrieval_gb_usd", self.long_term_retrieval_gb_usd),
            ("provisioned_efo_consumer_shard_hour_usd", self.provisioned_efo_consumer_shard_hour_usd),
            ("provisioned_efo_retrieval_gb_usd", self.provisioned_efo_retrieval_gb_usd),
            ("on_demand_stream_hour_usd", self.on_demand_stream_hour_usd),
            ("on_demand_data_in_gb_usd", self.on_demand_data_in_gb_usd),
            ("on_demand_data_out_gb_usd", self.on_demand_data_out_gb_usd),
            ("on_demand_efo_retrieval_gb_usd", self.on_demand_efo_retrieval_gb_usd),
            ("on_demand_extended_retention_gb_month_usd", self.on_demand_extended_retention_gb_month_usd),
            ("on_demand_long_term_retention_gb_month_usd", self.on_demand_long_term_retention_gb_month_usd),
            ("firehose_tier1_gb_usd", self.firehose_tier1_gb_usd),
            ("firehose_tier2_gb_usd", self.firehose_tier2_gb_usd),
            ("firehose_tier3_gb_usd", self.firehose_tier3_gb_usd),
        ]
    }

    /// Sets one rate by its field name (as `named` lists them), for an editing form; refuses unknown names
    /// and NaN, infinite or negative values, leaving the rates unchanged.
    pub fn set(&mut self, field: &str, value: f64) -> Result<(), RateError> {
        let slot = match field {
            "provisioned_shard_hour_usd" => &mut self.provisioned_shard_hour_usd,
            "provisioned_put_payload_units_per_million_usd" => &mut self.provisioned_put_payload_units_per_million_usd,
            "provisioned_extended_retention_shard_hour_usd" => &mut self.provisioned_extended_retention_shard_hour_usd,
            "provisioned_long_term_retention_gb_month_usd" => &mut self.provisioned_long_term_retention_gb_month_usd,
            "long_term_retrieval_gb_usd" => &mut self.long_term_retrieval_gb_usd,
            "provisioned_efo_consumer_shard_hour_usd" => &mut self.provisioned_efo_consumer_shard_hour_usd,
            "provisioned_efo_retrieval_gb_usd" => &mut self.provisioned_efo_retrieval_gb_usd,
            "on_demand_stream_hour_usd" => &mut self.on_demand_stream_hour_usd,
            "on_demand_data_in_gb_usd" => &mut self.on_demand_data_in_gb_usd,
            "on_demand_data_out_gb_usd" => &mut self.on_demand_data_out_gb_usd,
            "on_demand_efo_retrieval_gb_usd" => &mut self.on_demand_efo_retrieval_gb_usd,
            "on_demand_extended_retention_gb_month_usd" => &mut self.on_demand_extended_retention_gb_month_usd,
            "on_demand_long_term_retention_gb_month_usd" => &mut self.on_demand_long_term_retention_gb_month_usd,
            "firehose_tier1_gb_usd" => &mut self.firehose_tier1_gb_usd,
            "firehose_tier2_gb_usd" => &mut self.firehose_tier2_gb_usd,
            "firehose_tier3_gb_usd" => &mut self.firehose_tier3_gb_usd,
            _ => return Err(RateError::UnknownField { field: field.to_string() }),
        };
        // The field name as `named` spells it, for the error.
        let name = Rates::us_east_1_nov_2026().named().iter().map(|(n, _)| *n).find(|n| *n == field).unwrap_or("rate");
        if !value.is_finite() {
            return Err(RateError::NotFinite { field: name });
        }
        if value < 0.0 {
            return Err(RateError::Negative { field: name, value });
        }
        *slot = value;
        Ok(())
    }

    /// Refuses NaN, infinite or negative rates and a missing "as of" date; reports the first bad field.
    pub fn validate(&self) -> Result<(), RateError> {
        if self.as_of.trim().is_empty() {
            return Err(RateError::MissingAsOf);
        }
        for (field, value) in self.named() {
            if !value.is_finite() {
                return Err(RateError::NotFinite { field });
            }
            if value < 0.0 {
                return Err(RateError::Negative { field, value });
            }
        }
        Ok(())
    }

    /// Every rate multiplied by `factor` (same date and sources): for "what if prices rose 10 %" questions.
    pub fn scaled(&self, factor: f64) -> Rates {
        let mut r = self.clone();
        for v in [
            &mut r.provisioned_shard_hour_usd,
            &mut r.provisioned_put_payload_units_per_million_usd,
            &mut r.provisioned_extended_retention_shard_hour_usd,
            &mut r.provisioned_long_term_retention_gb_month_usd,
            &mut r.long_term_retrieval_gb_usd,
            &mut r.provisioned_efo_consumer_shard_hour_usd,
            &mut r.provisioned_efo_retrieval_gb_usd,
            &mut r.on_demand_stream_hour_usd,
            &mut r.on_demand_data_in_gb_usd,
            &mut r.on_demand_data_out_gb_usd,
            &mut r.on_demand_efo_retrieval_gb_usd,
            &mut r.on_demand_extended_retention_gb_month_usd,
            &mut r.on_demand_long_term_retention_gb_month_usd,
            &mut r.firehose_tier1_gb_usd,
            &mut r.firehose_tier2_gb_usd,
            &mut r.firehose_tier3_gb_usd,
        ] {
            *v *= factor;
        }
        r
    }
}

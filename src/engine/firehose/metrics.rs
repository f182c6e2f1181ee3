//! CloudWatch-style metrics of a delivery stream (namespace AWS/Firehose) per simulated second
//! (FACTS.md §2 "Metrics"), kept as a bounded series like the Streams engine's.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::engine::time::{second_of, EpochMillis};

/// One second of one delivery stream's metrics. Sums unless the name says max.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FirehoseMetricPoint {
    /// IncomingBytes / IncomingRecords: accepted Direct PUT data.
    pub incoming_bytes: u64,
    pub incoming_records: u64,
    /// DeliveryToS3.Success is the fraction of S3 puts that succeeded: successes / attempts.
    pub delivery_to_s3_success: u64,
    pub delivery_to_s3_attempts: u64,
    /// DeliveryToS3.Records / DeliveryToS3.Bytes (bytes before compression, as AWS counts them).
    pub delivery_to_s3_records: u64,
    pub delivery_to_s3_bytes: u64,
    /// DeliveryToS3.DataFreshness: age of the oldest undelivered record, in ms (max over the second).
    pub data_freshness_ms_max: u64,
    /// ThrottledRecords: records refused for exceeding the Direct PUT quota.
    pub throttled_records: u64,
    /// DataReadFromKinesisStream.Records / .Bytes: what a Kinesis-source stream read (before KPL
    /// deaggregation, so one aggregated record counts once).
    pub kinesis_read_records: u64,
    pub kinesis_read_bytes: u64,
    /// DeliveryToRedshift / DeliveryToAmazonOpenSearchService / DeliveryToHttpEndpoint / DeliveryToSplunk
    /// .Success (successes / attempts) and .Records, for whichever of those the stream delivers to.
    pub delivery_to_target_attempts: u64,
    pub delivery_to_target_success: u64,
    pub delivery_to_target_records: u64,
}

/// A bounded series of per-second points, newest last; seconds with no activity are absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirehoseMetricSeries {
    points: VecDeque<(u64, FirehoseMetricPoint)>,
    capacity_seconds: usize,
}

impl FirehoseMetricSeries {
    pub fn new(capacity_seconds: usize) -> Self {
        FirehoseMetricSeries { points: VecDeque::new(), capacity_seconds: capacity_seconds.max(1) }
    }

    /// The point for the second `now_ms` falls in, created if needed. Times never run back in the engine;
    /// an earlier second (never expected) is folded into the newest point rather than reordering.
    pub fn at(&mut self, now_ms: EpochMillis) -> &mut FirehoseMetricPoint {
        let second = second_of(now_ms);
        let is_current = self.points.back().is_some_and(|(s, _)| *s >= second);
        if !is_current {
            self.points.push_back((second, FirehoseMetricPoint::default()));
            while self.points.len() > self.capacity_seconds.max(1) {
                self.points.pop_front();
            }
        }
        let last = self.points.len() - 1;
        &mut self.points[last].1
    }

    pub fn points(&self) -> impl DoubleEndedIterator<Item = &(u64, FirehoseMetricPoint)> {
        self.points.iter()
    }

    pub fn get(&self, second: u64) -> Option<&FirehoseMetricPoint> {
        self.points.iter().rev().find(|(s, _)| *s == second).map(|(_, p)| p)
    }

    pub fn capacity_seconds(&self) -> usize {
        self.capacity_seconds
    }

    /// Sum of every kept point (maxima take the larger).
    pub fn total(&self) -> FirehoseMetricPoint {
        let mut t = FirehoseMetricPoint::default();
        for (_, p) in &self.points {
            t.incoming_bytes += p.incoming_bytes;
            t.incoming_records += p.incoming_records;
            t.delivery_to_s3_success += p.delivery_to_s3_success;
            t.delivery_to_s3_attempts += p.delivery_to_s3_attempts;
            t.delivery_to_s3_records += p.delivery_to_s3_records;
            t.delivery_to_s3_bytes += p.delivery_to_s3_bytes;
            t.data_freshness_ms_max = t.data_freshness_ms_max.max(p.data_freshness_ms_max);
            t.throttled_records += p.throttled_records;
            t.kinesis_read_records += p.kinesis_read_records;
            t.kinesis_read_bytes += p.kinesis_read_bytes;
            t.delivery_to_target_attempts += p.delivery_to_target_attempts;
            t.delivery_to_target_success += p.delivery_to_target_success;
            t.delivery_to_target_records += p.delivery_to_target_records;
        }
        t
    }
}

//! Live charts of a delivery stream's CloudWatch metrics (AWS/Firehose, per simulated second, observed so
//! drawing costs nothing): IncomingRecords, IncomingBytes, DeliveryToS3.Records, DeliveryToS3.DataFreshness
//! and ThrottledRecords. A second with no activity is a zero (the engine keeps only active seconds), and
//! each chart has a table of the same numbers.

use leptos::prelude::*;

use super::stream_info;
use crate::api::observe_firehose;
use crate::engine::firehose::metrics::FirehoseMetricPoint;
use crate::ui::chart::LiveChart;
use crate::ui::lab::use_lab;
use crate::ui::theme::use_theme;
use crate::viz::chart::{ChartSpec, LimitLine, Series};

/// How many seconds the charts show.
const WINDOW_SECONDS: u64 = 120;

/// Every complete second of the window, with the engine's point or zeros.
fn dense_window(points: &[(u64, FirehoseMetricPoint)], now_second: u64) -> Vec<(u64, FirehoseMetricPoint)> {
    let first = now_second.saturating_sub(WINDOW_SECONDS);
    (first..now_second)
        .map(|s| (s, points.iter().find(|(p, _)| *p == s).map(|(_, m)| *m).unwrap_or_default()))
        .collect()
}

fn spec(title: &str, unit: &str, label: &str, points: &[(u64, FirehoseMetricPoint)], value: impl Fn(&FirehoseMetricPoint) -> f64, limits: Vec<LimitLine>) -> ChartSpec {
    ChartSpec {
        title: title.into(),
        y_unit: unit.into(),
        series: vec![Series { label: label.into(), points: points.iter().map(|(s, m)| (*s as f64, value(m))).collect() }],
        limit_lines: limits,
        x_window_seconds: WINDOW_SECONDS as f64,
    }
}

#[component]
pub fn FirehoseCharts(stream: String) -> impl IntoView {
    let lab = use_lab();
    let dark = use_theme().dark();
    let stream = StoredValue::new(stream);
    let points = Memo::new(move |_| {
        lab.read_sandbox(|sb| {
            let now_second = sb.now_ms() / 1_000;
            let raw = observe_firehose::metrics(&sb.firehose.engine, &stream.get_value(), WINDOW_SECONDS as usize + 1);
            dense_window(&raw, now_second)
        })
        .unwrap_or_default()
    });
    let interval_s = Memo::new(move |_| stream_info(lab, &stream.get_value()).map(|s| s.interval_s).unwrap_or(0));
    let chart = move |title: &'static str, unit: &'static str, label: &'static str, value: fn(&FirehoseMetricPoint) -> f64, freshness: bool| {
        Signal::derive(move || {
            // The interval line shows how stale data may get; at 0 (zero buffering) it would sit on the axis.
            let limits = if freshness && interval_s.get() > 0 {
                vec![LimitLine { label: "buffer interval".into(), value: interval_s.get() as f64 }]
            } else {
                vec![]
            };
            points.with(|p| spec(title, unit, label, p, value, limits))
        })
    };
    let incoming_records = chart("IncomingRecords (sum per second)", "records/s", "IncomingRecords", |m| m.incoming_records as f64, false);
    let incoming_bytes = chart("IncomingBytes (sum per second)", "KiB/s", "IncomingBytes", |m| m.incoming_bytes as f64 / 1024.0, false);
    let delivered = chart("DeliveryToS3.Records (sum per second)", "records/s", "DeliveryToS3.Records", |m| m.delivery_to_s3_records as f64, false);
    let freshness = chart("DeliveryToS3.DataFreshness (max)", "s", "DataFreshness", |m| m.data_freshness_ms_max as f64 / 1000.0, true);
    let throttled = chart("ThrottledRecords (sum per second)", "records/s", "ThrottledRecords", |m| m.throttled_records as f64, false);
    view! {
        <section class="panel" aria-labelledby="fh-charts-heading">
            <h2 id="fh-charts-heading">"Live charts"</h2>
            <p class="help">"CloudWatch's AWS/Firehose metrics per simulated second, the last two minutes. Records arrive "
                "steadily but reach S3 in bursts, one per object; DataFreshness (the age of the oldest record not yet in S3) "
                "climbs towards the buffer interval and drops at each delivery. Each chart has a Table button with the same numbers."</p>
            <div class="chart-grid">
                <LiveChart spec=incoming_records dark=dark id="fh-chart-incoming-records" />
                <LiveChart spec=incoming_bytes dark=dark id="fh-chart-incoming-bytes" />
                <LiveChart spec=delivered dark=dark id="fh-chart-delivered" />
                <LiveChart spec=freshness dark=dark id="fh-chart-freshness" />
                <LiveChart spec=throttled dark=dark id="fh-chart-throttled" />
            </div>
        </section>
    }
}

//! Live charts of the selected stream, from its CloudWatch-style per-second metrics (observed, so drawing
//! costs no API quota): records/s and bytes/s in per shard against the shard limits, throttled writes,
//! iterator age, and classic vs enhanced fan-out delivery latency. Each chart has a table view, and all
//! freeze when the clock is paused (they are functions of simulated time only).

use leptos::prelude::*;

use crate::api::observe;
use crate::engine::streams::limits::{SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC};
use crate::engine::streams::metrics::MetricPoint;
use crate::sim::consumers::ConsumerKind;
use crate::ui::chart::LiveChart;
use crate::ui::lab::use_lab;
use crate::ui::theme::use_theme;
use crate::viz::chart::{ChartSpec, LimitLine, Series};
use crate::viz::shard_map::ShardState;

/// How many seconds the charts show.
const WINDOW_SECONDS: usize = 120;
/// With many shards, per-shard charts show the busiest few (the data table names them); more lines than
/// this cannot be told apart.
const MAX_SHARD_SERIES: usize = 6;

/// Only complete seconds are drawn: the current one is still filling up and would always look low.
fn complete(points: Vec<(u64, MetricPoint)>, now_second: u64) -> Vec<(u64, MetricPoint)> {
    points.into_iter().filter(|(s, _)| *s < now_second).collect()
}

/// Per-second metrics of the busiest open shards, newest `WINDOW_SECONDS`.
fn busiest_shards(stream: &str) -> Vec<(String, Vec<(u64, MetricPoint)>)> {
    let lab = use_lab();
    lab.read_sandbox(|sb| {
        let engine = &sb.service.engine;
        let now_second = engine.now_ms() / 1_000;
        let mut shards: Vec<(String, Vec<(u64, MetricPoint)>)> = observe::shards(engine, stream)
            .into_iter()
            .filter(|o| o.state != ShardState::Expired)
            .map(|o| {
                let id = o.shard.shard_id;
                let points = complete(observe::shard_metrics(engine, stream, &id, WINDOW_SECONDS + 1), now_second);
                (id, points)
            })
            .filter(|(_, points)| !points.is_empty())
            .collect();
        let load = |p: &Vec<(u64, MetricPoint)>| p.iter().map(|(_, m)| m.incoming_records + m.write_throttled).sum::<u64>();
        shards.sort_by(|a, b| load(&b.1).cmp(&load(&a.1)).then(a.0.cmp(&b.0)));
        shards.truncate(MAX_SHARD_SERIES);
        shards.sort_by(|a, b| a.0.cmp(&b.0));
        shards
    })
    .unwrap_or_default()
}

fn short(id: &str) -> String {
    let d = id.trim_start_matches("shardId-").trim_start_matches('0');
    format!("shard {}", if d.is_empty() { "0" } else { d })
}

fn per_shard(shards: &[(String, Vec<(u64, MetricPoint)>)], value: impl Fn(&MetricPoint) -> f64) -> Vec<Series> {
    shards
        .iter()
        .map(|(id, points)| Series {
            label: short(id),
            points: points.iter().map(|(s, m)| (*s as f64, value(m))).collect(),
        })
        .collect()
}

#[component]
pub fn ChartsPanel(stream: String) -> impl IntoView {
    let lab = use_lab();
    let dark = use_theme().dark();
    let stream = StoredValue::new(stream);
    let shards = Memo::new(move |_| busiest_shards(&stream.get_value()));

    let records_in = Signal::derive(move || ChartSpec {
        title: "Records in per second, per shard".into(),
        y_unit: "records/s".into(),
        series: per_shard(&shards.get(), |m| m.incoming_records as f64),
        limit_lines: vec![LimitLine { label: "1,000 records/s per shard".into(), value: SHARD_WRITE_RECORDS_PER_SEC as f64 }],
        x_window_seconds: WINDOW_SECONDS as f64,
    });
    let bytes_in = Signal::derive(move || ChartSpec {
        title: "Bytes in per second, per shard".into(),
        y_unit: "KiB/s".into(),
        series: per_shard(&shards.get(), |m| m.incoming_bytes as f64 / 1024.0),
        limit_lines: vec![LimitLine { label: "1 MiB/s per shard".into(), value: SHARD_WRITE_BYTES_PER_SEC as f64 / 1024.0 }],
        x_window_seconds: WINDOW_SECONDS as f64,
    });
    let throttled = Signal::derive(move || ChartSpec {
        title: "Throttled writes per second, per shard".into(),
        y_unit: "records/s".into(),
        series: per_shard(&shards.get(), |m| m.write_throttled as f64),
        limit_lines: vec![],
        x_window_seconds: WINDOW_SECONDS as f64,
    });
    let iterator_age = Signal::derive(move || {
        let points = lab
            .read_sandbox(|sb| {
                let now_second = sb.now_ms() / 1_000;
                complete(observe::stream_metrics(&sb.service.engine, &stream.get_value(), WINDOW_SECONDS + 1), now_second)
            })
            .unwrap_or_default();
        ChartSpec {
            title: "Iterator age (GetRecords.IteratorAgeMilliseconds, max)".into(),
            y_unit: "ms".into(),
            series: vec![Series {
                label: "stream".into(),
                points: points.iter().map(|(s, m)| (*s as f64, m.iterator_age_ms_max as f64)).collect(),
            }],
            limit_lines: vec![],
            x_window_seconds: WINDOW_SECONDS as f64,
        }
    });
    let latency = Signal::derive(move || {
        let series = lab
            .read_sandbox(|sb| {
                let now_second = sb.now_ms() / 1_000;
                sb.consumers()
                    .iter()
                    .filter(|e| e.consumer.stream_name() == stream.get_value())
                    .map(|e| {
                        let kind = match e.consumer.kind() {
                            ConsumerKind::FanOut => "enhanced fan-out",
                            _ => "classic polling",
                        };
                        Series {
                            label: format!("{} ({kind})", e.consumer.name()),
                            points: e
                                .consumer
                                .latency_history()
                                .iter()
                                .filter(|p| p.second < now_second && p.second + WINDOW_SECONDS as u64 >= now_second)
                                .map(|p| (p.second as f64, p.avg_ms as f64))
                                .collect(),
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        ChartSpec {
            title: "Delivery latency: classic polling vs enhanced fan-out (average)".into(),
            y_unit: "ms".into(),
            series,
            limit_lines: vec![],
            x_window_seconds: WINDOW_SECONDS as f64,
        }
    });

    view! {
        <section class="panel" aria-labelledby="charts-heading">
            <h2 id="charts-heading">"Live charts"</h2>
            <p class="help">"Per simulated second, the last two minutes. They move only while the clock runs; pause it "
                "to study a moment. With many shards the busiest six are drawn (the table lists them). Each chart "
                "has a Table button with the same numbers."</p>
            <div class="chart-grid">
                <LiveChart spec=records_in dark=dark id="chart-records-in" />
                <LiveChart spec=bytes_in dark=dark id="chart-bytes-in" />
                <LiveChart spec=throttled dark=dark id="chart-throttled" />
                <LiveChart spec=iterator_age dark=dark id="chart-iterator-age" />
                <LiveChart spec=latency dark=dark id="chart-latency" />
            </div>
        </section>
    }
}

//! The buffer gauges: bytes buffered against the size hint and the oldest record's age against the
//! interval hint, each as a bar with its numbers in words, and which of the two will flush it first.

use leptos::prelude::*;

use super::stream_info;
use crate::api::observe_firehose;
use crate::ui::format::{grouped, utc_millis};
use crate::ui::lab::use_lab;
use crate::viz::firehose::{bytes_text, gauge, seconds_text, Trigger};

/// Complete seconds the recent incoming rate is averaged over.
const RATE_WINDOW_SECONDS: u64 = 5;

/// A bar (decorative: the text next to it says the same) filled to `fraction`.
fn bar(fraction: f64, class: &'static str) -> impl IntoView {
    let pct = (fraction.clamp(0.0, 1.0) * 100.0).round();
    view! {
        <div class=format!("gauge-track {class}") aria-hidden="true">
            <div class="gauge-fill" style=format!("width:{pct}%")></div>
        </div>
    }
}

#[component]
pub fn BufferGauges(stream: String) -> impl IntoView {
    let lab = use_lab();
    let stream = StoredValue::new(stream);
    let body = move || {
        let info = stream_info(lab, &stream.get_value())?;
        let now = lab.now_ms.get();
        // Bytes per second arriving lately (complete seconds only), for the size projection.
        let rate = lab
            .read_sandbox(|sb| {
                let now_second = now / 1_000;
                let points = observe_firehose::metrics(&sb.firehose.engine, &info.name, RATE_WINDOW_SECONDS as usize + 1);
                let bytes: u64 = points
                    .iter()
                    .filter(|(s, _)| *s < now_second && *s + RATE_WINDOW_SECONDS >= now_second)
                    .map(|(_, p)| p.incoming_bytes)
                    .sum();
                bytes as f64 / RATE_WINDOW_SECONDS as f64
            })
            .unwrap_or(0.0);
        let b = info.buffer;
        let g = gauge(b.bytes, b.oldest_arrival_ms, now, info.size_mib, info.interval_s, rate);
        let verdict = match g.first {
            Trigger::Empty if info.status != "ACTIVE" => format!("Nothing buffered: the delivery stream is {}.", info.status),
            Trigger::Empty => match info.source_stream_name() {
                Some(stream) => format!("Nothing buffered: no flush is pending. Records come from the data stream {stream}."),
                None => "Nothing buffered: no flush is pending. Send records below.".to_string(),
            },
            Trigger::Interval => format!(
                "Next flush: the interval, in {} ({}){}.",
                seconds_text(g.interval_left_ms),
                b.flush_due_ms.map(utc_millis).unwrap_or_default(),
                if rate > 0.0 { ", before the size hint fills at the recent rate" } else { ", unless enough data arrives to fill the size hint first" }
            ),
            Trigger::Size => format!(
                "Next flush: the size hint, in about {} at the recent {}/s (the interval would take {}).",
                seconds_text(g.size_left_ms.unwrap_or(0)),
                bytes_text(rate as u64),
                seconds_text(g.interval_left_ms)
            ),
        };
        let size_first = g.first == Trigger::Size;
        let interval_first = g.first == Trigger::Interval;
        Some(view! {
            <div class="gauges">
                <div class="gauge" data-testid="gauge-size">
                    <div class="gauge-label">
                        <strong>"Size"</strong>
                        {size_first.then(|| view! { <span class="gauge-first">"◆ flushes first"</span> })}
                    </div>
                    {bar(g.size_fraction, "size")}
                    <p class="gauge-text" data-testid="gauge-size-text">
                        {format!("{} of {} MiB ({:.1}%) · {} record{}", bytes_text(g.bytes), info.size_mib, g.size_fraction * 100.0,
                            grouped(b.records), if b.records == 1 { "" } else { "s" })}
                    </p>
                </div>
                <div class="gauge" data-testid="gauge-age">
                    <div class="gauge-label">
                        <strong>"Age of the oldest record"</strong>
                        {interval_first.then(|| view! { <span class="gauge-first">"◆ flushes first"</span> })}
                    </div>
                    {bar(g.age_fraction, "age")}
                    <p class="gauge-text" data-testid="gauge-age-text">
                        {if b.oldest_arrival_ms.is_some() {
                            format!("{} of {} s ({:.1}%)", seconds_text(g.age_ms), info.interval_s, g.age_fraction * 100.0)
                        } else {
                            format!("no record waiting · interval {} s", info.interval_s)
                        }}
                    </p>
                </div>
            </div>
            <p class="verdict" data-testid="gauge-verdict">{verdict}</p>
        })
    };
    view! {
        <section class="panel" aria-labelledby="fh-buffer-heading">
            <h2 id="fh-buffer-heading">"Buffer"</h2>
            {body}
            <p class="help">"Whichever comes first: a buffer is written when it reaches the size hint or when its oldest record "
                "has waited the interval. A record that would take it over the size is never split; the buffer is written before it."</p>
        </section>
    }
}

//! Live line charts, the pure half: what a chart shows (`ChartSpec`), its axes and ticks, where things
//! go on the canvas, the colours and dash/marker styles of its series, the text a screen reader gets,
//! and the same data as a table. `ui::chart` only draws what this computes, so all of it is tested
//! natively.
//!
//! Conventions: x is simulated time in seconds (epoch seconds of the simulated clock, so time-of-day
//! labels read like the clock bar); y starts at 0 and rises to a rounded maximum that covers both the
//! data in the window and every limit line, so a limit is always visible next to the traffic it caps.

use std::fmt::Write as _;

/// One line on a chart: a label and (simulated second, value) points in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// A horizontal reference line, such as a shard's 1,000 records/s write limit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LimitLine {
    pub label: String,
    pub value: f64,
}

/// Everything one chart shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartSpec {
    pub title: String,
    /// Unit of the y values, as people read it ("records/s", "bytes/s", "ms").
    pub y_unit: String,
    pub series: Vec<Series>,
    pub limit_lines: Vec<LimitLine>,
    /// How many seconds the x axis spans, ending at the newest point.
    pub x_window_seconds: f64,
}

/// Seconds per day, for time-of-day labels.
const SECONDS_PER_DAY: i64 = 86_400;
/// Aim for about this many y gridlines (5 reads well at any chart height we use).
pub const Y_TARGET_TICKS: usize = 5;
/// Space above the largest value, so a line at the maximum does not sit on the chart's top edge.
const Y_HEADROOM: f64 = 1.05;
/// A window shorter than this is widened: a chart needs some width of time to show a line.
const MIN_WINDOW_SECONDS: f64 = 1.0;

/// The visible stretch of simulated time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct XRange {
    pub start_s: f64,
    pub end_s: f64,
}

impl XRange {
    pub fn contains(&self, second: f64) -> bool {
        self.start_s <= second && second <= self.end_s
    }

    pub fn width(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// The y axis: 0 to `max`, with gridlines every `step`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct YAxis {
    pub max: f64,
    pub step: f64,
}

impl YAxis {
    /// Gridline values from 0 up to and including `max`.
    pub fn ticks(&self) -> impl Iterator<Item = f64> + '_ {
        let count = (self.max / self.step).round() as usize;
        (0..=count).map(move |i| i as f64 * self.step)
    }
}

impl ChartSpec {
    fn window_seconds(&self) -> f64 {
        if self.x_window_seconds.is_finite() && self.x_window_seconds >= MIN_WINDOW_SECONDS {
            self.x_window_seconds
        } else {
            MIN_WINDOW_SECONDS
        }
    }

    /// The newest simulated second across all series (non-finite points are ignored).
    pub fn latest_second(&self) -> Option<f64> {
        self.series.iter().flat_map(|s| s.points.iter()).map(|p| p.0).filter(|t| t.is_finite()).reduce(f64::max)
    }

    /// The window ends at the newest point; with no data it is [0, window].
    pub fn x_range(&self) -> XRange {
        let window = self.window_seconds();
        match self.latest_second() {
            Some(end) => XRange { start_s: end - window, end_s: end },
            None => XRange { start_s: 0.0, end_s: window },
        }
    }

    /// A series' points that fall inside the window and can be drawn (finite).
    pub fn visible_points<'a>(&self, series: &'a Series) -> impl Iterator<Item = (f64, f64)> + Clone + 'a {
        let range = self.x_range();
        series.points.iter().copied().filter(move |(t, v)| t.is_finite() && v.is_finite() && range.contains(*t))
    }

    /// 0 to a rounded maximum covering the visible data and every limit line.
    pub fn y_axis(&self) -> YAxis {
        let data_max = self.series.iter().flat_map(|s| self.visible_points(s)).map(|p| p.1).fold(0.0, f64::max);
        let limit_max = self.limit_lines.iter().map(|l| l.value).filter(|v| v.is_finite()).fold(0.0, f64::max);
        nice_axis(data_max.max(limit_max), Y_TARGET_TICKS)
    }
}

/// A "nice" step (1, 2, 2.5 or 5 times a power of ten) close to `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 2.5 {
        2.5
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// An axis from 0 covering `max_value` (plus headroom) in about `target_ticks` nice steps. An empty
/// chart gets 0..1 rather than a zero-height axis.
pub fn nice_axis(max_value: f64, target_ticks: usize) -> YAxis {
    let top = if max_value.is_finite() && max_value > 0.0 { max_value * Y_HEADROOM } else { 1.0 };
    let step = nice_step(top / target_ticks.max(1) as f64);
    let max = (top / step).ceil() * step;
    YAxis { max, step }
}

/// Time-axis spacing candidates, in seconds: each reads naturally on a clock.
const TIME_STEPS_S: [f64; 14] =
    [1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1_800.0, 3_600.0, 7_200.0];

/// Tick positions for the time axis: whole multiples of a clock-friendly step, at most `max_ticks`.
pub fn time_ticks(range: XRange, max_ticks: usize) -> Vec<f64> {
    let max_ticks = max_ticks.max(1);
    let width = range.width().max(MIN_WINDOW_SECONDS);
    let step = TIME_STEPS_S
        .iter()
        .copied()
        .find(|s| width / s < max_ticks as f64)
        .unwrap_or_else(|| (width / max_ticks as f64 / 3_600.0).ceil() * 3_600.0);
    let first = (range.start_s / step).ceil() * step;
    let mut ticks = Vec::with_capacity(max_ticks + 1);
    let mut i = 0.0;
    while first + i * step <= range.end_s && ticks.len() <= max_ticks {
        ticks.push(first + i * step);
        i += 1.0;
    }
    ticks
}

/// `HH:MM:SS` of a simulated second (the time of day, UTC, as the clock bar shows it).
pub fn hms(second: f64) -> String {
    if !second.is_finite() {
        return "--:--:--".into();
    }
    let of_day = (second.floor() as i64).rem_euclid(SECONDS_PER_DAY);
    format!("{:02}:{:02}:{:02}", of_day / 3_600, of_day % 3_600 / 60, of_day % 60)
}

/// An axis label: as many decimals as the step needs, and k/M/G for large values so labels stay short.
pub fn tick_label(value: f64, step: f64) -> String {
    let abs = value.abs();
    let (scaled, suffix, scaled_step) = if abs >= 1e9 {
        (value / 1e9, "G", step / 1e9)
    } else if abs >= 1e6 {
        (value / 1e6, "M", step / 1e6)
    } else if abs >= 1e4 {
        (value / 1e3, "k", step / 1e3)
    } else {
        (value, "", step)
    };
    let decimals = decimals_for(scaled_step);
    format!("{}{suffix}", trim_zeros(format!("{scaled:.decimals$}")))
}

/// A table cell: the exact value, digits grouped in thousands, up to 2 decimals.
pub fn cell_value(value: f64) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    let text = trim_zeros(format!("{value:.2}"));
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text, None),
    };
    let (sign, digits) = match int.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", int.as_str()),
    };
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn decimals_for(step: f64) -> usize {
    if !step.is_finite() || step <= 0.0 || step >= 1.0 {
        return 0;
    }
    // Steps are 1, 2, 2.5 or 5 × 10^k: 2.5 needs one decimal more than its power of ten.
    let mut decimals = (-step.log10()).ceil() as usize;
    if ((step * 10f64.powi(decimals as i32)).fract()).abs() > 1e-9 {
        decimals += 1;
    }
    decimals.min(6)
}

fn trim_zeros(text: String) -> String {
    if text.contains('.') {
        let trimmed = text.trim_end_matches('0').trim_end_matches('.');
        if trimmed == "-0" { "0".into() } else { trimmed.to_string() }
    } else {
        text
    }
}

// ---- canvas geometry ----

/// Font sizes in CSS pixels: at least 14 px so labels stay readable on a projector (WCAG-minded).
pub const TICK_FONT_PX: f64 = 15.0;
pub const LIMIT_FONT_PX: f64 = 15.0;
/// Line widths in CSS pixels.
pub const SERIES_LINE_PX: f64 = 2.5;
pub const LIMIT_LINE_PX: f64 = 1.5;
pub const GRID_LINE_PX: f64 = 1.0;
/// Marker size (radius or half-width) in CSS pixels.
pub const MARKER_PX: f64 = 4.5;
/// Roughly how wide one digit of the tick font is, as a share of its size (system UI fonts).
const DIGIT_WIDTH_EM: f64 = 0.6;

/// The plotting rectangle inside the canvas, in device pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotRect {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

/// Where everything goes on a canvas of `width_px` × `height_px` device pixels at `scale` device pixels
/// per CSS pixel.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub rect: PlotRect,
    /// Device pixels per CSS pixel (window.devicePixelRatio).
    pub scale: f64,
    pub y_axis: YAxis,
    pub x_range: XRange,
    /// Tick positions on the time axis (seconds).
    pub x_ticks: Vec<f64>,
}

impl Layout {
    pub fn new(spec: &ChartSpec, width_px: f64, height_px: f64, scale: f64) -> Layout {
        let scale = if scale.is_finite() && scale > 0.0 { scale } else { 1.0 };
        let y_axis = spec.y_axis();
        let x_range = spec.x_range();
        let font = TICK_FONT_PX * scale;
        let widest_label = y_axis.ticks().map(|t| tick_label(t, y_axis.step).chars().count()).max().unwrap_or(1);
        let left = (widest_label as f64 * DIGIT_WIDTH_EM * font + 10.0 * scale).ceil();
        let top = (font * 0.75).ceil();
        // An HH:MM:SS label is 8 characters, centred on its tick: the right margin holds half of one, so
        // a tick at the newest second is not cut off.
        let label_px = 8.0 * DIGIT_WIDTH_EM * font;
        let right = (width_px - (label_px / 2.0 + 4.0 * scale).ceil()).max(left + 1.0);
        let bottom = (height_px - font - 12.0 * scale).max(top + 1.0);
        let max_x_ticks = (((right - left) / (label_px * 1.6)).floor() as usize).max(2);
        let x_ticks = time_ticks(x_range, max_x_ticks);
        Layout { rect: PlotRect { left, top, right, bottom }, scale, y_axis, x_range, x_ticks }
    }

    /// Device pixel of a (second, value) point; values below 0 or above the axis are clamped so a
    /// stray point never draws outside the plot.
    pub fn to_px(&self, second: f64, value: f64) -> (i32, i32) {
        let r = &self.rect;
        let x_share = ((second - self.x_range.start_s) / self.x_range.width().max(f64::EPSILON)).clamp(0.0, 1.0);
        let y_share = (value / self.y_axis.max).clamp(0.0, 1.0);
        let x = r.left + x_share * (r.right - r.left);
        let y = r.bottom - y_share * (r.bottom - r.top);
        (x.round() as i32, y.round() as i32)
    }

    /// A CSS length in device pixels (at least 1).
    pub fn px(&self, css_px: f64) -> u32 {
        (css_px * self.scale).round().max(1.0) as u32
    }
}

// ---- colours and styles ----

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, for SVG and CSS.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The Okabe–Ito palette (style/main.css `--oi-*`), distinguishable with the common colour-vision
/// deficiencies.
pub const OI_ORANGE: Rgb = Rgb(0xe6, 0x9f, 0x00);
pub const OI_SKY: Rgb = Rgb(0x56, 0xb4, 0xe9);
pub const OI_GREEN: Rgb = Rgb(0x00, 0x9e, 0x73);
pub const OI_YELLOW: Rgb = Rgb(0xf0, 0xe4, 0x42);
pub const OI_BLUE: Rgb = Rgb(0x00, 0x72, 0xb2);
pub const OI_VERMILLION: Rgb = Rgb(0xd5, 0x5e, 0x00);
pub const OI_PURPLE: Rgb = Rgb(0xcc, 0x79, 0xa7);

/// Series colours in order of use. Light backgrounds start with the darkest colours and keep yellow
/// (hard to see on white) for last; dark backgrounds swap blue (hard to see on near-black) for sky,
/// as the stylesheet's accent colour does.
const LIGHT_ORDER: [Rgb; 7] = [OI_BLUE, OI_ORANGE, OI_GREEN, OI_VERMILLION, OI_PURPLE, OI_SKY, OI_YELLOW];
const DARK_ORDER: [Rgb; 7] = [OI_SKY, OI_ORANGE, OI_GREEN, OI_VERMILLION, OI_PURPLE, OI_YELLOW, OI_BLUE];

/// Line patterns, so series differ by more than colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
    LongDash,
}

impl Dash {
    /// (dash, gap) in CSS pixels; `None` for a solid line.
    pub fn pattern_css_px(self) -> Option<(f64, f64)> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some((8.0, 5.0)),
            Dash::Dotted => Some((2.5, 4.0)),
            Dash::LongDash => Some((16.0, 6.0)),
        }
    }

    /// The same pattern as an SVG `stroke-dasharray` (for the legend swatches).
    pub fn svg_dasharray(self) -> &'static str {
        match self {
            Dash::Solid => "none",
            Dash::Dashed => "8 5",
            Dash::Dotted => "2.5 4",
            Dash::LongDash => "16 6",
        }
    }
}

/// Point markers, the second cue after the dash pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

const DASHES: [Dash; 4] = [Dash::Solid, Dash::Dashed, Dash::Dotted, Dash::LongDash];
const MARKERS: [Marker; 4] = [Marker::Circle, Marker::Square, Marker::Triangle, Marker::Diamond];

/// How series number `index` is drawn. Colour, dash and marker cycle with different periods
/// (7, 4, 4 shifted), so no two of the first 28 series look alike even in greyscale's worst case of
/// colour alone failing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesStyle {
    pub color: Rgb,
    pub dash: Dash,
    pub marker: Marker,
}

pub fn series_style(index: usize, dark: bool) -> SeriesStyle {
    let colors = if dark { &DARK_ORDER } else { &LIGHT_ORDER };
    SeriesStyle {
        color: colors[index % colors.len()],
        dash: DASHES[index % DASHES.len()],
        marker: MARKERS[(index + index / DASHES.len()) % MARKERS.len()],
    }
}

/// Aim for about this many markers along a series (plus one on its newest point).
pub const MARKERS_PER_SERIES: usize = 8;

/// Whether point `i` of `len` of series `series_index` (of `series_count`) gets a marker: evenly
/// spaced, staggered between series so markers of overlapping lines do not sit on top of each other,
/// and always the newest point (where the eye looks for the current value).
pub fn has_marker(i: usize, len: usize, series_index: usize, series_count: usize) -> bool {
    if len == 0 || i >= len {
        return false;
    }
    if i + 1 == len {
        return true;
    }
    let every = (len / MARKERS_PER_SERIES).max(1);
    let offset = every * series_index / series_count.max(1);
    i % every == offset % every
}

/// The colours around the data, matching style/main.css's light and dark palettes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartTheme {
    pub background: Rgb,
    pub text: Rgb,
    pub muted: Rgb,
    pub grid: Rgb,
    /// Limit lines: neutral and dashed, so they never read as one more series colour.
    pub limit: Rgb,
}

pub fn chart_theme(dark: bool) -> ChartTheme {
    if dark {
        // --surface, --text, --muted, --border (dark).
        ChartTheme {
            background: Rgb(0x1f, 0x22, 0x26),
            text: Rgb(0xe8, 0xe8, 0xe6),
            muted: Rgb(0xa8, 0xad, 0xb3),
            grid: Rgb(0x3a, 0x3f, 0x45),
            limit: Rgb(0xe8, 0xe8, 0xe6),
        }
    } else {
        // --surface, --text, --muted, --border (light).
        ChartTheme {
            background: Rgb(0xff, 0xff, 0xff),
            text: Rgb(0x1b, 0x1b, 0x1b),
            muted: Rgb(0x55, 0x5a, 0x60),
            grid: Rgb(0xd3, 0xd5, 0xd8),
            limit: Rgb(0x1b, 0x1b, 0x1b),
        }
    }
}

// ---- text alternatives ----

/// The newest finite value of a series, with its second.
pub fn latest_point(series: &Series) -> Option<(f64, f64)> {
    series.points.iter().rev().copied().find(|(t, v)| t.is_finite() && v.is_finite())
}

/// The canvas's accessible name: what the chart is and its latest values, e.g.
/// "Incoming records (records/s). At 00:01:05: Shard 0 812, Shard 1 95. Limit: Write limit 1,000."
pub fn summary(spec: &ChartSpec) -> String {
    let mut text = format!("{} ({}).", spec.title, spec.y_unit);
    match spec.latest_second() {
        None => text.push_str(" No data yet."),
        Some(at) => {
            let _ = write!(text, " At {}:", hms(at));
            let mut first = true;
            for s in &spec.series {
                let value = latest_point(s).map(|(_, v)| cell_value(v)).unwrap_or_else(|| "no data".into());
                let _ = write!(text, "{} {} {}", if first { "" } else { "," }, s.label, value);
                first = false;
            }
            text.push('.');
        }
    }
    for (i, l) in spec.limit_lines.iter().enumerate() {
        let _ = write!(text, "{} {} {}", if i == 0 { " Limit:" } else { "," }, l.label, cell_value(l.value));
        if i + 1 == spec.limit_lines.len() {
            text.push('.');
        }
    }
    text
}

/// The chart as a table: one row per simulated second in the window (newest first), one column per
/// series.
#[derive(Debug, Clone, PartialEq)]
pub struct TableModel {
    pub caption: String,
    /// "Time", then each series' label with the unit.
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub second: i64,
    /// `HH:MM:SS`.
    pub time: String,
    /// One per series; "—" where a series has no point in that second.
    pub cells: Vec<String>,
}

pub fn table(spec: &ChartSpec) -> TableModel {
    let mut seconds: Vec<i64> = spec.series.iter().flat_map(|s| spec.visible_points(s)).map(|(t, _)| t.floor() as i64).collect();
    seconds.sort_unstable_by(|a, b| b.cmp(a));
    seconds.dedup();
    let rows = seconds
        .into_iter()
        .map(|second| TableRow {
            second,
            time: hms(second as f64),
            cells: spec
                .series
                .iter()
                .map(|s| {
                    // The newest point in that second, as the chart's line ends there.
                    spec.visible_points(s).filter(|(t, _)| t.floor() as i64 == second).last().map(|(_, v)| cell_value(v)).unwrap_or_else(|| "—".into())
                })
                .collect(),
        })
        .collect();
    let mut caption = format!("{} ({}), newest first", spec.title, spec.y_unit);
    for (i, l) in spec.limit_lines.iter().enumerate() {
        let _ = write!(caption, "{} {} {}", if i == 0 { ". Limit:" } else { "," }, l.label, cell_value(l.value));
    }
    let mut headers = vec!["Time".to_string()];
    headers.extend(spec.series.iter().map(|s| format!("{} ({})", s.label, spec.y_unit)));
    TableModel { caption, headers, rows }
}

/// A cheap fingerprint of what a drawing depends on, so the canvas is redrawn only when it would
/// change (FNV-1a over the numbers and text; no allocation).
pub fn fingerprint(spec: &ChartSpec, dark: bool, width_px: u32, height_px: u32) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            hash ^= *b as u64;
            hash = hash.wrapping_mul(PRIME);
        }
    };
    eat(&[dark as u8]);
    eat(&width_px.to_le_bytes());
    eat(&height_px.to_le_bytes());
    eat(spec.title.as_bytes());
    eat(spec.y_unit.as_bytes());
    eat(&spec.x_window_seconds.to_bits().to_le_bytes());
    for s in &spec.series {
        eat(s.label.as_bytes());
        eat(&(s.points.len() as u64).to_le_bytes());
        for (t, v) in &s.points {
            eat(&t.to_bits().to_le_bytes());
            eat(&v.to_bits().to_le_bytes());
        }
    }
    for l in &spec.limit_lines {
        eat(l.label.as_bytes());
        eat(&l.value.to_bits().to_le_bytes());
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(points: &[(f64, f64)], limit: Option<f64>) -> ChartSpec {
        ChartSpec {
            title: "Incoming records".into(),
            y_unit: "records/s".into(),
            series: vec![Series { label: "Shard 0".into(), points: points.to_vec() }],
            limit_lines: limit.map(|value| LimitLine { label: "Write limit".into(), value }).into_iter().collect(),
            x_window_seconds: 60.0,
        }
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.13), 0.2);
        assert_eq!(nice_step(1.0), 1.0);
        assert_eq!(nice_step(2.2), 2.5);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(nice_step(210.0), 250.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn y_axis_covers_data_and_limit_lines() {
        // Data only: 812 × 1.05 = 852.6 → steps of 200 → 0..1000.
        let axis = spec(&[(1.0, 812.0)], None).y_axis();
        assert_eq!(axis, YAxis { max: 1_000.0, step: 200.0 });
        // A limit above the data raises the axis: 1000 × 1.05 = 1050 → steps of 250 → 0..1250.
        let axis = spec(&[(1.0, 12.0)], Some(1_000.0)).y_axis();
        assert_eq!(axis, YAxis { max: 1_250.0, step: 250.0 });
        assert_eq!(axis.ticks().collect::<Vec<_>>(), vec![0.0, 250.0, 500.0, 750.0, 1_000.0, 1_250.0]);
        // Data above the limit.
        let axis = spec(&[(1.0, 3_000.0)], Some(1_000.0)).y_axis();
        assert!(axis.max >= 3_000.0 && axis.max <= 4_000.0, "{axis:?}");
        // Empty chart: 0..1, not a zero-height axis.
        let axis = spec(&[], None).y_axis();
        assert_eq!(axis.max, 1.0);
        assert!(axis.step > 0.0);
    }

    #[test]
    fn y_axis_ignores_points_outside_the_window_and_non_finite_values() {
        let s = spec(&[(0.0, 1e9), (100.0, 10.0), (101.0, f64::NAN), (102.0, f64::INFINITY)], None);
        // Window is 60 s ending at 102: the 1e9 at second 0 is out of view.
        assert_eq!(s.x_range(), XRange { start_s: 42.0, end_s: 102.0 });
        // 10 × 1.05 = 10.5 → steps of 2.5 → 0..12.5.
        assert_eq!(s.y_axis(), YAxis { max: 12.5, step: 2.5 });
    }

    proptest::proptest! {
        #[test]
        fn axis_always_covers_and_stays_tight(max in 0.001f64..1e12) {
            let axis = nice_axis(max, Y_TARGET_TICKS);
            proptest::prop_assert!(axis.max >= max);
            proptest::prop_assert!(axis.step > 0.0);
            let ticks = axis.ticks().count();
            proptest::prop_assert!((3..=12).contains(&ticks), "{} ticks for {}", ticks, max);
            // Never more than one step of empty space above the headroom.
            proptest::prop_assert!(axis.max - axis.step < max * Y_HEADROOM + axis.step * 1e-9);
        }
    }

    #[test]
    fn time_ticks_fall_on_clock_friendly_seconds() {
        let ticks = time_ticks(XRange { start_s: 1_767_225_603.0, end_s: 1_767_225_663.0 }, 6);
        // 60 s wide, at most 6 ticks: every 15 s, on :15 boundaries.
        assert_eq!(ticks.iter().map(|t| hms(*t)).collect::<Vec<_>>(), vec!["00:00:15", "00:00:30", "00:00:45", "00:01:00"]);
        let hour = time_ticks(XRange { start_s: 0.0, end_s: 3_600.0 }, 5);
        assert_eq!(hour, vec![0.0, 900.0, 1_800.0, 2_700.0, 3_600.0]);
        let days = time_ticks(XRange { start_s: 0.0, end_s: 3.0 * 86_400.0 }, 4);
        assert!(days.len() <= 5 && days.len() >= 2, "{days:?}");
    }

    #[test]
    fn hms_is_time_of_day() {
        assert_eq!(hms(0.0), "00:00:00");
        assert_eq!(hms(1_767_225_600.0 + 3_725.9), "01:02:05");
        assert_eq!(hms(-1.0), "23:59:59");
        assert_eq!(hms(f64::NAN), "--:--:--");
    }

    #[test]
    fn labels_are_short_and_exact() {
        assert_eq!(tick_label(250.0, 250.0), "250");
        assert_eq!(tick_label(0.5, 0.5), "0.5");
        assert_eq!(tick_label(0.75, 0.25), "0.75");
        assert_eq!(tick_label(2_500.0, 500.0), "2500");
        assert_eq!(tick_label(25_000.0, 5_000.0), "25k");
        assert_eq!(tick_label(1_250_000.0, 250_000.0), "1.25M");
        assert_eq!(tick_label(2e9, 1e9), "2G");
        assert_eq!(cell_value(1_048_576.0), "1,048,576");
        assert_eq!(cell_value(1_234.5), "1,234.5");
        assert_eq!(cell_value(-12_345.678), "-12,345.68");
        assert_eq!(cell_value(0.0), "0");
        assert_eq!(cell_value(f64::NAN), "—");
    }

    #[test]
    fn layout_maps_the_window_onto_the_plot() {
        let s = spec(&[(100.0, 0.0), (160.0, 500.0)], Some(1_000.0));
        let layout = Layout::new(&s, 600.0, 240.0, 1.0);
        let r = layout.rect;
        assert!(r.left > 20.0 && r.left < 80.0, "room for the y labels: {r:?}");
        assert!(r.bottom < 240.0 - TICK_FONT_PX, "room for the time labels: {r:?}");
        // Half an HH:MM:SS label fits right of the last tick.
        assert!(600.0 - r.right >= 4.0 * DIGIT_WIDTH_EM * TICK_FONT_PX, "{r:?}");
        assert_eq!(layout.to_px(100.0, 0.0), (r.left.round() as i32, r.bottom.round() as i32));
        assert_eq!(layout.to_px(160.0, layout.y_axis.max), (r.right.round() as i32, r.top.round() as i32));
        // Clamped: below zero and past the window stay on the plot's edge.
        assert_eq!(layout.to_px(1e9, -5.0), (r.right.round() as i32, r.bottom.round() as i32));
        // Twice the device pixels per CSS pixel: twice the margins.
        let hi = Layout::new(&s, 1_200.0, 480.0, 2.0);
        assert!((hi.rect.left - 2.0 * r.left).abs() <= 2.0, "{:?} vs {:?}", hi.rect, r);
        assert_eq!(hi.px(SERIES_LINE_PX), 5);
        assert!(!layout.x_ticks.is_empty());
    }

    #[test]
    fn styles_differ_by_more_than_colour() {
        for dark in [false, true] {
            let styles: Vec<SeriesStyle> = (0..4).map(|i| series_style(i, dark)).collect();
            for i in 0..4 {
                for j in (i + 1)..4 {
                    assert_ne!(styles[i].dash, styles[j].dash);
                    assert_ne!(styles[i].marker, styles[j].marker);
                    assert_ne!(styles[i].color, styles[j].color);
                }
            }
        }
        // Every colour comes from the Okabe–Ito palette in style/main.css.
        assert_eq!(series_style(0, false).color.hex(), "#0072b2");
        assert_eq!(series_style(0, true).color.hex(), "#56b4e9");
        assert_eq!(chart_theme(true).background.hex(), "#1f2226");
        assert_eq!(Dash::Dashed.svg_dasharray(), "8 5");
    }

    #[test]
    fn markers_are_spaced_staggered_and_on_the_newest_point() {
        let marked: Vec<usize> = (0..64).filter(|i| has_marker(*i, 64, 0, 2)).collect();
        assert_eq!(marked, vec![0, 8, 16, 24, 32, 40, 48, 56, 63]);
        let second: Vec<usize> = (0..64).filter(|i| has_marker(*i, 64, 1, 2)).collect();
        assert_eq!(second, vec![4, 12, 20, 28, 36, 44, 52, 60, 63]);
        assert!(has_marker(0, 1, 0, 1));
        assert!(!has_marker(5, 5, 0, 1));
    }

    #[test]
    fn summary_reads_the_latest_values() {
        let mut s = spec(&[(1_767_225_664.0, 700.0), (1_767_225_665.0, 812.0)], Some(1_000.0));
        s.series.push(Series { label: "Shard 1".into(), points: vec![(1_767_225_665.0, 95.5)] });
        assert_eq!(
            summary(&s),
            "Incoming records (records/s). At 00:01:05: Shard 0 812, Shard 1 95.5. Limit: Write limit 1,000."
        );
        assert_eq!(summary(&spec(&[], None)), "Incoming records (records/s). No data yet.");
    }

    #[test]
    fn table_has_a_row_per_second_and_a_column_per_series() {
        let mut s = spec(&[(10.0, 1.0), (11.0, 2.0), (11.5, 3.0), (12.0, 4.0)], Some(1_000.0));
        s.series.push(Series { label: "Throttled".into(), points: vec![(11.0, 7.0)] });
        let t = table(&s);
        assert_eq!(t.headers, vec!["Time", "Shard 0 (records/s)", "Throttled (records/s)"]);
        assert_eq!(t.caption, "Incoming records (records/s), newest first. Limit: Write limit 1,000");
        let rows: Vec<(String, Vec<String>)> = t.rows.iter().map(|r| (r.time.clone(), r.cells.clone())).collect();
        assert_eq!(
            rows,
            vec![
                ("00:00:12".into(), vec!["4".into(), "—".into()]),
                ("00:00:11".into(), vec!["3".into(), "7".into()]),
                ("00:00:10".into(), vec!["1".into(), "—".into()]),
            ]
        );
        // Only the window: a 60 s window ending at 200 drops second 10.
        let mut far = s.clone();
        far.series[0].points.push((200.0, 9.0));
        assert_eq!(table(&far).rows.len(), 1);
    }

    #[test]
    fn fingerprint_changes_with_what_is_drawn() {
        let s = spec(&[(1.0, 2.0)], Some(5.0));
        let base = fingerprint(&s, false, 600, 240);
        assert_eq!(base, fingerprint(&s.clone(), false, 600, 240));
        assert_ne!(base, fingerprint(&s, true, 600, 240));
        assert_ne!(base, fingerprint(&s, false, 601, 240));
        let mut moved = s.clone();
        moved.series[0].points[0].1 = 2.5;
        assert_ne!(base, fingerprint(&moved, false, 600, 240));
        let mut relabelled = s;
        relabelled.limit_lines[0].label = "Read limit".into();
        assert_ne!(base, fingerprint(&relabelled, false, 600, 240));
    }
}

//! `LiveChart`: a line chart of simulated metrics on a <canvas>, with an HTML legend and a table view of
//! the same numbers. Everything about what to draw and where comes from `viz::chart` (tested natively);
//! this file only paints it with plotters and wires the signals.
//!
//! Cost: the canvas is repainted only when the spec, the theme or the canvas size changes (checked by a
//! fingerprint, so an unchanged spec costs no painting and a paused clock freezes the chart). The same
//! canvas and context are reused; the only allocations are plotters' own and one point list per solid
//! line.

use leptos::html;
use leptos::prelude::*;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use crate::viz::chart::{
    self, chart_theme, has_marker, series_style, ChartSpec, Layout, Marker, Rgb, GRID_LINE_PX, LIMIT_FONT_PX,
    LIMIT_LINE_PX, MARKER_PX, SERIES_LINE_PX, TICK_FONT_PX,
};

/// Canvas height when the caller does not choose one, in CSS pixels.
const DEFAULT_HEIGHT_CSS_PX: u32 = 240;
/// The font stack of the page (style/main.css `--font`), for canvas text.
const FONT_FAMILY: &str = "system-ui, -apple-system, \"Segoe UI\", Roboto, Arial, sans-serif";

/// A live line chart with legend and table toggle.
///
/// - `spec`: what to show; the chart repaints when it changes (pass a `Memo` so equal specs do not
///   even wake the effect).
/// - `dark`: paint for a dark page (e.g. `ThemeState::dark()`).
/// - `height`: canvas height in CSS pixels (default 240).
/// - `id`: a unique id prefix, used to tie the Table button to the table it shows.
#[component]
pub fn LiveChart(
    #[prop(into)] spec: Signal<ChartSpec>,
    #[prop(into)] dark: Signal<bool>,
    #[prop(optional)] height: Option<u32>,
    #[prop(into)] id: String,
) -> impl IntoView {
    let height_css = height.unwrap_or(DEFAULT_HEIGHT_CSS_PX);
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let show_table = RwSignal::new(false);
    let last_painted = StoredValue::new(0u64);
    let resized = RwSignal::new(0u32);
    let handle = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n = n.wrapping_add(1)));
    on_cleanup(move || handle.remove());

    Effect::new(move |_| {
        resized.track();
        let dark = dark.get();
        let Some(canvas) = canvas_ref.get() else { return };
        spec.with(|spec| paint_if_changed(&canvas, spec, dark, height_css, last_painted));
    });

    let label = Memo::new(move |_| spec.with(chart::summary));
    let table_id = format!("{id}-table");
    let title = move || spec.with(|s| format!("{} ({})", s.title, s.y_unit));

    view! {
        <figure class="live-chart" style="margin:0">
            <figcaption class="live-chart-title" style="display:flex;align-items:center;justify-content:space-between;gap:0.5rem;font-weight:600">
                <span>{title}</span>
                <button type="button" class="live-chart-table-toggle"
                    aria-pressed=move || if show_table.get() { "true" } else { "false" }
                    aria-controls=table_id.clone()
                    on:click=move |_| show_table.update(|s| *s = !*s)>
                    "Table"
                </button>
            </figcaption>
            <Legend spec=spec dark=dark />
            <canvas node_ref=canvas_ref role="img" aria-label=move || label.get()
                style=format!("display:block;width:100%;height:{height_css}px")></canvas>
            <div id=table_id class="live-chart-table" hidden=move || !show_table.get()
                style="max-height:16rem;overflow:auto">
                {move || show_table.get().then(|| spec.with(|s| data_table(&chart::table(s))))}
            </div>
        </figure>
    }
}

/// Series names with a swatch of their colour, dash and marker, and their latest value.
#[component]
fn Legend(spec: Signal<ChartSpec>, dark: Signal<bool>) -> impl IntoView {
    view! {
        <ul class="live-chart-legend" style="display:flex;flex-wrap:wrap;gap:0.25rem 1.25rem;list-style:none;margin:0.25rem 0;padding:0;font-size:0.95rem">
            {move || {
                let dark = dark.get();
                spec.with(|s| {
                    let unit = s.y_unit.clone();
                    s.series
                        .iter()
                        .enumerate()
                        .map(|(i, series)| {
                            let latest = chart::latest_point(series).map(|(_, v)| format!(": {} {unit}", chart::cell_value(v))).unwrap_or_default();
                            view! {
                                <li style="display:flex;align-items:center;gap:0.4rem">
                                    {swatch(series_style(i, dark))}
                                    <span>{series.label.clone()}{latest}</span>
                                </li>
                            }
                        })
                        .collect_view()
                })
            }}
        </ul>
    }
}

/// A short stretch of the series' line with its marker, as inline SVG (hidden from screen readers: the
/// text beside it names the series).
fn swatch(style: chart::SeriesStyle) -> impl IntoView {
    let color = style.color.hex();
    let marker = match style.marker {
        Marker::Circle => view! { <circle cx="20" cy="8" r="4.5" fill=color.clone() /> }.into_any(),
        Marker::Square => view! { <rect x="15.5" y="3.5" width="9" height="9" fill=color.clone() /> }.into_any(),
        Marker::Triangle => view! { <polygon points="20,2.5 25.5,12.5 14.5,12.5" fill=color.clone() /> }.into_any(),
        Marker::Diamond => view! { <polygon points="20,2 26,8 20,14 14,8" fill=color.clone() /> }.into_any(),
    };
    view! {
        <svg width="40" height="16" viewBox="0 0 40 16" aria-hidden="true" focusable="false">
            <line x1="1" y1="8" x2="39" y2="8" stroke=color.clone() stroke-width="2.5" stroke-dasharray=style.dash.svg_dasharray() />
            {marker}
        </svg>
    }
}

fn data_table(model: &chart::TableModel) -> impl IntoView {
    let headers = model.headers.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view();
    let rows = model
        .rows
        .iter()
        .map(|row| {
            let cells = row.cells.iter().map(|c| view! { <td style="text-align:right">{c.clone()}</td> }).collect_view();
            view! { <tr><th scope="row" class="mono">{row.time.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <table>
            <caption>{model.caption.clone()}</caption>
            <thead><tr>{headers}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn paint_if_changed(canvas: &HtmlCanvasElement, spec: &ChartSpec, dark: bool, height_css: u32, last: StoredValue<u64>) {
    let scale = web_sys::window().map(|w| w.device_pixel_ratio()).filter(|r| r.is_finite() && *r > 0.0).unwrap_or(1.0);
    let width_css = canvas.client_width();
    if width_css <= 0 {
        // Not laid out (hidden): nothing to paint until it is.
        return;
    }
    let width_px = (width_css as f64 * scale).round() as u32;
    let height_px = (height_css as f64 * scale).round() as u32;
    let fingerprint = chart::fingerprint(spec, dark, width_px, height_px);
    if last.get_value() == fingerprint {
        return;
    }
    // Setting a canvas's size clears it and resets its context, so only do it when the size changes.
    if canvas.width() != width_px {
        canvas.set_width(width_px);
    }
    if canvas.height() != height_px {
        canvas.set_height(height_px);
    }
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else { return };
    let root = backend.into_drawing_area();
    let layout = Layout::new(spec, width_px as f64, height_px as f64, scale);
    if paint(&root, spec, &layout, dark).is_ok() {
        last.set_value(fingerprint);
    }
}

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

type Area = DrawingArea<CanvasBackend, plotters::coord::Shift>;
type PaintResult = Result<(), DrawingAreaErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>>;

fn paint(root: &Area, spec: &ChartSpec, layout: &Layout, dark: bool) -> PaintResult {
    let theme = chart_theme(dark);
    root.fill(&rgb(theme.background))?;
    paint_axes(root, layout, theme)?;
    for line in &spec.limit_lines {
        paint_limit(root, layout, theme, line)?;
    }
    let count = spec.series.len();
    for (i, series) in spec.series.iter().enumerate() {
        paint_series(root, spec, layout, theme, series_style(i, dark), series, i, count)?;
    }
    Ok(())
}

fn font(layout: &Layout, css_px: f64, color: RGBColor, pos: Pos) -> TextStyle<'static> {
    TextStyle { font: (FONT_FAMILY, css_px * layout.scale).into_font(), color: color.to_backend_color(), pos }
}

fn paint_axes(root: &Area, layout: &Layout, theme: chart::ChartTheme) -> PaintResult {
    let r = layout.rect;
    let (left, right, top, bottom) = (r.left as i32, r.right as i32, r.top as i32, r.bottom as i32);
    let grid = rgb(theme.grid).stroke_width(layout.px(GRID_LINE_PX));
    let y_label = font(layout, TICK_FONT_PX, rgb(theme.muted), Pos::new(HPos::Right, VPos::Center));
    let gap = layout.px(6.0) as i32;
    for value in layout.y_axis.ticks() {
        let (_, y) = layout.to_px(layout.x_range.start_s, value);
        root.draw(&PathElement::new([(left, y), (right, y)], grid))?;
        root.draw_text(&chart::tick_label(value, layout.y_axis.step), &y_label, (left - gap, y))?;
    }
    let x_label = font(layout, TICK_FONT_PX, rgb(theme.muted), Pos::new(HPos::Center, VPos::Top));
    for second in &layout.x_ticks {
        let (x, _) = layout.to_px(*second, 0.0);
        root.draw(&PathElement::new([(x, top), (x, bottom)], grid))?;
        root.draw_text(&chart::hms(*second), &x_label, (x, bottom + gap))?;
    }
    let axis = rgb(theme.muted).stroke_width(layout.px(GRID_LINE_PX));
    root.draw(&PathElement::new([(left, top), (left, bottom), (right, bottom)], axis))?;
    Ok(())
}

fn paint_limit(root: &Area, layout: &Layout, theme: chart::ChartTheme, line: &chart::LimitLine) -> PaintResult {
    if !line.value.is_finite() {
        return Ok(());
    }
    let (left, y) = layout.to_px(layout.x_range.start_s, line.value);
    let (right, _) = layout.to_px(layout.x_range.end_s, line.value);
    let style = rgb(theme.limit).stroke_width(layout.px(LIMIT_LINE_PX));
    let (dash, gap) = (6.0 * layout.scale, 6.0 * layout.scale);
    root.draw(&DashedPathElement::new([(left, y), (right, y)], dash, gap, style))?;
    // The label sits just above the line at its right end, on a patch of background so the series
    // lines behind it do not cut through the text.
    let text = format!("{} {}", line.label, chart::cell_value(line.value));
    let font_px = LIMIT_FONT_PX * layout.scale;
    let text_width = (text.chars().count() as f64 * 0.58 * font_px) as i32;
    let pad = layout.px(3.0) as i32;
    let baseline = y - pad;
    let patch_top = baseline - font_px as i32 - pad;
    root.draw(&Rectangle::new([(right - text_width - 2 * pad, patch_top), (right, baseline + 1)], rgb(theme.background).mix(0.85).filled()))?;
    let label = font(layout, LIMIT_FONT_PX, rgb(theme.text), Pos::new(HPos::Right, VPos::Bottom));
    root.draw_text(&text, &label, (right - pad, baseline))?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn paint_series(
    root: &Area,
    spec: &ChartSpec,
    layout: &Layout,
    theme: chart::ChartTheme,
    style: chart::SeriesStyle,
    series: &chart::Series,
    index: usize,
    count: usize,
) -> PaintResult {
    let color = rgb(style.color);
    let line = color.stroke_width(layout.px(SERIES_LINE_PX));
    let pixels = spec.visible_points(series).map(|(t, v)| layout.to_px(t, v));
    match style.dash.pattern_css_px() {
        None => root.draw(&PathElement::new(pixels.clone().collect::<Vec<_>>(), line))?,
        Some((dash, gap)) => root.draw(&DashedPathElement::new(pixels.clone(), dash * layout.scale, gap * layout.scale, line))?,
    }
    let len = pixels.clone().count();
    let r = (MARKER_PX * layout.scale).round() as i32;
    let halo = layout.px(1.5) as i32;
    for (_, at) in pixels.enumerate().filter(|(i, _)| has_marker(*i, len, index, count)) {
        // A ring of background first, so a marker stays visible where lines cross.
        paint_marker(root, style.marker, at, r + halo, rgb(theme.background).filled())?;
        paint_marker(root, style.marker, at, r, color.filled())?;
    }
    Ok(())
}

fn paint_marker(root: &Area, marker: Marker, (x, y): (i32, i32), r: i32, style: ShapeStyle) -> PaintResult {
    match marker {
        Marker::Circle => root.draw(&Circle::new((x, y), r, style)),
        Marker::Square => root.draw(&Rectangle::new([(x - r, y - r), (x + r, y + r)], style)),
        Marker::Triangle => root.draw(&Polygon::new(vec![(x, y - r - r / 4), (x + r, y + r * 3 / 4), (x - r, y + r * 3 / 4)], style)),
        Marker::Diamond => root.draw(&Polygon::new(vec![(x, y - r - r / 3), (x + r + r / 3, y), (x, y + r + r / 3), (x - r - r / 3, y)], style)),
    }
}

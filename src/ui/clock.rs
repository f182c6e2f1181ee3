//! The clock bar: play/pause, single step, speed (1×–1000×), fast-forward (+1 h, +24 h, +7 days) and the
//! simulated date and time. Time in the sandbox moves only through here, so a paused page is frozen: every
//! chart, count and shard stays as it is until the learner moves the clock.
//!
//! Playing runs one `requestAnimationFrame` loop: each frame advances the sandbox by the wall time since the
//! last frame × speed (the page may read the wall clock; the engine never does). Fast-forward runs in slices
//! of at most `FF_FRAME_BUDGET_MS` of work per frame, so the page stays responsive and shows progress.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::engine::time::EpochMillis;
use crate::ui::format::utc_millis;
use crate::ui::lab::{use_lab, Lab};
use crate::viz::clock::{frame_advance, human_duration, next_slice_ms, next_speed, FAST_FORWARDS, SPEEDS, STEP_MS};

/// Wall milliseconds of simulation work per frame during fast-forward (a frame is ~16 ms; leave room to paint).
const FF_FRAME_BUDGET_MS: f64 = 12.0;
/// Wall milliseconds of simulation work per frame while playing: the rest of the frame is for drawing, so
/// the page stays smooth even when the sandbox is too busy to keep up with the chosen speed (the clock bar
/// then says how fast it really runs).
const PLAY_FRAME_BUDGET_MS: f64 = 6.0;
/// Aim for slices this long (wall ms), so a budget holds a few of them.
const SLICE_TARGET_WALL_MS: f64 = 2.0;
/// The largest slice of simulated time done at once (fast-forward of an idle sandbox).
const MAX_SLICE_MS: EpochMillis = 3_600_000;
/// The most records one piece of play may write (a bound for the adaptive piece size).
const MAX_PIECE_RECORDS: u64 = 1_000_000;

/// A fast-forward in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FastForward {
    pub from_ms: EpochMillis,
    pub to_ms: EpochMillis,
    /// Wall time it started (performance.now), for the simulated-seconds-per-wall-second figure.
    pub started_wall_ms: f64,
}

/// The clock's controls, shared through context (keyboard shortcuts use them too).
#[derive(Clone, Copy)]
pub struct ClockControls {
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<u32>,
    pub fast_forward: RwSignal<Option<FastForward>>,
    /// Simulated seconds per wall second achieved by the last fast-forward (shown, and read by benchmarks).
    pub last_ff_rate: RwSignal<Option<f64>>,
    /// How the last fast-forward got there (a repeated sample, or every tick), in words.
    pub last_ff_note: RwSignal<Option<String>>,
    /// Simulated ms per wall ms actually achieved while playing (over about the last second), when it is
    /// clearly below the chosen speed.
    pub falling_behind: RwSignal<Option<f64>>,
    /// Held here because animation-frame callbacks run outside the component tree (no context there).
    lab: Lab,
    frame: StoredValue<Option<Rc<FrameLoop>>, LocalStorage>,
}

/// The one animation-frame callback, kept alive for the page's lifetime and re-armed while there is work.
struct FrameLoop {
    callback: RefCell<Option<Closure<dyn FnMut(f64)>>>,
    armed: RefCell<bool>,
    last_wall_ms: RefCell<Option<f64>>,
    carry_ms: RefCell<f64>,
    /// Current slice of simulated time (adapted to the sandbox's cost).
    slice_ms: RefCell<EpochMillis>,
    /// Current most records written per piece of work (adapted the same way).
    piece_records: RefCell<u64>,
    /// (wall ms, simulated ms) advanced since `window_start_wall_ms`, for the achieved speed.
    window: RefCell<(f64, f64, EpochMillis)>,
}

impl FrameLoop {
    /// Advances the sandbox toward `target_ms` in adaptive slices until `budget_ms` of wall time is used.
    /// Returns the simulated time reached.
    /// Works on a fast-forward to `target_ms` (`Sandbox::fast_forward_toward`, which samples steady
    /// traffic and repeats it) in adaptive pieces until `budget_ms` of wall time is used. How the work is
    /// split never changes the outcome. Returns the simulated time reached.
    fn run_fast_forward(&self, lab: Lab, target_ms: EpochMillis, budget_ms: f64) -> EpochMillis {
        let deadline = now_wall_ms() + budget_ms;
        let mut reached = lab.now_ms.get_untracked();
        lab.with_sandbox(|sb| {
            // While a transform script runs the clock holds; the frame has nothing to do.
            while sb.now_ms() < target_ms && !sb.awaiting_transforms() {
                let slice = *self.slice_ms.borrow();
                let started = now_wall_ms();
                sb.fast_forward_toward(target_ms, (slice / crate::sim::TICK_MS).max(1));
                let spent = now_wall_ms() - started;
                *self.slice_ms.borrow_mut() = next_slice_ms(slice, spent, SLICE_TARGET_WALL_MS, MAX_SLICE_MS);
                if now_wall_ms() >= deadline {
                    break;
                }
            }
            reached = sb.now_ms();
        });
        reached
    }

    fn run_slices(&self, lab: Lab, target_ms: EpochMillis, budget_ms: f64) -> EpochMillis {
        let deadline = now_wall_ms() + budget_ms;
        let mut reached = lab.now_ms.get_untracked();
        lab.with_sandbox(|sb| {
            // A tick's calls may be spread over several pieces (and frames): `advance_toward` stops after
            // about `records` writes and carries on where it stopped, so heavy traffic never blocks a frame.
            while (sb.now_ms() < target_ms || sb.tick_in_progress()) && !sb.awaiting_transforms() {
                let slice = *self.slice_ms.borrow();
                let records = *self.piece_records.borrow();
                let started = now_wall_ms();
                sb.advance_toward((sb.now_ms() + slice).min(target_ms), records);
                let spent = now_wall_ms() - started;
                *self.slice_ms.borrow_mut() = next_slice_ms(slice, spent, SLICE_TARGET_WALL_MS, MAX_SLICE_MS);
                *self.piece_records.borrow_mut() = next_slice_ms(records, spent, SLICE_TARGET_WALL_MS, MAX_PIECE_RECORDS);
                if now_wall_ms() >= deadline {
                    break;
                }
            }
            reached = sb.now_ms();
        });
        reached
    }
}

/// A sample period in words: milliseconds below a second, tenths of a second below a minute.
fn period_text(ms: EpochMillis) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1_000.0)
    } else {
        human_duration(ms)
    }
}

fn now_wall_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

impl ClockControls {
    pub fn new(lab: Lab) -> Self {
        let controls = ClockControls {
            lab,
            playing: RwSignal::new(false),
            speed: RwSignal::new(1),
            fast_forward: RwSignal::new(None),
            last_ff_rate: RwSignal::new(None),
            last_ff_note: RwSignal::new(None),
            falling_behind: RwSignal::new(None),
            frame: StoredValue::new_local(None),
        };
        let frame = Rc::new(FrameLoop {
            callback: RefCell::new(None),
            armed: RefCell::new(false),
            last_wall_ms: RefCell::new(None),
            carry_ms: RefCell::new(0.0),
            slice_ms: RefCell::new(100),
            piece_records: RefCell::new(500),
            window: RefCell::new((0.0, 0.0, 0)),
        });
        let weak = Rc::downgrade(&frame);
        *frame.callback.borrow_mut() = Some(Closure::new(move |now: f64| {
            if let Some(frame) = weak.upgrade() {
                *frame.armed.borrow_mut() = false;
                controls.on_frame(&frame, now);
            }
        }));
        controls.frame.set_value(Some(frame));
        controls
    }

    fn arm(&self) {
        let Some(frame) = self.frame.get_value() else { return };
        if *frame.armed.borrow() {
            return;
        }
        let requested = frame.callback.borrow().as_ref().and_then(|cb| {
            web_sys::window().and_then(|w| w.request_animation_frame(cb.as_ref().unchecked_ref()).ok())
        });
        *frame.armed.borrow_mut() = requested.is_some();
    }

    fn on_frame(&self, frame: &FrameLoop, now_wall: f64) {
        let lab = self.lab;
        if let Some(ff) = self.fast_forward.get_untracked() {
            let reached = frame.run_fast_forward(lab, ff.to_ms, FF_FRAME_BUDGET_MS);
            if reached >= ff.to_ms {
                let wall_s = ((now_wall_ms() - ff.started_wall_ms) / 1_000.0).max(1e-6);
                self.last_ff_rate.set(Some((ff.to_ms - ff.from_ms) as f64 / 1_000.0 / wall_s));
                let report = lab.with_sandbox(|sb| sb.take_last_bulk()).flatten();
                self.last_ff_note.set(Some(match report {
                    Some(r) if r.drained => format!(
                        "steady traffic at the limit: a {} sample, burst allowance used up, repeated {}×",
                        period_text(r.period_ms),
                        r.repetitions
                    ),
                    Some(r) => format!("steady traffic: a {} sample repeated {}×", period_text(r.period_ms), r.repetitions),
                    None => "every tick simulated".to_string(),
                }));
                self.fast_forward.set(None);
                *frame.last_wall_ms.borrow_mut() = None;
            }
            self.arm();
            return;
        }
        if !self.playing.get_untracked() {
            *frame.last_wall_ms.borrow_mut() = None;
            return;
        }
        let last = frame.last_wall_ms.borrow_mut().replace(now_wall);
        if let Some(last) = last {
            let carry = *frame.carry_ms.borrow();
            let speed = self.speed.get_untracked();
            let (advance, carry) = frame_advance(now_wall - last, speed, carry);
            *frame.carry_ms.borrow_mut() = carry;
            let before = lab.now_ms.get_untracked();
            if advance > 0 {
                // What does not fit in the budget is dropped, not owed: a busy sandbox runs slower than the
                // chosen speed (and says so) instead of freezing the page to catch up.
                frame.run_slices(lab, before + advance, PLAY_FRAME_BUDGET_MS);
            }
            let after = lab.now_ms.get_untracked();
            let mut window = frame.window.borrow_mut();
            if window.0 == 0.0 {
                *window = (now_wall, 0.0, 0);
            }
            window.1 = now_wall - window.0;
            window.2 += after - before;
            if window.1 >= 1_000.0 {
                let achieved = window.2 as f64 / window.1;
                let behind = achieved < speed as f64 * 0.9;
                self.falling_behind.set(behind.then_some(achieved));
                *window = (now_wall, 0.0, 0);
            }
        }
        self.arm();
    }

    pub fn toggle_play(&self) {
        if self.fast_forward.get_untracked().is_some() {
            return;
        }
        self.playing.update(|p| *p = !*p);
        self.falling_behind.set(None);
        if self.playing.get_untracked() {
            self.arm();
        }
    }


    pub fn step(&self) {
        if self.fast_forward.get_untracked().is_none() {
            self.playing.set(false);
            self.lab.advance_by(STEP_MS);
        }
    }

    pub fn change_speed(&self, faster: bool) {
        self.speed.update(|s| *s = next_speed(*s, faster));
    }

    pub fn start_fast_forward(&self, span_ms: EpochMillis) {
        if self.fast_forward.get_untracked().is_some() {
            return;
        }
        self.playing.set(false);
        self.lab.with_sandbox(|sb| sb.take_last_bulk());
        let from = self.lab.now_ms.get_untracked();
        self.fast_forward.set(Some(FastForward { from_ms: from, to_ms: from + span_ms, started_wall_ms: now_wall_ms() }));
        self.arm();
    }

    pub fn cancel_fast_forward(&self) {
        self.fast_forward.set(None);
    }
}

pub fn use_clock() -> ClockControls {
    expect_context::<ClockControls>()
}

#[component]
pub fn SimClock() -> impl IntoView {
    let lab = use_lab();
    let clock = use_clock();
    let ff_busy = move || clock.fast_forward.get().is_some();
    let progress = move || {
        clock.fast_forward.get().map(|ff| {
            let done = lab.now_ms.get().saturating_sub(ff.from_ms);
            let total = (ff.to_ms - ff.from_ms).max(1);
            let pct = (done as f64 / total as f64 * 100.0).min(100.0);
            view! {
                <div class="ff-progress" role="status" data-testid="ff-progress">
                    <progress max="100" value=format!("{pct:.0}") aria-label="Fast-forward progress"></progress>
                    <span>{format!("Fast-forwarding: {} of {}", human_duration(done), human_duration(total))}</span>
                    <button type="button" on:click=move |_| clock.cancel_fast_forward()>"Stop"</button>
                </div>
            }
        })
    };
    view! {
        <div class="clock" role="group" aria-label="Simulated clock">
            <output id="sim-clock" class="mono clock-time" data-testid="sim-clock" aria-live="off"
                title="Simulated date and time (UTC)">
                {move || utc_millis(lab.now_ms.get())}
            </output>
            <button id="clock-play" type="button" class="clock-play"
                aria-pressed=move || clock.playing.get().to_string()
                disabled=ff_busy
                on:click=move |_| clock.toggle_play()
                title="Play or pause the simulated clock (Space)">
                {move || if clock.playing.get() { "❚❚ Pause" } else { "▶ Play" }}
            </button>
            <button id="clock-step" type="button" disabled=ff_busy on:click=move |_| clock.step()
                title="Pause and move the clock forward one second (.)">"+1 s"</button>
            <label class="clock-speed">
                <span>"Speed"</span>
                <select id="clock-speed" data-testid="clock-speed"
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<u32>() { clock.speed.set(v) }
                    }
                    prop:value=move || clock.speed.get().to_string()>
                    {SPEEDS.iter().map(|s| view! { <option value=s.to_string()>{format!("{s}×")}</option> }).collect_view()}
                </select>
            </label>
            <span class="clock-ff" role="group" aria-label="Fast-forward">
                {FAST_FORWARDS
                    .iter()
                    .map(|(label, span)| {
                        let span = *span;
                        let id = format!("clock-ff-{}", label.trim_start_matches('+').replace(' ', ""));
                        view! {
                            <button type="button" id=id disabled=ff_busy
                                on:click=move |_| clock.start_fast_forward(span)
                                title=format!("Fast-forward the simulation by {}. Steady producer traffic is simulated for one short period and then repeated; with consumers running, every tick is simulated.", label.trim_start_matches('+'))>
                                {format!("▶▶ {label}")}
                            </button>
                        }
                    })
                    .collect_view()}
            </span>
            {progress}
            {move || {
                lab.revision.track();
                lab.peek_sandbox(|sb| sb.firehose.engine.waiting_invocations().next().map(|w| w.function_name.clone()))
                    .flatten()
                    .map(|function| view! {
                        <span class="behind" role="status" data-testid="clock-waiting-transform"
                            title="Firehose sent a batch to your transform function; the simulated clock waits for its answer so the outcome never depends on how fast this computer is.">
                            {format!("⏳ waiting for transform {function}")}
                        </span>
                    })
            }}
            {move || clock.falling_behind.get().filter(|_| clock.playing.get()).map(|achieved| view! {
                <span class="behind" role="status" data-testid="clock-behind"
                    title="The sandbox has more traffic than this computer can simulate at the chosen speed; the clock runs slower so the page stays responsive.">
                    {format!("⚠ running at {:.2}× (too busy for {}×)", achieved, clock.speed.get())}
                </span>
            })}
            {move || clock.last_ff_rate.get().filter(|_| !ff_busy()).map(|r| view! {
                <span class="ff-rate" data-testid="ff-rate" title="Simulated seconds per wall-clock second in the last fast-forward, and how it got there">
                    {format!("last fast-forward: {:.0} simulated s per s", r)}
                    {clock.last_ff_note.get().map(|note| format!(" · {note}"))}
                </span>
            })}
        </div>
    }
}

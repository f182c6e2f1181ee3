//! The clock bar's arithmetic: speeds, fast-forward spans and how much simulated time one animation frame
//! moves. Pure, so it is tested natively.

use crate::engine::time::EpochMillis;

/// The speeds offered, from real time to 1000× (the range).
pub const SPEEDS: [u32; 8] = [1, 2, 5, 10, 50, 100, 500, 1000];

/// Fast-forward buttons: label and span in simulated milliseconds.
pub const FAST_FORWARDS: [(&str, EpochMillis); 3] =
    [("+1 h", 3_600_000), ("+24 h", 86_400_000), ("+7 days", 7 * 86_400_000)];

/// A single step moves the clock by one second.
pub const STEP_MS: EpochMillis = 1_000;

/// A frame that arrives after a long pause (a background tab) moves the clock as if at most this much wall
/// time had passed, so coming back to the tab does not lurch the simulation forward by minutes.
pub const MAX_FRAME_WALL_MS: f64 = 250.0;

/// Simulated time to advance for one frame: wall time since the last frame × speed, plus the fraction
/// carried from earlier frames. Returns (whole ms to advance, new carry).
pub fn frame_advance(wall_ms: f64, speed: u32, carry_ms: f64) -> (EpochMillis, f64) {
    let wall = if wall_ms.is_finite() { wall_ms.clamp(0.0, MAX_FRAME_WALL_MS) } else { 0.0 };
    let total = wall * speed as f64 + if carry_ms.is_finite() { carry_ms.max(0.0) } else { 0.0 };
    let whole = total.floor();
    (whole as EpochMillis, total - whole)
}

/// Simulation work per frame is cut into slices of simulated time whose size adapts to how long the last
/// slice took, so a heavy sandbox never blocks a frame for long: after a slice of `slice_ms` took
/// `spent_wall_ms`, the next one aims at `target_wall_ms`. Bounded to [MIN_SLICE_MS, max_slice_ms].
pub fn next_slice_ms(slice_ms: EpochMillis, spent_wall_ms: f64, target_wall_ms: f64, max_slice_ms: EpochMillis) -> EpochMillis {
    let slice = slice_ms.max(MIN_SLICE_MS) as f64;
    let spent = if spent_wall_ms.is_finite() { spent_wall_ms.max(0.05) } else { target_wall_ms };
    // Grow at most 2× per step (a cheap slice says little about the next), shrink as much as needed.
    let scaled = (slice * (target_wall_ms / spent)).min(slice * 2.0);
    (scaled.max(MIN_SLICE_MS as f64) as EpochMillis).min(max_slice_ms.max(MIN_SLICE_MS))
}

/// The smallest slice of simulated time the clock advances at once.
pub const MIN_SLICE_MS: EpochMillis = 1;

/// The next speed up or down the list (clamped at the ends).
pub fn next_speed(current: u32, faster: bool) -> u32 {
    let i = SPEEDS.iter().position(|s| *s >= current).unwrap_or(SPEEDS.len() - 1);
    if faster {
        SPEEDS[(i + 1).min(SPEEDS.len() - 1)]
    } else {
        SPEEDS[i.saturating_sub(1)]
    }
}

/// "2 h 5 min", "3 days 4 h", "45 s": a duration as people say it.
pub fn human_duration(ms: EpochMillis) -> String {
    let s = ms / 1_000;
    let (d, h, m, sec) = (s / 86_400, s / 3_600 % 24, s / 60 % 60, s % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{sec} s"),
        (0, 0, _) => format!("{m} min {sec} s"),
        (0, _, _) => format!("{h} h {m} min"),
        _ => format!("{d} day{} {h} h", if d == 1 { "" } else { "s" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_move_wall_time_times_speed_and_keep_fractions() {
        assert_eq!(frame_advance(16.5, 1, 0.0), (16, 0.5));
        let (ms, carry) = frame_advance(16.5, 1, 0.5);
        assert_eq!((ms, carry), (17, 0.0));
        assert_eq!(frame_advance(16.0, 1000, 0.0).0, 16_000);
        // A 10-second gap (background tab) counts as 250 ms.
        assert_eq!(frame_advance(10_000.0, 10, 0.0).0, 2_500);
        assert_eq!(frame_advance(f64::NAN, 10, f64::INFINITY).0, 0);
        assert_eq!(frame_advance(-5.0, 10, 0.0).0, 0);
    }

    #[test]
    fn slices_shrink_when_slow_and_grow_gently_when_fast() {
        // 100 ms of simulation took 40 ms of wall time; aiming at 4 ms → 10 ms next.
        assert_eq!(next_slice_ms(100, 40.0, 4.0, 60_000), 10);
        // Very cheap: at most double.
        assert_eq!(next_slice_ms(100, 0.01, 4.0, 60_000), 200);
        assert_eq!(next_slice_ms(50_000, 0.01, 4.0, 60_000), 60_000);
        // Never below 1 ms, whatever the timing says.
        assert_eq!(next_slice_ms(1, 1_000.0, 4.0, 60_000), 1);
        // No usable timing: keep the slice as it is.
        assert_eq!(next_slice_ms(0, f64::NAN, 4.0, 60_000), 1);
        assert_eq!(next_slice_ms(300, f64::NAN, 4.0, 60_000), 300);
    }

    #[test]
    fn speed_steps_stay_in_range() {
        assert_eq!(next_speed(1, true), 2);
        assert_eq!(next_speed(1, false), 1);
        assert_eq!(next_speed(1000, true), 1000);
        assert_eq!(next_speed(1000, false), 500);
        assert_eq!(next_speed(7, true), 50);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(45_000), "45 s");
        assert_eq!(human_duration(125_000), "2 min 5 s");
        assert_eq!(human_duration(3_600_000 + 300_000), "1 h 5 min");
        assert_eq!(human_duration(86_400_000), "1 day 0 h");
        assert_eq!(human_duration(7 * 86_400_000 + 3_600_000), "7 days 1 h");
    }
}

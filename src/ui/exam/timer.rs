//! The countdown of a timed attempt. The engine owns the deadline (`started_ms + time_limit_ms`, and
//! `check_deadline` submits at it); this only reads the wall clock once a second to show the time left and
//! to ask the engine. The visible clock is silent for screen readers; a separate live region speaks only
//! when the whole minutes left change (and once under a minute), so it is never a per-second chatter.

use std::time::Duration;

use leptos::prelude::*;

use super::{use_exam, wall_now_ms, Screen};
use crate::exam::session::Mode;
use crate::viz::exam_text::{clock_text, spoken_text};

/// How often the page looks at the clock.
const TICK: Duration = Duration::from_millis(1_000);

#[component]
pub fn Countdown() -> impl IntoView {
    let ui = use_exam();
    let now = RwSignal::new(wall_now_ms());
    let deadline = Memo::new(move |_| {
        ui.with_attempt(|a| {
            a.and_then(|a| match a.mode {
                Mode::Timed { time_limit_ms } if a.submitted_ms.is_none() => Some(a.started_ms + time_limit_ms),
                _ => None,
            })
        })
    });
    if let Ok(handle) = set_interval_with_handle(
        move || {
            let t = wall_now_ms();
            now.set(t);
            if deadline.get_untracked().is_some_and(|d| t >= d) {
                let mut submitted = false;
                ui.progress.update(|p| submitted = p.check_deadline(ui.bank, t));
                if submitted {
                    ui.notice.set(Some(("Time is up: your attempt was submitted.".into(), true)));
                    ui.screen.set(Screen::Results);
                }
            }
        },
        TICK,
    ) {
        on_cleanup(move || handle.clear());
    }
    let left = move || deadline.get().map(|d| d.saturating_sub(now.get()));
    let spoken = Memo::new(move |_| left().map(spoken_text).unwrap_or_default());
    view! {
        <div class="exam-timer" data-testid="exam-timer">
            <span aria-hidden="true">"Time left "</span>
            <span class="exam-clock" aria-hidden="true" data-testid="exam-clock">{move || left().map(clock_text)}</span>
            <span class="visually-hidden" aria-live="polite" aria-atomic="true">{move || spoken.get()}</span>
        </div>
    }
}

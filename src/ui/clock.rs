//! The simulated clock in the top bar. Time in the sandbox moves only when the learner (or an action that
//! needs it, like letting a new stream finish CREATING) moves it, so every number on the page is reproducible.

use leptos::prelude::*;

use crate::engine::time::{MILLIS_PER_MINUTE, MILLIS_PER_SECOND};
use crate::ui::format::utc_millis;
use crate::ui::lab::use_lab;

#[component]
pub fn SimClock() -> impl IntoView {
    let lab = use_lab();
    view! {
        <div class="clock" role="group" aria-label="Simulated clock">
            <span class="clock-label">"Simulated time"</span>
            <output id="sim-clock" class="mono" data-testid="sim-clock" aria-live="off">
                {move || utc_millis(lab.now_ms.get())}
            </output>
            <button id="clock-step-1s" type="button" on:click=move |_| lab.advance_by(MILLIS_PER_SECOND)
                title="Move the simulated clock forward 1 second">"+1 s"</button>
            <button id="clock-step-1m" type="button" on:click=move |_| lab.advance_by(MILLIS_PER_MINUTE)
                title="Move the simulated clock forward 1 minute">"+1 min"</button>
        </div>
    }
}

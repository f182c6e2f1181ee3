//! Keyboard shortcuts and the `?` overlay that lists them. Shortcuts never fire while the learner types
//! in a field (inputs, text areas, selects, the terminal), so typing a `?` or a space is never stolen.

use leptos::ev::keydown;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::ui::clock::use_clock;
use crate::ui::theme::use_theme;
use crate::viz::route::Route;

/// (keys, what they do): the overlay's content, and the single place the bindings are described.
pub const SHORTCUTS: [(&str, &str); 15] = [
    ("?", "Show or hide this list"),
    ("Space", "Play or pause the simulated clock"),
    (".", "Pause and step the clock 1 second"),
    ("+ / −", "Faster / slower"),
    ("h", "Fast-forward 1 hour"),
    ("d", "Fast-forward 24 hours"),
    ("t", "Switch theme (system, light, dark)"),
    ("g then s", "Go to Data Streams"),
    ("g then f", "Go to Firehose"),
    ("g then l", "Go to Labs"),
    ("g then e", "Go to Exam practice"),
    ("g then n", "Go to Study notes"),
    ("1 – 9", "Exam practice: choose that answer option"),
    ("Enter", "Exam practice, study mode: check the answer"),
    ("Esc", "Close this list"),
];

fn typing_in_a_field(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            let tag = el.tag_name().to_ascii_lowercase();
            matches!(tag.as_str(), "input" | "textarea" | "select") || el.closest("[contenteditable]").ok().flatten().is_some()
        })
}

pub fn navigate(route: Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(route.path());
    }
}

/// Installs the window-wide key handler; `open` is the overlay's visibility.
pub fn install(open: RwSignal<bool>) {
    let clock = use_clock();
    let theme = use_theme();
    let pending_g = StoredValue::new(false);
    let handle = window_event_listener(keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing_in_a_field(&ev) {
            return;
        }
        let key = ev.key();
        if pending_g.get_value() {
            pending_g.set_value(false);
            let route = match key.as_str() {
                "s" => Some(Route::Streams),
                "f" => Some(Route::Firehose),
                "l" => Some(Route::Labs),
                "e" => Some(Route::Exam),
                "n" => Some(Route::Notes),
                _ => None,
            };
            if let Some(r) = route {
                ev.prevent_default();
                navigate(r);
                return;
            }
        }
        let handled = match key.as_str() {
            "?" => {
                open.update(|o| *o = !*o);
                true
            }
            "Escape" if open.get_untracked() => {
                open.set(false);
                true
            }
            " " => {
                // Space on a focused button activates it; only take it when nothing is focused.
                let on_button = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|el| matches!(el.tag_name().to_ascii_lowercase().as_str(), "button" | "a" | "summary"));
                if on_button {
                    false
                } else {
                    clock.toggle_play();
                    true
                }
            }
            "." => {
                clock.step();
                true
            }
            "+" | "=" => {
                clock.change_speed(true);
                true
            }
            "-" | "_" => {
                clock.change_speed(false);
                true
            }
            "h" => {
                clock.start_fast_forward(3_600_000);
                true
            }
            "d" => {
                clock.start_fast_forward(86_400_000);
                true
            }
            "t" => {
                theme.cycle();
                true
            }
            "g" => {
                pending_g.set_value(true);
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
}

#[component]
pub fn ShortcutsOverlay(open: RwSignal<bool>) -> impl IntoView {
    move || {
        open.get().then(|| {
            view! {
                <div class="overlay" data-testid="shortcuts-overlay" on:click=move |_| open.set(false)>
                    <div class="overlay-card" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title"
                        on:click=|ev| ev.stop_propagation()>
                        <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                        <table class="shortcuts">
                            <caption class="visually-hidden">"Keys and what they do"</caption>
                            <thead><tr><th scope="col">"Keys"</th><th scope="col">"Action"</th></tr></thead>
                            <tbody>
                                {SHORTCUTS.iter().map(|(k, what)| view! {
                                    <tr><td><kbd>{*k}</kbd></td><td>{*what}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <p class="help">"Shortcuts are off while you type in a field or the terminal."</p>
                        <button type="button" class="primary" autofocus on:click=move |_| open.set(false)>"Close"</button>
                    </div>
                </div>
            }
        })
    }
}

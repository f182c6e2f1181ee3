//! Light, dark or follow-the-system theme, remembered in the browser. The choice is a `data-theme`
//! attribute on <html>; the stylesheet holds both palettes (Okabe–Ito series colours in each).

use leptos::prelude::*;

const STORAGE_KEY: &str = "kinesis-lab.theme.v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn parse(text: &str) -> Theme {
        match text {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }

    fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn apply(theme: Theme) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = match theme {
            Theme::System => root.remove_attribute("data-theme"),
            t => root.set_attribute("data-theme", t.as_str()),
        };
    }
}

/// Whether the page is dark right now (for canvases, which cannot read CSS variables cheaply).
pub fn is_dark(theme: Theme) -> bool {
    match theme {
        Theme::Dark => true,
        Theme::Light => false,
        Theme::System => web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches()),
    }
}

/// The theme signal, shared through context.
#[derive(Clone, Copy)]
pub struct ThemeState {
    pub theme: RwSignal<Theme>,
}

impl ThemeState {
    pub fn load() -> Self {
        let saved = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).map(|t| Theme::parse(&t));
        let theme = saved.unwrap_or(Theme::System);
        apply(theme);
        ThemeState { theme: RwSignal::new(theme) }
    }

    pub fn cycle(&self) {
        let next = self.theme.get_untracked().next();
        self.theme.set(next);
        apply(next);
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, next.as_str());
        }
    }

    pub fn dark(&self) -> Signal<bool> {
        let theme = self.theme;
        Signal::derive(move || is_dark(theme.get()))
    }
}

pub fn use_theme() -> ThemeState {
    expect_context::<ThemeState>()
}

#[component]
pub fn ThemeButton() -> impl IntoView {
    let state = use_theme();
    let label = move || match state.theme.get() {
        Theme::System => "◐ Theme: system",
        Theme::Light => "☀ Theme: light",
        Theme::Dark => "☾ Theme: dark",
    };
    view! {
        <button id="theme-toggle" type="button" class="quiet" on:click=move |_| state.cycle()
            title="Switch between the system theme, light and dark (t)">{label}</button>
    }
}

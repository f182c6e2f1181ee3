//! The sandbox terminal: a scrollback and one input line that runs `aws kinesis ...` and
//! `aws firehose ...` through `crate::cli` against the page's simulated account. Enter runs, Up/Down
//! walk the history, Tab completes either service (one match fills in, several are listed), Ctrl+L or
//! `clear` clears the scrollback.

use leptos::ev::KeyboardEvent;
use leptos::html::Pre;
use leptos::prelude::*;

use crate::ui::lab::use_lab;

/// How many scrollback entries are kept; older ones scroll away for good (keeps the page light).
const MAX_SCROLLBACK_ENTRIES: usize = 400;
/// How many commands the history remembers.
const MAX_HISTORY: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Command,
    Stdout,
    Stderr,
    Note,
}

impl EntryKind {
    fn class(self) -> &'static str {
        match self {
            EntryKind::Command => "term-cmd",
            EntryKind::Stdout => "term-out",
            EntryKind::Stderr => "term-err",
            EntryKind::Note => "term-note",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    kind: EntryKind,
    text: String,
}

const WELCOME: &str = "Kinesis Lab terminal — AWS CLI v2 against this page's simulated account.\n\
Try: aws kinesis create-stream --stream-name demo --shard-count 2\n\
     aws kinesis help        (every operation)      Tab completes, Up/Down recalls, Ctrl+L clears.\n\
     aws firehose help       (delivery streams; see also the Firehose page)\n";

fn push(entries: RwSignal<Vec<Entry>>, kind: EntryKind, text: String) {
    if text.is_empty() {
        return;
    }
    entries.update(|list| {
        list.push(Entry { kind, text });
        if list.len() > MAX_SCROLLBACK_ENTRIES {
            let excess = list.len() - MAX_SCROLLBACK_ENTRIES;
            list.drain(..excess);
        }
    });
}

/// The longest common prefix of the candidates (what Tab can fill in when several match).
fn common_prefix(candidates: &[String]) -> String {
    let Some(first) = candidates.first() else { return String::new() };
    let mut end = first.len();
    for c in &candidates[1..] {
        end = end.min(first.bytes().zip(c.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(end) {
        end -= 1;
    }
    first[..end].to_string()
}

/// The line with its last (partial) word replaced by `word`.
fn replace_last_word(line: &str, word: &str, finished: bool) -> String {
    let head = match line.rfind(char::is_whitespace) {
        Some(i) => &line[..=i],
        None => "",
    };
    let head = if line.ends_with(char::is_whitespace) { line } else { head };
    let space = if finished { " " } else { "" };
    format!("{head}{word}{space}")
}

#[component]
pub fn Terminal() -> impl IntoView {
    let lab = use_lab();
    let entries = RwSignal::new(vec![Entry { kind: EntryKind::Note, text: WELCOME.to_string() }]);
    let input = RwSignal::new(String::new());
    let history = RwSignal::new(Vec::<String>::new());
    // Position while walking the history (None: editing a new line), and the line being edited.
    let history_pos = RwSignal::new(None::<usize>);
    let draft = RwSignal::new(String::new());
    let scrollback = NodeRef::<Pre>::new();

    // Keep the newest output in view.
    Effect::new(move |_| {
        entries.track();
        if let Some(pre) = scrollback.get() {
            pre.set_scroll_top(pre.scroll_height());
        }
    });

    let run_line = move |line: String| {
        history_pos.set(None);
        input.set(String::new());
        let trimmed = line.trim().to_string();
        if trimmed == "clear" {
            entries.set(Vec::new());
            return;
        }
        push(entries, EntryKind::Command, format!("$ {line}\n"));
        if trimmed.is_empty() {
            return;
        }
        history.update(|h| {
            if h.last() != Some(&line) {
                h.push(line.clone());
            }
            if h.len() > MAX_HISTORY {
                h.remove(0);
            }
        });
        match lab.with_sandbox(|sandbox| crate::cli::run_with(&line, &mut sandbox.service, &mut sandbox.firehose)) {
            Some(out) => {
                if crate::viz::labs::terminal_line_called_api(&line, out.exit_code) {
                    lab.count_learner_call();
                }
                push(entries, EntryKind::Stdout, out.stdout);
                push(entries, EntryKind::Stderr, out.stderr);
            }
            None => push(entries, EntryKind::Stderr, "the simulation is no longer running\n".into()),
        }
    };

    let on_keydown = move |ev: KeyboardEvent| {
        let key = ev.key();
        if ev.ctrl_key() && (key == "l" || key == "L") {
            ev.prevent_default();
            entries.set(Vec::new());
            return;
        }
        match key.as_str() {
            "Enter" => {
                ev.prevent_default();
                run_line(input.get_untracked());
            }
            "ArrowUp" => {
                ev.prevent_default();
                let h = history.get_untracked();
                if h.is_empty() {
                    return;
                }
                let pos = match history_pos.get_untracked() {
                    None => {
                        draft.set(input.get_untracked());
                        h.len() - 1
                    }
                    Some(p) => p.saturating_sub(1),
                };
                history_pos.set(Some(pos));
                input.set(h[pos].clone());
            }
            "ArrowDown" => {
                ev.prevent_default();
                let h = history.get_untracked();
                match history_pos.get_untracked() {
                    Some(p) if p + 1 < h.len() => {
                        history_pos.set(Some(p + 1));
                        input.set(h[p + 1].clone());
                    }
                    Some(_) => {
                        history_pos.set(None);
                        input.set(draft.get_untracked());
                    }
                    None => {}
                }
            }
            "Tab" => {
                ev.prevent_default();
                let line = input.get_untracked();
                let candidates = crate::cli::complete(&line);
                match candidates.len() {
                    0 => {}
                    1 => input.set(replace_last_word(&line, &candidates[0], true)),
                    _ => {
                        let prefix = common_prefix(&candidates);
                        let typed = if line.ends_with(char::is_whitespace) {
                            ""
                        } else {
                            line.rsplit(char::is_whitespace).next().unwrap_or("")
                        };
                        if prefix.len() > typed.len() {
                            input.set(replace_last_word(&line, &prefix, false));
                        }
                        push(entries, EntryKind::Command, format!("$ {line}\n"));
                        push(entries, EntryKind::Note, format!("{}\n", candidates.join("  ")));
                    }
                }
            }
            _ => {}
        }
    };

    let lines = move || {
        entries
            .get()
            .into_iter()
            .map(|e| view! { <span class=e.kind.class()>{e.text}</span> })
            .collect_view()
    };

    view! {
        <section class="panel term" aria-labelledby="term-title" data-testid="terminal">
            <h2 id="term-title">"Terminal"</h2>
            <pre class="term-scrollback" aria-live="polite" node_ref=scrollback data-testid="term-scrollback">
                {lines}
            </pre>
            <div class="term-input-line">
                <label for="term-input" class="term-prompt">
                    <span aria-hidden="true">"$"</span>
                    <span class="term-visually-hidden">"Command"</span>
                </label>
                <input
                    id="term-input"
                    class="term-input"
                    type="text"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    data-testid="term-input"
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                    on:keydown=on_keydown
                />
            </div>
        </section>
    }
}

//! Guided labs in the page: the `#/labs` list (`page`), the runner panel beside the lab's sandbox
//! (`runner`), and the shared state here: the embedded labs, the active run (saved in localStorage so a
//! reload resumes it), the learner's progress (versioned, `labs::progress`) and the sandbox the learner
//! had before starting a lab (kept aside, restored on "Leave lab").
//!
//! Live checks read the sandbox through `labs::evaluate` (observe reads, never counted API calls) each time
//! the sandbox's revision changes. Learner API calls are counted by `Lab::learner_calls` (console actions
//! and terminal commands) and added to the run here.

mod page;
mod runner;
mod store;

pub use page::LabsPage;
pub use runner::RunnerPanel;

use leptos::prelude::*;

use crate::engine::snapshot::Snapshot;
use crate::labs::progress::LabProgress;
use crate::labs::{self as engine_labs, CheckStatus, Lab as LabDef, LabError};
use crate::sim::Sandbox;
use crate::ui::lab::Lab;
use crate::ui::persist::Store;
use crate::viz::labs::{sandbox_route, ActiveRun};
use crate::viz::route::Route;

/// A message for the learner about labs (start, leave, import…); `problem` ones use the alarm style.
#[derive(Debug, Clone, PartialEq)]
pub struct LabsNotice {
    pub problem: bool,
    pub text: String,
}

/// Shared state of the labs UI; `Copy`, from context.
#[derive(Clone, Copy)]
pub struct LabsUi {
    labs: StoredValue<Result<Vec<LabDef>, Vec<LabError>>>,
    pub active: RwSignal<Option<ActiveRun>>,
    /// Bumped when a run starts or restarts, so the runner's inputs start empty again.
    pub run_epoch: RwSignal<u32>,
    pub progress: RwSignal<LabProgress>,
    /// The live checks of the active run, re-evaluated when the sandbox changes.
    pub checks: Memo<Vec<CheckStatus>>,
    /// What the polite live region says (a check becoming met, completion).
    pub announcement: RwSignal<String>,
    pub notice: RwSignal<Option<LabsNotice>>,
    lab: Lab,
    store: Store,
}

pub fn use_labs() -> LabsUi {
    expect_context::<LabsUi>()
}

impl LabsUi {
    /// Loads the embedded labs, the stored progress and any active run, and starts the effects that count
    /// calls, evaluate checks and save.
    pub fn install(lab: Lab, store: Store) -> LabsUi {
        let (progress, progress_problem) = store::load_progress();
        let active = RwSignal::new(store::load_active_run());
        let labs = StoredValue::new(engine_labs::load_embedded());
        let checks = Memo::new(move |_| {
            lab.revision.track();
            let Some(run) = active.with(|a| a.as_ref().map(|a| a.run.clone())) else { return Vec::new() };
            let Some(def) = labs.with_value(|l| l.as_ref().ok().and_then(|l| l.iter().find(|d| d.id == run.lab_id).cloned()))
            else {
                return Vec::new();
            };
            lab.peek_sandbox(|sb| engine_labs::evaluate(&def, sb, &run)).unwrap_or_default()
        });
        let ui = LabsUi {
            labs,
            active,
            run_epoch: RwSignal::new(0),
            progress: RwSignal::new(progress),
            checks,
            announcement: RwSignal::new(String::new()),
            notice: RwSignal::new(progress_problem.map(|text| LabsNotice { problem: true, text })),
            lab,
            store,
        };
        // A reload during a lab opens the lab's first stream, as starting it did.
        if let Some(first) = ui.active_def().and_then(|d| first_stream(&d)) {
            lab.selected.set(Some(first));
        }
        ui.install_effects();
        ui
    }

    fn install_effects(self) {
        let LabsUi { active, progress, lab, .. } = self;
        // Saving: the run on every change (it is small), progress likewise.
        Effect::new(move |_| active.with(store::save_active_run));
        Effect::new(move |first: Option<()>| {
            let p = progress.get();
            if first.is_some() {
                store::save_progress(&p);
            }
        });
        // Counting the learner's API calls into the run (not after completion: the score is fixed then).
        let seen = StoredValue::new(lab.learner_calls.get_untracked());
        Effect::new(move |_| {
            let n = lab.learner_calls.get();
            let before = seen.get_value();
            seen.set_value(n);
            if n > before {
                active.update(|a| {
                    if let Some(a) = a.as_mut().filter(|a| a.run.completed.is_none()) {
                        a.run.api_calls += n - before;
                    }
                });
            }
        });
        // Announcing checks as they become met, and completing the run when all are.
        let was_met = StoredValue::new(Vec::<String>::new());
        Effect::new(move |first: Option<()>| {
            let statuses = self.checks.get();
            let met: Vec<String> = statuses.iter().filter(|s| s.met).map(|s| s.id.clone()).collect();
            let newly: Vec<&CheckStatus> =
                statuses.iter().filter(|s| s.met && !was_met.with_value(|w| w.contains(&s.id))).collect();
            // Not on the first evaluation (a reload finds checks already met: nothing new to announce).
            if let (Some(()), Some(last)) = (first, newly.last()) {
                self.announcement.set(format!("Check met: {}. {} of {} checks met.", last.text, met.len(), statuses.len()));
            }
            was_met.set_value(met);
            self.try_complete();
        });
    }

    /// Every embedded lab (or the problems found loading them).
    pub fn all(&self) -> Result<Vec<LabDef>, Vec<LabError>> {
        self.labs.get_value()
    }

    pub fn find(&self, id: &str) -> Option<LabDef> {
        self.labs.with_value(|l| l.as_ref().ok().and_then(|l| l.iter().find(|d| d.id == id).cloned()))
    }

    /// The lab of the active run. Reactive.
    pub fn active_def(&self) -> Option<LabDef> {
        let id = self.active.with(|a| a.as_ref().map(|a| a.run.lab_id.clone()))?;
        self.find(&id)
    }

    /// Completes the active run when every check is met, scores it and records it in the progress.
    fn try_complete(&self) {
        let Some(mut a) = self.active.get_untracked() else { return };
        let Some(def) = self.find(&a.run.lab_id) else { return };
        let score = self.lab.peek_sandbox(|sb| engine_labs::update_completion(&def, sb, &mut a.run)).flatten();
        if let Some(score) = score {
            self.progress.update(|p| store::record(p, &a));
            self.announcement.set(format!("Lab complete: every check is met. Score: {}.", score.text));
            self.active.set(Some(a));
        }
    }

    /// Answers a question of the active run.
    pub fn answer(&self, question: &str, value: &str) {
        self.active.update(|a| {
            if let Some(a) = a.as_mut() {
                a.run.set_answer(question, value);
            }
        });
    }

    pub fn reveal_hint(&self, hint_count: usize) {
        self.active.update(|a| {
            if let Some(a) = a.as_mut() {
                a.run.reveal_hint(hint_count);
            }
        });
    }

    pub fn mark_assisted(&self) {
        self.active.update(|a| {
            if let Some(a) = a.as_mut() {
                a.assisted = true;
            }
        });
    }

    /// Starts (or restarts) lab `id`: the learner's own sandbox is kept aside the first time, the lab's
    /// start state replaces it, and the page goes to the lab's sandbox.
    pub fn start(&self, id: &str) {
        let Some(def) = self.find(id) else {
            self.notice.set(Some(LabsNotice { problem: true, text: format!("There is no lab called {id}.") }));
            return;
        };
        let (sandbox, run) = match engine_labs::start(&def) {
            Ok(x) => x,
            Err(e) => {
                self.notice.set(Some(LabsNotice { problem: true, text: format!("The lab could not start: {e}") }));
                return;
            }
        };
        if self.active.get_untracked().is_none() {
            let json = self.lab.peek_sandbox(|sb| Snapshot::new(sb, sb.now_ms()).to_json().map_err(|e| e.to_string()));
            let kept = match json {
                Some(Ok(json)) => store::stash_sandbox(&json),
                Some(Err(e)) => Err(e),
                None => Err("the simulation is not running".to_string()),
            };
            if let Err(reason) = kept {
                self.notice.set(Some(LabsNotice {
                    problem: true,
                    text: format!(
                        "Your sandbox could not be kept aside ({reason}), so the lab did not start. Export your \
                         sandbox from the Sandbox menu, reset it, and start the lab again."
                    ),
                }));
                return;
            }
        } else if let Some(previous) = self.active.get_untracked().filter(|a| a.run.completed.is_none()) {
            // Restarting or switching labs: the abandoned attempt still counts its hints (a completed one
            // was recorded when it completed).
            self.progress.update(|p| store::record(p, &previous));
        }
        let first_stream = first_stream(&def);
        self.lab.replace_sandbox(sandbox);
        if first_stream.is_some() {
            self.lab.selected.set(first_stream);
        }
        self.active.set(Some(ActiveRun { run, assisted: false }));
        self.run_epoch.update(|n| *n += 1);
        self.announcement.set(format!("Lab started: {}.", def.title));
        self.notice.set(None);
        self.store.save_now();
        go_to(sandbox_route(&def.sandbox));
    }

    /// Leaves the active lab: its progress is recorded and the learner's own sandbox comes back.
    pub fn leave(&self) {
        if let Some(a) = self.active.get_untracked() {
            if a.run.completed.is_none() {
                self.progress.update(|p| store::record(p, &a));
            }
        }
        let restored = match store::take_stashed_sandbox() {
            Some(text) => match Snapshot::<Sandbox>::from_json(&text) {
                Ok(s) => Ok(s.payload),
                Err(e) => Err(e.to_string()),
            },
            None => Ok(Sandbox::new(
                crate::engine::streams::EngineConfig::default(),
                crate::engine::time::DEFAULT_SANDBOX_START_MS,
            )),
        };
        let text = match restored {
            Ok(sandbox) => {
                self.lab.replace_sandbox(sandbox);
                self.lab.selected.set(None);
                LabsNotice { problem: false, text: "You left the lab: your own sandbox is back as you left it.".into() }
            }
            Err(reason) => LabsNotice {
                problem: true,
                text: format!("You left the lab, but your earlier sandbox could not be read back ({reason}); the lab's sandbox stays."),
            },
        };
        self.active.set(None);
        self.notice.set(Some(text));
        self.store.save_now();
        go_to(Route::Labs);
    }
}

/// The first stream a lab's `[start]` creates: the one its runner opens on.
fn first_stream(def: &LabDef) -> Option<String> {
    def.start.steps.iter().find_map(|l| engine_labs::script::parse_line(l).ok().and_then(|s| s.created_stream()))
}

/// Sets the location hash (the app's router follows it).
pub fn go_to(route: Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(route.path());
    }
}

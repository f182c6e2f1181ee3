//! One attempt at a lab: what the learner did that the lab scores or checks. Saved with the sandbox
//! (serde), so a reload resumes the attempt.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::time::EpochMillis;

use super::score::Score;

/// When and how a run was completed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    /// Simulated time at which every check was first met.
    pub at_ms: EpochMillis,
    pub score: Score,
}

/// One attempt at a lab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabRun {
    pub lab_id: String,
    /// Simulated time when `[start]` had run (the learner's clock starts here).
    pub started_ms: EpochMillis,
    /// API calls the learner made (terminal commands and console actions), not counting `[start]`.
    pub api_calls: u64,
    /// Answers as entered, by question id (interpreted against the lab's questions when checked).
    pub answers: BTreeMap<String, String>,
    /// Hints shown so far (they are revealed in order).
    pub hints_revealed: u32,
    /// Step lines run so far (numbers the next line in errors).
    pub steps_run: u64,
    pub completed: Option<Completion>,
}

impl LabRun {
    pub fn new(lab_id: &str, started_ms: EpochMillis) -> LabRun {
        LabRun {
            lab_id: lab_id.to_string(),
            started_ms,
            api_calls: 0,
            answers: BTreeMap::new(),
            hints_revealed: 0,
            steps_run: 0,
            completed: None,
        }
    }

    /// Counts an API call the learner made outside the step language (a console form, the page's terminal
    /// when it does not go through `run_step`).
    pub fn note_api_call(&mut self) {
        self.api_calls += 1;
    }

    /// Records an answer from the runner panel.
    pub fn set_answer(&mut self, question: &str, value: &str) {
        self.answers.insert(question.to_string(), value.trim().to_string());
    }

    /// Reveals the next hint, up to `hint_count`; returns how many are now shown.
    pub fn reveal_hint(&mut self, hint_count: usize) -> u32 {
        if (self.hints_revealed as usize) < hint_count {
            self.hints_revealed += 1;
        }
        self.hints_revealed
    }
}

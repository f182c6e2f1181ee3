//! The learner's progress over all labs: per lab, whether it was completed, the best score and the hints
//! used. Versioned; exported and imported as JSON with clear errors for damaged or newer data.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::run::LabRun;

/// The format version this build writes and reads.
pub const PROGRESS_VERSION: u32 = 1;
/// What an exported file says it is, so a sandbox save or an exam progress file is not taken for one.
pub const PROGRESS_KIND: &str = "kinesis-lab/lab-progress";

/// One lab's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LabRecord {
    pub completed: bool,
    /// The best (lowest) score value so far and its rule and text.
    pub best_score: Option<f64>,
    #[serde(default)]
    pub best_score_text: Option<String>,
    #[serde(default)]
    pub score_rule: Option<String>,
    /// Fewest hints revealed in a completed run, or hints revealed so far if never completed.
    pub hints_used: u32,
    /// Attempts completed.
    pub completions: u32,
}

/// Progress over all labs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabProgress {
    pub kind: String,
    pub version: u32,
    pub labs: BTreeMap<String, LabRecord>,
}

impl Default for LabProgress {
    fn default() -> Self {
        LabProgress { kind: PROGRESS_KIND.to_string(), version: PROGRESS_VERSION, labs: BTreeMap::new() }
    }
}

/// Why progress could not be imported. Not AWS text: the lab's own messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgressError {
    /// Not JSON, or not the shape of lab progress.
    Damaged(String),
    /// Some other kind of file.
    WrongKind(String),
    /// Written by a newer version of Kinesis Lab.
    Newer { version: u32 },
}

impl fmt::Display for ProgressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgressError::Damaged(e) => write!(f, "the lab progress file is damaged and was not loaded: {e}"),
            ProgressError::WrongKind(k) => {
                write!(f, "this is not a lab progress file (it says it is \"{k}\")")
            }
            ProgressError::Newer { version } => write!(
                f,
                "this lab progress was saved by a newer Kinesis Lab (format {version}; this one reads up to {PROGRESS_VERSION}); update the page to load it"
            ),
        }
    }
}

impl std::error::Error for ProgressError {}

impl LabProgress {
    /// Folds a run into the record of its lab: completion, best score, hints.
    pub fn record(&mut self, run: &LabRun) {
        let rec = self.labs.entry(run.lab_id.clone()).or_default();
        match &run.completed {
            Some(c) => {
                let better = rec.best_score.is_none_or(|b| c.score.value < b);
                if better {
                    rec.best_score = Some(c.score.value);
                    rec.best_score_text = Some(c.score.text.clone());
                    rec.score_rule = Some(c.score.rule.clone());
                }
                rec.hints_used = if rec.completed { rec.hints_used.min(run.hints_revealed) } else { run.hints_revealed };
                rec.completed = true;
                rec.completions += 1;
            }
            None => {
                if !rec.completed {
                    rec.hints_used = rec.hints_used.max(run.hints_revealed);
                }
            }
        }
    }

    pub fn export_json(&self) -> String {
        // Plain data (strings, numbers, maps): serialising cannot fail; an empty object is the fallback.
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }

    pub fn import_json(text: &str) -> Result<LabProgress, ProgressError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ProgressError::Damaged(e.to_string()))?;
        let kind = value.get("kind").and_then(|k| k.as_str()).unwrap_or("");
        if kind != PROGRESS_KIND {
            return Err(ProgressError::WrongKind(kind.to_string()));
        }
        match value.get("version").and_then(|v| v.as_u64()) {
            None => return Err(ProgressError::Damaged("it has no version number".into())),
            Some(v) if v > PROGRESS_VERSION as u64 => {
                return Err(ProgressError::Newer { version: v.min(u32::MAX as u64) as u32 })
            }
            Some(_) => {}
        }
        let progress: LabProgress =
            serde_json::from_value(value).map_err(|e| ProgressError::Damaged(e.to_string()))?;
        for (id, rec) in &progress.labs {
            if rec.best_score.is_some_and(|s| !s.is_finite() || s < 0.0) {
                return Err(ProgressError::Damaged(format!("lab {id} has an impossible best score")));
            }
        }
        Ok(progress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::run::Completion;
    use crate::labs::score::Score;

    fn done(lab: &str, value: f64, hints: u32) -> LabRun {
        let mut run = LabRun::new(lab, 0);
        run.hints_revealed = hints;
        run.completed = Some(Completion {
            at_ms: 1,
            score: Score { rule: "fewest_api_calls".into(), value, text: format!("{value} API calls") },
        });
        run
    }

    #[test]
    fn best_score_is_the_lowest_and_round_trips() {
        let mut p = LabProgress::default();
        p.record(&done("shard-math", 9.0, 2));
        p.record(&done("shard-math", 5.0, 3));
        p.record(&done("shard-math", 7.0, 0));
        let rec = &p.labs["shard-math"];
        assert_eq!(rec.best_score, Some(5.0));
        assert_eq!(rec.hints_used, 0);
        assert_eq!(rec.completions, 3);
        assert_eq!(LabProgress::import_json(&p.export_json()), Ok(p));
    }

    #[test]
    fn damaged_wrong_and_newer_files_are_refused() {
        assert!(matches!(LabProgress::import_json("{not json"), Err(ProgressError::Damaged(_))));
        assert!(matches!(
            LabProgress::import_json(r#"{"kind":"kinesis-lab/exam-progress","version":1,"labs":{}}"#),
            Err(ProgressError::WrongKind(_))
        ));
        let newer = format!(r#"{{"kind":"{PROGRESS_KIND}","version":{},"labs":{{}}}}"#, PROGRESS_VERSION + 1);
        assert_eq!(LabProgress::import_json(&newer), Err(ProgressError::Newer { version: PROGRESS_VERSION + 1 }));
        let bad = format!(r#"{{"kind":"{PROGRESS_KIND}","version":1,"labs":{{"x":{{"completed":"yes"}}}}}}"#);
        assert!(matches!(LabProgress::import_json(&bad), Err(ProgressError::Damaged(_))));
    }
}

//! The lab runner's pure half: which terminal lines count as a learner API call, where a lab's sandbox
//! lives, how its sources and step texts read on the page, and the UI-side state of an active run
//! (`ActiveRun`, saved in localStorage). No browser types, so it is tested natively; `ui::labs` draws it.

use serde::{Deserialize, Serialize};

use crate::cli::errors::EXIT_CLIENT_ERROR;
use crate::labs::format::SourceRef;
use crate::labs::LabRun;
use crate::viz::route::Route;

/// Whether a terminal line reached the API (so a lab counts it): an `aws kinesis|firehose <operation>`
/// that either succeeded or was answered by the service with an error (exit 254). Help, `--version`,
/// command-line mistakes (exit 252, refused before any call) and other commands are not calls. A CLI
/// command counts once even when the CLI pages through several responses, as the lab's step language does.
pub fn terminal_line_called_api(line: &str, exit_code: i32) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let service_ok = matches!(words.as_slice(), ["aws", "kinesis" | "firehose", _, ..]);
    let informational = words.iter().any(|w| *w == "help" || *w == "--version");
    service_ok && !informational && (exit_code == 0 || exit_code == EXIT_CLIENT_ERROR)
}

/// The sandbox page a lab's runner panel sits beside (`sandbox = "streams" | "firehose"`).
pub fn sandbox_route(sandbox: &str) -> Route {
    match sandbox {
        "firehose" => Route::Firehose,
        _ => Route::Streams,
    }
}

/// A lab's score rule in words (`fewest_api_calls` → `fewest API calls`), for the completion card.
pub fn score_rule_text(rule: &str) -> String {
    match rule {
        "fewest_api_calls" => "fewest API calls".into(),
        "shortest_sim_time" => "shortest simulated time".into(),
        "lowest_cost" => "lowest monthly cost".into(),
        other => other.replace('_', " "),
    }
}

/// A source reference in words: `Study note 000_….txt, “Shards”` or `FACTS §1 Writes`.
pub fn source_text(source: &SourceRef) -> String {
    match (&source.note, &source.section, &source.facts) {
        (Some(note), Some(section), _) => format!("Study note {note}, “{section}”"),
        (Some(note), None, _) => format!("Study note {note}"),
        (None, _, Some(facts)) => format!("FACTS {facts}"),
        _ => "source".to_string(),
    }
}

/// A lab text split at backticks: `(is_code, text)` pieces, so `update-shard-count` shows as code. An
/// unmatched backtick is kept as text. Line breaks inside a paragraph become spaces (TOML's multi-line
/// strings wrap at 110 columns, not at sentence ends).
pub fn text_pieces(text: &str) -> Vec<(bool, String)> {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let parts: Vec<&str> = flat.split('`').collect();
    if parts.len() % 2 == 0 {
        return vec![(false, flat)];
    }
    parts
        .into_iter()
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(i, p)| (i % 2 == 1, p.to_string()))
        .collect()
}

/// The page's side of a lab attempt: the engine's `LabRun` plus what only the page knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActiveRun {
    pub run: LabRun,
    /// The learner asked for the solution: the run still completes, but its score is not a best score.
    pub assisted: bool,
}

/// The stored layout of an active run (`kinesis-lab.labs.active-run.v1`): the version, then the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredActiveRun {
    pub version: u32,
    pub active: ActiveRun,
}

/// The version `StoredActiveRun` is written with.
pub const ACTIVE_RUN_VERSION: u32 = 1;

impl StoredActiveRun {
    /// Reads a stored active run; `None` for anything damaged or of another version (the page then shows
    /// no active lab, and the sandbox itself is untouched).
    pub fn read(text: &str) -> Option<ActiveRun> {
        let stored: StoredActiveRun = serde_json::from_str(text).ok()?;
        (stored.version == ACTIVE_RUN_VERSION).then_some(stored.active)
    }

    pub fn write(active: &ActiveRun) -> String {
        let stored = StoredActiveRun { version: ACTIVE_RUN_VERSION, active: active.clone() };
        serde_json::to_string(&stored).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn score_rules_read_as_words() {
        assert_eq!(score_rule_text("fewest_api_calls"), "fewest API calls");
        assert_eq!(score_rule_text("shortest_sim_time"), "shortest simulated time");
        assert_eq!(score_rule_text("lowest_cost"), "lowest monthly cost");
        assert_eq!(score_rule_text("new_rule"), "new rule");
    }

    use super::*;

    #[test]
    fn only_lines_that_reach_the_api_count() {
        assert!(terminal_line_called_api("aws kinesis list-streams", 0));
        assert!(terminal_line_called_api("aws kinesis describe-stream --stream-name nope", EXIT_CLIENT_ERROR));
        assert!(terminal_line_called_api("aws firehose list-delivery-streams", 0));
        assert!(!terminal_line_called_api("aws kinesis help", 0));
        assert!(!terminal_line_called_api("aws kinesis update-shard-count help", 0));
        assert!(!terminal_line_called_api("aws kinesis create-stream", 252), "usage error: no call");
        assert!(!terminal_line_called_api("aws kinesis", 252));
        assert!(!terminal_line_called_api("help", 0));
        assert!(!terminal_line_called_api("ls -l", 127));
        assert!(!terminal_line_called_api("aws --version", 0));
    }

    #[test]
    fn sources_read_as_words() {
        let note = SourceRef { note: Some("a.txt".into()), section: Some("Shards".into()), facts: None };
        assert_eq!(source_text(&note), "Study note a.txt, “Shards”");
        let facts = SourceRef { facts: Some("§1 Writes".into()), ..SourceRef::default() };
        assert_eq!(source_text(&facts), "FACTS §1 Writes");
    }

    #[test]
    fn backticks_become_code_and_lines_join() {
        assert_eq!(
            text_pieces("Resize `orders` with\n`aws kinesis update-shard-count`."),
            vec![
                (false, "Resize ".to_string()),
                (true, "orders".to_string()),
                (false, " with ".to_string()),
                (true, "aws kinesis update-shard-count".to_string()),
                (false, ".".to_string())
            ]
        );
        assert_eq!(text_pieces("one ` tick"), vec![(false, "one ` tick".to_string())]);
    }

    #[test]
    fn active_runs_round_trip_and_damage_is_ignored() {
        let active = ActiveRun { run: LabRun::new("shard-math", 5), assisted: true };
        assert_eq!(StoredActiveRun::read(&StoredActiveRun::write(&active)), Some(active));
        assert_eq!(StoredActiveRun::read("{broken"), None);
        assert_eq!(StoredActiveRun::read(r#"{"version":99,"active":{}}"#), None);
    }
}

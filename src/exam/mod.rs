//! Exam-style scenarios: scored questions about Kinesis that point back to the study notes they test.
//!
//! The questions are data, not code: one TOML file per topic group under `labs/exam/`, embedded at build
//! time (see [`bank::BANK_FILES`]) and checked by [`load_bank`] against the rules below, which CI runs in
//! `tests/exam_bank.rs`. A file holds `[[scenario]]` tables:
//!
//! ```toml
//! [[scenario]]
//! id = "streams-write-shard-count"          # unique in the bank, kebab-case
//! domain = "streams"                        # streams | firehose | analytics | video (the service)
//! topic = "shard-math"                      # kebab-case, free
//! kind = "numeric"                          # single | multiple | numeric
//! stem = "A producer fleet sends ..."
//! answer = 7                                # numeric only, with tolerance, unit and explanation
//! tolerance = { absolute = 0 }              # or { percent = 1 }
//! unit = "shards"
//! explanation = "7,000 KB/s / 1,000 KB/s per shard = 7 ..."
//! currency = "current"                      # current | outdated | wrong (+ correction when not current)
//! difficulty = 2                            # 1..=3
//! sources = [{ seed = "000_02edc0dc046d171c.txt", section = "Shards" }, { facts = "§1 Writes" }]
//! exams = [{ exam = "DEA-C01", domain = "Data Ingestion and Transformation" }]
//! prove_it = { sandbox = "streams" }        # optional: a sandbox route (#/streams) or, later, a lab
//!
//! [[scenario.options]]                      # single and multiple only
//! text = "..."
//! correct = true
//! explanation = "why this is right or wrong"
//! ```
//!
//! Rules (each one has a negative test): ids unique and kebab-case; `single` has at least three options
//! and exactly one correct; `multiple` has two or more correct, at least one wrong, and a stem that says
//! how many to choose ("Choose two."), while a `single` stem never asks for several; `numeric` has answer,
//! tolerance, unit and explanation and no options; every option has an explanation and option texts
//! differ; at least one source; a cited note (seed) and its section exist in `labs/seed-sections.toml`
//! (generated from the notes by `scripts/seed_sections.py`); a cited FACTS section exists in
//! `labs/sources.toml`; exams and their domains come from the exam guides; `prove_it` names a sandbox
//! route that exists; `outdated` and `wrong` carry a correction and `current` does not; difficulty 1–3.

pub mod bank;
pub mod notes;
pub mod session;

use serde::{Deserialize, Serialize};

pub use bank::{load_bank, parse_bank, BankError, Catalog, BANK_FILES};

/// The four services of the family, which are also the four sandbox routes (`#/streams`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    Streams,
    Firehose,
    Analytics,
    Video,
}

impl Service {
    pub const ALL: [Service; 4] = [Service::Streams, Service::Firehose, Service::Analytics, Service::Video];

    pub fn as_str(self) -> &'static str {
        match self {
            Service::Streams => "streams",
            Service::Firehose => "firehose",
            Service::Analytics => "analytics",
            Service::Video => "video",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// One correct option.
    Single,
    /// Two or more correct options; the stem says how many.
    Multiple,
    /// A number within a tolerance.
    Numeric,
}

/// How the note a scenario is about compares with AWS today (FACTS.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Currency {
    /// The note still holds.
    Current,
    /// The note was right when written; AWS has changed since (the scenario's `correction` says how).
    Outdated,
    /// The note was never right (the `correction` says what is).
    Wrong,
}

/// The certification exams the scenarios are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Exam {
    /// AWS Certified Machine Learning – Specialty. Retired on 31 March 2026; kept because the study notes
    /// were written for it.
    #[serde(rename = "MLS-C01")]
    MlsC01,
    /// AWS Certified Data Engineer – Associate.
    #[serde(rename = "DEA-C01")]
    DeaC01,
    /// AWS Certified Machine Learning Engineer – Associate.
    #[serde(rename = "MLA-C01")]
    MlaC01,
}

impl Exam {
    pub const ALL: [Exam; 3] = [Exam::MlsC01, Exam::DeaC01, Exam::MlaC01];

    pub fn code(self) -> &'static str {
        match self {
            Exam::MlsC01 => "MLS-C01",
            Exam::DeaC01 => "DEA-C01",
            Exam::MlaC01 => "MLA-C01",
        }
    }

    /// The content domains of the exam guide, by their names in the guide.
    pub fn domains(self) -> &'static [&'static str] {
        match self {
            Exam::MlsC01 => &[
                "Data Engineering",
                "Exploratory Data Analysis",
                "Modeling",
                "Machine Learning Implementation and Operations",
            ],
            Exam::DeaC01 => &[
                "Data Ingestion and Transformation",
                "Data Store Management",
                "Data Operations and Support",
                "Data Security and Governance",
            ],
            Exam::MlaC01 => &[
                "Data Preparation for Machine Learning (ML)",
                "ML Model Development",
                "Deployment and Orchestration of ML Workflows",
                "ML Solution Monitoring, Maintenance, and Security",
            ],
        }
    }

    /// Whether the exam can still be taken (MLS-C01 was retired on 31 March 2026).
    pub fn is_retired(self) -> bool {
        self == Exam::MlsC01
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamRef {
    pub exam: Exam,
    pub domain: String,
}

/// Where a scenario's claim comes from: a section of a study note, or a section of the project's facts
/// (FACTS.md, listed with its AWS pages in `labs/sources.toml`). Exactly one of the two forms.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// A note's file name, e.g. `000_02edc0dc046d171c.txt`; needs `section`.
    pub seed: Option<String>,
    /// A section heading of that note.
    pub section: Option<String>,
    /// A FACTS section id such as `§1 Writes`.
    pub facts: Option<String>,
}

/// A link that lets the learner check the answer by doing it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProveIt {
    /// A guided lab's id (no labs exist yet, so none validates today).
    pub lab: Option<String>,
    /// A sandbox: `streams`, `firehose`, `analytics` or `video`.
    pub sandbox: Option<String>,
}

impl ProveIt {
    /// The app's hash route for this link, e.g. `#/streams` (labs live under `#/labs/<id>`).
    pub fn route(&self) -> String {
        match (&self.sandbox, &self.lab) {
            (Some(s), _) => format!("#/{s}"),
            (None, Some(l)) => format!("#/labs/{l}"),
            (None, None) => "#/".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub text: String,
    pub correct: bool,
    /// Why this option is right or wrong.
    pub explanation: String,
}

/// How far a numeric answer may be from the expected one.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
pub enum Tolerance {
    /// Plus or minus this amount, in the scenario's unit.
    Absolute(f64),
    /// Plus or minus this percentage of the expected answer.
    Percent(f64),
}

impl Tolerance {
    pub fn accepts(self, expected: f64, given: f64) -> bool {
        if !given.is_finite() {
            return false;
        }
        let allowed = match self {
            Tolerance::Absolute(a) => a,
            Tolerance::Percent(p) => expected.abs() * p / 100.0,
        };
        // A relative epsilon keeps exact answers such as 79.488 from failing on float rounding.
        (given - expected).abs() <= allowed + expected.abs() * 1e-9 + 1e-12
    }
}

/// One exam-style question.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    /// The service the scenario is about.
    pub domain: Service,
    pub topic: String,
    pub stem: String,
    pub kind: Kind,
    #[serde(default)]
    pub options: Vec<Choice>,
    pub answer: Option<f64>,
    pub tolerance: Option<Tolerance>,
    pub unit: Option<String>,
    /// The worked answer (required for numeric scenarios, optional otherwise).
    pub explanation: Option<String>,
    pub sources: Vec<Source>,
    pub currency: Currency,
    /// What AWS does today, when the note the scenario is about is outdated or wrong.
    pub correction: Option<String>,
    pub difficulty: u8,
    pub exams: Vec<ExamRef>,
    pub prove_it: Option<ProveIt>,
    /// The bank file the scenario came from (`labs/exam/....toml`); set by the loader.
    #[serde(skip)]
    pub file: String,
}

/// A learner's answer to a scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The index of the chosen option.
    Single(usize),
    /// The indices of the chosen options, in any order.
    Multiple(Vec<usize>),
    Numeric(f64),
}

impl Scenario {
    /// The indices of the correct options.
    pub fn correct_indices(&self) -> Vec<usize> {
        self.options.iter().enumerate().filter(|(_, o)| o.correct).map(|(i, _)| i).collect()
    }

    /// Whether an answer is right: the one correct option; exactly the set of correct options (order and
    /// repeats ignored); or a number within the tolerance. An answer of the wrong kind is wrong.
    pub fn grade(&self, answer: &Answer) -> bool {
        match (self.kind, answer) {
            (Kind::Single, Answer::Single(i)) => self.options.get(*i).is_some_and(|o| o.correct),
            (Kind::Multiple, Answer::Multiple(chosen)) => {
                let mut chosen = chosen.clone();
                chosen.sort_unstable();
                chosen.dedup();
                chosen == self.correct_indices()
            }
            (Kind::Numeric, Answer::Numeric(x)) => match (self.answer, self.tolerance) {
                (Some(expected), Some(tol)) => tol.accepts(expected, *x),
                _ => false,
            },
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(text: &str, correct: bool) -> Choice {
        Choice { text: text.into(), correct, explanation: "because".into() }
    }

    fn scenario(kind: Kind) -> Scenario {
        Scenario {
            id: "t".into(),
            domain: Service::Streams,
            topic: "t".into(),
            stem: "?".into(),
            kind,
            options: vec![],
            answer: None,
            tolerance: None,
            unit: None,
            explanation: None,
            sources: vec![],
            currency: Currency::Current,
            correction: None,
            difficulty: 1,
            exams: vec![],
            prove_it: None,
            file: String::new(),
        }
    }

    #[test]
    fn exam_grade_single_accepts_only_the_correct_index() {
        let mut s = scenario(Kind::Single);
        s.options = vec![choice("a", false), choice("b", true), choice("c", false)];
        assert!(s.grade(&Answer::Single(1)));
        assert!(!s.grade(&Answer::Single(0)));
        assert!(!s.grade(&Answer::Single(2)));
        assert!(!s.grade(&Answer::Single(7)), "out of range");
        assert!(!s.grade(&Answer::Multiple(vec![1])), "wrong kind");
        assert!(!s.grade(&Answer::Numeric(1.0)), "wrong kind");
    }

    #[test]
    fn exam_grade_multiple_needs_exactly_the_correct_set() {
        let mut s = scenario(Kind::Multiple);
        s.options = vec![choice("a", true), choice("b", false), choice("c", true), choice("d", false)];
        assert!(s.grade(&Answer::Multiple(vec![0, 2])));
        assert!(s.grade(&Answer::Multiple(vec![2, 0])), "order does not matter");
        assert!(s.grade(&Answer::Multiple(vec![2, 0, 2])), "a repeat is the same choice");
        assert!(!s.grade(&Answer::Multiple(vec![0])), "a subset is wrong");
        assert!(!s.grade(&Answer::Multiple(vec![0, 1, 2])), "a superset is wrong");
        assert!(!s.grade(&Answer::Multiple(vec![])));
        assert!(!s.grade(&Answer::Multiple(vec![0, 9])));
        assert!(!s.grade(&Answer::Single(0)), "wrong kind");
    }

    #[test]
    fn exam_grade_numeric_uses_absolute_tolerance() {
        let mut s = scenario(Kind::Numeric);
        s.answer = Some(79.488);
        s.tolerance = Some(Tolerance::Absolute(0.05));
        assert!(s.grade(&Answer::Numeric(79.488)));
        assert!(s.grade(&Answer::Numeric(79.49)));
        assert!(s.grade(&Answer::Numeric(79.438)), "at the edge");
        assert!(!s.grade(&Answer::Numeric(79.55)));
        assert!(!s.grade(&Answer::Numeric(f64::NAN)));
        assert!(!s.grade(&Answer::Numeric(f64::INFINITY)));
        assert!(!s.grade(&Answer::Single(0)), "wrong kind");
    }

    #[test]
    fn exam_grade_numeric_exact_answers_survive_float_rounding() {
        let mut s = scenario(Kind::Numeric);
        s.answer = Some(0.3);
        s.tolerance = Some(Tolerance::Absolute(0.0));
        assert!(s.grade(&Answer::Numeric(0.1 + 0.2)));
        assert!(!s.grade(&Answer::Numeric(0.31)));
        s.answer = Some(7.0);
        assert!(s.grade(&Answer::Numeric(7.0)));
        assert!(!s.grade(&Answer::Numeric(8.0)));
    }

    #[test]
    fn exam_grade_numeric_uses_percent_tolerance() {
        let mut s = scenario(Kind::Numeric);
        s.answer = Some(200.0);
        s.tolerance = Some(Tolerance::Percent(1.0));
        assert!(s.grade(&Answer::Numeric(202.0)));
        assert!(s.grade(&Answer::Numeric(198.0)));
        assert!(!s.grade(&Answer::Numeric(202.5)));
        s.answer = Some(-50.0);
        assert!(s.grade(&Answer::Numeric(-50.4)), "percent of the magnitude");
        assert!(!s.grade(&Answer::Numeric(-51.0)));
    }

    #[test]
    fn exam_grade_numeric_without_an_answer_is_never_right() {
        let s = scenario(Kind::Numeric);
        assert!(!s.grade(&Answer::Numeric(0.0)));
    }

    #[test]
    fn exam_prove_it_routes() {
        let p = ProveIt { sandbox: Some("firehose".into()), lab: None };
        assert_eq!(p.route(), "#/firehose");
        let p = ProveIt { sandbox: None, lab: Some("hot-shard".into()) };
        assert_eq!(p.route(), "#/labs/hot-shard");
    }

    #[test]
    fn exam_domains_are_four_per_exam() {
        for e in Exam::ALL {
            assert_eq!(e.domains().len(), 4, "{}", e.code());
        }
        assert!(Exam::MlsC01.is_retired() && !Exam::DeaC01.is_retired() && !Exam::MlaC01.is_retired());
    }
}

//! The exam engine (issue 6, point 3): choosing questions, study mode (the explanation right after each
//! answer), timed mode (a chosen number of questions and minutes, flags, a review screen, submit — by
//! hand or when time runs out), scores by domain and topic, spaced repetition that brings missed items
//! back, and a history of attempts. Pure: the page passes the time in (`now_ms`, wall-clock time — an
//! exam runs in real time, unlike the simulation) and a seed for the shuffle, and saves `ExamProgress`.

use std::collections::{BTreeMap, BTreeSet};

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::bank::Bank;
use super::{Answer, Exam, Kind, Scenario, Service};

/// The saved progress format; raised when its meaning changes (older versions are refused with a clear
/// message rather than misread).
pub const PROGRESS_VERSION: u32 = 1;
/// Leitner intervals: after a right answer an item moves up one box and comes back after this long.
pub const REVIEW_INTERVALS_MS: [u64; 5] = [0, DAY_MS, 3 * DAY_MS, 7 * DAY_MS, 21 * DAY_MS];
const DAY_MS: u64 = 86_400_000;
/// Attempts kept in the history (oldest dropped).
pub const HISTORY_MAX: usize = 200;
/// Bounds of a timed exam (the real ones: 65 questions in 130–180 minutes).
pub const TIMED_MAX_QUESTIONS: usize = 100;
pub const TIMED_MAX_MINUTES: u64 = 240;

/// Which questions a learner wants.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    /// Only scenarios that serve this exam guide.
    pub exam: Option<Exam>,
    /// Only these services (all when empty).
    pub services: Vec<Service>,
    /// Only these topics (all when empty).
    pub topics: Vec<String>,
    /// Only these difficulties, 1–3 (all when empty). Defaulted so progress saved before it existed reads.
    #[serde(default)]
    pub difficulties: Vec<u8>,
    /// Only items whose review is due (spaced repetition).
    pub due_only: bool,
    /// Only these scenarios, by id (all when empty): a link to one scenario (`#/exam?scenario=<id>`, from
    /// the notes map) opens it alone. Defaulted so progress saved before it existed reads.
    #[serde(default)]
    pub ids: Vec<String>,
}

impl Filter {
    fn accepts(&self, s: &Scenario) -> bool {
        self.exam.is_none_or(|e| s.exams.iter().any(|r| r.exam == e))
            && (self.services.is_empty() || self.services.contains(&s.domain))
            && (self.topics.is_empty() || self.topics.contains(&s.topic))
            && (self.difficulties.is_empty() || self.difficulties.contains(&s.difficulty))
            && (self.ids.is_empty() || self.ids.contains(&s.id))
    }

    /// How many of the bank's scenarios this filter lets through (before `due_only`): what the setup
    /// screen shows while the learner narrows the choice.
    pub fn count(&self, bank: &Bank) -> usize {
        bank.scenarios.iter().filter(|s| self.accepts(s)).count()
    }
}

/// How an attempt runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// Each answer is graded and explained at once.
    Study,
    /// Graded only when submitted; ends on its own at the deadline.
    Timed { time_limit_ms: u64 },
}

/// A learner's answer as saved (options by index, numbers as given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SavedAnswer {
    Single(usize),
    Multiple(Vec<usize>),
    Numeric(f64),
}

impl SavedAnswer {
    fn to_answer(&self) -> Answer {
        match self {
            SavedAnswer::Single(i) => Answer::Single(*i),
            SavedAnswer::Multiple(v) => Answer::Multiple(v.clone()),
            SavedAnswer::Numeric(x) => Answer::Numeric(*x),
        }
    }
}

/// Why an action on an attempt was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExamError {
    NoQuestions,
    NotInAttempt(String),
    AlreadySubmitted,
    AlreadyAnswered(String),
    WrongKind { id: String, expected: Kind },
    TimedOut,
    BadSettings(String),
    BadProgress(String),
}

impl std::fmt::Display for ExamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExamError::NoQuestions => write!(f, "no scenario matches these filters"),
            ExamError::NotInAttempt(id) => write!(f, "scenario {id} is not part of this attempt"),
            ExamError::AlreadySubmitted => write!(f, "this attempt has been submitted"),
            ExamError::AlreadyAnswered(id) => write!(f, "scenario {id} was already answered in study mode"),
            ExamError::WrongKind { id, expected } => write!(f, "scenario {id} takes a {expected:?} answer"),
            ExamError::TimedOut => write!(f, "time is up: the attempt was submitted"),
            ExamError::BadSettings(why) => write!(f, "invalid exam settings: {why}"),
            ExamError::BadProgress(why) => write!(f, "saved exam progress cannot be read: {why}"),
        }
    }
}

/// Right and total, for one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub right: u32,
    pub total: u32,
}

impl Tally {
    pub fn percent(self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.right as f64 * 100.0 / self.total as f64
        }
    }
}

/// The score of a submitted attempt.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub overall: Tally,
    pub by_service: BTreeMap<String, Tally>,
    pub by_topic: BTreeMap<String, Tally>,
    /// By the exam guide's domain (e.g. "Domain 1: Data Ingestion and Transformation"), when the attempt
    /// was filtered to one exam.
    pub by_exam_domain: BTreeMap<String, Tally>,
    pub wrong: Vec<String>,
    pub unanswered: Vec<String>,
}

/// One attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub mode: Mode,
    pub filter: Filter,
    pub started_ms: u64,
    pub questions: Vec<String>,
    pub answers: BTreeMap<String, SavedAnswer>,
    pub flagged: BTreeSet<String>,
    pub submitted_ms: Option<u64>,
    pub score: Option<Score>,
}

/// What studying one item taught the spaced-repetition schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewState {
    /// Leitner box 0–4: 0 = missed (due at once), 4 = known well.
    pub leitner_box: u8,
    pub due_ms: u64,
    pub seen: u32,
    pub missed: u32,
}

/// Everything the exam keeps in the browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamProgress {
    pub version: u32,
    pub current: Option<Attempt>,
    pub history: Vec<Attempt>,
    pub review: BTreeMap<String, ReviewState>,
}

impl Default for ExamProgress {
    fn default() -> Self {
        ExamProgress { version: PROGRESS_VERSION, current: None, history: Vec::new(), review: BTreeMap::new() }
    }
}

/// The outcome of one answer in study mode.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub right: bool,
    pub correct_options: Vec<usize>,
}

impl ExamProgress {
    /// Reads saved progress: a newer or unknown version, or text that is not progress, is an error; ids
    /// no longer in the bank are dropped (the bank may have changed since).
    pub fn import(text: &str, bank: &Bank) -> Result<ExamProgress, ExamError> {
        let mut p: ExamProgress = serde_json::from_str(text).map_err(|e| ExamError::BadProgress(e.to_string()))?;
        if p.version != PROGRESS_VERSION {
            return Err(ExamError::BadProgress(format!(
                "version {} (this page reads version {PROGRESS_VERSION})",
                p.version
            )));
        }
        let known = |id: &String| bank.get(id).is_some();
        p.review.retain(|id, _| known(id));
        let fix = |a: &mut Attempt| {
            a.questions.retain(known);
            a.answers.retain(|id, _| known(id));
            a.flagged.retain(known);
        };
        if let Some(a) = p.current.as_mut() {
            fix(a);
        }
        p.history.iter_mut().for_each(fix);
        p.history.truncate(HISTORY_MAX);
        Ok(p)
    }

    pub fn export(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Starts an attempt of `count` questions chosen from the filter's scenarios (due review items first
    /// when `due_only`), shuffled by `seed`. A running attempt is replaced.
    pub fn start(&mut self, bank: &Bank, filter: Filter, mode: Mode, count: usize, now_ms: u64, seed: u64) -> Result<&Attempt, ExamError> {
        if let Mode::Timed { time_limit_ms } = mode {
            if count == 0 || count > TIMED_MAX_QUESTIONS {
                return Err(ExamError::BadSettings(format!("a timed exam has 1–{TIMED_MAX_QUESTIONS} questions")));
            }
            if time_limit_ms == 0 || time_limit_ms > TIMED_MAX_MINUTES * 60_000 {
                return Err(ExamError::BadSettings(format!("a timed exam lasts 1–{TIMED_MAX_MINUTES} minutes")));
            }
        }
        let mut pool: Vec<&Scenario> = bank.scenarios.iter().filter(|s| filter.accepts(s)).collect();
        if filter.due_only {
            pool.retain(|s| self.review.get(&s.id).is_some_and(|r| r.due_ms <= now_ms));
        }
        if pool.is_empty() {
            return Err(ExamError::NoQuestions);
        }
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        pool.shuffle(&mut rng);
        // Missed items first (lowest box), the shuffle deciding among equals.
        pool.sort_by_key(|s| self.review.get(&s.id).map_or(1, |r| r.leitner_box.min(1)));
        let questions = pool.into_iter().take(count.max(1)).map(|s| s.id.clone()).collect();
        self.current = Some(Attempt {
            mode,
            filter,
            started_ms: now_ms,
            questions,
            answers: BTreeMap::new(),
            flagged: BTreeSet::new(),
            submitted_ms: None,
            score: None,
        });
        self.current.as_ref().ok_or(ExamError::NoQuestions)
    }

    /// Submits a timed attempt whose time is up (the page calls this on every tick of its timer).
    pub fn check_deadline(&mut self, bank: &Bank, now_ms: u64) -> bool {
        let due = self.current.as_ref().is_some_and(|a| match a.mode {
            Mode::Timed { time_limit_ms } => a.submitted_ms.is_none() && now_ms >= a.started_ms + time_limit_ms,
            Mode::Study => false,
        });
        if due {
            self.submit(bank, now_ms);
        }
        due
    }

    /// Records an answer. Study mode grades it at once (and schedules the item); timed mode keeps it
    /// (answers may change until the attempt is submitted).
    pub fn answer(&mut self, bank: &Bank, id: &str, answer: SavedAnswer, now_ms: u64) -> Result<Option<Feedback>, ExamError> {
        if self.check_deadline(bank, now_ms) {
            return Err(ExamError::TimedOut);
        }
        let attempt = self.current.as_mut().ok_or(ExamError::NoQuestions)?;
        if attempt.submitted_ms.is_some() {
            return Err(ExamError::AlreadySubmitted);
        }
        if !attempt.questions.iter().any(|q| q == id) {
            return Err(ExamError::NotInAttempt(id.to_string()));
        }
        let scenario = bank.get(id).ok_or_else(|| ExamError::NotInAttempt(id.to_string()))?;
        let kind_ok = matches!(
            (scenario.kind, &answer),
            (Kind::Single, SavedAnswer::Single(_)) | (Kind::Multiple, SavedAnswer::Multiple(_)) | (Kind::Numeric, SavedAnswer::Numeric(_))
        );
        if !kind_ok {
            return Err(ExamError::WrongKind { id: id.to_string(), expected: scenario.kind });
        }
        match attempt.mode {
            Mode::Timed { .. } => {
                attempt.answers.insert(id.to_string(), answer);
                Ok(None)
            }
            Mode::Study => {
                if attempt.answers.contains_key(id) {
                    return Err(ExamError::AlreadyAnswered(id.to_string()));
                }
                let right = scenario.grade(&answer.to_answer());
                attempt.answers.insert(id.to_string(), answer);
                self.schedule(id, right, now_ms);
                let done = attempt_len(&self.current) == answered_len(&self.current);
                if done {
                    self.submit(bank, now_ms);
                }
                Ok(Some(Feedback { right, correct_options: scenario.correct_indices() }))
            }
        }
    }

    /// Flags (or unflags) a question for review in a timed attempt.
    pub fn toggle_flag(&mut self, id: &str) -> Result<bool, ExamError> {
        let attempt = self.current.as_mut().ok_or(ExamError::NoQuestions)?;
        if attempt.submitted_ms.is_some() {
            return Err(ExamError::AlreadySubmitted);
        }
        if !attempt.questions.iter().any(|q| q == id) {
            return Err(ExamError::NotInAttempt(id.to_string()));
        }
        if attempt.flagged.remove(id) {
            Ok(false)
        } else {
            attempt.flagged.insert(id.to_string());
            Ok(true)
        }
    }

    /// Ends the current attempt: scores it, schedules every item (timed mode), adds it to the history.
    pub fn submit(&mut self, bank: &Bank, now_ms: u64) -> Option<&Score> {
        let mut attempt = self.current.take()?;
        if attempt.submitted_ms.is_none() {
            let score = score(bank, &attempt);
            if matches!(attempt.mode, Mode::Timed { .. }) {
                for id in &attempt.questions {
                    let right = !score.wrong.contains(id) && !score.unanswered.contains(id);
                    self.schedule(id, right, now_ms);
                }
            }
            attempt.submitted_ms = Some(now_ms);
            attempt.score = Some(score);
            self.history.insert(0, attempt.clone());
            self.history.truncate(HISTORY_MAX);
        }
        self.current = Some(attempt);
        self.current.as_ref().and_then(|a| a.score.as_ref())
    }

    /// Leitner: right moves the item up a box (further apart), wrong sends it back to box 0 (due now).
    fn schedule(&mut self, id: &str, right: bool, now_ms: u64) {
        let state = self.review.entry(id.to_string()).or_insert(ReviewState { leitner_box: 1, due_ms: now_ms, seen: 0, missed: 0 });
        state.seen += 1;
        if right {
            state.leitner_box = (state.leitner_box + 1).min(REVIEW_INTERVALS_MS.len() as u8 - 1);
        } else {
            state.missed += 1;
            state.leitner_box = 0;
        }
        state.due_ms = now_ms + REVIEW_INTERVALS_MS[state.leitner_box as usize];
    }

    /// Items due for review now.
    pub fn due(&self, now_ms: u64) -> Vec<&str> {
        self.review.iter().filter(|(_, r)| r.due_ms <= now_ms).map(|(id, _)| id.as_str()).collect()
    }
}

fn attempt_len(a: &Option<Attempt>) -> usize {
    a.as_ref().map_or(0, |a| a.questions.len())
}

fn answered_len(a: &Option<Attempt>) -> usize {
    a.as_ref().map_or(0, |a| a.answers.len())
}

/// Scores an attempt: overall, by service, topic and (for a one-exam attempt) exam-guide domain.
pub fn score(bank: &Bank, attempt: &Attempt) -> Score {
    let mut s = Score::default();
    for id in &attempt.questions {
        let Some(scenario) = bank.get(id) else { continue };
        let right = match attempt.answers.get(id) {
            Some(a) => scenario.grade(&a.to_answer()),
            None => {
                s.unanswered.push(id.clone());
                false
            }
        };
        if !right && attempt.answers.contains_key(id) {
            s.wrong.push(id.clone());
        }
        let add = |t: &mut Tally| {
            t.total += 1;
            t.right += right as u32;
        };
        add(&mut s.overall);
        add(s.by_service.entry(scenario.domain.as_str().to_string()).or_default());
        add(s.by_topic.entry(scenario.topic.clone()).or_default());
        if let Some(exam) = attempt.filter.exam {
            for r in scenario.exams.iter().filter(|r| r.exam == exam) {
                add(s.by_exam_domain.entry(r.domain.clone()).or_default());
            }
        }
    }
    s
}

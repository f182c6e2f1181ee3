//! The exam engine (issue 6 point 3) over the real bank: study mode, timed mode with flags, review and
//! submit (by hand or at the deadline), scores by service, topic and exam-guide domain, spaced repetition
//! bringing missed items back, and saved progress (versioned, exportable, damaged input refused).

use kinesis_lab::exam::bank::Bank;
use kinesis_lab::exam::session::*;
use kinesis_lab::exam::{load_bank, Exam, Kind, Scenario, Service};

fn bank() -> Bank {
    load_bank().expect("the bank loads")
}

fn right(s: &Scenario) -> SavedAnswer {
    match s.kind {
        Kind::Single => SavedAnswer::Single(s.correct_indices()[0]),
        Kind::Multiple => SavedAnswer::Multiple(s.correct_indices()),
        Kind::Numeric => SavedAnswer::Numeric(s.answer.unwrap()),
    }
}

fn wrong(s: &Scenario) -> SavedAnswer {
    match s.kind {
        Kind::Single => SavedAnswer::Single((0..s.options.len()).find(|i| !s.options[*i].correct).unwrap()),
        Kind::Multiple => SavedAnswer::Multiple(vec![]),
        Kind::Numeric => SavedAnswer::Numeric(s.answer.unwrap() * 10.0 + 1_000.0),
    }
}

const T0: u64 = 1_800_000_000_000;
const MINUTE: u64 = 60_000;

#[test]
fn study_mode_grades_at_once_and_schedules_missed_items_first() {
    let bank = bank();
    let mut p = ExamProgress::default();
    let filter = Filter { services: vec![Service::Firehose], ..Filter::default() };
    let ids = p.start(&bank, filter, Mode::Study, 3, T0, 7).unwrap().questions.clone();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|id| bank.get(id).unwrap().domain == Service::Firehose));
    let s0 = bank.get(&ids[0]).unwrap();
    let fb = p.answer(&bank, &ids[0], right(s0), T0).unwrap().unwrap();
    assert!(fb.right);
    assert_eq!(p.answer(&bank, &ids[0], right(s0), T0), Err(ExamError::AlreadyAnswered(ids[0].clone())));
    let s1 = bank.get(&ids[1]).unwrap();
    assert!(!p.answer(&bank, &ids[1], wrong(s1), T0).unwrap().unwrap().right);
    assert_eq!(p.review[&ids[1]].leitner_box, 0);
    assert_eq!(p.due(T0), vec![ids[1].as_str()], "the missed item is due at once");
    assert!(p.review[&ids[0]].due_ms > T0, "the right one comes back later");
    let s2 = bank.get(&ids[2]).unwrap();
    p.answer(&bank, &ids[2], right(s2), T0).unwrap();
    let score = p.history[0].score.as_ref().expect("the last answer submits a study attempt");
    assert_eq!((score.overall.right, score.overall.total), (2, 3));
    assert_eq!(score.wrong, vec![ids[1].clone()]);
    // Review mode brings only the due item back.
    let review = Filter { due_only: true, ..Filter::default() };
    let again = p.start(&bank, review, Mode::Study, 10, T0 + 1, 1).unwrap().questions.clone();
    assert_eq!(again, vec![ids[1].clone()]);
}

#[test]
fn timed_mode_flags_reviews_and_submits_at_the_deadline() {
    let bank = bank();
    let mut p = ExamProgress::default();
    let filter = Filter { exam: Some(Exam::DeaC01), ..Filter::default() };
    let mode = Mode::Timed { time_limit_ms: 10 * MINUTE };
    let ids = p.start(&bank, filter, mode, 4, T0, 42).unwrap().questions.clone();
    assert_eq!(ids.len(), 4);
    assert!(p.toggle_flag(&ids[2]).unwrap());
    assert!(p.current.as_ref().unwrap().flagged.contains(&ids[2]));
    assert!(!p.toggle_flag(&ids[2]).unwrap(), "toggling again unflags");
    p.toggle_flag(&ids[3]).unwrap();
    let s = |i: usize| bank.get(&ids[i]).unwrap();
    assert_eq!(p.answer(&bank, &ids[0], wrong(s(0)), T0 + MINUTE).unwrap(), None, "no feedback until submitted");
    p.answer(&bank, &ids[0], right(s(0)), T0 + 2 * MINUTE).unwrap();
    p.answer(&bank, &ids[1], wrong(s(1)), T0 + 3 * MINUTE).unwrap();
    let kind_mismatch = match s(2).kind {
        Kind::Numeric => SavedAnswer::Single(0),
        _ => SavedAnswer::Numeric(1.0),
    };
    assert!(matches!(p.answer(&bank, &ids[2], kind_mismatch, T0 + 4 * MINUTE), Err(ExamError::WrongKind { .. })));
    assert!(!p.check_deadline(&bank, T0 + 10 * MINUTE - 1));
    assert!(p.check_deadline(&bank, T0 + 10 * MINUTE), "time up: submitted");
    let score = p.current.as_ref().unwrap().score.clone().unwrap();
    assert_eq!((score.overall.right, score.overall.total), (1, 4));
    assert_eq!(score.wrong, vec![ids[1].clone()]);
    assert_eq!(score.unanswered.len(), 2);
    assert!(!score.by_exam_domain.is_empty(), "scores by the DEA-C01 guide's domains");
    assert!(score.by_exam_domain.keys().all(|d| Exam::DeaC01.domains().contains(&d.as_str())));
    assert_eq!(score.by_topic.values().map(|t| t.total).sum::<u32>(), 4);
    assert_eq!(p.answer(&bank, &ids[3], right(s(3)), T0 + 11 * MINUTE), Err(ExamError::AlreadySubmitted));
    assert_eq!(p.history.len(), 1);
    assert_eq!(p.review[&ids[2]].leitner_box, 0, "unanswered counts as missed for review");
}

#[test]
fn settings_are_checked_and_the_shuffle_is_reproducible() {
    let bank = bank();
    let mut p = ExamProgress::default();
    assert!(matches!(p.start(&bank, Filter::default(), Mode::Timed { time_limit_ms: 0 }, 5, T0, 1), Err(ExamError::BadSettings(_))));
    assert!(matches!(p.start(&bank, Filter::default(), Mode::Timed { time_limit_ms: MINUTE }, 500, T0, 1), Err(ExamError::BadSettings(_))));
    let none = Filter { topics: vec!["no such topic".into()], ..Filter::default() };
    assert_eq!(p.start(&bank, none, Mode::Study, 5, T0, 1).unwrap_err(), ExamError::NoQuestions);
    let a = p.start(&bank, Filter::default(), Mode::Study, 20, T0, 99).unwrap().questions.clone();
    let b = p.start(&bank, Filter::default(), Mode::Study, 20, T0, 99).unwrap().questions.clone();
    let c = p.start(&bank, Filter::default(), Mode::Study, 20, T0, 100).unwrap().questions.clone();
    assert_eq!(a, b, "same seed, same questions");
    assert_ne!(a, c, "another seed, another draw");
}

#[test]
fn progress_exports_imports_and_refuses_damage() {
    let bank = bank();
    let mut p = ExamProgress::default();
    let ids = p.start(&bank, Filter::default(), Mode::Study, 2, T0, 3).unwrap().questions.clone();
    p.answer(&bank, &ids[0], wrong(bank.get(&ids[0]).unwrap()), T0).unwrap();
    let text = p.export();
    assert_eq!(ExamProgress::import(&text, &bank).unwrap(), p);
    assert!(matches!(ExamProgress::import("{not json", &bank), Err(ExamError::BadProgress(_))));
    let newer = text.replacen(&format!("\"version\": {PROGRESS_VERSION}"), "\"version\": 99", 1);
    assert!(matches!(ExamProgress::import(&newer, &bank), Err(ExamError::BadProgress(m)) if m.contains("99")));
    let renamed = text.replace(&ids[0], "gone-001");
    let loaded = ExamProgress::import(&renamed, &bank).unwrap();
    assert!(!loaded.review.contains_key("gone-001"), "ids no longer in the bank are dropped");
}

#[test]
fn the_filter_narrows_by_difficulty_and_reads_progress_saved_without_it() {
    let bank = bank();
    let all = Filter::default().count(&bank);
    let easy = Filter { difficulties: vec![1], ..Filter::default() };
    let hard = Filter { difficulties: vec![3], ..Filter::default() };
    assert!(easy.count(&bank) > 0 && hard.count(&bank) > 0);
    assert!(easy.count(&bank) + hard.count(&bank) < all, "difficulty 2 exists too");
    let mut p = ExamProgress::default();
    let ids = p.start(&bank, hard.clone(), Mode::Study, 50, T0, 5).unwrap().questions.clone();
    assert_eq!(ids.len(), hard.count(&bank));
    assert!(ids.iter().all(|id| bank.get(id).unwrap().difficulty == 3));
    // Progress written before the field existed has no `difficulties`: it reads as "all".
    let mut saved: serde_json::Value = serde_json::from_str(&p.export()).unwrap();
    let filter = saved["current"]["filter"].as_object_mut().unwrap();
    assert!(filter.remove("difficulties").is_some(), "the field is saved");
    let old = saved.to_string();
    let loaded = ExamProgress::import(&old, &bank).unwrap();
    assert!(loaded.current.unwrap().filter.difficulties.is_empty());
}

/// A link to one scenario (`#/exam?scenario=<id>`, from the notes map) starts a study attempt of that
/// scenario alone; an unknown id matches nothing.
#[test]
fn a_filter_by_id_starts_that_scenario_alone() {
    let bank = load_bank().expect("bank loads");
    let id = bank.scenarios[7].id.clone();
    let mut progress = ExamProgress::default();
    let only = Filter { ids: vec![id.clone()], ..Filter::default() };
    assert_eq!(only.count(&bank), 1);
    let attempt = progress.start(&bank, only, Mode::Study, 1, 0, 1).expect("starts");
    assert_eq!(attempt.questions, vec![id]);
    let unknown = Filter { ids: vec!["no-such-scenario".into()], ..Filter::default() };
    assert_eq!(unknown.count(&bank), 0);
}

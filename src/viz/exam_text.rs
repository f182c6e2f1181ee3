//! Pure text helpers of the exam page (`ui::exam`): the countdown as shown and as spoken, and numbers as
//! typed. Here, not in `ui`, so they are tested natively.

/// `mm:ss`, or `h:mm:ss` from an hour up.
pub fn clock_text(ms: u64) -> String {
    let s = ms.div_ceil(1_000);
    let (h, m, s) = (s / 3_600, (s % 3_600) / 60, s % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m:02}:{s:02}") }
}

/// What the live region says: changes once a minute, then once in the last minute.
pub fn spoken_text(ms: u64) -> String {
    match ms {
        0 => "Time is up.".into(),
        1..=59_999 => "Less than a minute left.".into(),
        _ => {
            let minutes = ms.div_ceil(60_000);
            if minutes == 1 { "1 minute left.".into() } else { format!("{minutes} minutes left.") }
        }
    }
}

/// Reads a typed number: spaces, thin spaces, `_` and thousands commas are ignored (`1,000` is 1000).
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text.chars().filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{2009}' | '\u{a0}')).collect();
    cleaned.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// The order an attempt shows a question's options in: a permutation of `0..n` drawn from `seed` (the
/// attempt's start and the scenario's id), so the same attempt always shows the same order, another attempt
/// another one. Why: the bank's authors list the correct option first; shown as written, "always pick 1"
/// would score. Answers are saved by the bank's indices, so grading does not depend on the order.
pub fn option_order(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = seed;
    // splitmix64: small, seeded, enough to shuffle a handful of options (Fisher–Yates).
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for i in (1..n).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    order
}

/// A seed for [`option_order`] from an attempt's start and a scenario id (FNV-1a over the id).
pub fn option_seed(started_ms: u64, id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325u64 ^ started_ms, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_order_is_a_reproducible_permutation_that_moves_the_first_option() {
        for n in 0..8 {
            for seed in 0..50u64 {
                let mut o = option_order(n, seed);
                assert_eq!(o, option_order(n, seed), "same seed, same order");
                o.sort_unstable();
                assert_eq!(o, (0..n).collect::<Vec<_>>(), "a permutation");
            }
        }
        // Over many attempts the bank's first option lands in every position, about evenly.
        let mut first_at = [0u32; 4];
        for started in 0..400u64 {
            let order = option_order(4, option_seed(1_800_000_000_000 + started * 1_000, "streams-write-shard-count"));
            first_at[order.iter().position(|&i| i == 0).unwrap()] += 1;
        }
        assert!(first_at.iter().all(|&c| (60..=140).contains(&c)), "{first_at:?}");
        assert_ne!(option_seed(1, "a"), option_seed(1, "b"));
        assert_ne!(option_seed(1, "a"), option_seed(2, "a"));
    }

    #[test]
    fn typed_numbers_ignore_grouping_and_refuse_junk() {
        assert_eq!(parse_number("7"), Some(7.0));
        assert_eq!(parse_number(" 1,000 "), Some(1000.0));
        assert_eq!(parse_number("79.488"), Some(79.488));
        assert_eq!(parse_number("-2.5"), Some(-2.5));
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("seven"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("NaN"), None);
    }
    #[test]
    fn the_clock_rounds_up_so_zero_means_time_is_up() {
        assert_eq!(clock_text(300_000), "05:00");
        assert_eq!(clock_text(299_001), "05:00");
        assert_eq!(clock_text(1), "00:01");
        assert_eq!(clock_text(3_600_000), "1:00:00");
        assert_eq!(clock_text(0), "00:00");
    }

    #[test]
    fn the_spoken_time_changes_once_a_minute() {
        assert_eq!(spoken_text(300_000), "5 minutes left.");
        assert_eq!(spoken_text(240_001), "5 minutes left.");
        assert_eq!(spoken_text(240_000), "4 minutes left.");
        assert_eq!(spoken_text(60_000), "1 minute left.");
        assert_eq!(spoken_text(59_999), "Less than a minute left.");
        assert_eq!(spoken_text(0), "Time is up.");
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

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

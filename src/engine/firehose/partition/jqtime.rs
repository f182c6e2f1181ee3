//! jq 1.6's date functions, in UTC and without a clock: `strftime(fmt)`, `gmtime`, `mktime`,
//! `todateiso8601`/`todate` and `fromdateiso8601` (`fromdate` is jaq's definition on top). AWS's own
//! partitioning example uses `.event_timestamp | strftime("%Y")`. Written here rather than taken from
//! jaq-std's `time` feature, which pulls in a time-zone library and its database for the browser bundle;
//! `now`, `localtime` and `strflocaltime` are left out on purpose (wall clock, local zone).
//!
//! jq 1.6 shapes: `gmtime` gives `[year, month 0–11, day, hours, minutes, seconds, weekday 0–6 (Sunday 0),
//! day of year 0–365]`; `strftime` takes that array or epoch seconds.

use jaq_core::native::{bome, run, unary, v, Filter, Fun};
use jaq_core::{Cv, Error, RunPtr, ValR, ValXs};
use jaq_json::{Num, Val};

use super::query::Data;
use crate::engine::streams::error::civil_from_days;

/// Years jq's output can hold with four digits; beyond, refused rather than printed oddly.
const MIN_YEAR: i64 = 0;
const MAX_YEAR: i64 = 9999;

/// Broken-down UTC time.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Tm {
    year: i64,
    /// 1–12
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    /// With the fraction, as jq keeps it.
    second: f64,
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

impl Tm {
    fn from_epoch(secs: f64) -> Result<Tm, String> {
        if !secs.is_finite() {
            return Err(format!("{secs} is not a valid time"));
        }
        let whole = secs.floor();
        // Keep to years 0..=9999 (about ±2.5e11 s), so every step below stays exact.
        if !(-62_167_219_200.0..=253_402_300_799.0).contains(&whole) {
            return Err("time out of range".into());
        }
        let whole = whole as i64;
        let (year, month, day) = civil_from_days(whole.div_euclid(86_400));
        let rem = whole.rem_euclid(86_400);
        Ok(Tm {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as f64 + (secs - secs.floor()),
        })
    }

    fn days(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
    }

    fn epoch(&self) -> f64 {
        (self.days() * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.minute) * 60) as f64 + self.second
    }

    /// 0 = Sunday.
    fn weekday(&self) -> i64 {
        (self.days() + 4).rem_euclid(7)
    }

    /// 0-based day of the year.
    fn yday(&self) -> i64 {
        self.days() - days_from_civil(self.year, 1, 1)
    }

    fn to_array(self) -> Val {
        let int = |i: i64| Val::Num(Num::Int(i as isize));
        [
            int(self.year),
            int(i64::from(self.month) - 1),
            int(i64::from(self.day)),
            int(i64::from(self.hour)),
            int(i64::from(self.minute)),
            Val::from(self.second),
            int(self.weekday()),
            int(self.yday()),
        ]
        .into_iter()
        .collect()
    }

    /// jq 1.6 reads the first six elements (timegm normalises out-of-range fields; this takes them
    /// through the same day arithmetic).
    fn from_array(items: &[Val]) -> Result<Tm, String> {
        let num = |i: usize| -> Result<f64, String> {
            match items.get(i) {
                Some(Val::Num(n)) => Ok(num_f64(n)),
                _ => Err("mktime requires array of 6 numbers".into()),
            }
        };
        let (y, mo, d, h, mi, s) = (num(0)?, num(1)?, num(2)?, num(3)?, num(4)?, num(5)?);
        let all = [y, mo, d, h, mi, s];
        if all.iter().any(|x| !x.is_finite() || x.abs() > 1e9) {
            return Err("mktime requires array of 6 numbers".into());
        }
        let (y, mo) = (y.floor() as i64, mo.floor() as i64);
        let year = y + mo.div_euclid(12);
        let month = (mo.rem_euclid(12) + 1) as u32;
        let base = days_from_civil(year, month, 1) + d.floor() as i64 - 1;
        let secs = base as f64 * 86_400.0 + h.floor() * 3600.0 + mi.floor() * 60.0 + s;
        Tm::from_epoch(secs)
    }

    fn strftime(&self, fmt: &str) -> Result<String, String> {
        const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
        const MONTHS: [&str; 12] = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ];
        let wd = self.weekday() as usize;
        let mon = (self.month as usize).saturating_sub(1).min(11);
        let sec = self.second.floor() as u32;
        let hour12 = if self.hour.is_multiple_of(12) { 12 } else { self.hour % 12 };
        let mut out = String::new();
        let mut chars = fmt.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let Some(spec) = chars.next() else {
                return Err("strftime format ends with a lone %".into());
            };
            let piece = match spec {
                'Y' => format!("{}", self.year),
                'C' => format!("{:02}", self.year / 100),
                'y' => format!("{:02}", self.year % 100),
                'm' => format!("{:02}", self.month),
                'd' => format!("{:02}", self.day),
                'e' => format!("{:2}", self.day),
                'H' => format!("{:02}", self.hour),
                'I' => format!("{hour12:02}"),
                'M' => format!("{:02}", self.minute),
                'S' => format!("{sec:02}"),
                'j' => format!("{:03}", self.yday() + 1),
                'a' => DAYS[wd][..3].to_string(),
                'A' => DAYS[wd].to_string(),
                'b' | 'h' => MONTHS[mon][..3].to_string(),
                'B' => MONTHS[mon].to_string(),
                'p' => (if self.hour < 12 { "AM" } else { "PM" }).to_string(),
                'u' => format!("{}", if wd == 0 { 7 } else { wd }),
                'w' => format!("{wd}"),
                'Z' => "UTC".to_string(),
                'z' => "+0000".to_string(),
                's' => format!("{}", self.epoch().floor() as i64),
                'F' => format!("{}-{:02}-{:02}", self.year, self.month, self.day),
                'T' => format!("{:02}:{:02}:{sec:02}", self.hour, self.minute),
                'R' => format!("{:02}:{:02}", self.hour, self.minute),
                'D' => format!("{:02}/{:02}/{:02}", self.month, self.day, self.year % 100),
                'c' => format!(
                    "{} {} {:2} {:02}:{:02}:{sec:02} {}",
                    &DAYS[wd][..3],
                    &MONTHS[mon][..3],
                    self.day,
                    self.hour,
                    self.minute,
                    self.year
                ),
                'n' => "\n".to_string(),
                't' => "\t".to_string(),
                '%' => "%".to_string(),
                other => return Err(format!("strftime conversion %{other} is not supported by the simulator")),
            };
            out.push_str(&piece);
        }
        Ok(out)
    }

    fn iso8601(&self) -> Result<String, String> {
        self.strftime("%Y-%m-%dT%H:%M:%SZ")
    }
}

fn num_f64(n: &Num) -> f64 {
    match n {
        Num::Int(i) => *i as f64,
        Num::Float(f) => *f,
        Num::BigInt(b) => b.to_string().parse().unwrap_or(f64::NAN),
        Num::Dec(s) => s.parse().unwrap_or(f64::NAN),
    }
}

fn time_of(v: &Val) -> Result<Tm, String> {
    match v {
        Val::Num(n) => Tm::from_epoch(num_f64(n)),
        Val::Arr(items) => Tm::from_array(items),
        _ => Err("strftime/1 requires parsed datetime inputs".into()),
    }
}

fn err(message: String) -> Error<Val> {
    Error::str(message)
}

fn strftime<'a>(cv: Cv<'a, Data>) -> ValXs<'a, Val> {
    unary(cv, |v, fmt| -> ValR<Val> {
        let Val::TStr(fmt) = fmt else {
            return Err(err("strftime/1 requires a string format".into()));
        };
        let fmt = String::from_utf8_lossy(&fmt).into_owned();
        let tm = time_of(&v).map_err(err)?;
        tm.strftime(&fmt).map(Val::from).map_err(err)
    })
}

fn gmtime<'a>(cv: Cv<'a, Data>) -> ValXs<'a, Val> {
    bome(match &cv.1 {
        Val::Num(n) => Tm::from_epoch(num_f64(n)).map(Tm::to_array).map_err(err),
        _ => Err(err("gmtime() requires a number".into())),
    })
}

fn mktime<'a>(cv: Cv<'a, Data>) -> ValXs<'a, Val> {
    bome(match &cv.1 {
        Val::Arr(items) => Tm::from_array(items)
            .map(|tm| Val::Num(Num::Int(tm.epoch().floor() as isize)))
            .map_err(err),
        _ => Err(err("mktime requires array of 6 numbers".into())),
    })
}

fn todateiso8601<'a>(cv: Cv<'a, Data>) -> ValXs<'a, Val> {
    bome(time_of(&cv.1).and_then(|tm| tm.iso8601()).map(Val::from).map_err(err))
}

/// `YYYY-MM-DDTHH:MM:SSZ`, the only form jq 1.6 reads.
fn parse_iso8601(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d, h, mi, se) = (n(0..4)?, n(5..7)?, n(8..10)?, n(11..13)?, n(14..16)?, n(17..19)?);
    let month_days = [31, if is_leap(y) { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&mo) || d < 1 || d > month_days[(mo - 1) as usize] || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return None;
    }
    Some(days_from_civil(y, mo as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + se)
}

fn fromdateiso8601<'a>(cv: Cv<'a, Data>) -> ValXs<'a, Val> {
    bome(match &cv.1 {
        Val::TStr(s) => {
            let text = String::from_utf8_lossy(s);
            parse_iso8601(&text)
                .map(|secs| Val::Num(Num::Int(secs as isize)))
                .ok_or_else(|| err(format!("date \"{text}\" does not match format \"%Y-%m-%dT%H:%M:%SZ\"")))
        }
        _ => Err(err("strptime/1 requires string inputs and arguments".into())),
    })
}

/// The date natives, for the compiler.
pub(super) fn funs() -> impl Iterator<Item = Fun<Data>> {
    let fs: Vec<Filter<RunPtr<Data>>> = vec![
        ("strftime", v(1), strftime as RunPtr<Data>),
        ("gmtime", v(0), gmtime as RunPtr<Data>),
        ("mktime", v(0), mktime as RunPtr<Data>),
        ("todateiso8601", v(0), todateiso8601 as RunPtr<Data>),
        ("todate", v(0), todateiso8601 as RunPtr<Data>),
        ("fromdateiso8601", v(0), fromdateiso8601 as RunPtr<Data>),
    ];
    fs.into_iter().map(run::<Data>)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_example_timestamp() {
        // The partitioning-keys page's record: "event_timestamp": 1565382027 → 2019-08-09T20:20:27Z.
        let tm = Tm::from_epoch(1_565_382_027.0).unwrap();
        assert_eq!(tm.strftime("%Y/%m/%d/%H").unwrap(), "2019/08/09/20");
        assert_eq!(tm.iso8601().unwrap(), "2019-08-09T20:20:27Z");
        assert_eq!(tm.strftime("%a %A %b %B %j %u %w %e %s").unwrap(), "Fri Friday Aug August 221 5 5  9 1565382027");
        assert_eq!(parse_iso8601("2019-08-09T20:20:27Z"), Some(1_565_382_027));
        let arr = tm.to_array();
        let Val::Arr(items) = arr else { panic!("array") };
        assert_eq!(Tm::from_array(&items).unwrap().epoch(), 1_565_382_027.0);
    }

    #[test]
    fn refuses_out_of_range() {
        assert!(Tm::from_epoch(1e300).is_err());
        assert!(Tm::from_epoch(f64::NAN).is_err());
        assert!(parse_iso8601("2019-02-30T00:00:00Z").is_none());
        assert!(Tm::from_epoch(0.0).unwrap().strftime("%Q").is_err());
    }
}

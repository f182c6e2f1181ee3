//! Dates and timestamps as the two JSON deserializers read them. All times are UTC.
//!
//! OpenX (Firehose developer guide, "Choose the JSON deserializer"): `yyyy-MM-dd'T'HH:mm:ss[.S]'Z'` and
//! `yyyy-[M]M-[d]d HH:mm:ss[.S]` with up to 9 fraction digits, epoch seconds, epoch milliseconds and
//! floating-point epoch seconds. Hive (API reference, HiveJsonSerDe TimestampFormats): Joda-Time patterns
//! or `millis`, and by default `java.sql.Timestamp::valueOf`.

/// Nanoseconds per second and per day.
pub const NANOS_PER_SECOND: i128 = 1_000_000_000;
pub const NANOS_PER_DAY: i128 = 86_400 * NANOS_PER_SECOND;
/// An integer epoch value at or above this magnitude is read as milliseconds, below it as seconds
/// (10^11 s is the year 5138; 10^11 ms is 1973). How OpenX tells the two apart is not documented:
/// this threshold is our choice. Not AWS-verified.
pub const EPOCH_MILLIS_THRESHOLD: i64 = 100_000_000_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Fields read from a text, checked and turned into epoch nanoseconds.
#[derive(Default)]
struct Fields {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    offset_seconds: i64,
}

impl Fields {
    fn epoch_nanos(&self) -> Option<i128> {
        if !(1..=12).contains(&self.month) || self.day == 0 || self.day > days_in_month(self.year, self.month) {
            return None;
        }
        if self.hour > 23 || self.minute > 59 || self.second > 59 {
            return None;
        }
        let days = i128::from(days_from_civil(self.year, self.month, self.day));
        let seconds = i128::from(self.hour * 3600 + self.minute * 60 + self.second) - i128::from(self.offset_seconds);
        Some(days * NANOS_PER_DAY + seconds * NANOS_PER_SECOND + i128::from(self.nanos))
    }
}

struct Cursor<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor { text: text.as_bytes(), pos: 0 }
    }
    fn done(&self) -> bool {
        self.pos == self.text.len()
    }
    fn literal(&mut self, c: u8) -> Option<()> {
        (self.text.get(self.pos) == Some(&c)).then(|| self.pos += 1)
    }
    /// Reads between `min` and `max` digits (greedy).
    fn digits(&mut self, min: usize, max: usize) -> Option<(u64, usize)> {
        let start = self.pos;
        let mut value: u64 = 0;
        while self.pos - start < max && self.pos < self.text.len() && self.text[self.pos].is_ascii_digit() {
            value = value * 10 + u64::from(self.text[self.pos] - b'0');
            self.pos += 1;
        }
        let count = self.pos - start;
        (count >= min).then_some((value, count))
    }
    /// A fraction of 1 to 9 digits, as nanoseconds.
    fn fraction(&mut self) -> Option<u32> {
        let (value, count) = self.digits(1, 9)?;
        Some((value * 10u64.pow((9 - count) as u32)) as u32)
    }
}

/// `yyyy-[M]M-[d]d` as `java.sql.Date.valueOf` reads it: days since the epoch.
pub fn parse_date(text: &str) -> Option<i32> {
    let mut c = Cursor::new(text);
    let f = read_date(&mut c)?;
    if !c.done() {
        return None;
    }
    let nanos = f.epoch_nanos()?;
    i32::try_from(nanos.div_euclid(NANOS_PER_DAY)).ok()
}

fn read_date(c: &mut Cursor) -> Option<Fields> {
    let (year, _) = c.digits(4, 4)?;
    c.literal(b'-')?;
    let (month, _) = c.digits(1, 2)?;
    c.literal(b'-')?;
    let (day, _) = c.digits(1, 2)?;
    Some(Fields { year: year as i64, month: month as u32, day: day as u32, ..Fields::default() })
}

fn read_time(c: &mut Cursor, f: &mut Fields) -> Option<()> {
    f.hour = c.digits(2, 2)?.0 as u32;
    c.literal(b':')?;
    f.minute = c.digits(2, 2)?.0 as u32;
    c.literal(b':')?;
    f.second = c.digits(2, 2)?.0 as u32;
    if c.literal(b'.').is_some() {
        f.nanos = c.fraction()?;
    }
    Some(())
}

/// `java.sql.Timestamp::valueOf`: `yyyy-[M]M-[d]d HH:mm:ss[.f...]`, fraction up to 9 digits.
pub fn parse_sql_timestamp(text: &str) -> Option<i128> {
    let mut c = Cursor::new(text);
    let mut f = read_date(&mut c)?;
    c.literal(b' ')?;
    read_time(&mut c, &mut f)?;
    c.done().then_some(())?;
    f.epoch_nanos()
}

/// `yyyy-MM-dd'T'HH:mm:ss[.S]'Z'`, fraction up to 9 digits.
fn parse_iso_utc(text: &str) -> Option<i128> {
    let mut c = Cursor::new(text);
    let mut f = read_date(&mut c)?;
    c.literal(b'T')?;
    read_time(&mut c, &mut f)?;
    c.literal(b'Z')?;
    c.done().then_some(())?;
    f.epoch_nanos()
}

/// An integer epoch value: seconds below `EPOCH_MILLIS_THRESHOLD`, milliseconds from it on.
pub fn epoch_integer_nanos(value: i64) -> i128 {
    if value.unsigned_abs() >= EPOCH_MILLIS_THRESHOLD as u64 {
        i128::from(value) * 1_000_000
    } else {
        i128::from(value) * NANOS_PER_SECOND
    }
}

/// Floating-point epoch seconds (`1518033528.123`), from its decimal text so no digits are lost to f64.
pub fn epoch_decimal_seconds_nanos(text: &str) -> Option<i128> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = body.split_once('.')?;
    if whole.is_empty() || whole.len() > 12 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if fraction.is_empty() || fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: i128 = whole.parse().ok()?;
    let nanos: i128 = fraction.parse::<i128>().ok()? * 10i128.pow(9 - fraction.len() as u32);
    let total = seconds * NANOS_PER_SECOND + nanos;
    Some(if negative { -total } else { total })
}

/// OpenX's timestamp text forms (the numeric forms are handled by the caller from the JSON number).
pub fn parse_openx_timestamp_text(text: &str) -> Option<i128> {
    if let Some(nanos) = parse_iso_utc(text).or_else(|| parse_sql_timestamp(text)) {
        return Some(nanos);
    }
    if let Ok(integer) = text.parse::<i64>() {
        return Some(epoch_integer_nanos(integer));
    }
    epoch_decimal_seconds_nanos(text)
}

/// One piece of a compiled Joda-Time pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Year(usize),
    Month(usize),
    Day(usize),
    Hour(usize),
    Minute(usize),
    Second(usize),
    Fraction(usize),
    /// `Z`: +HHmm; `ZZ`: +HH:mm (also accepts a literal `Z` for UTC, as Joda does).
    Offset(bool),
    Literal(String),
}

/// A Hive `TimestampFormats` entry: a Joda-Time pattern (the subset below), or `millis`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimestampFormat {
    Millis,
    Pattern(Vec<Token>),
}

impl TimestampFormat {
    /// Compiles a pattern. Supported letters: `y` year, `M` month (numeric), `d` day, `H` hour of day,
    /// `m` minute, `s` second, `S` fraction, `Z` offset; text in single quotes; any other non-letter is
    /// literal. Month or day names (`MMM`, `E`), 12-hour clocks (`h`, `a`) and others are refused.
    pub fn compile(pattern: &str) -> Result<TimestampFormat, String> {
        if pattern == "millis" {
            return Ok(TimestampFormat::Millis);
        }
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let ch = chars[i];
            if ch == '\'' {
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(format!("unclosed quote in timestamp format '{pattern}'")),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            text.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(c) => {
                            text.push(*c);
                            i += 1;
                        }
                    }
                }
                if text.is_empty() {
                    text.push('\'');
                }
                tokens.push(Token::Literal(text));
                continue;
            }
            let run = chars[i..].iter().take_while(|c| **c == ch).count();
            let token = match ch {
                'y' => Token::Year(run),
                'M' if run <= 2 => Token::Month(run),
                'd' if run <= 2 => Token::Day(run),
                'H' if run <= 2 => Token::Hour(run),
                'm' if run <= 2 => Token::Minute(run),
                's' if run <= 2 => Token::Second(run),
                'S' if run <= 9 => Token::Fraction(run),
                'Z' if run <= 2 => Token::Offset(run == 2),
                c if c.is_ascii_alphabetic() => {
                    return Err(format!(
                        "timestamp format '{pattern}': pattern letters '{}' are not supported by this simulator",
                        chars[i..i + run].iter().collect::<String>()
                    ))
                }
                c => Token::Literal(std::iter::repeat_n(c, run).collect()),
            };
            tokens.push(token);
            i += run;
        }
        Ok(TimestampFormat::Pattern(tokens))
    }

    /// Reads a text with this format; None when it does not match.
    pub fn parse_text(&self, text: &str) -> Option<i128> {
        match self {
            TimestampFormat::Millis => text.parse::<i64>().ok().map(|ms| i128::from(ms) * 1_000_000),
            TimestampFormat::Pattern(tokens) => {
                let mut c = Cursor::new(text);
                let mut f = Fields { month: 1, day: 1, year: 1970, ..Fields::default() };
                for token in tokens {
                    match token {
                        // At most 9 digits: enough for any year, and no overflow on long runs of `y`.
                        Token::Year(width) => f.year = c.digits(1, (*width).clamp(4, 9))?.0 as i64,
                        Token::Month(_) => f.month = c.digits(1, 2)?.0 as u32,
                        Token::Day(_) => f.day = c.digits(1, 2)?.0 as u32,
                        Token::Hour(_) => f.hour = c.digits(1, 2)?.0 as u32,
                        Token::Minute(_) => f.minute = c.digits(1, 2)?.0 as u32,
                        Token::Second(_) => f.second = c.digits(1, 2)?.0 as u32,
                        Token::Fraction(_) => f.nanos = c.fraction()?,
                        Token::Offset(colon) => f.offset_seconds = read_offset(&mut c, *colon)?,
                        Token::Literal(lit) => {
                            for b in lit.bytes() {
                                c.literal(b)?;
                            }
                        }
                    }
                }
                c.done().then_some(())?;
                f.epoch_nanos()
            }
        }
    }
}

fn read_offset(c: &mut Cursor, colon: bool) -> Option<i64> {
    if c.literal(b'Z').is_some() {
        return Some(0);
    }
    let sign = if c.literal(b'+').is_some() {
        1
    } else {
        c.literal(b'-')?;
        -1
    };
    let hours = c.digits(2, 2)?.0 as i64;
    if colon {
        c.literal(b':')?;
    }
    let minutes = c.digits(2, 2)?.0 as i64;
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60))
}

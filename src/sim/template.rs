//! Record templates in the manner of the Kinesis Data Generator (KDG): free text (usually JSON) with
//! faker.js-style `{{...}}` placeholders, e.g. `{"id": {{sequence}}, "temp": {{random.float(10,40,1)}}}`.
//!
//! A template is parsed once into parts; rendering then only draws from the producer's seeded RNG, so the
//! same seed, sequence counter and simulated time always give the same text. Arguments are written as in
//! faker.js, where they are JSON: `random.number(100)`, `random.number({"min":1,"max":100})`,
//! `random.arrayElement(["a","b"])`.

use rand::Rng;
use serde_json::Value;

use crate::engine::time::{EpochMillis, MILLIS_PER_DAY, MILLIS_PER_SECOND};

/// The longest template accepted, in characters: a rendered record must fit a 1 MiB Kinesis record
/// anyway (FACTS.md §1 "Writes"), so a longer template could never be sent.
pub const MAX_TEMPLATE_CHARS: usize = 1024 * 1024;
/// faker.js's `random.number()` with no arguments draws from 0..=99999.
pub const FAKER_DEFAULT_MAX: i64 = 99_999;
/// Decimals a float field may ask for (beyond this, f64 has nothing meaningful left to print).
pub const MAX_DECIMALS: u32 = 10;
/// Longest `random.alphaNumeric(n)`: one default-size Kinesis record (FACTS.md §1 "Writes").
pub const MAX_ALPHANUMERIC_CHARS: u64 = 1024 * 1024;
/// Most distinct values `random.number({"precision": ...})` may step through (keeps arithmetic exact).
const MAX_PRECISION_STEPS: f64 = 1e12;

/// Small built-in word lists (the browser build carries no faker locale data).
const WORDS: &[&str] = &[
    "alpha", "bravo", "canyon", "delta", "ember", "falcon", "glacier", "harbor", "island", "jungle", "kernel",
    "lantern", "meadow", "nebula", "orbit", "prairie", "quartz", "river", "summit", "tundra", "umbra",
    "valley", "willow", "xenon", "yonder", "zephyr",
];
const FIRST_NAMES: &[&str] = &[
    "Ada", "Alan", "Amara", "Bruno", "Chen", "Dara", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Linus", "Maya", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen", "Yara",
];
const LAST_NAMES: &[&str] = &[
    "Almeida", "Baker", "Cohen", "Diallo", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova", "Jensen",
    "Kowalski", "Lopez", "Mensah", "Nakamura", "Okafor", "Patel", "Rossi", "Silva", "Tanaka", "Novak",
];
const ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// Why a template does not parse. Offsets count characters from the start of the template (0-based) and
/// point at the `{{` of the placeholder at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// A `{{` with no `}}` after it.
    Unclosed { offset: usize },
    /// `{{}}` or `{{   }}`.
    EmptyPlaceholder { offset: usize },
    /// The placeholder is not `name` or `name(arguments)`.
    Syntax { offset: usize, reason: String },
    /// A name this generator does not know.
    UnknownField { offset: usize, name: String },
    /// A known field with arguments it cannot take.
    BadArguments { offset: usize, field: String, reason: String },
    /// The whole template is longer than `MAX_TEMPLATE_CHARS`.
    TooLong { chars: usize },
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateError::Unclosed { offset } => write!(f, "at offset {offset}: '{{{{' is never closed by '}}}}'"),
            TemplateError::EmptyPlaceholder { offset } => write!(f, "at offset {offset}: empty placeholder '{{{{}}}}'"),
            TemplateError::Syntax { offset, reason } => write!(f, "at offset {offset}: {reason}"),
            TemplateError::UnknownField { offset, name } => {
                write!(f, "at offset {offset}: unknown field '{name}' (known: {})", KNOWN_FIELDS.join(", "))
            }
            TemplateError::BadArguments { offset, field, reason } => write!(f, "at offset {offset}: {field}: {reason}"),
            TemplateError::TooLong { chars } => {
                write!(f, "the template has {chars} characters; at most {MAX_TEMPLATE_CHARS} are allowed")
            }
        }
    }
}

impl std::error::Error for TemplateError {}

/// Every field name the parser accepts (shown in the unknown-field message).
pub const KNOWN_FIELDS: &[&str] = &[
    "random.number",
    "random.float",
    "random.arrayElement",
    "random.boolean",
    "random.uuid",
    "random.word",
    "random.alphaNumeric",
    "lorem.word",
    "name.firstName",
    "name.lastName",
    "sequence",
    "date.now",
    "date.epoch",
];

/// One compiled placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// An integer drawn uniformly from `min..=max`.
    Integer { min: i64, max: i64 },
    /// `min + k·step` for k uniform in `0..=steps`, printed with `decimals` (faker's `precision`).
    Stepped { min: f64, step: f64, steps: u64, decimals: u32 },
    /// A float uniform in `[min, max]`, rounded to `decimals`.
    Float { min: f64, max: f64, decimals: u32 },
    /// One of the given values, as text (strings without their quotes, anything else as JSON).
    Choice(Vec<String>),
    Boolean,
    Uuid,
    Word,
    FirstName,
    LastName,
    AlphaNumeric { chars: u64 },
    /// The producer's record counter plus `start`.
    Sequence { start: i64 },
    /// Simulated time, ISO 8601 UTC with milliseconds.
    DateNow,
    /// Simulated time in epoch milliseconds.
    DateEpoch,
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Field(Field),
}

/// What a render may depend on besides the RNG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderContext {
    /// How many records this producer generated before this one (0 for the first).
    pub record_index: u64,
    /// The simulated time of the record.
    pub now_ms: EpochMillis,
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

impl Template {
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        let chars = source.chars().count();
        if chars > MAX_TEMPLATE_CHARS {
            return Err(TemplateError::TooLong { chars });
        }
        let mut parts = Vec::new();
        let mut rest = source;
        let mut consumed_chars = 0usize;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let offset = consumed_chars + rest[..open].chars().count();
            let inner_start = open + 2;
            let (field, len) = parse_placeholder(&rest[inner_start..], offset)?;
            parts.push(Part::Field(field));
            let next = inner_start + len;
            consumed_chars += rest[..next].chars().count();
            rest = &rest[next..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { source: source.to_string(), parts })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The compiled placeholders, in order.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.parts.iter().filter_map(|p| match p {
            Part::Field(f) => Some(f),
            Part::Text(_) => None,
        })
    }

    /// Appends one rendering to `out`.
    pub fn render_into<R: Rng + ?Sized>(&self, rng: &mut R, ctx: RenderContext, out: &mut String) {
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Field(f) => render_field(f, rng, ctx, out),
            }
        }
    }

    pub fn render<R: Rng + ?Sized>(&self, rng: &mut R, ctx: RenderContext) -> String {
        let mut out = String::with_capacity(self.source.len() + 16);
        self.render_into(rng, ctx, &mut out);
        out
    }
}

/// Parses what follows a `{{`: `name`, optionally `(args)`, then `}}`. Returns the field and the number
/// of bytes consumed including the closing braces.
fn parse_placeholder(text: &str, offset: usize) -> Result<(Field, usize), TemplateError> {
    let bytes = text.as_bytes();
    let mut i = skip_ws(bytes, 0);
    let name_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.' || bytes[i] == b'_') {
        i += 1;
    }
    let name = &text[name_start..i];
    if name.is_empty() {
        return Err(match text[i..].starts_with("}}") {
            true => TemplateError::EmptyPlaceholder { offset },
            false if !text.contains("}}") => TemplateError::Unclosed { offset },
            false => TemplateError::Syntax { offset, reason: "expected a field name such as random.number".into() },
        });
    }
    i = skip_ws(bytes, i);
    let mut args: Option<&str> = None;
    if i < bytes.len() && bytes[i] == b'(' {
        let close = matching_paren(bytes, i).ok_or_else(|| match text.contains("}}") {
            true => TemplateError::Syntax { offset, reason: format!("'(' after {name} is never closed by ')'") },
            false => TemplateError::Unclosed { offset },
        })?;
        args = Some(&text[i + 1..close]);
        i = skip_ws(bytes, close + 1);
    }
    if !text[i..].starts_with("}}") {
        return Err(match text[i..].contains("}}") {
            true => TemplateError::Syntax { offset, reason: format!("unexpected text after {name}; expected '}}}}'") },
            false => TemplateError::Unclosed { offset },
        });
    }
    let args = match args {
        None => Vec::new(),
        Some(a) if a.trim().is_empty() => Vec::new(),
        Some(a) => serde_json::from_str::<Vec<Value>>(&format!("[{a}]")).map_err(|e| TemplateError::BadArguments {
            offset,
            field: name.to_string(),
            reason: format!("arguments must be JSON values separated by commas ({e})"),
        })?,
    };
    let field = compile_field(name, &args).map_err(|reason| match reason {
        FieldProblem::Unknown => TemplateError::UnknownField { offset, name: name.to_string() },
        FieldProblem::Args(reason) => TemplateError::BadArguments { offset, field: name.to_string(), reason },
    })?;
    Ok((field, i + 2))
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Index of the `)` that closes the `(` at `open`, skipping brackets and JSON strings inside.
fn matching_paren(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return (b == b')').then_some(i);
                }
            }
            _ => {}
        }
    }
    None
}

enum FieldProblem {
    Unknown,
    Args(String),
}

fn compile_field(name: &str, args: &[Value]) -> Result<Field, FieldProblem> {
    let no_args = |field: Field| match args.is_empty() {
        true => Ok(field),
        false => Err(FieldProblem::Args("takes no arguments".into())),
    };
    match name {
        "random.number" => compile_number(args).map_err(FieldProblem::Args),
        "random.float" => compile_float(args).map_err(FieldProblem::Args),
        "random.arrayElement" => compile_choice(args).map_err(FieldProblem::Args),
        "random.boolean" => no_args(Field::Boolean),
        "random.uuid" => no_args(Field::Uuid),
        "random.word" | "lorem.word" => no_args(Field::Word),
        "name.firstName" => no_args(Field::FirstName),
        "name.lastName" => no_args(Field::LastName),
        "random.alphaNumeric" => {
            let chars = match args {
                [] => 1,
                [n] => n.as_u64().filter(|n| *n <= MAX_ALPHANUMERIC_CHARS).ok_or_else(|| {
                    FieldProblem::Args(format!("the length must be a whole number from 0 to {MAX_ALPHANUMERIC_CHARS}"))
                })?,
                _ => return Err(FieldProblem::Args("takes one argument, the length".into())),
            };
            Ok(Field::AlphaNumeric { chars })
        }
        "sequence" => match args {
            [] => Ok(Field::Sequence { start: 1 }),
            [start] => whole(start)
                .map(|start| Field::Sequence { start })
                .ok_or_else(|| FieldProblem::Args("the start must be a whole number".into())),
            _ => Err(FieldProblem::Args("takes at most one argument, the first value".into())),
        },
        "date.now" => match args.is_empty() {
            true => Ok(Field::DateNow),
            false => Err(FieldProblem::Args("formats are not supported; date.now renders ISO 8601 UTC".into())),
        },
        "date.epoch" => no_args(Field::DateEpoch),
        _ => Err(FieldProblem::Unknown),
    }
}

/// A JSON number that is a whole number within i64.
fn whole(v: &Value) -> Option<i64> {
    if let Some(i) = v.as_i64() {
        return Some(i);
    }
    let f = v.as_f64()?;
    // ±2^63 are exactly representable; anything outside would not convert losslessly.
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    (f.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&f)).then_some(f as i64)
}

fn finite(v: &Value, what: &str) -> Result<f64, String> {
    v.as_f64().filter(|f| f.is_finite()).ok_or_else(|| format!("{what} must be a number"))
}

fn integer_range(min: i64, max: i64) -> Result<Field, String> {
    match min <= max {
        true => Ok(Field::Integer { min, max }),
        false => Err(format!("min ({min}) is greater than max ({max})")),
    }
}

/// `random.number()`, `(max)`, `(min, max)` or `({"min":…, "max":…, "precision":…})`.
fn compile_number(args: &[Value]) -> Result<Field, String> {
    let whole_arg = |v: &Value, what: &str| whole(v).ok_or_else(|| format!("{what} must be a whole number"));
    match args {
        [] => integer_range(0, FAKER_DEFAULT_MAX),
        [Value::Object(o)] => {
            for key in o.keys() {
                if !matches!(key.as_str(), "min" | "max" | "precision") {
                    return Err(format!("unknown option \"{key}\" (use min, max, precision)"));
                }
            }
            match o.get("precision") {
                None => {
                    let min = o.get("min").map(|v| whole_arg(v, "min")).transpose()?.unwrap_or(0);
                    let max = o.get("max").map(|v| whole_arg(v, "max")).transpose()?.unwrap_or(FAKER_DEFAULT_MAX);
                    integer_range(min, max)
                }
                Some(p) => {
                    let step = finite(p, "precision")?;
                    let min = o.get("min").map(|v| finite(v, "min")).transpose()?.unwrap_or(0.0);
                    let max = o.get("max").map(|v| finite(v, "max")).transpose()?.unwrap_or(FAKER_DEFAULT_MAX as f64);
                    stepped(min, max, step)
                }
            }
        }
        [max] => integer_range(0, whole_arg(max, "max")?),
        [min, max] => integer_range(whole_arg(min, "min")?, whole_arg(max, "max")?),
        _ => Err("takes (max), (min, max) or ({\"min\":…,\"max\":…})".into()),
    }
}

fn stepped(min: f64, max: f64, step: f64) -> Result<Field, String> {
    if step <= 0.0 {
        return Err("precision must be greater than 0".into());
    }
    if min > max {
        return Err(format!("min ({min}) is greater than max ({max})"));
    }
    let steps = ((max - min) / step + 1e-9).floor();
    if !(0.0..=MAX_PRECISION_STEPS).contains(&steps) {
        return Err(format!("too many steps of {step} between {min} and {max}"));
    }
    Ok(Field::Stepped { min, step, steps: steps as u64, decimals: decimals_of(step) })
}

/// Decimal places needed to print multiples of `step` (0.01 → 2), capped at MAX_DECIMALS.
fn decimals_of(step: f64) -> u32 {
    (0..=MAX_DECIMALS)
        .find(|d| {
            let scaled = step * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-9 * scaled.abs().max(1.0)
        })
        .unwrap_or(MAX_DECIMALS)
}

/// `random.float(min, max)` or `(min, max, decimals)`; decimals default to 2.
fn compile_float(args: &[Value]) -> Result<Field, String> {
    let (min, max, decimals) = match args {
        [min, max] => (finite(min, "min")?, finite(max, "max")?, 2),
        [min, max, d] => {
            let d = d.as_u64().filter(|d| *d <= MAX_DECIMALS as u64).ok_or_else(|| {
                format!("decimals must be a whole number from 0 to {MAX_DECIMALS}")
            })?;
            (finite(min, "min")?, finite(max, "max")?, d as u32)
        }
        _ => return Err("takes (min, max) or (min, max, decimals)".into()),
    };
    if min > max {
        return Err(format!("min ({min}) is greater than max ({max})"));
    }
    Ok(Field::Float { min, max, decimals })
}

fn compile_choice(args: &[Value]) -> Result<Field, String> {
    match args {
        [Value::Array(items)] if !items.is_empty() => Ok(Field::Choice(
            items
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
        )),
        [Value::Array(_)] => Err("the array is empty".into()),
        _ => Err("takes one JSON array, e.g. random.arrayElement([\"a\",\"b\"])".into()),
    }
}

fn render_field<R: Rng + ?Sized>(field: &Field, rng: &mut R, ctx: RenderContext, out: &mut String) {
    use std::fmt::Write;
    // `write!` into a String cannot fail; the results are ignored for that reason.
    match field {
        Field::Integer { min, max } => {
            let _ = write!(out, "{}", rng.random_range(*min..=*max));
        }
        Field::Stepped { min, step, steps, decimals } => {
            let k = rng.random_range(0..=*steps);
            let _ = write!(out, "{:.*}", *decimals as usize, min + step * k as f64);
        }
        Field::Float { min, max, decimals } => {
            let x = min + (max - min) * rng.random::<f64>();
            let _ = write!(out, "{:.*}", *decimals as usize, x.clamp(*min, *max));
        }
        Field::Choice(items) => out.push_str(&items[rng.random_range(0..items.len())]),
        Field::Boolean => out.push_str(if rng.random::<bool>() { "true" } else { "false" }),
        Field::Uuid => out.push_str(&uuid_v4(rng)),
        Field::Word => out.push_str(WORDS[rng.random_range(0..WORDS.len())]),
        Field::FirstName => out.push_str(FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())]),
        Field::LastName => out.push_str(LAST_NAMES[rng.random_range(0..LAST_NAMES.len())]),
        Field::AlphaNumeric { chars } => {
            out.reserve(*chars as usize);
            for _ in 0..*chars {
                out.push(ALPHANUMERIC[rng.random_range(0..ALPHANUMERIC.len())] as char);
            }
        }
        Field::Sequence { start } => {
            let _ = write!(out, "{}", i128::from(*start) + i128::from(ctx.record_index));
        }
        Field::DateNow => out.push_str(&iso8601_millis(ctx.now_ms)),
        Field::DateEpoch => {
            let _ = write!(out, "{}", ctx.now_ms);
        }
    }
}

/// A version-4 UUID from the given RNG (RFC 9562 layout: version nibble 4, variant bits 10).
pub fn uuid_v4<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut b: [u8; 16] = rng.random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    // Written digit by digit: this runs once per record for random keys, so it avoids format!.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[(byte >> 4) as usize] as char);
        out.push(HEX[(byte & 0x0f) as usize] as char);
    }
    out
}

/// `2026-01-01T00:00:00.000Z` for an epoch-millisecond instant (proleptic Gregorian, UTC).
pub fn iso8601_millis(ms: EpochMillis) -> String {
    let days = (ms / MILLIS_PER_DAY) as i64;
    let ms_of_day = ms % MILLIS_PER_DAY;
    let (y, m, d) = civil_from_days(days);
    let secs = ms_of_day / MILLIS_PER_SECOND;
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60,
        ms_of_day % MILLIS_PER_SECOND
    )
}

/// Days since 1970-01-01 to (year, month, day): H. Hinnant's `civil_from_days` algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    fn ctx() -> RenderContext {
        RenderContext { record_index: 0, now_ms: 0 }
    }

    #[test]
    fn dates_render_in_utc() {
        assert_eq!(iso8601_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601_millis(1_767_225_600_000), "2026-01-01T00:00:00.000Z");
        assert_eq!(iso8601_millis(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(iso8601_millis(1_767_225_599_999), "2025-12-31T23:59:59.999Z");
    }

    #[test]
    fn offsets_count_characters() {
        let e = Template::parse("é{{nope}}").unwrap_err();
        assert_eq!(e, TemplateError::UnknownField { offset: 1, name: "nope".into() });
        assert_eq!(Template::parse("ab{{random.uuid").unwrap_err(), TemplateError::Unclosed { offset: 2 });
        assert_eq!(Template::parse("{{ }}").unwrap_err(), TemplateError::EmptyPlaceholder { offset: 0 });
    }

    #[test]
    fn nested_json_arguments_parse() {
        let t = Template::parse(r#"{{random.arrayElement([{"a":"}}"},2])}}"#).unwrap();
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let out = t.render(&mut rng, ctx());
        assert!(out == r#"{"a":"}}"}"# || out == "2", "{out}");
    }
}

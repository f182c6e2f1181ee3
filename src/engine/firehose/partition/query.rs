//! The MetadataExtraction query: a jq 1.6 program run on each JSON record, whose value must be an object
//! of partition keys (AWS's form: `{customer_id: .customer_id, device: .type.device}`).
//!
//! Run on jaq (jaq-core/jaq-std/jaq-json 3.x), with these differences from jq 1.6 that show in keys:
//! - numbers are read as jq 1.6 holds them (doubles; integers exact up to 2^53), so `tostring` of `1.0`
//!   is `1` as in jq 1.6; key values are printed as jq 1.6 prints numbers (see `render.rs`);
//! - dates are UTC only (`strftime`, `gmtime`, `mktime`, `todate`, `fromdate`); no `now`, no regular
//!   expressions, no `@formats`;
//! - a record nested deeper than 256 levels is refused as jq 1.6 refuses it ("Exceeds depth limit for
//!   parsing").
//!
//! Bounded by construction (`analyze.rs`): per record at most 64 values, 100,000 term evaluations and
//! intermediate values of at most 16 MiB (checked against the record's size before running).

use jaq_core::load::lex::{Expect as LexExpect, Lexer};
use jaq_core::load::parse::{Parser, Term};
use jaq_core::load::{self, Arena, File, Loader};
use jaq_core::native::{bome, run, v, Filter as NativeFilter, Fun};
use jaq_core::{data, Compiler, Ctx, Error, RunPtr, Vars};
use jaq_json::{Num, Val};

use super::analyze::{Analyzer, Bound, Cost, MAX_OUTPUTS};
use super::render::render_jq_number;
use super::{PartitionError, PartitionKeys, PROCESSOR_PARAMETER_VALUE_MAX_CHARS};

/// The data kind jaq runs the query on.
pub(super) type Data = data::JustLut<Val>;
type Program = jaq_core::compile::Filter<jaq_core::Native<Data>>;

/// jq 1.6 refuses JSON nested deeper than this (`MAX_PARSING_DEPTH` in jq 1.6's `jv_parse.c`); it also
/// keeps the JSON reader's recursion small.
pub const MAX_JSON_DEPTH: usize = 256;

/// A compiled MetadataExtraction query.
#[derive(Clone)]
pub struct PartitionQuery {
    source: String,
    /// Shared: jaq's compiled program is not `Clone`, and the query is cloned with the stream's config.
    program: std::sync::Arc<Program>,
    peak: Bound,
    static_keys: Option<std::collections::BTreeSet<String>>,
}

impl std::fmt::Debug for PartitionQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartitionQuery").field("source", &self.source).finish_non_exhaustive()
    }
}

impl PartialEq for PartitionQuery {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// Natives that jaq-std's definitions refer to but that come with features left out here (regular
/// expressions, math, formats, logging): defined so the definitions compile, never reachable because
/// the analysis refuses every name that would call them.
const UNAVAILABLE: [(&str, usize); 18] = [
    ("stderr_empty", 0),
    ("debug_empty", 0),
    ("ilogb", 0),
    ("scalbln", 2),
    ("pow", 2),
    ("remainder", 2),
    ("copysign", 2),
    ("nextafter", 2),
    ("tgamma", 0),
    ("matches", 2),
    ("split_", 2),
    ("split_matches", 2),
    ("escape_html", 0),
    ("unescape_html", 0),
    ("encode_uri", 0),
    ("decode_uri", 0),
    ("encode_base64", 0),
    ("decode_base64", 0),
];

fn unavailable<'a>(_cv: jaq_core::Cv<'a, Data>) -> jaq_core::ValXs<'a, Val> {
    bome(Err(Error::str("not available in the simulator")))
}

fn natives() -> impl Iterator<Item = Fun<Data>> {
    let stubs: Vec<NativeFilter<RunPtr<Data>>> =
        UNAVAILABLE.iter().map(|&(name, arity)| (name, v(arity), unavailable as RunPtr<Data>)).collect();
    jaq_core::funs::<Data>()
        .chain(jaq_std::base_funs::<Data>())
        .chain(jaq_json::funs::<Data>())
        .chain(super::jqtime::funs())
        .chain(stubs.into_iter().map(run::<Data>))
}

fn char_offset(code: &str, part: &str) -> usize {
    let start = (part.as_ptr() as usize).saturating_sub(code.as_ptr() as usize).min(code.len());
    code.get(..start).map(|s| s.chars().count()).unwrap_or(0)
}

/// Deepest bracket nesting, counted over the raw text (over-counts brackets inside strings, which only
/// matters for queries that would be refused for depth anyway).
fn bracket_depth(code: &str) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    for c in code.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn lex_reason(e: &LexExpect<&str>) -> String {
    match e {
        LexExpect::Digit => "expected a digit".into(),
        LexExpect::Ident => "expected an identifier".into(),
        LexExpect::Delim("(") => "missing closing parenthesis".into(),
        LexExpect::Delim("[") => "missing closing bracket".into(),
        LexExpect::Delim("{") => "missing closing brace".into(),
        LexExpect::Delim(_) => "missing closing quote".into(),
        LexExpect::Escape => "invalid string escape sequence".into(),
        LexExpect::Unicode => "invalid \\u escape (4 hexadecimal digits)".into(),
        LexExpect::Token => "unexpected character".into(),
        #[allow(unreachable_patterns)]
        _ => "invalid token".into(),
    }
}

/// Lexes and parses, reporting the first error with its character position.
fn parse_term(code: &str) -> Result<Term<&str>, PartitionError> {
    let tokens = Lexer::new(code).lex().map_err(|errs| match errs.first() {
        Some((expect, at)) => PartitionError::QuerySyntax { position: char_offset(code, at), reason: lex_reason(expect) },
        None => PartitionError::QuerySyntax { position: 0, reason: "it does not lex".into() },
    })?;
    Parser::new(&tokens).parse(|p| p.term()).map_err(|errs| match errs.first() {
        Some((expect, found)) => {
            let (position, found) = match found {
                Some(token) => (char_offset(code, token.0), format!("'{}'", token.0.chars().take(20).collect::<String>())),
                None => (code.chars().count(), "the end of the query".to_string()),
            };
            PartitionError::QuerySyntax { position, reason: format!("expected {}, found {found}", expect.as_str()) }
        }
        None => PartitionError::QuerySyntax { position: 0, reason: "it does not parse".into() },
    })
}

/// The keys of a query that is one object with literal keys (`{a: …, "b c": …}`).
fn literal_keys(term: &Term<&str>) -> Option<std::collections::BTreeSet<String>> {
    let Term::Obj(entries) = term else { return None };
    let mut keys = std::collections::BTreeSet::new();
    for (key, _) in entries {
        let Term::Str(None, parts) = key else { return None };
        let mut text = String::new();
        for part in parts {
            match part {
                load::lex::StrPart::Str(s) => text.push_str(s),
                load::lex::StrPart::Char(c) => text.push(*c),
                load::lex::StrPart::Term(_) => return None,
            }
        }
        keys.insert(text);
    }
    Some(keys)
}

impl PartitionQuery {
    /// Checks and compiles a MetadataExtractionQuery.
    pub fn compile(query: &str) -> Result<PartitionQuery, PartitionError> {
        let chars = query.chars().count();
        if chars > PROCESSOR_PARAMETER_VALUE_MAX_CHARS {
            return Err(PartitionError::QueryTooLong { chars });
        }
        if query.trim().is_empty() {
            return Err(PartitionError::QuerySyntax { position: 0, reason: "the query is empty".into() });
        }
        if bracket_depth(query) > super::analyze::MAX_QUERY_DEPTH {
            return Err(PartitionError::QueryTooExpensive {
                reason: format!("it nests brackets deeper than {} levels", super::analyze::MAX_QUERY_DEPTH),
            });
        }
        let term = parse_term(query)?;
        let cost: Cost = Analyzer::new(query).query(&term)?;
        let static_keys = literal_keys(&term);
        drop(term);

        let defs = jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let modules = loader.load(&arena, File { code: query, path: () }).map_err(|errs| {
            // Parsing succeeded above, so this is an import or a module header.
            let _ = errs;
            PartitionError::QueryUnsupported {
                position: None,
                construct: "`import`/`include`/`module`".into(),
                reason: "modules cannot be loaded".into(),
            }
        })?;
        let program = Compiler::default().with_funs(natives()).compile(modules).map_err(|errs| {
            let names: Vec<String> = errs
                .iter()
                .flat_map(|(_, es)| es.iter())
                .map(|(name, undefined)| format!("{} {name}", undefined.as_str()))
                .collect();
            PartitionError::QueryUndefined { name: names.join(", ") }
        })?;
        Ok(PartitionQuery { source: query.to_string(), program: std::sync::Arc::new(program), peak: cost.peak, static_keys })
    }

    /// The query text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The keys the query defines, when it is one object with literal keys (for the prefix check).
    pub fn static_keys(&self) -> Option<&std::collections::BTreeSet<String>> {
        self.static_keys.as_ref()
    }

    /// The largest intermediate value the query can build for a record of `record_bytes`.
    pub fn value_bound_bytes(&self, record_bytes: usize) -> u64 {
        self.peak.at(record_bytes as u64)
    }

    /// Runs the query on one record and returns its partition keys.
    pub fn evaluate(&self, record: &[u8]) -> Result<PartitionKeys, PartitionError> {
        let bound = self.value_bound_bytes(record.len());
        if bound > super::analyze::MAX_VALUE_BYTES {
            return Err(PartitionError::RecordTooLargeForQuery { record_bytes: record.len(), bound_bytes: bound });
        }
        let input = read_record(record)?;
        let ctx = Ctx::<Data>::new(&self.program.lut, Vars::new([]));
        let mut outputs = Vec::new();
        for out in self.program.id.run((ctx, input)).take(MAX_OUTPUTS as usize + 1) {
            match jaq_core::unwrap_valr(out) {
                Ok(v) => outputs.push(v),
                Err(e) => {
                    // jaq prints a string error value as JSON; drop the quotes around plain messages.
                    let text = e.to_string();
                    let reason = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).map(str::to_string).unwrap_or(text);
                    return Err(PartitionError::QueryFailed { reason });
                }
            }
            if outputs.len() > 1 {
                return Err(PartitionError::QueryOutputCount { outputs: outputs.len() });
            }
        }
        let Some(value) = outputs.pop() else {
            return Err(PartitionError::QueryOutputCount { outputs: 0 });
        };
        keys_of(value)
    }
}

/// jq's name for a value's type.
fn type_name(v: &Val) -> &'static str {
    match v {
        Val::Null => "null",
        Val::Bool(_) => "a boolean",
        Val::Num(_) => "a number",
        Val::BStr(_) | Val::TStr(_) => "a string",
        Val::Arr(_) => "an array",
        Val::Obj(_) => "an object",
    }
}

fn num_to_f64(n: &Num) -> f64 {
    match n {
        Num::Int(i) => *i as f64,
        Num::Float(f) => *f,
        Num::BigInt(b) => b.to_string().parse().unwrap_or(f64::NAN),
        Num::Dec(s) => s.parse().unwrap_or(f64::NAN),
    }
}

fn keys_of(value: Val) -> Result<PartitionKeys, PartitionError> {
    let Val::Obj(map) = value else {
        return Err(PartitionError::QueryOutputNotObject { found: type_name(&value) });
    };
    let mut keys = PartitionKeys::new();
    for (k, v) in map.iter() {
        let key = match k {
            Val::TStr(s) | Val::BStr(s) => String::from_utf8_lossy(s).into_owned(),
            other => return Err(PartitionError::QueryOutputNotObject { found: type_name(other) }),
        };
        let text = match v {
            Val::TStr(s) | Val::BStr(s) => String::from_utf8_lossy(s).into_owned(),
            Val::Num(n) => render_jq_number(num_to_f64(n)),
            Val::Bool(b) => b.to_string(),
            Val::Null => return Err(PartitionError::KeyValueNull { key }),
            other => return Err(PartitionError::KeyValueNotScalar { found: type_name(other), key }),
        };
        keys.insert(key, text);
    }
    Ok(keys)
}

/// Deepest nesting of arrays/objects in JSON text (strings skipped), stopping early past the limit.
fn json_depth_exceeds(data: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in data {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// jq 1.6 holds numbers as doubles: integers that fit exactly stay integers, every other number becomes a
/// double (so `1.0` is `1` and `1.50` is `1.5` when printed).
fn normalize_numbers(v: Val) -> Val {
    match v {
        Val::Num(n) => {
            let x = num_to_f64(&n);
            if x.is_finite() && x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 {
                Val::Num(Num::Int(x as isize))
            } else {
                Val::Num(Num::Float(x))
            }
        }
        Val::Arr(items) => items.iter().cloned().map(normalize_numbers).collect(),
        Val::Obj(map) => {
            let entries: jaq_json::Map = map.iter().map(|(k, v)| (k.clone(), normalize_numbers(v.clone()))).collect();
            Val::obj(entries)
        }
        other => other,
    }
}

/// Reads one record as jq would: one JSON value (whitespace around it allowed).
fn read_record(record: &[u8]) -> Result<Val, PartitionError> {
    if json_depth_exceeds(record, MAX_JSON_DEPTH) {
        return Err(PartitionError::RecordNotJson { reason: format!("Exceeds depth limit for parsing ({MAX_JSON_DEPTH})") });
    }
    let value = jaq_json::read::parse_single(record).map_err(|e| PartitionError::RecordNotJson { reason: e.to_string() })?;
    Ok(normalize_numbers(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(q: &str, rec: &str) -> Result<Vec<(String, String)>, PartitionError> {
        PartitionQuery::compile(q)?.evaluate(rec.as_bytes()).map(|k| k.into_iter().collect())
    }

    #[test]
    fn aws_example_query() {
        // "Understand partitioning keys": the sample record and its jq expressions.
        let rec = r#"{"type": {"device": "mobile", "event": "user_clicked_submit_button"}, "customer_id": "1234567890", "event_timestamp": 1565382027, "region": "sample_region"}"#;
        let q = r#"{customer_id: .customer_id, device: .type.device, year: .event_timestamp| strftime("%Y"), month: .event_timestamp| strftime("%m"), day: .event_timestamp| strftime("%d"), hour: .event_timestamp| strftime("%H")}"#;
        let got = keys(q, rec).unwrap();
        let want: Vec<(String, String)> = [
            ("customer_id", "1234567890"),
            ("day", "09"),
            ("device", "mobile"),
            ("hour", "20"),
            ("month", "08"),
            ("year", "2019"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<PartitionQuery>();
    }
}

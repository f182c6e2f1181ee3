//! Static bounds for a partition query, so that no query can hang the simulator (jaq has no step
//! limit). The query's syntax tree is checked against what a partition query needs (field access,
//! literals, object and array construction, string interpolation, arithmetic, comparisons, `if`, `//`,
//! `try`/`?`, `as $x` and a list of builtins that each do bounded work on one value), and three bounds are
//! computed, each an upper bound by construction:
//! - `outs`: values one term can produce for one input (`,` adds, `|` and object construction multiply);
//! - `work`: term evaluations for one record (every construct above runs each of its parts a bounded
//!   number of times, so the total is a sum of products of `outs`);
//! - `size`: the JSON-text size of any value, as `g × record bytes + e`, through every intermediate value
//!   (`peak`): string concatenation adds sizes, `tostring` at most sextuples (escapes), `"s" * n` needs
//!   `n` to be a literal.
//!
//! Refused: `def` (recursion), `reduce`/`foreach`, `..`, `.[]` iteration, `label`/`break`, assignment and
//! update operators (`.[1e9] = 1` builds a huge array), `@format` strings, destructuring patterns,
//! `$__loc__`/`$ENV`, and every builtin not in [`builtin`] (among them `recurse`, `range`, `limit`, `while`,
//! `until`, `repeat`, `map`, `add`, `join` whose folds are quadratic, `input`, `now`, `env`, `fromjson`
//! whose parser recurses on nesting).

use jaq_core::load::lex::StrPart;
use jaq_core::load::parse::{BinaryOp, Pattern, Term};
use jaq_core::ops::Math;
use jaq_core::path::Part;

use super::PartitionError;

/// Most values a query may produce for one record before its single object is checked.
pub const MAX_OUTPUTS: u64 = 64;
/// Most term evaluations a query may need for one record.
pub const MAX_WORK: u64 = 100_000;
/// Most bytes (JSON text) any intermediate value may reach; checked per record against the record's size.
pub const MAX_VALUE_BYTES: u64 = 16 * 1024 * 1024;
/// Deepest nesting of the query's syntax tree (the parser, this analysis and jaq's compiler recurse).
pub const MAX_QUERY_DEPTH: usize = 64;

/// A size bound: `g × record bytes + e`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bound {
    pub g: u64,
    pub e: u64,
}

impl Bound {
    const fn constant(e: u64) -> Bound {
        Bound { g: 0, e }
    }
    const RECORD: Bound = Bound { g: 1, e: 0 };
    fn add(self, o: Bound) -> Bound {
        Bound { g: self.g.saturating_add(o.g), e: self.e.saturating_add(o.e) }
    }
    fn max(self, o: Bound) -> Bound {
        Bound { g: self.g.max(o.g), e: self.e.max(o.e) }
    }
    fn scale(self, k: u64) -> Bound {
        Bound { g: self.g.saturating_mul(k), e: self.e.saturating_mul(k) }
    }
    fn plus(self, e: u64) -> Bound {
        Bound { g: self.g, e: self.e.saturating_add(e) }
    }
    /// The bound for a record of `record_bytes`.
    pub fn at(self, record_bytes: u64) -> u64 {
        self.g.saturating_mul(record_bytes).saturating_add(self.e)
    }
}

/// The bounds of one term for one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// Values produced (at least 1 even for `empty`, so that products bound work too).
    pub outs: u64,
    pub work: u64,
    pub size: Bound,
    /// Largest value anywhere inside.
    pub peak: Bound,
}

impl Cost {
    fn leaf(size: Bound) -> Cost {
        Cost { outs: 1, work: 1, size, peak: size }
    }
}

fn mul(a: u64, b: u64) -> u64 {
    a.saturating_mul(b)
}

type Env<'s> = Vec<(&'s str, Bound)>;

pub struct Analyzer<'s> {
    code: &'s str,
}

fn numeric_literal(t: &Term<&str>) -> Option<f64> {
    match t {
        Term::Num(s) => s.parse::<f64>().ok(),
        Term::Neg(inner) => numeric_literal(inner).map(|x| -x),
        _ => None,
    }
}

impl<'s> Analyzer<'s> {
    pub fn new(code: &'s str) -> Self {
        Analyzer { code }
    }

    /// Character offset of a slice of the query, when it is one.
    fn position(&self, part: &str) -> Option<usize> {
        let start = (part.as_ptr() as usize).checked_sub(self.code.as_ptr() as usize)?;
        if start > self.code.len() {
            return None;
        }
        Some(self.code.get(..start)?.chars().count())
    }

    fn unsupported(&self, at: Option<&str>, construct: impl Into<String>, reason: &str) -> PartitionError {
        PartitionError::QueryUnsupported {
            position: at.and_then(|s| self.position(s)),
            construct: construct.into(),
            reason: reason.into(),
        }
    }

    /// Checks the whole query and returns its bounds.
    pub fn query(&self, term: &Term<&'s str>) -> Result<Cost, PartitionError> {
        let mut env = Env::new();
        let cost = self.term(term, Bound::RECORD, &mut env, 0)?;
        if cost.outs > MAX_OUTPUTS {
            return Err(PartitionError::QueryTooExpensive {
                reason: format!("it can produce {} values per record (at most {MAX_OUTPUTS})", cost.outs),
            });
        }
        if cost.work > MAX_WORK {
            return Err(PartitionError::QueryTooExpensive {
                reason: format!("it can take {} evaluation steps per record (at most {MAX_WORK})", cost.work),
            });
        }
        if cost.peak.at(1) > MAX_VALUE_BYTES {
            return Err(PartitionError::QueryTooExpensive {
                reason: format!("its values can grow past {MAX_VALUE_BYTES} bytes even for a one-byte record"),
            });
        }
        Ok(cost)
    }

    fn term(&self, t: &Term<&'s str>, input: Bound, env: &mut Env<'s>, depth: usize) -> Result<Cost, PartitionError> {
        if depth > MAX_QUERY_DEPTH {
            return Err(PartitionError::QueryTooExpensive {
                reason: format!("it nests deeper than {MAX_QUERY_DEPTH} levels"),
            });
        }
        let d = depth + 1;
        let cost = match t {
            Term::Id => Cost::leaf(input),
            Term::Recurse => {
                return Err(self.unsupported(None, "`..`", "recursive descent visits every value; name the fields instead"))
            }
            Term::Num(s) => Cost::leaf(Bound::constant(s.len() as u64 + 24)),
            Term::Str(fmt, parts) => {
                if let Some(f) = fmt {
                    return Err(self.unsupported(Some(f), format!("`{f}`"), "@formats are not simulated"));
                }
                let mut outs = 1u64;
                let mut work = 1u64;
                let mut size = Bound::constant(2);
                let mut peak = Bound::default();
                for part in parts {
                    match part {
                        StrPart::Str(s) => size = size.plus(s.len() as u64),
                        StrPart::Char(_) => size = size.plus(6),
                        StrPart::Term(inner) => {
                            let c = self.term(inner, input, env, d)?;
                            work = work.saturating_add(mul(c.work, outs));
                            outs = mul(outs, c.outs);
                            // Interpolation is tostring: raw strings, JSON for the rest (escapes ≤ 6×).
                            size = size.add(c.size.scale(6));
                            peak = peak.max(c.peak);
                        }
                    }
                }
                Cost { outs, work, size, peak: peak.max(size) }
            }
            Term::Arr(None) => Cost::leaf(Bound::constant(2)),
            Term::Arr(Some(inner)) => {
                let c = self.term(inner, input, env, d)?;
                let size = c.size.plus(1).scale(c.outs).plus(2);
                Cost { outs: 1, work: c.work.saturating_add(1), size, peak: c.peak.max(size) }
            }
            Term::Obj(entries) => {
                let mut outs = 1u64;
                let mut work = 1u64;
                let mut size = Bound::constant(2);
                let mut peak = Bound::default();
                for (key, value) in entries {
                    let k = self.term(key, input, env, d)?;
                    // `{a}` is `{a: .a}`, `{$x}` is `{x: $x}`: the value is part of what the key names.
                    let v = match value {
                        Some(v) => self.term(v, input, env, d)?,
                        None => match key {
                            Term::Var(_) => k,
                            _ => Cost::leaf(input),
                        },
                    };
                    work = work.saturating_add(mul(k.work.saturating_add(v.work), outs));
                    outs = mul(mul(outs, k.outs), v.outs);
                    size = size.add(k.size).add(v.size).plus(2);
                    peak = peak.max(k.peak).max(v.peak);
                }
                Cost { outs, work, size, peak: peak.max(size) }
            }
            Term::Neg(inner) => {
                let c = self.term(inner, input, env, d)?;
                Cost { work: c.work.saturating_add(1), ..c }
            }
            Term::BinOp(l, op, r) => self.binop(l, op, r, input, env, d)?,
            Term::Label(x, _) | Term::Break(x) => {
                return Err(self.unsupported(Some(x), "`label`/`break`", "control flow is not needed to extract keys"))
            }
            Term::Fold(kw, ..) => {
                return Err(self.unsupported(Some(kw), format!("`{kw}`"), "folds iterate; name the fields instead"))
            }
            Term::TryCatch(body, catch) => {
                let b = self.term(body, input, env, d)?;
                let c = match catch {
                    // The handler gets the error message, which may quote the failing value.
                    Some(h) => self.term(h, b.peak.scale(6).plus(64).max(input), env, d)?,
                    None => Cost::leaf(Bound::default()),
                };
                Cost {
                    outs: b.outs.saturating_add(c.outs),
                    work: b.work.saturating_add(c.work).saturating_add(1),
                    size: b.size.max(c.size),
                    peak: b.peak.max(c.peak),
                }
            }
            Term::IfThenElse(branches, otherwise) => {
                let mut outs = 0u64;
                let mut work = 1u64;
                let mut size = Bound::default();
                let mut peak = Bound::default();
                // Each condition runs once per output of the previous one (elif chains nest).
                let mut runs = 1u64;
                for (cond, then) in branches {
                    let c = self.term(cond, input, env, d)?;
                    let th = self.term(then, input, env, d)?;
                    work = work.saturating_add(mul(runs, c.work)).saturating_add(mul(mul(runs, c.outs), th.work));
                    outs = outs.saturating_add(mul(mul(runs, c.outs), th.outs));
                    runs = mul(runs, c.outs);
                    size = size.max(th.size);
                    peak = peak.max(c.peak).max(th.peak);
                }
                let e = match otherwise {
                    Some(e) => self.term(e, input, env, d)?,
                    None => Cost::leaf(input),
                };
                work = work.saturating_add(mul(runs, e.work));
                outs = outs.saturating_add(mul(runs, e.outs));
                Cost { outs: outs.max(1), work, size: size.max(e.size), peak: peak.max(e.peak) }
            }
            Term::Def(defs, _) => {
                let at = defs.first().map(|d| d.name);
                return Err(self.unsupported(at, "`def`", "user-defined functions can recurse without end"));
            }
            Term::Call(name, args) => self.call(name, args, input, env, d)?,
            Term::Var(x) => match env.iter().rev().find(|(name, _)| name == x) {
                Some((_, b)) => Cost::leaf(*b),
                None if *x == "$__loc__" || *x == "$ENV" => {
                    return Err(self.unsupported(Some(x), format!("`{x}`"), "it reads the environment"))
                }
                None => return Err(PartitionError::QueryUndefined { name: format!("variable {x}") }),
            },
            Term::Path(head, path) => {
                let h = self.term(head, input, env, d)?;
                let mut outs = h.outs;
                let mut work = h.work.saturating_add(1);
                let mut peak = h.peak;
                for (part, _opt) in &path.0 {
                    let indices: Vec<&Term<&'s str>> = match part {
                        Part::Index(i) => vec![i],
                        Part::Range(None, None) => {
                            return Err(self.unsupported(
                                None,
                                "`.[]`",
                                "iterating over every element is not simulated; index a fixed element such as `.[0]`",
                            ))
                        }
                        Part::Range(from, to) => from.iter().chain(to.iter()).collect(),
                    };
                    for i in indices {
                        // Index expressions run on the path's input, once per value reaching them.
                        let c = self.term(i, input, env, d)?;
                        work = work.saturating_add(mul(outs, c.work));
                        outs = mul(outs, c.outs);
                        peak = peak.max(c.peak);
                    }
                }
                // A field, element or slice is never larger than what it comes from.
                Cost { outs, work, size: h.size, peak }
            }
        };
        Ok(cost)
    }

    fn binop(
        &self,
        l: &Term<&'s str>,
        op: &BinaryOp<&'s str>,
        r: &Term<&'s str>,
        input: Bound,
        env: &mut Env<'s>,
        d: usize,
    ) -> Result<Cost, PartitionError> {
        let both = |lc: Cost, rc: Cost, size: Bound| -> Cost {
            // Cartesian product: each side runs once per value of the other, at most.
            let work = mul(lc.work, rc.outs).saturating_add(mul(rc.work, lc.outs)).saturating_add(1);
            Cost { outs: mul(lc.outs, rc.outs), work, size, peak: lc.peak.max(rc.peak).max(size) }
        };
        match op {
            BinaryOp::Pipe(None) => {
                let lc = self.term(l, input, env, d)?;
                let rc = self.term(r, lc.size, env, d)?;
                Ok(Cost {
                    outs: mul(lc.outs, rc.outs),
                    work: lc.work.saturating_add(mul(lc.outs, rc.work)),
                    size: rc.size,
                    peak: lc.peak.max(rc.peak),
                })
            }
            BinaryOp::Pipe(Some(pattern)) => {
                let Pattern::Var(x) = pattern else {
                    return Err(self.unsupported(None, "destructuring `as [...]`/`as {...}`", "bind one variable with `as $x`"));
                };
                let lc = self.term(l, input, env, d)?;
                env.push((x, lc.size));
                let rc = self.term(r, input, env, d);
                env.pop();
                let rc = rc?;
                Ok(Cost {
                    outs: mul(lc.outs, rc.outs),
                    work: lc.work.saturating_add(mul(lc.outs, rc.work)),
                    size: rc.size,
                    peak: lc.peak.max(rc.peak),
                })
            }
            BinaryOp::Comma | BinaryOp::Alt => {
                let lc = self.term(l, input, env, d)?;
                let rc = self.term(r, input, env, d)?;
                Ok(Cost {
                    outs: lc.outs.saturating_add(rc.outs),
                    work: lc.work.saturating_add(rc.work).saturating_add(1),
                    size: lc.size.max(rc.size),
                    peak: lc.peak.max(rc.peak),
                })
            }
            BinaryOp::Or | BinaryOp::And | BinaryOp::Cmp(_) => {
                let lc = self.term(l, input, env, d)?;
                let rc = self.term(r, input, env, d)?;
                Ok(both(lc, rc, Bound::constant(8)))
            }
            BinaryOp::Math(m) => {
                let lc = self.term(l, input, env, d)?;
                let rc = self.term(r, input, env, d)?;
                let size = match m {
                    // Concatenation (strings, arrays, objects) or a sum.
                    Math::Add => lc.size.add(rc.size).plus(24),
                    // Array difference is never larger than the left side; numbers are small.
                    Math::Sub => lc.size.max(rc.size).plus(24),
                    // `string / string` splits: each piece gains quotes and a comma.
                    Math::Div => lc.size.scale(4).add(rc.size).plus(24),
                    Math::Rem => Bound::constant(24),
                    Math::Mul => {
                        // `"s" * n` repeats the string n times: n must be known; object merge and
                        // products are within the sum bound.
                        let times = match (numeric_literal(l), numeric_literal(r)) {
                            (_, Some(n)) | (Some(n), None) => n,
                            (None, None) => {
                                return Err(self.unsupported(
                                    None,
                                    "`*` between two computed values",
                                    "`string * number` repeats the string that many times, so one side must be a number literal",
                                ))
                            }
                        };
                        let times = if times.is_finite() && times > 1.0 { times.ceil().min(u64::MAX as f64) as u64 } else { 1 };
                        lc.size.add(rc.size).scale(times).plus(24)
                    }
                };
                Ok(both(lc, rc, size))
            }
            BinaryOp::Assign | BinaryOp::Update | BinaryOp::UpdateMath(_) | BinaryOp::UpdateAlt => Err(self.unsupported(
                None,
                "assignment (`=`, `|=`, `+=`, …)",
                "updates can build arbitrarily large arrays (`.[1000000000] = 1`); extract the keys instead",
            )),
        }
    }

    fn call(
        &self,
        name: &'s str,
        args: &[Term<&'s str>],
        input: Bound,
        env: &mut Env<'s>,
        d: usize,
    ) -> Result<Cost, PartitionError> {
        let Some(kind) = builtin(name, args.len()) else {
            let reason = match name {
                "recurse" | "range" | "limit" | "while" | "until" | "repeat" | "walk" | "paths" | "leaf_paths"
                | "splits" | "combinations" | "env" | "input" | "inputs" | "halt" | "halt_error" | "getpath"
                | "setpath" | "delpaths" | "del" | "to_entries" | "from_entries" | "with_entries" | "map"
                | "map_values" | "add" | "join" | "flatten" | "any" | "all" | "indices" | "index" | "rindex"
                | "fromjson" | "contains" | "tostream" | "fromstream" | "truncate_stream" | "group_by" | "unique_by"
                | "min_by" | "max_by" | "sort_by" | "transpose" | "in" | "inside" | "isempty" | "first" | "last"
                | "nth" | "until_" => "it iterates, recurses or folds, which this simulator does not allow in partition queries",
                "now" | "localtime" | "strflocaltime" | "mktime_" => "it depends on the clock or the local time zone",
                "test" | "match" | "capture" | "scan" | "sub" | "gsub" | "split_" | "ascii" | "@base64d" => {
                    "regular expressions and formats are not simulated"
                }
                _ => "it is not one of the builtins this simulator supports in partition queries",
            };
            return Err(self.unsupported(Some(name), format!("`{name}/{}`", args.len()), reason));
        };
        // Arguments are bound like `$x` parameters: every combination of their values is used.
        let mut outs = 1u64;
        let mut work = 1u64;
        let mut peak = input;
        let mut arg_sizes = Vec::new();
        for a in args {
            let c = self.term(a, input, env, d)?;
            work = work.saturating_add(mul(c.work, outs));
            outs = mul(outs, c.outs);
            peak = peak.max(c.peak);
            arg_sizes.push(c.size);
        }
        let size = match kind {
            Builtin::Same => input,
            Builtin::Scaled(k, e) => input.scale(k).plus(e),
            Builtin::Constant(e) => Bound::constant(e),
            Builtin::Strftime => arg_sizes.first().copied().unwrap_or_default().scale(8).plus(32),
            Builtin::Select => input,
        };
        Ok(Cost { outs, work, size, peak: peak.max(size) })
    }
}

/// How a builtin's output size relates to its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// Never larger than the input.
    Same,
    /// At most `k ×` the input `+ e`.
    Scaled(u64, u64),
    /// A small constant (numbers, booleans, type names).
    Constant(u64),
    /// Depends on the format's length.
    Strftime,
    /// `select(f)` and friends: the input, as many times as `f` is true.
    Select,
}

/// The builtins a partition query may call (name, arity), each doing work bounded by its input's size.
pub fn builtin(name: &str, arity: usize) -> Option<Builtin> {
    use Builtin::*;
    Some(match (name, arity) {
        ("tostring" | "tojson", 0) => Scaled(6, 16),
        ("tonumber" | "length" | "utf8bytelength" | "type" | "not" | "floor" | "ceil" | "round" | "abs" | "fabs", 0) => {
            Constant(32)
        }
        ("ascii_downcase" | "ascii_upcase" | "trim" | "ltrim" | "rtrim" | "reverse" | "sort" | "unique" | "min" | "max", 0) => {
            Same
        }
        ("ltrimstr" | "rtrimstr", 1) => Same,
        ("keys" | "keys_unsorted", 0) => Scaled(8, 2),
        ("split", 1) => Scaled(4, 2),
        // Not `contains`: on arrays it compares every pair of elements (quadratic in the record).
        ("startswith" | "endswith" | "has", 1) => Constant(8),
        ("values" | "nulls" | "booleans" | "numbers" | "strings" | "arrays" | "objects" | "iterables" | "scalars", 0) => Same,
        ("select", 1) => Select,
        ("empty", 0) => Constant(0),
        ("error", 0 | 1) => Constant(0),
        ("null" | "true" | "false", 0) => Constant(8),
        ("gmtime", 0) => Constant(128),
        ("mktime" | "todateiso8601" | "todate" | "fromdateiso8601" | "fromdate", 0) => Constant(32),
        ("strftime", 1) => Strftime,
        _ => return None,
    })
}

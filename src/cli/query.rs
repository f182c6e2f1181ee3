//! A small part of JMESPath for `--query`: `a.b`, `a[0]`, `a[-1]`, `a[*].b`, `a[].b` (flatten) and
//! `length(expr)`. Enough for the queries learners use with Kinesis (`Shards[*].ShardId`,
//! `StreamDescriptionSummary.StreamStatus`, `length(Shards)`); anything else is refused plainly.

use super::output::Out;

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    /// `[*]` (project) or `[]` (flatten, then project).
    Project { flatten: bool },
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    steps: Vec<Step>,
    length: bool,
}

/// Parses `text`; `Err` carries the reason.
pub fn parse(text: &str) -> Result<Query, String> {
    let t = text.trim();
    let (inner, length) = match t.strip_prefix("length(").and_then(|r| r.strip_suffix(')')) {
        Some(inner) => (inner.trim(), true),
        None => (t, false),
    };
    let mut steps = Vec::new();
    let chars: Vec<char> = inner.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => i += 1,
            '[' => {
                let close = chars[i..].iter().position(|c| *c == ']').ok_or("unclosed [")? + i;
                let body: String = chars[i + 1..close].iter().collect();
                steps.push(match body.trim() {
                    "*" => Step::Project { flatten: false },
                    "" => Step::Project { flatten: true },
                    n => Step::Index(n.parse().map_err(|_| format!("unsupported index [{n}]"))?),
                });
                i = close + 1;
            }
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                steps.push(Step::Field(chars[start..i].iter().collect()));
            }
            c => return Err(format!("unsupported character {c:?} (the sandbox knows fields, [n], [*], [] and length())")),
        }
    }
    if steps.is_empty() {
        return Err("empty expression".into());
    }
    Ok(Query { steps, length })
}

fn apply_steps(value: &Out, steps: &[Step]) -> Out {
    let Some((step, rest)) = steps.split_first() else { return value.clone() };
    match step {
        Step::Field(name) => match value.get(name) {
            Some(v) => apply_steps(v, rest),
            None => Out::Null,
        },
        Step::Index(n) => match value {
            Out::List(items) => {
                let idx = if *n < 0 { items.len() as i64 + n } else { *n };
                match usize::try_from(idx).ok().and_then(|i| items.get(i)) {
                    Some(v) => apply_steps(v, rest),
                    None => Out::Null,
                }
            }
            _ => Out::Null,
        },
        Step::Project { flatten } => match value {
            Out::List(items) => {
                let mut source = Vec::new();
                for item in items {
                    match (flatten, item) {
                        (true, Out::List(inner)) => source.extend(inner.iter().cloned()),
                        _ => source.push(item.clone()),
                    }
                }
                Out::List(source.iter().map(|v| apply_steps(v, rest)).filter(|v| *v != Out::Null).collect())
            }
            _ => Out::Null,
        },
    }
}

impl Query {
    pub fn apply(&self, value: &Out) -> Out {
        let result = apply_steps(value, &self.steps);
        if !self.length {
            return result;
        }
        match &result {
            Out::List(items) => Out::Number((items.len() as u64).into()),
            Out::Obj(pairs) => Out::Number((pairs.len() as u64).into()),
            Out::Str(s) => Out::Number((s.chars().count() as u64).into()),
            _ => Out::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::plain;
    use serde_json::json;

    #[test]
    fn subset_of_jmespath() {
        let v = plain(&json!({"Shards": [{"ShardId": "a"}, {"ShardId": "b"}], "S": {"T": 1}}));
        assert_eq!(parse("Shards[*].ShardId").unwrap().apply(&v), plain(&json!(["a", "b"])));
        assert_eq!(parse("Shards[-1].ShardId").unwrap().apply(&v), plain(&json!("b")));
        assert_eq!(parse("length(Shards)").unwrap().apply(&v), plain(&json!(2)));
        assert_eq!(parse("S.T").unwrap().apply(&v), plain(&json!(1)));
        assert!(parse("Shards[?x]").is_err());
    }
}

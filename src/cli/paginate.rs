//! Auto-pagination as the CLI does it with botocore's paginators: call page after page, feeding each
//! page's output token back as the input token, then merge the pages (`build_full_result`): result
//! keys are concatenated, the listed non-aggregate keys come from the first page, and every other key
//! (tokens, `HasMore...` flags) is dropped. `--max-items` truncates and adds a resume `NextToken`
//! (botocore's: base64 of a JSON object), which `--starting-token` accepts.
//!
//! Faithful to a known botocore limitation (boto/botocore#2009): the ListShards paginator keeps
//! StreamName (or StreamARN) next to NextToken, which Kinesis refuses, so a second ListShards page fails
//! exactly as it does for the real CLI.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use super::errors::{CliError, EXIT_GENERAL_ERROR};
use super::names::Paginator;
use super::output::{from_response, Out};
use crate::api::model::ServiceModel;

/// The paging options the CLI adds to paginated operations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageOptions {
    pub starting_token: Option<String>,
    pub page_size: Option<Value>,
    pub max_items: Option<i64>,
}

/// A path step of botocore's paginator expressions: a key, or `[-1]` (last element).
fn search<'a>(value: &'a Out, path: &str) -> Option<&'a Out> {
    let mut current = value;
    for part in path.split('.') {
        let (key, last) = match part.strip_suffix("[-1]") {
            Some(k) => (k, true),
            None => (part, false),
        };
        current = current.get(key)?;
        if last {
            match current {
                Out::List(items) => current = items.last()?,
                _ => return None,
            }
        }
    }
    Some(current)
}

fn search_mut<'a>(value: &'a mut Out, path: &str) -> Option<&'a mut Out> {
    let mut current = value;
    for part in path.split('.') {
        current = current.get_mut(part)?;
    }
    Some(current)
}

/// Sets a dotted path, creating objects on the way (botocore `set_value_from_jmespath`).
fn set_path(value: &mut Out, path: &str, new: Out) {
    let mut parts = path.split('.').peekable();
    let mut current = value;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            current.set(part, new);
            return;
        }
        if current.get(part).is_none() {
            current.set(part, Out::Obj(Vec::new()));
        }
        match current.get_mut(part) {
            Some(next) => current = next,
            None => return,
        }
    }
}

/// botocore `merge_dicts`: objects merge recursively, anything else is replaced.
fn merge(into: &mut Out, from: Out) {
    if let Out::Obj(pairs) = from {
        for (k, v) in pairs {
            match (into.get_mut(&k), &v) {
                (Some(existing @ Out::Obj(_)), Out::Obj(_)) => merge(existing, v),
                _ => into.set(&k, v),
            }
        }
    }
}

fn token_text(out: Option<&Out>) -> Option<String> {
    match out {
        Some(Out::Str(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// botocore's resume token: base64 of `json.dumps({...})`.
fn encode_token(input_token: &str, value: Option<&str>, truncate: usize) -> String {
    let mut text = format!("{{\"{input_token}\": {}", value.map(|v| Value::String(v.to_string()).to_string()).unwrap_or("null".into()));
    if truncate > 0 {
        text.push_str(&format!(", \"boto_truncate_amount\": {truncate}"));
    }
    text.push('}');
    STANDARD.encode(text)
}

fn decode_token(input_token: &str, token: &str) -> Result<(Option<String>, usize), CliError> {
    let bad = || CliError::plain(format!("Bad starting token: {token}"), EXIT_GENERAL_ERROR);
    let bytes = STANDARD.decode(token.trim()).map_err(|_| bad())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let next = value.get(input_token).and_then(Value::as_str).map(str::to_string);
    let truncate = value.get("boto_truncate_amount").and_then(Value::as_u64).unwrap_or(0) as usize;
    Ok((next, truncate))
}

fn list_len(value: Option<&Out>) -> usize {
    match value {
        Some(Out::List(items)) => items.len(),
        _ => 0,
    }
}

fn truncate_list(page: &mut Out, path: &str, skip: usize, keep: Option<usize>) {
    if let Some(Out::List(items)) = search_mut(page, path) {
        let rest: Vec<Out> = items.drain(..).skip(skip).collect();
        *items = match keep {
            Some(n) => rest.into_iter().take(n).collect(),
            None => rest,
        };
    }
}

/// Runs a paginated operation to the end (or `--max-items`) and returns the merged result.
pub fn paginate(
    model: &ServiceModel,
    output_shape: &str,
    paginator: &Paginator,
    params: &Value,
    options: &PageOptions,
    mut call: impl FnMut(&Value) -> Result<Value, CliError>,
) -> Result<Out, CliError> {
    let mut request = params.clone();
    let mut skip_first = 0usize;
    if let Some(token) = &options.starting_token {
        let (next, truncate) = decode_token(paginator.input_token, token)?;
        if let (Some(next), Value::Object(map)) = (next, &mut request) {
            map.insert(paginator.input_token.to_string(), Value::String(next));
        }
        skip_first = truncate;
    }
    if let (Some(size), Value::Object(map)) = (&options.page_size, &mut request) {
        map.insert(paginator.limit_key.to_string(), size.clone());
    }
    let primary = paginator.result_keys.first().copied().unwrap_or("");
    let mut complete = Out::Obj(Vec::new());
    let mut non_aggregate: Option<Out> = None;
    let mut resume: Option<String> = None;
    let mut collected = 0usize;
    // A stream has at most a few thousand shards in the sandbox; the bound only guards against a token
    // that never ends.
    const MAX_PAGES: usize = 10_000;
    for _ in 0..MAX_PAGES {
        let body = call(&request)?;
        let mut page = from_response(model, output_shape, &body);
        if non_aggregate.is_none() {
            let mut part = Out::Obj(Vec::new());
            for key in paginator.non_aggregate_keys {
                set_path(&mut part, key, search(&page, key).cloned().unwrap_or(Out::Null));
            }
            non_aggregate = Some(part);
        }
        let next_token = token_text(search(&page, paginator.output_token));
        let more = paginator.more_results.map(|k| matches!(search(&page, k), Some(Out::Bool(true))));
        let page_items = list_len(search(&page, primary));
        let skip_here = std::mem::take(&mut skip_first);
        let available = page_items.saturating_sub(skip_here);
        let mut stop = false;
        let mut keep = None;
        if let Some(max) = options.max_items.map(|m| m.max(0) as usize) {
            if collected + available > max {
                let take = max - collected;
                keep = Some(take);
                let used_token = request.get(paginator.input_token).and_then(Value::as_str).map(str::to_string);
                resume = Some(encode_token(paginator.input_token, used_token.as_deref(), skip_here + take));
                stop = true;
            } else if collected + available == max {
                stop = true;
                let finished = next_token.is_none() || more == Some(false);
                if !finished {
                    resume = next_token.as_deref().map(|t| encode_token(paginator.input_token, Some(t), 0));
                }
            }
        }
        for key in paginator.result_keys {
            truncate_list(&mut page, key, skip_here, keep);
        }
        collected += keep.unwrap_or(available);
        for key in paginator.result_keys {
            let Some(value) = search(&page, key).cloned() else { continue };
            match search_mut(&mut complete, key) {
                Some(Out::List(existing)) => {
                    if let Out::List(items) = value {
                        existing.extend(items);
                    }
                }
                Some(_) => {}
                None => set_path(&mut complete, key, value),
            }
        }
        let finished = next_token.is_none() || more == Some(false);
        if stop || finished {
            break;
        }
        if let (Some(token), Value::Object(map)) = (next_token, &mut request) {
            map.insert(paginator.input_token.to_string(), Value::String(token));
        }
    }
    if let Some(part) = non_aggregate {
        merge(&mut complete, part);
    }
    if let Some(token) = resume {
        complete.set("NextToken", Out::Str(token));
    }
    Ok(complete)
}

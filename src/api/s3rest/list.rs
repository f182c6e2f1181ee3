//! One page of a bucket listing (ListObjects and ListObjectsV2 share it): keys under a prefix in UTF-8
//! binary order, rolled up into common prefixes at the delimiter, after a position, at most
//! `max_keys` entries.

use std::collections::BTreeMap;
use std::ops::Bound;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::engine::firehose::s3::S3Object;

/// The most entries one listing page returns, whatever max-keys asks (S3 ListObjectsV2 API reference:
/// "returns some or all (up to 1,000) of the objects in a bucket").
pub const MAX_KEYS_PER_PAGE: usize = 1000;

/// What a page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListParams<'a> {
    pub prefix: &'a str,
    /// None or empty: no roll-up.
    pub delimiter: Option<&'a str>,
    /// List only entries after this one (StartAfter, Marker, or a continuation token's position).
    pub after: Option<&'a str>,
    pub max_keys: usize,
}

/// One listed entry: an object, or a common prefix standing for every key that rolls up into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry<'a> {
    Object(&'a str, &'a S3Object),
    CommonPrefix(&'a str),
}

impl Entry<'_> {
    /// The entry's place in the listing order (its key, or its common prefix).
    pub fn name(&self) -> &str {
        match self {
            Entry::Object(key, _) => key,
            Entry::CommonPrefix(prefix) => prefix,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<'a> {
    pub entries: Vec<Entry<'a>>,
    /// More entries follow the last one.
    pub truncated: bool,
}

impl Page<'_> {
    /// Where the next page starts (after this name), when the page is truncated.
    pub fn next_after(&self) -> Option<&str> {
        if self.truncated {
            self.entries.last().map(Entry::name)
        } else {
            None
        }
    }
}

/// Lists one page. A common prefix at or before `after` counts as already listed (a page that ended
/// on it handed it out), so paging never repeats one; keys after `after` that roll up into it are
/// skipped with it.
pub fn page<'a>(objects: &'a BTreeMap<String, S3Object>, params: &ListParams<'_>) -> Page<'a> {
    let mut entries: Vec<Entry<'a>> = Vec::new();
    // max-keys=0 answers an empty, untruncated page (Ceph s3-tests test_bucket_list_maxkeys_zero).
    if params.max_keys == 0 {
        return Page { entries, truncated: false };
    }
    let prefix = params.prefix;
    let delimiter = params.delimiter.filter(|d| !d.is_empty());
    let start = match params.after {
        Some(after) if after >= prefix => Bound::Excluded(after.to_string()),
        _ => Bound::Included(prefix.to_string()),
    };
    let mut truncated = false;
    for (key, object) in objects.range((start, Bound::Unbounded)) {
        if !key.starts_with(prefix) {
            break;
        }
        let entry = match delimiter.and_then(|d| key[prefix.len()..].find(d).map(|at| prefix.len() + at + d.len())) {
            Some(end) => Entry::CommonPrefix(&key[..end]),
            None => Entry::Object(key.as_str(), object),
        };
        if params.after.is_some_and(|after| entry.name() <= after) {
            continue;
        }
        if entries.last().is_some_and(|last| last == &entry) {
            continue;
        }
        if entries.len() == params.max_keys {
            truncated = true;
            break;
        }
        entries.push(entry);
    }
    Page { entries, truncated }
}

/// Marks a continuation token as one this simulation issued (tokens are opaque to clients).
const TOKEN_TAG: &str = "kinesis-lab/1:";

/// The opaque ListObjectsV2 continuation token for "after this entry".
pub fn encode_token(after: &str) -> String {
    STANDARD.encode(format!("{TOKEN_TAG}{after}"))
}

/// The position a continuation token stands for; None if this simulation did not issue it.
pub fn decode_token(token: &str) -> Option<String> {
    let bytes = STANDARD.decode(token.as_bytes()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix(TOKEN_TAG).map(str::to_string)
}

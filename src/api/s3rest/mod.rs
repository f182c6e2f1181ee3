//! The simulated S3 buckets Firehose writes into, read-only over the S3 REST API (path-style
//! addressing), so boto3's `s3` client, the AWS CLI (`aws s3`, `aws s3api`) and pyarrow can read what
//! Firehose delivered. Pure: a request (method, path, query, headers) and the `S3Store` in, a response
//! (status, headers, body) out; the native endpoint adds HTTP.
//!
//! Operations: ListBuckets (`GET /`), ListObjectsV2 (`GET /bucket?list-type=2`), ListObjects
//! (`GET /bucket`), GetBucketLocation (`GET /bucket?location`), HeadBucket, GetObject (with `Range`) and
//! HeadObject (both with `If-Match`, `If-None-Match`, `If-Modified-Since` and `If-Unmodified-Since`).
//! Every write answers MethodNotAllowed: only Firehose writes these buckets. Responses
//! follow the S3 API reference (Amazon S3 API Reference, "Actions" and "Error responses"); signatures
//! are not checked, only that the request carries credentials.

pub mod list;
pub mod wire;

use md5::{Digest, Md5};

use crate::engine::firehose::s3::{S3Object, S3Store};
use list::{Entry, ListParams, MAX_KEYS_PER_PAGE};
use wire::{http_date, iso_date, parse_query, percent_decode, url_encode, xml_escape};

/// The namespace of every S3 response document.
pub const XML_NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";
const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
/// The largest max-keys S3 parses (an int32; larger values are refused, not capped).
const MAX_KEYS_ARGUMENT_MAX: i64 = i32::MAX as i64;

/// One request, as the HTTP layer received it.
#[derive(Debug, Clone, Copy)]
pub struct S3Request<'a> {
    /// `GET`, `HEAD`, …
    pub method: &'a str,
    /// The path, still percent-encoded, without the query string (`/bucket/some%20key`).
    pub path: &'a str,
    /// The raw query string without `?` (empty if none).
    pub query: &'a str,
    /// Header names in any case.
    pub headers: &'a [(String, String)],
}

/// What the request is answered with. A HEAD response carries the headers a GET would (including
/// `Content-Length`) and no body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl S3Response {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The account the buckets belong to, and this request's id.
#[derive(Debug, Clone, Copy)]
pub struct S3Context<'a> {
    pub region: &'a str,
    pub account_id: &'a str,
    /// Sent as `x-amz-request-id` and in error documents.
    pub request_id: &'a str,
}

/// Answers one request against the store.
pub fn handle(request: &S3Request<'_>, store: &S3Store, ctx: &S3Context<'_>) -> S3Response {
    let is_head = request.method.eq_ignore_ascii_case("HEAD");
    let mut response = route(request, store, ctx, is_head).unwrap_or_else(|error| error.response(ctx, is_head));
    response.headers.push(("x-amz-request-id".into(), ctx.request_id.into()));
    response.headers.push(("x-amz-id-2".into(), host_id(ctx.request_id)));
    response.headers.push(("Server".into(), "AmazonS3".into()));
    if is_head {
        response.body.clear();
    }
    response
}

fn route(request: &S3Request<'_>, store: &S3Store, ctx: &S3Context<'_>, is_head: bool) -> Result<S3Response, S3Error> {
    let query = parse_query(request.query);
    let path = request.path.strip_prefix('/').unwrap_or(request.path);
    let (bucket, key) = match path.split_once('/') {
        Some((bucket, key)) => (percent_decode(bucket), percent_decode(key)),
        None => (percent_decode(path), String::new()),
    };
    let resource = if bucket.is_empty() {
        Resource::Service
    } else if key.is_empty() {
        Resource::Bucket
    } else {
        Resource::Object
    };
    let is_get = request.method.eq_ignore_ascii_case("GET");
    if !is_get && !is_head {
        return Err(S3Error::method_not_allowed(request.method, resource));
    }
    if !has_credentials(request, &query) {
        return Err(S3Error::access_denied());
    }
    match resource {
        Resource::Service => Ok(list_buckets(store, ctx)),
        Resource::Bucket => {
            if store.bucket(&bucket).is_none() {
                return Err(S3Error::no_such_bucket(&bucket));
            }
            if is_head {
                return Ok(xml_ok(String::new()).with_header("x-amz-bucket-region", ctx.region));
            }
            if let Some(name) = unsupported_subresource(&query, BUCKET_SUBRESOURCES) {
                return Err(S3Error::not_implemented(&name));
            }
            if has(&query, "location") {
                return Ok(bucket_location(ctx));
            }
            if param(&query, "list-type") == Some("2") {
                list_objects_v2(store, &bucket, &query, ctx)
            } else {
                list_objects_v1(store, &bucket, &query, ctx)
            }
        }
        Resource::Object => {
            if store.bucket(&bucket).is_none() {
                return Err(S3Error::no_such_bucket(&bucket));
            }
            if let Some(name) = unsupported_subresource(&query, OBJECT_SUBRESOURCES) {
                return Err(S3Error::not_implemented(&name));
            }
            let object = store.get(&bucket, &key).ok_or_else(|| S3Error::no_such_key(&key))?;
            get_object(object, request, &query)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Service,
    Bucket,
    Object,
}

impl Resource {
    fn wire_name(self) -> &'static str {
        match self {
            Resource::Service => "SERVICE",
            Resource::Bucket => "BUCKET",
            Resource::Object => "OBJECT",
        }
    }
}

/// Bucket subresources S3 has and this simulation does not serve (a GET of one would otherwise be
/// taken for a listing).
const BUCKET_SUBRESOURCES: &[&str] = &[
    "accelerate", "acl", "analytics", "cors", "encryption", "intelligent-tiering", "inventory", "lifecycle",
    "logging", "metadataTable", "metrics", "notification", "object-lock", "ownershipControls", "policy",
    "policyStatus", "publicAccessBlock", "replication", "requestPayment", "tagging", "uploads", "versioning",
    "versions", "website",
];
/// Object subresources likewise.
const OBJECT_SUBRESOURCES: &[&str] =
    &["acl", "attributes", "legal-hold", "retention", "tagging", "torrent", "uploadId", "uploads", "restore"];

fn unsupported_subresource(query: &[(String, String)], names: &[&str]) -> Option<String> {
    query.iter().find(|(n, _)| names.contains(&n.as_str())).map(|(n, _)| n.clone())
}

fn has(query: &[(String, String)], name: &str) -> bool {
    query.iter().any(|(n, _)| n == name)
}

fn param<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn request_header<'r>(request: &'r S3Request<'_>, name: &str) -> Option<&'r str> {
    request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// Signed (an `Authorization` header) or presigned (SigV4 or SigV2 query credentials). Signatures are
/// not verified: the simulation has no secret keys.
fn has_credentials(request: &S3Request<'_>, query: &[(String, String)]) -> bool {
    request_header(request, "Authorization").is_some_and(|v| !v.trim().is_empty())
        || has(query, "X-Amz-Credential")
        || has(query, "AWSAccessKeyId")
}

// ---------------------------------------------------------------------------------------------- answers

fn xml_ok(body: String) -> S3Response {
    let headers = vec![("Content-Type".to_string(), "application/xml".to_string())];
    S3Response { status: 200, headers, body: body.into_bytes() }
}

impl S3Response {
    fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// The account's canonical user ID (64 hex digits in S3). Simulated: derived from the account id, the
/// same for every request.
pub fn canonical_user_id(account_id: &str) -> String {
    let first = Md5::digest(format!("canonical:{account_id}").as_bytes());
    let second = Md5::digest(first);
    format!("{}{}", hex(&first), hex(&second))
}

/// The `ETag` S3 gives an object written in one PUT: the MD5 of its bytes, hex, in double quotes.
pub fn etag(bytes: &[u8]) -> String {
    format!("\"{}\"", hex(&Md5::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `x-amz-id-2` / `HostId`: opaque in S3; here a digest of the request id.
fn host_id(request_id: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(format!("host:{request_id}").as_bytes()))
}

fn list_buckets(store: &S3Store, ctx: &S3Context<'_>) -> S3Response {
    let mut xml = format!("{XML_DECLARATION}<ListAllMyBucketsResult xmlns=\"{XML_NAMESPACE}\">");
    xml.push_str(&format!("<Owner><ID>{}</ID></Owner><Buckets>", canonical_user_id(ctx.account_id)));
    for name in store.bucket_names() {
        let created = store.bucket_created_ms(name).unwrap_or(0);
        xml.push_str(&format!(
            "<Bucket><Name>{}</Name><CreationDate>{}</CreationDate><BucketRegion>{}</BucketRegion></Bucket>",
            xml_escape(name),
            iso_date(created),
            xml_escape(ctx.region)
        ));
    }
    xml.push_str("</Buckets></ListAllMyBucketsResult>");
    xml_ok(xml)
}

/// us-east-1 is the empty LocationConstraint (S3 GetBucketLocation: "Buckets in Region us-east-1 have a
/// LocationConstraint of null").
fn bucket_location(ctx: &S3Context<'_>) -> S3Response {
    let xml = if ctx.region == "us-east-1" {
        format!("{XML_DECLARATION}<LocationConstraint xmlns=\"{XML_NAMESPACE}\"/>")
    } else {
        let region = xml_escape(ctx.region);
        format!("{XML_DECLARATION}<LocationConstraint xmlns=\"{XML_NAMESPACE}\">{region}</LocationConstraint>")
    };
    xml_ok(xml)
}

/// max-keys: absent means 1000; 0 to 2^31−1 is accepted and the page holds at most 1000.
fn max_keys(query: &[(String, String)]) -> Result<(usize, String), S3Error> {
    let Some(raw) = param(query, "max-keys") else {
        return Ok((MAX_KEYS_PER_PAGE, MAX_KEYS_PER_PAGE.to_string()));
    };
    match raw.trim().parse::<i64>() {
        Ok(n) if (0..=MAX_KEYS_ARGUMENT_MAX).contains(&n) => Ok(((n as usize).min(MAX_KEYS_PER_PAGE), n.to_string())),
        _ => Err(S3Error::invalid_argument(
            "Argument maxKeys must be an integer between 0 and 2147483647",
            "maxKeys",
            raw,
        )),
    }
}

/// `encoding-type`: absent or `url`.
fn url_encoding(query: &[(String, String)]) -> Result<bool, S3Error> {
    match param(query, "encoding-type") {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("url") => Ok(true),
        Some(v) => Err(S3Error::invalid_argument("Invalid Encoding Method specified in Request", "encoding-type", v)),
    }
}

/// Writes one listed name: escaped for XML, url-encoded first when asked.
fn name_text(name: &str, url: bool) -> String {
    if url {
        xml_escape(&url_encode(name))
    } else {
        xml_escape(name)
    }
}

fn element(xml: &mut String, tag: &str, text: &str) {
    xml.push_str(&format!("<{tag}>{text}</{tag}>"));
}

fn entries_xml(xml: &mut String, entries: &[Entry<'_>], url: bool, owner: Option<&str>) {
    for entry in entries {
        if let Entry::Object(key, object) = entry {
            xml.push_str("<Contents>");
            element(xml, "Key", &name_text(key, url));
            element(xml, "LastModified", &iso_date(object.last_modified_ms));
            element(xml, "ETag", &xml_escape(&etag(&object.bytes)));
            element(xml, "Size", &object.bytes.len().to_string());
            if let Some(id) = owner {
                xml.push_str(&format!("<Owner><ID>{id}</ID></Owner>"));
            }
            element(xml, "StorageClass", "STANDARD");
            xml.push_str("</Contents>");
        }
    }
    for entry in entries {
        if let Entry::CommonPrefix(prefix) = entry {
            xml.push_str(&format!("<CommonPrefixes><Prefix>{}</Prefix></CommonPrefixes>", name_text(prefix, url)));
        }
    }
}

fn list_objects_v2(
    store: &S3Store,
    bucket: &str,
    query: &[(String, String)],
    ctx: &S3Context<'_>,
) -> Result<S3Response, S3Error> {
    let (max_keys, max_keys_text) = max_keys(query)?;
    let url = url_encoding(query)?;
    let prefix = param(query, "prefix").unwrap_or("");
    let delimiter = param(query, "delimiter").filter(|d| !d.is_empty());
    let start_after = param(query, "start-after").filter(|s| !s.is_empty());
    // An empty token is no token; a token takes precedence over start-after (ListObjectsV2 reference).
    let token = param(query, "continuation-token");
    let resume = match token.filter(|t| !t.is_empty()) {
        Some(t) => Some(list::decode_token(t).ok_or_else(S3Error::bad_continuation_token)?),
        None => None,
    };
    let after = resume.as_deref().or(start_after);
    let objects = store.bucket(bucket).ok_or_else(|| S3Error::no_such_bucket(bucket))?;
    let page = list::page(objects, &ListParams { prefix, delimiter, after, max_keys });
    let owner = (param(query, "fetch-owner") == Some("true")).then(|| canonical_user_id(ctx.account_id));

    let mut xml = format!("{XML_DECLARATION}<ListBucketResult xmlns=\"{XML_NAMESPACE}\">");
    element(&mut xml, "Name", &xml_escape(bucket));
    element(&mut xml, "Prefix", &name_text(prefix, url));
    if let Some(t) = token {
        element(&mut xml, "ContinuationToken", &xml_escape(t));
    }
    if let Some(next) = page.next_after() {
        element(&mut xml, "NextContinuationToken", &xml_escape(&list::encode_token(next)));
    }
    element(&mut xml, "KeyCount", &page.entries.len().to_string());
    element(&mut xml, "MaxKeys", &max_keys_text);
    if let Some(d) = delimiter {
        element(&mut xml, "Delimiter", &name_text(d, url));
    }
    if url {
        element(&mut xml, "EncodingType", "url");
    }
    element(&mut xml, "IsTruncated", if page.truncated { "true" } else { "false" });
    if let Some(s) = start_after {
        element(&mut xml, "StartAfter", &name_text(s, url));
    }
    entries_xml(&mut xml, &page.entries, url, owner.as_deref());
    xml.push_str("</ListBucketResult>");
    Ok(xml_ok(xml))
}

fn list_objects_v1(
    store: &S3Store,
    bucket: &str,
    query: &[(String, String)],
    ctx: &S3Context<'_>,
) -> Result<S3Response, S3Error> {
    let (max_keys, max_keys_text) = max_keys(query)?;
    let url = url_encoding(query)?;
    let prefix = param(query, "prefix").unwrap_or("");
    let delimiter = param(query, "delimiter").filter(|d| !d.is_empty());
    let marker = param(query, "marker").unwrap_or("");
    let objects = store.bucket(bucket).ok_or_else(|| S3Error::no_such_bucket(bucket))?;
    let after = Some(marker).filter(|m| !m.is_empty());
    let page = list::page(objects, &ListParams { prefix, delimiter, after, max_keys });
    // ListObjects always shows each object's owner.
    let owner = canonical_user_id(ctx.account_id);

    let mut xml = format!("{XML_DECLARATION}<ListBucketResult xmlns=\"{XML_NAMESPACE}\">");
    element(&mut xml, "Name", &xml_escape(bucket));
    element(&mut xml, "Prefix", &name_text(prefix, url));
    element(&mut xml, "Marker", &name_text(marker, url));
    // NextMarker "is returned only if you have the delimiter request parameter specified" (ListObjects
    // reference); without one, clients continue from the last key.
    if let (Some(next), Some(_)) = (page.next_after(), delimiter) {
        element(&mut xml, "NextMarker", &name_text(next, url));
    }
    element(&mut xml, "MaxKeys", &max_keys_text);
    if let Some(d) = delimiter {
        element(&mut xml, "Delimiter", &name_text(d, url));
    }
    if url {
        element(&mut xml, "EncodingType", "url");
    }
    element(&mut xml, "IsTruncated", if page.truncated { "true" } else { "false" });
    entries_xml(&mut xml, &page.entries, url, Some(&owner));
    xml.push_str("</ListBucketResult>");
    Ok(xml_ok(xml))
}

/// A satisfiable byte range, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub first: u64,
    pub last: u64,
}

/// How a `Range` header applies to an object of `size` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAnswer {
    /// No header, or one S3 ignores (not `bytes=`, several ranges, malformed, first > last): the whole
    /// object, 200.
    Whole,
    Partial(ByteRange),
    /// InvalidRange, 416: the range starts at or past the end, or asks for the last 0 bytes.
    Unsatisfiable,
}

/// Reads a `Range` header as S3 does (RFC 7233 single byte ranges: `a-b`, `a-`, `-n`; a last byte past
/// the end means "to the end").
pub fn parse_range(header: Option<&str>, size: u64) -> RangeAnswer {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeAnswer::Whole;
    };
    if spec.contains(',') {
        return RangeAnswer::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeAnswer::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    match (first.trim().is_empty(), number(first), number(last)) {
        // `-n`: the last n bytes.
        (true, _, Some(n)) => {
            if n == 0 || size == 0 {
                RangeAnswer::Unsatisfiable
            } else {
                RangeAnswer::Partial(ByteRange { first: size.saturating_sub(n), last: size - 1 })
            }
        }
        (false, Some(a), None) if last.trim().is_empty() => {
            if a >= size {
                RangeAnswer::Unsatisfiable
            } else {
                RangeAnswer::Partial(ByteRange { first: a, last: size - 1 })
            }
        }
        (false, Some(a), Some(b)) if a <= b => {
            if a >= size {
                RangeAnswer::Unsatisfiable
            } else {
                RangeAnswer::Partial(ByteRange { first: a, last: b.min(size - 1) })
            }
        }
        _ => RangeAnswer::Whole,
    }
}

/// GetObject's `response-*` parameters override these response headers.
const RESPONSE_OVERRIDES: [(&str, &str); 6] = [
    ("response-content-type", "Content-Type"),
    ("response-content-language", "Content-Language"),
    ("response-expires", "Expires"),
    ("response-cache-control", "Cache-Control"),
    ("response-content-disposition", "Content-Disposition"),
    ("response-content-encoding", "Content-Encoding"),
];

/// The outcome of GetObject's and HeadObject's conditional headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Precondition {
    Proceed,
    NotModified,
    Failed(&'static str),
}

/// RFC 7232 §6 order, as S3 documents it for GetObject: If-Match, else If-Unmodified-Since (412 when
/// false); then If-None-Match, else If-Modified-Since (304 when false). Dates compare in whole seconds,
/// the precision of Last-Modified; an unreadable date is ignored.
fn precondition(object: &S3Object, request: &S3Request<'_>) -> Precondition {
    let etag = etag(&object.bytes);
    let modified_s = object.last_modified_ms / 1000;
    let matches = |list: &str| list.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag);
    let date = |name| request_header(request, name).and_then(wire::parse_http_date);
    if let Some(list) = request_header(request, "If-Match") {
        if !matches(list) {
            return Precondition::Failed("If-Match");
        }
    } else if date("If-Unmodified-Since").is_some_and(|since| modified_s > since) {
        return Precondition::Failed("If-Unmodified-Since");
    }
    if let Some(list) = request_header(request, "If-None-Match") {
        if matches(list) {
            return Precondition::NotModified;
        }
    } else if date("If-Modified-Since").is_some_and(|since| modified_s <= since) {
        return Precondition::NotModified;
    }
    Precondition::Proceed
}

fn get_object(object: &S3Object, request: &S3Request<'_>, query: &[(String, String)]) -> Result<S3Response, S3Error> {
    match precondition(object, request) {
        Precondition::Proceed => {}
        Precondition::Failed(condition) => return Err(S3Error::precondition_failed(condition)),
        Precondition::NotModified => {
            let headers = vec![
                ("Last-Modified".to_string(), http_date(object.last_modified_ms)),
                ("ETag".to_string(), etag(&object.bytes)),
            ];
            return Ok(S3Response { status: 304, headers, body: Vec::new() });
        }
    }
    let size = object.bytes.len() as u64;
    let range_header = request_header(request, "Range");
    let (status, body, content_range) = match parse_range(range_header, size) {
        RangeAnswer::Whole => (200, object.bytes.clone(), None),
        RangeAnswer::Partial(r) => {
            let slice = object.bytes[r.first as usize..=r.last as usize].to_vec();
            (206, slice, Some(format!("bytes {}-{}/{size}", r.first, r.last)))
        }
        RangeAnswer::Unsatisfiable => {
            return Err(S3Error::invalid_range(range_header.unwrap_or(""), size));
        }
    };
    let mut headers = vec![
        ("Accept-Ranges".to_string(), "bytes".to_string()),
        ("Last-Modified".to_string(), http_date(object.last_modified_ms)),
        ("ETag".to_string(), etag(&object.bytes)),
        // S3 encrypts every new object with SSE-S3 by default (since January 2023).
        ("x-amz-server-side-encryption".to_string(), "AES256".to_string()),
        ("Content-Type".to_string(), object.content_type.clone()),
        ("Content-Length".to_string(), body.len().to_string()),
    ];
    if let Some(range) = content_range {
        headers.push(("Content-Range".into(), range));
    }
    if let Some(encoding) = &object.content_encoding {
        headers.push(("Content-Encoding".into(), encoding.clone()));
    }
    for (name, header) in RESPONSE_OVERRIDES {
        if let Some(value) = param(query, name) {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(header));
            headers.push((header.to_string(), value.to_string()));
        }
    }
    Ok(S3Response { status, headers, body })
}

// ---------------------------------------------------------------------------------------------- errors

/// An S3 error: its code, message and HTTP status, plus the elements S3 adds for that code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Error {
    pub code: &'static str,
    pub message: String,
    pub status: u16,
    /// Extra elements after Message (BucketName, Key, ArgumentName, …), in order.
    pub details: Vec<(&'static str, String)>,
    /// Extra response headers (Content-Range on 416, Allow on 405).
    pub headers: Vec<(&'static str, String)>,
}

impl S3Error {
    fn new(code: &'static str, status: u16, message: impl Into<String>) -> Self {
        S3Error { code, message: message.into(), status, details: Vec::new(), headers: Vec::new() }
    }

    fn detail(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.details.push((name, value.into()));
        self
    }

    pub fn no_such_bucket(bucket: &str) -> Self {
        S3Error::new("NoSuchBucket", 404, "The specified bucket does not exist").detail("BucketName", bucket)
    }

    pub fn no_such_key(key: &str) -> Self {
        S3Error::new("NoSuchKey", 404, "The specified key does not exist.").detail("Key", key)
    }

    pub fn invalid_range(requested: &str, size: u64) -> Self {
        let mut e = S3Error::new("InvalidRange", 416, "The requested range is not satisfiable")
            .detail("RangeRequested", requested)
            .detail("ActualObjectSize", size.to_string());
        e.headers.push(("Content-Range", format!("bytes */{size}")));
        e
    }

    pub fn invalid_argument(message: &str, name: &str, value: &str) -> Self {
        S3Error::new("InvalidArgument", 400, message).detail("ArgumentName", name).detail("ArgumentValue", value)
    }

    pub fn bad_continuation_token() -> Self {
        S3Error::new("InvalidArgument", 400, "The continuation token provided is incorrect")
            .detail("ArgumentName", "continuation-token")
    }

    /// S3's code and status for a method the resource does not allow. The message is this simulation's:
    /// S3's own ("The specified method is not allowed against this resource.") would not say why.
    pub fn method_not_allowed(method: &str, resource: Resource) -> Self {
        // Not AWS-verified text.
        let mut e = S3Error::new(
            "MethodNotAllowed",
            405,
            "The specified method is not allowed against this resource. \
             Kinesis Lab's simulated S3 buckets are read-only: only Firehose writes them.",
        )
        .detail("Method", method.to_ascii_uppercase())
        .detail("ResourceType", resource.wire_name());
        e.headers.push(("Allow", "GET, HEAD".into()));
        e
    }

    pub fn not_implemented(subresource: &str) -> Self {
        // Not AWS-verified text (S3 serves these; the simulation does not).
        S3Error::new(
            "NotImplemented",
            501,
            format!("Kinesis Lab's simulated S3 does not implement the {subresource} subresource."),
        )
    }

    pub fn precondition_failed(condition: &str) -> Self {
        S3Error::new("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold")
            .detail("Condition", condition)
    }

    pub fn access_denied() -> Self {
        S3Error::new("AccessDenied", 403, "Access Denied")
    }

    /// The error document, or for HEAD (which has no body) just the status: clients then see only the
    /// status code, as from S3.
    fn response(&self, ctx: &S3Context<'_>, is_head: bool) -> S3Response {
        let mut headers: Vec<(String, String)> =
            self.headers.iter().map(|(n, v)| (n.to_string(), v.clone())).collect();
        if is_head {
            return S3Response { status: self.status, headers, body: Vec::new() };
        }
        let mut xml = format!("{XML_DECLARATION}<Error>");
        element(&mut xml, "Code", self.code);
        element(&mut xml, "Message", &xml_escape(&self.message));
        for (name, value) in &self.details {
            element(&mut xml, name, &xml_escape(value));
        }
        element(&mut xml, "RequestId", &xml_escape(ctx.request_id));
        element(&mut xml, "HostId", &host_id(ctx.request_id));
        xml.push_str("</Error>");
        headers.push(("Content-Type".into(), "application/xml".into()));
        S3Response { status: self.status, headers, body: xml.into_bytes() }
    }
}

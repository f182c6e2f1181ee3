//! The read-only S3 REST API over the Firehose S3 store (src/api/s3rest): every operation, listings with
//! prefix, delimiter, url encoding and pagination, byte ranges, and S3's errors. Sources: Amazon S3 API
//! Reference — ListBuckets, ListObjectsV2, ListObjects, GetBucketLocation, HeadBucket, GetObject,
//! HeadObject, and "Error responses" (codes, messages, statuses); RFC 7233 for ranges.

use std::collections::{BTreeMap, BTreeSet};

use kinesis_lab::api::firehose::FirehoseService;
use kinesis_lab::api::kinesis::ApiReply;
use kinesis_lab::api::s3rest::list::{self, ListParams};
use kinesis_lab::api::s3rest::wire::{http_date, iso_date, parse_http_date, percent_decode, query_decode, url_encode};
use kinesis_lab::api::s3rest::{
    self, parse_range, ByteRange, RangeAnswer, S3Context, S3Request, S3Response, XML_NAMESPACE,
};
use kinesis_lab::engine::firehose::s3::{S3Object, S3Store};
use kinesis_lab::engine::firehose::FirehoseConfig;
use md5::{Digest, Md5};
use proptest::prelude::*;
use serde_json::json;

const T0: u64 = 1_700_000_000_000; // Tue, 14 Nov 2023 22:13:20 GMT
const CTX: S3Context<'static> =
    S3Context { region: "us-east-1", account_id: "123456789012", request_id: "REQ0000000000001" };

fn object(bytes: &[u8], ms: u64) -> S3Object {
    S3Object {
        bytes: bytes.to_vec(),
        content_type: "application/octet-stream".into(),
        content_encoding: None,
        last_modified_ms: ms,
    }
}

fn store(keys: &[&str]) -> S3Store {
    let mut s = S3Store::default();
    s.create_bucket("bucket", T0);
    for (i, k) in keys.iter().enumerate() {
        s.put("bucket", k, object(format!("body of {k}").as_bytes(), T0 + i as u64));
    }
    s
}

fn auth() -> Vec<(String, String)> {
    let value = "AWS4-HMAC-SHA256 Credential=AKID/20231114/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";
    vec![("Authorization".into(), value.into())]
}

fn call_with(store: &S3Store, method: &str, target: &str, headers: &[(String, String)]) -> S3Response {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    s3rest::handle(&S3Request { method, path, query, headers }, store, &CTX)
}

fn call(store: &S3Store, method: &str, target: &str) -> S3Response {
    call_with(store, method, target, &auth())
}

fn get(store: &S3Store, target: &str) -> S3Response {
    call(store, "GET", target)
}

fn text(r: &S3Response) -> String {
    String::from_utf8(r.body.clone()).expect("XML is UTF-8")
}

/// The texts of every `<tag>…</tag>` in document order (XML entities undone).
fn all(xml: &str, tag: &str) -> Vec<String> {
    let re = regex_lite::Regex::new(&format!("<{tag}>(.*?)</{tag}>")).expect("pattern");
    re.captures_iter(xml)
        .map(|c| c[1].replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
        .collect()
}

fn one(xml: &str, tag: &str) -> Option<String> {
    all(xml, tag).into_iter().next()
}

/// Common prefixes are `<CommonPrefixes><Prefix>…</Prefix></CommonPrefixes>`; the listing's own
/// `<Prefix>` comes first.
fn common_prefixes(xml: &str) -> Vec<String> {
    let re = regex_lite::Regex::new("<CommonPrefixes><Prefix>(.*?)</Prefix></CommonPrefixes>").expect("pattern");
    re.captures_iter(xml).map(|c| c[1].replace("&amp;", "&")).collect()
}

fn error_code(r: &S3Response) -> (u16, String, String) {
    let xml = text(r);
    (r.status, one(&xml, "Code").unwrap_or_default(), one(&xml, "Message").unwrap_or_default())
}

// ------------------------------------------------------------------------------------- ListBuckets

// ListBuckets: ListAllMyBucketsResult in S3's namespace, Owner ID, buckets by name with CreationDate in
// ISO 8601 with milliseconds.
#[test]
fn list_buckets_names_every_bucket_with_its_creation_date() {
    let mut s = S3Store::default();
    s.put("zeta", "k", object(b"1", T0 + 250));
    s.create_bucket("alpha", T0);
    let r = get(&s, "/");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Type"), Some("application/xml"));
    let xml = text(&r);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "{xml}");
    assert!(xml.contains(&format!("<ListAllMyBucketsResult xmlns=\"{XML_NAMESPACE}\">")), "{xml}");
    assert_eq!(all(&xml, "Name"), ["alpha", "zeta"]);
    assert_eq!(all(&xml, "CreationDate"), ["2023-11-14T22:13:20.000Z", "2023-11-14T22:13:20.250Z"]);
    let owner = one(&xml, "ID").expect("owner id");
    assert_eq!(owner.len(), 64);
    assert!(owner.bytes().all(|b| b.is_ascii_hexdigit()));
}

// A bucket exists once a delivery stream names it (Firehose delivers into an existing bucket): it lists,
// empty, before any delivery; UpdateDestination to another bucket makes that one exist too.
#[test]
fn a_delivery_streams_bucket_exists_before_any_delivery() {
    let mut svc = FirehoseService::new(FirehoseConfig::default(), T0);
    let create = json!({
        "DeliveryStreamName": "orders",
        "DeliveryStreamType": "DirectPut",
        "ExtendedS3DestinationConfiguration": {
            "RoleARN": "arn:aws:iam::123456789012:role/firehose",
            "BucketARN": "arn:aws:s3:::orders-landing",
        }
    });
    let reply = svc.call("CreateDeliveryStream", create.to_string().as_bytes());
    assert!(matches!(reply, ApiReply::Json { status: 200, .. }), "{reply:?}");
    let xml = text(&get(&svc.engine.s3, "/"));
    assert_eq!(all(&xml, "Name"), ["orders-landing"]);
    let listed = get(&svc.engine.s3, "/orders-landing?list-type=2");
    assert_eq!(listed.status, 200);
    assert_eq!(one(&text(&listed), "KeyCount").as_deref(), Some("0"));
    assert_eq!(get(&svc.engine.s3, "/other-bucket?list-type=2").status, 404);

    svc.engine.advance_by(10_000); // ACTIVE
    let update = json!({
        "DeliveryStreamName": "orders",
        "CurrentDeliveryStreamVersionId": "1",
        "DestinationId": "destinationId-000000000001",
        "ExtendedS3DestinationUpdate": {"BucketARN": "arn:aws:s3:::orders-archive"}
    });
    let reply = svc.call("UpdateDestination", update.to_string().as_bytes());
    assert!(matches!(reply, ApiReply::Json { status: 200, .. }), "{reply:?}");
    assert_eq!(all(&text(&get(&svc.engine.s3, "/")), "Name"), ["orders-archive", "orders-landing"]);
}

// ------------------------------------------------------------------------------------- ListObjectsV2

const FIREHOSE_KEYS: [&str; 6] = [
    "logs/year=2026/month=01/a b-1.gz",
    "logs/year=2026/month=01/a b-2.gz",
    "logs/year=2026/month=02/c.gz",
    "logs/year=2027/month=01/d.gz",
    "top.txt",
    "errors/processing-failed/e.gz",
];

// ListObjectsV2: Name, Prefix, KeyCount, MaxKeys, IsTruncated, Contents (Key, LastModified, ETag, Size,
// StorageClass) in UTF-8 binary order.
#[test]
fn list_objects_v2_lists_every_key_in_binary_order() {
    let s = store(&FIREHOSE_KEYS);
    let r = get(&s, "/bucket?list-type=2");
    assert_eq!(r.status, 200);
    let xml = text(&r);
    assert!(xml.contains(&format!("<ListBucketResult xmlns=\"{XML_NAMESPACE}\">")), "{xml}");
    let mut sorted: Vec<&str> = FIREHOSE_KEYS.to_vec();
    sorted.sort();
    assert_eq!(all(&xml, "Key"), sorted);
    assert_eq!(one(&xml, "Name").as_deref(), Some("bucket"));
    assert_eq!(one(&xml, "KeyCount").as_deref(), Some("6"));
    assert_eq!(one(&xml, "MaxKeys").as_deref(), Some("1000"));
    assert_eq!(one(&xml, "IsTruncated").as_deref(), Some("false"));
    assert_eq!(all(&xml, "StorageClass").len(), 6);
    assert!(one(&xml, "NextContinuationToken").is_none());
    // Size, ETag (quoted MD5 hex), LastModified (ISO 8601, milliseconds, Z) of "top.txt" (index 4).
    let i = sorted.iter().position(|k| *k == "top.txt").expect("listed");
    assert_eq!(all(&xml, "Size")[i], "body of top.txt".len().to_string());
    assert_eq!(all(&xml, "ETag")[i], format!("\"{}\"", hex_md5(b"body of top.txt")));
    assert_eq!(all(&xml, "LastModified")[i], "2023-11-14T22:13:20.004Z");
}

fn hex_md5(bytes: &[u8]) -> String {
    Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

// ListObjectsV2 prefix and delimiter: keys with the delimiter after the prefix roll up into
// CommonPrefixes (prefix through the first delimiter); each counts once in KeyCount.
#[test]
fn prefix_and_delimiter_roll_keys_up_into_common_prefixes() {
    let s = store(&FIREHOSE_KEYS);
    let xml = text(&get(&s, "/bucket?list-type=2&delimiter=%2F"));
    assert_eq!(all(&xml, "Key"), ["top.txt"]);
    assert_eq!(common_prefixes(&xml), ["errors/", "logs/"]);
    assert_eq!(one(&xml, "KeyCount").as_deref(), Some("3"));
    assert_eq!(one(&xml, "Delimiter").as_deref(), Some("/"));

    let xml = text(&get(&s, "/bucket?list-type=2&prefix=logs%2Fyear%3D2026%2F&delimiter=%2F"));
    assert!(all(&xml, "Key").is_empty());
    assert_eq!(common_prefixes(&xml), ["logs/year=2026/month=01/", "logs/year=2026/month=02/"]);
    assert_eq!(one(&xml, "Prefix").as_deref(), Some("logs/year=2026/"));

    // A prefix without a delimiter lists keys only.
    let xml = text(&get(&s, "/bucket?list-type=2&prefix=logs/year=2026/month=01/"));
    assert_eq!(all(&xml, "Key"), ["logs/year=2026/month=01/a b-1.gz", "logs/year=2026/month=01/a b-2.gz"]);
    assert!(common_prefixes(&xml).is_empty());

    // A multi-character delimiter.
    let xml = text(&get(&s, "/bucket?list-type=2&delimiter=%3D20"));
    assert_eq!(common_prefixes(&xml), ["logs/year=20"]);
}

// encoding-type=url: Key, Prefix, Delimiter, StartAfter and CommonPrefixes are url-encoded (space as
// '+', as botocore's unquote_plus expects); EncodingType is echoed.
#[test]
fn encoding_type_url_encodes_keys_and_prefixes() {
    let s = store(&["a b/c=d+e.gz", "a b/x"]);
    let xml = text(&get(&s, "/bucket?list-type=2&encoding-type=url&prefix=a%20b%2F&start-after=a%20b%2F"));
    assert_eq!(one(&xml, "EncodingType").as_deref(), Some("url"));
    assert_eq!(all(&xml, "Key"), ["a+b/c%3Dd%2Be.gz", "a+b/x"]);
    assert_eq!(one(&xml, "StartAfter").as_deref(), Some("a+b/"));
    assert_eq!(query_decode(&all(&xml, "Key")[0]), "a b/c=d+e.gz");
    let xml = text(&get(&s, "/bucket?list-type=2&encoding-type=url&delimiter=%20"));
    assert_eq!(common_prefixes(&xml), ["a+"]);
    let r = get(&s, "/bucket?list-type=2&encoding-type=base64");
    assert_eq!(error_code(&r), (400, "InvalidArgument".into(), "Invalid Encoding Method specified in Request".into()));
}

// ListObjectsV2 max-keys: the page holds at most max-keys entries and never more than 1,000; a larger
// value is accepted. 0 gives an empty, untruncated page (Ceph s3-tests test_bucket_list_maxkeys_zero).
#[test]
fn max_keys_caps_the_page_at_one_thousand() {
    let keys: Vec<String> = (0..1001).map(|i| format!("k{i:05}")).collect();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let s = store(&refs);
    let xml = text(&get(&s, "/bucket?list-type=2&max-keys=5000"));
    assert_eq!(all(&xml, "Key").len(), 1000);
    assert_eq!(one(&xml, "IsTruncated").as_deref(), Some("true"));
    let xml = text(&get(&s, "/bucket?list-type=2"));
    assert_eq!(all(&xml, "Key").len(), 1000);
    let xml = text(&get(&s, "/bucket?list-type=2&max-keys=0"));
    assert!(all(&xml, "Key").is_empty());
    assert_eq!(one(&xml, "IsTruncated").as_deref(), Some("false"));
    assert_eq!(one(&xml, "KeyCount").as_deref(), Some("0"));
}

// A max-keys that is negative or not a 32-bit integer is InvalidArgument "Argument maxKeys must be an
// integer between 0 and 2147483647" with ArgumentName maxKeys (as measured against S3, Ceph s3-tests
// test_bucket_list_maxkeys_invalid).
#[test]
fn bad_max_keys_is_invalid_argument() {
    let s = store(&["a"]);
    for bad in ["-1", "abc", "2147483648", "1.5"] {
        for list_type in ["list-type=2&", ""] {
            let r = get(&s, &format!("/bucket?{list_type}max-keys={bad}"));
            assert_eq!(
                error_code(&r),
                (400, "InvalidArgument".into(), "Argument maxKeys must be an integer between 0 and 2147483647".into()),
                "{bad}"
            );
            let xml = text(&r);
            assert_eq!(one(&xml, "ArgumentName").as_deref(), Some("maxKeys"));
            assert_eq!(one(&xml, "ArgumentValue").as_deref(), Some(bad));
        }
    }
}

// ListObjectsV2 pagination: NextContinuationToken when truncated; the token is opaque (not the key);
// ContinuationToken is echoed; a token S3 did not issue is InvalidArgument "The continuation token
// provided is incorrect" with ArgumentName continuation-token.
#[test]
fn continuation_tokens_page_through_and_bad_ones_are_refused() {
    let s = store(&FIREHOSE_KEYS);
    let first = text(&get(&s, "/bucket?list-type=2&max-keys=2"));
    assert_eq!(one(&first, "IsTruncated").as_deref(), Some("true"));
    let token = one(&first, "NextContinuationToken").expect("truncated pages carry a token");
    assert!(!FIREHOSE_KEYS.contains(&token.as_str()));
    let encoded: String = url_encode(&token);
    let second = text(&get(&s, &format!("/bucket?list-type=2&max-keys=2&continuation-token={encoded}")));
    assert_eq!(one(&second, "ContinuationToken").as_deref(), Some(token.as_str()));
    assert_eq!(all(&second, "Key"), ["logs/year=2026/month=01/a b-2.gz", "logs/year=2026/month=02/c.gz"]);

    for bad in ["bm90LWEtdG9rZW4=", "%%%", "logs%2Fx"] {
        let r = get(&s, &format!("/bucket?list-type=2&continuation-token={bad}"));
        let expected = (400, "InvalidArgument".into(), "The continuation token provided is incorrect".into());
        assert_eq!(error_code(&r), expected);
        assert_eq!(one(&text(&r), "ArgumentName").as_deref(), Some("continuation-token"));
    }
    // An empty token is no token.
    assert_eq!(all(&text(&get(&s, "/bucket?list-type=2&continuation-token=")), "Key").len(), 6);
}

// StartAfter: keys after it only; echoed. A continuation token takes precedence over it.
#[test]
fn start_after_lists_later_keys_and_yields_to_a_token() {
    let s = store(&FIREHOSE_KEYS);
    let xml = text(&get(&s, "/bucket?list-type=2&start-after=logs%2Fyear%3D2027"));
    assert_eq!(all(&xml, "Key"), ["logs/year=2027/month=01/d.gz", "top.txt"]);
    assert_eq!(one(&xml, "StartAfter").as_deref(), Some("logs/year=2027"));
    let token = list::encode_token("logs/year=2027/month=01/d.gz");
    let xml = text(&get(&s, &format!("/bucket?list-type=2&start-after=a&continuation-token={}", url_encode(&token))));
    assert_eq!(all(&xml, "Key"), ["top.txt"]);
}

// fetch-owner=true adds each object's Owner; without it V2 shows none.
#[test]
fn fetch_owner_adds_owners() {
    let s = store(&["a"]);
    assert!(!text(&get(&s, "/bucket?list-type=2")).contains("<Owner>"));
    assert!(text(&get(&s, "/bucket?list-type=2&fetch-owner=true")).contains("<Owner><ID>"));
}

/// Everything a full listing should hand out once: each key without the delimiter after the prefix,
/// and each common prefix, in binary order (computed independently of the pager).
fn expected_entries(keys: &BTreeSet<String>, prefix: &str, delimiter: Option<&str>) -> Vec<String> {
    let mut out = BTreeSet::new();
    for k in keys.iter().filter(|k| k.starts_with(prefix)) {
        let rest = &k[prefix.len()..];
        match delimiter.and_then(|d| rest.find(d).map(|i| (i, d))) {
            Some((i, d)) => out.insert(format!("{prefix}{}{d}", &rest[..i])),
            None => out.insert(k.clone()),
        };
    }
    out.into_iter().collect()
}

fn page_through_v2(s: &S3Store, prefix: &str, delimiter: Option<&str>, max_keys: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..10_000 {
        let mut target = format!("/bucket?list-type=2&max-keys={max_keys}&prefix={}", url_encode(prefix));
        if let Some(d) = delimiter {
            target.push_str(&format!("&delimiter={}", url_encode(d)));
        }
        if let Some(t) = &token {
            target.push_str(&format!("&continuation-token={}", url_encode(t)));
        }
        let xml = text(&get(s, &target));
        let keys = all(&xml, "Key");
        let prefixes = common_prefixes(&xml);
        assert!(keys.len() + prefixes.len() <= max_keys);
        assert_eq!(one(&xml, "KeyCount"), Some((keys.len() + prefixes.len()).to_string()));
        let mut page: Vec<String> = keys.into_iter().chain(prefixes).collect();
        page.sort();
        seen.extend(page);
        match one(&xml, "NextContinuationToken") {
            Some(t) => token = Some(t),
            None => {
                assert_eq!(one(&xml, "IsTruncated").as_deref(), Some("false"));
                return seen;
            }
        }
    }
    panic!("pagination did not end");
}

fn page_through_v1(s: &S3Store, prefix: &str, delimiter: Option<&str>, max_keys: usize) -> Vec<String> {
    let mut seen = Vec::new();
    let mut marker = String::new();
    for _ in 0..10_000 {
        let (prefix_q, marker_q) = (url_encode(prefix), url_encode(&marker));
        let mut target = format!("/bucket?max-keys={max_keys}&prefix={prefix_q}&marker={marker_q}");
        if let Some(d) = delimiter {
            target.push_str(&format!("&delimiter={}", url_encode(d)));
        }
        let xml = text(&get(s, &target));
        let keys = all(&xml, "Key");
        let prefixes = common_prefixes(&xml);
        let mut page: Vec<String> = keys.iter().cloned().chain(prefixes).collect();
        page.sort();
        seen.extend(page.iter().cloned());
        if one(&xml, "IsTruncated").as_deref() != Some("true") {
            return seen;
        }
        // As botocore's paginator: NextMarker, else the last key.
        marker = one(&xml, "NextMarker").or_else(|| keys.last().cloned()).expect("a truncated page has a position");
        assert!(delimiter.is_some() || one(&xml, "NextMarker").is_none(), "NextMarker only with a delimiter");
    }
    panic!("pagination did not end");
}

proptest! {
    // Paging with any max-keys hands out every key (or common prefix) exactly once, in UTF-8 binary
    // order, for V2 continuation tokens and V1 markers alike.
    #[test]
    fn paging_returns_every_entry_once_in_binary_order(
        keys in prop::collection::btree_set("[ab/= é]{1,6}", 0..40),
        prefix in "[ab/]{0,2}",
        use_delimiter in any::<bool>(),
        max_keys in 1usize..8,
    ) {
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let s = store(&refs);
        let delimiter = use_delimiter.then_some("/");
        let expected = expected_entries(&keys, &prefix, delimiter);
        let v2 = page_through_v2(&s, &prefix, delimiter, max_keys);
        prop_assert_eq!(&v2, &expected);
        let v1 = page_through_v1(&s, &prefix, delimiter, max_keys);
        prop_assert_eq!(&v1, &expected);
        // Binary order: sorted as bytes, each once.
        let mut bytes: Vec<Vec<u8>> = v2.iter().map(|k| k.as_bytes().to_vec()).collect();
        bytes.dedup();
        prop_assert_eq!(bytes.len(), v2.len());
        prop_assert!(bytes.windows(2).all(|w| w[0] < w[1]));
    }

    // The pager itself: no page exceeds max_keys, and a page is truncated only if an entry follows.
    #[test]
    fn a_page_is_truncated_only_when_more_follow(
        keys in prop::collection::btree_set("[ab/]{1,5}", 0..30),
        max_keys in 1usize..6,
    ) {
        let objects: BTreeMap<String, S3Object> = keys.iter().map(|k| (k.clone(), object(b"x", T0))).collect();
        let params = ListParams { prefix: "", delimiter: Some("/"), after: None, max_keys };
        let page = list::page(&objects, &params);
        prop_assert!(page.entries.len() <= max_keys);
        let total = expected_entries(&keys, "", Some("/")).len();
        prop_assert_eq!(page.truncated, total > page.entries.len());
    }
}

// ------------------------------------------------------------------------------------- ListObjects (V1)

// ListObjects: Marker echoed, Owner in every Contents, NextMarker only with a delimiter.
#[test]
fn list_objects_v1_shape() {
    let s = store(&FIREHOSE_KEYS);
    let xml = text(&get(&s, "/bucket?marker=logs%2Fyear%3D2027"));
    assert_eq!(one(&xml, "Marker").as_deref(), Some("logs/year=2027"));
    assert_eq!(all(&xml, "Key"), ["logs/year=2027/month=01/d.gz", "top.txt"]);
    assert_eq!(xml.matches("<Owner><ID>").count(), 2);
    assert!(one(&xml, "KeyCount").is_none());
    let xml = text(&get(&s, "/bucket?delimiter=/&max-keys=1"));
    assert_eq!(one(&xml, "NextMarker").as_deref(), Some("errors/"));
    let xml = text(&get(&s, "/bucket?max-keys=1"));
    assert_eq!(one(&xml, "IsTruncated").as_deref(), Some("true"));
    assert!(one(&xml, "NextMarker").is_none());
}

// ------------------------------------------------------------------------------------- bucket ops

// GetBucketLocation: us-east-1 is an empty LocationConstraint; other regions name themselves.
#[test]
fn get_bucket_location() {
    let s = store(&["a"]);
    let xml = text(&get(&s, "/bucket?location"));
    assert!(xml.contains(&format!("<LocationConstraint xmlns=\"{XML_NAMESPACE}\"/>")), "{xml}");
    let ctx = S3Context { region: "eu-west-1", ..CTX };
    let headers = auth();
    let request = S3Request { method: "GET", path: "/bucket", query: "location", headers: &headers };
    let r = s3rest::handle(&request, &s, &ctx);
    assert!(text(&r).contains(">eu-west-1</LocationConstraint>"));
}

// HeadBucket: 200 with x-amz-bucket-region; 404 without a body for a missing bucket.
#[test]
fn head_bucket() {
    let s = store(&["a"]);
    let r = call(&s, "HEAD", "/bucket");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-amz-bucket-region"), Some("us-east-1"));
    let r = call(&s, "HEAD", "/missing");
    assert_eq!(r.status, 404);
    assert!(r.body.is_empty());
}

// ------------------------------------------------------------------------------------- objects

// GetObject: the stored bytes; ETag the quoted MD5 hex; Last-Modified an HTTP date; Content-Length,
// Content-Type, Accept-Ranges, x-amz-request-id. Keys are percent-decoded from the path ('=' '/' ' '
// and '+', which in a path is a plus).
#[test]
fn get_object_returns_bytes_and_headers() {
    let mut s = S3Store::default();
    let key = "year=2026/month=01/a b+c é.gz";
    s.put("bucket", key, object(b"hello firehose", T0));
    let r = get(&s, "/bucket/year%3D2026/month=01/a%20b+c%20%C3%A9.gz?x-id=GetObject");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"hello firehose");
    assert_eq!(r.header("ETag").map(str::to_string), Some(format!("\"{}\"", hex_md5(b"hello firehose"))));
    assert_eq!(r.header("Last-Modified"), Some("Tue, 14 Nov 2023 22:13:20 GMT"));
    assert_eq!(r.header("Content-Length"), Some("14"));
    assert_eq!(r.header("Content-Type"), Some("application/octet-stream"));
    assert_eq!(r.header("Accept-Ranges"), Some("bytes"));
    assert_eq!(r.header("x-amz-request-id"), Some(CTX.request_id));
    assert_eq!(r.header("Content-Encoding"), None);
    // A '+' in a path is not a space.
    assert_eq!(get(&s, "/bucket/year%3D2026/month=01/a+b+c%20%C3%A9.gz").status, 404);
}

#[test]
fn content_encoding_and_response_overrides() {
    let mut s = S3Store::default();
    let mut o = object(b"x", T0);
    o.content_encoding = Some("gzip".into());
    s.put("bucket", "k", o);
    let r = get(&s, "/bucket/k");
    assert_eq!(r.header("Content-Encoding"), Some("gzip"));
    let r = get(&s, "/bucket/k?response-content-type=text%2Fplain");
    assert_eq!(r.header("Content-Type"), Some("text/plain"));
}

// HeadObject: GetObject's headers, no body.
#[test]
fn head_object_has_headers_and_no_body() {
    let s = store(&["k"]);
    let r = call(&s, "HEAD", "/bucket/k");
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    assert_eq!(r.header("Content-Length"), Some("9"));
    assert_eq!(r.header("ETag").map(str::to_string), Some(format!("\"{}\"", hex_md5(b"body of k"))));
    let r = call(&s, "HEAD", "/bucket/missing");
    assert_eq!((r.status, r.body.len()), (404, 0));
}

// RFC 7233 byte ranges as S3 serves them: a-b, a-, -n → 206 with Content-Range; a last byte past the
// end is the end; a range starting at or past the end, or `-0`, is 416 InvalidRange; a header S3 does
// not understand is ignored (the whole object).
#[test]
fn range_parsing() {
    use RangeAnswer::*;
    let r = |first, last| Partial(ByteRange { first, last });
    assert_eq!(parse_range(Some("bytes=0-4"), 10), r(0, 4));
    assert_eq!(parse_range(Some("bytes=3-"), 10), r(3, 9));
    assert_eq!(parse_range(Some("bytes=-4"), 10), r(6, 9));
    assert_eq!(parse_range(Some("bytes=-40"), 10), r(0, 9));
    assert_eq!(parse_range(Some("bytes=5-100"), 10), r(5, 9));
    assert_eq!(parse_range(Some("bytes=10-"), 10), Unsatisfiable);
    assert_eq!(parse_range(Some("bytes=10-20"), 10), Unsatisfiable);
    assert_eq!(parse_range(Some("bytes=-0"), 10), Unsatisfiable);
    assert_eq!(parse_range(Some("bytes=0-"), 0), Unsatisfiable);
    assert_eq!(parse_range(None, 10), Whole);
    assert_eq!(parse_range(Some("bytes=5-2"), 10), Whole);
    assert_eq!(parse_range(Some("bytes=0-1,3-4"), 10), Whole);
    assert_eq!(parse_range(Some("items=0-1"), 10), Whole);
    assert_eq!(parse_range(Some("bytes=x-1"), 10), Whole);
}

#[test]
fn ranged_get_and_invalid_range() {
    let mut s = S3Store::default();
    s.put("bucket", "k", object(b"0123456789", T0));
    let ranged = |range: &str| {
        let mut h = auth();
        h.push(("range".into(), range.into()));
        call_with(&s, "GET", "/bucket/k", &h)
    };
    let r = ranged("bytes=2-5");
    assert_eq!((r.status, r.body.as_slice()), (206, b"2345".as_slice()));
    assert_eq!(r.header("Content-Range"), Some("bytes 2-5/10"));
    assert_eq!(r.header("Content-Length"), Some("4"));
    let r = ranged("bytes=-3");
    assert_eq!((r.status, r.body.as_slice()), (206, b"789".as_slice()));
    let r = ranged("bytes=7-");
    assert_eq!(r.header("Content-Range"), Some("bytes 7-9/10"));
    let r = ranged("bytes=10-");
    assert_eq!(error_code(&r), (416, "InvalidRange".into(), "The requested range is not satisfiable".into()));
    let xml = text(&r);
    assert_eq!(one(&xml, "RangeRequested").as_deref(), Some("bytes=10-"));
    assert_eq!(one(&xml, "ActualObjectSize").as_deref(), Some("10"));
    assert_eq!(ranged("bytes=9-2").status, 200);
}

// GetObject conditional requests (RFC 7232 §6, as the GetObject reference describes them): If-Match
// false → 412 PreconditionFailed "At least one of the pre-conditions you specified did not hold";
// If-None-Match true → 304; If-Modified-Since not later → 304; If-Unmodified-Since earlier → 412;
// If-Match true wins over a false If-Unmodified-Since.
#[test]
fn conditional_gets() {
    let s = store(&["k"]); // last modified T0 = Tue, 14 Nov 2023 22:13:20 GMT
    let tag = format!("\"{}\"", hex_md5(b"body of k"));
    let with = |pairs: &[(&str, &str)]| {
        let mut h = auth();
        h.extend(pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())));
        call_with(&s, "GET", "/bucket/k", &h)
    };
    assert_eq!(with(&[("If-Match", &tag)]).status, 200);
    assert_eq!(with(&[("If-Match", "*")]).status, 200);
    let r = with(&[("If-Match", "\"0123\"")]);
    let message = "At least one of the pre-conditions you specified did not hold";
    let expected = (412, "PreconditionFailed".into(), message.into());
    assert_eq!(error_code(&r), expected);
    assert_eq!(one(&text(&r), "Condition").as_deref(), Some("If-Match"));
    let r = with(&[("If-None-Match", &tag)]);
    assert_eq!((r.status, r.body.len()), (304, 0));
    assert_eq!(r.header("ETag"), Some(tag.as_str()));
    assert_eq!(with(&[("If-None-Match", "\"other\"")]).status, 200);
    assert_eq!(with(&[("If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT")]).status, 304);
    assert_eq!(with(&[("If-Modified-Since", "Tue, 14 Nov 2023 22:13:19 GMT")]).status, 200);
    assert_eq!(with(&[("If-Modified-Since", "yesterday")]).status, 200);
    assert_eq!(with(&[("If-Unmodified-Since", "Tue, 14 Nov 2023 22:13:19 GMT")]).status, 412);
    assert_eq!(with(&[("If-Unmodified-Since", "Tue, 14 Nov 2023 22:13:20 GMT")]).status, 200);
    let both = [("If-Match", tag.as_str()), ("If-Unmodified-Since", "Tue, 14 Nov 2023 22:13:19 GMT")];
    assert_eq!(with(&both).status, 200);
    let r = call_with(&s, "HEAD", "/bucket/k", &[auth(), vec![("If-Match".into(), "\"x\"".into())]].concat());
    assert_eq!((r.status, r.body.len()), (412, 0));
}

// ------------------------------------------------------------------------------------- errors

// S3 error responses: <Error> with Code, Message, the code's own elements, RequestId and HostId, as
// application/xml. NoSuchBucket "The specified bucket does not exist" (404, BucketName); NoSuchKey "The
// specified key does not exist." (404, Key).
#[test]
fn missing_buckets_and_keys() {
    let s = store(&["a"]);
    for target in ["/missing", "/missing?list-type=2", "/missing?location", "/missing/a"] {
        let r = get(&s, target);
        let expected = (404, "NoSuchBucket".into(), "The specified bucket does not exist".into());
        assert_eq!(error_code(&r), expected, "{target}");
        let xml = text(&r);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"), "{xml}");
        assert_eq!(one(&xml, "BucketName").as_deref(), Some("missing"));
        assert_eq!(one(&xml, "RequestId").as_deref(), Some(CTX.request_id));
        assert!(one(&xml, "HostId").is_some());
        assert_eq!(r.header("Content-Type"), Some("application/xml"));
    }
    let r = get(&s, "/bucket/no%20such");
    assert_eq!(error_code(&r), (404, "NoSuchKey".into(), "The specified key does not exist.".into()));
    assert_eq!(one(&text(&r), "Key").as_deref(), Some("no such"));
}

// Every write is 405 MethodNotAllowed naming the method and resource type: only Firehose writes the
// simulated buckets.
#[test]
fn writes_are_method_not_allowed() {
    let s = store(&["a"]);
    for (method, target, resource) in [
        ("PUT", "/bucket/a", "OBJECT"),
        ("PUT", "/new-bucket", "BUCKET"),
        ("POST", "/bucket?delete", "BUCKET"),
        ("DELETE", "/bucket/a", "OBJECT"),
        ("DELETE", "/bucket", "BUCKET"),
        ("POST", "/", "SERVICE"),
    ] {
        let r = call(&s, method, target);
        let (status, code, message) = error_code(&r);
        assert_eq!((status, code.as_str()), (405, "MethodNotAllowed"), "{method} {target}");
        assert!(message.contains("read-only") && message.contains("Firehose"), "{message}");
        let xml = text(&r);
        assert_eq!(one(&xml, "Method").as_deref(), Some(method));
        assert_eq!(one(&xml, "ResourceType").as_deref(), Some(resource));
    }
    assert_eq!(s.get("bucket", "a").map(|o| o.bytes.clone()), Some(b"body of a".to_vec()));
}

// No credentials at all: AccessDenied "Access Denied" (403). Presigned query credentials count.
#[test]
fn requests_need_credentials() {
    let s = store(&["a"]);
    let r = call_with(&s, "GET", "/bucket/a", &[]);
    assert_eq!(error_code(&r), (403, "AccessDenied".into(), "Access Denied".into()));
    let url = "/bucket/a?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2Fx&X-Amz-Signature=0";
    let presigned = call_with(&s, "GET", url, &[]);
    assert_eq!(presigned.status, 200);
}

// Subresources S3 has and the simulation does not serve are refused by name rather than answered as a
// listing.
#[test]
fn unsimulated_subresources_are_not_implemented() {
    let s = store(&["a"]);
    for target in ["/bucket?versioning", "/bucket?acl", "/bucket/a?tagging"] {
        let r = get(&s, target);
        assert_eq!((r.status, error_code(&r).1.as_str()), (501, "NotImplemented"), "{target}");
    }
}

// ------------------------------------------------------------------------------------- text forms

#[test]
fn dates_and_encodings() {
    assert_eq!(http_date(T0), "Tue, 14 Nov 2023 22:13:20 GMT");
    assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_eq!(http_date(1_767_225_600_000), "Thu, 01 Jan 2026 00:00:00 GMT");
    assert_eq!(iso_date(T0 + 7), "2023-11-14T22:13:20.007Z");
    assert_eq!(parse_http_date("Tue, 14 Nov 2023 22:13:20 GMT"), Some(T0 / 1000));
    assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
    assert_eq!(parse_http_date("Tue, 14 Nov 2023 22:13:20 UTC"), None);
    assert_eq!(parse_http_date("Tue, 14 Foo 2023 22:13:20 GMT"), None);
    assert_eq!(percent_decode("a%20b+c%3d%zz%"), "a b+c=%zz%");
    assert_eq!(query_decode("a+b%2B"), "a b+");
    assert_eq!(url_encode("a b/c=d+é"), "a+b/c%3Dd%2B%C3%A9");
}

proptest! {
    // url encoding is undone by form decoding, for any key.
    #[test]
    fn url_encoding_round_trips(key in "\\PC{0,20}") {
        prop_assert_eq!(query_decode(&url_encode(&key)), key);
    }

    // HTTP dates read back what they write, to the second.
    #[test]
    fn http_dates_round_trip(ms in 0u64..8_000_000_000_000) {
        prop_assert_eq!(parse_http_date(&http_date(ms)), Some(ms / 1000));
    }
}

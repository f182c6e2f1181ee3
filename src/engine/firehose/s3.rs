//! The simulated S3 the Firehose engine delivers to: bucket → key → object. Owned by the engine; other
//! views (the Streams view, the endpoint's read-only S3 REST API in `api::s3rest`) read it.
//!
//! A bucket exists once the engine names it: when a delivery stream is created or updated with its
//! BucketARN (Firehose delivers into a bucket that must already exist), or when an object is written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::time::EpochMillis;

/// One stored object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Object {
    #[serde(with = "crate::engine::firehose::s3::base64_bytes")]
    pub bytes: Vec<u8>,
    pub content_type: String,
    /// Firehose does not set Content-Encoding on what it writes (a GZIP object is stored as
    /// application/octet-stream, not as `Content-Encoding: gzip`), so this stays None for its objects.
    pub content_encoding: Option<String>,
    pub last_modified_ms: EpochMillis,
}

/// Buckets by name, each an ordered map of keys to objects (S3 lists keys in UTF-8 binary order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct S3Store {
    buckets: BTreeMap<String, BTreeMap<String, S3Object>>,
    /// When each bucket came to exist (ListBuckets' CreationDate). Saves from before this field have
    /// none; `bucket_created_ms` then falls back to the bucket's oldest object.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    created_ms: BTreeMap<String, EpochMillis>,
}

impl S3Store {
    pub fn put(&mut self, bucket: &str, key: &str, object: S3Object) {
        self.created_ms.entry(bucket.to_string()).or_insert(object.last_modified_ms);
        self.buckets.entry(bucket.to_string()).or_default().insert(key.to_string(), object);
    }

    /// Makes `bucket` exist (empty if new) from `now_ms`; a bucket that exists is left as it is.
    pub fn create_bucket(&mut self, bucket: &str, now_ms: EpochMillis) {
        self.created_ms.entry(bucket.to_string()).or_insert(now_ms);
        self.buckets.entry(bucket.to_string()).or_default();
    }

    /// `create_bucket` for the bucket a delivery stream's BucketARN names; an ARN that names no bucket
    /// (the engine validates them, so only a tampered save) creates nothing.
    pub fn create_bucket_for_arn(&mut self, bucket_arn: &str, now_ms: EpochMillis) {
        if let Some(name) = bucket_name(bucket_arn) {
            self.create_bucket(name, now_ms);
        }
    }

    /// When `bucket` came to exist: recorded, else (older saves) its oldest object's time, else 0.
    pub fn bucket_created_ms(&self, bucket: &str) -> Option<EpochMillis> {
        let objects = self.buckets.get(bucket)?;
        let oldest = || objects.values().map(|o| o.last_modified_ms).min().unwrap_or(0);
        Some(self.created_ms.get(bucket).copied().unwrap_or_else(oldest))
    }

    pub fn get(&self, bucket: &str, key: &str) -> Option<&S3Object> {
        self.buckets.get(bucket)?.get(key)
    }

    pub fn bucket(&self, bucket: &str) -> Option<&BTreeMap<String, S3Object>> {
        self.buckets.get(bucket)
    }

    pub fn bucket_names(&self) -> impl Iterator<Item = &str> {
        self.buckets.keys().map(String::as_str)
    }

    /// Keys under `prefix`, in S3's listing order.
    pub fn list<'a>(&'a self, bucket: &str, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a S3Object)> + 'a {
        self.buckets
            .get(bucket)
            .into_iter()
            .flat_map(move |objects| objects.range(prefix.to_string()..))
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, o)| (k.as_str(), o))
    }

    pub fn object_count(&self) -> usize {
        self.buckets.values().map(BTreeMap::len).sum()
    }
}

/// The bucket name in an S3 bucket ARN (`arn:aws:s3:::name`), if it is one.
pub fn bucket_name(bucket_arn: &str) -> Option<&str> {
    let rest = bucket_arn.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    let name = rest.strip_prefix("s3:::")?;
    let valid = !name.is_empty()
        && name.len() <= 255
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    valid.then_some(name)
}

/// Bytes saved as one standard base64 string (for the engine's save and export).
pub mod base64_bytes {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        STANDARD.decode(text.as_bytes()).map_err(|e| D::Error::custom(format!("bytes are not base64: {e}")))
    }
}

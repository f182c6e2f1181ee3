//! Deserializer and serializer options, shaped as `Deserializer` and `Serializer` in models/firehose.json.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `BlockSizeBytes` minimum (model: BlockSizeBytes min 67108864) and default (its documentation: 256 MiB).
pub const PARQUET_BLOCK_SIZE_MIN_BYTES: u64 = 64 * 1024 * 1024;
pub const PARQUET_BLOCK_SIZE_DEFAULT_BYTES: u64 = 256 * 1024 * 1024;
/// `PageSizeBytes` minimum (model: ParquetPageSizeBytes min 65536) and default (its documentation: 1 MiB).
pub const PARQUET_PAGE_SIZE_MIN_BYTES: u64 = 64 * 1024;
pub const PARQUET_PAGE_SIZE_DEFAULT_BYTES: u64 = 1024 * 1024;

/// The model's `Deserializer`: exactly one of OpenX or Hive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Deserializer {
    OpenX(OpenXJsonSerDe),
    Hive(HiveJsonSerDe),
}

/// The model's `OpenXJsonSerDe`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenXJsonSerDe {
    /// `CaseInsensitive`: JSON keys are lower-cased before matching columns. Default true (API reference).
    pub case_insensitive: bool,
    /// `ConvertDotsInJsonKeysToUnderscores`: key "a.b" fills column "a_b". Default false (API reference).
    pub convert_dots_in_json_keys_to_underscores: bool,
    /// `ColumnToJsonKeyMappings`: column name → JSON key, e.g. {"ts": "timestamp"} (API reference).
    pub column_to_json_key_mappings: BTreeMap<String, String>,
}

impl Default for OpenXJsonSerDe {
    fn default() -> Self {
        OpenXJsonSerDe {
            case_insensitive: true,
            convert_dots_in_json_keys_to_underscores: false,
            column_to_json_key_mappings: BTreeMap::new(),
        }
    }
}

/// The model's `HiveJsonSerDe`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiveJsonSerDe {
    /// `TimestampFormats`: Joda-Time patterns tried in order, or the special value `millis`; when empty,
    /// `java.sql.Timestamp::valueOf`'s `yyyy-[m]m-[d]d hh:mm:ss[.f...]` (API reference).
    pub timestamp_formats: Vec<String>,
}

/// The model's `Serializer`: Parquet, or ORC (which this simulator does not write).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Serializer {
    Parquet(ParquetSerDe),
    /// ORC output is not simulated: `convert_batch` answers `ConvertError::OrcNotSupported`.
    Orc,
}

/// The model's `ParquetCompression` enum: UNCOMPRESSED | GZIP | SNAPPY. LZO, which older documentation
/// mentions, is not in the model's enum (and our writer does not write it), so it has no variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParquetCompression {
    Uncompressed,
    Gzip,
    Snappy,
}

impl ParquetCompression {
    /// The model's spelling.
    pub fn from_model(name: &str) -> Option<ParquetCompression> {
        match name {
            "UNCOMPRESSED" => Some(ParquetCompression::Uncompressed),
            "GZIP" => Some(ParquetCompression::Gzip),
            "SNAPPY" => Some(ParquetCompression::Snappy),
            _ => None,
        }
    }
}

/// The model's `ParquetWriterVersion`: V1 (default) or V2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ParquetWriterVersion {
    V1,
    V2,
}

/// The model's `ParquetSerDe`.
///
/// What our writer (`parquet_file`) honours: `compression`, `enable_dictionary_compression` (a dictionary
/// page and dictionary indexes for every non-boolean column) and `writer_version` (V2 writes data page v2
/// headers). `page_size_bytes` is validated and kept but not applied: each column is one data page.
/// `block_size_bytes` and `max_padding_bytes` are HDFS alignment settings: a batch (at most the 128 MiB
/// buffer of JSON) is written as one row group, and no padding is written. Both are kept for describing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParquetSerDe {
    pub block_size_bytes: u64,
    pub page_size_bytes: u64,
    /// Default SNAPPY (API reference: ParquetSerDe Compression).
    pub compression: ParquetCompression,
    /// The API reference gives no default; false here. Not AWS-verified.
    pub enable_dictionary_compression: bool,
    /// Default 0 (API reference).
    pub max_padding_bytes: u64,
    /// Default V1 (API reference).
    pub writer_version: ParquetWriterVersion,
}

impl Default for ParquetSerDe {
    fn default() -> Self {
        ParquetSerDe {
            block_size_bytes: PARQUET_BLOCK_SIZE_DEFAULT_BYTES,
            page_size_bytes: PARQUET_PAGE_SIZE_DEFAULT_BYTES,
            compression: ParquetCompression::Snappy,
            enable_dictionary_compression: false,
            max_padding_bytes: 0,
            writer_version: ParquetWriterVersion::V1,
        }
    }
}

impl ParquetSerDe {
    /// Checks the model's minimums; the API layer turns an error into its ValidationException.
    pub fn validate(&self) -> Result<(), String> {
        if self.block_size_bytes < PARQUET_BLOCK_SIZE_MIN_BYTES {
            // Not AWS-verified text.
            return Err(format!(
                "BlockSizeBytes must be at least {PARQUET_BLOCK_SIZE_MIN_BYTES}, got {}",
                self.block_size_bytes
            ));
        }
        if self.page_size_bytes < PARQUET_PAGE_SIZE_MIN_BYTES {
            // Not AWS-verified text.
            return Err(format!(
                "PageSizeBytes must be at least {PARQUET_PAGE_SIZE_MIN_BYTES}, got {}",
                self.page_size_bytes
            ));
        }
        Ok(())
    }
}

//! Record format conversion in the delivery path (FACTS.md §2 "Format conversion"): the request shapes of
//! DataFormatConversionConfiguration (aws-models/firehose.json), the simulated Glue Data Catalog the
//! schema comes from, and the step that turns a buffer of JSON records into one Parquet object, sending
//! the records that do not convert to `format-conversion-failed`. The conversion itself is `convert`'s.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::convert::{
    self, convert_batch, HiveJsonSerDe, OpenXJsonSerDe, ParquetCompression, ParquetSerDe, ParquetWriterVersion, TableSchema,
    CONVERSION_BUFFER_MIN_MIB,
};
use super::error::{FirehoseError, FirehoseResult};
use super::{delivery, Buffer, FirehoseEngine};
use crate::engine::time::EpochMillis;

/// The error-output type of records that did not convert (AWS custom-prefix page).
pub const FORMAT_CONVERSION_FAILED: &str = "format-conversion-failed";

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SchemaConfiguration {
    pub catalog_id: Option<String>,
    pub database_name: Option<String>,
    pub region: Option<String>,
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
    pub table_name: Option<String>,
    pub version_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OpenXJsonSerDeWire {
    pub convert_dots_in_json_keys_to_underscores: Option<bool>,
    pub case_insensitive: Option<bool>,
    pub column_to_json_key_mappings: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HiveJsonSerDeWire {
    pub timestamp_formats: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeserializerWire {
    #[serde(rename = "OpenXJsonSerDe")]
    pub open_x_json_ser_de: Option<OpenXJsonSerDeWire>,
    pub hive_json_ser_de: Option<HiveJsonSerDeWire>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InputFormatConfiguration {
    pub deserializer: Option<DeserializerWire>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParquetSerDeWire {
    pub block_size_bytes: Option<u64>,
    pub page_size_bytes: Option<u64>,
    pub compression: Option<String>,
    pub enable_dictionary_compression: Option<bool>,
    pub max_padding_bytes: Option<u64>,
    pub writer_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SerializerWire {
    pub parquet_ser_de: Option<ParquetSerDeWire>,
    pub orc_ser_de: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OutputFormatConfiguration {
    pub serializer: Option<SerializerWire>,
}

/// DataFormatConversionConfiguration (model).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DataFormatConversionConfiguration {
    pub schema_configuration: Option<SchemaConfiguration>,
    pub input_format_configuration: Option<InputFormatConfiguration>,
    pub output_format_configuration: Option<OutputFormatConfiguration>,
    pub enabled: Option<bool>,
}

impl DataFormatConversionConfiguration {
    /// "Enabled defaults to true" (model: set false to disable conversion while keeping the settings).
    pub fn is_enabled(&self) -> bool {
        self.enabled != Some(false)
    }

    /// The Glue table's catalog key, `database.table`.
    pub fn table_key(&self) -> Option<String> {
        let s = self.schema_configuration.as_ref()?;
        Some(format!("{}.{}", s.database_name.as_deref()?, s.table_name.as_deref()?))
    }
}

/// The resolved reader and writer of a conversion.
pub struct Resolved {
    pub deserializer: convert::Deserializer,
    pub serializer: convert::Serializer,
}

/// Checks a conversion configuration (with the S3 compression and buffer size it comes with) and reads
/// its options. Messages are this simulator's own. // Not AWS-verified text.
pub fn resolve(c: &DataFormatConversionConfiguration) -> FirehoseResult<Resolved> {
    let invalid = |m: &str| Err(FirehoseError::invalid_argument(m.to_string()));
    let Some(schema) = &c.schema_configuration else {
        return invalid("DataFormatConversionConfiguration needs a SchemaConfiguration (the Glue table).");
    };
    if schema.database_name.as_deref().is_none_or(str::is_empty) || schema.table_name.as_deref().is_none_or(str::is_empty) {
        return invalid("SchemaConfiguration needs DatabaseName and TableName.");
    }
    let deserializer = match c.input_format_configuration.as_ref().and_then(|i| i.deserializer.as_ref()) {
        Some(DeserializerWire { open_x_json_ser_de: Some(o), hive_json_ser_de: None }) => {
            let defaults = OpenXJsonSerDe::default();
            convert::Deserializer::OpenX(OpenXJsonSerDe {
                case_insensitive: o.case_insensitive.unwrap_or(defaults.case_insensitive),
                convert_dots_in_json_keys_to_underscores: o
                    .convert_dots_in_json_keys_to_underscores
                    .unwrap_or(defaults.convert_dots_in_json_keys_to_underscores),
                column_to_json_key_mappings: o.column_to_json_key_mappings.clone().unwrap_or_default(),
            })
        }
        Some(DeserializerWire { open_x_json_ser_de: None, hive_json_ser_de: Some(h) }) => {
            convert::Deserializer::Hive(HiveJsonSerDe { timestamp_formats: h.timestamp_formats.clone().unwrap_or_default() })
        }
        _ => return invalid("InputFormatConfiguration.Deserializer needs exactly one of OpenXJsonSerDe and HiveJsonSerDe."),
    };
    let serializer = match c.output_format_configuration.as_ref().and_then(|o| o.serializer.as_ref()) {
        Some(SerializerWire { parquet_ser_de: Some(p), orc_ser_de: None }) => {
            let d = ParquetSerDe::default();
            let compression = match p.compression.as_deref() {
                None => d.compression,
                Some(name) => match ParquetCompression::from_model(name) {
                    Some(c) => c,
                    None => return invalid("ParquetSerDe.Compression must be UNCOMPRESSED, GZIP or SNAPPY."),
                },
            };
            let writer_version = match p.writer_version.as_deref() {
                None | Some("V1") => ParquetWriterVersion::V1,
                Some("V2") => ParquetWriterVersion::V2,
                Some(_) => return invalid("ParquetSerDe.WriterVersion must be V1 or V2."),
            };
            let serde = ParquetSerDe {
                block_size_bytes: p.block_size_bytes.unwrap_or(d.block_size_bytes),
                page_size_bytes: p.page_size_bytes.unwrap_or(d.page_size_bytes),
                compression,
                enable_dictionary_compression: p.enable_dictionary_compression.unwrap_or(d.enable_dictionary_compression),
                max_padding_bytes: p.max_padding_bytes.unwrap_or(d.max_padding_bytes),
                writer_version,
            };
            serde.validate().map_err(FirehoseError::invalid_argument)?;
            convert::Serializer::Parquet(serde)
        }
        Some(SerializerWire { parquet_ser_de: None, orc_ser_de: Some(_) }) => {
            return invalid("Kinesis Lab does not simulate ORC output (OrcSerDe) yet; use ParquetSerDe.")
        }
        _ => return invalid("OutputFormatConfiguration.Serializer needs exactly one of ParquetSerDe and OrcSerDe."),
    };
    Ok(Resolved { deserializer, serializer })
}

/// The buffer-size rule of conversion: at least 64 MiB (FACTS §2).
pub fn check_buffer_size(size_in_mbs: u32) -> FirehoseResult<()> {
    if size_in_mbs < CONVERSION_BUFFER_MIN_MIB {
        // Not AWS-verified text.
        return Err(FirehoseError::invalid_argument(format!(
            "BufferingHints.SizeInMBs must be at least {CONVERSION_BUFFER_MIN_MIB} when data format conversion is enabled."
        )));
    }
    Ok(())
}

/// One line of a format-conversion-failed object, with the fields AWS's "Handling errors for data format
/// conversion" page lists (its capitalised ErrorCode / ErrorMessage included).
fn failed_line(
    f: &convert::ConversionFailure,
    raw: &[u8],
    arrival_ms: EpochMillis,
    now: EpochMillis,
    c: &DataFormatConversionConfiguration,
    region: &str,
    account: &str,
) -> String {
    let s = c.schema_configuration.clone().unwrap_or_default();
    let catalog_id = s.catalog_id.clone().unwrap_or_else(|| account.to_string());
    let table_region = s.region.clone().unwrap_or_else(|| region.to_string());
    serde_json::json!({
        "attemptsMade": 1,
        "arrivalTimestamp": arrival_ms,
        "ErrorCode": f.error_code,
        "ErrorMessage": f.error_message,
        "attemptEndingTimestamp": now,
        "rawData": STANDARD.encode(raw),
        "sequenceNumber": null,
        "subSequenceNumber": null,
        "dataCatalogTable": {
            "catalogId": catalog_id,
            "databaseName": s.database_name,
            "tableName": s.table_name,
            "region": table_region,
            "versionId": s.version_id.unwrap_or_else(|| "LATEST".into()),
            "catalogArn": format!("arn:aws:glue:{table_region}:{catalog_id}:catalog"),
        },
    })
    .to_string()
}

impl FirehoseEngine {
    /// Defines (or replaces) a table in the simulated Glue Data Catalog: `columns` as (name, Glue type).
    pub fn put_glue_table(&mut self, database: &str, table: &str, columns: &[(&str, &str)]) -> FirehoseResult<()> {
        if database.is_empty() || table.is_empty() {
            // Not AWS-verified text.
            return Err(FirehoseError::invalid_argument("A Glue table needs a database name and a table name."));
        }
        let schema = TableSchema::parse(columns).map_err(|e| FirehoseError::invalid_argument(e.to_string()))?;
        self.glue_tables.insert(format!("{database}.{table}"), schema);
        Ok(())
    }

    pub fn glue_tables(&self) -> impl Iterator<Item = (&String, &TableSchema)> {
        self.glue_tables.iter()
    }

    /// Converts a buffer's records into one Parquet file; records that do not convert go to
    /// `format-conversion-failed`. None when nothing converted (no object is written then).
    pub(super) fn convert_buffer(
        &mut self,
        name: &str,
        c: &DataFormatConversionConfiguration,
        buffer: &Buffer,
        delimiter_len: usize,
    ) -> Option<Vec<u8>> {
        let now = self.now_ms;
        let oldest = buffer.oldest_arrival_ms().unwrap_or(now);
        let records = buffer.record_slices(delimiter_len);
        let (region, account) = (self.config.region.clone(), self.config.account_id.clone());
        let fail_all = |engine: &mut FirehoseEngine, code: &str, message: String| {
            let lines: Vec<String> = records
                .iter()
                .enumerate()
                .map(|(index, r)| {
                    let f = convert::ConversionFailure { index, error_code: code.to_string(), error_message: message.clone() };
                    failed_line(&f, r, oldest, now, c, &region, &account)
                })
                .collect();
            engine.write_error_output(name, FORMAT_CONVERSION_FAILED, &lines, oldest, delivery::ObjectKind::ErrorOutput);
        };
        let schema = c.table_key().and_then(|k| self.glue_tables.get(&k).cloned());
        let Some(schema) = schema else {
            // Not AWS-verified text.
            let message = format!("The Glue table {} does not exist.", c.table_key().unwrap_or_default());
            fail_all(self, convert::ERROR_CODE_INVALID_SCHEMA, message);
            return None;
        };
        let resolved = match resolve(c) {
            Ok(r) => r,
            Err(e) => {
                fail_all(self, convert::ERROR_CODE_INVALID_SCHEMA, e.message);
                return None;
            }
        };
        match convert_batch(&schema, &resolved.deserializer, &resolved.serializer, &records) {
            Ok(out) => {
                if !out.failures.is_empty() {
                    let lines: Vec<String> = out
                        .failures
                        .iter()
                        .filter_map(|f| records.get(f.index).map(|r| failed_line(f, r, oldest, now, c, &region, &account)))
                        .collect();
                    self.write_error_output(name, FORMAT_CONVERSION_FAILED, &lines, oldest, delivery::ObjectKind::ErrorOutput);
                }
                out.parquet
            }
            Err(e) => {
                fail_all(self, convert::ERROR_CODE_INVALID_SCHEMA, e.to_string());
                None
            }
        }
    }
}

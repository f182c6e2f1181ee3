//! Record format conversion: JSON records → one Apache Parquet file (FACTS.md §2 "Format conversion").
//!
//! A pure function over one buffer's records. The delivery stream's configuration carries the table
//! (`TableSchema`, which in AWS comes from a Glue table), the deserializer (`Deserializer`: OpenX or Hive
//! JSON SerDe) and the serializer (`Serializer`: Parquet; ORC is refused). Records that cannot be parsed
//! or do not fit the table are returned as failures for the `format-conversion-failed` error output;
//! the others become rows of the file.
//!
//! One record may hold several JSON objects one after another (`{"a":1}{"a":2}`, whitespace or newlines
//! between them allowed): each is a row. A JSON array of objects is not valid input (developer guide,
//! "Convert input data format", Deserializer). If any object in a record fails, the whole record fails
//! and none of its rows is written (our choice; not AWS-verified).

pub mod deserialize;
pub mod options;
pub mod parquet_file;
pub mod schema;
pub mod time;
mod writer;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use deserialize::Cell;
pub use options::{
    Deserializer, HiveJsonSerDe, OpenXJsonSerDe, ParquetCompression, ParquetSerDe, ParquetWriterVersion, Serializer,
};
pub use schema::{Column, GlueType, SchemaError, TableSchema};

use deserialize::{describe, RowReader};
use writer::ParquetRows;

/// Error code of a record that is not JSON, or not JSON objects. The two codes match what a public AWS
/// compatibility test suite (run against AWS as well as an emulator) expects in format-conversion-failed
/// output; the Firehose documentation does not list them. Not AWS-verified.
pub const ERROR_CODE_PARSE: &str = "DataFormatConversion.ParseError";
/// Error code of a record whose values do not fit the table's column types. Not AWS-verified.
pub const ERROR_CODE_MALFORMED_DATA: &str = "DataFormatConversion.MalformedData";
/// Error code for a table Firehose cannot use (for the engine when the schema is unusable). Not AWS-verified.
pub const ERROR_CODE_INVALID_SCHEMA: &str = "DataFormatConversion.InvalidSchema";

/// With format conversion on, the S3 buffer size is at least 64 MiB and defaults to 128 MiB (FACTS.md §2).
pub const CONVERSION_BUFFER_MIN_MIB: u32 = 64;
pub const CONVERSION_BUFFER_DEFAULT_MIB: u32 = 128;

/// One record that could not be converted.
///
/// The engine writes each under the error prefix (`format-conversion-failed`) as one JSON line with the
/// fields the developer guide lists ("Handling errors for data format conversion"): attemptsMade,
/// arrivalTimestamp, ErrorCode, ErrorMessage (capitalised so in that page), attemptEndingTimestamp, rawData
/// (base64), sequenceNumber, subSequenceNumber and dataCatalogTable {catalogId, databaseName, tableName,
/// region, versionId, catalogArn}.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversionFailure {
    /// Position of the record in the batch given to `convert_batch`.
    pub index: usize,
    pub error_code: String,
    /// Not AWS-verified text.
    pub error_message: String,
}

/// The result of converting a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionOutput {
    /// The Parquet file; None when no record converted.
    pub parquet: Option<Vec<u8>>,
    /// Rows in the file (a record with several JSON objects gives several rows).
    pub rows: u64,
    /// Failed records in batch order.
    pub failures: Vec<ConversionFailure>,
}

/// Why a whole batch could not be converted (a configuration problem, not a record's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConvertError {
    /// ORC output is not simulated.
    OrcNotSupported,
    /// A Hive timestamp format this simulator cannot read.
    InvalidDeserializer(String),
    /// The Parquet writer refused the data (a page or footer beyond the format's size fields; not expected,
    /// reported rather than panicking).
    Writer(String),
}

impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not AWS-verified text.
        match self {
            ConvertError::OrcNotSupported => write!(f, "ORC output (OrcSerDe) is not supported by this simulator"),
            ConvertError::InvalidDeserializer(reason) => write!(f, "invalid deserializer: {reason}"),
            ConvertError::Writer(reason) => write!(f, "Parquet writer failed: {reason}"),
        }
    }
}

impl std::error::Error for ConvertError {}

/// Converts a batch of records (each one's data bytes) into one Parquet file.
pub fn convert_batch(
    schema: &TableSchema,
    deserializer: &Deserializer,
    serializer: &Serializer,
    records: &[&[u8]],
) -> Result<ConversionOutput, ConvertError> {
    let parquet_serde = match serializer {
        Serializer::Parquet(serde) => serde,
        Serializer::Orc => return Err(ConvertError::OrcNotSupported),
    };
    let reader = RowReader::new(deserializer).map_err(ConvertError::InvalidDeserializer)?;
    let mut file = ParquetRows::new(schema).map_err(ConvertError::Writer)?;
    let mut rows: u64 = 0;
    let mut failures = Vec::new();
    for (index, record) in records.iter().enumerate() {
        match read_record(&reader, schema, record) {
            Ok(record_rows) => {
                for row in &record_rows {
                    file.push(row);
                }
                rows += record_rows.len() as u64;
            }
            Err((error_code, error_message)) => {
                failures.push(ConversionFailure { index, error_code: error_code.to_string(), error_message })
            }
        }
    }
    let parquet = if rows == 0 {
        None
    } else {
        Some(file.finish(parquet_serde).map_err(ConvertError::Writer)?)
    };
    Ok(ConversionOutput { parquet, rows, failures })
}

/// Reads every JSON object of one record into rows, or says why the record fails.
fn read_record(
    reader: &RowReader,
    schema: &TableSchema,
    record: &[u8],
) -> Result<Vec<deserialize::Row>, (&'static str, String)> {
    let mut rows = Vec::new();
    for document in serde_json::Deserializer::from_slice(record).into_iter::<Value>() {
        // Not AWS-verified texts.
        let document = document.map_err(|e| (ERROR_CODE_PARSE, format!("the record is not valid JSON: {e}")))?;
        match document {
            Value::Object(object) => {
                rows.push(reader.read_row(schema, &object).map_err(|message| (ERROR_CODE_MALFORMED_DATA, message))?)
            }
            other => {
                return Err((ERROR_CODE_PARSE, format!("expected a JSON object, found {}", describe(&other))));
            }
        }
    }
    if rows.is_empty() {
        return Err((ERROR_CODE_PARSE, "the record holds no JSON object".into())); // Not AWS-verified text.
    }
    Ok(rows)
}

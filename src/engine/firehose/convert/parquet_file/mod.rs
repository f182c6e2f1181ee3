//! A small Parquet file writer: exactly what Firehose's record format conversion produces, and no more.
//!
//! Layout (parquet-format, README "File format" and parquet.thrift): the magic `PAR1`, one row group holding
//! one column chunk per leaf column, each chunk an optional dictionary page plus a single data page, then the
//! footer: the Thrift compact-protocol `FileMetaData`, its length as 4 little-endian bytes, and `PAR1` again.
//!
//! Values are PLAIN (or dictionary indexes when asked for); definition and repetition levels use the
//! RLE / bit-packing hybrid (RLE runs only). No statistics, page indexes or bloom filters are written: all
//! are optional in the format. The parquet crate is kept as a dev-dependency to read these files back in tests,
//! and the Python client tests read them with pyarrow, so two independent readers check the output.

mod levels;
mod page;
pub mod thrift;

use thrift::{CompactWriter, TYPE_LIST, TYPE_STRUCT};

/// The 4 bytes that open and close every Parquet file (parquet-format README, "File format").
pub const MAGIC: &[u8; 4] = b"PAR1";
/// `FileMetaData.created_by`: names the writing application.
pub const CREATED_BY: &str = concat!("kinesis-lab version ", env!("CARGO_PKG_VERSION"));

/// Physical types (parquet.thrift `Type`); FIXED_LEN_BYTE_ARRAY carries its byte length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhysicalType {
    Boolean,
    Int32,
    Int64,
    Int96,
    Float,
    Double,
    ByteArray,
    FixedLenByteArray(i32),
}

impl PhysicalType {
    fn code(self) -> i32 {
        match self {
            PhysicalType::Boolean => 0,
            PhysicalType::Int32 => 1,
            PhysicalType::Int64 => 2,
            PhysicalType::Int96 => 3,
            PhysicalType::Float => 4,
            PhysicalType::Double => 5,
            PhysicalType::ByteArray => 6,
            PhysicalType::FixedLenByteArray(_) => 7,
        }
    }
}

/// parquet.thrift `FieldRepetitionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repetition {
    Required = 0,
    Optional = 1,
    Repeated = 2,
}

/// The annotations this writer uses, each written both as the legacy `ConvertedType` and as the newer
/// `LogicalType` so that old and new readers agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annotation {
    String,
    /// Signed integer of 8 or 16 bits stored in INT32.
    SignedInt(u8),
    Date,
    Decimal { precision: i32, scale: i32 },
    List,
    Map,
}

/// parquet.thrift `ConvertedType` values.
const CONVERTED_UTF8: i32 = 0;
const CONVERTED_MAP: i32 = 1;
const CONVERTED_LIST: i32 = 3;
const CONVERTED_DECIMAL: i32 = 5;
const CONVERTED_DATE: i32 = 6;
const CONVERTED_INT_8: i32 = 15;
const CONVERTED_INT_16: i32 = 16;

/// parquet.thrift `CompressionCodec` values, the three ParquetSerDe offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Uncompressed = 0,
    Snappy = 1,
    Gzip = 2,
}

/// Data page format: `DATA_PAGE` (format version 1) or `DATA_PAGE_V2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageVersion {
    V1,
    V2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    pub codec: Codec,
    pub version: PageVersion,
    /// Dictionary-encode every non-boolean column that has values.
    pub dictionary: bool,
}

/// One node of the schema tree, flattened depth first (a group is followed by its `num_children` subtrees),
/// as `FileMetaData.schema` lists them. The first element is the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaElement {
    pub name: String,
    /// None only for the root.
    pub repetition: Option<Repetition>,
    /// Set for leaves; groups have `num_children` instead.
    pub physical: Option<PhysicalType>,
    pub num_children: Option<i32>,
    pub annotation: Option<Annotation>,
}

/// The non-null values of one leaf column.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Bool(Vec<bool>),
    /// Every other type: the PLAIN encoding of each value, concatenated, and where each value ends.
    Plain { bytes: Vec<u8>, ends: Vec<usize> },
}

impl Values {
    pub fn plain() -> Values {
        Values::Plain { bytes: Vec::new(), ends: Vec::new() }
    }

    /// Appends one value already in PLAIN encoding (not for booleans).
    pub fn push_plain(&mut self, value: &[u8]) {
        if let Values::Plain { bytes, ends } = self {
            bytes.extend_from_slice(value);
            ends.push(bytes.len());
        }
    }
}

/// One leaf column, shredded: a definition and a repetition level per entry (null or not), and the values.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub physical: PhysicalType,
    /// Names from the root's child down to the leaf (`ColumnMetaData.path_in_schema`).
    pub path: Vec<String>,
    pub max_def: i16,
    pub max_rep: i16,
    pub defs: Vec<i16>,
    pub reps: Vec<i16>,
    pub values: Values,
}

/// Writes a whole file: `schema` as `FileMetaData.schema`, one column chunk per entry of `columns` (in the
/// schema's leaf order), `num_rows` records.
pub fn write_file(
    schema: &[SchemaElement],
    columns: &[Column],
    num_rows: i64,
    options: &WriteOptions,
) -> Result<Vec<u8>, String> {
    let mut file = MAGIC.to_vec();
    let mut chunks_meta = Vec::with_capacity(columns.len());
    for column in columns {
        let start = file.len();
        let chunk = page::write_chunk(column, options)?;
        file.extend_from_slice(&chunk.bytes);
        chunks_meta.push(ChunkMeta {
            start: start as i64,
            data_page_offset: (start + chunk.data_page_start) as i64,
            has_dictionary: chunk.has_dictionary,
            compressed_bytes: chunk.bytes.len() as i64,
            uncompressed_bytes: chunk.uncompressed_bytes as i64,
            encodings: chunk.encodings,
        });
    }
    let footer = file_metadata(schema, columns, &chunks_meta, num_rows, options);
    let footer_len = u32::try_from(footer.len()).map_err(|_| "the Parquet footer exceeds 4 GiB".to_string())?;
    file.extend_from_slice(&footer);
    file.extend_from_slice(&footer_len.to_le_bytes());
    file.extend_from_slice(MAGIC);
    Ok(file)
}

/// Where a chunk landed in the file and what it holds.
struct ChunkMeta {
    start: i64,
    data_page_offset: i64,
    has_dictionary: bool,
    compressed_bytes: i64,
    uncompressed_bytes: i64,
    encodings: Vec<i32>,
}

/// parquet.thrift `FileMetaData`.
fn file_metadata(
    schema: &[SchemaElement],
    columns: &[Column],
    chunks: &[ChunkMeta],
    num_rows: i64,
    options: &WriteOptions,
) -> Vec<u8> {
    let mut w = CompactWriter::new();
    w.i32_field(1, if options.version == PageVersion::V2 { 2 } else { 1 });
    w.field(2, TYPE_LIST);
    w.list(TYPE_STRUCT, schema.len());
    for element in schema {
        w.begin_struct();
        schema_element(&mut w, element);
        w.end_struct();
    }
    w.i64_field(3, num_rows);
    // One RowGroup.
    w.field(4, TYPE_LIST);
    w.list(TYPE_STRUCT, 1);
    w.begin_struct();
    w.field(1, TYPE_LIST);
    w.list(TYPE_STRUCT, columns.len());
    for (column, chunk) in columns.iter().zip(chunks) {
        // ColumnChunk: file_offset (required by older readers), then the ColumnMetaData.
        w.begin_struct();
        w.i64_field(2, chunk.start);
        w.struct_field(3);
        w.i32_field(1, column.physical.code());
        w.i32_list_field(2, &chunk.encodings);
        w.string_list_field(3, &column.path);
        w.i32_field(4, options.codec as i32);
        w.i64_field(5, column.defs.len() as i64);
        w.i64_field(6, chunk.uncompressed_bytes);
        w.i64_field(7, chunk.compressed_bytes);
        w.i64_field(9, chunk.data_page_offset);
        if chunk.has_dictionary {
            w.i64_field(11, chunk.start);
        }
        w.end_struct();
        w.end_struct();
    }
    w.i64_field(2, chunks.iter().map(|c| c.uncompressed_bytes).sum());
    w.i64_field(3, num_rows);
    w.i64_field(5, chunks.first().map_or(MAGIC.len() as i64, |c| c.start));
    w.i64_field(6, chunks.iter().map(|c| c.compressed_bytes).sum());
    w.i16_field(7, 0);
    w.end_struct();
    w.string_field(6, CREATED_BY);
    w.finish()
}

/// parquet.thrift `SchemaElement`, with its annotation as both ConvertedType and LogicalType.
fn schema_element(w: &mut CompactWriter, element: &SchemaElement) {
    if let Some(physical) = element.physical {
        w.i32_field(1, physical.code());
        if let PhysicalType::FixedLenByteArray(length) = physical {
            w.i32_field(2, length);
        }
    }
    if let Some(repetition) = element.repetition {
        w.i32_field(3, repetition as i32);
    }
    w.string_field(4, &element.name);
    if let Some(children) = element.num_children {
        w.i32_field(5, children);
    }
    let Some(annotation) = element.annotation else { return };
    let converted = match annotation {
        Annotation::String => CONVERTED_UTF8,
        Annotation::SignedInt(8) => CONVERTED_INT_8,
        Annotation::SignedInt(_) => CONVERTED_INT_16,
        Annotation::Date => CONVERTED_DATE,
        Annotation::Decimal { .. } => CONVERTED_DECIMAL,
        Annotation::List => CONVERTED_LIST,
        Annotation::Map => CONVERTED_MAP,
    };
    w.i32_field(6, converted);
    if let Annotation::Decimal { precision, scale } = annotation {
        w.i32_field(7, scale);
        w.i32_field(8, precision);
    }
    // LogicalType is a union: exactly one field set, whose id names the kind.
    w.struct_field(10);
    match annotation {
        Annotation::String => w.empty_struct_field(1),
        Annotation::Map => w.empty_struct_field(2),
        Annotation::List => w.empty_struct_field(3),
        Annotation::Decimal { precision, scale } => {
            w.struct_field(5);
            w.i32_field(1, scale);
            w.i32_field(2, precision);
            w.end_struct();
        }
        Annotation::Date => w.empty_struct_field(6),
        Annotation::SignedInt(bits) => {
            w.struct_field(10);
            w.i8_field(1, bits as i8);
            w.bool_field(2, true);
            w.end_struct();
        }
    }
    w.end_struct();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_int_column(values: &[Option<i32>]) -> (Vec<SchemaElement>, Vec<Column>) {
        let schema = vec![
            SchemaElement {
                name: "root".into(),
                repetition: None,
                physical: None,
                num_children: Some(1),
                annotation: None,
            },
            SchemaElement {
                name: "i".into(),
                repetition: Some(Repetition::Optional),
                physical: Some(PhysicalType::Int32),
                num_children: None,
                annotation: None,
            },
        ];
        let mut column = Column {
            physical: PhysicalType::Int32,
            path: vec!["i".into()],
            max_def: 1,
            max_rep: 0,
            defs: Vec::new(),
            reps: Vec::new(),
            values: Values::plain(),
        };
        for v in values {
            column.defs.push(i16::from(v.is_some()));
            column.reps.push(0);
            if let Some(v) = v {
                column.values.push_plain(&v.to_le_bytes());
            }
        }
        (schema, vec![column])
    }

    #[test]
    fn files_open_and_close_with_the_magic_and_end_with_the_footer_length() {
        let (schema, columns) = one_int_column(&[Some(1), None, Some(3)]);
        let options = WriteOptions { codec: Codec::Uncompressed, version: PageVersion::V1, dictionary: false };
        let file = write_file(&schema, &columns, 3, &options).unwrap();
        assert_eq!(&file[..4], MAGIC);
        assert_eq!(&file[file.len() - 4..], MAGIC);
        let footer_len = u32::from_le_bytes(file[file.len() - 8..file.len() - 4].try_into().unwrap()) as usize;
        let footer = &file[file.len() - 8 - footer_len..file.len() - 8];
        // FileMetaData opens with field 1 (version 1) and ends with created_by and the stop byte.
        assert_eq!(&footer[..2], [0x15, 0x02]);
        assert!(footer.ends_with(&[CREATED_BY.as_bytes(), &[0]].concat()));
        // The PLAIN values 1 and 3 are the last 8 bytes of the only page, just before the footer.
        let values_end = file.len() - 8 - footer_len;
        assert_eq!(&file[values_end - 8..values_end], [1, 0, 0, 0, 3, 0, 0, 0]);
    }

    #[test]
    fn the_dictionary_page_comes_first_and_the_data_page_offset_follows_it() {
        let (schema, columns) = one_int_column(&[Some(7), Some(7), Some(7)]);
        let options = WriteOptions { codec: Codec::Uncompressed, version: PageVersion::V2, dictionary: true };
        let chunk = page::write_chunk(&columns[0], &options).unwrap();
        assert!(chunk.has_dictionary && chunk.data_page_start > 0);
        // Dictionary page header: type 2 (DICTIONARY_PAGE), then one 4-byte entry as its body.
        assert_eq!(&chunk.bytes[..2], [0x15, 0x04]);
        assert_eq!(&chunk.bytes[chunk.data_page_start - 4..chunk.data_page_start], [7, 0, 0, 0]);
        // Data page v2 header: type 3.
        assert_eq!(&chunk.bytes[chunk.data_page_start..chunk.data_page_start + 2], [0x15, 0x06]);
        assert!(chunk.encodings.contains(&page::ENCODING_RLE_DICTIONARY));
        let file = write_file(&schema, &columns, 3, &options).unwrap();
        assert_eq!(&file[4..4 + chunk.bytes.len()], chunk.bytes.as_slice());
    }
}

//! Rows of cells → one Parquet file, through the parquet crate's column writers (no Arrow).
//!
//! Every column and struct field is OPTIONAL (Hive columns are nullable). Lists and maps use the standard
//! three-level layouts of the Parquet format (`LIST` → repeated `list` → `element`; `MAP` → repeated
//! `key_value` → required `key`, optional `value`). Rows are shredded into per-leaf definition and repetition
//! levels (Dremel), so any nesting the schema parser accepts is written.
//!
//! Physical types: strings BYTE_ARRAY (STRING), binary BYTE_ARRAY, tinyint/smallint INT32 with INT(8)/INT(16),
//! int INT32, bigint INT64, float FLOAT, double DOUBLE, date INT32 (DATE), decimal(p ≤ 9) INT32,
//! decimal(p ≤ 18) INT64, larger decimals FIXED_LEN_BYTE_ARRAY, all with DECIMAL(p,s). Timestamps are
//! INT96 (nanoseconds of day + Julian day), as Hive's Parquet writer stores them; that Firehose writes
//! INT96 too is our reading, not AWS-verified.

use std::sync::Arc;

use parquet::basic::{Compression, GzipLevel, LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{
    BoolType, ByteArray, ByteArrayType, DoubleType, FixedLenByteArray, FixedLenByteArrayType, FloatType, Int32Type,
    Int64Type, Int96, Int96Type,
};
use parquet::file::properties::{WriterProperties, WriterVersion};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{Type, TypePtr};

use super::deserialize::Cell;
use super::options::{ParquetCompression, ParquetSerDe, ParquetWriterVersion};
use super::schema::{GlueType, TableSchema};
use super::time::NANOS_PER_DAY;

/// The Julian day number of 1970-01-01, INT96's day origin.
const JULIAN_DAY_OF_UNIX_EPOCH: i128 = 2_440_588;
/// The Parquet schema's root name, as Hive names it.
const ROOT_NAME: &str = "hive_schema";

/// Values of one leaf column (only the non-null ones).
enum LeafValues {
    Bool(Vec<bool>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    I96(Vec<Int96>),
    Bytes(Vec<ByteArray>),
    /// Big-endian two's complement decimals of this many bytes.
    Fixed(usize, Vec<FixedLenByteArray>),
}

struct Leaf {
    values: LeafValues,
    defs: Vec<i16>,
    reps: Vec<i16>,
    max_rep: i16,
}

/// The shape of a column, with indexes of its leaves.
enum Node {
    Leaf { leaf: usize, required: bool },
    Struct(Vec<Node>),
    /// The element node and the repetition level of the list's items.
    List(Box<Node>, i16),
    /// The key leaf, the value node and the repetition level of the entries.
    Map { key: usize, value: Box<Node>, rep: i16 },
}

/// Builds the file's schema and collects shredded rows.
pub struct ParquetRows {
    root: TypePtr,
    columns: Vec<Node>,
    leaves: Vec<Leaf>,
}

fn build_err(e: parquet::errors::ParquetError) -> String {
    format!("cannot build the Parquet schema: {e}")
}

/// Bytes of a FIXED_LEN_BYTE_ARRAY that hold every decimal of this precision (smallest n with
/// 2^(8n−1) > 10^p).
fn decimal_bytes(precision: u8) -> usize {
    let limit = 10f64.powi(i32::from(precision));
    (1..=16).find(|n| 2f64.powi(8 * *n as i32 - 1) > limit).unwrap_or(16)
}

impl ParquetRows {
    pub fn new(schema: &TableSchema) -> Result<ParquetRows, String> {
        let mut leaves = Vec::new();
        let mut fields = Vec::new();
        let mut columns = Vec::new();
        for column in &schema.columns {
            let (field, node) = build(&column.name, &column.glue_type, Repetition::OPTIONAL, 0, &mut leaves)?;
            fields.push(field);
            columns.push(node);
        }
        let root = Type::group_type_builder(ROOT_NAME).with_fields(fields).build().map_err(build_err)?;
        Ok(ParquetRows { root: Arc::new(root), columns, leaves })
    }

    /// Adds one row (cells in the schema's column order).
    pub fn push(&mut self, row: &[Option<Cell>]) {
        for (node, cell) in self.columns.iter().zip(row) {
            shred(node, cell.as_ref(), 0, 0, &mut self.leaves);
        }
    }

    /// Writes every collected row as one row group and returns the file.
    pub fn finish(self, serde: &ParquetSerDe) -> Result<Vec<u8>, parquet::errors::ParquetError> {
        let compression = match serde.compression {
            ParquetCompression::Uncompressed => Compression::UNCOMPRESSED,
            ParquetCompression::Gzip => Compression::GZIP(GzipLevel::default()),
            ParquetCompression::Snappy => Compression::SNAPPY,
        };
        let writer_version = match serde.writer_version {
            ParquetWriterVersion::V1 => WriterVersion::PARQUET_1_0,
            ParquetWriterVersion::V2 => WriterVersion::PARQUET_2_0,
        };
        let properties = WriterProperties::builder()
            .set_compression(compression)
            .set_writer_version(writer_version)
            .set_data_page_size_limit(usize::try_from(serde.page_size_bytes).unwrap_or(usize::MAX).max(1))
            .set_dictionary_enabled(serde.enable_dictionary_compression)
            .build();
        let mut writer = SerializedFileWriter::new(Vec::new(), self.root, Arc::new(properties))?;
        let mut group = writer.next_row_group()?;
        for leaf in &self.leaves {
            let Some(mut column) = group.next_column()? else { break };
            let defs = Some(leaf.defs.as_slice());
            let reps = (leaf.max_rep > 0).then_some(leaf.reps.as_slice());
            match &leaf.values {
                LeafValues::Bool(v) => column.typed::<BoolType>().write_batch(v, defs, reps)?,
                LeafValues::I32(v) => column.typed::<Int32Type>().write_batch(v, defs, reps)?,
                LeafValues::I64(v) => column.typed::<Int64Type>().write_batch(v, defs, reps)?,
                LeafValues::F32(v) => column.typed::<FloatType>().write_batch(v, defs, reps)?,
                LeafValues::F64(v) => column.typed::<DoubleType>().write_batch(v, defs, reps)?,
                LeafValues::I96(v) => column.typed::<Int96Type>().write_batch(v, defs, reps)?,
                LeafValues::Bytes(v) => column.typed::<ByteArrayType>().write_batch(v, defs, reps)?,
                LeafValues::Fixed(_, v) => column.typed::<FixedLenByteArrayType>().write_batch(v, defs, reps)?,
            };
            column.close()?;
        }
        group.close()?;
        writer.into_inner()
    }
}

fn primitive(name: &str, physical: PhysicalType, repetition: Repetition) -> parquet::schema::types::PrimitiveTypeBuilder<'_> {
    Type::primitive_type_builder(name, physical).with_repetition(repetition)
}

fn build(
    name: &str,
    glue_type: &GlueType,
    repetition: Repetition,
    rep: i16,
    leaves: &mut Vec<Leaf>,
) -> Result<(TypePtr, Node), String> {
    let mut add_leaf = |values: LeafValues| {
        leaves.push(Leaf { values, defs: Vec::new(), reps: Vec::new(), max_rep: rep });
        Node::Leaf { leaf: leaves.len() - 1, required: repetition == Repetition::REQUIRED }
    };
    let (field, node) = match glue_type {
        GlueType::String | GlueType::Varchar(_) | GlueType::Char(_) => (
            primitive(name, PhysicalType::BYTE_ARRAY, repetition).with_logical_type(Some(LogicalType::String)).build(),
            add_leaf(LeafValues::Bytes(Vec::new())),
        ),
        GlueType::Binary => {
            (primitive(name, PhysicalType::BYTE_ARRAY, repetition).build(), add_leaf(LeafValues::Bytes(Vec::new())))
        }
        GlueType::Boolean => {
            (primitive(name, PhysicalType::BOOLEAN, repetition).build(), add_leaf(LeafValues::Bool(Vec::new())))
        }
        GlueType::Tinyint | GlueType::Smallint => {
            let bits = if *glue_type == GlueType::Tinyint { 8 } else { 16 };
            (
                primitive(name, PhysicalType::INT32, repetition)
                    .with_logical_type(Some(LogicalType::integer(bits, true)))
                    .build(),
                add_leaf(LeafValues::I32(Vec::new())),
            )
        }
        GlueType::Int => (primitive(name, PhysicalType::INT32, repetition).build(), add_leaf(LeafValues::I32(Vec::new()))),
        GlueType::Bigint => {
            (primitive(name, PhysicalType::INT64, repetition).build(), add_leaf(LeafValues::I64(Vec::new())))
        }
        GlueType::Float => (primitive(name, PhysicalType::FLOAT, repetition).build(), add_leaf(LeafValues::F32(Vec::new()))),
        GlueType::Double => {
            (primitive(name, PhysicalType::DOUBLE, repetition).build(), add_leaf(LeafValues::F64(Vec::new())))
        }
        GlueType::Date => (
            primitive(name, PhysicalType::INT32, repetition).with_logical_type(Some(LogicalType::Date)).build(),
            add_leaf(LeafValues::I32(Vec::new())),
        ),
        GlueType::Timestamp => {
            (primitive(name, PhysicalType::INT96, repetition).build(), add_leaf(LeafValues::I96(Vec::new())))
        }
        GlueType::Decimal { precision, scale } => {
            let (physical, values, length) = match precision {
                0..=9 => (PhysicalType::INT32, LeafValues::I32(Vec::new()), -1),
                10..=18 => (PhysicalType::INT64, LeafValues::I64(Vec::new()), -1),
                _ => {
                    let n = decimal_bytes(*precision);
                    (PhysicalType::FIXED_LEN_BYTE_ARRAY, LeafValues::Fixed(n, Vec::new()), n as i32)
                }
            };
            (
                primitive(name, physical, repetition)
                    .with_length(length)
                    .with_precision(i32::from(*precision))
                    .with_scale(i32::from(*scale))
                    .with_logical_type(Some(LogicalType::decimal(i32::from(*scale), i32::from(*precision))))
                    .build(),
                add_leaf(values),
            )
        }
        GlueType::Struct(fields) => {
            let mut types = Vec::with_capacity(fields.len());
            let mut nodes = Vec::with_capacity(fields.len());
            for f in fields {
                let (t, n) = build(&f.name, &f.glue_type, Repetition::OPTIONAL, rep, leaves)?;
                types.push(t);
                nodes.push(n);
            }
            (
                Type::group_type_builder(name).with_repetition(repetition).with_fields(types).build(),
                Node::Struct(nodes),
            )
        }
        GlueType::Array(element) => {
            let (element_type, element_node) = build("element", element, Repetition::OPTIONAL, rep + 1, leaves)?;
            let list = Type::group_type_builder("list")
                .with_repetition(Repetition::REPEATED)
                .with_fields(vec![element_type])
                .build()
                .map_err(build_err)?;
            (
                Type::group_type_builder(name)
                    .with_repetition(repetition)
                    .with_logical_type(Some(LogicalType::List))
                    .with_fields(vec![Arc::new(list)])
                    .build(),
                Node::List(Box::new(element_node), rep + 1),
            )
        }
        GlueType::Map(key, value) => {
            let (key_type, key_node) = build("key", key, Repetition::REQUIRED, rep + 1, leaves)?;
            let Node::Leaf { leaf: key_leaf, .. } = key_node else {
                return Err("map keys must be a primitive type".into());
            };
            let (value_type, value_node) = build("value", value, Repetition::OPTIONAL, rep + 1, leaves)?;
            let entries = Type::group_type_builder("key_value")
                .with_repetition(Repetition::REPEATED)
                .with_fields(vec![key_type, value_type])
                .build()
                .map_err(build_err)?;
            (
                Type::group_type_builder(name)
                    .with_repetition(repetition)
                    .with_logical_type(Some(LogicalType::Map))
                    .with_fields(vec![Arc::new(entries)])
                    .build(),
                Node::Map { key: key_leaf, value: Box::new(value_node), rep: rep + 1 },
            )
        }
    };
    Ok((Arc::new(field.map_err(build_err)?), node))
}

/// Records `def`/`rep` with no value on every leaf under `node` (a null or empty container).
fn null_all(node: &Node, def: i16, rep: i16, leaves: &mut [Leaf]) {
    match node {
        Node::Leaf { leaf, .. } => {
            leaves[*leaf].defs.push(def);
            leaves[*leaf].reps.push(rep);
        }
        Node::Struct(children) => children.iter().for_each(|c| null_all(c, def, rep, leaves)),
        Node::List(element, _) => null_all(element, def, rep, leaves),
        Node::Map { key, value, .. } => {
            leaves[*key].defs.push(def);
            leaves[*key].reps.push(rep);
            null_all(value, def, rep, leaves);
        }
    }
}

/// Shreds one value into its leaves: `def` counts the present optional/repeated ancestors, `rep` is the
/// repetition level this value starts at.
fn shred(node: &Node, cell: Option<&Cell>, def: i16, rep: i16, leaves: &mut [Leaf]) {
    match (node, cell) {
        (Node::Leaf { leaf, required }, Some(cell)) => {
            let target = &mut leaves[*leaf];
            target.defs.push(if *required { def } else { def + 1 });
            target.reps.push(rep);
            push_value(&mut target.values, cell);
        }
        (Node::Struct(children), Some(Cell::Struct(values))) => {
            for (child, value) in children.iter().zip(values) {
                shred(child, value.as_ref(), def + 1, rep, leaves);
            }
        }
        (Node::List(element, item_rep), Some(Cell::List(items))) => {
            if items.is_empty() {
                null_all(node, def + 1, rep, leaves);
            }
            for (i, item) in items.iter().enumerate() {
                shred(element, item.as_ref(), def + 2, if i == 0 { rep } else { *item_rep }, leaves);
            }
        }
        (Node::Map { key, value, rep: item_rep }, Some(Cell::Map(entries))) => {
            if entries.is_empty() {
                null_all(node, def + 1, rep, leaves);
            }
            for (i, (k, v)) in entries.iter().enumerate() {
                let r = if i == 0 { rep } else { *item_rep };
                let key_leaf = &mut leaves[*key];
                key_leaf.defs.push(def + 2);
                key_leaf.reps.push(r);
                push_value(&mut key_leaf.values, k);
                shred(value, v.as_ref(), def + 2, r, leaves);
            }
        }
        // A null (or, never in practice, a cell of another shape than the schema's).
        _ => null_all(node, def, rep, leaves),
    }
}

fn push_value(values: &mut LeafValues, cell: &Cell) {
    match (values, cell) {
        (LeafValues::Bool(v), Cell::Bool(b)) => v.push(*b),
        (LeafValues::I32(v), Cell::I32(i) | Cell::Date(i)) => v.push(*i),
        (LeafValues::I32(v), Cell::Decimal(d)) => v.push(*d as i32),
        (LeafValues::I64(v), Cell::I64(i)) => v.push(*i),
        (LeafValues::I64(v), Cell::Decimal(d)) => v.push(*d as i64),
        (LeafValues::F32(v), Cell::F32(f)) => v.push(*f),
        (LeafValues::F64(v), Cell::F64(f)) => v.push(*f),
        (LeafValues::Bytes(v), Cell::Bytes(b)) => v.push(ByteArray::from(b.clone())),
        (LeafValues::Fixed(n, v), Cell::Decimal(d)) => {
            let bytes = d.to_be_bytes();
            v.push(FixedLenByteArray::from(bytes[16 - *n..].to_vec()));
        }
        (LeafValues::I96(v), Cell::Timestamp(nanos)) => {
            let days = nanos.div_euclid(NANOS_PER_DAY);
            let nanos_of_day = nanos.rem_euclid(NANOS_PER_DAY) as u64;
            let mut value = Int96::new();
            value.set_data(nanos_of_day as u32, (nanos_of_day >> 32) as u32, (days + JULIAN_DAY_OF_UNIX_EPOCH) as u32);
            v.push(value);
        }
        // Cells are built from the same schema as the leaves, so no other pairing occurs.
        _ => {}
    }
}

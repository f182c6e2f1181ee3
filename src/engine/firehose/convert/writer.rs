//! Rows of cells → one Parquet file, through our own writer (`super::parquet_file`).
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

use super::deserialize::Cell;
use super::options::{ParquetCompression, ParquetSerDe, ParquetWriterVersion};
use super::parquet_file::{
    write_file, Annotation, Codec, Column, PageVersion, PhysicalType, Repetition, SchemaElement, Values, WriteOptions,
};
use super::schema::{GlueType, TableSchema};
use super::time::NANOS_PER_DAY;

/// The Julian day number of 1970-01-01, INT96's day origin.
const JULIAN_DAY_OF_UNIX_EPOCH: i128 = 2_440_588;
/// The Parquet schema's root name, as Hive names it.
const ROOT_NAME: &str = "hive_schema";

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
    schema: Vec<SchemaElement>,
    columns: Vec<Node>,
    leaves: Vec<Column>,
    rows: i64,
}

/// Bytes of a FIXED_LEN_BYTE_ARRAY that hold every decimal of this precision (smallest n with
/// 2^(8n−1) > 10^p).
fn decimal_bytes(precision: u8) -> usize {
    let limit = 10f64.powi(i32::from(precision));
    (1..=16).find(|n| 2f64.powi(8 * *n as i32 - 1) > limit).unwrap_or(16)
}

impl ParquetRows {
    pub fn new(schema: &TableSchema) -> Result<ParquetRows, String> {
        let mut builder = Builder { schema: Vec::new(), leaves: Vec::new(), path: Vec::new() };
        builder.schema.push(SchemaElement {
            name: ROOT_NAME.to_string(),
            repetition: None,
            physical: None,
            num_children: Some(schema.columns.len() as i32),
            annotation: None,
        });
        let mut columns = Vec::new();
        for column in &schema.columns {
            columns.push(builder.build(&column.name, &column.glue_type, Repetition::Optional, 0, 0)?);
        }
        Ok(ParquetRows { schema: builder.schema, columns, leaves: builder.leaves, rows: 0 })
    }

    /// Adds one row (cells in the schema's column order).
    pub fn push(&mut self, row: &[Option<Cell>]) {
        for (node, cell) in self.columns.iter().zip(row) {
            shred(node, cell.as_ref(), 0, 0, &mut self.leaves);
        }
        self.rows += 1;
    }

    /// Writes every collected row as one row group and returns the file. ParquetSerDe's `PageSizeBytes` and
    /// `BlockSizeBytes` are not applied: each column chunk is a single data page in the only row group.
    /// `EnableDictionaryCompression` dictionary-encodes every non-boolean column.
    pub fn finish(self, serde: &ParquetSerDe) -> Result<Vec<u8>, String> {
        let options = WriteOptions {
            codec: match serde.compression {
                ParquetCompression::Uncompressed => Codec::Uncompressed,
                ParquetCompression::Gzip => Codec::Gzip,
                ParquetCompression::Snappy => Codec::Snappy,
            },
            version: match serde.writer_version {
                ParquetWriterVersion::V1 => PageVersion::V1,
                ParquetWriterVersion::V2 => PageVersion::V2,
            },
            dictionary: serde.enable_dictionary_compression,
        };
        write_file(&self.schema, &self.leaves, self.rows, &options)
            .map_err(|e| format!("cannot write the Parquet file: {e}"))
    }
}

/// Collects the flattened schema and the empty leaf columns while walking a Glue type.
struct Builder {
    schema: Vec<SchemaElement>,
    leaves: Vec<Column>,
    /// Names from the root's child down to the node being built.
    path: Vec<String>,
}

impl Builder {
    fn leaf(
        &mut self,
        name: &str,
        repetition: Repetition,
        physical: PhysicalType,
        annotation: Option<Annotation>,
        def: i16,
        rep: i16,
    ) -> Node {
        self.schema.push(SchemaElement {
            name: name.to_string(),
            repetition: Some(repetition),
            physical: Some(physical),
            num_children: None,
            annotation,
        });
        let required = repetition == Repetition::Required;
        self.leaves.push(Column {
            physical,
            path: self.path.clone(),
            max_def: if required { def } else { def + 1 },
            max_rep: rep,
            defs: Vec::new(),
            reps: Vec::new(),
            values: if physical == PhysicalType::Boolean { Values::Bool(Vec::new()) } else { Values::plain() },
        });
        Node::Leaf { leaf: self.leaves.len() - 1, required }
    }

    /// Adds a group element; returns its index so `num_children` can be filled in.
    fn group(&mut self, name: &str, repetition: Repetition, annotation: Option<Annotation>) -> usize {
        self.schema.push(SchemaElement {
            name: name.to_string(),
            repetition: Some(repetition),
            physical: None,
            num_children: Some(0),
            annotation,
        });
        self.schema.len() - 1
    }

    /// Adds `name` of type `glue_type` to the schema. `def` counts its optional or repeated ancestors, `rep`
    /// its repeated ones.
    fn build(
        &mut self,
        name: &str,
        glue_type: &GlueType,
        repetition: Repetition,
        def: i16,
        rep: i16,
    ) -> Result<Node, String> {
        self.path.push(name.to_string());
        let node = self.build_at(name, glue_type, repetition, def, rep);
        self.path.pop();
        node
    }

    fn build_at(
        &mut self,
        name: &str,
        glue_type: &GlueType,
        repetition: Repetition,
        def: i16,
        rep: i16,
    ) -> Result<Node, String> {
        let own_def = if repetition == Repetition::Required { def } else { def + 1 };
        let leaf = |b: &mut Builder, physical, annotation| Ok(b.leaf(name, repetition, physical, annotation, def, rep));
        match glue_type {
            GlueType::String | GlueType::Varchar(_) | GlueType::Char(_) => {
                leaf(self, PhysicalType::ByteArray, Some(Annotation::String))
            }
            GlueType::Binary => leaf(self, PhysicalType::ByteArray, None),
            GlueType::Boolean => leaf(self, PhysicalType::Boolean, None),
            GlueType::Tinyint => leaf(self, PhysicalType::Int32, Some(Annotation::SignedInt(8))),
            GlueType::Smallint => leaf(self, PhysicalType::Int32, Some(Annotation::SignedInt(16))),
            GlueType::Int => leaf(self, PhysicalType::Int32, None),
            GlueType::Bigint => leaf(self, PhysicalType::Int64, None),
            GlueType::Float => leaf(self, PhysicalType::Float, None),
            GlueType::Double => leaf(self, PhysicalType::Double, None),
            GlueType::Date => leaf(self, PhysicalType::Int32, Some(Annotation::Date)),
            GlueType::Timestamp => leaf(self, PhysicalType::Int96, None),
            GlueType::Decimal { precision, scale } => {
                let physical = match precision {
                    0..=9 => PhysicalType::Int32,
                    10..=18 => PhysicalType::Int64,
                    _ => PhysicalType::FixedLenByteArray(decimal_bytes(*precision) as i32),
                };
                let annotation = Annotation::Decimal { precision: i32::from(*precision), scale: i32::from(*scale) };
                leaf(self, physical, Some(annotation))
            }
            GlueType::Struct(fields) => {
                let group = self.group(name, repetition, None);
                let mut nodes = Vec::with_capacity(fields.len());
                for f in fields {
                    nodes.push(self.build(&f.name, &f.glue_type, Repetition::Optional, own_def, rep)?);
                }
                self.schema[group].num_children = Some(fields.len() as i32);
                Ok(Node::Struct(nodes))
            }
            GlueType::Array(element) => {
                // Three levels: the annotated LIST group, a repeated `list` group, the `element`.
                let outer = self.group(name, repetition, Some(Annotation::List));
                self.schema[outer].num_children = Some(1);
                let middle = self.group("list", Repetition::Repeated, None);
                self.schema[middle].num_children = Some(1);
                self.path.push("list".to_string());
                let element_node = self.build("element", element, Repetition::Optional, own_def + 1, rep + 1);
                self.path.pop();
                Ok(Node::List(Box::new(element_node?), rep + 1))
            }
            GlueType::Map(key, value) => {
                // Three levels: the annotated MAP group, a repeated `key_value` group, `key` and `value`.
                let outer = self.group(name, repetition, Some(Annotation::Map));
                self.schema[outer].num_children = Some(1);
                let middle = self.group("key_value", Repetition::Repeated, None);
                self.schema[middle].num_children = Some(2);
                self.path.push("key_value".to_string());
                let nodes = self.build("key", key, Repetition::Required, own_def + 1, rep + 1).and_then(|key_node| {
                    let value_node = self.build("value", value, Repetition::Optional, own_def + 1, rep + 1)?;
                    Ok((key_node, value_node))
                });
                self.path.pop();
                let (key_node, value_node) = nodes?;
                let Node::Leaf { leaf: key_leaf, .. } = key_node else {
                    return Err("map keys must be a primitive type".into());
                };
                Ok(Node::Map { key: key_leaf, value: Box::new(value_node), rep: rep + 1 })
            }
        }
    }
}

/// Records `def`/`rep` with no value on every leaf under `node` (a null or empty container).
fn null_all(node: &Node, def: i16, rep: i16, leaves: &mut [Column]) {
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
fn shred(node: &Node, cell: Option<&Cell>, def: i16, rep: i16, leaves: &mut [Column]) {
    match (node, cell) {
        (Node::Leaf { leaf, required }, Some(cell)) => {
            let target = &mut leaves[*leaf];
            target.defs.push(if *required { def } else { def + 1 });
            target.reps.push(rep);
            push_value(target, cell);
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
                push_value(key_leaf, k);
                shred(value, v.as_ref(), def + 2, r, leaves);
            }
        }
        // A null (or, never in practice, a cell of another shape than the schema's).
        _ => null_all(node, def, rep, leaves),
    }
}

/// Appends a cell's value to its leaf, in the PLAIN encoding of the leaf's physical type.
fn push_value(leaf: &mut Column, cell: &Cell) {
    let physical = leaf.physical;
    let values = &mut leaf.values;
    match (physical, cell) {
        (PhysicalType::Boolean, Cell::Bool(b)) => {
            if let Values::Bool(v) = values {
                v.push(*b);
            }
        }
        (PhysicalType::Int32, Cell::I32(i) | Cell::Date(i)) => values.push_plain(&i.to_le_bytes()),
        (PhysicalType::Int32, Cell::Decimal(d)) => values.push_plain(&(*d as i32).to_le_bytes()),
        (PhysicalType::Int64, Cell::I64(i)) => values.push_plain(&i.to_le_bytes()),
        (PhysicalType::Int64, Cell::Decimal(d)) => values.push_plain(&(*d as i64).to_le_bytes()),
        (PhysicalType::Float, Cell::F32(f)) => values.push_plain(&f.to_le_bytes()),
        (PhysicalType::Double, Cell::F64(f)) => values.push_plain(&f.to_le_bytes()),
        (PhysicalType::ByteArray, Cell::Bytes(b)) => {
            // BYTE_ARRAY: a 4-byte little-endian length, then the bytes.
            let mut value = Vec::with_capacity(4 + b.len());
            value.extend_from_slice(&(b.len() as u32).to_le_bytes());
            value.extend_from_slice(b);
            values.push_plain(&value);
        }
        (PhysicalType::FixedLenByteArray(n), Cell::Decimal(d)) => {
            // Big-endian two's complement, keeping the low `n` bytes (the precision fits in them).
            let bytes = d.to_be_bytes();
            let n = usize::try_from(n).unwrap_or(16).min(16);
            values.push_plain(&bytes[16 - n..]);
        }
        (PhysicalType::Int96, Cell::Timestamp(nanos)) => {
            // INT96: nanoseconds of the day (8 bytes), then the Julian day (4 bytes), both little-endian.
            let days = nanos.div_euclid(NANOS_PER_DAY);
            let nanos_of_day = nanos.rem_euclid(NANOS_PER_DAY) as u64;
            let mut value = [0u8; 12];
            value[..8].copy_from_slice(&nanos_of_day.to_le_bytes());
            value[8..].copy_from_slice(&((days + JULIAN_DAY_OF_UNIX_EPOCH) as u32).to_le_bytes());
            values.push_plain(&value);
        }
        // Cells are built from the same schema as the leaves, so no other pairing occurs.
        _ => {}
    }
}

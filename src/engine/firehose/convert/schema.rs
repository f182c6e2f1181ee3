//! The table a delivery stream converts into: columns with Glue (Hive) type strings.
//!
//! In AWS the columns come from the Glue Data Catalog table named by `SchemaConfiguration`; here the learner
//! writes them. Type strings follow Hive's DDL grammar as Glue stores it: `string`, `varchar(n)`, `char(n)`,
//! `boolean`, `tinyint`, `smallint`, `int` (or `integer`), `bigint`, `float`, `double`, `decimal(p,s)`,
//! `date`, `timestamp`, `binary`, `array<T>`, `map<K,V>` and `struct<a:T,...>`, nested to any depth
//! (map keys must be primitive, as in Hive). Not supported: `uniontype<...>`, `interval` types.

use serde::{Deserialize, Serialize};

/// Hive's limits on `decimal(p,s)`: 1 ≤ p ≤ 38, 0 ≤ s ≤ p (Hive language manual, Decimals).
pub const DECIMAL_MAX_PRECISION: u8 = 38;
/// Hive's limits on `varchar(n)`: 1 ≤ n ≤ 65535 (Hive language manual, Varchar).
pub const VARCHAR_MAX_LENGTH: u32 = 65_535;
/// Hive's limits on `char(n)`: 1 ≤ n ≤ 255 (Hive language manual, Char).
pub const CHAR_MAX_LENGTH: u32 = 255;
/// Depth of nesting accepted, to keep recursion bounded on learner input. Not an AWS limit.
pub const MAX_TYPE_DEPTH: usize = 16;

/// A Glue/Hive column type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GlueType {
    String,
    Varchar(u32),
    Char(u32),
    Boolean,
    Tinyint,
    Smallint,
    Int,
    Bigint,
    Float,
    Double,
    Decimal { precision: u8, scale: u8 },
    Date,
    Timestamp,
    Binary,
    Array(Box<GlueType>),
    Map(Box<GlueType>, Box<GlueType>),
    Struct(Vec<Column>),
}

impl GlueType {
    /// True for the types that hold one value (everything but array, map and struct).
    pub fn is_primitive(&self) -> bool {
        !matches!(self, GlueType::Array(_) | GlueType::Map(..) | GlueType::Struct(_))
    }

    /// Parses a Glue type string such as `array<struct<a:int,b:string>>` (case-insensitive, spaces allowed).
    pub fn parse(text: &str) -> Result<GlueType, String> {
        let mut parser = TypeParser { text: text.as_bytes(), pos: 0 };
        let parsed = parser.parse_type(0)?;
        parser.skip_spaces();
        if parser.pos != parser.text.len() {
            return Err(format!("unexpected text at position {} of type '{text}'", parser.pos));
        }
        Ok(parsed)
    }

    /// The type string in Glue's spelling (lower case, no spaces).
    pub fn to_type_string(&self) -> String {
        match self {
            GlueType::String => "string".into(),
            GlueType::Varchar(n) => format!("varchar({n})"),
            GlueType::Char(n) => format!("char({n})"),
            GlueType::Boolean => "boolean".into(),
            GlueType::Tinyint => "tinyint".into(),
            GlueType::Smallint => "smallint".into(),
            GlueType::Int => "int".into(),
            GlueType::Bigint => "bigint".into(),
            GlueType::Float => "float".into(),
            GlueType::Double => "double".into(),
            GlueType::Decimal { precision, scale } => format!("decimal({precision},{scale})"),
            GlueType::Date => "date".into(),
            GlueType::Timestamp => "timestamp".into(),
            GlueType::Binary => "binary".into(),
            GlueType::Array(t) => format!("array<{}>", t.to_type_string()),
            GlueType::Map(k, v) => format!("map<{},{}>", k.to_type_string(), v.to_type_string()),
            GlueType::Struct(fields) => {
                let inner: Vec<String> =
                    fields.iter().map(|f| format!("{}:{}", f.name, f.glue_type.to_type_string())).collect();
                format!("struct<{}>", inner.join(","))
            }
        }
    }
}

/// One column (or struct field): a lower-case name and its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub glue_type: GlueType,
}

/// The table's columns in order; the Parquet file has them in this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSchema {
    pub columns: Vec<Column>,
}

/// Why a table definition was refused: which column, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not AWS-verified text.
        write!(f, "column '{}': {}", self.column, self.reason)
    }
}

impl std::error::Error for SchemaError {}

impl TableSchema {
    /// Builds a schema from (name, type string) pairs. Names are lower-cased, as the Hive metastore behind
    /// Glue stores them; they must be unique and made of letters, digits and underscores (Hive allows no dots).
    pub fn parse(columns: &[(&str, &str)]) -> Result<TableSchema, SchemaError> {
        if columns.is_empty() {
            return Err(SchemaError { column: String::new(), reason: "the table has no columns".into() });
        }
        let mut parsed: Vec<Column> = Vec::with_capacity(columns.len());
        for (name, type_text) in columns {
            let name = check_name(name).map_err(|reason| SchemaError { column: name.to_string(), reason })?;
            if parsed.iter().any(|c| c.name == name) {
                return Err(SchemaError { column: name, reason: "duplicate column name".into() });
            }
            let glue_type = GlueType::parse(type_text).map_err(|reason| SchemaError {
                column: name.clone(),
                reason: format!("invalid type '{type_text}': {reason}"),
            })?;
            parsed.push(Column { name, glue_type });
        }
        Ok(TableSchema { columns: parsed })
    }
}

fn check_name(name: &str) -> Result<String, String> {
    let lower = name.to_ascii_lowercase();
    if lower.is_empty() {
        return Err("empty name".into());
    }
    if let Some(bad) = lower.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
        return Err(format!("name may hold only letters, digits and '_', found '{bad}'"));
    }
    Ok(lower)
}

struct TypeParser<'a> {
    text: &'a [u8],
    pos: usize,
}

impl TypeParser<'_> {
    fn skip_spaces(&mut self) {
        while self.pos < self.text.len() && self.text[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn word(&mut self) -> String {
        self.skip_spaces();
        let start = self.pos;
        while self.pos < self.text.len() && (self.text[self.pos].is_ascii_alphanumeric() || self.text[self.pos] == b'_') {
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.text[start..self.pos]).to_ascii_lowercase()
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        self.skip_spaces();
        if self.text.get(self.pos) == Some(&c) {
            self.pos += 1;
            Ok(())
        } else {
            let found = self.text.get(self.pos).map(|b| (*b as char).to_string()).unwrap_or_else(|| "end of text".into());
            Err(format!("expected '{}' at position {}, found {found}", c as char, self.pos))
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_spaces();
        self.text.get(self.pos).copied()
    }

    fn number(&mut self) -> Result<u32, String> {
        let digits = self.word();
        digits.parse::<u32>().map_err(|_| format!("expected a number, found '{digits}'"))
    }

    fn parse_type(&mut self, depth: usize) -> Result<GlueType, String> {
        if depth > MAX_TYPE_DEPTH {
            return Err(format!("types nest deeper than {MAX_TYPE_DEPTH} levels"));
        }
        let name = self.word();
        Ok(match name.as_str() {
            "string" => GlueType::String,
            "boolean" => GlueType::Boolean,
            "tinyint" => GlueType::Tinyint,
            "smallint" => GlueType::Smallint,
            "int" | "integer" => GlueType::Int,
            "bigint" => GlueType::Bigint,
            "float" => GlueType::Float,
            "double" => GlueType::Double,
            "date" => GlueType::Date,
            "timestamp" => GlueType::Timestamp,
            "binary" => GlueType::Binary,
            "varchar" | "char" => {
                self.expect(b'(')?;
                let length = self.number()?;
                self.expect(b')')?;
                let max = if name == "varchar" { VARCHAR_MAX_LENGTH } else { CHAR_MAX_LENGTH };
                if length == 0 || length > max {
                    return Err(format!("{name} length must be between 1 and {max}, got {length}"));
                }
                if name == "varchar" { GlueType::Varchar(length) } else { GlueType::Char(length) }
            }
            "decimal" => {
                // Hive: a bare `decimal` is decimal(10,0).
                let (precision, scale) = if self.peek() == Some(b'(') {
                    self.expect(b'(')?;
                    let p = self.number()?;
                    let s = if self.peek() == Some(b',') {
                        self.expect(b',')?;
                        self.number()?
                    } else {
                        0
                    };
                    self.expect(b')')?;
                    (p, s)
                } else {
                    (10, 0)
                };
                if precision == 0 || precision > u32::from(DECIMAL_MAX_PRECISION) {
                    return Err(format!("decimal precision must be between 1 and {DECIMAL_MAX_PRECISION}, got {precision}"));
                }
                if scale > precision {
                    return Err(format!("decimal scale {scale} is larger than its precision {precision}"));
                }
                GlueType::Decimal { precision: precision as u8, scale: scale as u8 }
            }
            "array" => {
                self.expect(b'<')?;
                let element = self.parse_type(depth + 1)?;
                self.expect(b'>')?;
                GlueType::Array(Box::new(element))
            }
            "map" => {
                self.expect(b'<')?;
                let key = self.parse_type(depth + 1)?;
                if !key.is_primitive() {
                    return Err(format!("map keys must be a primitive type, got {}", key.to_type_string()));
                }
                self.expect(b',')?;
                let value = self.parse_type(depth + 1)?;
                self.expect(b'>')?;
                GlueType::Map(Box::new(key), Box::new(value))
            }
            "struct" => {
                self.expect(b'<')?;
                let mut fields: Vec<Column> = Vec::new();
                loop {
                    let field_name = self.word();
                    let field_name = check_name(&field_name).map_err(|r| format!("struct field: {r}"))?;
                    if fields.iter().any(|f| f.name == field_name) {
                        return Err(format!("duplicate struct field '{field_name}'"));
                    }
                    self.expect(b':')?;
                    let glue_type = self.parse_type(depth + 1)?;
                    fields.push(Column { name: field_name, glue_type });
                    if self.peek() == Some(b',') {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                self.expect(b'>')?;
                GlueType::Struct(fields)
            }
            "uniontype" | "interval" => return Err(format!("type '{name}' is not supported by this simulator")),
            "" => return Err(format!("expected a type name at position {}", self.pos)),
            other => return Err(format!("unknown type '{other}'")),
        })
    }
}

//! JSON object → row of typed cells, as the OpenX or Hive JSON SerDe reads it.
//!
//! Both SerDes read a value from its JSON text, so a number fills a string column with its text, and the
//! string "12" fills an int column. Where AWS does not document a case we take the stricter rule and the
//! record fails: a fraction or exponent in an integer column ("1.5", 1.0), a value out of the column's range,
//! an object or array in a string column, a number in a boolean or date column, NaN or infinities.
//! Fields the table does not name are dropped and missing or `null` fields are null (developer guide,
//! "Schema": attributes not in the schema are not in the converted data).

use std::borrow::Cow;
use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{Map, Number, Value};

use super::options::Deserializer;
use super::schema::{Column, GlueType, TableSchema};
use super::time::{self, TimestampFormat, NANOS_PER_DAY};

/// A typed value of one column (strings and binaries as bytes).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Bool(bool),
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    /// Unscaled value of a decimal(p,s).
    Decimal(i128),
    /// Days since 1970-01-01.
    Date(i32),
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    Timestamp(i128),
    Bytes(Vec<u8>),
    List(Vec<Option<Cell>>),
    Map(Vec<(Cell, Option<Cell>)>),
    Struct(Vec<Option<Cell>>),
}

/// A row: one optional cell per column, in the schema's order.
pub type Row = Vec<Option<Cell>>;

/// Timestamps are kept within years 0001–9999 (Hive's range), which also keeps INT96 julian days valid.
fn timestamp_range_nanos() -> (i128, i128) {
    (
        i128::from(time::days_from_civil(1, 1, 1)) * NANOS_PER_DAY,
        i128::from(time::days_from_civil(10_000, 1, 1)) * NANOS_PER_DAY,
    )
}

/// A deserializer ready to read rows: options resolved, timestamp formats compiled.
pub struct RowReader {
    lower_case_keys: bool,
    dots_to_underscores: bool,
    /// Column name → the (normalised) JSON key that fills it.
    key_of_column: BTreeMap<String, String>,
    /// None: OpenX timestamp rules; Some: Hive's (possibly empty) format list.
    hive_formats: Option<Vec<TimestampFormat>>,
}

impl RowReader {
    pub fn new(deserializer: &Deserializer) -> Result<RowReader, String> {
        Ok(match deserializer {
            Deserializer::OpenX(openx) => {
                let mut reader = RowReader {
                    lower_case_keys: openx.case_insensitive,
                    dots_to_underscores: openx.convert_dots_in_json_keys_to_underscores,
                    key_of_column: BTreeMap::new(),
                    hive_formats: None,
                };
                for (column, key) in &openx.column_to_json_key_mappings {
                    let normalised = reader.normalise_key(key).into_owned();
                    reader.key_of_column.insert(column.to_ascii_lowercase(), normalised);
                }
                reader
            }
            // Hive's JsonSerDe matches keys to columns ignoring case (Hive column names are lower case).
            // Not AWS-verified.
            Deserializer::Hive(hive) => RowReader {
                lower_case_keys: true,
                dots_to_underscores: false,
                key_of_column: BTreeMap::new(),
                hive_formats: Some(
                    hive.timestamp_formats.iter().map(|f| TimestampFormat::compile(f)).collect::<Result<_, _>>()?,
                ),
            },
        })
    }

    /// Case folding first, then dots to underscores (OpenXJsonSerDe options).
    fn normalise_key<'k>(&self, key: &'k str) -> Cow<'k, str> {
        let mut key = Cow::Borrowed(key);
        if self.lower_case_keys && (!key.is_ascii() || key.bytes().any(|b| b.is_ascii_uppercase())) {
            key = Cow::Owned(key.to_lowercase());
        }
        if self.dots_to_underscores && key.contains('.') {
            key = Cow::Owned(key.replace('.', "_"));
        }
        key
    }

    /// Reads one top-level JSON object into a row of the table.
    pub fn read_row(&self, schema: &TableSchema, object: &Map<String, Value>) -> Result<Row, String> {
        self.read_fields(&schema.columns, object, true, "")
    }

    fn read_fields(&self, fields: &[Column], object: &Map<String, Value>, top: bool, path: &str) -> Result<Row, String> {
        // serde_json's Map iterates in key order, so when two keys fold to the same name the last in
        // that order wins: deterministic.
        let by_key: BTreeMap<Cow<str>, &Value> = object.iter().map(|(k, v)| (self.normalise_key(k), v)).collect();
        let mut row = Vec::with_capacity(fields.len());
        for field in fields {
            // ColumnToJsonKeyMappings name top-level columns only.
            let key = if top { self.key_of_column.get(&field.name).map(String::as_str) } else { None };
            let key = key.unwrap_or(&field.name);
            let field_path = if path.is_empty() { field.name.clone() } else { format!("{path}.{}", field.name) };
            row.push(match by_key.get(key) {
                None | Some(Value::Null) => None,
                Some(value) => Some(self.read_value(&field.glue_type, value, &field_path)?),
            });
        }
        Ok(row)
    }

    fn read_value(&self, glue_type: &GlueType, value: &Value, path: &str) -> Result<Cell, String> {
        let mismatch = || {
            // Not AWS-verified text.
            format!("column '{path}': cannot convert {} to {}", describe(value), glue_type.to_type_string())
        };
        Ok(match glue_type {
            GlueType::String | GlueType::Varchar(_) | GlueType::Char(_) => {
                let text: Cow<str> = match value {
                    Value::String(s) => Cow::Borrowed(s),
                    Value::Number(n) => Cow::Owned(n.to_string()),
                    Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
                    _ => return Err(mismatch()),
                };
                // varchar(n) and char(n) keep the first n characters, as Hive's types do. Not AWS-verified.
                let text = match glue_type {
                    GlueType::Varchar(n) | GlueType::Char(n) => text.chars().take(*n as usize).collect(),
                    _ => text.into_owned(),
                };
                Cell::Bytes(text.into_bytes())
            }
            GlueType::Boolean => match value {
                Value::Bool(b) => Cell::Bool(*b),
                Value::String(s) if s.eq_ignore_ascii_case("true") => Cell::Bool(true),
                Value::String(s) if s.eq_ignore_ascii_case("false") => Cell::Bool(false),
                _ => return Err(mismatch()),
            },
            GlueType::Tinyint | GlueType::Smallint | GlueType::Int | GlueType::Bigint => {
                let integer = match value {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.parse::<i64>().ok(),
                    _ => None,
                }
                .ok_or_else(mismatch)?;
                let (min, max) = match glue_type {
                    GlueType::Tinyint => (i64::from(i8::MIN), i64::from(i8::MAX)),
                    GlueType::Smallint => (i64::from(i16::MIN), i64::from(i16::MAX)),
                    GlueType::Int => (i64::from(i32::MIN), i64::from(i32::MAX)),
                    _ => (i64::MIN, i64::MAX),
                };
                if integer < min || integer > max {
                    // Not AWS-verified text.
                    return Err(format!("column '{path}': {integer} is out of range for {}", glue_type.to_type_string()));
                }
                match glue_type {
                    GlueType::Bigint => Cell::I64(integer),
                    _ => Cell::I32(integer as i32),
                }
            }
            GlueType::Float | GlueType::Double => {
                let float = match value {
                    Value::Number(n) => n.as_f64(),
                    Value::String(s) => s.parse::<f64>().ok(),
                    _ => None,
                }
                .filter(|f| f.is_finite())
                .ok_or_else(mismatch)?;
                if *glue_type == GlueType::Float {
                    let narrow = float as f32;
                    if !narrow.is_finite() {
                        return Err(format!("column '{path}': {float} is out of range for float")); // Not AWS-verified text.
                    }
                    Cell::F32(narrow)
                } else {
                    Cell::F64(float)
                }
            }
            GlueType::Decimal { precision, scale } => {
                let text: Cow<str> = match value {
                    Value::Number(n) => Cow::Owned(n.to_string()),
                    Value::String(s) => Cow::Borrowed(s),
                    _ => return Err(mismatch()),
                };
                let unscaled = parse_decimal(&text, *precision, *scale).ok_or_else(mismatch)?;
                Cell::Decimal(unscaled)
            }
            GlueType::Date => match value {
                Value::String(s) => Cell::Date(time::parse_date(s).ok_or_else(mismatch)?),
                _ => return Err(mismatch()),
            },
            GlueType::Timestamp => {
                let nanos = self.read_timestamp(value).ok_or_else(mismatch)?;
                let (min, max) = timestamp_range_nanos();
                if nanos < min || nanos >= max {
                    return Err(format!("column '{path}': timestamp outside years 0001-9999")); // Not AWS-verified text.
                }
                Cell::Timestamp(nanos)
            }
            // Binary columns take base64 text. How the SerDes read binary from JSON is not documented by
            // Firehose; base64 is the stricter reading. Not AWS-verified.
            GlueType::Binary => match value {
                Value::String(s) => Cell::Bytes(STANDARD.decode(s).map_err(|_| mismatch())?),
                _ => return Err(mismatch()),
            },
            GlueType::Array(element) => match value {
                Value::Array(items) => {
                    let mut cells = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        cells.push(match item {
                            Value::Null => None,
                            item => Some(self.read_value(element, item, &format!("{path}[{i}]"))?),
                        });
                    }
                    Cell::List(cells)
                }
                _ => return Err(mismatch()),
            },
            // Map keys are kept as written: case folding and dot conversion apply to field names only.
            GlueType::Map(key_type, value_type) => match value {
                Value::Object(entries) => {
                    let mut cells = Vec::with_capacity(entries.len());
                    for (k, v) in entries {
                        let entry_path = format!("{path}[{k}]");
                        let key = self.read_value(key_type, &Value::String(k.clone()), &entry_path)?;
                        let val = match v {
                            Value::Null => None,
                            v => Some(self.read_value(value_type, v, &entry_path)?),
                        };
                        cells.push((key, val));
                    }
                    Cell::Map(cells)
                }
                _ => return Err(mismatch()),
            },
            GlueType::Struct(fields) => match value {
                Value::Object(object) => Cell::Struct(self.read_fields(fields, object, false, path)?),
                _ => return Err(mismatch()),
            },
        })
    }

    fn read_timestamp(&self, value: &Value) -> Option<i128> {
        match (&self.hive_formats, value) {
            (None, Value::String(s)) => time::parse_openx_timestamp_text(s),
            (None, Value::Number(n)) => openx_epoch_number(n),
            // Hive tries each format in order, then falls back to java.sql.Timestamp::valueOf
            // (Hive's TimestampParser does so). Not AWS-verified.
            (Some(formats), Value::String(s)) => {
                formats.iter().find_map(|f| f.parse_text(s)).or_else(|| time::parse_sql_timestamp(s))
            }
            (Some(formats), Value::Number(n)) if formats.contains(&TimestampFormat::Millis) => {
                n.as_i64().map(|ms| i128::from(ms) * 1_000_000)
            }
            _ => None,
        }
    }
}

fn openx_epoch_number(n: &Number) -> Option<i128> {
    match n.as_i64() {
        Some(integer) => Some(time::epoch_integer_nanos(integer)),
        None => time::epoch_decimal_seconds_nanos(&n.to_string()),
    }
}

/// How a JSON value is named in messages.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            format!("string {short:?}")
        }
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A decimal text (`-12.345`, `1e3`) as the unscaled value of decimal(precision, scale), rounding extra
/// fraction digits half up as Hive's HiveDecimal does. None when it is not a number or does not fit the
/// precision (Hive would write null; the stricter rule fails the record. Not AWS-verified).
pub fn parse_decimal(text: &str, precision: u8, scale: u8) -> Option<i128> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], body[at + 1..].parse::<i32>().ok()?),
        None => (body, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: Vec<u8> = whole.bytes().chain(fraction.bytes()).map(|b| b - b'0').collect();
    // value = digits × 10^(exponent − fraction length); unscaled = value × 10^scale.
    let shift = i64::from(scale) + i64::from(exponent) - fraction.len() as i64;
    let first_nonzero = digits.iter().position(|d| *d != 0).unwrap_or(digits.len());
    let digits = &digits[first_nonzero..];
    let (kept, round_up) = if shift >= 0 {
        (digits, false)
    } else {
        let drop = usize::try_from(-shift).ok()?;
        if drop >= digits.len() {
            let round_up = drop == digits.len() && digits.first().is_some_and(|d| *d >= 5);
            (&digits[..0], round_up)
        } else {
            let cut = digits.len() - drop;
            (&digits[..cut], digits[cut] >= 5)
        }
    };
    let limit = 10i128.pow(u32::from(precision));
    let mut unscaled: i128 = 0;
    for d in kept {
        unscaled = unscaled.checked_mul(10)?.checked_add(i128::from(*d))?;
        if unscaled >= limit {
            return None;
        }
    }
    if shift > 0 && unscaled != 0 {
        if shift > i64::from(DECIMAL_DIGITS_MAX) {
            return None;
        }
        unscaled = unscaled.checked_mul(10i128.pow(shift as u32))?;
    }
    if round_up {
        unscaled += 1;
    }
    if unscaled >= limit {
        return None;
    }
    Some(if negative { -unscaled } else { unscaled })
}

/// Enough decimal digits for any decimal(38, s): used to bound the scaling above.
const DECIMAL_DIGITS_MAX: u8 = 38;

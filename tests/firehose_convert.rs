//! Firehose record format conversion (src/engine/firehose/convert/) against FACTS.md §2 "Format conversion",
//! the API model's shapes (aws-models/firehose.json: OpenXJsonSerDe, HiveJsonSerDe, ParquetSerDe) and the
//! developer guide page "Convert input data format in Amazon Data Firehose". Files are read back with the
//! parquet crate's own reader; tests/clients/test_parquet_files.py reads the samples with pyarrow.

use std::collections::BTreeMap;

use bytes::Bytes;
use kinesis_lab::engine::firehose::convert::deserialize::parse_decimal;
use kinesis_lab::engine::firehose::convert::time::{days_from_civil, TimestampFormat};
use kinesis_lab::engine::firehose::convert::*;
use parquet::basic::{Compression, LogicalType, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use proptest::prelude::*;

fn schema(columns: &[(&str, &str)]) -> TableSchema {
    TableSchema::parse(columns).expect("test schema is valid")
}

fn openx() -> Deserializer {
    Deserializer::OpenX(OpenXJsonSerDe::default())
}

fn hive(formats: &[&str]) -> Deserializer {
    Deserializer::Hive(HiveJsonSerDe { timestamp_formats: formats.iter().map(|f| f.to_string()).collect() })
}

fn parquet_default() -> Serializer {
    Serializer::Parquet(ParquetSerDe::default())
}

fn convert(table: &TableSchema, deserializer: &Deserializer, records: &[&str]) -> ConversionOutput {
    let records: Vec<&[u8]> = records.iter().map(|r| r.as_bytes()).collect();
    convert_batch(table, deserializer, &parquet_default(), &records).expect("batch converts")
}

fn reader(file: &[u8]) -> SerializedFileReader<Bytes> {
    SerializedFileReader::new(Bytes::from(file.to_vec())).expect("the file is valid Parquet")
}

/// Every row of a file as (column name, field) pairs.
fn read_rows(file: &[u8]) -> Vec<Vec<(String, Field)>> {
    let r = reader(file);
    let rows = r.get_row_iter(None).expect("row iterator");
    rows.map(|row| row.expect("row reads").get_column_iter().map(|(n, f)| (n.clone(), f.clone())).collect())
        .collect()
}

/// The one column of a one-column table, row by row.
fn column_values(table: &TableSchema, deserializer: &Deserializer, records: &[&str]) -> Vec<Field> {
    let out = convert(table, deserializer, records);
    assert!(out.failures.is_empty(), "unexpected failures: {:?}", out.failures);
    read_rows(out.parquet.as_deref().expect("a file")).into_iter().map(|mut row| row.remove(0).1).collect()
}

/// The unscaled value of a decimal field (big-endian two's complement bytes).
fn decimal_unscaled(field: &Field) -> i128 {
    let Field::Decimal(d) = field else { panic!("not a decimal: {field:?}") };
    let bytes = d.data();
    let fill = if bytes.first().is_some_and(|b| b & 0x80 != 0) { 0xff } else { 0 };
    let mut full = [fill; 16];
    full[16 - bytes.len()..].copy_from_slice(bytes);
    i128::from_be_bytes(full)
}

fn only_failure(table: &TableSchema, deserializer: &Deserializer, record: &str) -> ConversionFailure {
    let out = convert(table, deserializer, &[record]);
    assert_eq!(out.rows, 0, "{record} should not convert");
    assert!(out.parquet.is_none());
    assert_eq!(out.failures.len(), 1);
    out.failures[0].clone()
}

// ------------------------------------------------------------------------------------------- schema parsing

#[test]
fn glue_type_strings_parse_and_print_back() {
    // The Glue/Hive type grammar (a Glue table's column types).
    for text in [
        "string", "varchar(20)", "char(3)", "boolean", "tinyint", "smallint", "int", "bigint", "float", "double",
        "decimal(10,2)", "date", "timestamp", "binary", "array<int>", "map<string,double>",
        "struct<a:int,b:string>", "array<struct<x:bigint,y:array<string>>>", "map<int,map<string,boolean>>",
    ] {
        let parsed = GlueType::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(parsed.to_type_string(), text);
    }
    assert_eq!(GlueType::parse(" ARRAY < INT > ").unwrap(), GlueType::Array(Box::new(GlueType::Int)));
    assert_eq!(GlueType::parse("integer").unwrap(), GlueType::Int);
    assert_eq!(GlueType::parse("decimal").unwrap(), GlueType::Decimal { precision: 10, scale: 0 });
}

#[test]
fn bad_schemas_name_the_column_and_the_reason() {
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case; 9] = [
        (&[("a", "strin")], "a", "unknown type 'strin'"),
        (&[("a", "decimal(39,2)")], "a", "precision must be between 1 and 38"),
        (&[("a", "decimal(5,6)")], "a", "scale 6 is larger than its precision 5"),
        (&[("a", "array<int")], "a", "expected '>'"),
        (&[("a", "map<array<int>,int>")], "a", "map keys must be a primitive type"),
        (&[("a", "int"), ("A", "string")], "a", "duplicate column name"),
        (&[("a.b", "int")], "a.b", "found '.'"),
        (&[("s", "struct<x:int,x:int>")], "s", "duplicate struct field 'x'"),
        (&[("a", "varchar(0)")], "a", "varchar length must be between 1 and 65535"),
    ];
    for (columns, column, reason) in cases {
        let err = TableSchema::parse(columns).expect_err("schema must be refused");
        assert_eq!(err.column, column);
        assert!(err.reason.contains(reason), "{:?} should contain {reason:?}", err.reason);
    }
    assert!(TableSchema::parse(&[]).is_err());
    assert!(GlueType::parse("uniontype<int,string>").unwrap_err().contains("not supported"));
}

#[test]
fn column_names_are_lower_cased_as_glue_stores_them() {
    let t = schema(&[("UserId", "int")]);
    assert_eq!(t.columns[0].name, "userid");
}

// ----------------------------------------------------------------------------------------- each type

#[test]
fn every_primitive_type_is_written_with_its_parquet_type() {
    let t = schema(&[
        ("s", "string"),
        ("v", "varchar(3)"),
        ("c", "char(2)"),
        ("b", "boolean"),
        ("ti", "tinyint"),
        ("si", "smallint"),
        ("i", "int"),
        ("bi", "bigint"),
        ("f", "float"),
        ("d", "double"),
        ("dec", "decimal(10,2)"),
        ("dt", "date"),
        ("ts", "timestamp"),
        ("bin", "binary"),
    ]);
    let record = r#"{"s":"hello","v":"abcdef","c":"xyz","b":true,"ti":-128,"si":32767,"i":-5,"bi":9007199254740993,
        "f":1.5,"d":-2.25,"dec":"123.456","dt":"2017-02-07","ts":"2017-02-07T15:13:01.39256Z","bin":"AAEC"}"#;
    let out = convert(&t, &openx(), &[record]);
    assert!(out.failures.is_empty(), "{:?}", out.failures);
    assert_eq!(out.rows, 1);
    let file = out.parquet.unwrap();

    let r = reader(&file);
    let descr = r.metadata().file_metadata().schema_descr_ptr();
    let physical: Vec<(String, PhysicalType, Option<LogicalType>)> =
        descr.columns().iter().map(|c| (c.name().to_string(), c.physical_type(), c.logical_type_ref().cloned())).collect();
    let expect = [
        ("s", PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
        ("v", PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
        ("c", PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
        ("b", PhysicalType::BOOLEAN, None),
        ("ti", PhysicalType::INT32, Some(LogicalType::integer(8, true))),
        ("si", PhysicalType::INT32, Some(LogicalType::integer(16, true))),
        ("i", PhysicalType::INT32, None),
        ("bi", PhysicalType::INT64, None),
        ("f", PhysicalType::FLOAT, None),
        ("d", PhysicalType::DOUBLE, None),
        ("dec", PhysicalType::INT64, Some(LogicalType::decimal(2, 10))),
        ("dt", PhysicalType::INT32, Some(LogicalType::Date)),
        ("ts", PhysicalType::INT96, None),
        ("bin", PhysicalType::BYTE_ARRAY, None),
    ];
    for (got, (name, phys, logical)) in physical.iter().zip(expect) {
        assert_eq!((got.0.as_str(), got.1, &got.2), (name, phys, &logical), "column {name}");
    }

    let row = &read_rows(&file)[0];
    let text: Vec<String> = row.iter().map(|(_, f)| f.to_string()).collect();
    assert_eq!(&text[..3], ["\"hello\"", "\"abc\"", "\"xy\""]); // varchar/char keep n characters
    assert_eq!(row[3].1, Field::Bool(true));
    assert_eq!(row[4].1, Field::Byte(-128));
    assert_eq!(row[5].1, Field::Short(32767));
    assert_eq!(row[6].1, Field::Int(-5));
    assert_eq!(row[7].1, Field::Long(9_007_199_254_740_993)); // beyond f64's exact range: kept exact
    assert_eq!(row[8].1, Field::Float(1.5));
    assert_eq!(row[9].1, Field::Double(-2.25));
    assert_eq!(text[10], "123.46"); // 123.456 rounded half up to scale 2
    assert_eq!(row[11].1, Field::Date(days_from_civil(2017, 2, 7) as i32));
    // INT96 reads back as milliseconds through the record API (nanoseconds checked with pyarrow).
    assert_eq!(row[12].1, Field::TimestampMillis(1_486_480_381_392));
    assert_eq!(row[13].1, Field::Bytes(vec![0u8, 1, 2].into()));
}

#[test]
fn decimals_take_int32_int64_or_fixed_bytes_by_precision() {
    let t = schema(&[("a", "decimal(9,2)"), ("b", "decimal(18,0)"), ("c", "decimal(38,10)")]);
    let out = convert(&t, &openx(), &[r#"{"a":-1234567.89,"b":"123456789012345678","c":"-1234567890123456789012345678.0123456789"}"#]);
    assert!(out.failures.is_empty(), "{:?}", out.failures);
    let file = out.parquet.unwrap();
    let r = reader(&file);
    let descr = r.metadata().file_metadata().schema_descr_ptr();
    assert_eq!(descr.column(0).physical_type(), PhysicalType::INT32);
    assert_eq!(descr.column(1).physical_type(), PhysicalType::INT64);
    assert_eq!(descr.column(2).physical_type(), PhysicalType::FIXED_LEN_BYTE_ARRAY);
    assert_eq!(descr.column(2).type_length(), 16);
    let unscaled: Vec<i128> = read_rows(&file)[0].iter().map(|(_, f)| decimal_unscaled(f)).collect();
    assert_eq!(unscaled, [-123_456_789, 123_456_789_012_345_678, -12_345_678_901_234_567_890_123_456_780_123_456_789]);
}

#[test]
fn decimal_text_rounds_half_up_and_refuses_overflow() {
    assert_eq!(parse_decimal("1.005", 5, 2), Some(101));
    assert_eq!(parse_decimal("-1.005", 5, 2), Some(-101));
    assert_eq!(parse_decimal("1.004", 5, 2), Some(100));
    assert_eq!(parse_decimal("1e2", 5, 2), Some(10_000));
    assert_eq!(parse_decimal("0.0049", 5, 2), Some(0));
    assert_eq!(parse_decimal("0.005", 5, 2), Some(1));
    assert_eq!(parse_decimal("999.995", 5, 2), None); // rounds to 1000.00: 6 digits
    assert_eq!(parse_decimal("1000", 5, 2), None);
    assert_eq!(parse_decimal("abc", 5, 2), None);
    assert_eq!(parse_decimal("1e400", 5, 2), None);
    assert_eq!(parse_decimal("", 5, 2), None);
}

#[test]
fn nested_array_struct_and_map_columns_read_back() {
    let t = schema(&[
        ("tags", "array<string>"),
        ("nums", "array<int>"),
        ("point", "struct<x:double,y:double,label:string>"),
        ("attrs", "map<string,int>"),
        ("deep", "array<struct<k:string,v:array<bigint>>>"),
    ]);
    let out = convert(
        &t,
        &openx(),
        &[
            r#"{"tags":["a","b"],"nums":[1,null,3],"point":{"x":1.5,"y":2,"label":"p"},"attrs":{"one":1,"two":2},
               "deep":[{"k":"a","v":[1,2]},{"k":"b","v":[]}]}"#,
            r#"{"tags":[],"nums":null,"point":{"x":4},"attrs":{}}"#,
        ],
    );
    assert!(out.failures.is_empty(), "{:?}", out.failures);
    let rows = read_rows(&out.parquet.unwrap());
    let text: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|(_, f)| f.to_string()).collect()).collect();
    assert_eq!(text[0][0], r#"["a", "b"]"#);
    assert_eq!(text[0][1], "[1, null, 3]");
    assert_eq!(text[0][2], r#"{x: 1.5, y: 2.0, label: "p"}"#);
    assert_eq!(text[0][3], r#"{"one" -> 1, "two" -> 2}"#);
    assert_eq!(text[0][4], r#"[{k: "a", v: [1, 2]}, {k: "b", v: []}]"#);
    assert_eq!(text[1][0], "[]");
    assert_eq!(text[1][1], "null");
    assert_eq!(text[1][2], "{x: 4.0, y: null, label: null}");
    assert_eq!(text[1][3], "{}");
    assert_eq!(text[1][4], "null");
}

// ------------------------------------------------------------------------------------------- coercions

#[test]
fn numbers_and_booleans_fill_string_columns_with_their_json_text() {
    let t = schema(&[("s", "string")]);
    let values = column_values(&t, &openx(), &[r#"{"s":12}"#, r#"{"s":1.5}"#, r#"{"s":true}"#]);
    let text: Vec<String> = values.iter().map(|f| f.to_string()).collect();
    assert_eq!(text, ["\"12\"", "\"1.5\"", "\"true\""]);
}

#[test]
fn numeric_strings_fill_numeric_columns() {
    let t = schema(&[("i", "int"), ("d", "double"), ("b", "boolean")]);
    let out = convert(&t, &openx(), &[r#"{"i":"12","d":"2.5","b":"TRUE"}"#]);
    assert!(out.failures.is_empty(), "{:?}", out.failures);
    let row = &read_rows(&out.parquet.unwrap())[0];
    assert_eq!((row[0].1.clone(), row[1].1.clone(), row[2].1.clone()), (Field::Int(12), Field::Double(2.5), Field::Bool(true)));
}

#[test]
fn values_that_do_not_fit_fail_with_malformed_data() {
    // The stricter rule where the SerDes' behaviour is not documented (see deserialize.rs).
    let cases = [
        ("int", r#"{"c":"oops"}"#),
        ("int", r#"{"c":1.5}"#),
        ("int", r#"{"c":1.0}"#),
        ("int", r#"{"c":2147483648}"#),
        ("tinyint", r#"{"c":128}"#),
        ("smallint", r#"{"c":-32769}"#),
        ("bigint", r#"{"c":18446744073709551615}"#),
        ("boolean", r#"{"c":1}"#),
        ("boolean", r#"{"c":"yes"}"#),
        ("double", r#"{"c":"NaN"}"#),
        ("float", r#"{"c":1e300}"#),
        ("string", r#"{"c":{"a":1}}"#),
        ("string", r#"{"c":[1]}"#),
        ("date", r#"{"c":"2017-02-30"}"#),
        ("date", r#"{"c":17000}"#),
        ("timestamp", r#"{"c":"yesterday"}"#),
        ("decimal(4,2)", r#"{"c":123.4}"#),
        ("binary", r#"{"c":"not base64!"}"#),
        ("array<int>", r#"{"c":5}"#),
        ("array<int>", r#"{"c":["x"]}"#),
        ("map<int,string>", r#"{"c":{"k":"v"}}"#),
        ("struct<a:int>", r#"{"c":"s"}"#),
        ("struct<a:int>", r#"{"c":{"a":"s"}}"#),
    ];
    for (glue_type, record) in cases {
        let t = schema(&[("c", glue_type)]);
        let failure = only_failure(&t, &openx(), record);
        assert_eq!(failure.error_code, "DataFormatConversion.MalformedData", "{glue_type} {record}");
        assert!(failure.error_message.contains("column 'c"), "{}", failure.error_message);
    }
}

// ------------------------------------------------------------------------------- missing and extra fields

#[test]
fn missing_and_null_fields_are_null_and_extra_fields_are_dropped() {
    // Developer guide, Schema: attributes not in the schema are not in the converted data.
    let t = schema(&[("a", "int"), ("b", "string")]);
    let out = convert(&t, &openx(), &[r#"{"a":1,"extra":"x","more":{"n":1}}"#, r#"{"b":null}"#, "{}"]);
    assert!(out.failures.is_empty());
    assert_eq!(out.rows, 3);
    let rows = read_rows(&out.parquet.unwrap());
    let names: Vec<&str> = rows[0].iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(rows[0][1].1, Field::Null);
    assert_eq!((&rows[1][0].1, &rows[1][1].1), (&Field::Null, &Field::Null));
    assert_eq!((&rows[2][0].1, &rows[2][1].1), (&Field::Null, &Field::Null));
}

// ------------------------------------------------------------------------------------------ OpenX options

#[test]
fn openx_is_case_insensitive_by_default_and_can_be_made_case_sensitive() {
    // API reference, OpenXJsonSerDe CaseInsensitive: true by default, keys lower-cased before matching.
    let t = schema(&[("userid", "int"), ("s", "struct<innerkey:int>")]);
    let record = r#"{"UserId":7,"S":{"InnerKey":8}}"#;
    let out = convert(&t, &openx(), &[record]);
    let row = &read_rows(&out.parquet.unwrap())[0];
    assert_eq!(row[0].1, Field::Int(7));
    assert_eq!(row[1].1.to_string(), "{innerkey: 8}");

    let sensitive = Deserializer::OpenX(OpenXJsonSerDe { case_insensitive: false, ..OpenXJsonSerDe::default() });
    let out = convert(&t, &sensitive, &[record]);
    let row = &read_rows(&out.parquet.unwrap())[0];
    assert_eq!((&row[0].1, &row[1].1), (&Field::Null, &Field::Null));
}

#[test]
fn dots_in_keys_become_underscores_only_when_asked() {
    // API reference, ConvertDotsInJsonKeysToUnderscores: "a.b" fills column "a_b"; default false.
    let t = schema(&[("a_b", "int")]);
    assert_eq!(column_values(&t, &openx(), &[r#"{"a.b":3}"#]), [Field::Null]);
    let dots = Deserializer::OpenX(OpenXJsonSerDe {
        convert_dots_in_json_keys_to_underscores: true,
        ..OpenXJsonSerDe::default()
    });
    assert_eq!(column_values(&t, &dots, &[r#"{"A.B":3}"#]), [Field::Int(3)]);
}

#[test]
fn column_to_json_key_mappings_fill_a_column_from_another_key() {
    // API reference, ColumnToJsonKeyMappings: {"ts": "timestamp"} fills column ts from key "timestamp".
    let t = schema(&[("ts", "bigint"), ("id", "int")]);
    let mapped = Deserializer::OpenX(OpenXJsonSerDe {
        column_to_json_key_mappings: BTreeMap::from([("ts".to_string(), "timestamp".to_string())]),
        ..OpenXJsonSerDe::default()
    });
    let out = convert(&t, &mapped, &[r#"{"Timestamp":99,"ts":1,"id":2}"#]);
    let row = &read_rows(&out.parquet.unwrap())[0];
    assert_eq!((&row[0].1, &row[1].1), (&Field::Long(99), &Field::Int(2)));
}

// ---------------------------------------------------------------------------------------------- timestamps

fn ts_millis(deserializer: &Deserializer, json_value: &str) -> Field {
    let t = schema(&[("t", "timestamp")]);
    let record = format!(r#"{{"t":{json_value}}}"#);
    column_values(&t, deserializer, &[record.as_str()]).remove(0)
}

#[test]
fn openx_reads_the_documented_timestamp_forms() {
    // Developer guide, "Choose the JSON deserializer": the OpenX forms.
    let expect = Field::TimestampMillis(1_518_033_528_123);
    assert_eq!(ts_millis(&openx(), r#""2018-02-07T19:58:48.123Z""#), expect);
    assert_eq!(ts_millis(&openx(), r#""2018-2-7 19:58:48.123""#), expect);
    assert_eq!(ts_millis(&openx(), "1518033528123"), expect); // epoch milliseconds
    assert_eq!(ts_millis(&openx(), "1518033528.123"), expect); // floating-point epoch seconds
    assert_eq!(ts_millis(&openx(), "1518033528"), Field::TimestampMillis(1_518_033_528_000)); // epoch seconds
    assert_eq!(ts_millis(&openx(), r#""1518033528""#), Field::TimestampMillis(1_518_033_528_000));
}

#[test]
fn hive_reads_joda_formats_millis_and_falls_back_to_sql_timestamp() {
    // API reference, HiveJsonSerDe TimestampFormats: Joda patterns, `millis`, default Timestamp::valueOf.
    let expect = Field::TimestampMillis(1_518_033_528_123);
    assert_eq!(ts_millis(&hive(&[]), r#""2018-02-07 19:58:48.123""#), expect);
    let joda = hive(&["dd/MM/yyyy HH:mm:ss.SSS", "yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "millis"]);
    assert_eq!(ts_millis(&joda, r#""07/02/2018 19:58:48.123""#), expect);
    assert_eq!(ts_millis(&joda, r#""2018-02-07T20:58:48.123+01:00""#), expect);
    assert_eq!(ts_millis(&joda, "1518033528123"), expect);
    assert_eq!(ts_millis(&joda, r#""2018-02-07 19:58:48.123""#), expect); // the fallback
    // OpenX forms that Hive's default does not read fail.
    let t = schema(&[("t", "timestamp")]);
    assert_eq!(only_failure(&t, &hive(&[]), r#"{"t":1518033528}"#).error_code, "DataFormatConversion.MalformedData");
}

#[test]
fn long_patterns_and_huge_values_fail_cleanly() {
    let format = TimestampFormat::compile("yyyyyyyyyyyyyyyyyyyyyyyy").unwrap();
    assert_eq!(format.parse_text("99999999999999999999999"), None);
    let t = schema(&[("t", "timestamp")]);
    let joda = hive(&["yyyyyyyyyyyyyyyyyyyy-MM-dd"]);
    assert_eq!(only_failure(&t, &joda, r#"{"t":"123456789-01-01"}"#).error_code, "DataFormatConversion.MalformedData");
    assert_eq!(only_failure(&t, &openx(), r#"{"t":9223372036854775807}"#).error_code, "DataFormatConversion.MalformedData");
    assert_eq!(ts_millis(&joda, r#""2020-01-02""#), Field::TimestampMillis(1_577_923_200_000));
}

#[test]
fn unsupported_joda_letters_refuse_the_deserializer() {
    assert!(TimestampFormat::compile("EEE, dd MMM yyyy").is_err());
    let t = schema(&[("t", "timestamp")]);
    let err = convert_batch(&t, &hive(&["hh:mm a"]), &parquet_default(), &[b"{}"]).unwrap_err();
    assert!(matches!(err, ConvertError::InvalidDeserializer(ref m) if m.contains("'hh'")), "{err}");
}

// ------------------------------------------------------------------------------------- records and errors

#[test]
fn malformed_json_fails_with_its_index_and_the_rest_convert() {
    let t = schema(&[("a", "int")]);
    let out = convert(&t, &openx(), &[r#"{"a":1}"#, "this is not json", r#"{"a":3}"#, r#"{"a":"#]);
    assert_eq!(out.rows, 2);
    let failed: Vec<(usize, &str)> = out.failures.iter().map(|f| (f.index, f.error_code.as_str())).collect();
    assert_eq!(failed, [(1, "DataFormatConversion.ParseError"), (3, "DataFormatConversion.ParseError")]);
    let values: Vec<Field> = read_rows(&out.parquet.unwrap()).into_iter().map(|mut r| r.remove(0).1).collect();
    assert_eq!(values, [Field::Int(1), Field::Int(3)]);
}

#[test]
fn json_that_is_not_an_object_fails() {
    // Developer guide, Deserializer: an array of JSON documents is not valid input.
    let t = schema(&[("a", "int")]);
    for record in [r#"[{"a":1},{"a":2}]"#, "5", r#""text""#, "null", "", "   \n"] {
        assert_eq!(only_failure(&t, &openx(), record).error_code, "DataFormatConversion.ParseError", "{record:?}");
    }
}

#[test]
fn several_json_objects_in_one_record_are_several_rows() {
    // Developer guide, Deserializer: {"a":1}{"a":2} is correct input.
    let t = schema(&[("a", "int")]);
    let out = convert(&t, &openx(), &["{\"a\":1}{\"a\":2}\n{\"a\":3}\n"]);
    assert_eq!(out.rows, 3);
    assert!(out.failures.is_empty());
    // One bad object fails the whole record: none of its rows is written.
    let out = convert(&t, &openx(), &[r#"{"a":1}{"a":"x"}"#, r#"{"a":4}"#]);
    assert_eq!(out.rows, 1);
    assert_eq!(out.failures[0].index, 0);
}

#[test]
fn a_batch_with_no_convertible_record_has_no_file() {
    let t = schema(&[("a", "int")]);
    let out = convert(&t, &openx(), &["nope"]);
    assert_eq!((out.parquet, out.rows, out.failures.len()), (None, 0, 1));
    let out = convert(&t, &openx(), &[]);
    assert_eq!((out.parquet, out.rows, out.failures.len()), (None, 0, 0));
}

#[test]
fn orc_output_is_refused() {
    let t = schema(&[("a", "int")]);
    assert_eq!(convert_batch(&t, &openx(), &Serializer::Orc, &[b"{}"]), Err(ConvertError::OrcNotSupported));
}

// ---------------------------------------------------------------------------------------- serializer options

#[test]
fn compression_options_are_written_into_the_file() {
    // Model: ParquetCompression UNCOMPRESSED | GZIP | SNAPPY; SNAPPY by default (API reference).
    assert_eq!(ParquetSerDe::default().compression, ParquetCompression::Snappy);
    assert_eq!(ParquetCompression::from_model("LZO"), None);
    let t = schema(&[("s", "string")]);
    let record = r#"{"s":"the same text again and again and again and again and again"}"#;
    let records: Vec<&[u8]> = std::iter::repeat_n(record.as_bytes(), 200).collect();
    let mut sizes = Vec::new();
    for (option, expect) in [
        (ParquetCompression::Uncompressed, Compression::UNCOMPRESSED),
        (ParquetCompression::Gzip, Compression::GZIP(Default::default())),
        (ParquetCompression::Snappy, Compression::SNAPPY),
    ] {
        let serde = ParquetSerDe { compression: option, ..ParquetSerDe::default() };
        let out = convert_batch(&t, &openx(), &Serializer::Parquet(serde), &records).unwrap();
        let file = out.parquet.unwrap();
        let r = reader(&file);
        let got = r.metadata().row_group(0).column(0).compression();
        assert_eq!(std::mem::discriminant(&got), std::mem::discriminant(&expect), "{option:?}");
        assert_eq!(read_rows(&file).len(), 200);
        sizes.push(file.len());
    }
    assert!(sizes[1] < sizes[0] && sizes[2] < sizes[0], "compressed files are smaller: {sizes:?}");
}

#[test]
fn writer_version_dictionary_and_page_size_are_honoured() {
    let t = schema(&[("s", "string"), ("i", "int")]);
    let records: Vec<String> = (0..5000).map(|i| format!(r#"{{"s":"v{}","i":{i}}}"#, i % 3)).collect();
    let records: Vec<&[u8]> = records.iter().map(|r| r.as_bytes()).collect();
    let serde = ParquetSerDe {
        writer_version: ParquetWriterVersion::V2,
        enable_dictionary_compression: true,
        page_size_bytes: 64 * 1024,
        ..ParquetSerDe::default()
    };
    let out = convert_batch(&t, &openx(), &Serializer::Parquet(serde), &records).unwrap();
    let file = out.parquet.unwrap();
    let r = reader(&file);
    let column = r.metadata().row_group(0).column(0);
    assert!(column.dictionary_page_offset().is_some(), "dictionary page written");
    assert_eq!(r.metadata().file_metadata().num_rows(), 5000);
    let plain = convert_batch(&t, &openx(), &parquet_default(), &records).unwrap().parquet.unwrap();
    assert!(reader(&plain).metadata().row_group(0).column(0).dictionary_page_offset().is_none());
    assert_eq!(read_rows(&file)[4999][1].1, Field::Int(4999));
}

#[test]
fn serializer_minimums_follow_the_model() {
    // Model: BlockSizeBytes min 67108864, ParquetPageSizeBytes min 65536.
    assert!(ParquetSerDe::default().validate().is_ok());
    assert!(ParquetSerDe { block_size_bytes: 64 * 1024 * 1024 - 1, ..ParquetSerDe::default() }.validate().is_err());
    assert!(ParquetSerDe { page_size_bytes: 65_535, ..ParquetSerDe::default() }.validate().is_err());
}

// -------------------------------------------------------------------------------------------- properties

#[derive(Debug, Clone)]
enum Gen {
    Int(Option<i32>),
    Big(Option<i64>),
    Text(Option<String>),
    Flag(Option<bool>),
    Real(Option<f64>),
}

fn gen_type() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("int"), Just("bigint"), Just("string"), Just("boolean"), Just("double")]
}

fn gen_value(glue_type: &'static str) -> BoxedStrategy<Gen> {
    match glue_type {
        "int" => proptest::option::of(any::<i32>()).prop_map(Gen::Int).boxed(),
        "bigint" => proptest::option::of(any::<i64>()).prop_map(Gen::Big).boxed(),
        "string" => proptest::option::of("[ -~é€]{0,12}").prop_map(Gen::Text).boxed(),
        "boolean" => proptest::option::of(any::<bool>()).prop_map(Gen::Flag).boxed(),
        _ => proptest::option::of(-1e12f64..1e12).prop_map(Gen::Real).boxed(),
    }
}

fn table_and_rows() -> impl Strategy<Value = (Vec<&'static str>, Vec<Vec<Gen>>)> {
    proptest::collection::vec(gen_type(), 1..6).prop_flat_map(|types| {
        let row: Vec<BoxedStrategy<Gen>> = types.iter().map(|t| gen_value(t)).collect();
        (Just(types), proptest::collection::vec(row, 1..30))
    })
}

fn to_json(value: &Gen) -> Option<serde_json::Value> {
    match value {
        Gen::Int(v) => v.map(serde_json::Value::from),
        Gen::Big(v) => v.map(serde_json::Value::from),
        Gen::Text(v) => v.clone().map(serde_json::Value::from),
        Gen::Flag(v) => v.map(serde_json::Value::from),
        Gen::Real(v) => v.map(serde_json::Value::from),
    }
}

fn to_field(value: &Gen) -> Field {
    match value {
        Gen::Int(Some(v)) => Field::Int(*v),
        Gen::Big(Some(v)) => Field::Long(*v),
        Gen::Text(Some(v)) => Field::Str(v.clone()),
        Gen::Flag(Some(v)) => Field::Bool(*v),
        Gen::Real(Some(v)) => Field::Double(*v),
        _ => Field::Null,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any rows of a flat table read back as the same values, in order, with nulls where keys were absent.
    #[test]
    fn flat_rows_read_back_unchanged((types, rows) in table_and_rows(), dictionary in any::<bool>()) {
        let columns: Vec<(String, &str)> = types.iter().enumerate().map(|(i, t)| (format!("c{i}"), *t)).collect();
        let column_refs: Vec<(&str, &str)> = columns.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        let table = schema(&column_refs);
        let records: Vec<String> = rows.iter().map(|row| {
            let object: serde_json::Map<String, serde_json::Value> = row.iter().enumerate()
                .filter_map(|(i, v)| to_json(v).map(|j| (format!("c{i}"), j))).collect();
            serde_json::Value::Object(object).to_string()
        }).collect();
        let record_refs: Vec<&[u8]> = records.iter().map(|r| r.as_bytes()).collect();
        let serde = ParquetSerDe { enable_dictionary_compression: dictionary, ..ParquetSerDe::default() };
        let out = convert_batch(&table, &openx(), &Serializer::Parquet(serde), &record_refs).unwrap();
        prop_assert!(out.failures.is_empty(), "{:?}", out.failures);
        prop_assert_eq!(out.rows, rows.len() as u64);
        let read = read_rows(&out.parquet.unwrap());
        prop_assert_eq!(read.len(), rows.len());
        for (got, want) in read.iter().zip(&rows) {
            let got: Vec<Field> = got.iter().map(|(_, f)| f.clone()).collect();
            let want: Vec<Field> = want.iter().map(to_field).collect();
            prop_assert_eq!(got, want);
        }
    }

    /// Whatever bytes a record holds, conversion answers (a row or a failure for it), never panics.
    #[test]
    fn arbitrary_records_convert_or_fail_without_panicking(records in proptest::collection::vec(
        proptest::collection::vec(any::<u8>(), 0..40), 0..8)) {
        let table = schema(&[("a", "int"), ("s", "struct<x:array<string>>"), ("t", "timestamp")]);
        let refs: Vec<&[u8]> = records.iter().map(|r| r.as_slice()).collect();
        let out = convert_batch(&table, &openx(), &parquet_default(), &refs).unwrap();
        prop_assert_eq!(out.rows as usize + out.failures.len(), records.len());
    }
}

// -------------------------------------------------------------------------------- samples for pyarrow

/// Writes sample files for tests/clients/test_parquet_files.py into the directory named by
/// KL_WRITE_PARQUET_SAMPLES; does nothing when the variable is unset.
#[test]
fn write_parquet_samples() {
    let Some(dir) = std::env::var_os("KL_WRITE_PARQUET_SAMPLES") else { return };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("sample directory");
    let flat = schema(&[
        ("s", "string"),
        ("b", "boolean"),
        ("ti", "tinyint"),
        ("si", "smallint"),
        ("i", "int"),
        ("bi", "bigint"),
        ("f", "float"),
        ("d", "double"),
        ("dec", "decimal(10,2)"),
        ("bigdec", "decimal(38,4)"),
        ("dt", "date"),
        ("ts", "timestamp"),
        ("bin", "binary"),
    ]);
    let flat_records = [
        r#"{"s":"héllo","b":true,"ti":-128,"si":32767,"i":-5,"bi":9007199254740993,"f":1.5,"d":-2.25,
            "dec":"123.456","bigdec":"-12345678901234567890.1234","dt":"2017-02-07",
            "ts":"2017-02-07T15:13:01.392560001Z","bin":"AAEC"}"#,
        r#"{"s":null}"#,
    ];
    let nested = schema(&[
        ("tags", "array<string>"),
        ("point", "struct<x:double,y:double>"),
        ("attrs", "map<string,int>"),
    ]);
    let nested_records = [r#"{"tags":["a","b"],"point":{"x":1.5,"y":-2},"attrs":{"one":1}}"#, r#"{"tags":[]}"#];
    let samples: [(&str, &TableSchema, &[&str], ParquetSerDe); 4] = [
        ("flat_snappy.parquet", &flat, &flat_records, ParquetSerDe::default()),
        (
            "flat_gzip_v2_dictionary.parquet",
            &flat,
            &flat_records,
            ParquetSerDe {
                compression: ParquetCompression::Gzip,
                writer_version: ParquetWriterVersion::V2,
                enable_dictionary_compression: true,
                ..ParquetSerDe::default()
            },
        ),
        (
            "flat_uncompressed.parquet",
            &flat,
            &flat_records,
            ParquetSerDe { compression: ParquetCompression::Uncompressed, ..ParquetSerDe::default() },
        ),
        ("nested.parquet", &nested, &nested_records, ParquetSerDe::default()),
    ];
    for (name, table, records, serde) in samples {
        let refs: Vec<&[u8]> = records.iter().map(|r| r.as_bytes()).collect();
        let out = convert_batch(table, &openx(), &Serializer::Parquet(serde), &refs).expect("sample converts");
        assert!(out.failures.is_empty(), "{name}: {:?}", out.failures);
        std::fs::write(dir.join(name), out.parquet.expect("a file")).expect("sample written");
    }
}

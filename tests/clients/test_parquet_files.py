"""pyarrow reads the Parquet files the Firehose format conversion writes (src/engine/firehose/convert/).

The files come from the Rust test ``write_parquet_samples`` (tests/firehose_convert.rs), which writes them into
the directory named by KL_WRITE_PARQUET_SAMPLES and does nothing without it. Running it here, into pytest's own
temporary directory, means no stale sample from an older build is ever read, and ``cargo test`` of the whole
suite stays free of file writes. The suite's ``cargo test`` step has already built the test binary (with the
same features), so this costs a second. An end-to-end check through the endpoint's S3 API comes with the
engine wiring.
"""

import datetime
import decimal
import os
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]

FLAT_SCHEMA = pa.schema(
    [
        ("s", pa.string()),
        ("b", pa.bool_()),
        ("ti", pa.int8()),
        ("si", pa.int16()),
        ("i", pa.int32()),
        ("bi", pa.int64()),
        ("f", pa.float32()),
        ("d", pa.float64()),
        ("dec", pa.decimal128(10, 2)),
        ("bigdec", pa.decimal128(38, 4)),
        ("dt", pa.date32()),
        # INT96, as Hive's Parquet writer stores timestamps: pyarrow reads it as nanoseconds.
        ("ts", pa.timestamp("ns")),
        ("bin", pa.binary()),
    ]
)


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    out = tmp_path_factory.mktemp("parquet-samples")
    env = dict(os.environ, KL_WRITE_PARQUET_SAMPLES=str(out))
    # The same features as scripts/test.sh's `cargo test`, so its already-built test binary is reused.
    cmd = ["cargo", "test", "--quiet", "--features", "endpoint", "--test", "firehose_convert", "write_parquet_samples"]
    result = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


@pytest.mark.parametrize(
    "name, compression",
    [
        ("flat_snappy.parquet", "SNAPPY"),
        ("flat_gzip_v2_dictionary.parquet", "GZIP"),
        ("flat_uncompressed.parquet", "UNCOMPRESSED"),
    ],
)
def test_flat_file_has_the_declared_schema_and_values(samples, name, compression):
    table = pq.read_table(samples / name)
    assert table.schema.equals(FLAT_SCHEMA), table.schema
    assert table.num_rows == 2
    meta = pq.ParquetFile(samples / name).metadata
    assert meta.row_group(0).column(0).compression == compression

    first = table.drop_columns(["ts"]).to_pylist()[0]
    assert first == {
        "s": "héllo",
        "b": True,
        "ti": -128,
        "si": 32767,
        "i": -5,
        "bi": 9007199254740993,
        "f": 1.5,
        "d": -2.25,
        "dec": decimal.Decimal("123.46"),
        "bigdec": decimal.Decimal("-12345678901234567890.1234"),
        "dt": datetime.date(2017, 2, 7),
        "bin": b"\x00\x01\x02",
    }
    # 2017-02-07T15:13:01.392560001Z, to the nanosecond.
    assert table.column("ts").cast(pa.int64()).to_pylist() == [1486480381392560001, None]
    # The second record named only "s" (as null): every column is null.
    assert all(v is None for v in table.drop_columns(["ts"]).to_pylist()[1].values())


def test_dictionary_option_writes_a_dictionary_page(samples):
    with_dictionary = pq.ParquetFile(samples / "flat_gzip_v2_dictionary.parquet").metadata.row_group(0).column(0)
    without = pq.ParquetFile(samples / "flat_snappy.parquet").metadata.row_group(0).column(0)
    assert with_dictionary.has_dictionary_page
    assert not without.has_dictionary_page


def test_nested_file_reads_as_list_struct_and_map(samples):
    table = pq.read_table(samples / "nested.parquet")
    assert table.schema.field("tags").type == pa.list_(pa.field("element", pa.string()))
    assert table.schema.field("point").type == pa.struct([("x", pa.float64()), ("y", pa.float64())])
    attrs = table.schema.field("attrs").type
    assert isinstance(attrs, pa.MapType)
    assert (attrs.key_type, attrs.item_type) == (pa.string(), pa.int32())
    assert table.to_pylist() == [
        {"tags": ["a", "b"], "point": {"x": 1.5, "y": -2.0}, "attrs": [("one", 1)]},
        {"tags": [], "point": None, "attrs": None},
    ]

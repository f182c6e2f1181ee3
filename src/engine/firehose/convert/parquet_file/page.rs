//! One column chunk: an optional dictionary page and one data page (v1 `DATA_PAGE` or v2 `DATA_PAGE_V2`),
//! each a Thrift `PageHeader` followed by its (possibly compressed) body (parquet-format, parquet.thrift).

use std::collections::HashMap;

use super::levels::{bit_width, encode_rle};
use super::thrift::CompactWriter;
use super::{Codec, Column, PageVersion, Values, WriteOptions};

/// parquet.thrift `Encoding` values.
pub const ENCODING_PLAIN: i32 = 0;
pub const ENCODING_PLAIN_DICTIONARY: i32 = 2;
pub const ENCODING_RLE: i32 = 3;
pub const ENCODING_RLE_DICTIONARY: i32 = 8;

/// parquet.thrift `PageType` values.
const PAGE_DATA: i32 = 0;
const PAGE_DICTIONARY: i32 = 2;
const PAGE_DATA_V2: i32 = 3;

/// The encoded pages of one column chunk.
pub struct Chunk {
    /// Every page, header and body, in file order.
    pub bytes: Vec<u8>,
    /// Where the data page starts in `bytes` (0 without a dictionary page).
    pub data_page_start: usize,
    pub has_dictionary: bool,
    /// Sum of header sizes plus uncompressed body sizes (ColumnMetaData.total_uncompressed_size).
    pub uncompressed_bytes: usize,
    /// The encodings the chunk uses, for ColumnMetaData.encodings.
    pub encodings: Vec<i32>,
}

/// A page size as the i32 parquet.thrift stores it.
fn size_i32(bytes: usize) -> Result<i32, String> {
    i32::try_from(bytes).map_err(|_| format!("a Parquet page of {bytes} bytes exceeds the format's 2 GiB limit"))
}

/// Compresses one page body with the chunk's codec (the Snappy codec is the raw block format, without
/// framing; GZIP is an RFC 1952 member).
pub fn compress(codec: Codec, body: &[u8]) -> Result<Vec<u8>, String> {
    match codec {
        Codec::Uncompressed => Ok(body.to_vec()),
        Codec::Snappy => {
            snap::raw::Encoder::new().compress_vec(body).map_err(|e| format!("cannot Snappy-compress a page: {e}"))
        }
        Codec::Gzip => Ok(crate::engine::firehose::compress::gzip(body)),
    }
}

/// BOOLEAN values in PLAIN encoding: one bit each, least significant bit first.
pub fn pack_bools(values: &[bool]) -> Vec<u8> {
    let mut out = vec![0u8; values.len().div_ceil(8)];
    for (i, _) in values.iter().enumerate().filter(|(_, v)| **v) {
        out[i / 8] |= 1 << (i % 8);
    }
    out
}

/// Distinct plain-encoded values in first-seen order (the dictionary page's body and entry count) and each
/// value's index into them.
fn dictionary(bytes: &[u8], ends: &[usize]) -> (Vec<u8>, usize, Vec<u64>) {
    let mut index_of: HashMap<&[u8], u64> = HashMap::new();
    let mut entries = Vec::new();
    let mut indexes = Vec::with_capacity(ends.len());
    let mut start = 0;
    for &end in ends {
        let value = &bytes[start..end];
        let next = index_of.len() as u64;
        let index = *index_of.entry(value).or_insert_with(|| {
            entries.extend_from_slice(value);
            next
        });
        indexes.push(index);
        start = end;
    }
    (entries, index_of.len(), indexes)
}

/// Levels in the hybrid encoding, or nothing when the column's maximum level is 0.
fn encode_levels(levels: &[i16], max: i16) -> Vec<u8> {
    let mut out = Vec::new();
    let width = bit_width(max.max(0) as u64);
    if width > 0 {
        encode_rle(levels.iter().map(|l| (*l).max(0) as u64), width, &mut out);
    }
    out
}

/// Appends a page: its header (written by `header_fields` after the common size fields) and body.
fn push_page(
    out: &mut Vec<u8>,
    page_type: i32,
    uncompressed_size: usize,
    body: &[u8],
    header_fields: impl FnOnce(&mut CompactWriter),
) -> Result<usize, String> {
    let mut header = CompactWriter::new();
    header.i32_field(1, page_type);
    header.i32_field(2, size_i32(uncompressed_size)?);
    header.i32_field(3, size_i32(body.len())?);
    header_fields(&mut header);
    let header = header.finish();
    out.extend_from_slice(&header);
    out.extend_from_slice(body);
    Ok(header.len() + uncompressed_size)
}

/// Encodes a column's pages.
pub fn write_chunk(column: &Column, options: &WriteOptions) -> Result<Chunk, String> {
    let level_count = column.defs.len();
    let num_values = size_i32(level_count)?;
    let mut bytes = Vec::new();
    let mut uncompressed_bytes = 0;
    let mut encodings = vec![ENCODING_RLE];

    // Values: dictionary indexes (after a dictionary page) or PLAIN.
    let use_dictionary = options.dictionary && matches!(&column.values, Values::Plain { ends, .. } if !ends.is_empty());
    let (values_body, value_encoding) = match &column.values {
        Values::Plain { bytes: plain, ends } if use_dictionary => {
            let (entries, entry_count, indexes) = dictionary(plain, ends);
            // Version 1 files name both pages PLAIN_DICTIONARY; version 2 files use PLAIN for the dictionary
            // page and RLE_DICTIONARY for the indexes (parquet-format, Encodings.md, "Dictionary Encoding").
            let (dictionary_encoding, index_encoding) = match options.version {
                PageVersion::V1 => (ENCODING_PLAIN_DICTIONARY, ENCODING_PLAIN_DICTIONARY),
                PageVersion::V2 => (ENCODING_PLAIN, ENCODING_RLE_DICTIONARY),
            };
            let compressed = compress(options.codec, &entries)?;
            let entry_count = size_i32(entry_count)?;
            uncompressed_bytes += push_page(&mut bytes, PAGE_DICTIONARY, entries.len(), &compressed, |h| {
                h.struct_field(7);
                h.i32_field(1, entry_count);
                h.i32_field(2, dictionary_encoding);
                h.end_struct();
            })?;
            encodings.push(dictionary_encoding);
            // Indexes: one byte of bit width, then the hybrid encoding. A width of at least 1 even for a
            // single entry keeps clear of readers' handling of zero-width runs.
            let width = bit_width(entry_count.saturating_sub(1) as u64).max(1);
            let mut body = vec![width];
            encode_rle(indexes, width, &mut body);
            (body, index_encoding)
        }
        Values::Plain { bytes: plain, .. } => (plain.clone(), ENCODING_PLAIN),
        Values::Bool(values) => (pack_bools(values), ENCODING_PLAIN),
    };
    if !encodings.contains(&value_encoding) {
        encodings.push(value_encoding);
    }
    let data_page_start = bytes.len();

    let reps = encode_levels(&column.reps, column.max_rep);
    let defs = encode_levels(&column.defs, column.max_def);
    let rle = ENCODING_RLE;
    match options.version {
        PageVersion::V1 => {
            // Version 1 pages prefix each level run with its byte length (4 bytes, little-endian) and
            // compress levels and values together.
            let mut body = Vec::with_capacity(reps.len() + defs.len() + values_body.len() + 8);
            for levels in [&reps, &defs] {
                if !levels.is_empty() {
                    body.extend_from_slice(&(size_i32(levels.len())? as u32).to_le_bytes());
                    body.extend_from_slice(levels);
                }
            }
            body.extend_from_slice(&values_body);
            let compressed = compress(options.codec, &body)?;
            uncompressed_bytes += push_page(&mut bytes, PAGE_DATA, body.len(), &compressed, |h| {
                h.struct_field(5);
                h.i32_field(1, num_values);
                h.i32_field(2, value_encoding);
                h.i32_field(3, rle);
                h.i32_field(4, rle);
                h.end_struct();
            })?;
        }
        PageVersion::V2 => {
            // Version 2 pages keep the levels uncompressed and unprefixed (their lengths are in the header);
            // only the values are compressed.
            let num_nulls = size_i32(column.defs.iter().filter(|d| **d < column.max_def).count())?;
            let num_rows =
                if column.max_rep == 0 { level_count } else { column.reps.iter().filter(|r| **r == 0).count() };
            let num_rows = size_i32(num_rows)?;
            let (rep_len, def_len) = (size_i32(reps.len())?, size_i32(defs.len())?);
            let compressed_values = compress(options.codec, &values_body)?;
            let mut body = Vec::with_capacity(reps.len() + defs.len() + compressed_values.len());
            body.extend_from_slice(&reps);
            body.extend_from_slice(&defs);
            body.extend_from_slice(&compressed_values);
            let uncompressed = reps.len() + defs.len() + values_body.len();
            let is_compressed = options.codec != Codec::Uncompressed;
            uncompressed_bytes += push_page(&mut bytes, PAGE_DATA_V2, uncompressed, &body, |h| {
                h.struct_field(8);
                h.i32_field(1, num_values);
                h.i32_field(2, num_nulls);
                h.i32_field(3, num_rows);
                h.i32_field(4, value_encoding);
                h.i32_field(5, def_len);
                h.i32_field(6, rep_len);
                h.bool_field(7, is_compressed);
                h.end_struct();
            })?;
        }
    }
    Ok(Chunk { bytes, data_page_start, has_dictionary: data_page_start > 0, uncompressed_bytes, encodings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_pack_least_significant_bit_first() {
        let values = [true, false, true, true, false, false, false, false, true];
        assert_eq!(pack_bools(&values), [0b0000_1101, 0b0000_0001]);
        assert!(pack_bools(&[]).is_empty());
    }

    #[test]
    fn dictionary_keeps_first_seen_order_and_indexes_every_value() {
        let bytes = b"aabca";
        let ends = [1, 2, 3, 4, 5];
        let (entries, count, indexes) = dictionary(bytes, &ends);
        assert_eq!((entries.as_slice(), count), (b"abc".as_slice(), 3));
        assert_eq!(indexes, [0, 0, 1, 2, 0]);
    }

    #[test]
    fn levels_are_omitted_when_the_maximum_is_zero() {
        assert!(encode_levels(&[0, 0, 0], 0).is_empty());
        assert_eq!(encode_levels(&[1, 1, 0], 1), [4, 1, 2, 0]);
    }

    #[test]
    fn snappy_pages_are_raw_blocks() {
        let body = b"abcabcabcabcabcabcabcabc";
        let compressed = compress(Codec::Snappy, body).unwrap();
        assert_eq!(snap::raw::Decoder::new().decompress_vec(&compressed).unwrap(), body);
    }
}

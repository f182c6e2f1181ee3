//! The RLE / bit-packing hybrid encoding (parquet-format, Encodings.md, "Run Length Encoding / Bit-Packing
//! Hybrid"), used for definition and repetition levels and for dictionary indexes.
//!
//! The encoding lets a writer mix RLE runs and bit-packed groups freely; this writer emits RLE runs only,
//! which every reader must accept. A run is a varint header `count << 1` (low bit 0 = RLE) followed by the
//! repeated value in `ceil(bit_width / 8)` little-endian bytes.

use super::thrift::write_varint;

/// Bits needed to store every value from 0 to `max` (0 when `max` is 0: such levels are not written).
pub fn bit_width(max: u64) -> u8 {
    (u64::BITS - max.leading_zeros()) as u8
}

/// Appends `values` as RLE runs of `bit_width`-bit values.
pub fn encode_rle(values: impl IntoIterator<Item = u64>, bit_width: u8, out: &mut Vec<u8>) {
    let value_bytes = usize::from(bit_width).div_ceil(8);
    let mut run: Option<(u64, u64)> = None;
    let flush = |value: u64, count: u64, out: &mut Vec<u8>| {
        write_varint(out, count << 1);
        out.extend_from_slice(&value.to_le_bytes()[..value_bytes]);
    };
    for value in values {
        run = match run {
            Some((current, count)) if current == value => Some((current, count + 1)),
            Some((current, count)) => {
                flush(current, count, out);
                Some((value, 1))
            }
            None => Some((value, 1)),
        };
    }
    if let Some((value, count)) = run {
        flush(value, count, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_widths_cover_the_maximum() {
        assert_eq!([0, 1, 2, 3, 4, 255, 256].map(bit_width), [0, 1, 2, 2, 3, 8, 9]);
    }

    #[test]
    fn equal_neighbours_share_one_run() {
        let mut out = Vec::new();
        encode_rle([1, 1, 1, 0, 2, 2], 2, &mut out);
        // Headers 3<<1, 1<<1, 2<<1; one byte per value for widths up to 8.
        assert_eq!(out, [6, 1, 2, 0, 4, 2]);
    }

    #[test]
    fn wide_values_take_more_bytes_and_long_runs_longer_headers() {
        let mut out = Vec::new();
        encode_rle(std::iter::repeat_n(300, 100), 9, &mut out);
        // 100 << 1 = 200: varint 0xc8 0x01; 300 = 0x012c little-endian in two bytes.
        assert_eq!(out, [0xc8, 0x01, 0x2c, 0x01]);
    }

    #[test]
    fn nothing_in_nothing_out() {
        let mut out = Vec::new();
        encode_rle([], 1, &mut out);
        assert!(out.is_empty());
    }
}

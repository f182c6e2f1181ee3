//! What Firehose does to a buffer's bytes before writing the S3 object (FACTS §2 "Compression":
//! UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY). All pure Rust, so it runs in the browser.

use std::io::Write;

use flate2::write::{DeflateEncoder, GzEncoder};
use flate2::Compression;
use serde::{Deserialize, Serialize};

use crate::engine::time::EpochMillis;

/// The model's CompressionFormat enum, spelled as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum CompressionFormat {
    #[default]
    #[serde(rename = "UNCOMPRESSED")]
    Uncompressed,
    #[serde(rename = "GZIP")]
    Gzip,
    #[serde(rename = "ZIP")]
    Zip,
    #[serde(rename = "Snappy")]
    Snappy,
    #[serde(rename = "HADOOP_SNAPPY")]
    HadoopSnappy,
}

impl CompressionFormat {
    pub const ALL: [CompressionFormat; 5] = [
        CompressionFormat::Uncompressed,
        CompressionFormat::Gzip,
        CompressionFormat::Zip,
        CompressionFormat::Snappy,
        CompressionFormat::HadoopSnappy,
    ];

    pub fn wire_name(self) -> &'static str {
        match self {
            CompressionFormat::Uncompressed => "UNCOMPRESSED",
            CompressionFormat::Gzip => "GZIP",
            CompressionFormat::Zip => "ZIP",
            CompressionFormat::Snappy => "Snappy",
            CompressionFormat::HadoopSnappy => "HADOOP_SNAPPY",
        }
    }

    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.wire_name() == name)
    }

    /// The object-name extension Firehose adds. HADOOP_SNAPPY: AWS's docs do not say; `.snappy` is
    /// assumed here (unverified) since both are Snappy data.
    pub fn extension(self) -> &'static str {
        match self {
            CompressionFormat::Uncompressed => "",
            CompressionFormat::Gzip => ".gz",
            CompressionFormat::Zip => ".zip",
            CompressionFormat::Snappy | CompressionFormat::HadoopSnappy => ".snappy",
        }
    }
}

/// Compresses a buffer. `entry_name` names the single file inside a ZIP archive; `mtime_ms` dates it.
pub fn compress(format: CompressionFormat, data: &[u8], entry_name: &str, mtime_ms: EpochMillis) -> Vec<u8> {
    match format {
        CompressionFormat::Uncompressed => data.to_vec(),
        CompressionFormat::Gzip => gzip(data),
        CompressionFormat::Zip => zip_single(data, entry_name, mtime_ms),
        CompressionFormat::Snappy => snappy_framed(data),
        CompressionFormat::HadoopSnappy => hadoop_snappy(data),
    }
}

/// RFC 1952 gzip (one member).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::with_capacity(data.len() / 2 + 64), Compression::default());
    enc.write_all(data).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

fn deflate_raw(data: &[u8]) -> Vec<u8> {
    let mut enc = DeflateEncoder::new(Vec::with_capacity(data.len() / 2 + 64), Compression::default());
    enc.write_all(data).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

/// MS-DOS (time, date) of an instant, as ZIP headers store it (2-second resolution, 1980 onward).
fn dos_time_date(ms: EpochMillis) -> (u16, u16) {
    let (y, mo, d, h, mi, s) = super::prefix::utc_parts(ms);
    let year = (y.clamp(1980, 2107) - 1980) as u16;
    let time = ((h as u16) << 11) | ((mi as u16) << 5) | ((s as u16) / 2);
    let date = (year << 9) | ((mo as u16) << 5) | d as u16;
    (time, date)
}

/// A ZIP archive holding one deflated file (PKWARE APPNOTE 4.3: local header, data, central directory,
/// end record). Buffers are at most 128 MiB, so ZIP64 is never needed. Firehose's own entry naming is
/// not documented; the entry is named after the object.
pub fn zip_single(data: &[u8], entry_name: &str, mtime_ms: EpochMillis) -> Vec<u8> {
    let compressed = deflate_raw(data);
    let crc = crc32fast::hash(data);
    let (time, date) = dos_time_date(mtime_ms);
    let name = entry_name.as_bytes();
    let mut out = Vec::with_capacity(compressed.len() + 2 * name.len() + 100);
    let u16le = |v: u16, out: &mut Vec<u8>| out.extend_from_slice(&v.to_le_bytes());
    let u32le = |v: u32, out: &mut Vec<u8>| out.extend_from_slice(&v.to_le_bytes());
    // Local file header.
    u32le(0x0403_4b50, &mut out);
    u16le(20, &mut out); // version needed: 2.0 (deflate)
    u16le(0x0800, &mut out); // flags: UTF-8 name
    u16le(8, &mut out); // method: deflate
    u16le(time, &mut out);
    u16le(date, &mut out);
    u32le(crc, &mut out);
    u32le(compressed.len() as u32, &mut out);
    u32le(data.len() as u32, &mut out);
    u16le(name.len() as u16, &mut out);
    u16le(0, &mut out); // extra length
    out.extend_from_slice(name);
    out.extend_from_slice(&compressed);
    // Central directory.
    let cd_offset = out.len() as u32;
    u32le(0x0201_4b50, &mut out);
    u16le(0x0314, &mut out); // made by: Unix, 2.0
    u16le(20, &mut out);
    u16le(0x0800, &mut out);
    u16le(8, &mut out);
    u16le(time, &mut out);
    u16le(date, &mut out);
    u32le(crc, &mut out);
    u32le(compressed.len() as u32, &mut out);
    u32le(data.len() as u32, &mut out);
    u16le(name.len() as u16, &mut out);
    u16le(0, &mut out); // extra
    u16le(0, &mut out); // comment
    u16le(0, &mut out); // disk number
    u16le(0, &mut out); // internal attributes
    u32le(0o100644 << 16, &mut out); // external attributes: regular file, rw-r--r--
    u32le(0, &mut out); // local header offset
    out.extend_from_slice(name);
    let cd_size = out.len() as u32 - cd_offset;
    // End of central directory.
    u32le(0x0605_4b50, &mut out);
    u16le(0, &mut out);
    u16le(0, &mut out);
    u16le(1, &mut out);
    u16le(1, &mut out);
    u32le(cd_size, &mut out);
    u32le(cd_offset, &mut out);
    u16le(0, &mut out);
    out
}

/// Snappy's framing format (stream identifier, CRC-checked chunks), as `snap` writes it.
pub fn snappy_framed(data: &[u8]) -> Vec<u8> {
    let mut enc = snap::write::FrameEncoder::new(Vec::with_capacity(data.len() / 2 + 64));
    enc.write_all(data).expect("writing to a Vec cannot fail");
    enc.into_inner().expect("writing to a Vec cannot fail")
}

/// Hadoop's block size for its Snappy codec (io.compression.codec.snappy.buffersize default 256 KiB).
pub const HADOOP_SNAPPY_BLOCK: usize = 256 * 1024;

/// Hadoop-Snappy (Hadoop's BlockCompressorStream with SnappyCodec): per block of at most 256 KiB, the
/// uncompressed length (4 bytes, big-endian), then the compressed length (4 bytes, big-endian) and the
/// raw Snappy block.
pub fn hadoop_snappy(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    let mut encoder = snap::raw::Encoder::new();
    for block in data.chunks(HADOOP_SNAPPY_BLOCK) {
        let compressed = encoder.compress_vec(block).expect("a block under 4 GiB compresses");
        out.extend_from_slice(&(block.len() as u32).to_be_bytes());
        out.extend_from_slice(&(compressed.len() as u32).to_be_bytes());
        out.extend_from_slice(&compressed);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for f in CompressionFormat::ALL {
            assert_eq!(CompressionFormat::from_wire(f.wire_name()), Some(f));
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{}\"", f.wire_name()));
        }
        assert_eq!(CompressionFormat::from_wire("gzip"), None);
    }

    #[test]
    fn empty_input_still_makes_valid_containers() {
        assert_eq!(&gzip(b"")[..2], &[0x1f, 0x8b]);
        assert_eq!(&zip_single(b"", "e", 0)[..4], b"PK\x03\x04");
        assert!(hadoop_snappy(b"").is_empty());
    }

    #[test]
    fn dos_dates() {
        // 2026-03-04T05:06:07Z → date (46 << 9 | 3 << 5 | 4), time (5 << 11 | 6 << 5 | 3).
        assert_eq!(dos_time_date(1_772_600_767_000), ((5 << 11) | (6 << 5) | 3, (46 << 9) | (3 << 5) | 4));
    }
}

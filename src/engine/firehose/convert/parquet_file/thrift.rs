//! A write-only encoder for the Thrift compact protocol, the encoding of every Parquet page header and of the
//! file footer (parquet-format, parquet.thrift; Thrift's compact protocol specification).
//!
//! Only what Parquet metadata needs: structs, i16/i32/i64 integers, booleans, binary/string and lists.
//! A field header stores the field id as a delta from the previous field of the same struct when the delta
//! is 1..=15 (one byte: delta in the high nibble, type in the low nibble), otherwise the type byte followed
//! by the id as a zigzag varint. Integers are zigzag varints; a struct ends with a stop byte (0).

/// Compact-protocol type codes (Thrift compact protocol specification, "Struct encoding").
pub const TYPE_BOOL_TRUE: u8 = 1;
pub const TYPE_BOOL_FALSE: u8 = 2;
pub const TYPE_BYTE: u8 = 3;
pub const TYPE_I16: u8 = 4;
pub const TYPE_I32: u8 = 5;
pub const TYPE_I64: u8 = 6;
pub const TYPE_BINARY: u8 = 8;
pub const TYPE_LIST: u8 = 9;
pub const TYPE_STRUCT: u8 = 12;

/// The byte that ends a struct.
const STOP: u8 = 0;
/// Largest field-id delta that fits in a field header's high nibble.
const MAX_SHORT_DELTA: i16 = 15;
/// Lists shorter than this keep their size in the header byte's high nibble; longer ones write 0xF there
/// and the size as a varint after it.
const MAX_SHORT_LIST: usize = 14;

/// Appends compact-protocol values to a byte buffer. The caller opens the outermost struct implicitly: call
/// `finish` to write its stop byte.
#[derive(Debug, Default)]
pub struct CompactWriter {
    buf: Vec<u8>,
    /// The last field id written in the current struct.
    last_field_id: i16,
    /// Saved `last_field_id`s of the enclosing structs.
    outer_field_ids: Vec<i16>,
}

/// Zigzag mapping: small magnitudes of either sign become small unsigned numbers.
pub fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

/// Unsigned LEB128 varint (7 bits a byte, low groups first, high bit set on all but the last byte).
pub fn write_varint(buf: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        buf.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    buf.push(value as u8);
}

impl CompactWriter {
    pub fn new() -> CompactWriter {
        CompactWriter::default()
    }

    /// Writes the outermost struct's stop byte and returns the bytes.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(STOP);
        self.buf
    }

    /// A field header (id and compact type code).
    pub fn field(&mut self, id: i16, type_code: u8) {
        let delta = id.wrapping_sub(self.last_field_id);
        if (1..=MAX_SHORT_DELTA).contains(&delta) {
            self.buf.push(((delta as u8) << 4) | type_code);
        } else {
            self.buf.push(type_code);
            write_varint(&mut self.buf, zigzag(i64::from(id)));
        }
        self.last_field_id = id;
    }

    pub fn i16(&mut self, value: i16) {
        write_varint(&mut self.buf, zigzag(i64::from(value)));
    }

    pub fn i32(&mut self, value: i32) {
        write_varint(&mut self.buf, zigzag(i64::from(value)));
    }

    pub fn i64(&mut self, value: i64) {
        write_varint(&mut self.buf, zigzag(value));
    }

    /// Binary and string values: a varint length, then the bytes.
    pub fn binary(&mut self, bytes: &[u8]) {
        write_varint(&mut self.buf, bytes.len() as u64);
        self.buf.extend_from_slice(bytes);
    }

    /// A list header; the `len` elements follow (written with the value methods, or `begin_struct` each).
    pub fn list(&mut self, element_type: u8, len: usize) {
        if len <= MAX_SHORT_LIST {
            self.buf.push(((len as u8) << 4) | element_type);
        } else {
            self.buf.push(0xf0 | element_type);
            write_varint(&mut self.buf, len as u64);
        }
    }

    /// Starts a nested struct (after its field header or as a list element): field ids restart from 0.
    pub fn begin_struct(&mut self) {
        self.outer_field_ids.push(self.last_field_id);
        self.last_field_id = 0;
    }

    /// Ends the struct `begin_struct` started.
    pub fn end_struct(&mut self) {
        self.buf.push(STOP);
        self.last_field_id = self.outer_field_ids.pop().unwrap_or(0);
    }

    // Field shorthands: header and value together.

    /// A boolean field: the value is the header's type code, no byte follows.
    pub fn bool_field(&mut self, id: i16, value: bool) {
        self.field(id, if value { TYPE_BOOL_TRUE } else { TYPE_BOOL_FALSE });
    }

    /// A signed byte field: the byte as is (not a varint).
    pub fn i8_field(&mut self, id: i16, value: i8) {
        self.field(id, TYPE_BYTE);
        self.buf.push(value as u8);
    }

    pub fn i16_field(&mut self, id: i16, value: i16) {
        self.field(id, TYPE_I16);
        self.i16(value);
    }

    pub fn i32_field(&mut self, id: i16, value: i32) {
        self.field(id, TYPE_I32);
        self.i32(value);
    }

    pub fn i64_field(&mut self, id: i16, value: i64) {
        self.field(id, TYPE_I64);
        self.i64(value);
    }

    pub fn string_field(&mut self, id: i16, value: &str) {
        self.field(id, TYPE_BINARY);
        self.binary(value.as_bytes());
    }

    /// Opens a struct-valued field; close it with `end_struct`.
    pub fn struct_field(&mut self, id: i16) {
        self.field(id, TYPE_STRUCT);
        self.begin_struct();
    }

    /// A field holding a struct with no fields (Parquet's marker types such as `StringType`).
    pub fn empty_struct_field(&mut self, id: i16) {
        self.struct_field(id);
        self.end_struct();
    }

    pub fn i32_list_field(&mut self, id: i16, values: &[i32]) {
        self.field(id, TYPE_LIST);
        self.list(TYPE_I32, values.len());
        values.iter().for_each(|v| self.i32(*v));
    }

    pub fn string_list_field(&mut self, id: i16, values: &[String]) {
        self.field(id, TYPE_LIST);
        self.list(TYPE_BINARY, values.len());
        values.iter().for_each(|v| self.binary(v.as_bytes()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_interleaves_signs() {
        // Compact protocol specification: 0 → 0, -1 → 1, 1 → 2, -2 → 3, 2 → 4.
        let got: Vec<u64> = [0, -1, 1, -2, 2, i64::MIN, i64::MAX].iter().map(|v| zigzag(*v)).collect();
        assert_eq!(got, [0, 1, 2, 3, 4, u64::MAX, u64::MAX - 1]);
    }

    #[test]
    fn varints_use_seven_bits_a_byte() {
        let mut buf = Vec::new();
        write_varint(&mut buf, 1);
        write_varint(&mut buf, 300);
        write_varint(&mut buf, 127);
        write_varint(&mut buf, 128);
        assert_eq!(buf, [0x01, 0xac, 0x02, 0x7f, 0x80, 0x01]);
    }

    #[test]
    fn field_headers_use_deltas_up_to_15_and_long_form_otherwise() {
        let mut w = CompactWriter::new();
        w.i32_field(1, 3); // delta 1
        w.i32_field(4, -1); // delta 3
        w.i64_field(20, 2); // delta 16: long form, id zigzag 40
        w.i32_field(2, 0); // negative delta: long form
        assert_eq!(w.finish(), [0x15, 0x06, 0x35, 0x01, 0x06, 0x28, 0x04, 0x05, 0x04, 0x00, 0x00]);
    }

    #[test]
    fn booleans_live_in_the_type_nibble() {
        let mut w = CompactWriter::new();
        w.bool_field(1, true);
        w.bool_field(2, false);
        w.i8_field(3, -1);
        assert_eq!(w.finish(), [0x11, 0x12, 0x13, 0xff, 0x00]);
    }

    #[test]
    fn nested_structs_restart_field_ids_and_restore_the_outer_ones() {
        let mut w = CompactWriter::new();
        w.i32_field(1, 1);
        w.struct_field(5); // delta 4
        w.i32_field(1, 2); // inner ids start from 0: delta 1
        w.end_struct();
        w.i32_field(6, 3); // outer delta from 5
        assert_eq!(w.finish(), [0x15, 0x02, 0x4c, 0x15, 0x04, 0x00, 0x15, 0x06, 0x00]);
    }

    #[test]
    fn strings_and_lists_carry_their_lengths() {
        let mut w = CompactWriter::new();
        w.string_field(1, "ab");
        w.i32_list_field(2, &[1, 2]);
        w.string_list_field(3, &["x".to_string()]);
        assert_eq!(w.finish(), [0x18, 0x02, b'a', b'b', 0x19, 0x25, 0x02, 0x04, 0x19, 0x18, 0x01, b'x', 0x00]);
    }

    #[test]
    fn long_lists_write_their_size_after_the_header() {
        let mut w = CompactWriter::new();
        w.i32_list_field(1, &[0; 15]);
        let bytes = w.finish();
        assert_eq!(&bytes[..3], [0x19, 0xf5, 15]);
        assert_eq!(bytes.len(), 3 + 15 + 1);
        let mut short = CompactWriter::new();
        short.i32_list_field(1, &[0; 14]);
        assert_eq!(short.finish()[1], 0xe5);
    }

    #[test]
    fn lists_of_structs_have_no_field_headers_per_element() {
        let mut w = CompactWriter::new();
        w.field(1, TYPE_LIST);
        w.list(TYPE_STRUCT, 2);
        for v in [7, 8] {
            w.begin_struct();
            w.i32_field(1, v);
            w.end_struct();
        }
        w.i32_field(2, 0); // delta 1 from the list's field id
        assert_eq!(w.finish(), [0x19, 0x2c, 0x15, 0x0e, 0x00, 0x15, 0x10, 0x00, 0x15, 0x00, 0x00]);
    }
}

//! AWS event-stream framing (`application/vnd.amazon.eventstream`), used by SubscribeToShard.
//!
//! A message is: total length (u32), headers length (u32), CRC32 of those 8 bytes, headers, payload,
//! CRC32 of everything before it. Headers here are all strings (type 7). botocore's
//! `EventStreamBuffer` is the reader this has to satisfy.

use serde_json::Value;

const PRELUDE_LEN: usize = 12;
const CRC_LEN: usize = 4;
const HEADER_TYPE_STRING: u8 = 7;

/// Encode one message with string headers.
pub fn encode_message(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut header_bytes = Vec::new();
    for (name, value) in headers {
        // Header names are at most 255 bytes and values at most 32 KiB; ours are short constants.
        let name = &name.as_bytes()[..name.len().min(u8::MAX as usize)];
        let value = &value.as_bytes()[..value.len().min(u16::MAX as usize)];
        header_bytes.push(name.len() as u8);
        header_bytes.extend_from_slice(name);
        header_bytes.push(HEADER_TYPE_STRING);
        header_bytes.extend_from_slice(&(value.len() as u16).to_be_bytes());
        header_bytes.extend_from_slice(value);
    }
    let total = PRELUDE_LEN + header_bytes.len() + payload.len() + CRC_LEN;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(header_bytes.len() as u32).to_be_bytes());
    let prelude_crc = crc32fast::hash(&out);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    out.extend_from_slice(&header_bytes);
    out.extend_from_slice(payload);
    let message_crc = crc32fast::hash(&out);
    out.extend_from_slice(&message_crc.to_be_bytes());
    out
}

/// An `event` message carrying a JSON payload.
pub fn event(event_type: &str, payload: &Value) -> Vec<u8> {
    let body = payload.to_string();
    encode_message(
        &[(":message-type", "event"), (":event-type", event_type), (":content-type", "application/json")],
        body.as_bytes(),
    )
}

/// The first message of every event-stream response: `initial-response` with the operation's
/// non-stream output members (none for SubscribeToShard, so `{}`).
pub fn initial_response() -> Vec<u8> {
    event("initial-response", &Value::Object(Default::default()))
}

/// A modelled exception sent inside the stream (e.g. ResourceNotFoundException when the stream goes).
pub fn exception(exception_type: &str, message: &str) -> Vec<u8> {
    let body = serde_json::json!({ "message": message }).to_string();
    encode_message(
        &[(":message-type", "exception"), (":exception-type", exception_type), (":content-type", "application/json")],
        body.as_bytes(),
    )
}

/// A decoded message (for tests and for reading our own streams back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub headers: Vec<(String, String)>,
    pub payload: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Decode every complete message in `bytes`; `Err` on a bad length or CRC.
pub fn decode_all(mut bytes: &[u8]) -> Result<Vec<Message>, String> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (message, used) = decode_one(bytes)?;
        out.push(message);
        bytes = &bytes[used..];
    }
    Ok(out)
}

fn be_u32(b: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(..4)?.try_into().ok()?))
}

fn decode_one(bytes: &[u8]) -> Result<(Message, usize), String> {
    let total = be_u32(bytes).ok_or("short prelude")? as usize;
    let headers_len = be_u32(bytes.get(4..).ok_or("short prelude")?).ok_or("short prelude")? as usize;
    if total < PRELUDE_LEN + CRC_LEN + headers_len || bytes.len() < total {
        return Err(format!("bad lengths: total {total}, headers {headers_len}, have {}", bytes.len()));
    }
    let prelude_crc = be_u32(&bytes[8..]).ok_or("short prelude")?;
    if crc32fast::hash(&bytes[..8]) != prelude_crc {
        return Err("prelude CRC mismatch".into());
    }
    let message_crc = be_u32(&bytes[total - CRC_LEN..]).ok_or("short message")?;
    if crc32fast::hash(&bytes[..total - CRC_LEN]) != message_crc {
        return Err("message CRC mismatch".into());
    }
    let mut headers = Vec::new();
    let mut h = &bytes[PRELUDE_LEN..PRELUDE_LEN + headers_len];
    while !h.is_empty() {
        let name_len = h[0] as usize;
        let name = h.get(1..1 + name_len).ok_or("bad header name")?;
        let rest = &h[1 + name_len..];
        if rest.first() != Some(&HEADER_TYPE_STRING) || rest.len() < 3 {
            return Err("only string headers are supported".into());
        }
        let value_len = u16::from_be_bytes([rest[1], rest[2]]) as usize;
        let value = rest.get(3..3 + value_len).ok_or("bad header value")?;
        headers.push((String::from_utf8_lossy(name).into_owned(), String::from_utf8_lossy(value).into_owned()));
        h = &rest[3 + value_len..];
    }
    let payload = bytes[PRELUDE_LEN + headers_len..total - CRC_LEN].to_vec();
    Ok((Message { headers, payload }, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_crc_detection() {
        let msg = event("SubscribeToShardEvent", &serde_json::json!({"Records": []}));
        let mut two = initial_response();
        two.extend_from_slice(&msg);
        let decoded = decode_all(&two).unwrap();
        assert_eq!(decoded.len(), 2);
        assert_eq!(decoded[0].header(":event-type"), Some("initial-response"));
        assert_eq!(decoded[1].header(":event-type"), Some("SubscribeToShardEvent"));
        assert_eq!(decoded[1].payload, br#"{"Records":[]}"#);
        let mut bad = msg.clone();
        let last = bad.len() - 6;
        bad[last] ^= 1;
        assert!(decode_all(&bad).is_err());
    }

    // A known vector from the AWS event-stream spec's test suite ("empty_message"): a message with no
    // headers and no payload is 16 bytes with prelude CRC 0x05c248eb and message CRC 0x7d98c8ff.
    #[test]
    fn empty_message_matches_spec_vector() {
        let m = encode_message(&[], b"");
        assert_eq!(m, vec![0, 0, 0, 0x10, 0, 0, 0, 0, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff]);
    }
}

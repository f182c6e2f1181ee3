//! NextToken values for paginated listings: opaque, tamper-evident, and expiring after 300 s
//! (aws-models/kinesis.json ListShards/ListStreamConsumers NextToken documentation).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use md5::{Digest, Md5};

use crate::engine::streams::error::{ErrorKind, StreamsError, StreamsResult};
use crate::engine::streams::limits::NEXT_TOKEN_TTL_MS;
use crate::engine::time::EpochMillis;

/// What a token remembers: which listing, of what, from where, and when it was issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageToken {
    pub listing: String,
    pub subject: String,
    pub position: String,
    pub issued_ms: EpochMillis,
}

impl PageToken {
    pub fn encode(&self) -> String {
        let body = format!("{}\n{}\n{}\n{}", self.listing, self.subject, self.position, self.issued_ms);
        let mut bytes = body.into_bytes();
        let check = Md5::digest(&bytes);
        bytes.extend_from_slice(&check[..6]);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Decode and check a token for `listing`; AWS answers a bad token with InvalidArgumentException and
    /// an old one with ExpiredNextTokenException.
    pub fn decode(token: &str, listing: &str, now_ms: EpochMillis) -> StreamsResult<PageToken> {
        let invalid = || StreamsError::invalid_argument(format!("Invalid NextToken: {token}"));
        let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
        if bytes.len() < 6 {
            return Err(invalid());
        }
        let (body, check) = bytes.split_at(bytes.len() - 6);
        if Md5::digest(body)[..6] != *check {
            return Err(invalid());
        }
        let text = std::str::from_utf8(body).map_err(|_| invalid())?;
        let parts: Vec<&str> = text.split('\n').collect();
        let [kind, subject, position, issued] = parts.as_slice() else { return Err(invalid()) };
        if *kind != listing {
            return Err(invalid());
        }
        let issued_ms: EpochMillis = issued.parse().map_err(|_| invalid())?;
        if now_ms.saturating_sub(issued_ms) > NEXT_TOKEN_TTL_MS {
            return Err(StreamsError::new(ErrorKind::ExpiredNextToken, format!("The timestamp in the NextToken has expired: {token}")));
        }
        Ok(PageToken { listing: kind.to_string(), subject: subject.to_string(), position: position.to_string(), issued_ms })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_tamper_and_expiry() {
        let t = PageToken { listing: "ListShards".into(), subject: "s".into(), position: "3".into(), issued_ms: 1000 };
        let text = t.encode();
        assert_eq!(PageToken::decode(&text, "ListShards", 1000).unwrap(), t);
        assert_eq!(PageToken::decode(&text, "ListStreams", 1000).unwrap_err().kind, ErrorKind::InvalidArgument);
        assert_eq!(PageToken::decode("zzzz", "ListShards", 1000).unwrap_err().kind, ErrorKind::InvalidArgument);
        // Source: aws-models NextToken docs — tokens expire after 300 seconds.
        assert_eq!(PageToken::decode(&text, "ListShards", 1000 + 300_001).unwrap_err().kind, ErrorKind::ExpiredNextToken);
    }
}

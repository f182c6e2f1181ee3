//! KPL aggregation: many user records in one Kinesis record (FACTS §1 "Producers and consumers").
//!
//! Format: magic bytes F3 89 9A C2, a protobuf `AggregatedRecord`, then the MD5 of that protobuf.
//! `deaggregate` does what the KCL does: a record that is not a valid aggregate comes back as itself.

use md5::{Digest, Md5};
use prost::Message;

pub const KPL_MAGIC: [u8; 4] = [0xF3, 0x89, 0x9A, 0xC2];
const DIGEST_LEN: usize = 16;

/// The KPL's protobuf messages (field numbers from the KPL's `messages.proto`).
#[derive(Clone, PartialEq, Message)]
pub struct AggregatedRecord {
    #[prost(string, repeated, tag = "1")]
    pub partition_key_table: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    pub explicit_hash_key_table: Vec<String>,
    #[prost(message, repeated, tag = "3")]
    pub records: Vec<AggRecord>,
}

#[derive(Clone, PartialEq, Message)]
pub struct AggRecord {
    #[prost(uint64, required, tag = "1")]
    pub partition_key_index: u64,
    #[prost(uint64, optional, tag = "2")]
    pub explicit_hash_key_index: Option<u64>,
    #[prost(bytes = "vec", required, tag = "3")]
    pub data: Vec<u8>,
    #[prost(message, repeated, tag = "4")]
    pub tags: Vec<AggTag>,
}

#[derive(Clone, PartialEq, Message)]
pub struct AggTag {
    #[prost(string, required, tag = "1")]
    pub key: String,
    #[prost(string, optional, tag = "2")]
    pub value: Option<String>,
}

/// One user record recovered from a Kinesis record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub partition_key: String,
    pub explicit_hash_key: Option<String>,
    pub data: Vec<u8>,
    /// Position inside the aggregate (0 for a record that was not aggregated).
    pub sub_sequence_number: u64,
    pub aggregated: bool,
}

/// A user record to aggregate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecordInput {
    pub partition_key: String,
    pub explicit_hash_key: Option<String>,
    pub data: Vec<u8>,
}

/// Pack user records into one KPL aggregate (the first record's key routes the whole aggregate, as in
/// the KPL). Keys are de-duplicated into the tables.
pub fn aggregate(records: &[UserRecordInput]) -> Vec<u8> {
    let mut agg = AggregatedRecord::default();
    for r in records {
        let pk_index = table_index(&mut agg.partition_key_table, &r.partition_key);
        let ehk_index = r.explicit_hash_key.as_ref().map(|k| table_index(&mut agg.explicit_hash_key_table, k));
        agg.records.push(AggRecord { partition_key_index: pk_index, explicit_hash_key_index: ehk_index, data: r.data.clone(), tags: vec![] });
    }
    let body = agg.encode_to_vec();
    let digest = Md5::digest(&body);
    let mut out = Vec::with_capacity(KPL_MAGIC.len() + body.len() + DIGEST_LEN);
    out.extend_from_slice(&KPL_MAGIC);
    out.extend_from_slice(&body);
    out.extend_from_slice(&digest);
    out
}

fn table_index(table: &mut Vec<String>, key: &str) -> u64 {
    match table.iter().position(|k| k == key) {
        Some(i) => i as u64,
        None => {
            table.push(key.to_string());
            (table.len() - 1) as u64
        }
    }
}

/// Unpack a Kinesis record into its user records. Anything that is not a well-formed aggregate (no
/// magic, bad digest, bad protobuf, table index out of range) is returned unchanged as one record.
pub fn deaggregate(partition_key: &str, data: &[u8]) -> Vec<UserRecord> {
    match try_deaggregate(data) {
        Some(records) => records,
        None => vec![UserRecord {
            partition_key: partition_key.to_string(),
            explicit_hash_key: None,
            data: data.to_vec(),
            sub_sequence_number: 0,
            aggregated: false,
        }],
    }
}

fn try_deaggregate(data: &[u8]) -> Option<Vec<UserRecord>> {
    if data.len() < KPL_MAGIC.len() + DIGEST_LEN || data[..KPL_MAGIC.len()] != KPL_MAGIC {
        return None;
    }
    let body = &data[KPL_MAGIC.len()..data.len() - DIGEST_LEN];
    let digest = &data[data.len() - DIGEST_LEN..];
    if Md5::digest(body).as_slice() != digest {
        return None;
    }
    let agg = AggregatedRecord::decode(body).ok()?;
    agg.records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let partition_key = agg.partition_key_table.get(usize::try_from(r.partition_key_index).ok()?)?.clone();
            let explicit_hash_key = match r.explicit_hash_key_index {
                Some(e) => Some(agg.explicit_hash_key_table.get(usize::try_from(e).ok()?)?.clone()),
                None => None,
            };
            Some(UserRecord { partition_key, explicit_hash_key, data: r.data.clone(), sub_sequence_number: i as u64, aggregated: true })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Source: FACTS.md §1 — magic F3 89 9A C2, protobuf AggregatedRecord, MD5 trailer.
    #[test]
    fn aggregate_round_trip() {
        let inputs: Vec<UserRecordInput> = (0..5)
            .map(|i| UserRecordInput {
                partition_key: format!("k{}", i % 2),
                explicit_hash_key: (i == 3).then(|| "42".to_string()),
                data: format!("payload-{i}").into_bytes(),
            })
            .collect();
        let blob = aggregate(&inputs);
        assert_eq!(&blob[..4], &KPL_MAGIC);
        let out = deaggregate("ignored", &blob);
        assert_eq!(out.len(), 5);
        for (i, (o, input)) in out.iter().zip(&inputs).enumerate() {
            assert_eq!(o.partition_key, input.partition_key);
            assert_eq!(o.explicit_hash_key, input.explicit_hash_key);
            assert_eq!(o.data, input.data);
            assert_eq!(o.sub_sequence_number, i as u64);
            assert!(o.aggregated);
        }
    }

    #[test]
    fn non_aggregates_come_back_unchanged() {
        let plain = deaggregate("pk", b"hello");
        assert_eq!(plain.len(), 1);
        assert!(!plain[0].aggregated);
        let mut blob = aggregate(&[UserRecordInput { partition_key: "a".into(), explicit_hash_key: None, data: b"x".to_vec() }]);
        let last = blob.len() - 1;
        blob[last] ^= 0xff; // corrupt the digest
        let out = deaggregate("pk", &blob);
        assert_eq!(out.len(), 1);
        assert!(!out[0].aggregated);
    }

    proptest::proptest! {
        #[test]
        fn deaggregate_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let mut data = KPL_MAGIC.to_vec();
            data.extend(bytes);
            let _ = deaggregate("pk", &data);
        }
    }
}

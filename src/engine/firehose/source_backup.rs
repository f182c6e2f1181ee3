//! Source record backup for Extended S3 (S3BackupMode Enabled, FACTS.md §2 "Lambda transform": "Source
//! record backup (S3BackupMode) cannot be turned off once on"): every record, as it was received and
//! before any transform, also goes to a second S3 location with its own prefix, buffering hints and
//! compression — so a transform that mangles data never loses the original.

use super::destinations::S3DestinationConfiguration;
use super::types::{ExtendedS3Destination, ExtendedS3DestinationConfiguration};
use super::{compress, delivery, prefix, s3, DeliveryStream, FirehoseEngine, FlushReason};
use crate::engine::time::{EpochMillis, MILLIS_PER_SECOND};

/// The S3BackupMode value that turns the backup on (model enum S3BackupMode: Disabled | Enabled).
pub const ENABLED: &str = "Enabled";

/// The backup location as a (processing-free) Extended S3 configuration, to validate it the same way.
pub fn as_extended(c: &S3DestinationConfiguration) -> ExtendedS3DestinationConfiguration {
    ExtendedS3DestinationConfiguration {
        role_arn: c.role_arn.clone(),
        bucket_arn: c.bucket_arn.clone(),
        prefix: c.prefix.clone(),
        error_output_prefix: c.error_output_prefix.clone(),
        buffering_hints: c.buffering_hints,
        compression_format: c.compression_format,
        ..Default::default()
    }
}

/// A stored backup location back in request form (UpdateDestination merges into it).
pub fn as_configuration(d: &ExtendedS3Destination) -> S3DestinationConfiguration {
    S3DestinationConfiguration {
        role_arn: d.role_arn.clone(),
        bucket_arn: d.bucket_arn.clone(),
        prefix: d.prefix.clone(),
        error_output_prefix: d.error_output_prefix.clone(),
        buffering_hints: Some(super::types::BufferingHints {
            size_in_mbs: Some(d.buffering_hints.size_in_mbs),
            interval_in_seconds: Some(d.buffering_hints.interval_in_seconds),
        }),
        compression_format: Some(d.compression_format),
    }
}

impl DeliveryStream {
    /// When the backup buffer falls due by its own interval.
    pub(super) fn backup_due_ms(&self) -> Option<EpochMillis> {
        let backup = self.destination.source_backup.as_ref()?;
        let interval_ms = backup.buffering_hints.interval_in_seconds as u64 * MILLIS_PER_SECOND;
        self.backup_buffer.oldest_arrival_ms().map(|t| t + interval_ms)
    }
}

impl FirehoseEngine {
    /// A received record, unchanged, into the backup buffer (flushed on the backup's size hint).
    pub(super) fn stage_backup(&mut self, name: &str, record_id: &str, arrival_ms: EpochMillis, data: &[u8]) {
        let Some(stream) = self.streams.get_mut(name) else { return };
        let Some(limit) = stream.destination.source_backup.as_ref().map(|b| b.buffering_hints.size_in_mbs as u64 * super::limits::MIB)
        else {
            return;
        };
        if stream.backup_buffer.bytes() + data.len() as u64 > limit && !stream.backup_buffer.is_empty() {
            self.flush_backup(name, FlushReason::Size);
        }
        let Some(stream) = self.streams.get_mut(name) else { return };
        stream.backup_buffer.push(record_id, arrival_ms, data, b"");
        if stream.backup_buffer.bytes() >= limit {
            self.flush_backup(name, FlushReason::Size);
        }
    }

    /// Writes the backup buffer as one object under the backup location's prefix.
    pub(super) fn flush_backup(&mut self, name: &str, reason: FlushReason) {
        let now = self.now_ms;
        let Some(stream) = self.streams.get_mut(name) else { return };
        let Some(backup) = stream.destination.source_backup.clone() else { return };
        if stream.backup_buffer.is_empty() {
            return;
        }
        let buffer = std::mem::take(&mut stream.backup_buffer);
        let version = stream.version_id;
        let oldest = buffer.oldest_arrival_ms().unwrap_or(now);
        let evaluated = prefix::evaluate(&backup.prefixes().prefix, oldest, &mut self.rng, None);
        let uuid = prefix::uuid(&mut self.rng);
        let format = backup.compression_format;
        let key = prefix::object_key(&evaluated, name, version, oldest, &uuid, format.extension());
        let entry_name = key.rsplit('/').next().unwrap_or(&key).trim_end_matches(".zip").to_string();
        let object = delivery::PendingObject {
            stream: name.to_string(),
            bucket: s3::bucket_name(&backup.bucket_arn).unwrap_or(&backup.bucket_arn).to_string(),
            bytes: compress::compress(format, &buffer.data, &entry_name, now),
            key,
            records: buffer.records,
            raw_bytes: buffer.bytes(),
            first_record_id: buffer.first_record_id.clone().unwrap_or_default(),
            last_record_id: buffer.last_record_id.clone().unwrap_or_default(),
            oldest_arrival_ms: oldest,
            first_attempt_ms: now,
            attempts: 0,
            next_attempt_ms: now,
            reason,
            kind: delivery::ObjectKind::Backup,
        };
        self.attempt(object);
    }
}


//! Control plane: stream lifecycle, listings, tags, retention, monitoring, encryption, limits,
//! account settings and resource policies (FACTS §1; shapes from aws-models/kinesis.json).

use std::collections::BTreeMap;

use crate::engine::streams::error::{StreamsError, StreamsResult};
use crate::engine::streams::limits::*;
use crate::engine::streams::shard::{parse_shard_id, shard_id, Shard};
use crate::engine::streams::stream::{Change, ConsumerStatus, Pending, Stream, StreamStatus};
use crate::engine::streams::tokens::PageToken;
use crate::engine::streams::types::*;
use crate::engine::streams::{reshard, StreamsEngine};
use crate::engine::time::{EpochMillis, MILLIS_PER_DAY};

/// The shard-level metric names of EnableEnhancedMonitoring ("ALL" expands to these).
pub const SHARD_LEVEL_METRICS: [&str; 7] = [
    "IncomingBytes",
    "IncomingRecords",
    "OutgoingBytes",
    "OutgoingRecords",
    "WriteProvisionedThroughputExceeded",
    "ReadProvisionedThroughputExceeded",
    "IteratorAgeMilliseconds",
];

#[derive(Debug, PartialEq, Eq)]
pub enum AfterChange {
    Keep,
    Remove,
}

/// Complete a due asynchronous change.
pub fn apply_change(stream: &mut Stream, change: Change, now: EpochMillis) -> AfterChange {
    match change {
        Change::Activate { shard_count } => stream.create_initial_shards(shard_count, now),
        Change::Settle => {}
        Change::Split { shard, new_starting_hash_key } => reshard::split(stream, shard, new_starting_hash_key, now),
        Change::Merge { shard, adjacent } => reshard::merge(stream, shard, adjacent, now),
        Change::Scale { target } => reshard::scale_uniformly(stream, target, now),
        Change::SwitchMode { mode, warm_mibps } => {
            stream.mode = mode;
            stream.on_demand = Default::default();
            stream.on_demand.warm_target_mibps = warm_mibps;
        }
        Change::StartEncryption { key_id } => stream.encryption_key_id = Some(key_id),
        Change::StopEncryption => stream.encryption_key_id = None,
        Change::Delete => return AfterChange::Remove,
    }
    stream.status = StreamStatus::Active;
    AfterChange::Keep
}

/// Tag characters AWS accepts: Unicode letters, digits, white space and `_ . / = + - % @ :`.
fn tag_text_ok(text: &str) -> bool {
    text.chars().all(|c| c.is_alphanumeric() || c.is_whitespace() || "_./=+-%@:".contains(c))
}

pub(crate) fn shard_view(shard: &Shard) -> crate::engine::streams::types::Shard {
    crate::engine::streams::types::Shard {
        shard_id: shard.id(),
        parent_shard_id: shard.parent.map(shard_id),
        adjacent_parent_shard_id: shard.adjacent_parent.map(shard_id),
        hash_key_range: HashKeyRange {
            starting_hash_key: shard.range.start.to_string(),
            ending_hash_key: shard.range.end.to_string(),
        },
        sequence_number_range: SequenceNumberRange {
            starting_sequence_number: shard.starting_sequence.encode(),
            ending_sequence_number: shard.ending_sequence.map(|s| s.encode()),
        },
    }
}

fn enhanced_monitoring(stream: &Stream) -> Vec<EnhancedMetrics> {
    vec![EnhancedMetrics { shard_level_metrics: stream.shard_level_metrics.iter().cloned().collect() }]
}

impl StreamsEngine {
    fn require_active(&self, stream: &Stream) -> StreamsResult<()> {
        if stream.status == StreamStatus::Active {
            Ok(())
        } else {
            Err(StreamsError::stream_not_active(&stream.name, self.account(), stream.status.as_str()))
        }
    }

    /// Shards that CREATING streams will open, for the quota check.
    fn shards_being_created(&self) -> u32 {
        self.streams
            .values()
            .filter_map(|s| match s.pending.as_ref().map(|p| &p.change) {
                Some(Change::Activate { shard_count }) => Some(*shard_count),
                _ => None,
            })
            .sum()
    }

    pub(crate) fn shard_limit_error(&self, additional: u32) -> StreamsError {
        StreamsError::limit_exceeded(format!(
            "This request would exceed the shard limit for the account {} in {}. Current shard count for the account: {}. Limit: {}. Number of additional shards that would have resulted from this request: {}. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.",
            self.config.account_id,
            self.config.region,
            self.open_shards_in_account() + self.shards_being_created(),
            self.config.shard_limit,
            additional
        ))
    }

    fn check_shard_quota(&self, additional: u32) -> StreamsResult<()> {
        let total = self.open_shards_in_account() as u64 + self.shards_being_created() as u64 + additional as u64;
        if total > self.config.shard_limit as u64 {
            Err(self.shard_limit_error(additional))
        } else {
            Ok(())
        }
    }

    fn on_demand_stream_count(&self) -> u32 {
        self.streams.values().filter(|s| s.mode == StreamMode::OnDemand).count() as u32
    }

    fn pend(&mut self, name: &str, status: StreamStatus, change: Change) {
        let due_ms = self.now_ms + self.config.transition_ms;
        if let Some(stream) = self.streams.get_mut(name) {
            stream.status = status;
            stream.pending = Some(Pending { due_ms, change });
        }
    }

    // ---------------------------------------------------------------- lifecycle

    pub fn create_stream(&mut self, input: CreateStreamInput) -> StreamsResult<()> {
        self.count_call("CreateStream", CREATE_STREAM_CALLS_PER_SEC)?;
        let name = input.stream_name.clone();
        let mode = input.stream_mode_details.map(|d| d.stream_mode).unwrap_or_default();
        let shard_count = match (mode, input.shard_count) {
            (StreamMode::Provisioned, Some(n)) => n,
            (StreamMode::Provisioned, None) => {
                return Err(StreamsError::invalid_argument("ShardCount must be specified for streams in PROVISIONED mode."))
            }
            (StreamMode::OnDemand, Some(_)) => {
                return Err(StreamsError::invalid_argument("ShardCount is not supported for streams in ON_DEMAND mode."))
            }
            (StreamMode::OnDemand, None) => {
                // Warm throughput asked for at creation is in place when the stream turns ACTIVE.
                let warm = input.warm_throughput_mi_bps.unwrap_or(0).min(MAX_SHARDS_PER_STREAM);
                ON_DEMAND_INITIAL_SHARDS.max(warm)
            }
        };
        if self.streams.contains_key(&name) {
            return Err(StreamsError::stream_exists(&name, self.account()));
        }
        let creating = self.streams.values().filter(|s| s.status == StreamStatus::Creating).count();
        if creating >= MAX_CREATING_STREAMS {
            return Err(StreamsError::limit_exceeded(format!(
                "This request would exceed the limit of {MAX_CREATING_STREAMS} streams in CREATING state for the account {} in {}.",
                self.config.account_id, self.config.region
            )));
        }
        if shard_count > MAX_SHARDS_PER_STREAM {
            return Err(StreamsError::limit_exceeded(format!(
                "A stream cannot have more than {MAX_SHARDS_PER_STREAM} shards. Requested shard count: {shard_count}."
            )));
        }
        self.check_shard_quota(shard_count)?;
        if mode == StreamMode::OnDemand && self.on_demand_stream_count() >= self.config.on_demand_stream_limit {
            return Err(self.on_demand_limit_error());
        }
        let tags = input.tags.unwrap_or_default();
        check_tags(&tags, &name, self.account(), 0)?;
        let incarnation = self.next_incarnation;
        self.next_incarnation += 1;
        self.names_by_incarnation.insert(incarnation, name.clone());
        let arn = self.stream_arn(&name);
        let stream_id = stream_id_for(&arn, incarnation);
        let max_kib = input.max_record_size_in_kib.unwrap_or(DEFAULT_MAX_RECORD_SIZE_KIB);
        let mut stream = Stream::new(&name, arn, stream_id, incarnation, mode, max_kib, self.now_ms);
        stream.tags = tags;
        if mode == StreamMode::OnDemand {
            stream.on_demand.warm_target_mibps = input.warm_throughput_mi_bps.filter(|m| *m > 0);
        }
        stream.pending = Some(Pending { due_ms: self.now_ms + self.config.transition_ms, change: Change::Activate { shard_count } });
        self.streams.insert(name, stream);
        Ok(())
    }

    fn on_demand_limit_error(&self) -> StreamsError {
        StreamsError::limit_exceeded(format!(
            "This request would exceed the on-demand stream limit for the account {} in {}. Limit: {}.",
            self.config.account_id, self.config.region, self.config.on_demand_stream_limit
        ))
    }

    pub fn delete_stream(&mut self, input: DeleteStreamInput) -> StreamsResult<()> {
        self.count_call("DeleteStream", DELETE_STREAM_CALLS_PER_SEC)?;
        let now = self.now_ms;
        let account = self.config.account_id.clone();
        let stream = self.lookup_mut(&input.stream)?;
        let active_consumers = stream.consumers.values().any(|c| c.status != ConsumerStatus::Deleting);
        if active_consumers && !input.enforce_consumer_deletion.unwrap_or(false) {
            return Err(StreamsError::in_use(format!(
                "Stream {} under account {} has registered consumers. Deregister them first, or delete the stream with EnforceConsumerDeletion set to true.",
                stream.name, account
            )));
        }
        for consumer in stream.consumers.values_mut() {
            consumer.status = ConsumerStatus::Deleting;
        }
        let name = stream.name.clone();
        let _ = now;
        self.subscriptions.end_for_stream(&name);
        self.pend(&name, StreamStatus::Deleting, Change::Delete);
        Ok(())
    }

    // ---------------------------------------------------------------- descriptions and listings

    pub fn describe_stream(&mut self, input: DescribeStreamInput) -> StreamsResult<DescribeStreamOutput> {
        self.count_call("DescribeStream", DESCRIBE_STREAM_CALLS_PER_SEC)?;
        let now = self.now_ms;
        let stream = self.lookup(&input.stream)?;
        let limit = input.limit.unwrap_or(100).max(1) as usize;
        let after = match &input.exclusive_start_shard_id {
            Some(id) => Some(parse_shard_id(id).ok_or_else(|| {
                StreamsError::not_found(format!("Could not find shard {id} in stream {} under account {}.", stream.name, self.account()))
            })?),
            None => None,
        };
        let visible: Vec<&Shard> = stream.visible_shards(now).filter(|s| after.is_none_or(|a| s.index > a)).collect();
        let has_more = visible.len() > limit;
        let shards = visible.into_iter().take(limit).map(shard_view).collect();
        Ok(DescribeStreamOutput {
            stream_description: StreamDescription {
                stream_name: stream.name.clone(),
                stream_arn: stream.arn.clone(),
                stream_status: stream.status.as_str().into(),
                stream_mode_details: Some(StreamModeDetails { stream_mode: stream.mode }),
                shards,
                has_more_shards: has_more,
                retention_period_hours: stream.retention_hours,
                stream_creation_timestamp: Timestamp(stream.created_ms),
                enhanced_monitoring: enhanced_monitoring(stream),
                encryption_type: Some(stream.encryption_type().into()),
                key_id: stream.encryption_key_id.clone(),
            },
        })
    }

    pub fn describe_stream_summary(&mut self, input: StreamRef) -> StreamsResult<DescribeStreamSummaryOutput> {
        self.count_call("DescribeStreamSummary", DESCRIBE_STREAM_SUMMARY_CALLS_PER_SEC)?;
        let stream = self.lookup(&input)?;
        let warm = (stream.mode == StreamMode::OnDemand).then(|| WarmThroughputObject {
            target_mibps: stream.on_demand.warm_target_mibps,
            current_mibps: Some(stream.open_shard_count()),
        });
        Ok(DescribeStreamSummaryOutput {
            stream_description_summary: StreamDescriptionSummary {
                stream_name: stream.name.clone(),
                stream_arn: stream.arn.clone(),
                stream_status: stream.status.as_str().into(),
                stream_mode_details: Some(StreamModeDetails { stream_mode: stream.mode }),
                retention_period_hours: stream.retention_hours,
                stream_creation_timestamp: Timestamp(stream.created_ms),
                enhanced_monitoring: enhanced_monitoring(stream),
                encryption_type: Some(stream.encryption_type().into()),
                key_id: stream.encryption_key_id.clone(),
                open_shard_count: stream.open_shard_count(),
                consumer_count: Some(stream.consumers.len() as u32),
                stream_id: Some(stream.stream_id.clone()),
                warm_throughput: warm,
                max_record_size_in_kib: Some(stream.max_record_size_kib),
            },
        })
    }

    pub fn list_streams(&mut self, input: ListStreamsInput) -> StreamsResult<ListStreamsOutput> {
        let now = self.now_ms;
        let limit = input.limit.unwrap_or(100).max(1) as usize;
        let start_after = match &input.next_token {
            Some(token) => Some(PageToken::decode(token, "ListStreams", now)?.position),
            None => input.exclusive_start_stream_name.clone(),
        };
        let names: Vec<&Stream> =
            self.streams.values().filter(|s| start_after.as_ref().is_none_or(|a| s.name.as_str() > a.as_str())).collect();
        let has_more = names.len() > limit;
        let page: Vec<&Stream> = names.into_iter().take(limit).collect();
        let next_token = match (has_more, page.last()) {
            (true, Some(last)) => Some(
                PageToken { listing: "ListStreams".into(), subject: String::new(), position: last.name.clone(), issued_ms: now }.encode(),
            ),
            _ => None,
        };
        Ok(ListStreamsOutput {
            stream_names: page.iter().map(|s| s.name.clone()).collect(),
            has_more_streams: has_more,
            next_token,
            stream_summaries: page
                .iter()
                .map(|s| StreamSummary {
                    stream_name: s.name.clone(),
                    stream_arn: s.arn.clone(),
                    stream_status: s.status.as_str().into(),
                    stream_mode_details: Some(StreamModeDetails { stream_mode: s.mode }),
                    stream_creation_timestamp: Some(Timestamp(s.created_ms)),
                })
                .collect(),
        })
    }

    pub fn list_shards(&mut self, input: ListShardsInput) -> StreamsResult<ListShardsOutput> {
        let now = self.now_ms;
        let named = input.stream.stream_name.is_some() || input.stream.stream_arn.is_some();
        let (stream_ref, token_position) = match (&input.next_token, named) {
            (Some(_), true) => {
                return Err(StreamsError::invalid_argument("NextToken and StreamName cannot be provided together."))
            }
            (None, false) => return Err(StreamsError::invalid_argument("Either NextToken or StreamName should be provided.")),
            (Some(token), false) => {
                let page = PageToken::decode(token, "ListShards", now)?;
                (crate::engine::streams::by_name(&page.subject), Some(page.position))
            }
            (None, true) => (input.stream.clone(), None),
        };
        let stream_name = self.resolve_name(&stream_ref)?;
        if self.config.enforce_limits {
            let counter = self.list_shards_rates.entry(stream_name.clone()).or_default();
            if !counter.try_call(LIST_SHARDS_CALLS_PER_SEC_PER_STREAM, now) {
                return Err(StreamsError::limit_exceeded(format!(
                    "Rate exceeded for ListShards on stream {stream_name} under account {}.",
                    self.config.account_id
                )));
            }
        }
        let stream = self.lookup(&stream_ref)?;
        if stream.status == StreamStatus::Creating {
            return Err(StreamsError::stream_not_active(&stream.name, self.account(), stream.status.as_str()));
        }
        if let Some(created) = input.stream_creation_timestamp {
            // Distinguishes streams re-created under the same name; compare at second precision.
            if created.0 / 1000 != stream.created_ms / 1000 {
                return Err(StreamsError::not_found(format!(
                    "Stream {} under account {} with creation timestamp {} not found.",
                    stream.name,
                    self.account(),
                    created.0 / 1000
                )));
            }
        }
        let after_index: Option<u64> = match (&token_position, &input.exclusive_start_shard_id) {
            (Some(pos), _) => pos.parse().ok(),
            (None, Some(id)) => parse_shard_id(id),
            (None, None) => None,
        };
        let filter = input.shard_filter.as_ref().map(|f| ShardFilterRule::parse(f, stream, now)).transpose()?;
        let limit = input.max_results.unwrap_or(1000).max(1) as usize;
        let matching: Vec<&Shard> = stream
            .visible_shards(now)
            .filter(|s| after_index.is_none_or(|a| s.index > a))
            .filter(|s| filter.as_ref().is_none_or(|f| f.keeps(s, stream, now)))
            .collect();
        let has_more = matching.len() > limit;
        let page: Vec<&Shard> = matching.into_iter().take(limit).collect();
        let next_token = match (has_more, page.last()) {
            (true, Some(last)) => Some(
                PageToken { listing: "ListShards".into(), subject: stream.name.clone(), position: last.index.to_string(), issued_ms: now }
                    .encode(),
            ),
            _ => None,
        };
        Ok(ListShardsOutput { shards: page.into_iter().map(shard_view).collect(), next_token })
    }

    // ---------------------------------------------------------------- retention

    pub fn increase_retention(&mut self, input: RetentionInput) -> StreamsResult<()> {
        self.change_retention(input, true)
    }

    pub fn decrease_retention(&mut self, input: RetentionInput) -> StreamsResult<()> {
        self.change_retention(input, false)
    }

    fn change_retention(&mut self, input: RetentionInput, increase: bool) -> StreamsResult<()> {
        let stream = self.lookup(&input.stream)?;
        let hours = input.retention_period_hours;
        if hours < MIN_RETENTION_HOURS as i64 {
            return Err(StreamsError::invalid_argument(format!(
                "Minimum allowed retention period is {MIN_RETENTION_HOURS} hours. Requested retention period ({hours} hours) is too short."
            )));
        }
        if hours > MAX_RETENTION_HOURS as i64 {
            return Err(StreamsError::invalid_argument(format!(
                "Maximum allowed retention period is {MAX_RETENTION_HOURS} hours. Requested retention period ({hours} hours) is too long."
            )));
        }
        let current = stream.retention_hours as i64;
        if increase && hours < current {
            return Err(StreamsError::invalid_argument(format!(
                "Requested retention period ({hours} hours) for stream {} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API.",
                stream.name
            )));
        }
        if !increase && hours > current {
            return Err(StreamsError::invalid_argument(format!(
                "Requested retention period ({hours} hours) for stream {} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API.",
                stream.name
            )));
        }
        self.require_active(stream)?;
        let name = stream.name.clone();
        if let Some(stream) = self.streams.get_mut(&name) {
            stream.retention_hours = hours as u32;
        }
        // Decreasing makes older data unreadable at once (FACTS §1 "Retention").
        let now = self.now_ms;
        self.advance_to(now);
        self.pend(&name, StreamStatus::Updating, Change::Settle);
        Ok(())
    }

    // ---------------------------------------------------------------- tags

    pub fn add_tags_to_stream(&mut self, input: AddTagsInput) -> StreamsResult<()> {
        self.count_call("AddTagsToStream", ADD_TAGS_CALLS_PER_SEC)?;
        let account = self.config.account_id.clone();
        let stream = self.lookup_mut(&input.stream)?;
        let existing = stream.tags.keys().filter(|k| !input.tags.contains_key(*k)).count();
        check_tags(&input.tags, &stream.name, &account, existing)?;
        stream.tags.extend(input.tags);
        Ok(())
    }

    pub fn remove_tags_from_stream(&mut self, input: RemoveTagsInput) -> StreamsResult<()> {
        let stream = self.lookup_mut(&input.stream)?;
        if input.tag_keys.iter().any(|k| !tag_text_ok(k)) {
            return Err(StreamsError::invalid_argument(
                "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.",
            ));
        }
        for key in &input.tag_keys {
            stream.tags.remove(key);
        }
        Ok(())
    }

    pub fn list_tags_for_stream(&mut self, input: ListTagsForStreamInput) -> StreamsResult<ListTagsForStreamOutput> {
        let stream = self.lookup(&input.stream)?;
        let limit = input.limit.unwrap_or(50).max(1) as usize;
        let after = input.exclusive_start_tag_key.clone();
        let tags: Vec<Tag> = stream
            .tags
            .iter()
            .filter(|(k, _)| after.as_ref().is_none_or(|a| k.as_str() > a.as_str()))
            .map(|(k, v)| Tag { key: k.clone(), value: Some(v.clone()) })
            .collect();
        let has_more = tags.len() > limit;
        Ok(ListTagsForStreamOutput { tags: tags.into_iter().take(limit).collect(), has_more_tags: has_more })
    }

    /// The tag map of a stream or consumer ARN.
    fn tags_of_resource(&mut self, arn: &str) -> StreamsResult<&mut BTreeMap<String, String>> {
        let not_found = || StreamsError::not_found(format!("Resource {arn} not found."));
        let (stream_arn, consumer) = split_consumer_arn(arn);
        let name = self.name_from_arn(stream_arn).map_err(|_| not_found())?;
        let stream = self.streams.get_mut(&name).ok_or_else(not_found)?;
        match consumer {
            None => Ok(&mut stream.tags),
            Some(consumer_name) => stream
                .consumers
                .get_mut(consumer_name)
                .filter(|c| c.arn == arn)
                .map(|c| &mut c.tags)
                .ok_or_else(not_found),
        }
    }

    pub fn tag_resource(&mut self, input: TagResourceInput) -> StreamsResult<()> {
        let account = self.config.account_id.clone();
        let arn = input.resource_arn.clone();
        let tags = self.tags_of_resource(&arn)?;
        let existing = tags.keys().filter(|k| !input.tags.contains_key(*k)).count();
        check_tags(&input.tags, &arn, &account, existing)?;
        tags.extend(input.tags);
        Ok(())
    }

    pub fn untag_resource(&mut self, input: UntagResourceInput) -> StreamsResult<()> {
        let tags = self.tags_of_resource(&input.resource_arn)?;
        for key in &input.tag_keys {
            tags.remove(key);
        }
        Ok(())
    }

    pub fn list_tags_for_resource(&mut self, input: ResourceArnInput) -> StreamsResult<ListTagsForResourceOutput> {
        let tags = self.tags_of_resource(&input.resource_arn)?;
        Ok(ListTagsForResourceOutput { tags: tags.iter().map(|(k, v)| Tag { key: k.clone(), value: Some(v.clone()) }).collect() })
    }

    // ---------------------------------------------------------------- monitoring, encryption, sizes, modes

    pub fn set_enhanced_monitoring(&mut self, input: EnhancedMonitoringInput, enable: bool) -> StreamsResult<EnhancedMonitoringOutput> {
        let stream = self.lookup(&input.stream)?;
        self.require_active(stream)?;
        let name = stream.name.clone();
        let requested: Vec<String> = if input.shard_level_metrics.iter().any(|m| m == "ALL") {
            SHARD_LEVEL_METRICS.iter().map(|m| m.to_string()).collect()
        } else {
            input.shard_level_metrics.clone()
        };
        let Some(stream) = self.streams.get_mut(&name) else { return Err(StreamsError::stream_not_found(&name, "")) };
        let current: Vec<String> = stream.shard_level_metrics.iter().cloned().collect();
        for metric in requested {
            if enable {
                stream.shard_level_metrics.insert(metric);
            } else {
                stream.shard_level_metrics.remove(&metric);
            }
        }
        let output = EnhancedMonitoringOutput {
            stream_name: stream.name.clone(),
            current_shard_level_metrics: current,
            desired_shard_level_metrics: stream.shard_level_metrics.iter().cloned().collect(),
            stream_arn: stream.arn.clone(),
        };
        self.pend(&name, StreamStatus::Updating, Change::Settle);
        Ok(output)
    }

    pub fn start_stream_encryption(&mut self, input: EncryptionInput) -> StreamsResult<()> {
        if input.encryption_type != "KMS" {
            return Err(StreamsError::invalid_argument(format!(
                "Encryption type {} is not supported for StartStreamEncryption; use KMS.",
                input.encryption_type
            )));
        }
        let stream = self.lookup(&input.stream)?;
        self.require_active(stream)?;
        let name = stream.name.clone();
        self.pend(&name, StreamStatus::Updating, Change::StartEncryption { key_id: input.key_id });
        Ok(())
    }

    pub fn stop_stream_encryption(&mut self, input: EncryptionInput) -> StreamsResult<()> {
        if input.encryption_type != "KMS" {
            return Err(StreamsError::invalid_argument(format!(
                "Encryption type {} is not supported for StopStreamEncryption; use KMS.",
                input.encryption_type
            )));
        }
        let stream = self.lookup(&input.stream)?;
        self.require_active(stream)?;
        let name = stream.name.clone();
        self.pend(&name, StreamStatus::Updating, Change::StopEncryption);
        Ok(())
    }

    pub fn update_max_record_size(&mut self, input: UpdateMaxRecordSizeInput) -> StreamsResult<()> {
        let Some(arn) = input.stream_arn.clone() else {
            return Err(StreamsError::invalid_argument("StreamARN must be provided."));
        };
        let stream_ref = StreamRef { stream_arn: Some(arn), ..Default::default() };
        let stream = self.lookup(&stream_ref)?;
        self.require_active(stream)?;
        let name = stream.name.clone();
        let now = self.now_ms;
        if let Some(stream) = self.streams.get_mut(&name) {
            stream.max_record_size_kib = input.max_record_size_in_kib;
            let bytes = stream.max_record_bytes();
            for shard in stream.shards.iter_mut() {
                shard.set_max_record_bytes(bytes, now);
            }
        }
        self.pend(&name, StreamStatus::Updating, Change::Settle);
        Ok(())
    }

    pub fn update_stream_mode(&mut self, input: UpdateStreamModeInput) -> StreamsResult<()> {
        let stream_ref = StreamRef { stream_arn: Some(input.stream_arn.clone()), ..Default::default() };
        let now = self.now_ms;
        let target = input.stream_mode_details.stream_mode;
        let on_demand_count = self.on_demand_stream_count();
        let stream = self.lookup(&stream_ref)?;
        self.require_active(stream)?;
        if stream.mode == target {
            return Err(StreamsError::invalid_argument(format!(
                "Stream {} under account {} is already in {} mode.",
                stream.name,
                self.account(),
                mode_name(target)
            )));
        }
        let recent = stream.mode_switches_ms.iter().filter(|t| now.saturating_sub(**t) < MILLIS_PER_DAY).count();
        if recent >= STREAM_MODE_SWITCHES_PER_DAY {
            return Err(StreamsError::limit_exceeded(format!(
                "Stream {} under account {} has already switched capacity mode {STREAM_MODE_SWITCHES_PER_DAY} times in the last 24 hours.",
                stream.name,
                self.account()
            )));
        }
        if target == StreamMode::OnDemand && on_demand_count >= self.config.on_demand_stream_limit {
            return Err(self.on_demand_limit_error());
        }
        let name = stream.name.clone();
        if let Some(stream) = self.streams.get_mut(&name) {
            stream.mode_switches_ms.retain(|t| now.saturating_sub(*t) < MILLIS_PER_DAY);
            stream.mode_switches_ms.push_back(now);
        }
        let warm_mibps = input.warm_throughput_mi_bps.filter(|m| *m > 0 && target == StreamMode::OnDemand);
        self.pend(&name, StreamStatus::Updating, Change::SwitchMode { mode: target, warm_mibps });
        Ok(())
    }

    /// Warm throughput (aws-models UpdateStreamWarmThroughput): on-demand streams only, in accounts with the
    /// On-demand Advantage commitment enabled; up to 10 GiB/s; 5 calls/s per account. The stream is UPDATING
    /// until the capacity is in place.
    pub fn update_stream_warm_throughput(&mut self, input: UpdateStreamWarmThroughputInput) -> StreamsResult<UpdateStreamWarmThroughputOutput> {
        self.count_call("UpdateStreamWarmThroughput", WARM_THROUGHPUT_CALLS_PER_SEC)?;
        let commitment = self.account_settings.commitment_enabled;
        let stream = self.lookup(&input.stream)?;
        if stream.mode != StreamMode::OnDemand {
            return Err(StreamsError::invalid_argument(format!(
                "Warm throughput can only be set on streams in ON_DEMAND mode; stream {} is PROVISIONED.",
                stream.name
            )));
        }
        if !commitment {
            return Err(StreamsError::invalid_argument(format!(
                "Warm throughput requires the account {} to have MinimumThroughputBillingCommitment ENABLED (UpdateAccountSettings).",
                self.account()
            )));
        }
        self.require_active(stream)?;
        if input.warm_throughput_mi_bps > WARM_THROUGHPUT_MAX_MIBPS {
            return Err(StreamsError::invalid_argument(format!(
                "Warm throughput of {} MiBps exceeds the maximum of {WARM_THROUGHPUT_MAX_MIBPS} MiBps for an on-demand stream.",
                input.warm_throughput_mi_bps
            )));
        }
        let name = stream.name.clone();
        let current = stream.open_shard_count();
        let Some(stream) = self.streams.get_mut(&name) else { return Err(StreamsError::stream_not_found(&name, "")) };
        stream.on_demand.warm_target_mibps = Some(input.warm_throughput_mi_bps).filter(|m| *m > 0);
        let desired = crate::engine::streams::ondemand::desired_shards(stream);
        let output = UpdateStreamWarmThroughputOutput {
            stream_arn: stream.arn.clone(),
            stream_name: stream.name.clone(),
            warm_throughput: WarmThroughputObject { target_mibps: stream.on_demand.warm_target_mibps, current_mibps: Some(current) },
        };
        let change = if desired > current { Change::Scale { target: desired } } else { Change::Settle };
        self.pend(&name, StreamStatus::Updating, change);
        Ok(output)
    }

    // ---------------------------------------------------------------- account

    pub fn describe_limits(&mut self) -> StreamsResult<DescribeLimitsOutput> {
        Ok(DescribeLimitsOutput {
            shard_limit: self.config.shard_limit,
            open_shard_count: self.open_shards_in_account(),
            on_demand_stream_count: self.on_demand_stream_count(),
            on_demand_stream_count_limit: self.config.on_demand_stream_limit,
        })
    }

    pub fn describe_account_settings(&mut self) -> StreamsResult<AccountSettingsOutput> {
        Ok(self.account_settings_view())
    }

    fn account_settings_view(&self) -> AccountSettingsOutput {
        let s = &self.account_settings;
        let earliest_end = s.commitment_started_ms.map(|t| t + MILLIS_PER_DAY);
        let status = match (s.commitment_enabled, s.commitment_ended_ms) {
            (true, _) => "ENABLED",
            (false, Some(ended)) if ended > self.now_ms => "ENABLED_UNTIL_EARLIEST_ALLOWED_END",
            _ => "DISABLED",
        };
        AccountSettingsOutput {
            minimum_throughput_billing_commitment: Some(MinimumThroughputBillingCommitmentOutput {
                status: status.into(),
                started_at: s.commitment_started_ms.map(Timestamp),
                ended_at: s.commitment_ended_ms.map(Timestamp),
                earliest_allowed_end_at: earliest_end.map(Timestamp),
            }),
        }
    }

    /// On-demand Advantage commitment. The 24-hour minimum term is this simulation's model.
    pub fn update_account_settings(&mut self, input: UpdateAccountSettingsInput) -> StreamsResult<AccountSettingsOutput> {
        let now = self.now_ms;
        let s = &mut self.account_settings;
        match input.minimum_throughput_billing_commitment.status.as_str() {
            "ENABLED" => {
                if !s.commitment_enabled {
                    s.commitment_enabled = true;
                    s.commitment_started_ms = Some(now);
                    s.commitment_ended_ms = None;
                }
            }
            "DISABLED" => {
                if s.commitment_enabled {
                    s.commitment_enabled = false;
                    let earliest = s.commitment_started_ms.map_or(now, |t| t + MILLIS_PER_DAY);
                    s.commitment_ended_ms = Some(earliest.max(now));
                }
            }
            other => {
                return Err(StreamsError::invalid_argument(format!("Unsupported commitment status {other}.")));
            }
        }
        Ok(self.account_settings_view())
    }

    // ---------------------------------------------------------------- resource policies

    fn require_resource(&mut self, arn: &str) -> StreamsResult<()> {
        self.tags_of_resource(arn).map(|_| ())
    }

    pub fn put_resource_policy(&mut self, input: PutResourcePolicyInput) -> StreamsResult<()> {
        self.require_resource(&input.resource_arn)?;
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(&input.policy);
        if !matches!(parsed, Ok(serde_json::Value::Object(_))) {
            return Err(StreamsError::invalid_argument("Policy is not a valid JSON policy document."));
        }
        self.resource_policies.insert(input.resource_arn, input.policy);
        Ok(())
    }

    pub fn get_resource_policy(&mut self, input: ResourceArnInput) -> StreamsResult<GetResourcePolicyOutput> {
        self.require_resource(&input.resource_arn)?;
        let policy = self.resource_policies.get(&input.resource_arn).cloned().unwrap_or_else(|| "{}".into());
        Ok(GetResourcePolicyOutput { policy })
    }

    pub fn delete_resource_policy(&mut self, input: ResourceArnInput) -> StreamsResult<()> {
        self.require_resource(&input.resource_arn)?;
        if self.resource_policies.remove(&input.resource_arn).is_none() {
            return Err(StreamsError::not_found(format!("No resource policy found for resource ARN {}.", input.resource_arn)));
        }
        Ok(())
    }
}

fn mode_name(mode: StreamMode) -> &'static str {
    match mode {
        StreamMode::Provisioned => "PROVISIONED",
        StreamMode::OnDemand => "ON_DEMAND",
    }
}

/// Split `…:stream/NAME/consumer/CNAME:TS` into the stream ARN and the consumer name.
pub fn split_consumer_arn(arn: &str) -> (&str, Option<&str>) {
    match arn.find("/consumer/") {
        Some(at) => {
            let rest = &arn[at + "/consumer/".len()..];
            let name = rest.split(':').next().unwrap_or(rest);
            (&arn[..at], Some(name))
        }
        None => (arn, None),
    }
}

fn check_tags(tags: &BTreeMap<String, String>, resource: &str, account: &str, existing: usize) -> StreamsResult<()> {
    if tags.iter().any(|(k, v)| !tag_text_ok(k) || !tag_text_ok(v)) {
        return Err(StreamsError::invalid_argument(
            "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.",
        ));
    }
    if tags.keys().any(|k| k.to_ascii_lowercase().starts_with("aws:")) {
        return Err(StreamsError::invalid_argument("Tag keys starting with the reserved prefix aws: are not allowed."));
    }
    if existing + tags.len() > MAX_TAGS_PER_STREAM {
        return Err(StreamsError::invalid_argument(format!(
            "Failed to add tags to stream {resource} under account {account} because a given stream cannot have more than {MAX_TAGS_PER_STREAM} tags associated with it."
        )));
    }
    Ok(())
}

/// AWS's StreamId: 20 lowercase alphanumerics, a dash, 3 more; derived deterministically here.
fn stream_id_for(arn: &str, incarnation: u64) -> String {
    use md5::{Digest, Md5};
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let digest = Md5::digest(format!("{arn}#{incarnation}").as_bytes());
    let chars: String = digest.iter().cycle().take(23).map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char).collect();
    format!("{}-{}", &chars[..20], &chars[20..23])
}

/// A parsed ListShards ShardFilter.
enum ShardFilterRule {
    AfterShard(u64),
    AtTrimHorizon,
    FromTrimHorizon,
    AtLatest,
    AtTimestamp(EpochMillis),
    FromTimestamp(EpochMillis),
}

impl ShardFilterRule {
    fn parse(filter: &ShardFilter, stream: &Stream, _now: EpochMillis) -> StreamsResult<Self> {
        let need_ts = || {
            filter.timestamp.map(|t| t.0).ok_or_else(|| {
                StreamsError::invalid_argument(format!("Timestamp must be specified for ShardFilter type {}.", filter.filter_type))
            })
        };
        Ok(match filter.filter_type.as_str() {
            "AFTER_SHARD_ID" => {
                let id = filter.shard_id.as_deref().ok_or_else(|| {
                    StreamsError::invalid_argument("ShardId must be specified for ShardFilter type AFTER_SHARD_ID.")
                })?;
                ShardFilterRule::AfterShard(parse_shard_id(id).ok_or_else(|| {
                    StreamsError::not_found(format!("Could not find shard {id} in stream {}.", stream.name))
                })?)
            }
            "AT_TRIM_HORIZON" => ShardFilterRule::AtTrimHorizon,
            "FROM_TRIM_HORIZON" => ShardFilterRule::FromTrimHorizon,
            "AT_LATEST" => ShardFilterRule::AtLatest,
            "AT_TIMESTAMP" => ShardFilterRule::AtTimestamp(need_ts()?),
            "FROM_TIMESTAMP" => ShardFilterRule::FromTimestamp(need_ts()?),
            other => return Err(StreamsError::invalid_argument(format!("Unknown ShardFilter type {other}."))),
        })
    }

    /// Whether a shard passes: "open at" an instant means created by then and not yet closed.
    fn keeps(&self, shard: &Shard, stream: &Stream, now: EpochMillis) -> bool {
        let open_at = |t: EpochMillis| shard.created_ms <= t && shard.closed_ms.is_none_or(|c| c > t);
        let open_from = |t: EpochMillis| shard.closed_ms.is_none_or(|c| c > t);
        let horizon = now.saturating_sub(stream.retention_ms());
        // The first shards open when CREATING completes, a little after the stream's creation timestamp.
        let origin = stream.shards.first().map_or(stream.created_ms, |s| s.created_ms);
        match self {
            ShardFilterRule::AfterShard(i) => shard.index > *i,
            ShardFilterRule::AtTrimHorizon => open_at(horizon.max(origin)),
            ShardFilterRule::FromTrimHorizon => open_from(horizon),
            ShardFilterRule::AtLatest => shard.is_open(),
            ShardFilterRule::AtTimestamp(t) => open_at((*t).max(origin)),
            ShardFilterRule::FromTimestamp(t) => open_from(*t),
        }
    }
}

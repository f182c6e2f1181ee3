//! Resharding: SplitShard, MergeShards and UpdateShardCount (FACTS §1 "Resharding and capacity").
//!
//! Every structural change is a split or a merge, so lineage is always expressible with ParentShardId
//! and AdjacentParentShardId, and the open shards always tile [0, 2^128) exactly once.

use crate::engine::streams::error::{StreamsError, StreamsResult};
use crate::engine::streams::hash::{parse_hash_key, uniform_boundary, HashRange};
use crate::engine::streams::limits::*;
use crate::engine::streams::shard::{parse_shard_id, shard_id};
use crate::engine::streams::stream::{Change, Stream, StreamStatus};
use crate::engine::streams::types::{MergeShardsInput, SplitShardInput, StreamMode, UpdateShardCountInput, UpdateShardCountOutput};
use crate::engine::streams::StreamsEngine;
use crate::engine::time::EpochMillis;

/// Close `shard` and open two children split at `new_start` (which must lie strictly inside).
pub fn split(stream: &mut Stream, shard: u64, new_start: u128, now: EpochMillis) {
    let Some(parent) = stream.shard(shard).filter(|s| s.is_open()) else { return };
    let range = parent.range;
    if new_start <= range.start || new_start > range.end {
        return;
    }
    let left = stream.add_shard(HashRange { start: range.start, end: new_start - 1 }, (Some(shard), None), now);
    let right = stream.add_shard(HashRange { start: new_start, end: range.end }, (Some(shard), None), now);
    stream.close_shard(shard, vec![left, right], now);
}

/// Close two adjacent open shards and open their union; the lower-range shard's id is ParentShardId
/// when it is the one named first (AWS keeps the caller's order).
pub fn merge(stream: &mut Stream, shard: u64, adjacent: u64, now: EpochMillis) {
    let (Some(a), Some(b)) = (stream.shard(shard), stream.shard(adjacent)) else { return };
    if !a.is_open() || !b.is_open() || !a.range.is_adjacent_to(&b.range) {
        return;
    }
    let range = a.range.union(&b.range);
    let child = stream.add_shard(range, (Some(shard), Some(adjacent)), now);
    stream.close_shard(shard, vec![child], now);
    stream.close_shard(adjacent, vec![child], now);
}

/// Reach `target` open shards with uniform ranges, as AWS's UNIFORM_SCALING does, using only splits and
/// merges: first split every open shard at each target boundary strictly inside it, then merge the
/// pieces that fall within the same target range. Intermediate shards are created and closed at once.
pub fn scale_uniformly(stream: &mut Stream, target: u32, now: EpochMillis) {
    let target = target.clamp(1, MAX_SHARDS_PER_STREAM);
    let boundaries: Vec<u128> = (1..target).map(|i| uniform_boundary(target, i)).collect();
    // Phase 1: splits.
    let open: Vec<u64> = stream.open_shards().map(|s| s.index).collect();
    for index in open {
        let mut current = index;
        while let Some(range) = stream.shard(current).map(|s| s.range) {
            let Some(cut) = boundaries.iter().copied().find(|b| *b > range.start && *b <= range.end) else { break };
            split(stream, current, cut, now);
            // Continue with the right-hand child, which holds the rest of the range.
            match stream.shard(current).map(|s| s.children.clone()) {
                Some(children) if children.len() == 2 => current = children[1],
                _ => break,
            }
        }
    }
    // Phase 2: merges, left to right within each target range.
    let target_of = |start: u128| boundaries.partition_point(|b| *b <= start);
    loop {
        let mut open: Vec<(u128, u64)> = stream.open_shards().map(|s| (s.range.start, s.index)).collect();
        open.sort();
        let pair = open.windows(2).find(|w| target_of(w[0].0) == target_of(w[1].0)).map(|w| (w[0].1, w[1].1));
        match pair {
            Some((left, right)) => merge(stream, left, right, now),
            None => break,
        }
    }
}

impl StreamsEngine {
    fn not_found_shard(&self, raw: &str, stream: &str) -> StreamsError {
        StreamsError::not_found(format!("Could not find shard {raw} in stream {stream} under account {}.", self.account()))
    }

    pub fn split_shard(&mut self, input: SplitShardInput) -> StreamsResult<()> {
        self.count_call("SplitShard", SPLIT_SHARD_CALLS_PER_SEC)?;
        let stream = self.lookup(&input.stream)?;
        let name = stream.name.clone();
        let index = parse_shard_id(&input.shard_to_split).ok_or_else(|| self.not_found_shard(&input.shard_to_split, &name))?;
        let shard = stream.shard(index).filter(|s| !stream.is_expired(s, self.now_ms())).ok_or_else(|| self.not_found_shard(&shard_id(index), &name))?;
        if !shard.is_open() {
            return Err(StreamsError::invalid_argument(format!(
                "Shard {} in stream {name} under account {} has already been merged or split, and thus is not eligible for merging or splitting.",
                shard.id(),
                self.account()
            )));
        }
        self.check_account_shards(1)?;
        let key = parse_hash_key(&input.new_starting_hash_key);
        let range = shard.range;
        // AWS's rule: the new starting key must be greater than start + 1 and less than the end.
        let valid = key.is_some_and(|k| range.start.checked_add(1).is_some_and(|s1| k > s1) && k < range.end);
        if !valid {
            return Err(StreamsError::invalid_argument(format!(
                "NewStartingHashKey {} used in SplitShard() on shard {} in stream {name} under account {} is not both greater than one plus the shard's StartingHashKey {} and less than the shard's EndingHashKey {}.",
                input.new_starting_hash_key,
                shard.id(),
                self.account(),
                range.start,
                range.end
            )));
        }
        self.require_active_named(&name)?;
        self.pend_change(&name, Change::Split { shard: index, new_starting_hash_key: key.unwrap_or_default() });
        Ok(())
    }

    pub fn merge_shards(&mut self, input: MergeShardsInput) -> StreamsResult<()> {
        self.count_call("MergeShards", MERGE_SHARDS_CALLS_PER_SEC)?;
        let stream = self.lookup(&input.stream)?;
        let name = stream.name.clone();
        let now = self.now_ms();
        let a = parse_shard_id(&input.shard_to_merge).ok_or_else(|| self.not_found_shard(&input.shard_to_merge, &name))?;
        let b = parse_shard_id(&input.adjacent_shard_to_merge)
            .ok_or_else(|| self.not_found_shard(&input.adjacent_shard_to_merge, &name))?;
        let sa = stream.shard(a).filter(|s| !stream.is_expired(s, now)).ok_or_else(|| self.not_found_shard(&shard_id(a), &name))?;
        let sb = stream.shard(b).filter(|s| !stream.is_expired(s, now)).ok_or_else(|| self.not_found_shard(&shard_id(b), &name))?;
        for s in [sa, sb] {
            if !s.is_open() {
                return Err(StreamsError::invalid_argument(format!(
                    "Shard {} in stream {name} under account {} has already been merged or split, and thus is not eligible for merging or splitting.",
                    s.id(),
                    self.account()
                )));
            }
        }
        if a == b || !sa.range.is_adjacent_to(&sb.range) {
            return Err(StreamsError::invalid_argument(format!(
                "Shards {} and {} in stream {name} under account {} are not an adjacent pair of shards eligible for merging",
                sa.id(),
                sb.id(),
                self.account()
            )));
        }
        self.require_active_named(&name)?;
        self.pend_change(&name, Change::Merge { shard: a, adjacent: b });
        Ok(())
    }

    pub fn update_shard_count(&mut self, input: UpdateShardCountInput) -> StreamsResult<UpdateShardCountOutput> {
        let now = self.now_ms();
        let stream = self.lookup(&input.stream)?;
        let name = stream.name.clone();
        if stream.mode == StreamMode::OnDemand {
            return Err(StreamsError::new(
                crate::engine::streams::error::ErrorKind::Validation,
                format!("UpdateShardCount is not supported for stream {name} under account {} in ON_DEMAND mode.", self.account()),
            ));
        }
        self.require_active_named(&name)?;
        let open = stream.open_shard_count();
        let target = input.target_shard_count;
        let recent = stream.shard_count_updates_ms.iter().filter(|t| now.saturating_sub(**t) < UPDATE_SHARD_COUNT_WINDOW_MS).count();
        if recent >= UPDATE_SHARD_COUNT_MAX_PER_WINDOW {
            return Err(StreamsError::limit_exceeded(format!(
                "Stream {name} under account {} has already been scaled {UPDATE_SHARD_COUNT_MAX_PER_WINDOW} times in the last 24 hours. UpdateShardCount can be called at most {UPDATE_SHARD_COUNT_MAX_PER_WINDOW} times per rolling 24-hour period.",
                self.account()
            )));
        }
        let stream_limit = self.config.shard_limit.min(MAX_SHARDS_PER_STREAM);
        if target > stream_limit {
            return Err(StreamsError::limit_exceeded(format!(
                "Target shard count or number of open shards cannot be greater than {stream_limit}. Current open shard count: {open}, Target shard count: {target}"
            )));
        }
        if target as u64 > 2 * open as u64 {
            return Err(StreamsError::limit_exceeded(format!(
                "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: {open}, Target shard count: {target}"
            )));
        }
        if (target as u64) * 2 < open as u64 {
            return Err(StreamsError::limit_exceeded(format!(
                "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: {open}, Target shard count: {target}"
            )));
        }
        if target > open {
            self.check_account_shards(target - open)?;
        }
        let stream_arn = stream.arn.clone();
        if let Some(stream) = self.streams.get_mut(&name) {
            stream.shard_count_updates_ms.retain(|t| now.saturating_sub(*t) < UPDATE_SHARD_COUNT_WINDOW_MS);
            stream.shard_count_updates_ms.push_back(now);
        }
        self.pend_change(&name, Change::Scale { target });
        Ok(UpdateShardCountOutput { stream_name: name, current_shard_count: open, target_shard_count: target, stream_arn })
    }

    fn check_account_shards(&self, additional: u32) -> StreamsResult<()> {
        if self.open_shards_in_account() as u64 + additional as u64 > self.config.shard_limit as u64 {
            Err(self.shard_limit_error(additional))
        } else {
            Ok(())
        }
    }

    fn require_active_named(&self, name: &str) -> StreamsResult<()> {
        match self.streams.get(name) {
            Some(s) if s.status == StreamStatus::Active => Ok(()),
            Some(s) => Err(StreamsError::stream_not_active(name, self.account(), s.status.as_str())),
            None => Err(StreamsError::stream_not_found(name, self.account())),
        }
    }

    fn pend_change(&mut self, name: &str, change: Change) {
        let due_ms = self.now_ms() + self.config.transition_ms;
        if let Some(stream) = self.streams.get_mut(name) {
            stream.status = StreamStatus::Updating;
            stream.pending = Some(crate::engine::streams::stream::Pending { due_ms, change });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::streams::hash::uniform_ranges;
    use crate::engine::streams::limits::DEFAULT_MAX_RECORD_SIZE_KIB;

    fn stream_with(n: u32) -> Stream {
        let mut s = Stream::new("s", "arn".into(), "id".into(), 1, StreamMode::Provisioned, DEFAULT_MAX_RECORD_SIZE_KIB, 0);
        s.create_initial_shards(n, 0);
        s
    }

    fn open_ranges(s: &Stream) -> Vec<HashRange> {
        let mut r: Vec<HashRange> = s.open_shards().map(|s| s.range).collect();
        r.sort();
        r
    }

    // Source: FACTS.md §1 — UNIFORM_SCALING ends with uniform ranges, reached through splits and merges.
    #[test]
    fn uniform_scaling_reaches_uniform_ranges() {
        for (from, to) in [(1, 2), (2, 3), (3, 2), (4, 7), (7, 4), (5, 10), (10, 5), (6, 6)] {
            let mut s = stream_with(from);
            scale_uniformly(&mut s, to, 1);
            assert_eq!(open_ranges(&s), uniform_ranges(to), "{from} → {to}");
            // Every closed shard names its children and every child names an existing parent.
            for shard in &s.shards {
                if let Some(p) = shard.parent {
                    assert!(s.shard(p).is_some_and(|p| !p.is_open()));
                }
            }
        }
    }

    #[test]
    fn split_and_merge_keep_lineage() {
        let mut s = stream_with(1);
        let mid = 1u128 << 127;
        split(&mut s, 0, mid, 5);
        assert!(!s.shards[0].is_open());
        assert_eq!(s.shards[1].parent, Some(0));
        assert_eq!(s.shards[2].parent, Some(0));
        merge(&mut s, 1, 2, 6);
        assert_eq!(s.shards[3].parent, Some(1));
        assert_eq!(s.shards[3].adjacent_parent, Some(2));
        assert_eq!(open_ranges(&s), vec![HashRange::FULL]);
    }
}

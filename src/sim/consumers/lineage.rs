//! The shards a (non-KCL) consumer knows about, and the rule that keeps per-key order across
//! resharding: read a parent to its end before any of its children (FACTS.md §1 "Resharding and capacity").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::time::EpochMillis;
use crate::sim::consumers::stats::ShardStats;
use crate::sim::consumers::wire::{ChildShardRef, ShardInfo, StartPosition};

/// How often a consumer lists the stream's shards again once it has a listing. Children are normally
/// learnt from ChildShards at a parent's end; the periodic listing only notices shards that passed
/// retention. 60 s is the KCL's default shard sync interval (LeaseManagementConfig.shardSyncIntervalMillis).
pub const RELIST_INTERVAL_MS: u64 = 60_000;

/// One shard a consumer tracks, with the transport-specific reader state `R`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackedShard<R> {
    pub shard_id: String,
    pub parent_shard_ids: Vec<String>,
    /// Where reading begins when there is no sequence number to resume after.
    pub start: StartPosition,
    pub stats: ShardStats,
    pub reader: R,
}

/// Every shard a consumer tracks, by shard id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardTable<R> {
    pub shards: BTreeMap<String, TrackedShard<R>>,
    pub listed_once: bool,
    pub next_list_ms: EpochMillis,
}

impl<R> Default for ShardTable<R> {
    fn default() -> Self {
        ShardTable { shards: BTreeMap::new(), listed_once: false, next_list_ms: 0 }
    }
}

impl<R: Default> ShardTable<R> {
    pub fn listing_due(&self, now_ms: EpochMillis) -> bool {
        !self.listed_once || now_ms >= self.next_list_ms
    }

    /// Merge a successful ListShards. Shards seen in the first listing start at the consumer's
    /// configured position; shards appearing later were created after it started, so it reads them
    /// whole (TRIM_HORIZON), as the KCL does for child shards. A tracked shard missing from the listing
    /// has passed retention: it can no longer be read, so it counts as finished and its children may go.
    pub fn apply_listing(&mut self, listing: &[ShardInfo], start: StartPosition, now_ms: EpochMillis) {
        let first = !self.listed_once;
        for info in listing {
            let position = if first { start } else { StartPosition::TrimHorizon };
            self.shards.entry(info.shard_id.clone()).or_insert_with(|| TrackedShard {
                shard_id: info.shard_id.clone(),
                parent_shard_ids: info.parent_shard_ids.clone(),
                start: position,
                stats: ShardStats::default(),
                reader: R::default(),
            });
        }
        for shard in self.shards.values_mut() {
            if !shard.stats.finished && !listing.iter().any(|i| i.shard_id == shard.shard_id) {
                shard.stats.finished = true;
                shard.stats.expired = true;
            }
        }
        self.listed_once = true;
        self.next_list_ms = now_ms + RELIST_INTERVAL_MS;
    }

    /// Children announced in ChildShards at a parent's end: read from their beginning.
    pub fn add_children(&mut self, children: &[ChildShardRef]) {
        for c in children {
            self.shards.entry(c.shard_id.clone()).or_insert_with(|| TrackedShard {
                shard_id: c.shard_id.clone(),
                parent_shard_ids: c.parent_shard_ids.clone(),
                start: StartPosition::TrimHorizon,
                stats: ShardStats::default(),
                reader: R::default(),
            });
        }
    }
}

impl<R> ShardTable<R> {
    /// A shard may be read once each parent is finished or not tracked at all (a parent the consumer
    /// never saw had already passed retention, or predates its start).
    pub fn parents_done(&self, shard: &TrackedShard<R>) -> bool {
        shard.parent_shard_ids.iter().all(|p| self.shards.get(p).is_none_or(|parent| parent.stats.finished))
    }

    /// Unfinished shards whose parents are done, in shard-id order.
    pub fn ready_ids(&self) -> Vec<String> {
        self.shards.values().filter(|s| !s.stats.finished && self.parents_done(s)).map(|s| s.shard_id.clone()).collect()
    }

    /// Unfinished shards still waiting on a parent.
    pub fn waiting_ids(&self) -> Vec<String> {
        self.shards.values().filter(|s| !s.stats.finished && !self.parents_done(s)).map(|s| s.shard_id.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(id: &str, parents: &[&str], open: bool) -> ShardInfo {
        ShardInfo { shard_id: id.into(), parent_shard_ids: parents.iter().map(|p| p.to_string()).collect(), open }
    }

    // Source: FACTS.md §1 "Resharding and capacity" — parents before children.
    #[test]
    fn children_wait_for_every_parent() {
        let mut t: ShardTable<()> = ShardTable::default();
        t.apply_listing(&[info("a", &[], false), info("b", &[], false), info("c", &["a", "b"], true)], StartPosition::Latest, 0);
        assert_eq!(t.ready_ids(), ["a", "b"]);
        t.shards.get_mut("a").unwrap().stats.finished = true;
        assert_eq!(t.ready_ids(), ["b"]);
        t.shards.get_mut("b").unwrap().stats.finished = true;
        assert_eq!(t.ready_ids(), ["c"]);
        assert_eq!(t.shards["c"].start, StartPosition::Latest);
    }

    #[test]
    fn shards_missing_from_a_later_listing_count_as_expired_and_new_ones_start_at_trim_horizon() {
        let mut t: ShardTable<()> = ShardTable::default();
        t.apply_listing(&[info("a", &[], false)], StartPosition::Latest, 0);
        t.apply_listing(&[info("c", &["a"], true)], StartPosition::Latest, 1);
        assert!(t.shards["a"].stats.expired && t.shards["a"].stats.finished);
        assert_eq!(t.shards["c"].start, StartPosition::TrimHorizon);
        assert_eq!(t.ready_ids(), ["c"]);
    }
}

//! Layout of the shard map and the lineage graph: where each shard sits along the hash-key space
//! [0, 2^128) and in which generation of resharding it was born. Pure numbers; `ui::streams` draws them.

/// What a shard is, as far as a reader can tell (FACTS.md §1 "Resharding" and "Retention").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardState {
    /// Accepting writes.
    Open,
    /// Closed by a split or merge; its records stay readable until retention passes.
    Closed,
    /// Closed and past retention: AWS no longer lists it.
    Expired,
}

impl ShardState {
    pub fn label(self) -> &'static str {
        match self {
            ShardState::Open => "open",
            ShardState::Closed => "closed",
            ShardState::Expired => "expired",
        }
    }
}

/// The facts about one shard that the drawings need.
#[derive(Debug, Clone, PartialEq)]
pub struct ShardBox {
    pub shard_id: String,
    pub start: u128,
    pub end: u128,
    pub state: ShardState,
    pub parent: Option<String>,
    pub adjacent_parent: Option<String>,
}

/// A shard placed on the drawing: `x0..x1` is its share of the hash space as fractions of [0, 1],
/// `generation` is how many reshardings separate it from the stream's first shards.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedShard {
    pub shard: ShardBox,
    pub x0: f64,
    pub x1: f64,
    pub generation: usize,
}

/// 2^128 as a float, the width of the hash-key space.
const HASH_SPACE: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;

/// Where a hash key sits in [0, 1].
pub fn fraction_of_space(hash_key: u128) -> f64 {
    hash_key as f64 / HASH_SPACE
}

/// Places every shard: x from its hash range (end inclusive, so a range's right edge is `end + 1`),
/// generation from the longest chain of parents.
pub fn place(shards: &[ShardBox]) -> Vec<PlacedShard> {
    let generation_of = |start_id: &str| -> usize {
        // Follow parents; the chain is finite because children are always created after their parents,
        // but guard against a malformed input looping by capping the walk at the number of shards.
        let mut depth = 0;
        let mut frontier = vec![start_id.to_string()];
        while depth <= shards.len() {
            let parents: Vec<String> = frontier
                .iter()
                .filter_map(|id| shards.iter().find(|s| &s.shard_id == id))
                .flat_map(|s| s.parent.iter().chain(s.adjacent_parent.iter()).cloned())
                .filter(|p| shards.iter().any(|s| &s.shard_id == p))
                .collect();
            if parents.is_empty() {
                break;
            }
            depth += 1;
            frontier = parents;
        }
        depth
    };
    shards
        .iter()
        .map(|s| PlacedShard {
            shard: s.clone(),
            x0: fraction_of_space(s.start),
            x1: if s.end == u128::MAX { 1.0 } else { fraction_of_space(s.end + 1) },
            generation: generation_of(&s.shard_id),
        })
        .collect()
}

/// How many generations a set of placed shards spans (at least one).
pub fn generations(placed: &[PlacedShard]) -> usize {
    placed.iter().map(|p| p.generation + 1).max().unwrap_or(1)
}

/// An edge of the lineage graph, parent → child, by index into the placed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineageEdge {
    pub parent: usize,
    pub child: usize,
    /// True for the `AdjacentParentShardId` of a merge.
    pub adjacent: bool,
}

/// Every parent → child edge whose both ends are in `placed`.
pub fn lineage_edges(placed: &[PlacedShard]) -> Vec<LineageEdge> {
    let index_of = |id: &str| placed.iter().position(|p| p.shard.shard_id == id);
    let mut edges = Vec::new();
    for (child, p) in placed.iter().enumerate() {
        if let Some(parent) = p.shard.parent.as_deref().and_then(index_of) {
            edges.push(LineageEdge { parent, child, adjacent: false });
        }
        if let Some(parent) = p.shard.adjacent_parent.as_deref().and_then(index_of) {
            edges.push(LineageEdge { parent, child, adjacent: true });
        }
    }
    edges
}

/// The open shard whose range holds `hash_key`.
pub fn open_shard_for(placed: &[PlacedShard], hash_key: u128) -> Option<&PlacedShard> {
    placed.iter().find(|p| p.shard.state == ShardState::Open && p.shard.start <= hash_key && hash_key <= p.shard.end)
}

/// The hash key at fraction `x` of the space (for "split here" picked on the drawing). Clamped to the
/// space; the caller checks it falls strictly inside the shard being split.
pub fn hash_key_at(x: f64) -> u128 {
    if x.is_nan() || x <= 0.0 {
        return 0;
    }
    if x >= 1.0 {
        return u128::MAX;
    }
    (x * HASH_SPACE) as u128
}

/// The midpoint of a shard's range: AWS's console and `UpdateShardCount` split there.
pub fn midpoint(start: u128, end: u128) -> u128 {
    start + (end - start) / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(id: &str, start: u128, end: u128, state: ShardState, parent: Option<&str>, adj: Option<&str>) -> ShardBox {
        ShardBox {
            shard_id: id.into(),
            start,
            end,
            state,
            parent: parent.map(Into::into),
            adjacent_parent: adj.map(Into::into),
        }
    }

    #[test]
    fn a_single_shard_spans_the_whole_space() {
        let placed = place(&[shard("s0", 0, u128::MAX, ShardState::Open, None, None)]);
        assert_eq!(placed[0].x0, 0.0);
        assert_eq!(placed[0].x1, 1.0);
        assert_eq!(placed[0].generation, 0);
    }

    // Source: FACTS.md §1 "Resharding" — a split makes two children of one parent; a merge makes one child
    // with a parent and an adjacent parent.
    #[test]
    fn generations_and_edges_follow_splits_and_merges() {
        let half = u128::MAX / 2;
        let shards = vec![
            shard("s0", 0, u128::MAX, ShardState::Closed, None, None),
            shard("s1", 0, half, ShardState::Closed, Some("s0"), None),
            shard("s2", half + 1, u128::MAX, ShardState::Closed, Some("s0"), None),
            shard("s3", 0, u128::MAX, ShardState::Open, Some("s1"), Some("s2")),
        ];
        let placed = place(&shards);
        let gens: Vec<usize> = placed.iter().map(|p| p.generation).collect();
        assert_eq!(gens, vec![0, 1, 1, 2]);
        assert_eq!(generations(&placed), 3);
        let edges = lineage_edges(&placed);
        assert_eq!(edges.len(), 4);
        assert!(edges.contains(&LineageEdge { parent: 1, child: 3, adjacent: false }));
        assert!(edges.contains(&LineageEdge { parent: 2, child: 3, adjacent: true }));
        assert!((placed[1].x1 - 0.5).abs() < 1e-12);
        assert_eq!(open_shard_for(&placed, 5).map(|p| p.shard.shard_id.as_str()), Some("s3"));
    }

    #[test]
    fn expired_parents_missing_from_the_list_do_not_break_the_walk() {
        let placed = place(&[shard("s5", 0, 10, ShardState::Open, Some("gone"), None)]);
        assert_eq!(placed[0].generation, 0);
        assert!(lineage_edges(&placed).is_empty());
    }

    #[test]
    fn hash_key_at_is_clamped_and_monotonic() {
        assert_eq!(hash_key_at(-1.0), 0);
        assert_eq!(hash_key_at(f64::NAN), 0);
        assert_eq!(hash_key_at(2.0), u128::MAX);
        assert!(hash_key_at(0.25) < hash_key_at(0.5));
        assert!((fraction_of_space(hash_key_at(0.5)) - 0.5).abs() < 1e-9);
        assert_eq!(midpoint(0, 10), 5);
        assert_eq!(midpoint(0, u128::MAX), u128::MAX / 2);
    }
}

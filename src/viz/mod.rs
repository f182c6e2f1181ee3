//! Pure geometry and data shaping for the views (shard map, lineage graph, charts). No browser types, so it
//! is tested natively; `ui` draws what it computes.
pub mod shard_map;
pub mod route;
pub mod clock;
pub mod chart;
pub mod firehose;
pub mod firehose_info;
pub mod exam_text;
pub mod pricing;
pub mod labs;

//! Partition-key strategies: how a simulated producer picks the key (and maybe ExplicitHashKey) of each
//! record. The key decides the shard (MD5 of the key, FACTS.md §1 "Identifiers and routing"), so these
//! strategies are what make a stream evenly loaded or hot.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::engine::streams::hash::parse_hash_key;
use crate::sim::template::{uuid_v4, RenderContext, Template, TemplateError};

/// Most fixed keys a strategy may cycle through (keeps key tables small in memory and in the UI).
pub const MAX_KEYS: u32 = 100_000;
/// Partition keys are 1–256 Unicode characters (FACTS.md §1, aws-models PartitionKey).
pub const PARTITION_KEY_MAX_CHARS: usize = crate::engine::streams::limits::PARTITION_KEY_MAX_CHARS;
/// The partition key sent alongside a fixed ExplicitHashKey (Kinesis still requires one).
pub const EXPLICIT_HASH_KEY_PARTITION_KEY: &str = "explicit-hash-key";

/// How a producer picks partition keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum KeyStrategy {
    /// A fresh UUID per record: spreads evenly over every shard.
    #[default]
    Random,
    /// `keys` fixed keys `key-0` … `key-{keys-1}`, chosen uniformly.
    Uniform { keys: u32 },
    /// `key-0` gets `hot_percent` % of the records; the rest spread uniformly over the other keys.
    HotKey { keys: u32, hot_percent: u8 },
    /// Every record carries this ExplicitHashKey (a decimal in [0, 2^128−1]), so all go to one shard
    /// whatever the partition key says.
    ExplicitHashKey { hash_key: String },
    /// The key is rendered from a template, e.g. `sensor-{{random.number(9)}}`.
    Template { template: String },
}

/// Why a key strategy is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// `keys` must be 1..=MAX_KEYS.
    KeyCount { keys: u32 },
    HotPercent { hot_percent: u8 },
    /// Not a decimal matching `0|([1-9]\d{0,38})` in [0, 2^128−1] (FACTS.md §1).
    HashKey { hash_key: String },
    Template(TemplateError),
    /// A constant key template that renders to nothing or to more than 256 characters.
    KeyLength { chars: usize },
}

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyError::KeyCount { keys } => write!(f, "the number of keys must be from 1 to {MAX_KEYS} (got {keys})"),
            KeyError::HotPercent { hot_percent } => {
                write!(f, "the hot key's share must be a percentage from 0 to 100 (got {hot_percent})")
            }
            KeyError::HashKey { hash_key } => write!(
                f,
                "ExplicitHashKey must be a decimal number from 0 to 2^128−1 without leading zeros (got \"{hash_key}\")"
            ),
            KeyError::Template(e) => write!(f, "partition-key template {e}"),
            KeyError::KeyLength { chars } => write!(
                f,
                "a partition key must have 1 to {PARTITION_KEY_MAX_CHARS} characters; this template always gives {chars}"
            ),
        }
    }
}

impl std::error::Error for KeyError {}

/// The key fields of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenKey {
    pub partition_key: String,
    pub explicit_hash_key: Option<String>,
}

/// A validated strategy, ready to draw keys.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPicker {
    kind: Picker,
}

#[derive(Debug, Clone, PartialEq)]
enum Picker {
    Random,
    Uniform { keys: u32 },
    HotKey { keys: u32, hot_percent: u8 },
    Explicit { hash_key: String },
    Template(Template),
}

impl KeyStrategy {
    pub fn compile(&self) -> Result<KeyPicker, KeyError> {
        let count_ok = |keys: u32| match (1..=MAX_KEYS).contains(&keys) {
            true => Ok(()),
            false => Err(KeyError::KeyCount { keys }),
        };
        let kind = match self {
            KeyStrategy::Random => Picker::Random,
            KeyStrategy::Uniform { keys } => {
                count_ok(*keys)?;
                Picker::Uniform { keys: *keys }
            }
            KeyStrategy::HotKey { keys, hot_percent } => {
                count_ok(*keys)?;
                if *hot_percent > 100 {
                    return Err(KeyError::HotPercent { hot_percent: *hot_percent });
                }
                Picker::HotKey { keys: *keys, hot_percent: *hot_percent }
            }
            KeyStrategy::ExplicitHashKey { hash_key } => match parse_hash_key(hash_key) {
                // The API's pattern forbids leading zeros and signs; parse_hash_key alone might be kinder.
                Some(_) if hash_key == "0" || (!hash_key.starts_with('0') && hash_key.bytes().all(|b| b.is_ascii_digit())) => {
                    Picker::Explicit { hash_key: hash_key.clone() }
                }
                _ => return Err(KeyError::HashKey { hash_key: hash_key.clone() }),
            },
            KeyStrategy::Template { template } => {
                let t = Template::parse(template).map_err(KeyError::Template)?;
                if t.fields().next().is_none() {
                    let chars = template.chars().count();
                    if chars == 0 || chars > PARTITION_KEY_MAX_CHARS {
                        return Err(KeyError::KeyLength { chars });
                    }
                }
                Picker::Template(t)
            }
        };
        Ok(KeyPicker { kind })
    }
}

impl KeyPicker {
    /// Draws the key of the next record. A template may render an invalid key (empty or too long); it
    /// is sent anyway and the API's ValidationException is what the learner sees.
    pub fn pick<R: Rng + ?Sized>(&self, rng: &mut R, ctx: RenderContext) -> ChosenKey {
        let partition_key = match &self.kind {
            Picker::Random => uuid_v4(rng),
            Picker::Uniform { keys } => fixed_key(rng.random_range(0..*keys)),
            Picker::HotKey { keys, hot_percent } => {
                if *keys == 1 || rng.random_range(0..100u8) < *hot_percent {
                    fixed_key(0)
                } else {
                    fixed_key(rng.random_range(1..*keys))
                }
            }
            Picker::Explicit { hash_key } => {
                return ChosenKey {
                    partition_key: EXPLICIT_HASH_KEY_PARTITION_KEY.to_string(),
                    explicit_hash_key: Some(hash_key.clone()),
                }
            }
            Picker::Template(t) => t.render(rng, ctx),
        };
        ChosenKey { partition_key, explicit_hash_key: None }
    }
}

/// The name of fixed key number `i`.
pub fn fixed_key(i: u32) -> String {
    format!("key-{i}")
}

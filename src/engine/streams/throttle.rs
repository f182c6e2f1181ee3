//! Deterministic rate accounting on the simulated clock.

use serde::{Deserialize, Serialize};

use crate::engine::streams::persist::{MAX_RESTORED_COUNT, MAX_RESTORED_TIME_MS};
use crate::engine::time::{second_of, EpochMillis, MILLIS_PER_SECOND};

/// A bucket that refills at a steady rate up to a ceiling ("a tank refilled at a steady rate", as the
/// AWS large-records page puts it). Amounts are kept in milli-units so refills are exact integers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenBucket {
    #[serde(with = "crate::engine::streams::persist::u128_decimal")]
    capacity_milli: u128,
    refill_per_sec: u64,
    #[serde(with = "crate::engine::streams::persist::u128_decimal")]
    tokens_milli: u128,
    updated_ms: EpochMillis,
}

impl TokenBucket {
    /// A full bucket holding `capacity` units that refills `refill_per_sec` units each second.
    pub fn full(capacity: u64, refill_per_sec: u64, now_ms: EpochMillis) -> Self {
        TokenBucket {
            capacity_milli: capacity as u128 * 1000,
            refill_per_sec,
            tokens_milli: capacity as u128 * 1000,
            updated_ms: now_ms,
        }
    }

    fn refill(&mut self, now_ms: EpochMillis) {
        if now_ms > self.updated_ms {
            let elapsed = (now_ms - self.updated_ms) as u128;
            // refill_per_sec units per 1000 ms = refill_per_sec milli-units per ms.
            self.tokens_milli = (self.tokens_milli + elapsed * self.refill_per_sec as u128).min(self.capacity_milli);
            self.updated_ms = now_ms;
        }
    }

    /// Take `amount` units if they are there; otherwise take nothing and say no.
    pub fn try_take(&mut self, amount: u64, now_ms: EpochMillis) -> bool {
        self.refill(now_ms);
        let need = amount as u128 * 1000;
        if need <= self.tokens_milli {
            self.tokens_milli -= need;
            true
        } else {
            false
        }
    }

    /// Give back units taken for something that was then refused elsewhere.
    pub fn give_back(&mut self, amount: u64) {
        self.tokens_milli = (self.tokens_milli + amount as u128 * 1000).min(self.capacity_milli);
    }

    pub fn available(&mut self, now_ms: EpochMillis) -> u64 {
        self.refill(now_ms);
        (self.tokens_milli / 1000) as u64
    }

    pub fn set_capacity(&mut self, capacity: u64, now_ms: EpochMillis) {
        self.refill(now_ms);
        self.capacity_milli = capacity as u128 * 1000;
        self.tokens_milli = self.tokens_milli.min(self.capacity_milli);
    }

    /// Thousandths of a unit the bucket gains over `period_ms`.
    pub fn refill_milli_over(&self, period_ms: u64) -> u128 {
        self.refill_per_sec as u128 * period_ms as u128
    }

    /// The state `periods` more periods of `period_ms` leave, when each takes `taken_milli` (at most the
    /// refill): the surplus of each period added up to the ceiling, and the clock moved on (fast-forward
    /// of steady traffic, `sim::bulk`).
    pub fn carry_forward(&mut self, period_ms: u64, periods: u64, taken_milli: u128) {
        let surplus = self.refill_milli_over(period_ms).saturating_sub(taken_milli);
        self.tokens_milli = self.tokens_milli.saturating_add(surplus.saturating_mul(periods as u128)).min(self.capacity_milli);
        self.updated_ms = self.updated_ms.saturating_add(period_ms.saturating_mul(periods));
    }

    /// Empties the bucket (after bringing it up to `now_ms`): the burst allowance used up.
    pub fn drain(&mut self, now_ms: EpochMillis) {
        self.refill(now_ms);
        self.tokens_milli = 0;
    }

    /// For restored state (`persist`): amounts a bucket built by `full` could hold, so refills cannot overflow.
    pub(crate) fn is_restorable(&self) -> bool {
        self.capacity_milli <= u64::MAX as u128 * 1000
            && self.tokens_milli <= self.capacity_milli
            && self.refill_per_sec < MAX_RESTORED_COUNT >> 20
            && self.updated_ms < MAX_RESTORED_TIME_MS
    }
}

/// Read bandwidth as debt: a call may go ahead only when earlier reads are paid off, and each read adds
/// its bytes, paid down at `bytes_per_sec`. So one 10 MiB read at 2 MiB/s blocks the next 5 s (FACTS §1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadDebt {
    #[serde(with = "crate::engine::streams::persist::u128_decimal")]
    debt_milli: u128,
    bytes_per_sec: u64,
    updated_ms: EpochMillis,
}

impl ReadDebt {
    pub fn new(bytes_per_sec: u64, now_ms: EpochMillis) -> Self {
        ReadDebt { debt_milli: 0, bytes_per_sec, updated_ms: now_ms }
    }

    fn pay_down(&mut self, now_ms: EpochMillis) {
        if now_ms > self.updated_ms {
            let paid = (now_ms - self.updated_ms) as u128 * self.bytes_per_sec as u128;
            self.debt_milli = self.debt_milli.saturating_sub(paid);
            self.updated_ms = now_ms;
        }
    }

    /// Clear when less than one millisecond's worth is owed: the debt model is about sustained rate,
    /// and a client cannot issue two calls within the same millisecond anyway.
    pub fn is_clear(&mut self, now_ms: EpochMillis) -> bool {
        self.pay_down(now_ms);
        self.debt_milli < self.bytes_per_sec as u128
    }

    pub fn add(&mut self, bytes: u64, now_ms: EpochMillis) {
        self.pay_down(now_ms);
        self.debt_milli += bytes as u128 * 1000;
    }

    /// Milliseconds until the debt is paid off.
    pub fn ms_until_clear(&mut self, now_ms: EpochMillis) -> u64 {
        self.pay_down(now_ms);
        if self.bytes_per_sec == 0 {
            return 0;
        }
        (self.debt_milli.div_ceil(self.bytes_per_sec as u128)) as u64
    }

    /// For restored state (`persist`): a debt later reads can add to without overflowing.
    pub(crate) fn is_restorable(&self) -> bool {
        self.debt_milli <= (MAX_RESTORED_COUNT as u128) * 1000
            && self.bytes_per_sec < MAX_RESTORED_COUNT >> 20
            && self.updated_ms < MAX_RESTORED_TIME_MS
    }
}

/// Calls counted per simulated second (the "N calls per second" rules).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallsPerSecond {
    second: u64,
    count: u32,
}

impl CallsPerSecond {
    /// Count a call; false when it would be call number `limit + 1` in this second.
    pub fn try_call(&mut self, limit: u32, now_ms: EpochMillis) -> bool {
        let second = second_of(now_ms);
        if second != self.second {
            self.second = second;
            self.count = 0;
        }
        if self.count >= limit {
            return false;
        }
        self.count += 1;
        true
    }
}

/// How many whole milliseconds are left in the current simulated second.
pub fn ms_left_in_second(now_ms: EpochMillis) -> u64 {
    MILLIS_PER_SECOND - now_ms % MILLIS_PER_SECOND
}

#[cfg(test)]
mod tests {
    use super::*;

    // Source: FACTS.md §1 — per-shard 1 MiB/s writes; the bucket refills continuously.
    #[test]
    fn bucket_refuses_beyond_capacity_and_refills() {
        let mut b = TokenBucket::full(1000, 1000, 0);
        assert!(b.try_take(1000, 0));
        assert!(!b.try_take(1, 0));
        assert!(b.try_take(500, 500));
        assert!(!b.try_take(1, 500));
        assert!(b.try_take(1000, 1500));
    }

    // Source: FACTS.md §1 — after a call that returns 10 MiB, calls in the next 5 s are throttled.
    #[test]
    fn ten_mib_read_blocks_five_seconds() {
        let mib = 1024 * 1024;
        let mut d = ReadDebt::new(2 * mib, 0);
        assert!(d.is_clear(0));
        d.add(10 * mib, 0);
        assert!(!d.is_clear(4_999));
        assert!(d.is_clear(5_000));
    }

    // Source: FACTS.md §1 — 5 GetRecords calls per second per shard.
    #[test]
    fn five_calls_per_second() {
        let mut c = CallsPerSecond::default();
        for _ in 0..5 {
            assert!(c.try_call(5, 1_000));
        }
        assert!(!c.try_call(5, 1_999));
        assert!(c.try_call(5, 2_000));
    }
}

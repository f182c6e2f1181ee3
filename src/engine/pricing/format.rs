//! Display of numbers in the arithmetic strings. Rounding happens here only, never in costs.

/// Dollars rounded to cents for display: `$1,234.57`.
pub fn usd(amount: f64) -> String {
    let cents = (amount * 100.0).round();
    let negative = cents < 0.0;
    let cents = cents.abs() as u128;
    let sign = if negative { "-" } else { "" };
    format!("{sign}${}.{:02}", int(cents / 100), cents % 100)
}

/// A rate as AWS prints it: all its significant decimals (`$0.015`, `$0.0085`), at least two.
pub fn usd_rate(rate: f64) -> String {
    let mut s = format!("{rate:.6}");
    while s.ends_with('0') && s.len() > s.find('.').map_or(0, |p| p + 3) {
        s.pop();
    }
    format!("${s}")
}

/// An integer with thousands separators: `2,628,000`.
pub fn int(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A quantity like GB with up to 4 decimals, trailing zeros dropped: `250.6714`, `12`.
pub fn qty(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        return int(x.abs() as u128);
    }
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    match s.split_once('.') {
        Some((whole, frac)) => match whole.parse::<u128>() {
            Ok(w) => format!("{}.{frac}", int(w)),
            Err(_) => s.to_string(),
        },
        None => s.to_string(),
    }
}

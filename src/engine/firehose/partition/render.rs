//! How a key's value becomes the text put in the prefix: strings as they are, booleans `true`/`false`,
//! numbers as jq 1.6 prints them. jq 1.6 holds every number as a double and prints it with its own
//! `jvp_dtoa_fmt` (jq 1.6 `src/jv_dtoa.c`, from David Gay's `g_fmt.c`): the shortest digits that read
//! back to the same double, in positional notation unless the decimal point is 4 or more places left of
//! the first digit or more than 15 places right of the last one, exponents with a sign and at least two
//! digits: `1`, `1.5`, `0.001`, `1e-05`, `1000000000000000`, `1e+17`, `1.7976931348623157e+308`.
//! How Firehose itself turns a number key into text is not documented; jq 1.6's printing is the
//! closest public rule. // Not AWS-verified text.

/// jq 1.6's text for a double. NaN prints as `null` and infinities as ±DBL_MAX, as jq 1.6 does.
pub fn render_jq_number(x: f64) -> String {
    if x.is_nan() {
        return "null".into();
    }
    let x = x.clamp(-f64::MAX, f64::MAX);
    let negative = x.is_sign_negative();
    let magnitude = x.abs();
    // Rust's `{:e}` gives the shortest round-trip digits: "d.ddde<exp>".
    let sci = format!("{magnitude:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let exponent: i64 = exponent.parse().unwrap_or(0);
    // Gay's decpt: the value is 0.DIGITS × 10^decpt.
    let mut decpt = exponent + 1;
    let ndigits = digits.len() as i64;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if magnitude == 0.0 {
        out.push('0');
        return out;
    }
    if decpt <= -4 || decpt > ndigits + 15 {
        let mut chars = digits.chars();
        if let Some(first) = chars.next() {
            out.push(first);
        }
        let rest: String = chars.collect();
        if !rest.is_empty() {
            out.push('.');
            out.push_str(&rest);
        }
        out.push('e');
        decpt -= 1;
        if decpt < 0 {
            out.push('-');
            decpt = -decpt;
        } else {
            out.push('+');
        }
        out.push_str(&format!("{decpt:02}"));
    } else if decpt <= 0 {
        out.push_str("0.");
        for _ in decpt..0 {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let d = decpt as usize;
        if d >= digits.len() {
            out.push_str(&digits);
            for _ in digits.len()..d {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..d]);
            out.push('.');
            out.push_str(&digits[d..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::render_jq_number as r;

    #[test]
    fn jq_1_6_number_text() {
        assert_eq!(r(1.0), "1");
        assert_eq!(r(-1.0), "-1");
        assert_eq!(r(1.5), "1.5");
        assert_eq!(r(0.001), "0.001");
        assert_eq!(r(0.0001), "0.0001");
        assert_eq!(r(0.00001), "1e-05");
        assert_eq!(r(1e15), "1000000000000000");
        assert_eq!(r(1e17), "1e+17");
        assert_eq!(r(123456789012.0), "123456789012");
        assert_eq!(r(1565382027.0), "1565382027");
        assert_eq!(r(1.2345678901234567e19), "12345678901234567000");
        assert_eq!(r(f64::INFINITY), "1.7976931348623157e+308");
        assert_eq!(r(1e-300), "1e-300");
        assert_eq!(r(0.0), "0");
        assert_eq!(r(-0.0), "-0");
        assert_eq!(r(f64::NAN), "null");
    }
}

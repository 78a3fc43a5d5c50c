//! Amounts people type: fuel (`10M`) and bytes (`64MiB`), for the command line, the shell
//! and application files, and the same amounts printed back.
//!
//! Fuel is counted in one unit everywhere: **1 fuel = 1 wasm instruction**. Only lunatic's
//! ABI (`config_set_max_fuel`/`config_get_max_fuel`) counts in units of
//! [`LUNATIC_FUEL_UNIT`] instructions; the host functions convert.

/// lunatic's `max_fuel` unit, in fuel (wasm instructions). Only the guest ABI uses it.
pub const LUNATIC_FUEL_UNIT: u64 = 100_000;

/// An amount that does not read as a number with an optional suffix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// Not a number (or a number with a suffix nobody knows).
    #[error("`{text}` is not {what} (expected e.g. {example})")]
    Malformed {
        /// What was typed.
        text: String,
        /// What it should have been, e.g. "an amount of fuel".
        what: &'static str,
        /// A valid example.
        example: &'static str,
    },
    /// More than 64 bits hold.
    #[error("`{0}` is too large")]
    TooLarge(String),
}

/// Fuel: a whole number with an optional decimal suffix `k` (10³), `M` (10⁶), `G` (10⁹) or
/// `T` (10¹²); `_` may group digits; a fraction is allowed before a suffix (`2.5M`).
///
/// # Errors
/// When `text` is not such a number, or it does not fit in 64 bits.
pub fn parse_fuel(text: &str) -> Result<u64, QuantityError> {
    const SUFFIXES: &[(&str, u64)] = &[
        ("k", 1_000),
        ("K", 1_000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
    ];
    parse(text, SUFFIXES, "an amount of fuel", "10M or 250000")
}

/// Bytes: a whole number with an optional binary suffix `K`/`KiB`, `M`/`MiB`, `G`/`GiB`
/// (powers of 1024) or `B`; `_` may group digits; a fraction is allowed before a suffix.
///
/// # Errors
/// When `text` is not such a number, or it does not fit in 64 bits.
pub fn parse_bytes(text: &str) -> Result<u64, QuantityError> {
    const SUFFIXES: &[(&str, u64)] = &[
        ("B", 1),
        ("K", 1 << 10),
        ("KiB", 1 << 10),
        ("M", 1 << 20),
        ("MiB", 1 << 20),
        ("G", 1 << 30),
        ("GiB", 1 << 30),
    ];
    parse(text, SUFFIXES, "a number of bytes", "64MiB or 1048576")
}

fn parse(
    text: &str,
    suffixes: &[(&str, u64)],
    what: &'static str,
    example: &'static str,
) -> Result<u64, QuantityError> {
    let malformed = || QuantityError::Malformed {
        text: text.to_owned(),
        what,
        example,
    };
    let trimmed = text.trim();
    let digits_end = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '_' || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, suffix) = trimmed.split_at(digits_end);
    let scale = match suffix.trim() {
        "" => 1,
        s => {
            suffixes
                .iter()
                .find(|(name, _)| *name == s)
                .ok_or_else(malformed)?
                .1
        }
    };
    let number = number.replace('_', "");
    let (whole, fraction) = number.split_once('.').unwrap_or((&number, ""));
    if whole.is_empty() && fraction.is_empty() {
        return Err(malformed());
    }
    if !fraction.is_empty() && scale == 1 {
        return Err(malformed());
    }
    let too_large = || QuantityError::TooLarge(text.to_owned());
    let whole: u64 = match whole {
        "" => 0,
        w => w.parse().map_err(|_| too_large())?,
    };
    let mut value = whole.checked_mul(scale).ok_or_else(too_large)?;
    // The fraction as a ratio, so that 2.5M is exactly 2,500,000 and 1.5K is 1,536.
    if !fraction.is_empty() {
        let digits = u32::try_from(fraction.len()).map_err(|_| too_large())?;
        let numerator: u128 = fraction.parse().map_err(|_| malformed())?;
        let denominator = 10u128.checked_pow(digits).ok_or_else(too_large)?;
        let part =
            u64::try_from(u128::from(scale) * numerator / denominator).map_err(|_| too_large())?;
        value = value.checked_add(part).ok_or_else(too_large)?;
    }
    Ok(value)
}

/// A duration: a number with `ms`, `s` or `m` (`500ms`, `1s`, `2.5s`, `1m`).
///
/// # Errors
/// When `text` is not such a duration.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, QuantityError> {
    const SUFFIXES: &[(&str, u64)] = &[("ms", 1), ("s", 1_000), ("m", 60_000)];
    let malformed = || QuantityError::Malformed {
        text: text.to_owned(),
        what: "a duration",
        example: "500ms, 1s or 2.5s",
    };
    if !SUFFIXES.iter().any(|(s, _)| text.trim().ends_with(s)) {
        return Err(malformed());
    }
    let ms = parse(text, SUFFIXES, "a duration", "500ms, 1s or 2.5s")?;
    Ok(std::time::Duration::from_millis(ms))
}

/// Fuel as people read it, with its unit: `950 fuel`, `12.3k fuel`, `4.5M fuel`, `1.2G fuel`.
pub fn fuel(amount: u64) -> String {
    format!("{} fuel", count(amount))
}

/// A count with a decimal suffix, three significant figures: `950`, `12.3k`, `4.50M`.
pub fn count(n: u64) -> String {
    const STEPS: &[(u64, &str)] = &[
        (1_000_000_000_000, "T"),
        (1_000_000_000, "G"),
        (1_000_000, "M"),
        (1_000, "k"),
    ];
    for &(step, suffix) in STEPS {
        if n >= step {
            let v = n as f64 / step as f64;
            return match v {
                v if v >= 100.0 => format!("{v:.0}{suffix}"),
                v if v >= 10.0 => format!("{v:.1}{suffix}"),
                v => format!("{v:.2}{suffix}"),
            };
        }
    }
    n.to_string()
}

/// Bytes as people read them, in powers of 1024: `512 B`, `64 KiB`, `16.0 MiB`.
pub fn bytes(n: u64) -> String {
    match n {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1 << 20) as f64),
        b if b >= 1 << 10 => format!("{} KiB", b / 1024),
        b => format!("{b} B"),
    }
}

/// A duration in µs as people read it: `84 µs`, `1.5 ms`, `2.00 s`.
pub fn micros(us: u64) -> String {
    match us {
        0..1_000 => format!("{us} µs"),
        1_000..1_000_000 => format!("{:.1} ms", us as f64 / 1e3),
        _ => format!("{:.2} s", us as f64 / 1e6),
    }
}

/// lunatic's units (from a guest) as fuel; 0 stays "no limit".
pub fn fuel_from_lunatic_units(units: u64) -> Option<u64> {
    (units != 0).then(|| units.saturating_mul(LUNATIC_FUEL_UNIT))
}

/// A fuel limit in lunatic's units (for a guest), rounded up so a limit never reads as 0
/// ("no limit"); `None` is 0.
pub fn fuel_to_lunatic_units(limit: Option<u64>) -> u64 {
    limit.map_or(0, |fuel| fuel.div_ceil(LUNATIC_FUEL_UNIT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuel_reads_plain_grouped_suffixed_and_fractional_amounts() {
        assert_eq!(parse_fuel("250000"), Ok(250_000));
        assert_eq!(parse_fuel("1_000_000"), Ok(1_000_000));
        assert_eq!(parse_fuel("10M"), Ok(10_000_000));
        assert_eq!(parse_fuel("2.5M"), Ok(2_500_000));
        assert_eq!(parse_fuel("3k"), Ok(3_000));
        assert_eq!(parse_fuel("1G"), Ok(1_000_000_000));
        assert!(matches!(
            parse_fuel("lots"),
            Err(QuantityError::Malformed { .. })
        ));
        assert!(matches!(
            parse_fuel("10X"),
            Err(QuantityError::Malformed { .. })
        ));
        assert!(matches!(
            parse_fuel("1.5"),
            Err(QuantityError::Malformed { .. })
        ));
        assert!(matches!(
            parse_fuel(""),
            Err(QuantityError::Malformed { .. })
        ));
        assert_eq!(
            parse_fuel("99999999T"),
            Err(QuantityError::TooLarge("99999999T".into()))
        );
    }

    #[test]
    fn durations_need_a_unit() {
        use std::time::Duration;
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2.5s"), Ok(Duration::from_millis(2_500)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("5h").is_err());
    }

    #[test]
    fn bytes_read_binary_suffixes() {
        assert_eq!(parse_bytes("1048576"), Ok(1 << 20));
        assert_eq!(parse_bytes("64MiB"), Ok(64 << 20));
        assert_eq!(parse_bytes("64M"), Ok(64 << 20));
        assert_eq!(parse_bytes("1.5K"), Ok(1536));
        assert_eq!(parse_bytes("2GiB"), Ok(2 << 30));
        assert!(parse_bytes("64MB").is_err());
    }

    #[test]
    fn counts_print_with_three_figures_and_their_unit() {
        assert_eq!(fuel(950), "950 fuel");
        assert_eq!(fuel(12_345), "12.3k fuel");
        assert_eq!(fuel(4_500_000), "4.50M fuel");
        assert_eq!(fuel(123_456_789), "123M fuel");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(16 << 20), "16.0 MiB");
        assert_eq!(bytes(1536), "1 KiB");
    }

    #[test]
    fn lunatic_units_convert_both_ways_and_zero_is_no_limit() {
        assert_eq!(fuel_from_lunatic_units(0), None);
        assert_eq!(fuel_from_lunatic_units(3), Some(300_000));
        assert_eq!(fuel_to_lunatic_units(Some(300_000)), 3);
        assert_eq!(fuel_to_lunatic_units(Some(1)), 1);
        assert_eq!(fuel_to_lunatic_units(None), 0);
    }
}

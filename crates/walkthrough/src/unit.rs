//! `--unit`: how long one tutorial second lasts, and how durations are shown.

use std::time::Duration;

use thiserror::Error;

/// Why a `--unit` value was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum UnitError {
    #[error("expected a number followed by s, ms or us (e.g. 50ms)")]
    Malformed,
    #[error("unknown suffix '{0}': use s, ms or us (e.g. 50ms)")]
    Suffix(String),
    #[error("needs a unit: s, ms or us (e.g. 50ms)")]
    MissingSuffix,
    #[error("must be greater than zero")]
    Zero,
    #[error("must be positive")]
    Negative,
    #[error("must be at most 1h")]
    TooLong,
}

/// Parses a duration such as `1s`, `0.5s`, `50ms`, `250us` (or `250µs`).
///
/// The suffix is required: a bare `5` could mean seconds or milliseconds, and guessing
/// would make a run take 1000 times longer than intended.
pub fn parse_duration(text: &str) -> Result<Duration, UnitError> {
    let text = text.trim();
    if text.starts_with('-') {
        return Err(UnitError::Negative);
    }
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let value: f64 = number.parse().map_err(|_| UnitError::Malformed)?;
    if value == 0.0 {
        return Err(UnitError::Zero);
    }
    let seconds_per = match suffix {
        "" => return Err(UnitError::MissingSuffix),
        "s" => 1.0,
        "ms" => 1e-3,
        "us" | "µs" => 1e-6,
        other => return Err(UnitError::Suffix(other.to_owned())),
    };
    let seconds = value * seconds_per;
    if seconds > 3600.0 {
        return Err(UnitError::TooLong);
    }
    let duration = Duration::from_secs_f64(seconds);
    if duration.is_zero() {
        return Err(UnitError::Zero);
    }
    Ok(duration)
}

/// Shows a wall-clock duration with a sensible unit: `812us`, `3.02ms`, `1.004s`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 10.0 {
        format!("{s:.2}s")
    } else if s >= 1.0 {
        format!("{s:.3}s")
    } else if s >= 1e-3 {
        format!("{:.1}ms", s * 1e3)
    } else {
        format!("{:.0}us", s * 1e6)
    }
}

/// Writes a duration back in the form [`parse_duration`] reads, for child processes.
pub fn to_arg(d: Duration) -> String {
    format!("{}us", d.as_micros().max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(parse_duration("1s"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_duration("0.5s"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("50ms"), Ok(Duration::from_millis(50)));
        assert_eq!(parse_duration("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_duration("250µs"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_duration(" 2ms "), Ok(Duration::from_millis(2)));
    }

    #[test]
    fn refuses_bad_input_with_a_reason() {
        assert_eq!(parse_duration("0"), Err(UnitError::Zero));
        assert_eq!(parse_duration("5"), Err(UnitError::MissingSuffix));
        assert_eq!(parse_duration("0s"), Err(UnitError::Zero));
        assert_eq!(parse_duration("0.0000000001s"), Err(UnitError::Zero));
        assert_eq!(parse_duration("-1s"), Err(UnitError::Negative));
        assert_eq!(parse_duration("abc"), Err(UnitError::Malformed));
        assert_eq!(parse_duration(""), Err(UnitError::Malformed));
        assert_eq!(parse_duration("1.2.3s"), Err(UnitError::Malformed));
        assert_eq!(parse_duration(".s"), Err(UnitError::Malformed));
        assert_eq!(parse_duration("5 minutes"), Err(UnitError::Suffix(" minutes".into())));
        assert_eq!(parse_duration("2h"), Err(UnitError::Suffix("h".into())));
        assert_eq!(parse_duration("3601s"), Err(UnitError::TooLong));
    }

    #[test]
    fn to_arg_round_trips() {
        for d in [Duration::from_millis(50), Duration::from_micros(250), Duration::from_secs(2)] {
            assert_eq!(parse_duration(&to_arg(d)), Ok(d));
        }
    }

    #[test]
    fn human_picks_a_readable_unit() {
        assert_eq!(human(Duration::from_micros(812)), "812us");
        assert_eq!(human(Duration::from_micros(3020)), "3.0ms");
        assert_eq!(human(Duration::from_millis(1004)), "1.004s");
        assert_eq!(human(Duration::from_secs(12)), "12.00s");
    }
}

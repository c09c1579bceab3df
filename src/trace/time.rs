//! Times as ISO 8601 text (RFC 3339 profile): captures' Unix seconds,
//! logs' own clocks and times of day.

/// Seconds since midnight → `HH:MM:SS.ffffff` (ISO 8601 time of day).
pub(crate) fn iso_time_of_day(t: f64) -> String {
    let whole = t.floor();
    let micros = ((t - whole) * 1e6).round().min(999_999.0) as u32;
    let sod = (whole as i64).rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}.{micros:06}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

/// A number of seconds for a reader: seconds (3 decimals), days or years
/// (one decimal), as a capture finding states an implausible time step.
pub(crate) fn human_span(seconds: f64) -> String {
    const YEAR: f64 = 365.25 * 86_400.0;
    if seconds >= YEAR {
        format!("{:.1} years", seconds / YEAR)
    } else if seconds >= 86_400.0 {
        format!("{:.1} days", seconds / 86_400.0)
    } else {
        format!("{seconds:.3} s")
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix seconds → `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
pub(crate) fn iso_time(t: f64) -> String {
    let mut s = iso_local(t);
    s.push('Z');
    s
}

/// Seconds → `YYYY-MM-DDTHH:MM:SS.ffffff` (no zone: a log's own clock).
pub(crate) fn iso_local(t: f64) -> String {
    let whole = t.floor();
    let micros = ((t - whole) * 1e6).round().min(999_999.0) as u32;
    let secs = whole as i64;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Inverse of days_from_civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(iso_time(0.0), "1970-01-01T00:00:00.000000Z");
        let t = days_from_civil(2026, 11, 21) as f64 * 86400.0 + 36001.123;
        assert_eq!(iso_time(t), "2026-11-21T10:00:01.123000Z");
    }
}

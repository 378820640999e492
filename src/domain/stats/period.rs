//! Periods as integer keys, cheap to compute for a million facts, and their labels.
//!
//! A key counts days, weeks or months since 1970 in China Standard Time: day 0 is
//! 1970-01-01 (a Thursday), week 0 starts on Monday 1969-12-29, month 0 is 1970-01.

use super::Period;
use crate::domain::china_standard_time;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

const SECONDS_PER_DAY: i64 = 86_400;
/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i64 = 719_163;

impl Period {
    /// The label of the period containing `at`, e.g. `2026-11-23`, `2026-W48` or `2026-11`.
    #[must_use]
    pub fn label(self, at: DateTime<Utc>) -> String {
        self.label_of_key(self.key(at.timestamp()))
    }

    /// The key of the period containing `unix_seconds` (see the module documentation).
    /// chrono's instants lie within ±262,143 years, so every key fits an `i32`.
    pub(super) fn key(self, unix_seconds: i64) -> i32 {
        let offset = i64::from(china_standard_time().local_minus_utc());
        let day = (unix_seconds + offset).div_euclid(SECONDS_PER_DAY);
        let key = match self {
            Self::Day => day,
            Self::Week => (day + 3).div_euclid(7),
            Self::Month => {
                let (year, month) = year_month(day);
                year * 12 + month - 1
            }
        };
        key as i32
    }

    /// The label of a key.
    pub(super) fn label_of_key(self, key: i32) -> String {
        let key = i64::from(key);
        match self {
            Self::Day => date(key).format("%Y-%m-%d").to_string(),
            Self::Week => {
                let week = date(key * 7 - 3).iso_week();
                format!("{:04}-W{:02}", week.year(), week.week())
            }
            Self::Month => format!("{:04}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1),
        }
    }
}

/// The date `days` after 1970-01-01, clamped to chrono's range.
fn date(days: i64) -> NaiveDate {
    i32::try_from(days + UNIX_EPOCH_FROM_CE)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or(if days < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// The proleptic Gregorian year and month (1..=12) of `days` after 1970-01-01: Howard
/// Hinnant's `civil_from_days`, which counts in 400-year eras of years starting in March.
fn year_month(days: i64) -> (i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_based_month = (5 * day_of_year + 2) / 153;
    let month = if march_based_month < 10 {
        march_based_month + 3
    } else {
        march_based_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_and_month_agree_with_chrono_for_every_day_of_four_centuries() {
        for days in -80_000..80_000 {
            let expected = date(days);
            assert_eq!(
                year_month(days),
                (i64::from(expected.year()), i64::from(expected.month())),
                "{expected}"
            );
        }
    }

    #[test]
    fn keys_and_labels_round_trip_through_the_first_day_of_each_period() {
        let at = "2026-11-25T03:00:00Z".parse::<DateTime<Utc>>().unwrap();
        for (period, label) in [
            (Period::Day, "2026-11-25"),
            (Period::Week, "2026-W48"),
            (Period::Month, "2026-11"),
        ] {
            assert_eq!(period.label(at), label, "{period}");
        }
    }
}

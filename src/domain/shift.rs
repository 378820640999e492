//! Shifts (排班): when a worker is on duty, as a weekly pattern in the town's local time, so
//! a roster keeps working week after week without being re-entered.

use super::china_standard_time;
use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Serialize};

/// Minutes in a day.
const DAY_MINUTES: u16 = 24 * 60;

/// Why a shift was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShiftError {
    /// A weekday outside 1 (Monday) to 7 (Sunday), or none at all.
    #[error("weekdays must be 1 (Monday) to 7 (Sunday), at least one: {0}")]
    Weekdays(String),
    /// A time that is not `HH:MM` within the day.
    #[error("{0:?} is not a time of day as HH:MM (00:00 to 23:59)")]
    Time(String),
}

/// A weekly shift in China Standard Time: on each of `weekdays` from `from` to `to`; a
/// shift whose `to` is not after `from` runs past midnight into the next day, and one with
/// `to == from` lasts 24 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    /// Bit `d - 1` set for weekday `d` (1 = Monday … 7 = Sunday) the shift starts on.
    weekdays: u8,
    /// Start, in minutes after midnight.
    from: u16,
    /// End, in minutes after midnight.
    to: u16,
}

/// A shift as JSON carries it: `{"weekdays":[1,2,3,4,5],"from":"08:00","to":"20:00"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftSpec {
    /// Weekdays the shift starts on, 1 (Monday) to 7 (Sunday).
    pub weekdays: Vec<u8>,
    /// Start, `HH:MM`.
    pub from: String,
    /// End, `HH:MM`; not after `from` means the next day.
    pub to: String,
}

impl Shift {
    /// A shift from its stored parts: the weekday bits (1 to 127) and minutes of the day.
    pub fn from_parts(weekdays: u8, from: u16, to: u16) -> Result<Self, ShiftError> {
        if weekdays == 0 || weekdays > 0x7f {
            return Err(ShiftError::Weekdays(format!("bits {weekdays:#b}")));
        }
        for minutes in [from, to] {
            if minutes >= DAY_MINUTES {
                return Err(ShiftError::Time(format!("{minutes} minutes")));
            }
        }
        Ok(Self { weekdays, from, to })
    }

    /// The stored parts: weekday bits, start and end minutes.
    #[must_use]
    pub fn parts(self) -> (u8, u16, u16) {
        (self.weekdays, self.from, self.to)
    }

    /// Whether the worker is on this shift at `at`.
    ///
    /// ```
    /// use gridlink::domain::{Shift, ShiftSpec};
    /// let night = Shift::try_from(&ShiftSpec {
    ///     weekdays: vec![1], from: "20:00".into(), to: "08:00".into(),
    /// }).unwrap();
    /// // Tuesday 2026-12-01 03:00 in China is still Monday's night shift.
    /// assert!(night.covers("2026-11-30T19:00:00Z".parse().unwrap()));
    /// assert!(!night.covers("2026-12-01T01:00:00Z".parse().unwrap()));
    /// ```
    #[must_use]
    pub fn covers(self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&china_standard_time());
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let today = local.weekday().num_days_from_monday() as u8;
        let yesterday = (today + 6) % 7;
        let starts_on = |day: u8| self.weekdays & (1 << day) != 0;
        if self.from < self.to {
            starts_on(today) && (self.from..self.to).contains(&minute)
        } else {
            (starts_on(today) && minute >= self.from) || (starts_on(yesterday) && minute < self.to)
        }
    }
}

impl TryFrom<&ShiftSpec> for Shift {
    type Error = ShiftError;

    fn try_from(spec: &ShiftSpec) -> Result<Self, ShiftError> {
        let mut bits = 0u8;
        for &day in &spec.weekdays {
            if !(1..=7).contains(&day) {
                return Err(ShiftError::Weekdays(format!("{:?}", spec.weekdays)));
            }
            bits |= 1 << (day - 1);
        }
        if bits == 0 {
            return Err(ShiftError::Weekdays("[]".into()));
        }
        Self::from_parts(bits, minutes(&spec.from)?, minutes(&spec.to)?)
    }
}

impl From<Shift> for ShiftSpec {
    fn from(shift: Shift) -> Self {
        let clock = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        Self {
            weekdays: (1..=7)
                .filter(|d| shift.weekdays & (1 << (d - 1)) != 0)
                .collect(),
            from: clock(shift.from),
            to: clock(shift.to),
        }
    }
}

impl Serialize for Shift {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ShiftSpec::from(*self).serialize(serializer)
    }
}

/// Minutes after midnight of `HH:MM`.
fn minutes(text: &str) -> Result<u16, ShiftError> {
    let bad = || ShiftError::Time(text.to_owned());
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h >= 24 || m >= 60 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(weekdays: &[u8], from: &str, to: &str) -> Shift {
        Shift::try_from(&ShiftSpec {
            weekdays: weekdays.to_vec(),
            from: from.into(),
            to: to.into(),
        })
        .unwrap()
    }

    fn at(utc: &str) -> DateTime<Utc> {
        utc.parse().unwrap()
    }

    #[test]
    fn a_day_shift_covers_its_hours_on_its_weekdays_only() {
        // Monday to Friday, 08:00–20:00 China time.
        let day = shift(&[1, 2, 3, 4, 5], "08:00", "20:00");
        let cases = [
            (
                "2026-11-30T00:00:00Z",
                true,
                "Monday 08:00 is the first minute",
            ),
            ("2026-11-29T23:59:00Z", false, "Monday 07:59 is before it"),
            (
                "2026-11-30T11:59:00Z",
                true,
                "Monday 19:59 is the last minute",
            ),
            ("2026-11-30T12:00:00Z", false, "Monday 20:00 is after it"),
            (
                "2026-12-05T04:00:00Z",
                false,
                "Saturday is not a working day",
            ),
        ];
        for (utc, expected, why) in cases {
            assert_eq!(day.covers(at(utc)), expected, "{why}");
        }
    }

    #[test]
    fn a_night_shift_runs_into_the_next_morning() {
        let night = shift(&[7], "20:00", "08:00");
        assert!(night.covers(at("2026-12-06T12:00:00Z")), "Sunday 20:00");
        assert!(night.covers(at("2026-12-06T23:30:00Z")), "Monday 07:30");
        assert!(!night.covers(at("2026-12-07T00:00:00Z")), "Monday 08:00");
        assert!(!night.covers(at("2026-12-07T12:30:00Z")), "Monday 20:30");
    }

    #[test]
    fn equal_start_and_end_is_a_whole_day() {
        let all = shift(&[1, 2, 3, 4, 5, 6, 7], "00:00", "00:00");
        for hour in 0..24 {
            let t = at("2026-12-01T00:00:00Z") + chrono::TimeDelta::hours(hour);
            assert!(all.covers(t), "hour {hour}");
        }
    }

    #[test]
    fn bad_weekdays_and_times_are_refused() {
        let spec = |w: Vec<u8>, from: &str| ShiftSpec {
            weekdays: w,
            from: from.into(),
            to: "10:00".into(),
        };
        for (bad, why) in [
            (spec(vec![], "08:00"), "no weekday"),
            (spec(vec![0], "08:00"), "weekday 0"),
            (spec(vec![8], "08:00"), "weekday 8"),
            (spec(vec![1], "24:00"), "hour 24"),
            (spec(vec![1], "8:00"), "one-digit hour"),
            (spec(vec![1], "08:60"), "minute 60"),
            (spec(vec![1], "noon"), "not a time"),
        ] {
            assert!(Shift::try_from(&bad).is_err(), "{why} passed");
        }
    }

    #[test]
    fn a_shift_serialises_as_it_was_given() {
        let spec = ShiftSpec {
            weekdays: vec![1, 3, 7],
            from: "07:30".into(),
            to: "19:45".into(),
        };
        let shift = Shift::try_from(&spec).unwrap();
        assert_eq!(ShiftSpec::from(shift), spec);
        let (bits, from, to) = shift.parts();
        assert_eq!(Shift::from_parts(bits, from, to), Ok(shift));
    }
}

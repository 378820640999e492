//! A business calendar for incident deadlines: which days are working days, which hours of
//! them count, and how far along an incident is towards its deadline.
//!
//! Working days are Monday to Friday, minus configured holidays, plus configured make-up
//! working days (调休: a weekend day moved to a working day around a holiday). Every working
//! day has the same working periods, by default 08:30–12:00 and 13:30–17:30 China Standard
//! Time (UTC+8, no daylight saving). All arithmetic is pure: no clock, no I/O.
//!
//! Definitions, used throughout:
//! - **Working time** between two instants is the length of their overlap with the working
//!   periods of working days.
//! - **A working-hours limit** of `h` ends at the earliest instant by which `h` hours of working
//!   time have passed since the start. A limit that runs out exactly at the close of a period
//!   ends at that close (17:30), not at the next opening.
//! - **A working-days limit** of `n` is `n` times one day's working time (7.5 hours by
//!   default), counted as above. So a start inside working hours is due `n` working days later
//!   at the same time of day; a start outside them (before opening, in the evening, on a day
//!   off) is due at the close of the `n`-th working day that follows; a start in the lunch
//!   break is due at the end of the morning period, which is the same amount of working time
//!   as the next afternoon's opening.
//!
//! With these definitions `elapsed_working(start, deadline(start, limit))` is always exactly
//! the limit's working time, which the tests check by property.

use super::TimeLimit;
use std::collections::BTreeSet;
use std::fmt;

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta,
    Utc, Weekday,
};

/// Share of the allowed working time below which an open incident turns yellow.
pub const DEFAULT_YELLOW_FRACTION: f64 = 0.25;

/// China Standard Time, UTC+8, the zone in which working hours are read.
#[must_use]
pub fn china_standard_time() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// A problem with a calendar's configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A working period must end after it starts.
    #[error("a working period must end after it starts, got {start}–{end}")]
    EmptyPeriod {
        /// The start given.
        start: NaiveTime,
        /// The end given.
        end: NaiveTime,
    },
    /// A calendar needs at least one working period a day.
    #[error("a calendar needs at least one working period a day")]
    NoPeriods,
    /// Periods must be listed in order and must not overlap.
    #[error(
        "working period {later} starts before {earlier} ends; list periods in order without overlap"
    )]
    PeriodsOutOfOrder {
        /// The period listed first.
        earlier: WorkingPeriod,
        /// The period listed after it that starts too early.
        later: WorkingPeriod,
    },
    /// A date cannot be both a holiday and a make-up working day.
    #[error("{0} is listed both as a holiday and as a make-up working day")]
    HolidayAndWorkingDay(NaiveDate),
}

/// One stretch of working time within a day, in local time; always ends after it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkingPeriod {
    start: NaiveTime,
    end: NaiveTime,
}

impl WorkingPeriod {
    /// A period from `start` to `end`, refused unless `start < end`.
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<Self, CalendarError> {
        if start < end {
            Ok(Self { start, end })
        } else {
            Err(CalendarError::EmptyPeriod { start, end })
        }
    }

    /// When the period opens.
    #[must_use]
    pub fn start(self) -> NaiveTime {
        self.start
    }

    /// When the period closes.
    #[must_use]
    pub fn end(self) -> NaiveTime {
        self.end
    }

    /// How long the period lasts.
    #[must_use]
    pub fn length(self) -> TimeDelta {
        self.end - self.start
    }
}

impl fmt::Display for WorkingPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}–{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

/// The standard office day: 08:30–12:00 and 13:30–17:30.
#[must_use]
pub fn standard_periods() -> Vec<WorkingPeriod> {
    const fn at(hour: u32, minute: u32) -> NaiveTime {
        match NaiveTime::from_hms_opt(hour, minute, 0) {
            Some(time) => time,
            None => NaiveTime::MIN,
        }
    }
    vec![
        WorkingPeriod {
            start: at(8, 30),
            end: at(12, 0),
        },
        WorkingPeriod {
            start: at(13, 30),
            end: at(17, 30),
        },
    ]
}

text_enum! {
    /// How close an open incident is to its deadline, as shown on the map and in lists.
    pub enum Urgency {
        /// On time.
        Blue => "blue",
        /// Less than the yellow fraction of the allowed working time is left.
        Yellow => "yellow",
        /// Overdue: the deadline has passed.
        Red => "red",
    }
}

/// Working days and hours in China Standard Time; see the module documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    periods: Vec<WorkingPeriod>,
    holidays: BTreeSet<NaiveDate>,
    extra_working_days: BTreeSet<NaiveDate>,
    /// The last holiday or make-up day; after it every week is alike.
    last_special: Option<NaiveDate>,
    day: TimeDelta,
    offset: FixedOffset,
}

impl Default for BusinessCalendar {
    /// Standard periods, Monday to Friday, no holidays.
    fn default() -> Self {
        let periods = standard_periods();
        let day = periods.iter().map(|p| p.length()).sum();
        Self {
            periods,
            holidays: BTreeSet::new(),
            extra_working_days: BTreeSet::new(),
            last_special: None,
            day,
            offset: china_standard_time(),
        }
    }
}

impl BusinessCalendar {
    /// A calendar with these daily periods, holidays off and make-up days on.
    ///
    /// Refused when there are no periods, when periods are out of order or overlap (touching
    /// is fine), or when a date is both a holiday and a make-up working day.
    pub fn new(
        periods: Vec<WorkingPeriod>,
        holidays: BTreeSet<NaiveDate>,
        extra_working_days: BTreeSet<NaiveDate>,
    ) -> Result<Self, CalendarError> {
        if periods.is_empty() {
            return Err(CalendarError::NoPeriods);
        }
        if let Some(pair) = periods.windows(2).find(|pair| pair[1].start < pair[0].end) {
            return Err(CalendarError::PeriodsOutOfOrder {
                earlier: pair[0],
                later: pair[1],
            });
        }
        if let Some(date) = holidays.intersection(&extra_working_days).next() {
            return Err(CalendarError::HolidayAndWorkingDay(*date));
        }
        let last_special = holidays.last().max(extra_working_days.last()).copied();
        let day = periods.iter().map(|p| p.length()).sum();
        Ok(Self {
            periods,
            holidays,
            extra_working_days,
            last_special,
            day,
            offset: china_standard_time(),
        })
    }

    /// The working periods of every working day.
    #[must_use]
    pub fn periods(&self) -> &[WorkingPeriod] {
        &self.periods
    }

    /// The working time of one working day (7.5 hours with the standard periods).
    #[must_use]
    pub fn working_day_length(&self) -> TimeDelta {
        self.day
    }

    /// Whether `date` is a working day: a make-up day, or a weekday that is not a holiday.
    #[must_use]
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.extra_working_days.contains(&date)
            || (!self.holidays.contains(&date)
                && !matches!(date.weekday(), Weekday::Sat | Weekday::Sun))
    }

    /// The working time a limit allows.
    #[must_use]
    pub fn working_time(&self, limit: TimeLimit) -> TimeDelta {
        match limit {
            TimeLimit::WorkingHours(hours) => TimeDelta::hours(i64::from(hours)),
            TimeLimit::WorkingDays(days) => {
                // u32::MAX days of up to 24 hours fit in a TimeDelta; saturate just in case.
                i32::try_from(days)
                    .ok()
                    .and_then(|d| self.day.checked_mul(d))
                    .unwrap_or(TimeDelta::MAX)
            }
        }
    }

    /// When a limit counted from `start` runs out (see the module documentation).
    ///
    /// A deadline beyond chrono's range (hundreds of thousands of years) is given as the
    /// latest representable instant.
    #[must_use]
    pub fn deadline(&self, start: DateTime<Utc>, limit: TimeLimit) -> DateTime<Utc> {
        self.local(start)
            .and_then(|local| self.deadline_local(local, self.working_time(limit)))
            .map_or(DateTime::<Utc>::MAX_UTC, |local| self.utc(local))
    }

    /// The working time between `start` and `now`; zero when `now` is not after `start`.
    #[must_use]
    pub fn elapsed_working(&self, start: DateTime<Utc>, now: DateTime<Utc>) -> TimeDelta {
        match (self.local(start), self.local(now)) {
            (Some(from), to) if start < now => {
                self.elapsed_local(from, to.unwrap_or(NaiveDateTime::MAX))
            }
            _ => TimeDelta::zero(),
        }
    }

    /// The colour of an incident reported at `start` and due at `deadline`, seen at `now`:
    /// red once `now >= deadline`; yellow when the working time left is less than
    /// `yellow_fraction` of the working time from `start` to `deadline`; blue otherwise.
    ///
    /// A fraction of 0 (or NaN) never gives yellow; a fraction of 1 gives yellow as soon as
    /// any working time has passed.
    #[must_use]
    pub fn urgency(
        &self,
        start: DateTime<Utc>,
        deadline: DateTime<Utc>,
        now: DateTime<Utc>,
        yellow_fraction: f64,
    ) -> Urgency {
        if now >= deadline {
            return Urgency::Red;
        }
        let total = seconds(self.elapsed_working(start, deadline));
        let left = seconds(self.elapsed_working(now, deadline));
        if left < yellow_fraction * total {
            Urgency::Yellow
        } else {
            Urgency::Blue
        }
    }

    fn local(&self, instant: DateTime<Utc>) -> Option<NaiveDateTime> {
        instant
            .naive_utc()
            .checked_add_signed(TimeDelta::seconds(i64::from(self.offset.local_minus_utc())))
    }

    fn utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        local
            .checked_sub_signed(TimeDelta::seconds(i64::from(self.offset.local_minus_utc())))
            .map_or(DateTime::<Utc>::MAX_UTC, |naive| naive.and_utc())
    }

    /// Working time in one week once no holiday or make-up day is near.
    fn week(&self) -> Option<TimeDelta> {
        self.day.checked_mul(5)
    }

    /// Whether every day from `date` on is an ordinary weekday or weekend day.
    fn regular_from(&self, date: NaiveDate) -> bool {
        self.last_special.is_none_or(|last| date > last)
    }

    /// The working intervals of `date`, clipped to `[from, to]`, skipping empty ones.
    fn intervals(
        &self,
        date: NaiveDate,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> impl Iterator<Item = (NaiveDateTime, NaiveDateTime)> + '_ {
        let working = self.is_working_day(date);
        self.periods
            .iter()
            .filter(move |_| working)
            .map(move |p| {
                (
                    date.and_time(p.start).max(from),
                    date.and_time(p.end).min(to),
                )
            })
            .filter(|(a, b)| a < b)
    }

    fn deadline_local(&self, start: NaiveDateTime, work: TimeDelta) -> Option<NaiveDateTime> {
        let mut remaining = work;
        if remaining <= TimeDelta::zero() {
            return Some(start);
        }
        let mut date = start.date();
        loop {
            for (from, to) in self.intervals(date, start, NaiveDateTime::MAX) {
                let available = to - from;
                if remaining <= available {
                    return from.checked_add_signed(remaining);
                }
                remaining -= available;
            }
            date = date.succ_opt()?;
            if let (true, Some(week)) = (self.regular_from(date), self.week()) {
                // Skip whole weeks but always leave some work, so the loop finds the instant.
                let week_secs = week.num_seconds() + i64::from(week.subsec_nanos() > 0);
                let weeks = (remaining.num_seconds() - 1).max(0) / week_secs.max(1);
                if weeks > 0 {
                    let weeks = i32::try_from(weeks).ok()?;
                    date = date.checked_add_days(Days::new(7 * u64::try_from(weeks).ok()?))?;
                    remaining -= week.checked_mul(weeks)?;
                }
            }
        }
    }

    fn elapsed_local(&self, from: NaiveDateTime, to: NaiveDateTime) -> TimeDelta {
        let mut total = TimeDelta::zero();
        let mut date = from.date();
        while date <= to.date() {
            total += self
                .intervals(date, from, to)
                .map(|(a, b)| b - a)
                .sum::<TimeDelta>();
            let Some(next) = date.succ_opt() else { break };
            date = next;
            let whole_weeks = (to.date() - date).num_days() / 7;
            if whole_weeks > 0 && self.regular_from(date) {
                // Every day from here is ordinary: add whole weeks at once.
                let skip =
                    self.week()
                        .zip(i32::try_from(whole_weeks).ok())
                        .and_then(|(week, weeks)| {
                            Some((
                                week.checked_mul(weeks)?,
                                date.checked_add_days(Days::new(7 * u64::try_from(weeks).ok()?))?,
                            ))
                        });
                let Some((skipped, next)) = skip else { break };
                total += skipped;
                date = next;
            }
        }
        total
    }
}

fn seconds(delta: TimeDelta) -> f64 {
    delta.num_seconds() as f64 + f64::from(delta.subsec_nanos()) / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    /// An instant written in China Standard Time, "YYYY-MM-DD HH:MM".
    fn cst(text: &str) -> DateTime<Utc> {
        let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect(text);
        china_standard_time()
            .from_local_datetime(&local)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect(text)
    }

    fn time(text: &str) -> NaiveTime {
        NaiveTime::parse_from_str(text, "%H:%M").expect(text)
    }

    fn period(start: &str, end: &str) -> WorkingPeriod {
        WorkingPeriod::new(time(start), time(end)).unwrap()
    }

    /// National Day 2026-10-01 (Thu) ..= 10-07 (Wed) off; Saturdays 09-26 and 10-10 worked.
    fn national_day() -> BusinessCalendar {
        let holidays = (1..=7).map(|d| date(&format!("2026-10-{d:02}"))).collect();
        let extra = [date("2026-09-26"), date("2026-10-10")]
            .into_iter()
            .collect();
        BusinessCalendar::new(standard_periods(), holidays, extra).unwrap()
    }

    /// (case, start, hours, expected deadline)
    const HOUR_CASES: &[(&str, &str, u32, &str)] = &[
        ("across lunch", "2026-09-16 11:00", 2, "2026-09-16 14:30"),
        (
            "across the evening",
            "2026-09-16 16:30",
            2,
            "2026-09-17 09:30",
        ),
        (
            "across a weekend",
            "2026-09-18 17:00",
            2,
            "2026-09-21 10:00",
        ),
        (
            "from the Friday close",
            "2026-09-18 17:30",
            2,
            "2026-09-21 10:30",
        ),
        (
            "onto a make-up Saturday",
            "2026-09-25 17:00",
            2,
            "2026-09-26 10:00",
        ),
        (
            "across National Day",
            "2026-09-30 17:00",
            2,
            "2026-10-08 10:00",
        ),
        ("before opening", "2026-09-16 07:00", 1, "2026-09-16 09:30"),
        (
            "in the lunch break",
            "2026-09-16 12:30",
            1,
            "2026-09-16 14:30",
        ),
        ("on a Sunday", "2026-09-20 10:00", 1, "2026-09-21 09:30"),
        ("on a holiday", "2026-10-03 10:00", 1, "2026-10-08 09:30"),
        (
            "running out at the close",
            "2026-09-16 16:30",
            1,
            "2026-09-16 17:30",
        ),
        (
            "running out at noon",
            "2026-09-16 11:00",
            1,
            "2026-09-16 12:00",
        ),
        (
            "two full days through a make-up Saturday",
            "2026-09-25 08:30",
            15,
            "2026-09-26 17:30",
        ),
        (
            "zero hours outside working time",
            "2026-09-20 10:00",
            0,
            "2026-09-20 10:00",
        ),
    ];

    /// (case, start, days, expected deadline)
    const DAY_CASES: &[(&str, &str, u32, &str)] = &[
        (
            "next day at the same time",
            "2026-09-16 10:00",
            1,
            "2026-09-17 10:00",
        ),
        (
            "across a weekend",
            "2026-09-18 10:00",
            1,
            "2026-09-21 10:00",
        ),
        (
            "across National Day",
            "2026-09-30 10:00",
            1,
            "2026-10-08 10:00",
        ),
        (
            "onto the make-up Saturday after it",
            "2026-09-30 10:00",
            3,
            "2026-10-10 10:00",
        ),
        (
            "a start at opening is due at the close",
            "2026-09-16 08:30",
            1,
            "2026-09-16 17:30",
        ),
        (
            "before opening: close of that day",
            "2026-09-16 07:00",
            1,
            "2026-09-16 17:30",
        ),
        (
            "in the evening: close of the next day",
            "2026-09-16 19:00",
            1,
            "2026-09-17 17:30",
        ),
        (
            "on a Sunday: close of the second working day",
            "2026-09-20 10:00",
            2,
            "2026-09-22 17:30",
        ),
        (
            "in the lunch break: end of next morning",
            "2026-09-16 12:30",
            1,
            "2026-09-17 12:00",
        ),
    ];

    #[test]
    fn working_hours_deadlines_skip_nights_weekends_and_holidays() {
        let calendar = national_day();
        for &(case, start, hours, expected) in HOUR_CASES {
            let got = calendar.deadline(cst(start), TimeLimit::WorkingHours(hours));
            assert_eq!(got, cst(expected), "{case}: {start} + {hours} h");
        }
    }

    #[test]
    fn working_days_deadlines_keep_the_time_of_day_or_end_at_the_close() {
        let calendar = national_day();
        for &(case, start, days, expected) in DAY_CASES {
            let got = calendar.deadline(cst(start), TimeLimit::WorkingDays(days));
            assert_eq!(got, cst(expected), "{case}: {start} + {days} d");
        }
    }

    #[test]
    fn elapsed_working_time_is_symmetric_with_the_deadline() {
        let calendar = national_day();
        for &(case, start, hours, _) in HOUR_CASES {
            let limit = TimeLimit::WorkingHours(hours);
            let elapsed =
                calendar.elapsed_working(cst(start), calendar.deadline(cst(start), limit));
            assert_eq!(elapsed, TimeDelta::hours(i64::from(hours)), "{case}");
        }
        for &(case, start, days, _) in DAY_CASES {
            let limit = TimeLimit::WorkingDays(days);
            let elapsed =
                calendar.elapsed_working(cst(start), calendar.deadline(cst(start), limit));
            assert_eq!(elapsed, calendar.working_time(limit), "{case}");
        }
    }

    #[test]
    fn elapsed_working_time_counts_only_working_periods() {
        let calendar = national_day();
        let cases = [
            (
                "Friday evening to Monday morning",
                "2026-09-18 17:00",
                "2026-09-21 09:30",
                90,
            ),
            (
                "the whole National Day week",
                "2026-10-01 00:00",
                "2026-10-08 00:00",
                0,
            ),
            ("lunch alone", "2026-09-16 12:00", "2026-09-16 13:30", 0),
            (
                "one working day, midnight to midnight",
                "2026-09-16 00:00",
                "2026-09-17 00:00",
                450,
            ),
            (
                "now before start",
                "2026-09-17 10:00",
                "2026-09-16 10:00",
                0,
            ),
        ];
        for (case, start, now, minutes) in cases {
            let got = calendar.elapsed_working(cst(start), cst(now));
            assert_eq!(got, TimeDelta::minutes(minutes), "{case}");
        }
    }

    #[test]
    fn whole_weeks_are_skipped_without_changing_the_result() {
        // No holidays: 37.5 h a week, so k weeks from Monday 08:30 end on Friday 17:30.
        let calendar = BusinessCalendar::default();
        let monday = cst("2026-09-14 08:30");
        for weeks in [1_u32, 2, 52, 520] {
            let due = calendar.deadline(monday, TimeLimit::WorkingDays(5 * weeks));
            let expected = monday + TimeDelta::days(i64::from(7 * weeks - 3)) + TimeDelta::hours(9);
            assert_eq!(due, expected, "{weeks} weeks");
            assert_eq!(
                calendar.elapsed_working(monday, due),
                TimeDelta::minutes(i64::from(450 * 5 * weeks))
            );
        }
    }

    #[test]
    fn absurd_limits_saturate_instead_of_panicking() {
        let calendar = national_day();
        let start = cst("2026-09-16 10:00");
        assert_eq!(
            calendar.deadline(start, TimeLimit::WorkingDays(u32::MAX)),
            DateTime::<Utc>::MAX_UTC
        );
        assert_eq!(
            calendar.deadline(start, TimeLimit::WorkingHours(u32::MAX)),
            DateTime::<Utc>::MAX_UTC
        );
        let far = calendar.deadline(start, TimeLimit::WorkingHours(100_000_000));
        assert_eq!(
            calendar.elapsed_working(start, far),
            TimeDelta::hours(100_000_000)
        );
        assert!(calendar.elapsed_working(start, DateTime::<Utc>::MAX_UTC) > TimeDelta::zero());
        assert_eq!(
            calendar.deadline(DateTime::<Utc>::MAX_UTC, TimeLimit::WorkingHours(1)),
            DateTime::<Utc>::MAX_UTC
        );
    }

    #[test]
    fn urgency_changes_colour_exactly_at_the_thresholds() {
        // 4 working hours from 08:30: 3.5 h in the morning, 0.5 h after lunch, due 14:00.
        let calendar = national_day();
        let start = cst("2026-09-16 08:30");
        let deadline = calendar.deadline(start, TimeLimit::WorkingHours(4));
        assert_eq!(deadline, cst("2026-09-16 14:00"));
        let cases = [
            ("before the report", "2026-09-16 08:00", 0.25, Urgency::Blue),
            ("at the report", "2026-09-16 08:30", 0.25, Urgency::Blue),
            (
                "exactly a quarter left",
                "2026-09-16 11:30",
                0.25,
                Urgency::Blue,
            ),
            (
                "just under a quarter left",
                "2026-09-16 11:31",
                0.25,
                Urgency::Yellow,
            ),
            (
                "in the lunch break",
                "2026-09-16 12:30",
                0.25,
                Urgency::Yellow,
            ),
            (
                "a minute before the deadline",
                "2026-09-16 13:59",
                0.25,
                Urgency::Yellow,
            ),
            ("at the deadline", "2026-09-16 14:00", 0.25, Urgency::Red),
            ("long overdue", "2026-09-30 14:00", 0.25, Urgency::Red),
            (
                "fraction zero never warns",
                "2026-09-16 13:59",
                0.0,
                Urgency::Blue,
            ),
            (
                "fraction one warns after a minute",
                "2026-09-16 08:31",
                1.0,
                Urgency::Yellow,
            ),
            (
                "fraction one at the report",
                "2026-09-16 08:30",
                1.0,
                Urgency::Blue,
            ),
        ];
        for (case, now, fraction, expected) in cases {
            let got = calendar.urgency(start, deadline, cst(now), fraction);
            assert_eq!(got, expected, "{case}");
        }
    }

    #[test]
    fn urgency_is_written_as_lowercase_words() {
        let words: Vec<String> = Urgency::ALL
            .iter()
            .map(|u| serde_json::to_string(u).unwrap())
            .collect();
        assert_eq!(words, [r#""blue""#, r#""yellow""#, r#""red""#]);
        assert_eq!("yellow".parse::<Urgency>(), Ok(Urgency::Yellow));
    }

    #[test]
    fn invalid_calendars_are_refused() {
        let none = BTreeSet::new;
        let national = date("2026-10-01");
        let cases = [
            (
                "no periods",
                vec![],
                none(),
                none(),
                CalendarError::NoPeriods,
            ),
            (
                "out of order",
                vec![period("13:30", "17:30"), period("08:30", "12:00")],
                none(),
                none(),
                CalendarError::PeriodsOutOfOrder {
                    earlier: period("13:30", "17:30"),
                    later: period("08:30", "12:00"),
                },
            ),
            (
                "overlapping",
                vec![period("08:30", "12:00"), period("11:00", "17:30")],
                none(),
                none(),
                CalendarError::PeriodsOutOfOrder {
                    earlier: period("08:30", "12:00"),
                    later: period("11:00", "17:30"),
                },
            ),
            (
                "a date both off and on",
                standard_periods(),
                [national].into(),
                [national].into(),
                CalendarError::HolidayAndWorkingDay(national),
            ),
        ];
        for (case, periods, holidays, extra, expected) in cases {
            assert_eq!(
                BusinessCalendar::new(periods, holidays, extra),
                Err(expected),
                "{case}"
            );
        }
        for (start, end) in [("12:00", "08:30"), ("09:00", "09:00")] {
            let got = WorkingPeriod::new(time(start), time(end));
            assert_eq!(
                got,
                Err(CalendarError::EmptyPeriod {
                    start: time(start),
                    end: time(end)
                }),
                "{start}–{end}"
            );
        }
    }

    #[test]
    fn touching_periods_are_accepted() {
        let periods = vec![period("08:00", "12:00"), period("12:00", "16:00")];
        let calendar = BusinessCalendar::new(periods, BTreeSet::new(), BTreeSet::new()).unwrap();
        assert_eq!(calendar.working_day_length(), TimeDelta::hours(8));
    }

    proptest! {
        #[test]
        fn elapsed_working_time_to_the_deadline_equals_the_limit(
            // 2025-01-01 ..= 2028-12-31 UTC, to the second.
            start in 1_735_689_600_i64..1_861_919_999,
            hours in 0_u32..3_000,
            days in 0_u32..400,
        ) {
            let calendar = national_day();
            let start = DateTime::from_timestamp(start, 0).unwrap();
            for limit in [TimeLimit::WorkingHours(hours), TimeLimit::WorkingDays(days)] {
                let due = calendar.deadline(start, limit);
                prop_assert!(due >= start);
                prop_assert_eq!(calendar.elapsed_working(start, due), calendar.working_time(limit));
            }
        }
    }
}

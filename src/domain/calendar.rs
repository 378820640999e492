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

    /// The instant after which an incident reported at `start` and due at `deadline` is
    /// yellow by [`BusinessCalendar::urgency`] with `yellow_fraction`: for every `now` before
    /// the deadline, `now > yellow_at(..)` exactly when `urgency` says yellow. Stores keep
    /// it beside the deadline, so lists can be filtered by colour in SQL.
    ///
    /// It is the working instant at which the remaining working time reaches the fraction;
    /// when that falls at the close of a period it is moved to the next opening, since
    /// until then no working time passes and the incident stays blue.
    #[must_use]
    pub fn yellow_at(
        &self,
        start: DateTime<Utc>,
        deadline: DateTime<Utc>,
        yellow_fraction: f64,
    ) -> DateTime<Utc> {
        let total = seconds(self.elapsed_working(start, deadline));
        let fraction = if yellow_fraction.is_nan() {
            0.0
        } else {
            yellow_fraction.clamp(0.0, 1.0)
        };
        if fraction == 0.0 || total == 0.0 {
            return deadline;
        }
        // Blue while the working time left, total - elapsed, is at least fraction * total.
        let blue = TimeDelta::microseconds(((1.0 - fraction) * total * 1e6).floor() as i64);
        let Some(local) = self.local(start) else {
            return deadline;
        };
        self.deadline_local(local, blue)
            .map(|at| self.next_working_instant(at))
            .map_or(deadline, |at| self.utc(at).min(deadline))
    }

    /// `at` itself when working time follows it at once, else the next opening.
    fn next_working_instant(&self, at: NaiveDateTime) -> NaiveDateTime {
        let mut date = at.date();
        for _ in 0..=366 * 2 {
            if let Some((from, _)) = self.intervals(date, at, NaiveDateTime::MAX).next() {
                return from;
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
        at
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
mod tests;

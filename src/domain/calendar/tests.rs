//! Tests of the business calendar: deadlines, elapsed working time and urgency.

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

/// A deadline case: (what it shows, start, hours or days, expected deadline). The case
/// tables skip rustfmt so that each case stays one line and they read as tables.
type Case = (&'static str, &'static str, u32, &'static str);

/// (case, start, hours, expected deadline)
#[rustfmt::skip]
const HOUR_CASES: &[Case] = &[
    ("across lunch", "2026-09-16 11:00", 2, "2026-09-16 14:30"),
    ("across the evening", "2026-09-16 16:30", 2, "2026-09-17 09:30"),
    ("across a weekend", "2026-09-18 17:00", 2, "2026-09-21 10:00"),
    ("from the Friday close", "2026-09-18 17:30", 2, "2026-09-21 10:30"),
    ("onto a make-up Saturday", "2026-09-25 17:00", 2, "2026-09-26 10:00"),
    ("across National Day", "2026-09-30 17:00", 2, "2026-10-08 10:00"),
    ("before opening", "2026-09-16 07:00", 1, "2026-09-16 09:30"),
    ("in the lunch break", "2026-09-16 12:30", 1, "2026-09-16 14:30"),
    ("on a Sunday", "2026-09-20 10:00", 1, "2026-09-21 09:30"),
    ("on a holiday", "2026-10-03 10:00", 1, "2026-10-08 09:30"),
    ("running out at the close", "2026-09-16 16:30", 1, "2026-09-16 17:30"),
    ("running out at noon", "2026-09-16 11:00", 1, "2026-09-16 12:00"),
    ("two full days through a make-up Saturday", "2026-09-25 08:30", 15, "2026-09-26 17:30"),
    ("zero hours outside working time", "2026-09-20 10:00", 0, "2026-09-20 10:00"),
];

/// (case, start, days, expected deadline)
#[rustfmt::skip]
const DAY_CASES: &[Case] = &[
    ("next day at the same time", "2026-09-16 10:00", 1, "2026-09-17 10:00"),
    ("across a weekend", "2026-09-18 10:00", 1, "2026-09-21 10:00"),
    ("across National Day", "2026-09-30 10:00", 1, "2026-10-08 10:00"),
    ("onto the make-up Saturday after it", "2026-09-30 10:00", 3, "2026-10-10 10:00"),
    ("a start at opening is due at the close", "2026-09-16 08:30", 1, "2026-09-16 17:30"),
    ("before opening: close of that day", "2026-09-16 07:00", 1, "2026-09-16 17:30"),
    ("in the evening: close of the next day", "2026-09-16 19:00", 1, "2026-09-17 17:30"),
    ("on a Sunday: close of the second working day", "2026-09-20 10:00", 2, "2026-09-22 17:30"),
    ("in the lunch break: end of next morning", "2026-09-16 12:30", 1, "2026-09-17 12:00"),
];

/// A table's rows with their amounts made time limits by `kind`.
fn with_limits(
    cases: &'static [Case],
    kind: fn(u32) -> TimeLimit,
) -> impl Iterator<Item = (&'static str, &'static str, TimeLimit, &'static str)> {
    cases
        .iter()
        .map(move |&(case, start, n, expected)| (case, start, kind(n), expected))
}

/// Checks each case's deadline, `kind` making its amount working hours or working days.
fn assert_deadlines(cases: &'static [Case], kind: fn(u32) -> TimeLimit) {
    let calendar = national_day();
    for (case, start, limit, expected) in with_limits(cases, kind) {
        let got = calendar.deadline(cst(start), limit);
        assert_eq!(got, cst(expected), "{case}: {start} + {limit:?}");
    }
}

#[test]
fn working_hours_deadlines_skip_nights_weekends_and_holidays() {
    assert_deadlines(HOUR_CASES, TimeLimit::WorkingHours);
}

#[test]
fn working_days_deadlines_keep_the_time_of_day_or_end_at_the_close() {
    assert_deadlines(DAY_CASES, TimeLimit::WorkingDays);
}

#[test]
fn elapsed_working_time_is_symmetric_with_the_deadline() {
    let calendar = national_day();
    let cases = with_limits(HOUR_CASES, TimeLimit::WorkingHours)
        .chain(with_limits(DAY_CASES, TimeLimit::WorkingDays));
    for (case, start, limit, _) in cases {
        let elapsed = calendar.elapsed_working(cst(start), calendar.deadline(cst(start), limit));
        assert_eq!(elapsed, calendar.working_time(limit), "{case}");
    }
}

#[test]
fn elapsed_working_time_counts_only_working_periods() {
    let calendar = national_day();
    #[rustfmt::skip]
    let cases = [
        ("Friday evening to Monday morning", "2026-09-18 17:00", "2026-09-21 09:30", 90),
        ("the whole National Day week", "2026-10-01 00:00", "2026-10-08 00:00", 0),
        ("lunch alone", "2026-09-16 12:00", "2026-09-16 13:30", 0),
        ("one working day, midnight to midnight", "2026-09-16 00:00", "2026-09-17 00:00", 450),
        ("now before start", "2026-09-17 10:00", "2026-09-16 10:00", 0),
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
    #[rustfmt::skip]
    let cases = [
        ("before the report", "2026-09-16 08:00", 0.25, Urgency::Blue),
        ("at the report", "2026-09-16 08:30", 0.25, Urgency::Blue),
        ("exactly a quarter left", "2026-09-16 11:30", 0.25, Urgency::Blue),
        ("just under a quarter left", "2026-09-16 11:31", 0.25, Urgency::Yellow),
        ("in the lunch break", "2026-09-16 12:30", 0.25, Urgency::Yellow),
        ("a minute before the deadline", "2026-09-16 13:59", 0.25, Urgency::Yellow),
        ("at the deadline", "2026-09-16 14:00", 0.25, Urgency::Red),
        ("long overdue", "2026-09-30 14:00", 0.25, Urgency::Red),
        ("fraction zero never warns", "2026-09-16 13:59", 0.0, Urgency::Blue),
        ("fraction one warns after a minute", "2026-09-16 08:31", 1.0, Urgency::Yellow),
        ("fraction one at the report", "2026-09-16 08:30", 1.0, Urgency::Blue),
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

#[test]
fn yellow_at_a_period_close_waits_for_the_next_opening() {
    // Four working hours from Monday 15:30 are due at Tuesday 10:30 (two before the 17:30
    // close, two from the 08:30 opening); with half the time for yellow, exactly half is
    // left at Monday's close, and no working time passes until Tuesday's opening.
    let calendar = BusinessCalendar::default();
    let start = cst("2026-11-23 15:30");
    let due = calendar.deadline(start, TimeLimit::WorkingHours(4));
    assert_eq!(due, cst("2026-11-24 10:30"));
    assert_eq!(calendar.yellow_at(start, due, 0.5), cst("2026-11-24 08:30"));
    assert_eq!(
        calendar.urgency(start, due, cst("2026-11-23 22:00"), 0.5),
        Urgency::Blue
    );
    assert_eq!(calendar.yellow_at(start, due, 0.0), due, "never yellow");
}

proptest! {
    #[test]
    fn yellow_at_agrees_with_urgency(
        start in 1_735_689_600_i64..1_861_919_999,
        hours in 1_u32..200,
        offset in 0_i64..40 * 24 * 3600,
        quarter in 0_u32..=4,
    ) {
        let calendar = national_day();
        let fraction = f64::from(quarter) / 4.0;
        let start = DateTime::from_timestamp(start, 0).unwrap();
        let due = calendar.deadline(start, TimeLimit::WorkingHours(hours));
        let now = start + TimeDelta::seconds(offset);
        let yellow_at = calendar.yellow_at(start, due, fraction);
        let by_instant = now >= due || now > yellow_at;
        let urgency = calendar.urgency(start, due, now, fraction);
        prop_assert_eq!(by_instant, urgency != Urgency::Blue, "now {} yellow_at {}", now, yellow_at);
    }
}

//! The files the desk reads at start-up: the categories and the business calendar, kept
//! as data so a town changes them without a code change.

use crate::domain::{BusinessCalendar, Category, CategoryError, WorkingPeriod, parse_categories};
use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Why a file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// It could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// It is not what it should be.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

fn read(path: &Path) -> Result<String, FileError> {
    std::fs::read_to_string(path).map_err(|source| FileError::Read {
        path: path.to_owned(),
        source,
    })
}

fn invalid(path: &Path, message: &impl ToString) -> FileError {
    FileError::Invalid {
        path: path.to_owned(),
        message: message.to_string(),
    }
}

/// Reads and checks a category file (see `geodata/categories.json`).
pub fn read_categories(path: &Path) -> Result<Vec<Category>, FileError> {
    parse_categories(&read(path)?).map_err(|e: CategoryError| invalid(path, &e))
}

/// A calendar file: working periods as `["HH:MM", "HH:MM"]` pairs, holidays and make-up
/// working days as `YYYY-MM-DD` dates. Every part may be left out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    /// Free text for whoever edits the file.
    #[serde(default)]
    #[allow(dead_code, reason = "documentation inside the file")]
    note: String,
    #[serde(default)]
    periods: Option<Vec<(NaiveTime, NaiveTime)>>,
    #[serde(default)]
    holidays: BTreeSet<NaiveDate>,
    #[serde(default)]
    working_days: BTreeSet<NaiveDate>,
}

/// Reads a calendar file (see `geodata/calendar.json`).
pub fn read_calendar(path: &Path) -> Result<BusinessCalendar, FileError> {
    let file: CalendarFile = serde_json::from_str(&read(path)?).map_err(|e| invalid(path, &e))?;
    parse_calendar(file).map_err(|e| invalid(path, &e))
}

fn parse_calendar(file: CalendarFile) -> Result<BusinessCalendar, String> {
    let periods = match file.periods {
        None => crate::domain::standard_periods(),
        Some(pairs) => pairs
            .into_iter()
            .map(|(start, end)| WorkingPeriod::new(start, end))
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?,
    };
    BusinessCalendar::new(periods, file.holidays, file.working_days).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Weekday};

    fn calendar(json: &str) -> Result<BusinessCalendar, String> {
        parse_calendar(serde_json::from_str(json).map_err(|e| e.to_string())?)
    }

    #[test]
    fn the_committed_calendar_is_valid_and_moves_the_national_day_week() {
        let calendar = read_calendar(Path::new("geodata/calendar.json")).expect("calendar");
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
        assert!(!calendar.is_working_day(day(10, 1)), "National Day is off");
        assert_eq!(day(10, 10).weekday(), Weekday::Sat);
        assert!(calendar.is_working_day(day(10, 10)), "a make-up Saturday");
    }

    #[test]
    fn the_committed_categories_are_valid() {
        let categories = read_categories(Path::new("geodata/categories.json")).expect("file");
        assert_eq!(categories.len(), 15);
    }

    #[test]
    fn a_calendar_without_periods_uses_the_standard_office_day() {
        let calendar = calendar(r#"{"holidays": ["2026-12-31"]}"#).expect("valid");
        assert_eq!(calendar.periods(), crate::domain::standard_periods());
    }

    #[test]
    fn bad_calendars_are_refused_with_a_reason() {
        for (json, expect) in [
            (r#"{"periods": [["12:00", "08:00"]]}"#, "must end after"),
            (r#"{"holidays": ["2026-13-01"]}"#, "input is out of range"),
            (
                r#"{"holidays": ["2026-10-10"], "working_days": ["2026-10-10"]}"#,
                "both as a holiday",
            ),
            (r#"{"holiday": []}"#, "unknown field"),
        ] {
            let err = calendar(json).expect_err(json);
            assert!(err.contains(expect), "{json}: {err}");
        }
    }
}

//! Period labels, CSV, JSON and empty input.

use super::*;

#[test]
fn a_sunday_evening_in_utc_is_already_monday_in_china() {
    // 2026-11-22 is a Sunday; 16:00 UTC is Monday 00:00 in China.
    let cases = [
        ("2026-11-22T15:59:59Z", "2026-11-22", "2026-W47", "2026-11"),
        ("2026-11-22T16:00:00Z", "2026-11-23", "2026-W48", "2026-11"),
        ("2026-11-30T16:00:00Z", "2026-12-01", "2026-W49", "2026-12"),
        // 2027-01-01 is a Friday of ISO week 53 of 2026.
        ("2027-01-01T03:00:00Z", "2027-01-01", "2026-W53", "2027-01"),
        ("2027-01-03T16:00:00Z", "2027-01-04", "2027-W01", "2027-01"),
    ];
    for (instant, day, week, month) in cases {
        let instant: DateTime<Utc> = instant.parse().unwrap();
        let labels = [Period::Day, Period::Week, Period::Month].map(|p| p.label(instant));
        assert_eq!(labels, [day, week, month], "{instant}");
    }
}

#[test]
fn the_breakdown_by_period_lists_only_periods_with_incidents_oldest_first() {
    // Arrange: move fact 1 to the next week in China (Monday 00:30 CST).
    let mut facts = facts();
    facts[0].reported_at = "2026-11-22T16:30:00Z".parse().unwrap();
    facts[0].closed_at = Some(facts[0].reported_at + TimeDelta::hours(2));
    let options = TallyOptions {
        by_category: None,
        by_period: Some(Period::Week),
        reported: None,
    };

    // Act
    let report = tally(&facts, &grids(), now(), &options);

    // Assert: every other fact was reported 2026-11-20 to 11-22 (W47).
    let periods = |grid: usize| -> Vec<(&str, u64)> {
        let cells = &report.grids[grid].by_period;
        cells
            .iter()
            .map(|c| (c.period.as_str(), c.figures.received))
            .collect()
    };
    assert_eq!(periods(0), [("2026-W47", 11), ("2026-W48", 1)]);
    assert_eq!(periods(2), [("2026-W47", 2), ("2026-W48", 1)]); // G11
    assert_eq!(periods(3), [("2026-W47", 3)]); // G12
    assert_eq!(
        report.grids[3].by_period[0].figures,
        report.grids[3].figures
    );
}

#[test]
fn csv_starts_with_a_bom_and_a_header_and_quotes_awkward_names() {
    // Arrange
    let mut grids = grids();
    grids[1].name = "云湖村, \"东片\"".to_owned();
    grids[2].name = "=1+1".to_owned();
    let options = TallyOptions {
        by_category: Some(CategoryGrouping::SubCategory),
        by_period: Some(Period::Month),
        reported: None,
    };

    // Act
    let csv = tally(&facts(), &grids, now(), &options).to_csv();

    // Assert
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert!(lines[0].starts_with("\u{FEFF}grid_id,grid_code,grid_name,level,parent_id,"));
    assert_eq!(lines[0].split(',').count(), 21);
    assert_eq!(
        lines[1],
        "1,320282102,太华镇,1,,total,,12,6,1,0.5000,3,1,2,2,2,6.00,30.00,5,3.6000,0.6000"
    );
    assert_eq!(
        lines[2],
        "1,320282102,太华镇,1,,category,public_order_noise,12,6,1,0.5000,3,1,2,2,2,6.00,30.00,5,3.6000,0.6000"
    );
    assert_eq!(
        lines[3],
        "1,320282102,太华镇,1,,period,2026-11,12,6,1,0.5000,3,1,2,2,2,6.00,30.00,5,3.6000,0.6000"
    );
    assert!(lines[4].starts_with("2,320282102200,\"云湖村, \"\"东片\"\"\",2,1,total,,7,"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("3,320282102201,'=1+1,2,1,total,"))
    );
    // Seven grids with three rows each, the header, and the empty string after the last CRLF.
    assert_eq!(lines.len(), 7 * 3 + 2);
    assert_eq!(lines.last(), Some(&""));
}

#[test]
fn grids_without_incidents_show_zeros_and_no_rates() {
    // Arrange
    let options = TallyOptions {
        by_category: Some(CategoryGrouping::SubCategory),
        by_period: Some(Period::Day),
        reported: None,
    };

    // Act
    let report = tally(&[], &grids(), now(), &options);

    // Assert
    assert_eq!(report.grids.len(), 7);
    for grid in &report.grids {
        assert_eq!(grid.figures, Figures::default(), "{}", grid.code);
        assert!(grid.by_category.is_empty() && grid.by_period.is_empty());
    }
    let json = serde_json::to_value(&report.grids[0]).unwrap();
    assert_eq!(json["figures"]["closure_rate"], serde_json::Value::Null);
    assert_eq!(json["figures"]["open"]["red"], 0);
    assert!(json.get("by_category").is_none());
    assert_eq!(report.to_csv().split("\r\n").count(), 7 + 2);
}

#[test]
fn no_grids_give_an_empty_report() {
    let report = tally(&facts(), &[], now(), &TallyOptions::default());

    assert!(report.grids.is_empty());
    assert_eq!(report.to_csv().split("\r\n").count(), 2);
}

#[test]
fn the_json_names_every_figure() {
    let report = report(&TallyOptions::default());

    let json = serde_json::to_value(figures_of(&report, G22)).unwrap();

    assert_eq!(
        json,
        serde_json::json!({
            "received": 2, "closed": 1, "rejected": 1, "closure_rate": 0.5,
            "open": {"blue": 1, "yellow": 0, "red": 0}, "overdue": 0, "closed_late": 0,
            "time_to_close": {"median_hours": 6.0, "p90_hours": 6.0},
            "satisfaction": {"rated": 0, "mean": null, "satisfied_share": null}
        })
    );
}

//! Statistics on a small data set counted by hand; `output` tests periods, CSV, JSON and
//! empty input.

use super::*;
use chrono::TimeDelta;

mod output;

/// Taihua town, villages 云湖村 (…200) and 乾元村 (…201), two grids in each.
const TOWN: &str = "320282102";
const V1: &str = "320282102200";
const V2: &str = "320282102201";
const G11: &str = "320282102200001";
const G12: &str = "320282102200002";
const G21: &str = "320282102201001";
const G22: &str = "320282102201002";

fn code(text: &str) -> GridCode {
    GridCode::parse(text).unwrap()
}

fn grids() -> Vec<StatsGrid> {
    let grid = |id, text: &str, name: &str, parent_id| StatsGrid {
        id,
        code: code(text),
        name: name.to_owned(),
        level: code(text).depth() as LevelNo + 1,
        parent_id,
    };
    vec![
        grid(1, TOWN, "太华镇", None),
        grid(2, V1, "云湖村", Some(1)),
        grid(3, V2, "乾元村", Some(1)),
        grid(4, G11, "云湖一网格", Some(2)),
        grid(5, G12, "云湖二网格", Some(2)),
        grid(6, G21, "乾元一网格", Some(3)),
        grid(7, G22, "乾元二网格", Some(3)),
    ]
}

/// Hour `h` after 2026-11-20 00:00 UTC.
fn at(h: i64) -> DateTime<Utc> {
    "2026-11-20T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::hours(h)
}

/// Every case "now", hour 100.
fn now() -> DateTime<Utc> {
    at(100)
}

/// A closed incident reported at hour `from`, closed at `to`, due at `due`.
fn closed(grid: &str, from: i64, to: i64, due: i64, rating: Option<u8>) -> IncidentFact {
    IncidentFact {
        status: IncidentStatus::Closed,
        closed_at: Some(at(to)),
        satisfaction: rating,
        ..open(grid, IncidentStatus::Handling, from, due, due)
    }
}

/// An incident in an open (or rejected) status, yellow after `yellow`, red from `due`.
fn open(grid: &str, status: IncidentStatus, from: i64, yellow: i64, due: i64) -> IncidentFact {
    IncidentFact {
        grid_code: code(grid),
        category: "public_order_noise".to_owned(),
        status,
        reported_at: at(from),
        closed_at: None,
        deadline: at(due),
        yellow_at: at(yellow),
        satisfaction: None,
    }
}

/// Thirteen incidents; `now` is hour 100. Durations in hours; ratings in brackets.
fn facts() -> Vec<IncidentFact> {
    use IncidentStatus as S;
    vec![
        closed(G11, 0, 2, 24, Some(5)), // 1: 2 h
        closed(G11, 0, 10, 8, Some(4)), // 2: 10 h, late
        IncidentFact {
            status: S::Archived,
            ..closed(G12, 1, 5, 48, Some(3)) // 3: 4 h
        },
        closed(G21, 2, 32, 26, Some(1)),       // 4: 30 h, late
        closed(G22, 3, 9, 50, None),           // 5: 6 h, unrated
        closed(G12, 10, 18, 40, Some(5)),      // 6: 8 h
        open(G11, S::Handling, 50, 110, 120),  // 7: blue
        open(G12, S::Dispatched, 50, 90, 120), // 8: yellow
        open(G21, S::Accepted, 50, 80, 100),   // 9: red, now == deadline
        open(G22, S::Escalated, 50, 100, 130), // 10: blue, now == yellow_at
        open(V1, S::Reported, 60, 70, 90),     // 11: red, on the village itself
        open(G22, S::Rejected, 60, 70, 90),    // 12: rejected
        open("320282102201001004", S::Handling, 60, 150, 200), // 13: blue, unlisted micro-grid
        open("320282103001", S::Handling, 60, 70, 90), // another town: counted nowhere
    ]
}

fn report(options: &TallyOptions) -> StatsReport {
    tally(&facts(), &grids(), now(), options)
}

/// One count of a grid's figures.
type Count = fn(&Figures) -> u64;

fn figures_of<'a>(report: &'a StatsReport, grid: &str) -> &'a Figures {
    &report
        .grids
        .iter()
        .find(|g| g.code.as_str() == grid)
        .unwrap()
        .figures
}

/// (received, closed, rejected, [blue, yellow, red], closed_late, median h, p90 h, rated,
/// mean, satisfied share)
type Expected = (
    u64,
    u64,
    u64,
    [u64; 3],
    u64,
    f64,
    f64,
    u64,
    Option<f64>,
    Option<f64>,
);

#[test]
fn figures_of_each_grid_match_the_hand_count() {
    // Arrange: per grid, the facts above by number.
    let cases: &[(&str, Expected)] = &[
        // 1, 2, 7. Durations 2, 10: median rank ceil(1.0) = 1st, p90 ceil(1.8) = 2nd.
        (
            G11,
            (3, 2, 0, [1, 0, 0], 1, 2.0, 10.0, 2, Some(4.5), Some(1.0)),
        ),
        // 3, 6, 8. Durations 4, 8. Ratings 3, 5.
        (
            G12,
            (3, 2, 0, [0, 1, 0], 0, 4.0, 8.0, 2, Some(4.0), Some(0.5)),
        ),
        // G11 + G12 + 11. Durations 2 4 8 10: 2nd and ceil(3.6) = 4th. Ratings 5 4 3 5.
        (
            V1,
            (7, 4, 0, [1, 1, 1], 1, 4.0, 10.0, 4, Some(4.25), Some(0.75)),
        ),
        // 4, 9, 13.
        (
            G21,
            (3, 1, 0, [1, 0, 1], 1, 30.0, 30.0, 1, Some(1.0), Some(0.0)),
        ),
        // 5, 10, 12 (rejected, not received). No ratings.
        (G22, (2, 1, 1, [1, 0, 0], 0, 6.0, 6.0, 0, None, None)),
        // G21 + G22. Durations 6 30: 1st and 2nd.
        (
            V2,
            (5, 2, 1, [2, 0, 1], 1, 6.0, 30.0, 1, Some(1.0), Some(0.0)),
        ),
        // Everything but the other town. Durations 2 4 6 8 10 30: 3rd and ceil(5.4) = 6th.
        // Ratings 5 4 3 1 5: mean 18 / 5, satisfied 3 / 5.
        (
            TOWN,
            (12, 6, 1, [3, 1, 2], 2, 6.0, 30.0, 5, Some(3.6), Some(0.6)),
        ),
    ];

    // Act
    let report = report(&TallyOptions::default());

    // Assert
    for (grid, e) in cases {
        let f = figures_of(&report, grid);
        let (
            received,
            closed,
            rejected,
            [blue, yellow, red],
            late,
            median,
            p90,
            rated,
            mean,
            share,
        ) = *e;
        let actual = (
            f.received,
            f.closed,
            f.rejected,
            f.open,
            f.overdue,
            f.closed_late,
        );
        let open = OpenByColour { blue, yellow, red };
        assert_eq!(
            actual,
            (received, closed, rejected, open, red, late),
            "{grid}"
        );
        assert_eq!(
            f.closure_rate,
            Some(closed as f64 / received as f64),
            "{grid}"
        );
        let times = (f.time_to_close.median_hours, f.time_to_close.p90_hours);
        assert_eq!(times, (Some(median), Some(p90)), "{grid}");
        let s = f.satisfaction;
        assert_eq!(s.rated, rated, "{grid}");
        assert_eq!(
            s.mean.map(|m| (m * 1e9).round()),
            mean.map(|m| (m * 1e9).round())
        );
        assert_eq!(s.satisfied_share, share, "{grid}");
    }
}

#[test]
fn a_town_counts_equal_the_sum_of_its_villages_and_what_lies_on_it_directly() {
    // Arrange
    let report = report(&TallyOptions::default());
    let sum = |codes: &[&str], count: Count| {
        codes
            .iter()
            .map(|c| count(figures_of(&report, c)))
            .sum::<u64>()
    };

    // Act, Assert: nothing lies on the town itself.
    let counts: [(&str, Count); 5] = [
        ("received", |f| f.received),
        ("closed", |f| f.closed),
        ("rejected", |f| f.rejected),
        ("red", |f| f.open.red),
        ("rated", |f| f.satisfaction.rated),
    ];
    for (name, count) in counts {
        assert_eq!(
            count(figures_of(&report, TOWN)),
            sum(&[V1, V2], count),
            "{name}"
        );
    }
}

#[test]
fn grids_come_in_code_order_with_their_own_details() {
    let report = report(&TallyOptions::default());

    let order: Vec<&str> = report.grids.iter().map(|g| g.code.as_str()).collect();

    assert_eq!(order, [TOWN, V1, G11, G12, V2, G21, G22]);
    let village = &report.grids[1];
    assert_eq!(
        (
            village.id,
            village.name.as_str(),
            village.level,
            village.parent_id
        ),
        (2, "云湖村", 2, Some(1))
    );
}

#[test]
fn colours_turn_yellow_after_yellow_at_and_red_at_the_deadline() {
    let cases = [
        (99, Urgency::Blue),
        (100, Urgency::Blue),
        (101, Urgency::Yellow),
        (119, Urgency::Yellow),
        (120, Urgency::Red),
        (500, Urgency::Red),
    ];
    for (hour, expected) in cases {
        assert_eq!(
            colour_at(at(120), at(100), at(hour)),
            expected,
            "hour {hour}"
        );
    }
    let rejected = open(G11, IncidentStatus::Rejected, 0, 100, 120);
    assert_eq!(rejected.colour_at(at(200)), None);
}

#[test]
fn categories_fold_into_duty_classes_and_unknown_codes_keep_their_own() {
    // Arrange: facts 1 and 2 get other sub-categories of public order; 3 an unknown code.
    let mut facts = facts();
    facts[0].category = "public_order_gambling".to_owned();
    facts[1].category = "public_order_suspicious".to_owned();
    facts[2].category = "mystery".to_owned();
    let classes: HashMap<String, String> = [
        "public_order_noise",
        "public_order_gambling",
        "public_order_suspicious",
    ]
    .into_iter()
    .map(|sub| (sub.to_owned(), "public_order".to_owned()))
    .collect();
    let duty_class_options = TallyOptions {
        by_category: Some(CategoryGrouping::DutyClass(classes)),
        by_period: None,
        reported: None,
    };
    let sub_category_options = TallyOptions {
        by_category: Some(CategoryGrouping::SubCategory),
        by_period: None,
        reported: None,
    };

    // Act
    let by_duty_class = tally(&facts, &grids(), now(), &duty_class_options);
    let by_sub_category = tally(&facts, &grids(), now(), &sub_category_options);

    // Assert: G11 holds facts 1, 2 and 7.
    let cells = |report: &StatsReport, grid: &str| -> Vec<(String, u64)> {
        let grid = report
            .grids
            .iter()
            .find(|g| g.code.as_str() == grid)
            .unwrap();
        grid.by_category
            .iter()
            .map(|c| (c.category.clone(), c.figures.received))
            .collect()
    };
    let owned = |pairs: &[(&str, u64)]| -> Vec<(String, u64)> {
        pairs.iter().map(|(c, n)| ((*c).to_owned(), *n)).collect()
    };
    assert_eq!(by_duty_class.by_category, Some(CategoryLevel::DutyClass));
    assert_eq!(cells(&by_duty_class, G11), owned(&[("public_order", 3)]));
    assert_eq!(
        cells(&by_duty_class, V1),
        owned(&[("mystery", 1), ("public_order", 6)])
    );
    assert_eq!(
        cells(&by_sub_category, G11),
        owned(&[
            ("public_order_gambling", 1),
            ("public_order_noise", 1),
            ("public_order_suspicious", 1)
        ])
    );
    assert!(
        cells(&by_sub_category, G21)
            .iter()
            .all(|(c, _)| c == "public_order_noise")
    );
}

#[test]
fn duty_classes_map_every_sub_category_to_its_class() {
    // Arrange
    let sub = |code: &str| crate::domain::SubCategory {
        code: code.to_owned(),
        zh: "子类".to_owned(),
        en: "Sub".to_owned(),
        time_limit: crate::domain::TimeLimit::WorkingDays(1),
    };
    let class = |code: &str, subs: &[&str]| Category {
        code: code.to_owned(),
        zh: "大类".to_owned(),
        en: "Class".to_owned(),
        department: None,
        sub_categories: subs.iter().map(|s| sub(s)).collect(),
    };
    let categories = [
        class(
            "public_order",
            &["public_order_noise", "public_order_gambling"],
        ),
        class("water", &["water_leak"]),
    ];

    // Act
    let classes = duty_classes(&categories);

    // Assert
    assert_eq!(classes.len(), 3);
    assert_eq!(classes["public_order_gambling"], "public_order");
    assert_eq!(classes["water_leak"], "water");
}

#[test]
fn a_reported_range_counts_only_incidents_reported_within_it() {
    let facts = vec![
        open(G11, IncidentStatus::Handling, 9, 90, 99),
        open(G11, IncidentStatus::Handling, 10, 90, 99),
        open(G12, IncidentStatus::Handling, 19, 90, 99),
        open(G12, IncidentStatus::Handling, 20, 90, 99),
    ];
    let options = TallyOptions {
        reported: Some(at(10)..at(20)),
        ..TallyOptions::default()
    };

    let report = tally(&facts, &grids(), now(), &options);

    let received = |code: &str| {
        let grid = report.grids.iter().find(|g| g.code.as_str() == code);
        grid.unwrap().figures.received
    };
    // Half-open: hour 10 is in, hour 20 is out.
    assert_eq!((received(G11), received(G12), received(TOWN)), (1, 1, 2));
}

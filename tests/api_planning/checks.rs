//! The checks a change set passes, each with an edit that keeps its rule and one that
//! breaks it, and bad input refused before anything is checked or stored.

use super::*;
use town::VertexMove;

/// A bow-tie in the middle third of `grid`'s box, and where its edges cross.
fn bow_tie_inside(grid: &Grid) -> (Value, [f64; 2]) {
    let rect = grid.shape().bounding_rect().unwrap();
    let (x0, y0) = (
        rect.min().x + rect.width() / 3.0,
        rect.min().y + rect.height() / 3.0,
    );
    let (x1, y1) = (
        rect.max().x - rect.width() / 3.0,
        rect.max().y - rect.height() / 3.0,
    );
    let ring = json!([[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]);
    (
        json!({ "type": "Polygon", "coordinates": [ring] }),
        [f64::midpoint(x0, x1), f64::midpoint(y0, y1)],
    )
}

/// The edit moving `m`'s vertex in `grid` alone.
fn only(m: &VertexMove, grid: &Grid) -> Vec<Value> {
    vec![grid.edit(m.moved(grid))]
}

#[tokio::test]
async fn each_check_reports_its_problem_and_the_edit_that_keeps_the_rule_passes() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [micro] = town.vertex_moves(4, Step::Metres(15.0), [1.0]);
    let [comprehensive] = town.vertex_moves(3, Step::Metres(15.0), [1.0]);
    let (bow_tie, _) = bow_tie_inside(micro.losing(4));
    let parent = &town.level(3)[0];
    let cases: Vec<(&str, Vec<Value>, &[&str])> = vec![
        (
            "a shared vertex moved in both micro-grids",
            micro.edits(),
            &[],
        ),
        (
            "moved only in the grid it grows",
            only(&micro, micro.gaining(4)),
            &["overlap"],
        ),
        (
            "moved only in the grid it shrinks",
            only(&micro, micro.losing(4)),
            &["gap"],
        ),
        (
            "a grids' boundary moved in them and their micro-grids",
            comprehensive.edits(),
            &[],
        ),
        (
            "moved in the micro-grids only",
            comprehensive.edits_at(4),
            &["gap", "outside_parent"],
        ),
        (
            "a self-intersecting boundary",
            vec![micro.losing(4).edit(bow_tie)],
            &["invalid"],
        ),
        (
            "a grid retired with its children in service",
            vec![parent.retire()],
            &["gap", "reference"],
        ),
    ];
    let mut proposed = Vec::new();
    for (label, edits, expected) in cases {
        let changeset = propose(&app, edits).await;

        assert_eq!(
            error_kinds(&changeset["problems"]),
            expected,
            "{label}: {changeset}"
        );
        proposed.push((expected.is_empty(), changeset));
    }

    // What has problems is refused; the first clean one goes through.
    for (_, changeset) in proposed.iter().filter(|(clean, _)| !clean) {
        let (status, refused) = apply(&app, changeset).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    }
    apply_ok(&app, &proposed[0].1).await;
}

#[tokio::test]
async fn a_gap_or_overlap_up_to_the_sliver_area_is_a_sliver_and_above_it_is_what_it_is() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [few_m2] = town.vertex_moves(4, Step::SweptArea(5.0), [1.0]);
    let [above] = town.vertex_moves(4, Step::SweptArea(60.0), [1.0]);
    let cases = [
        (
            "a 5 m² overlap",
            only(&few_m2, few_m2.gaining(4)),
            "sliver",
            &few_m2,
        ),
        (
            "a 5 m² gap",
            only(&few_m2, few_m2.losing(4)),
            "sliver",
            &few_m2,
        ),
        (
            "a 60 m² overlap",
            only(&above, above.gaining(4)),
            "overlap",
            &above,
        ),
        ("a 60 m² gap", only(&above, above.losing(4)), "gap", &above),
    ];
    for (label, edits, kind, moved) in cases {
        let changeset = propose(&app, edits).await;

        assert_eq!(
            error_kinds(&changeset["problems"]),
            [kind],
            "{label}: {changeset}"
        );
        let problem = &problems_of(&changeset["problems"], kind)[0]["properties"];
        let area = problem["area_m2"].as_f64().unwrap();
        let expected = moved.swept_m2;
        assert!(
            (area - expected).abs() < expected * 0.25,
            "{label}: {area} m², expected about {expected}"
        );
        assert!(
            problem["message"].as_str().unwrap().contains("m²"),
            "{problem}"
        );
    }
}

#[tokio::test]
async fn a_problem_names_its_grids_and_a_self_intersection_its_point() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [comprehensive] = town.vertex_moves(3, Step::Metres(15.0), [1.0]);
    let codes = |p: &Value| p["properties"]["grids"].clone();

    let micro_only = propose(&app, comprehensive.edits_at(4)).await;
    let outside = problems_of(&micro_only["problems"], "outside_parent");
    let (grows, grows_parent) = (comprehensive.gaining(4), comprehensive.gaining(3));
    assert_eq!(codes(outside[0]), json!([grows.code, grows_parent.code]));
    let gap = problems_of(&micro_only["problems"], "gap");
    assert_eq!(codes(gap[0]), json!([comprehensive.losing(3).code]));

    let target = comprehensive.losing(4);
    let (bow_tie, crossing) = bow_tie_inside(target);
    let crossed = propose(&app, vec![target.edit(bow_tie)]).await;
    let invalid = problems_of(&crossed["problems"], "invalid")[0];
    assert_eq!(invalid["geometry"]["type"], "Point", "{invalid}");
    let at = &invalid["geometry"]["coordinates"];
    for axis in 0..2 {
        let got = at[axis].as_f64().unwrap();
        assert!(
            (got - crossing[axis]).abs() < 1e-9,
            "{at} should be {crossing:?}"
        );
    }
    assert_eq!(codes(invalid), json!([target.code]));

    let parent = &town.level(3)[0];
    let retired = propose(&app, vec![parent.retire()]).await;
    let reference = problems_of(&retired["problems"], "reference")[0];
    let mut named: Vec<Value> = town
        .level(4)
        .iter()
        .filter(|g| g.parent_id == Some(parent.id))
        .map(|g| json!(g.code))
        .collect();
    named.insert(0, json!(parent.code));
    assert_eq!(
        codes(reference),
        json!(named),
        "the grid and its children: {reference}"
    );
}

#[tokio::test]
async fn the_household_rule_warns_outside_50_to_100_and_does_not_stop_an_apply() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [moving] = town.vertex_moves(4, Step::Metres(15.0), [1.0]);
    let held = moving.losing(4);
    let cases = [(49, true), (50, false), (100, false), (101, true)];
    let mut warned = Vec::new();
    for (households, warns) in cases {
        let mut edits = moving.edits();
        for edit in &mut edits {
            if edit["id"] == json!(held.id) {
                edit["households"] = json!(households);
            }
        }

        let changeset = propose(&app, edits).await;

        let rules = problems_of(&changeset["problems"], "level_rule");
        let codes: Vec<Value> = rules
            .iter()
            .map(|p| p["properties"]["grids"][0].clone())
            .collect();
        let expected = if warns {
            vec![json!(held.code)]
        } else {
            vec![]
        };
        assert_eq!(codes, expected, "{households}: {changeset}");
        for rule in &rules {
            assert_eq!(rule["properties"]["severity"], "warning", "{rule}");
            let message = rule["properties"]["message"].as_str().unwrap();
            assert!(message.contains(&households.to_string()), "{message}");
        }
        assert_eq!(
            error_kinds(&changeset["problems"]),
            Vec::<String>::new(),
            "{households}"
        );
        if warns {
            warned.push(changeset);
        }
    }

    let applied = apply_ok(&app, &warned[1]).await;
    let stored = applied["grids"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == json!(held.id));
    assert_eq!(stored.unwrap()["households"], 101);
    assert_eq!(grid(&app, 4, held.id).await.households, 101);
}

fn json_request(uri: &str, body: &Value) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn a_bad_change_set_gets_a_json_error_naming_the_problem_and_stores_nothing() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [moving] = town.vertex_moves(4, Step::Metres(15.0), [1.0]);
    let g = moving.losing(4);
    let edit = g.edit(moving.moved(g));
    let with = |key: &str, value: Value| {
        let mut e = edit.clone();
        e[key] = value;
        e
    };
    let without = |key: &str| {
        let mut e = edit.clone();
        e.as_object_mut().unwrap().remove(key);
        e
    };
    let of = |grids: Vec<Value>| json!({ "reason": REASON, "grids": grids });
    let new_grid = json!({ "geometry": moving.moved(g) });
    let (bad, unprocessable) = (StatusCode::BAD_REQUEST, StatusCode::UNPROCESSABLE_ENTITY);
    let bodies = [
        (
            json!({ "grids": [edit] }),
            unprocessable,
            "invalid_body",
            "reason",
        ),
        (
            json!({ "reason": "  ", "grids": [edit] }),
            bad,
            "invalid_body",
            "reason",
        ),
        (of(vec![]), bad, "invalid_body", "empty"),
        (
            of(vec![without("geometry")]),
            bad,
            "invalid_body",
            "geometry",
        ),
        (
            of(vec![with("id", json!(987_654))]),
            unprocessable,
            "invalid_edit",
            "987654",
        ),
        (
            of(vec![new_grid]),
            unprocessable,
            "invalid_edit",
            "parent_id",
        ),
        (
            of(vec![with("households", json!(-1))]),
            bad,
            "invalid_body",
            "negative",
        ),
        (
            of(vec![without("version")]),
            unprocessable,
            "invalid_edit",
            "version",
        ),
    ];
    let cases: Vec<ErrorCase> = bodies
        .iter()
        .map(|(body, status, code, mentions)| {
            (
                json_request("/api/changesets", body),
                *status,
                *code,
                *mentions,
            )
        })
        .collect();

    assert_errors(&app, cases).await;

    // The first change set stored would have had id 1.
    let (status, body) = get(&app, "/api/changesets/1").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let versions = |grids: &[Grid]| grids.iter().map(|g| (g.id, g.version)).collect::<Vec<_>>();
    assert_eq!(
        versions(&grids(&app, 4).await),
        versions(town.level(4)),
        "no grid changed"
    );
}

#[tokio::test]
async fn a_bad_as_of_split_or_merge_gets_a_json_error_naming_the_problem() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let g = &town.level(4)[0];
    let other_family = town
        .level(4)
        .iter()
        .find(|o| o.parent_id != g.parent_id)
        .unwrap();
    let rect = g.shape().bounding_rect().unwrap();
    let x = rect.max().x + 0.01;
    let beside = json!({ "type": "LineString",
        "coordinates": [[x, rect.min().y], [x, rect.max().y]] });
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let as_of = Request::get("/api/grids?level=4&as_of=yesterday").body(Body::empty());
    let cases: Vec<ErrorCase> = vec![
        (
            as_of.unwrap(),
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "as_of",
        ),
        (
            json_request(
                "/api/planning/split",
                &json!({ "grid_id": g.id, "line": beside }),
            ),
            unprocessable,
            "cannot_cut",
            "does not cut",
        ),
        (
            json_request(
                "/api/planning/merge",
                &json!({ "grid_ids": [g.id, other_family.id] }),
            ),
            unprocessable,
            "cannot_cut",
            "different parents",
        ),
    ];

    assert_errors(&app, cases).await;
}

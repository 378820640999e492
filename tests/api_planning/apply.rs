//! Applying: a shared vertex moved and the camera that crossed it, refused applies (422,
//! 412, a store refusal part-way) that change nothing, and history and "as of".

use super::*;

#[tokio::test]
async fn moving_a_shared_vertex_in_both_neighbours_is_clean_and_a_camera_that_crossed_reports_its_new_grid_at_once()
 {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [moving] = town.vertex_moves(4, Step::Metres(15.0), [1.0]);
    let (from, to) = (moving.losing(4), moving.gaining(4));
    let camera = json!({
        "code": "C990001", "name": "边界路口", "lon": moving.point[0], "lat": moving.point[1],
        "kind": "dome", "stream_url": "rtsp://10.0.0.9/live/c990001",
    });
    let (status, created) = post_json(&app, "/api/cameras", &camera).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let camera_uri = format!("/api/cameras/{}", created["id"]);
    let deepest = |camera: &Value| camera["properties"]["chain"][3]["code"].clone();
    assert_eq!(deepest(&created), json!(from.code), "before: the old grid");

    let changeset = propose(&app, moving.edits()).await;

    assert_eq!(changeset["status"], "proposed");
    assert!(
        features(&changeset["problems"]).is_empty(),
        "clean: {changeset}"
    );
    let crossing = json!({ "id": created["id"], "from": from.code, "to": to.code });
    let cameras = changeset["impact"]["cameras"].as_array().unwrap();
    assert!(cameras.contains(&crossing), "{crossing} in {cameras:?}");
    let (_, still) = get(&app, &camera_uri).await;
    assert_eq!(
        deepest(&still),
        json!(from.code),
        "proposing changes nothing"
    );

    apply_ok(&app, &changeset).await;

    let (_, after) = get(&app, &camera_uri).await;
    assert_eq!(deepest(&after), json!(to.code), "{after}");
    assert_eq!(located(&app, moving.point, 4).await, to.id);
    for g in &moving.grids {
        let now = grid(&app, 4, g.id).await;
        assert_eq!(now.version, g.version + 1, "grid {}", g.code);
        assert_eq!(now.geometry, moving.moved(g), "grid {} redrawn", g.code);
    }
}

#[tokio::test]
async fn a_refused_apply_leaves_the_grids_and_the_index_as_they_were() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [forth, back] = town.vertex_moves(4, Step::Metres(15.0), [1.0, -1.0]);
    let (west, east) = (forth.losing(4), forth.gaining(4));

    // 422: an overlap the checks found when it was proposed.
    let overlapping = propose(&app, vec![east.edit(forth.moved(east))]).await;
    let (status, refused) = apply(&app, &overlapping).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"]["code"], "problems", "{refused}");
    assert_eq!(error_kinds(&refused["problems"]), ["overlap"], "{refused}");
    assert_eq!(
        located(&app, forth.point, 4).await,
        west.id,
        "after the 422"
    );
    assert_eq!(grid(&app, 4, east.id).await.version, east.version);
    assert_eq!(history(&app, east.id).await.len(), 1);
    assert_eq!(status_of(&app, &overlapping).await, "proposed");

    // 412: two planners start from the same versions; the first applies.
    let first = propose(&app, forth.edits()).await;
    let second = propose(&app, back.edits()).await;
    apply_ok(&app, &first).await;
    let (status, stale) = apply(&app, &second).await;

    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{stale}");
    assert_eq!(stale["error"]["code"], "precondition_failed");
    let message = stale["error"]["message"].as_str().unwrap();
    assert!(message.contains("version"), "{message}");
    assert_eq!(
        status_of(&app, &second).await,
        "proposed",
        "nothing of it applied"
    );
    assert_eq!(
        located(&app, back.point, 4).await,
        back.losing(4).id,
        "after the 412"
    );
    assert_eq!(
        located(&app, forth.point, 4).await,
        east.id,
        "the first one stands"
    );
    for g in [west, east] {
        let now = grid(&app, 4, g.id).await;
        assert_eq!(
            (now.version, now.geometry),
            (g.version + 1, forth.moved(g)),
            "{}",
            g.code
        );
        assert_eq!(history(&app, g.id).await.len(), 2, "{}", g.code);
    }
}

#[tokio::test]
async fn history_lists_every_version_and_as_of_shows_the_boundary_then() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [moving] = town.vertex_moves(4, Step::Metres(15.0), [1.0]);
    let held = moving.losing(4);
    let changeset = propose(&app, moving.edits()).await;
    let before = rfc3339(Utc::now());

    apply_ok(&app, &changeset).await;
    let after = rfc3339(Utc::now());

    let versions = history(&app, held.id).await;
    assert_eq!(versions.len(), 2, "{versions:?}");
    let (old, new) = (&versions[0]["properties"], &versions[1]["properties"]);
    assert_eq!(
        (old["version"].clone(), old["retired"].clone()),
        (json!(1), json!(false))
    );
    assert_eq!(
        (old["changeset_id"].clone(), old["author"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(versions[0]["geometry"], held.geometry, "the old boundary");
    assert_eq!(new["version"], 2);
    assert_eq!(new["changeset_id"], changeset["id"]);
    assert_eq!(
        (new["author"].clone(), new["reason"].clone()),
        (json!("tester"), json!(REASON))
    );
    assert_eq!(new["valid_to"], Value::Null, "in force");
    assert_eq!(
        old["valid_to"], new["valid_from"],
        "one version ends as the next begins"
    );
    assert_eq!(versions[1]["geometry"], moving.moved(held));

    let cases = [
        ("before the apply", &before, held.geometry.clone()),
        ("after it", &after, moving.moved(held)),
    ];
    for (label, at, expected) in cases {
        let then = as_of(&app, 4, at).await;
        assert_eq!(then.len(), town.level(4).len(), "{label}: every micro-grid");
        let boundary = then.iter().find(|(id, _)| *id == held.id).map(|(_, g)| g);
        assert_eq!(boundary, Some(&expected), "{label}");
    }
}

#[tokio::test]
async fn two_merges_proposed_side_by_side_both_apply_the_second_under_the_next_free_code() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    // Two merges of neighbours under one parent, proposed side by side: both are given
    // the parent's next free code, so the second to apply takes the code after it.
    let pairs: Vec<Vec<Grid>> = town
        .shared_vertices(4)
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let (first, second) = pairs
        .iter()
        .flat_map(|a| pairs.iter().map(move |b| (a, b)))
        .find(|(a, b)| {
            a[0].parent_id == b[0].parent_id && a.iter().all(|g| b.iter().all(|h| g.id != h.id))
        })
        .expect("two pairs of neighbours under one parent");
    let mut proposed = Vec::new();
    for pair in [first, second] {
        let body = json!({ "grid_ids": [pair[0].id, pair[1].id] });
        let (status, merged) = post_json(&app, "/api/planning/merge", &body).await;
        assert_eq!(status, StatusCode::OK, "{merged}");
        let mut edits = replaced_by(&pair[0], &[&merged["geometry"]]);
        edits.push(pair[1].retire());
        let changeset = propose(&app, edits).await;
        assert_eq!(
            error_kinds(&changeset["problems"]),
            Vec::<String>::new(),
            "{changeset}"
        );
        proposed.push(changeset);
    }
    let code = proposed[1]["grids"][1]["code"].as_str().unwrap().to_owned();
    assert_eq!(
        proposed[0]["grids"][1]["code"],
        json!(code),
        "the same next code"
    );
    apply_ok(&app, &proposed[0]).await;

    let (status, applied) = apply(&app, &proposed[1]).await;

    assert_eq!(status, StatusCode::OK, "{applied}");
    let renumbered = applied["grids"][1]["code"].as_str().unwrap();
    let sequence = |c: &str| c[c.len() - 3..].parse::<u32>().unwrap();
    assert_eq!(sequence(renumbered), sequence(&code) + 1, "{applied}");
    assert!(
        applied["grids"][1]["name"]
            .as_str()
            .unwrap()
            .ends_with(&format!("第{}微网格", sequence(renumbered))),
        "the name made from the code follows it: {applied}"
    );
    for g in second {
        let inside = g.shape().interior_point().unwrap();
        let (status, found) = get(
            &app,
            &format!("/api/locate?lon={}&lat={}", inside.x(), inside.y()),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{found}");
        assert!(
            found.to_string().contains(renumbered),
            "{} now lies in {renumbered}: {found}",
            g.code
        );
    }
}

#[tokio::test]
async fn a_discarded_or_applied_change_set_cannot_be_decided_again_and_a_stale_edit_is_412() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let [forth, back] = town.vertex_moves(4, Step::Metres(15.0), [1.0, -1.0]);
    let dropped = propose(&app, back.edits()).await;
    let kept = propose(&app, forth.edits()).await;
    let discard = |c: &Value| format!("/api/changesets/{}/discard", c["id"]);

    let (status, discarded) = post_json(&app, &discard(&dropped), &json!({})).await;

    assert_eq!(status, StatusCode::OK, "{discarded}");
    assert_eq!(discarded["status"], "discarded");
    assert!(discarded["decided_at"].is_string(), "{discarded}");
    apply_ok(&app, &kept).await;
    let cases = [
        ("discarding a discarded one", discard(&dropped)),
        (
            "applying a discarded one",
            format!("/api/changesets/{}/apply", dropped["id"]),
        ),
        (
            "applying an applied one",
            format!("/api/changesets/{}/apply", kept["id"]),
        ),
        ("discarding an applied one", discard(&kept)),
    ];
    for (label, uri) in cases {
        let (status, body) = post_json(&app, &uri, &json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{label}: {body}");
        assert_eq!(body["error"]["code"], "conflict", "{label}: {body}");
    }
    assert_eq!(status_of(&app, &dropped).await, "discarded");

    // An edit made from the versions before the apply is refused as soon as it is proposed.
    let body = json!({ "reason": REASON, "grids": back.edits() });
    let (status, stale) = post_json(&app, "/api/changesets", &body).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{stale}");
    let (status, missing) = post_json(&app, "/api/changesets/424242/apply", &json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
}

//! Grids retired by a change set stay out of every later one: a new grid cannot be put
//! under a retired parent.

use super::*;

/// A change set that retires comprehensive grid `gone` and its micro-grids into its
/// neighbour `kept`: `kept` takes `gone`'s ground and new micro-grids under `kept` take
/// the boundaries of `gone`'s.
async fn absorb(app: &Router, town: &Town, gone: &Grid, kept: &Grid) -> Value {
    let body = json!({ "grid_ids": [gone.id, kept.id] });
    let (status, merged) = post_json(app, "/api/planning/merge", &body).await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    let mut edits = vec![gone.retire(), kept.edit(merged["geometry"].clone())];
    for child in town
        .level(4)
        .iter()
        .filter(|c| c.parent_id == Some(gone.id))
    {
        edits.push(child.retire());
        edits.push(json!({ "parent_id": kept.id, "geometry": child.geometry }));
    }
    propose(app, edits).await
}

#[tokio::test]
async fn a_new_grid_under_a_retired_parent_is_a_reference_problem() {
    let (app, _db) = demo_router().await;
    let town = Town::load(&app).await;
    let mut absorbed = None;
    for (_, grids) in town.shared_vertices(3) {
        let changeset = absorb(&app, &town, &grids[0], &grids[1]).await;
        // Some are refused by the checks' own rounding (see the same-boundary test).
        if error_kinds(&changeset["problems"]).is_empty() {
            absorbed = Some((grids[0].clone(), changeset));
            break;
        }
    }
    let (gone, changeset) = absorbed.expect("a comprehensive grid its neighbour can absorb");
    apply_ok(&app, &changeset).await;
    let (status, _) = get(&app, &format!("/api/grids/{}", gone.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "retired");
    let square = gone.shape().interior_point().unwrap();
    let (x, y, d) = (square.x(), square.y(), 0.0005);
    let geometry = json!({ "type": "Polygon",
        "coordinates": [[[x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d], [x - d, y - d]]] });

    let body =
        json!({ "reason": REASON, "grids": [{ "parent_id": gone.id, "geometry": geometry }] });
    let (status, orphan) = post_json(&app, "/api/changesets", &body).await;

    // Refused outright, or proposed with a problem that stops it: never applicable.
    if status == StatusCode::CREATED {
        let kinds = error_kinds(&orphan["problems"]);
        let (applied, body) = apply(&app, &orphan).await;
        let (_, chain) = get(&app, &format!("/api/locate?lon={x}&lat={y}")).await;
        let deepest: Vec<&Value> = chain_codes(&chain);
        assert!(
            kinds.contains(&"reference".to_owned()),
            "{kinds:?}: {orphan}; its apply answered {applied} {body}; the point's chain is \
             now {deepest:?}"
        );
    } else {
        assert!(status.is_client_error(), "{status}: {orphan}");
        assert_eq!(
            located(&app, [x, y], 3).await,
            changeset["grids"][1]["id"].as_i64().unwrap()
        );
    }
}

/// The codes of a located chain, top first.
fn chain_codes(located: &Value) -> Vec<&Value> {
    located["chain"]
        .as_array()
        .map(|links| links.iter().map(|l| &l["code"]).collect())
        .unwrap_or_default()
}

//! The demo town's accounts: one per role and one per grid worker, all with one password,
//! made when `serve` seeds an empty database with the demo town (and only then).

use crate::accounts::{AccountError, Accounts, NewAccount, new_secret};
use crate::domain::{GridCode, GridScope};
use crate::store::{GridFilter, Store};
use chrono::Utc;

/// The demo town's code: the grants of the town's own people cover it.
const TOWN: &str = "320282102";
/// The first village: its grid chief's grant.
const VILLAGE: &str = "320282102201";

/// A demo account: username, display name, role, grid (none: everything), department.
type Person = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

/// The accounts of each role.
const PEOPLE: [Person; 7] = [
    ("admin", "系统管理员", "admin", None, None),
    ("dispatcher", "指挥中心坐席", "dispatcher", Some(TOWN), None),
    ("chief", "网格长", "grid_chief", Some(VILLAGE), None),
    (
        "department",
        "城管执法人员",
        "department",
        Some(TOWN),
        Some("城管执法局"),
    ),
    ("planner", "规划员", "planner", Some(TOWN), None),
    ("leader", "镇领导", "leader", Some(TOWN), None),
    ("analytics", "视频分析平台", "analytics", Some(TOWN), None),
];

/// Creates the demo accounts in a database that has none, with `password` or a new
/// random one; answers the password used, or `None` when accounts existed already. Each
/// grid worker's account is `worker<id>`, granted `grid_worker` on their first grid.
pub async fn seed(
    store: &dyn Store,
    accounts: &Accounts,
    password: Option<String>,
) -> Result<Option<String>, AccountError> {
    if !store.users().await?.is_empty() {
        return Ok(None);
    }
    let password = password.unwrap_or_else(|| new_secret("")[..16].to_owned());
    let code = |c: &str| GridCode::parse(c).map_err(|e| AccountError::Invalid(e.to_string()));
    let mut people = Vec::new();
    for (username, name, role, grid, department) in PEOPLE {
        people.push(NewAccount {
            username: username.into(),
            display_name: name.into(),
            password: password.clone(),
            worker_id: None,
            department: department.map(str::to_owned),
            grants: vec![(role.into(), grid.map(code).transpose()?)],
        });
    }
    let grids = store.grids(&GridScope::All, GridFilter::default()).await?;
    for worker in store.workers(&GridScope::All).await? {
        let grid = worker
            .grid_ids
            .first()
            .and_then(|id| grids.iter().find(|g| g.id == *id))
            .map(|g| g.code.clone());
        people.push(NewAccount {
            username: format!("worker{}", worker.id),
            display_name: worker.name.clone(),
            password: password.clone(),
            worker_id: Some(worker.id),
            department: worker.department.clone(),
            grants: vec![("grid_worker".into(), grid.or(Some(code(TOWN)?)))],
        });
    }
    accounts.create_users(people, Utc::now()).await?;
    Ok(Some(password))
}

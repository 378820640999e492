//! Who may do what, and where: permissions, roles, grants and the person asking.
//!
//! A role is a named set of [`Permission`]s, kept as data (seeded by a migration) and
//! checked against this list at start-up. A grant gives a user a role on a grid and every
//! grid below it (a code prefix), or on the whole deployment. What a person may do with a
//! permission is therefore a [`GridScope`]: the union of the grids of the grants whose
//! role holds it, nothing at all when none does. Admins are no exception: their role
//! lists what they may do like any other.

use super::{GridCode, GridId, GridScope, UnknownWord, WorkerId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

text_enum! {
    /// One thing a person may do. The words are what roles list in the database.
    pub enum Permission {
        /// See every incident in scope.
        IncidentsRead => "incidents.read",
        /// See only the incidents assigned to oneself (a grid worker).
        IncidentsReadAssigned => "incidents.read_assigned",
        /// See only the incidents routed to one's own department.
        IncidentsReadDepartment => "incidents.read_department",
        /// File incidents and their photos.
        IncidentsReport => "incidents.report",
        /// See who reported an incident and how to reach them.
        IncidentsContact => "incidents.contact",
        /// Accept or reject a new incident (受理).
        IncidentsAccept => "incidents.accept",
        /// Dispatch, return, escalate, and decide on extensions (派遣).
        IncidentsDispatch => "incidents.dispatch",
        /// Handle on site and report back (处置、反馈), ask for more time.
        IncidentsHandle => "incidents.handle",
        /// Verify, close and reopen (核查、结案).
        IncidentsVerify => "incidents.verify",
        /// Archive closed incidents (归档).
        IncidentsArchive => "incidents.archive",
        /// See grid workers, their duty and where they are now.
        WorkersRead => "workers.read",
        /// See grid workers' phone numbers.
        WorkersContact => "workers.contact",
        /// See grid workers' patrol tracks.
        WorkersTracks => "workers.tracks",
        /// Set grid workers' shifts.
        WorkersShifts => "workers.shifts",
        /// Report one's own position (a grid worker's phone).
        PositionsReport => "positions.report",
        /// See cameras.
        CamerasRead => "cameras.read",
        /// Add, change, import and retire cameras.
        CamerasManage => "cameras.manage",
        /// See camera alerts and the calls they made.
        AlertsRead => "alerts.read",
        /// Raise an alert on a camera.
        AlertsRaise => "alerts.raise",
        /// Call a grid worker to an alert.
        CallsMake => "calls.make",
        /// Answer the calls made to oneself.
        CallsAnswer => "calls.answer",
        /// See statistics.
        StatsRead => "stats.read",
        /// See change sets and grids' history.
        ChangesetsRead => "changesets.read",
        /// Propose change sets, split and merge grids.
        ChangesetsPropose => "changesets.propose",
        /// Apply and discard change sets.
        ChangesetsApply => "changesets.apply",
        /// Import whole levels of grids.
        LevelsImport => "levels.import",
        /// Manage users, their grants and tokens.
        UsersManage => "users.manage",
        /// Read the audit trail.
        AuditRead => "audit.read",
    }
}

impl super::IncidentAction {
    /// The permission a person needs to take this step; `None` for a step no person
    /// takes (a re-route follows a change set).
    #[must_use]
    pub fn permission(self) -> Option<Permission> {
        use super::IncidentAction as A;
        match self {
            A::Accept | A::Reject => Some(Permission::IncidentsAccept),
            A::Dispatch | A::ApproveExtension | A::DenyExtension => {
                Some(Permission::IncidentsDispatch)
            }
            // Sending back (回退) and passing up (上报) are the handler's way out.
            A::StartHandling | A::ReportHandled | A::RequestExtension | A::Return | A::Escalate => {
                Some(Permission::IncidentsHandle)
            }
            A::Verify | A::Close | A::Reopen => Some(Permission::IncidentsVerify),
            A::Archive => Some(Permission::IncidentsArchive),
            A::Reroute => None,
        }
    }
}

/// A role and what it allows, as the database holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Role {
    /// The role's name, e.g. `dispatcher`.
    pub name: String,
    /// Its Chinese title, e.g. 指挥中心坐席.
    pub title_zh: String,
    /// Its English title.
    pub title_en: String,
    /// What it allows.
    pub permissions: BTreeSet<Permission>,
}

impl Role {
    /// A role read from the database, its permission words checked: an unknown one is an
    /// error, so a typo in a migration stops the service at start-up.
    pub fn parse(
        name: String,
        title_zh: String,
        title_en: String,
        words: &[String],
    ) -> Result<Self, UnknownWord> {
        let permissions = words
            .iter()
            .map(|w| w.parse())
            .collect::<Result<BTreeSet<Permission>, _>>()?;
        Ok(Self {
            name,
            title_zh,
            title_en,
            permissions,
        })
    }
}

/// Every role of the deployment by name.
#[derive(Debug, Clone, Default)]
pub struct Roles(BTreeMap<String, Role>);

impl Roles {
    /// The roles given.
    #[must_use]
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        Self(roles.into_iter().map(|r| (r.name.clone(), r)).collect())
    }

    /// The role named `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Role> {
        self.0.get(name)
    }

    /// Every role, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Role> {
        self.0.values()
    }
}

/// An account's id.
pub type UserId = i64;

/// A grant's id.
pub type GrantId = i64;

/// A role given to a user on a grid's subtree, or on everything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    /// Its id.
    pub id: GrantId,
    /// The role's name.
    pub role: String,
    /// The grid it covers with every grid below it; `None` for the whole deployment.
    pub grid_code: Option<GridCode>,
}

/// An account as the service shows it (never its password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// What it logs in with; also what timelines record as the actor.
    pub username: String,
    /// The person's name as shown.
    pub display_name: String,
    /// The grid worker this account is, if it is one.
    pub worker_id: Option<WorkerId>,
    /// The town department the person works in, for the `department` role.
    pub department: Option<String>,
    /// Whether it may log in at all.
    pub enabled: bool,
    /// Its grants.
    pub grants: Vec<Grant>,
}

/// A grant with the grid it names resolved, as `GET /api/me` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct GrantView {
    /// The grant's id, for `DELETE /api/users/{id}/grants/{grant}`.
    pub id: GrantId,
    /// The role's name.
    pub role: String,
    /// The grid's id, `None` for the whole deployment (or a grid since retired).
    pub grid_id: Option<GridId>,
    /// The grid's code, `None` for the whole deployment.
    pub grid_code: Option<GridCode>,
    /// The grid's name.
    pub grid_name: Option<String>,
}

/// The person behind a request, with what their grants allow.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account.
    pub user: User,
    /// The token the request came with, if it was not a session.
    pub token_id: Option<i64>,
    /// For each permission the user has somewhere, where they have it.
    scopes: BTreeMap<Permission, GridScope>,
}

impl Caller {
    /// The user with the scope of each permission their grants give, after `roles`.
    /// A grant of a role that no longer exists gives nothing.
    #[must_use]
    pub fn new(user: User, token_id: Option<i64>, roles: &Roles) -> Self {
        let mut grids: BTreeMap<Permission, Option<Vec<GridCode>>> = BTreeMap::new();
        for grant in &user.grants {
            let Some(role) = roles.get(&grant.role) else {
                continue;
            };
            for &permission in &role.permissions {
                let roots = grids.entry(permission).or_insert_with(|| Some(Vec::new()));
                match (&grant.grid_code, roots.as_mut()) {
                    (None, _) => *roots = None,
                    (Some(code), Some(codes)) => codes.push(code.clone()),
                    (Some(_), None) => {}
                }
            }
        }
        let scopes = grids
            .into_iter()
            .map(|(p, roots)| (p, roots.map_or(GridScope::All, GridScope::within)))
            .collect();
        Self {
            user,
            token_id,
            scopes,
        }
    }

    /// Where the caller has `permission`: nothing at all when they have it nowhere.
    #[must_use]
    pub fn scope_for(&self, permission: Permission) -> GridScope {
        self.scopes
            .get(&permission)
            .cloned()
            .unwrap_or_else(GridScope::nothing)
    }

    /// Where the caller has any of `permissions`: the union of their scopes.
    #[must_use]
    pub fn scope_for_any(&self, permissions: &[Permission]) -> GridScope {
        let mut roots = Vec::new();
        for p in permissions {
            match self.scopes.get(p) {
                Some(GridScope::All) => return GridScope::All,
                Some(GridScope::Within(codes)) => roots.extend(codes.iter().cloned()),
                None => {}
            }
        }
        GridScope::within(roots)
    }

    /// Whether the caller has `permission` over the grid with `code`.
    #[must_use]
    pub fn may(&self, permission: Permission, code: impl AsRef<str>) -> bool {
        self.scopes
            .get(&permission)
            .is_some_and(|scope| scope.includes(code))
    }

    /// Whether the caller has `permission` over everything in `codes` (a point's chain, a
    /// worker's grids) — over any one of them is enough, as for scopes.
    #[must_use]
    pub fn may_any<I>(&self, permission: Permission, codes: I) -> bool
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.scopes
            .get(&permission)
            .is_some_and(|scope| scope.includes_any(codes))
    }

    /// Whether the caller has `permission` anywhere.
    #[must_use]
    pub fn has(&self, permission: Permission) -> bool {
        self.scopes.contains_key(&permission)
    }

    /// Every permission the caller has somewhere.
    pub fn permissions(&self) -> impl Iterator<Item = Permission> + '_ {
        self.scopes.keys().copied()
    }

    /// The worker this caller is, if they are one.
    #[must_use]
    pub fn worker_id(&self) -> Option<WorkerId> {
        self.user.worker_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> GridCode {
        GridCode::parse(s).expect("code")
    }

    fn roles() -> Roles {
        let role = |name: &str, words: &[&str]| {
            let words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
            Role::parse(name.into(), name.into(), name.into(), &words).expect("role")
        };
        Roles::new([
            role("dispatcher", &["incidents.read", "incidents.dispatch"]),
            role("leader", &["incidents.read", "stats.read"]),
        ])
    }

    fn user(grants: &[(&str, Option<&str>)]) -> User {
        User {
            id: 1,
            username: "u".into(),
            display_name: "U".into(),
            worker_id: None,
            department: None,
            enabled: true,
            grants: grants
                .iter()
                .enumerate()
                .map(|(i, (role, grid))| Grant {
                    id: i as i64,
                    role: (*role).into(),
                    grid_code: grid.map(code),
                })
                .collect(),
        }
    }

    #[test]
    fn a_permission_reaches_the_grids_of_the_grants_whose_role_holds_it() {
        let caller = Caller::new(
            user(&[
                ("dispatcher", Some("320282102201")),
                ("leader", Some("320282102202")),
            ]),
            None,
            &roles(),
        );
        assert_eq!(
            caller.scope_for(Permission::IncidentsRead),
            GridScope::within([code("320282102201"), code("320282102202")])
        );
        assert_eq!(
            caller.scope_for(Permission::IncidentsDispatch),
            GridScope::within([code("320282102201")])
        );
        assert!(caller.may(Permission::IncidentsDispatch, "320282102201003"));
        assert!(!caller.may(Permission::IncidentsDispatch, "320282102202003"));
        assert_eq!(
            caller.scope_for(Permission::UsersManage),
            GridScope::nothing()
        );
        assert!(!caller.has(Permission::UsersManage));
    }

    #[test]
    fn a_grant_on_no_grid_covers_everything_and_an_unknown_role_nothing() {
        let caller = Caller::new(
            user(&[("leader", None), ("retired_role", Some("320282102"))]),
            None,
            &roles(),
        );
        assert_eq!(caller.scope_for(Permission::StatsRead), GridScope::All);
        assert_eq!(
            caller.scope_for_any(&[Permission::IncidentsDispatch, Permission::StatsRead]),
            GridScope::All
        );
        assert!(!caller.has(Permission::IncidentsDispatch));
    }

    #[test]
    fn an_unknown_permission_word_is_refused() {
        let err = Role::parse(
            "x".into(),
            "x".into(),
            "x".into(),
            &["incidents.reed".into()],
        )
        .expect_err("typo");
        assert_eq!(err.value, "incidents.reed");
    }
}

//! The account commands, run as the real binary against a fresh SQLite database: `users
//! add` with a piped password, `users grant`, `users list` and `tokens create`, and the
//! refusals a script must be able to tell from success (a non-zero exit and a message).

use gridlink::accounts::Accounts;
use gridlink::store::{self, AuditFilter};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

/// The demo town's code, the one grid the tests import.
const TOWN: &str = "320282102";
const PASSWORD: &str = "correct horse battery";

/// A throw-away database the binary is pointed at.
struct Deployment {
    _dir: TempDir,
    url: String,
}

impl Deployment {
    /// A fresh, empty database.
    fn empty() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}", dir.path().join("gridlink.db").display());
        Self { _dir: dir, url }
    }

    /// A fresh database holding the demo town's levels and its one town grid.
    fn with_town() -> Self {
        let deployment = Self::empty();
        let geodata = concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/taihua");
        deployment.ok(&["import", "levels", &format!("{geodata}/levels.json")]);
        deployment.ok(&[
            "import",
            "grids",
            "--level",
            "1",
            &format!("{geodata}/level1-town.geojson"),
        ]);
        deployment
    }

    /// Runs `gridlink ARGS --database-url URL` with `stdin` piped in.
    fn run_with_input(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gridlink"))
            .args(args)
            .args(["--database-url", &self.url])
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .env("RUST_BACKTRACE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the gridlink binary starts");
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(stdin.as_bytes())
            .expect("stdin written");
        child.wait_with_output().expect("gridlink finishes")
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_with_input(args, "")
    }

    /// Runs a command that must succeed; answers its standard output.
    fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert_success(&output, args);
        text(&output.stdout)
    }

    /// Adds an account with `PASSWORD` piped in; answers what it printed, as JSON.
    fn add(&self, args: &[&str]) -> Value {
        let args = [&["users", "add"], args, &["--password-stdin"]].concat();
        let output = self.run_with_input(&args, &format!("{PASSWORD}\n"));
        assert_success(&output, &args);
        serde_json::from_str(&text(&output.stdout)).expect("one line of JSON")
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_success(output: &Output, args: &[&str]) {
    assert!(
        output.status.success(),
        "gridlink {args:?} failed ({}): {}",
        output.status,
        text(&output.stderr)
    );
}

/// Asserts a run failed with a message containing each of `expected`, and no backtrace
/// (the runs ask for one, as a shell with `RUST_BACKTRACE` set would).
fn assert_refused(output: &Output, expected: &[&str]) {
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "succeeded, stderr: {stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
    for part in expected {
        assert!(stderr.contains(part), "{part:?} not in: {stderr}");
    }
}

/// The line of `users list` for `username`.
fn listed<'a>(list: &'a str, username: &str) -> &'a str {
    let row = list
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(username));
    assert!(row.is_some(), "{username} not in the list:\n{list}");
    row.unwrap_or_default()
}

#[tokio::test]
async fn an_account_is_added_listed_granted_again_and_given_a_token_that_works() {
    let deployment = Deployment::with_town();

    let added = deployment.add(&[
        "chief",
        "--role",
        "grid_chief",
        "--grid",
        TOWN,
        "--display-name",
        "网格长",
        "--department",
        "综治办",
    ]);
    assert_eq!(added["username"], "chief");
    assert_eq!(added["display_name"], "网格长");
    assert_eq!(added["grants"][0]["role"], "grid_chief");
    assert_eq!(added["grants"][0]["grid_code"], TOWN);
    let id = added["id"].as_i64().expect("an id");

    let list = deployment.ok(&["users", "list"]);
    assert!(list.starts_with("ID "), "a header first:\n{list}");
    let row = listed(&list, "chief");
    assert!(row.starts_with(&format!("{id} ")), "{row}");
    assert!(row.contains("网格长") && row.contains("yes"), "{row}");
    assert!(row.ends_with(&format!("grid_chief@{TOWN}")), "{row}");

    let granted: Value = serde_json::from_str(&deployment.ok(&[
        "users", "grant", "chief", "--role", "leader", "--grid", TOWN,
    ]))
    .expect("one line of JSON");
    assert_eq!(granted["grants"].as_array().map(Vec::len), Some(2));
    let list = deployment.ok(&["users", "list"]);
    assert!(
        listed(&list, "chief").ends_with(&format!("grid_chief@{TOWN},leader@{TOWN}")),
        "{list}"
    );

    let output = deployment.run(&["tokens", "create", "chief", "--days", "7", "--label", "ci"]);
    assert_success(&output, &["tokens", "create"]);
    let stdout = text(&output.stdout);
    let token = stdout.trim_end();
    assert!(token.starts_with("glt_"), "{stdout:?}");
    assert_eq!(
        stdout.lines().count(),
        1,
        "only the token on stdout: {stdout:?}"
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("expires") && stderr.contains("7 days"),
        "{stderr}"
    );

    let store = store::connect(&deployment.url).await.expect("store");
    let accounts = Accounts::load(store.clone()).await.expect("accounts");
    let caller = accounts
        .token_caller(token, chrono::Utc::now())
        .await
        .expect("lookup")
        .expect("the token signs in");
    assert_eq!(caller.user.username, "chief");
    let audit = store
        .audit(&AuditFilter {
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .expect("audit");
    let routes: Vec<&str> = audit.iter().map(|a| a.entry.route.as_str()).collect();
    assert_eq!(
        routes,
        [
            "gridlink tokens create",
            "gridlink users grant",
            "gridlink users add"
        ],
        "each change is in the audit trail, newest first"
    );
}

#[test]
fn without_a_grid_the_first_admin_is_granted_everything() {
    let deployment = Deployment::empty();
    assert_eq!(
        deployment.ok(&["users", "list"]).lines().count(),
        1,
        "only the header"
    );

    let added = deployment.add(&["admin", "--role", "admin"]);

    assert_eq!(added["grants"][0]["grid_code"], Value::Null);
    let list = deployment.ok(&["users", "list"]);
    assert!(
        listed(&list, "admin").ends_with("admin@everything"),
        "{list}"
    );
}

#[test]
fn a_password_under_ten_characters_is_refused_and_nothing_is_created() {
    let deployment = Deployment::empty();

    let output = deployment.run_with_input(
        &[
            "users",
            "add",
            "admin",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "short\n",
    );

    assert_refused(&output, &["at least 10 characters"]);
    assert_eq!(deployment.ok(&["users", "list"]).lines().count(), 1);
}

#[test]
fn an_unknown_role_is_refused_naming_the_roles_there_are() {
    let deployment = Deployment::empty();

    let output = deployment.run_with_input(
        &["users", "add", "boss", "--role", "boss", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );

    assert_refused(
        &output,
        &[
            "unknown role \"boss\"",
            "admin",
            "dispatcher",
            "grid_worker",
        ],
    );
}

#[test]
fn each_mistake_is_refused_with_a_message_naming_it() {
    let deployment = Deployment::with_town();
    deployment.add(&["admin", "--role", "admin"]);
    let piped = format!("{PASSWORD}\n");
    let cases: [(&[&str], &str, &[&str]); 8] = [
        (
            &[
                "users",
                "add",
                "admin",
                "--role",
                "admin",
                "--password-stdin",
            ],
            &piped,
            &["user admin already exists"],
        ),
        (
            &["users", "add", "x", "--role", "admin", "--password-stdin"],
            "",
            &["no password on standard input"],
        ),
        (
            &["users", "add", "x", "--role", "admin"],
            &piped,
            &["--password-stdin"],
        ),
        (
            &[
                "users",
                "add",
                "x",
                "--role",
                "admin",
                "--grid",
                "320282999",
                "--password-stdin",
            ],
            &piped,
            &["no grid has the code 320282999"],
        ),
        (
            &[
                "users",
                "add",
                "x",
                "--role",
                "grid_worker",
                "--worker",
                "4242",
                "--password-stdin",
            ],
            &piped,
            &["no grid worker has the id 4242"],
        ),
        (
            &[
                "users", "grant", "nobody", "--role", "leader", "--grid", TOWN,
            ],
            "",
            &["no account is named \"nobody\""],
        ),
        (
            &[
                "users", "grant", "admin", "--role", "leader", "--grid", "12345",
            ],
            "",
            &["grid code \"12345\""],
        ),
        (
            &["tokens", "create", "nobody"],
            "",
            &["no account is named \"nobody\""],
        ),
    ];
    for (args, stdin, expected) in cases {
        let output = deployment.run_with_input(args, stdin);
        assert_refused(&output, expected);
    }
    assert_eq!(
        deployment.ok(&["users", "list"]).lines().count(),
        2,
        "nothing was created but the admin"
    );
}

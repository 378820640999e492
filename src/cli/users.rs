//! The account commands: `users add`, `users grant`, `users list` and `tokens create`.
//!
//! They are how a deployment gets its first admin (the demo seeds its own accounts; a real
//! one starts with none) and how scripts get tokens. Each change is written to the audit
//! trail as the HTTP routes' are, with `CLI` as its method and the command as its route.
//! What scripts read goes to standard output (a user as one line of JSON, a token alone);
//! notes for people go to standard error.

use crate::accounts::{Accounts, NewAccount};
use crate::config::DatabaseConfig;
use crate::domain::{CodeError, GridCode, GridScope, User, WorkerId};
use crate::store::{self, NewAuditEntry, Store, StoreError};
use anyhow::{Context, anyhow, bail};
use chrono::{SecondsFormat, Utc};
use clap::Subcommand;
use serde_json::json;
use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;

/// The `users` commands.
#[derive(Debug, Subcommand)]
pub(super) enum UsersCommand {
    /// Create an account with one grant; prints it as one line of JSON.
    Add {
        /// What the account logs in with.
        username: String,
        /// The role granted (`gridlink` names the roles when it does not know one).
        #[arg(long)]
        role: String,
        /// The grid whose subtree the role covers; every grid of the deployment without it.
        #[arg(long, value_parser = grid_code)]
        grid: Option<GridCode>,
        /// The id of the grid worker this account is.
        #[arg(long)]
        worker: Option<WorkerId>,
        /// The person's name as shown; the username when not given.
        #[arg(long)]
        display_name: Option<String>,
        /// The town department the person works in, for the `department` role.
        #[arg(long)]
        department: Option<String>,
        /// Read the password from the first line of standard input (required, so that it
        /// never appears in the command line or the shell's history).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Give an account a role on a grid's subtree; prints the account as one line of JSON.
    Grant {
        /// The account.
        username: String,
        /// The role granted.
        #[arg(long)]
        role: String,
        /// The grid whose subtree the role covers.
        #[arg(long, value_parser = grid_code)]
        grid: GridCode,
    },
    /// List the accounts as a table: id, username, display name, worker, enabled, grants.
    List,
}

/// The `tokens` commands.
#[derive(Debug, Subcommand)]
pub(super) enum TokensCommand {
    /// Create an API token for an account: the token alone on standard output (shown this
    /// once), its expiry on standard error.
    Create {
        /// The account the token acts as.
        username: String,
        /// Days the token stays valid.
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
        days: u32,
        /// What the token is for, e.g. "video analytics".
        #[arg(long, default_value = "")]
        label: String,
    },
}

fn grid_code(text: &str) -> Result<GridCode, CodeError> {
    GridCode::parse(text)
}

/// The store and the accounts service over it.
struct Opened {
    store: Arc<dyn Store>,
    accounts: Accounts,
}

async fn open(database: &DatabaseConfig) -> anyhow::Result<Opened> {
    let store = store::connect(&database.database_url).await?;
    let accounts = Accounts::load(Arc::clone(&store)).await?;
    Ok(Opened { store, accounts })
}

/// Runs a `users` command; a refusal is said in one line on standard error, with exit
/// status 1.
pub(super) async fn users(database: &DatabaseConfig, command: UsersCommand) -> ExitCode {
    reported(run_users(database, command).await)
}

/// Runs a `tokens` command, as [`users`] does.
pub(super) async fn tokens(database: &DatabaseConfig, command: TokensCommand) -> ExitCode {
    reported(run_tokens(database, command).await)
}

/// The exit status of a command's `result`, its error (with its causes) said on standard
/// error: one line a script can log, not a backtrace.
fn reported(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run_users(database: &DatabaseConfig, command: UsersCommand) -> anyhow::Result<()> {
    match command {
        UsersCommand::Add {
            username,
            role,
            grid,
            worker,
            display_name,
            department,
            password_stdin: _,
        } => {
            let password = read_password(std::io::stdin().lock())?;
            let opened = open(database).await?;
            check_grid(opened.store.as_ref(), grid.as_ref()).await?;
            if let Some(worker) = worker {
                check_worker(opened.store.as_ref(), worker).await?;
            }
            let account = NewAccount {
                username,
                display_name: display_name.unwrap_or_default(),
                password,
                worker_id: worker,
                department,
                grants: vec![(role, grid)],
            };
            let user = opened.accounts.create_user(account, Utc::now()).await?;
            let after = serde_json::to_value(&user)?;
            audit(opened.store.as_ref(), "users add", "user", user.id, after).await;
            println!("{}", serde_json::to_string(&user)?);
        }
        UsersCommand::Grant {
            username,
            role,
            grid,
        } => {
            let opened = open(database).await?;
            let mut user = user_named(opened.store.as_ref(), &username).await?;
            check_grid(opened.store.as_ref(), Some(&grid)).await?;
            let grant = opened.accounts.grant(user.id, &role, Some(&grid)).await?;
            let note = json!({ "grant": grant });
            audit(opened.store.as_ref(), "users grant", "user", user.id, note).await;
            user.grants.push(grant);
            println!("{}", serde_json::to_string(&user)?);
        }
        UsersCommand::List => {
            let store = store::connect(&database.database_url).await?;
            let users = store.users().await?;
            print!("{}", users_table(&users));
            if users.is_empty() {
                eprintln!("no accounts yet: `gridlink users add` creates one");
            }
        }
    }
    Ok(())
}

async fn run_tokens(database: &DatabaseConfig, command: TokensCommand) -> anyhow::Result<()> {
    let TokensCommand::Create {
        username,
        days,
        label,
    } = command;
    let opened = open(database).await?;
    let user = user_named(opened.store.as_ref(), &username).await?;
    let (token, info) = opened
        .accounts
        .create_token(user.id, &label, days, Utc::now())
        .await?;
    audit(
        opened.store.as_ref(),
        "tokens create",
        "token",
        info.id,
        json!(info),
    )
    .await;
    println!("{token}");
    eprintln!(
        "token {} for {username} expires {} ({days} days)",
        info.id,
        info.expires_at.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    if !user.enabled {
        eprintln!("note: the account {username} is disabled; the token works once it is enabled");
    }
    Ok(())
}

/// The first line of `input`, without its line ending.
fn read_password(mut input: impl BufRead) -> anyhow::Result<String> {
    let mut line = String::new();
    input
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        bail!(
            "no password on standard input; pipe it in, e.g. \
             printf '%s\\n' \"$PASSWORD\" | gridlink users add NAME --role ROLE --password-stdin"
        );
    }
    Ok(password.to_owned())
}

/// The account named `username`.
async fn user_named(store: &dyn Store, username: &str) -> anyhow::Result<User> {
    store
        .credentials(username)
        .await?
        .map(|c| c.user)
        .ok_or_else(|| {
            anyhow!("no account is named {username:?} (`gridlink users list` shows them)")
        })
}

/// Refuses a grid code that no grid of the deployment has.
async fn check_grid(store: &dyn Store, code: Option<&GridCode>) -> anyhow::Result<()> {
    let Some(code) = code else {
        return Ok(());
    };
    match store.grid_by_code(&GridScope::All, code).await {
        Ok(_) => Ok(()),
        Err(StoreError::NotFound(_)) => bail!("no grid has the code {code} in this deployment"),
        Err(e) => Err(e.into()),
    }
}

/// Refuses a worker that does not exist or already has an account.
async fn check_worker(store: &dyn Store, worker: WorkerId) -> anyhow::Result<()> {
    match store.worker(&GridScope::All, worker).await {
        Ok(_) => {}
        Err(StoreError::NotFound(_)) => bail!("no grid worker has the id {worker}"),
        Err(e) => return Err(e.into()),
    }
    if let Some(holder) = store
        .users()
        .await?
        .into_iter()
        .find(|u| u.worker_id == Some(worker))
    {
        bail!(
            "grid worker {worker} already has the account {:?}",
            holder.username
        );
    }
    Ok(())
}

/// Appends a change made here to the audit trail. A failure is reported but does not fail
/// the command: the change itself is committed, and a script must not think otherwise.
async fn audit(
    store: &dyn Store,
    command: &str,
    object_type: &str,
    object_id: i64,
    after: serde_json::Value,
) {
    let entry = NewAuditEntry {
        at: Utc::now(),
        method: "CLI".into(),
        route: format!("gridlink {command}"),
        status: 201,
        action: command.rsplit(' ').next().unwrap_or(command).into(),
        object_type: Some(object_type.into()),
        object_id: Some(object_id.to_string()),
        after: Some(after),
        ..NewAuditEntry::default()
    };
    if let Err(e) = store.append_audit(&entry).await {
        eprintln!("warning: the change is made, but the audit trail did not record it: {e}");
    }
}

/// The accounts as an aligned table with a header line.
fn users_table(users: &[User]) -> String {
    let header = [
        "ID",
        "USERNAME",
        "DISPLAY NAME",
        "WORKER",
        "ENABLED",
        "GRANTS",
    ];
    let mut rows = vec![header.map(str::to_owned).to_vec()];
    for user in users {
        let grants: Vec<String> = user
            .grants
            .iter()
            .map(|g| {
                let on = g.grid_code.as_ref().map_or("everything", GridCode::as_str);
                format!("{}@{on}", g.role)
            })
            .collect();
        rows.push(vec![
            user.id.to_string(),
            user.username.clone(),
            user.display_name.clone(),
            user.worker_id.map_or_else(|| "-".into(), |w| w.to_string()),
            if user.enabled { "yes" } else { "no" }.into(),
            if grants.is_empty() {
                "-".into()
            } else {
                grants.join(",")
            },
        ]);
    }
    table(&rows)
}

/// Rows of cells as lines, each column as wide as its widest cell plus two spaces (the
/// last column unpadded).
fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| width(c))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(widths[i] - width(cell) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The terminal columns `text` takes: East Asian wide characters (the Chinese of display
/// names) take two.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let wide = matches!(
                u32::from(c),
                0x1100..=0x115F
                    | 0x2E80..=0x303E
                    | 0x3041..=0x33FF
                    | 0x3400..=0x4DBF
                    | 0x4E00..=0x9FFF
                    | 0xA000..=0xA4CF
                    | 0xAC00..=0xD7A3
                    | 0xF900..=0xFAFF
                    | 0xFE30..=0xFE4F
                    | 0xFF00..=0xFF60
                    | 0xFFE0..=0xFFE6
                    | 0x20000..=0x3FFFD
            );
            if wide { 2 } else { 1 }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Grant;

    #[test]
    fn the_password_is_the_first_line_without_its_line_ending() {
        let cases = [
            ("correct horse\n", "correct horse"),
            ("correct horse\r\nsecond line\n", "correct horse"),
            ("no newline at all", "no newline at all"),
            ("  spaces kept  \n", "  spaces kept  "),
        ];
        for (input, expected) in cases {
            let read = read_password(input.as_bytes()).expect(input);
            assert_eq!(read, expected, "from {input:?}");
        }
    }

    #[test]
    fn an_empty_standard_input_is_no_password() {
        for input in ["", "\n", "\r\n"] {
            let err = read_password(input.as_bytes()).expect_err(input);
            assert!(err.to_string().contains("no password"), "{err}");
        }
    }

    #[test]
    fn the_table_aligns_chinese_names_by_their_width_on_screen() {
        let user = |id, username: &str, name: &str, grants: Vec<Grant>| User {
            id,
            username: username.into(),
            display_name: name.into(),
            worker_id: None,
            department: None,
            enabled: true,
            grants,
        };
        let grant = |role: &str, code: Option<&str>| Grant {
            id: 1,
            role: role.into(),
            grid_code: code.map(|c| GridCode::parse(c).expect("code")),
        };
        let users = [
            user(1, "admin", "系统管理员", vec![grant("admin", None)]),
            user(
                12,
                "chief",
                "Li",
                vec![
                    grant("grid_chief", Some("320282102201")),
                    grant("leader", Some("320282102")),
                ],
            ),
            user(13, "nobody", "Nobody", vec![]),
        ];

        let text = users_table(&users);

        let expected = "\
ID  USERNAME  DISPLAY NAME  WORKER  ENABLED  GRANTS
1   admin     系统管理员    -       yes      admin@everything
12  chief     Li            -       yes      grid_chief@320282102201,leader@320282102
13  nobody    Nobody        -       yes      -
";
        assert_eq!(text, expected);
    }
}

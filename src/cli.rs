//! The command line: `serve`, `import`, `demo`, `check`, and the account commands `users`
//! and `tokens` (in `cli/users.rs`).

mod users;

use crate::app::{Application, StartError};
use crate::config::{DatabaseConfig, ServeConfig};
use crate::domain::GridScope;
use crate::domain::LevelNo;
use crate::import::{self, GridProperties, ImportError};
use crate::spatial::topology;
use crate::store::{self, GridFilter};
use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;

/// gridlink: grids, cameras and grid workers of a town, and which grid contains a point.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP service (seeding an empty database with the demo town).
    Serve(ServeConfig),
    /// Load a GeoJSON file into the database: all of it, or nothing if any feature is bad.
    Import {
        #[command(flatten)]
        database: DatabaseConfig,
        #[command(subcommand)]
        what: ImportKind,
    },
    /// Write the demo town's GeoJSON files (deterministic: the same bytes every time).
    Demo {
        /// Directory to write to.
        #[arg(long, default_value = "geodata/taihua")]
        out: PathBuf,
    },
    /// Report gaps, overlaps, grids outside their parent and invalid geometry; exits 1 if any.
    Check {
        #[command(flatten)]
        database: DatabaseConfig,
        /// Areas up to this many square metres are rounding noise, not findings.
        #[arg(long, default_value_t = 1.0)]
        tolerance_m2: f64,
    },
    /// Accounts: add one (the first admin of a deployment too), grant it roles, list them.
    Users {
        #[command(flatten)]
        database: DatabaseConfig,
        #[command(subcommand)]
        what: users::UsersCommand,
    },
    /// API tokens, for scripts and other systems (video analytics, say).
    Tokens {
        #[command(flatten)]
        database: DatabaseConfig,
        #[command(subcommand)]
        what: users::TokensCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ImportKind {
    /// Levels, from a JSON array of {"level","name_zh","name_en"}.
    Levels { file: PathBuf },
    /// Polygons or multipolygons as the grids of one level.
    Grids {
        /// The level the features belong to.
        #[arg(long)]
        level: LevelNo,
        /// Property holding the grid code.
        #[arg(long, default_value = "code")]
        code_property: String,
        /// Property holding the grid name.
        #[arg(long, default_value = "name")]
        name_property: String,
        /// Property holding the parent grid's code.
        #[arg(long, default_value = "parent_code")]
        parent_property: String,
        /// Property holding the number of households.
        #[arg(long, default_value = "households")]
        households_property: String,
        /// Property holding the number of residents.
        #[arg(long, default_value = "residents")]
        residents_property: String,
        file: PathBuf,
    },
    /// Cameras: a GeoJSON file of points (properties code, name, kind, stream_url, status,
    /// heading_deg, fov_deg), or, when the file name ends in `.csv`, CSV with the header
    /// code,name,lon,lat,kind,stream_url,status,heading_deg,fov_deg.
    Cameras { file: PathBuf },
    /// Grid workers (properties name, role, department, phone, grid_codes, on_duty, position_at).
    Workers { file: PathBuf },
}

impl Cli {
    /// Runs the chosen command.
    pub async fn run(self) -> anyhow::Result<ExitCode> {
        match self.command {
            Command::Serve(config) => serve(&config).await,
            Command::Import { database, what } => import_file(&database, what).await,
            Command::Demo { out } => {
                crate::demo::write(&out).with_context(|| format!("writing {}", out.display()))?;
                println!("wrote the demo town to {}", out.display());
                Ok(ExitCode::SUCCESS)
            }
            Command::Check {
                database,
                tolerance_m2,
            } => check(&database, tolerance_m2).await,
            Command::Users { database, what } => Ok(users::users(&database, what).await),
            Command::Tokens { database, what } => Ok(users::tokens(&database, what).await),
        }
    }
}

async fn serve(config: &ServeConfig) -> anyhow::Result<ExitCode> {
    let app = Application::build(config).await.map_err(|e| match e {
        StartError::Seed(ImportError::Features(problems)) => {
            anyhow::anyhow!("the seed dataset has bad features: {problems:?}")
        }
        other => other.into(),
    })?;
    tracing::info!(addr = %app.local_addr()?, "gridlink listening");
    app.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}

async fn import_file(database: &DatabaseConfig, what: ImportKind) -> anyhow::Result<ExitCode> {
    let store = store::connect(&database.database_url).await?;
    let read = |file: &PathBuf| {
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))
    };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} features checked")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let result = match what {
        ImportKind::Levels { file } => import::import_levels(store.as_ref(), &read(&file)?)
            .await
            .map(|l| format!("{} levels", l.len())),
        ImportKind::Grids {
            level,
            code_property,
            name_property,
            parent_property,
            households_property,
            residents_property,
            file,
        } => {
            let properties = GridProperties {
                code: code_property,
                name: name_property,
                parent: parent_property,
                households: households_property,
                residents: residents_property,
            };
            let text = read(&file)?;
            import::import_grids(store.as_ref(), &text, level, &properties, &progress)
                .await
                .map(|g| format!("{} grids at level {level}", g.len()))
        }
        ImportKind::Cameras { file } => {
            let text = read(&file)?;
            let csv = file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let imported = if csv {
                import::import_cameras_csv(store.as_ref(), &text, &progress).await
            } else {
                import::import_cameras(store.as_ref(), &text, &progress).await
            };
            imported.map(|c| format!("{} cameras", c.len()))
        }
        ImportKind::Workers { file } => {
            import::import_workers(store.as_ref(), &read(&file)?, &progress)
                .await
                .map(|w| format!("{} workers", w.len()))
        }
    };
    bar.finish_and_clear();
    match result {
        Ok(summary) => {
            println!("imported {summary}");
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Features(problems)) => {
            eprintln!(
                "rejected: {} bad feature(s); nothing was imported",
                problems.len()
            );
            for p in problems {
                let at = p
                    .location
                    .map(|[x, y]| format!(" at {x},{y}"))
                    .unwrap_or_default();
                let file = p.file.map(|f| format!("{f}, ")).unwrap_or_default();
                eprintln!("  {file}feature {}: {}{at}", p.feature, p.reason);
            }
            Ok(ExitCode::FAILURE)
        }
        Err(other) => Err(other.into()),
    }
}

async fn check(database: &DatabaseConfig, tolerance_m2: f64) -> anyhow::Result<ExitCode> {
    let store = store::connect(&database.database_url).await?;
    let grids = store.grids(&GridScope::All, GridFilter::default()).await?;
    let findings = topology::check(&grids, tolerance_m2);
    for finding in &findings {
        println!("{finding}");
    }
    println!(
        "{} grids checked, {} finding(s)",
        grids.len(),
        findings.len()
    );
    Ok(if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

//! The report as CSV for spreadsheets: one row per grid and breakdown cell.
//!
//! RFC 4180: CRLF line ends, a field holding a comma, quote, CR or LF is quoted with its
//! quotes doubled. The text starts with a UTF-8 byte-order mark because Excel on a
//! Chinese Windows opens a CSV without one in the system code page (GBK) and garbles every
//! grid name; with the mark it reads UTF-8. LibreOffice and most CSV readers skip the mark
//! (Python: `encoding="utf-8-sig"`).
//!
//! Names are typed by people, so a name starting with `=`, `+`, `-`, `@`, tab or CR gets a
//! leading `'`: otherwise a spreadsheet would run it as a formula (CSV injection).
//!
//! Empty cells stand for `None` (nothing received, closed or rated). Shares and the mean
//! rating have 4 decimals, hours 2; the JSON has full precision.

use super::{Figures, GridStats, StatsReport};

/// The column names, in order.
const HEADER: &[&str] = &[
    "grid_id",
    "grid_code",
    "grid_name",
    "level",
    "parent_id",
    "breakdown",
    "key",
    "received",
    "closed",
    "rejected",
    "closure_rate",
    "open_blue",
    "open_yellow",
    "open_red",
    "overdue",
    "closed_late",
    "median_hours_to_close",
    "p90_hours_to_close",
    "rated",
    "satisfaction_mean",
    "satisfied_share",
];

impl StatsReport {
    /// The report as CSV (see the `csv` module documentation): a header, then for each grid
    /// a `total` row followed by its `category` rows and its `period` rows.
    #[must_use]
    pub fn to_csv(&self) -> String {
        let mut out = String::from("\u{FEFF}");
        out.push_str(&HEADER.join(","));
        out.push_str("\r\n");
        for grid in &self.grids {
            write_row(&mut out, grid, "total", "", &grid.figures);
            for cell in &grid.by_category {
                write_row(&mut out, grid, "category", &cell.category, &cell.figures);
            }
            for cell in &grid.by_period {
                write_row(&mut out, grid, "period", &cell.period, &cell.figures);
            }
        }
        out
    }
}

fn write_row(out: &mut String, grid: &GridStats, breakdown: &str, key: &str, f: &Figures) {
    let opt = |value: Option<f64>, decimals: usize| {
        value.map_or_else(String::new, |v| format!("{v:.decimals$}"))
    };
    let fields = [
        grid.id.to_string(),
        grid.code.to_string(),
        text(&grid.name),
        grid.level.to_string(),
        grid.parent_id.map_or_else(String::new, |id| id.to_string()),
        breakdown.to_owned(),
        text(key),
        f.received.to_string(),
        f.closed.to_string(),
        f.rejected.to_string(),
        opt(f.closure_rate, 4),
        f.open.blue.to_string(),
        f.open.yellow.to_string(),
        f.open.red.to_string(),
        f.overdue.to_string(),
        f.closed_late.to_string(),
        opt(f.time_to_close.median_hours, 2),
        opt(f.time_to_close.p90_hours, 2),
        f.satisfaction.rated.to_string(),
        opt(f.satisfaction.mean, 4),
        opt(f.satisfaction.satisfied_share, 4),
    ];
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(field);
    }
    out.push_str("\r\n");
}

/// A text field, defused against formulas and quoted when RFC 4180 requires.
fn text(value: &str) -> String {
    let mut field = String::with_capacity(value.len() + 3);
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        field.push('\'');
    }
    field.push_str(value);
    if field.contains([',', '"', '\r', '\n']) {
        return format!("\"{}\"", field.replace('"', "\"\""));
    }
    field
}

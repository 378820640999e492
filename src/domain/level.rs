//! Grid levels are data: each place decides how many it has and what they are called.

use serde::{Deserialize, Serialize};

/// A level's number: 1 is the top (the town in Taihua), larger numbers are finer.
pub type LevelNo = i32;

/// One level of the grid hierarchy, named in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    /// 1 for the top level, each level below one more.
    pub level: LevelNo,
    /// Chinese name, e.g. `微网格`.
    pub name_zh: String,
    /// English name, e.g. `micro-grid`.
    pub name_en: String,
}

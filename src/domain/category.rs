//! Incident categories: the fifteen duty classes (职责类别) and their sub-categories, kept as
//! data (`geodata/categories.json`) so a town can change them without a code change.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How long an incident of a sub-category may stay open, on the business calendar.
///
/// In JSON: `{"working_hours": N}` or `{"working_days": N}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TimeLimit {
    /// Working hours.
    WorkingHours(u32),
    /// Working days.
    WorkingDays(u32),
}

impl TimeLimit {
    /// The number of hours or days.
    #[must_use]
    pub fn amount(self) -> u32 {
        match self {
            Self::WorkingHours(n) | Self::WorkingDays(n) => n,
        }
    }
}

/// A kind of incident within a duty class, with its time limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubCategory {
    /// Stable code, unique among all sub-categories of all classes (e.g. `market_food_safety`).
    pub code: String,
    /// Chinese name.
    pub zh: String,
    /// English name.
    pub en: String,
    /// Time limit to close.
    pub time_limit: TimeLimit,
}

/// A duty class (e.g. 市场监管 market supervision).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable code (e.g. `market_supervision`).
    pub code: String,
    /// Chinese name.
    pub zh: String,
    /// English name.
    pub en: String,
    /// The town department that handles this class, if one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Its sub-categories, at least one.
    pub sub_categories: Vec<SubCategory>,
}

/// Why a category list was refused.
#[derive(Debug, thiserror::Error)]
pub enum CategoryError {
    /// Not JSON of the expected shape.
    #[error("categories are not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    /// A code that is empty or not lowercase ASCII letters, digits and underscores.
    #[error("category code {0:?} must be lowercase letters, digits and underscores")]
    BadCode(String),
    /// A code used twice (class and sub-category codes share one name space).
    #[error("category code {0:?} is used more than once")]
    DuplicateCode(String),
    /// A name that is empty or only whitespace.
    #[error("category {code:?} has an empty {field} name")]
    EmptyName {
        /// The category or sub-category code.
        code: String,
        /// `zh` or `en`.
        field: &'static str,
    },
    /// A department given as an empty string.
    #[error("category {0:?} has an empty department; leave it out instead")]
    EmptyDepartment(String),
    /// A class without sub-categories.
    #[error("category {0:?} has no sub-categories")]
    NoSubCategories(String),
    /// A time limit of zero.
    #[error("sub-category {0:?} has a time limit of zero")]
    ZeroTimeLimit(String),
}

/// Parses and checks a category list: codes well formed and unique across classes and
/// sub-categories, names non-empty, every class with a sub-category, every limit positive.
pub fn parse_categories(json: &str) -> Result<Vec<Category>, CategoryError> {
    let categories: Vec<Category> = serde_json::from_str(json)?;
    let mut seen = HashSet::new();
    let mut check = |code: &str, zh: &str, en: &str| -> Result<(), CategoryError> {
        let well_formed = !code.is_empty()
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !well_formed {
            return Err(CategoryError::BadCode(code.to_owned()));
        }
        if !seen.insert(code.to_owned()) {
            return Err(CategoryError::DuplicateCode(code.to_owned()));
        }
        for (field, name) in [("zh", zh), ("en", en)] {
            if name.trim().is_empty() {
                return Err(CategoryError::EmptyName {
                    code: code.to_owned(),
                    field,
                });
            }
        }
        Ok(())
    };
    for category in &categories {
        check(&category.code, &category.zh, &category.en)?;
        if category
            .department
            .as_deref()
            .is_some_and(|d| d.trim().is_empty())
        {
            return Err(CategoryError::EmptyDepartment(category.code.clone()));
        }
        if category.sub_categories.is_empty() {
            return Err(CategoryError::NoSubCategories(category.code.clone()));
        }
        for sub in &category.sub_categories {
            check(&sub.code, &sub.zh, &sub.en)?;
            if sub.time_limit.amount() == 0 {
                return Err(CategoryError::ZeroTimeLimit(sub.code.clone()));
            }
        }
    }
    Ok(categories)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMITTED: &str = include_str!("../../geodata/categories.json");

    fn one(sub: &str) -> String {
        format!(
            r#"[{{"code":"disputes","zh":"矛盾纠纷","en":"Disputes","sub_categories":[{sub}]}}]"#
        )
    }

    const NEIGHBOURS: &str = r#"{"code":"dispute_neighbours","zh":"邻里纠纷","en":"Neighbour dispute","time_limit":{"working_days":3}}"#;

    #[test]
    fn the_committed_file_parses_with_the_fifteen_duty_classes() {
        let categories = parse_categories(COMMITTED).expect("committed categories parse");
        let codes: Vec<&str> = categories.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "public_order",
                "urban_management",
                "traffic",
                "market_supervision",
                "planning_construction",
                "residential_estates",
                "fire_safety",
                "environmental_protection",
                "water",
                "labour",
                "culture_publishing",
                "education",
                "work_safety",
                "organisations_venues",
                "disputes",
            ]
        );
        for c in &categories {
            let n = c.sub_categories.len();
            assert!((2..=4).contains(&n), "{} has {n} sub-categories", c.code);
        }
    }

    #[test]
    fn the_committed_departments_are_demo_town_departments() {
        let categories = parse_categories(COMMITTED).expect("committed categories parse");
        for c in &categories {
            if let Some(d) = &c.department {
                assert!(
                    crate::demo::DEPARTMENTS.contains(&d.as_str()),
                    "{} names unknown department {d}",
                    c.code
                );
            }
        }
    }

    #[test]
    fn time_limits_are_written_as_working_hours_or_working_days() {
        let hours: TimeLimit = serde_json::from_str(r#"{"working_hours":4}"#).expect("hours");
        let days: TimeLimit = serde_json::from_str(r#"{"working_days":2}"#).expect("days");
        assert_eq!(hours, TimeLimit::WorkingHours(4));
        assert_eq!(days, TimeLimit::WorkingDays(2));
        assert_eq!(
            serde_json::to_string(&days).expect("serialise"),
            r#"{"working_days":2}"#
        );
        assert!(serde_json::from_str::<TimeLimit>(r#"{"weeks":1}"#).is_err());
    }

    #[test]
    fn a_valid_minimal_list_parses() {
        let categories = parse_categories(&one(NEIGHBOURS)).expect("parses");
        assert_eq!(
            categories[0].sub_categories[0].time_limit,
            TimeLimit::WorkingDays(3)
        );
        assert_eq!(categories[0].department, None);
    }

    #[test]
    fn a_duplicate_sub_category_code_is_refused() {
        let err = parse_categories(&one(&format!("{NEIGHBOURS},{NEIGHBOURS}"))).unwrap_err();
        assert!(
            matches!(&err, CategoryError::DuplicateCode(c) if c == "dispute_neighbours"),
            "{err}"
        );
    }

    #[test]
    fn a_sub_category_sharing_its_class_code_is_refused() {
        let sub = NEIGHBOURS.replace("dispute_neighbours", "disputes");
        let err = parse_categories(&one(&sub)).unwrap_err();
        assert!(matches!(err, CategoryError::DuplicateCode(_)), "{err}");
    }

    #[test]
    fn a_duplicate_class_code_is_refused() {
        let list = one(NEIGHBOURS);
        let class = &list[1..list.len() - 1];
        let other = class.replace("dispute_neighbours", "dispute_family");
        let err = parse_categories(&format!("[{class},{other}]")).unwrap_err();
        assert!(
            matches!(&err, CategoryError::DuplicateCode(c) if c == "disputes"),
            "{err}"
        );
    }

    #[test]
    fn a_zero_time_limit_is_refused() {
        let sub = NEIGHBOURS.replace(r#""working_days":3"#, r#""working_hours":0"#);
        let err = parse_categories(&one(&sub)).unwrap_err();
        assert!(matches!(err, CategoryError::ZeroTimeLimit(_)), "{err}");
    }

    #[test]
    fn a_negative_time_limit_is_refused() {
        let sub = NEIGHBOURS.replace(r#""working_days":3"#, r#""working_days":-1"#);
        assert!(matches!(
            parse_categories(&one(&sub)),
            Err(CategoryError::Json(_))
        ));
    }

    #[test]
    fn an_empty_name_is_refused() {
        let sub = NEIGHBOURS.replace("Neighbour dispute", " ");
        let err = parse_categories(&one(&sub)).unwrap_err();
        assert!(
            matches!(err, CategoryError::EmptyName { field: "en", .. }),
            "{err}"
        );
    }

    #[test]
    fn a_class_without_sub_categories_is_refused() {
        let err = parse_categories(&one("")).unwrap_err();
        assert!(matches!(err, CategoryError::NoSubCategories(_)), "{err}");
    }

    #[test]
    fn a_malformed_code_is_refused() {
        let sub = NEIGHBOURS.replace("dispute_neighbours", "Dispute Neighbours");
        let err = parse_categories(&one(&sub)).unwrap_err();
        assert!(matches!(err, CategoryError::BadCode(_)), "{err}");
    }
}

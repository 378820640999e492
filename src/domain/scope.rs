//! Grid scopes: the part of the hierarchy a person works in.
//!
//! A grid's code is its parent's code plus three digits, so a grid and everything below
//! it are exactly the codes that start with its code. A scope is therefore a set of code
//! prefixes, and [`GridScope::includes`] (in memory) and the store's SQL filter (the same
//! prefix test, `substr(code, 1, length(prefix)) = prefix`) are the one way a scope is
//! tested.

use super::GridCode;
use serde::Serialize;

/// Which grids a request, a service call or a store query may reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GridScope {
    /// Every grid, and whatever lies in no grid at all (a point outside the town, a worker
    /// assigned nowhere).
    All,
    /// These grids and everything below them; never a code below another one of the list,
    /// and possibly empty (nothing at all).
    Within(Vec<GridCode>),
}

impl GridScope {
    /// The subtrees of `roots`, each given once: a code below another one of the list
    /// adds nothing, so it is dropped.
    #[must_use]
    pub fn within(roots: impl IntoIterator<Item = GridCode>) -> Self {
        let mut roots: Vec<GridCode> = roots.into_iter().collect();
        // Sorted, a code's ancestors come before it, so one pass keeps only the tops.
        roots.sort();
        roots.dedup();
        let mut tops: Vec<GridCode> = Vec::with_capacity(roots.len());
        for code in roots {
            if !tops.iter().any(|top| is_prefix(top, code.as_str())) {
                tops.push(code);
            }
        }
        Self::Within(tops)
    }

    /// Whether the grid with `code` is in scope: it is one of the roots or below one.
    #[must_use]
    pub fn includes(&self, code: impl AsRef<str>) -> bool {
        match self {
            Self::All => true,
            Self::Within(roots) => roots.iter().any(|root| is_prefix(root, code.as_ref())),
        }
    }

    /// Whether something that lies in any of the grids `codes` is in scope: a point in the
    /// grids of its chain, a worker in the grids they answer for. What lies in no grid at
    /// all (no codes) is seen only by the scope of everything.
    #[must_use]
    pub fn includes_any<I>(&self, codes: I) -> bool
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        match self {
            Self::All => true,
            Self::Within(_) => codes.into_iter().any(|code| self.includes(code)),
        }
    }

    /// The scope of nothing at all: what a permission reaches that no grant gives.
    #[must_use]
    pub fn nothing() -> Self {
        Self::Within(Vec::new())
    }

    /// Whether this scope reaches nothing at all.
    #[must_use]
    pub fn is_nothing(&self) -> bool {
        matches!(self, Self::Within(roots) if roots.is_empty())
    }

    /// Whether this is the scope of everything.
    #[must_use]
    pub fn is_all(&self) -> bool {
        matches!(self, Self::All)
    }

    /// The code prefixes a store filters by, or `None` for everything.
    #[must_use]
    pub fn prefixes(&self) -> Option<&[GridCode]> {
        match self {
            Self::All => None,
            Self::Within(roots) => Some(roots),
        }
    }
}

/// Whether `code` is `root` or below it.
fn is_prefix(root: &GridCode, code: &str) -> bool {
    code.starts_with(root.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> GridCode {
        GridCode::parse(text).expect("a valid code")
    }

    #[test]
    fn a_scope_includes_its_roots_and_everything_below_them() {
        let village = GridScope::within([code("320282102201")]);
        let cases = [
            ("320282102201", true, "the root itself"),
            ("320282102201003", true, "a comprehensive grid below it"),
            ("320282102201003007", true, "a micro-grid two levels below"),
            ("320282102", false, "the town above it"),
            ("320282102202", false, "a sibling village"),
            ("320282102202001", false, "a grid of the sibling village"),
        ];
        for (text, expected, why) in cases {
            assert_eq!(village.includes(code(text)), expected, "{why}: {text}");
        }
    }

    #[test]
    fn everything_includes_every_grid_and_what_lies_in_none() {
        assert!(GridScope::All.includes(code("320282102")));
        assert!(GridScope::All.includes_any(None::<&str>));
    }

    #[test]
    fn what_lies_in_no_grid_is_outside_every_narrower_scope() {
        let town = GridScope::within([code("320282102")]);
        assert!(!town.includes_any(None::<&str>));
        assert!(town.includes_any(Some("320282102201")));
    }

    #[test]
    fn an_empty_scope_includes_nothing() {
        let nothing = GridScope::within([]);
        assert!(!nothing.includes(code("320282102")));
        assert_eq!(nothing.prefixes(), Some(&[][..]));
    }

    #[test]
    fn a_root_below_another_root_is_dropped() {
        let scope = GridScope::within([
            code("320282102201003"),
            code("320282102202"),
            code("320282102201"),
            code("320282102202"),
        ]);
        assert_eq!(
            scope,
            GridScope::Within(vec![code("320282102201"), code("320282102202")])
        );
    }

    #[test]
    fn a_worker_is_in_scope_when_any_of_their_grids_is() {
        let scope = GridScope::within([code("320282102201")]);
        let grids = [code("320282102202001"), code("320282102201004")];
        assert!(scope.includes_any(&grids));
        assert!(!scope.includes_any(&grids[..1]));
    }
}

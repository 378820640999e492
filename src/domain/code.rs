//! Hierarchical grid codes.
//!
//! A code is the parent's code plus a three-digit sequence: Taihua town is `320282102`
//! (Yixing's six-digit division code and a town segment), its villages add three digits
//! (12), comprehensive grids three more (15, the unit-grid layout of Beijing's DB11
//! standard) and micro-grids three more (18).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Digits in the shortest code: a six-digit county division code plus a town segment.
pub const ROOT_CODE_LEN: usize = 9;
/// Digits each level below the root adds.
pub const SEGMENT_LEN: usize = 3;

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not made only of ASCII digits, or of the wrong length.
    #[error("grid code {0:?} must be 9 digits plus a multiple of 3 more (9, 12, 15, 18, ...)")]
    Format(String),
    /// Does not extend the parent's code by one segment.
    #[error("grid code {code} must be its parent's code {parent} followed by 3 digits")]
    NotChildOf {
        /// The child's code.
        code: String,
        /// The parent's code.
        parent: String,
    },
}

/// A grid code: ASCII digits, 9 long plus a whole number of 3-digit segments.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
// A newtype serializes as its string; reading one back checks it like `parse`.
#[serde(try_from = "String")]
pub struct GridCode(String);

impl TryFrom<String> for GridCode {
    type Error = CodeError;

    fn try_from(s: String) -> Result<Self, CodeError> {
        Self::parse(&s)
    }
}

impl GridCode {
    /// Checks the digits and the length.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let well_formed = s.len() >= ROOT_CODE_LEN
            && (s.len() - ROOT_CODE_LEN) % SEGMENT_LEN == 0
            && s.bytes().all(|b| b.is_ascii_digit());
        if well_formed {
            Ok(Self(s.to_owned()))
        } else {
            Err(CodeError::Format(s.to_owned()))
        }
    }

    /// The code as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How many segments below the root this code has: 0 for a town, 1 for a village.
    #[must_use]
    pub fn depth(&self) -> usize {
        (self.0.len() - ROOT_CODE_LEN) / SEGMENT_LEN
    }

    /// The code of the parent, or `None` for a root code.
    #[must_use]
    pub fn parent(&self) -> Option<GridCode> {
        (self.depth() > 0).then(|| Self(self.0[..self.0.len() - SEGMENT_LEN].to_owned()))
    }

    /// The codes of the top grid down to this one, as prefixes of this code.
    pub fn prefixes(&self) -> impl Iterator<Item = &str> {
        (0..=self.depth()).map(|d| &self.0[..ROOT_CODE_LEN + d * SEGMENT_LEN])
    }

    /// Checks that this code is `parent`'s code followed by exactly one segment.
    pub fn check_child_of(&self, parent: &GridCode) -> Result<(), CodeError> {
        if self.parent().as_ref() == Some(parent) {
            Ok(())
        } else {
            Err(CodeError::NotChildOf {
                code: self.0.clone(),
                parent: parent.0.clone(),
            })
        }
    }

    /// The child code with the given 1-based sequence number (`1..=999`).
    #[must_use]
    pub fn child(&self, sequence: u16) -> Option<GridCode> {
        (1..=999)
            .contains(&sequence)
            .then(|| Self(format!("{}{sequence:03}", self.0)))
    }
}

impl AsRef<str> for GridCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GridCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_nine_digits_plus_whole_segments() {
        for ok in [
            "320282102",
            "320282102203",
            "320282102203001",
            "320282102203001004",
        ] {
            assert!(GridCode::parse(ok).is_ok(), "{ok} should parse");
        }
        for bad in [
            "",
            "32028210",
            "3202821022",
            "32028210220a",
            "３２０２８２１０２",
        ] {
            assert!(GridCode::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn a_child_code_extends_its_parent_by_one_segment() {
        let town = GridCode::parse("320282102").unwrap();
        let village = town.child(203).unwrap();
        assert_eq!(village.as_str(), "320282102203");
        assert_eq!(village.parent(), Some(town.clone()));
        assert!(village.check_child_of(&town).is_ok());
        let grandchild = village.child(1).unwrap();
        assert!(grandchild.check_child_of(&town).is_err());
        assert_eq!(town.parent(), None);
        assert_eq!(town.child(0), None);
    }
}

//! Secrets the client holds (session ids, API tokens) and passwords: how they are made,
//! and the only forms the store ever sees (a SHA-256 hash, an argon2id PHC string).

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// A new random secret: 32 bytes from the OS, as 64 hex digits after `prefix`.
#[must_use]
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let mut text = String::with_capacity(prefix.len() + 64);
    text.push_str(prefix);
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    text
}

/// The SHA-256 of a secret: what the credential cache is keyed by. A secret has 256
/// random bits, so a fast hash is enough (unlike a password).
pub(crate) fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// What the store keeps of a secret: its SHA-256, in hex.
pub(crate) fn hash_secret(secret: &str) -> String {
    hex(&digest(secret))
}

/// `bytes` as lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    text
}

/// The argon2id hash of a password, as a PHC string. Slow on purpose: call it on the
/// blocking pool.
pub(crate) fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_or_else(|_| String::new(), |hash| hash.to_string())
}

/// Whether `password` matches the PHC string `hash`; a malformed hash matches nothing.
pub(crate) fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_hash_and_nothing_else() {
        let hash = hash_password("correct horse battery");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("anything", "not a phc string"));
    }

    #[test]
    fn secrets_are_fresh_and_hash_to_hex() {
        let (a, b) = (new_secret("glt_"), new_secret("glt_"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 68);
        assert_eq!(hash_secret(&a).len(), 64);
        assert_eq!(hash_secret(&a), hash_secret(&a));
        assert_ne!(hash_secret(&a), hash_secret(&b));
    }
}

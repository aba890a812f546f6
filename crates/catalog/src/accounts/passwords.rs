//! Passwords and signing in. Hashes are argon2id, computed off the async workers on a bounded
//! number of blocking threads (a sign-in flood must not stall other requests, nor spawn a
//! thread per attempt). Failed sign-ins are counted per account and per client address: after
//! `max_failures` within `window`, that account or address waits `lockout` (429). An unknown
//! e-mail is checked against a dummy hash, so the answer takes as long as for a real account.

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

use super::IssuedToken;
use crate::Catalog;
use crate::error::{Error, Message, Result};

/// Bounds on signing in and on the tokens it issues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInLimits {
    /// Shortest password accepted (characters).
    pub min_password_chars: usize,
    /// Failed sign-ins of one account, or from one address, before it must wait.
    pub max_failures: u32,
    /// How long failures are remembered.
    pub window: Duration,
    /// How long a locked account or address waits.
    pub lockout: Duration,
    /// Longest lifetime a client may ask for a token (days).
    pub max_token_days: u32,
    /// Password hashes computed at once.
    pub hashing_threads: usize,
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self {
            min_password_chars: 10,
            max_failures: 5,
            window: Duration::from_secs(15 * 60),
            lockout: Duration::from_secs(15 * 60),
            max_token_days: 365,
            hashing_threads: 2,
        }
    }
}

/// Longest password accepted (characters): argon2 hashes anything, but a megabyte is no
/// password.
const MAX_PASSWORD_CHARS: usize = 1024;

/// Failures of one account or address.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    first: Instant,
    locked_until: Option<Instant>,
}

/// What the catalog keeps for signing in, shared by all clones.
#[derive(Debug)]
pub(crate) struct Guard {
    /// Failures by `account:<email>` and `address:<ip>`; bounded, so spraying addresses
    /// cannot grow it without limit.
    failures: moka::sync::Cache<String, Failures>,
    /// Blocking threads hashing at once.
    hashing: Arc<tokio::sync::Semaphore>,
}

impl Guard {
    pub(crate) fn new(limits: &SignInLimits) -> Self {
        Self {
            failures: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_idle(limits.window.max(limits.lockout))
                .build(),
            hashing: Arc::new(tokio::sync::Semaphore::new(limits.hashing_threads.max(1))),
        }
    }
}

/// Checks a new password against the policy: long enough, not too long, not only spaces.
pub fn check_password(password: &str, limits: &SignInLimits) -> Result<()> {
    let chars = password.chars().count();
    let min = limits.min_password_chars;
    if chars < min {
        return Err(Error::invalid(
            "password",
            format!("Kata sandi minimal {min} karakter"),
            format!("The password needs at least {min} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(Error::invalid(
            "password",
            format!("Kata sandi paling banyak {MAX_PASSWORD_CHARS} karakter"),
            format!("The password has at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    if password.trim().chars().count() < min {
        return Err(Error::invalid(
            "password",
            "Kata sandi tidak boleh berupa spasi saja atau diapit banyak spasi",
            "The password cannot be mostly spaces",
        ));
    }
    Ok(())
}

/// A hash of a password nobody has, to check unknown accounts against.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"satudata: no such account", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

impl Catalog {
    /// Hashes a new password (policy first) on a blocking thread.
    pub(crate) async fn hash_password(&self, password: &str) -> Result<String> {
        check_password(password, &self.settings().sign_in)?;
        let password = password.to_owned();
        self.hashing(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| Error::Internal {
                    context: "hashing a password",
                    source: Box::new(e),
                })
        })
        .await
    }

    /// Runs argon2 work on a blocking thread, at most `hashing_threads` at once.
    async fn hashing<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let slots = Arc::clone(&self.sign_in_guard.hashing);
        let slot = slots.acquire_owned().await.map_err(|e| Error::Internal {
            context: "waiting to hash a password",
            source: Box::new(e),
        })?;
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            work()
        })
        .await?
    }

    /// Exchanges e-mail and password for a token that lives `expires_in_days` (30 when not
    /// asked, at most `max_token_days`). `client` is the caller's address, when known.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        expires_in_days: Option<u32>,
        client: Option<IpAddr>,
    ) -> Result<IssuedToken> {
        let limits = self.settings().sign_in.clone();
        let days = expires_in_days.unwrap_or(30);
        if days == 0 || days > limits.max_token_days {
            return Err(Error::invalid(
                "expires_in_days",
                format!("Masa berlaku token 1 sampai {} hari", limits.max_token_days),
                format!("A token lives 1 to {} days", limits.max_token_days),
            ));
        }
        let keys: Vec<String> = std::iter::once(format!("account:{}", email.trim().to_lowercase()))
            .chain(client.map(|ip| format!("address:{ip}")))
            .collect();
        for key in &keys {
            self.refuse_if_locked(key)?;
        }
        let account = self.account_by_email(email).await.ok();
        let stored = account
            .as_ref()
            .filter(|a| a.active)
            .and_then(|a| a.password_hash.clone());
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let attempt = password.to_owned();
        let matches = self
            .hashing(move || {
                let parsed = PasswordHash::new(&hash).map_err(|e| Error::Internal {
                    context: "reading a stored password hash",
                    source: Box::new(e),
                })?;
                Ok(Argon2::default()
                    .verify_password(attempt.as_bytes(), &parsed)
                    .is_ok())
            })
            .await?;
        let account = match account {
            Some(account) if known && matches => account,
            _ => {
                for key in &keys {
                    self.count_failure(key, &limits);
                }
                return Err(Error::Unauthenticated(Message::new(
                    "Surel atau kata sandi salah",
                    "Wrong e-mail or password",
                )));
            }
        };
        for key in &keys {
            self.sign_in_guard.failures.invalidate(key);
        }
        self.issue_token(&account, "sign-in", Some(days)).await
    }

    fn refuse_if_locked(&self, key: &str) -> Result<()> {
        let Some(failures) = self.sign_in_guard.failures.get(key) else {
            return Ok(());
        };
        let Some(until) = failures.locked_until else {
            return Ok(());
        };
        let wait = until.saturating_duration_since(Instant::now());
        if wait.is_zero() {
            return Ok(());
        }
        let secs = wait.as_secs().max(1);
        Err(Error::TooManyRequests {
            retry_after: secs,
            message: Message::new(
                format!("Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {secs} detik"),
                format!("Too many failed sign-ins; try again in {secs} seconds"),
            ),
        })
    }

    fn count_failure(&self, key: &str, limits: &SignInLimits) {
        let now = Instant::now();
        let mut failures = self
            .sign_in_guard
            .failures
            .get(key)
            .filter(|f| now.duration_since(f.first) <= limits.window)
            .unwrap_or(Failures {
                count: 0,
                first: now,
                locked_until: None,
            });
        failures.count += 1;
        if failures.count >= limits.max_failures {
            failures.locked_until = Some(now + limits.lockout);
        }
        self.sign_in_guard.failures.insert(key.to_owned(), failures);
    }
}

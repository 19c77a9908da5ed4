//! In-memory records. Everything lives behind one `std::sync::Mutex` that is never held across an
//! `.await`. Secret values and passphrases are `Zeroizing`, so they are wiped when a secret is read,
//! burned, expired, or when the store is cleared on close.

use std::collections::HashMap;

use zeroize::Zeroizing;

use crate::profile::RecentOrder;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
  Conceal,
  Generate,
}

impl Kind {
  pub fn as_str(self) -> &'static str {
    match self {
      Kind::Conceal => "conceal",
      Kind::Generate => "generate",
    }
  }
}

/// Receipt states. v0.26 internal names (`previewed`, `revealed`, `shared`) are mapped in the
/// renderers: v1 uses the legacy vocabulary, v2 of v0.26 the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RState {
  New,
  Viewed,
  Received,
  Burned,
  Expired,
  Orphaned,
}

impl RState {
  /// v1 vocabulary (every generation) and v0.22 v2.
  pub fn legacy(self) -> &'static str {
    match self {
      RState::New => "new",
      RState::Viewed => "viewed",
      RState::Received => "received",
      RState::Burned => "burned",
      RState::Expired => "expired",
      RState::Orphaned => "orphaned",
    }
  }
  /// Read, burned, expired or orphaned: the secret is gone.
  pub fn is_destroyed(self) -> bool {
    !matches!(self, RState::New | RState::Viewed)
  }
  /// v0.26 internal vocabulary (v2).
  pub fn modern(self) -> &'static str {
    match self {
      RState::New => "new",
      RState::Viewed => "previewed",
      RState::Received => "revealed",
      RState::Burned => "burned",
      RState::Expired => "expired",
      RState::Orphaned => "orphaned",
    }
  }
}

pub struct SecretRec {
  pub key: String,
  pub receipt_key: String,
  pub value: Zeroizing<String>,
  pub passphrase: Option<Zeroizing<String>>,
  pub created: f64,
  pub updated: f64,
  pub ttl: u64,
  pub expires: f64,
  /// Set by a v2 preview (`GET /secret/:id`) on v0.22, which moves the secret to `viewed`.
  pub viewed: Option<f64>,
  pub truncated: bool,
  /// v0.26 passphrase limiter: per secret(+IP) tier, 5 failures.
  pub v2_failures: u32,
  pub v2_locked_until: f64,
  /// Global per-secret tier, 20 failures (the only one v1 sees).
  pub all_failures: u32,
  pub global_locked_until: f64,
  pub fail_window_start: f64,
}

impl SecretRec {
  pub fn passphrase_ok(&self, given: Option<&str>) -> bool {
    match &self.passphrase {
      None => true,
      Some(p) => match given {
        Some(g) => ct_eq(p.as_bytes(), g.as_bytes()),
        None => false,
      },
    }
  }
  pub fn has_passphrase(&self) -> bool {
    self.passphrase.is_some()
  }
  pub fn remaining(&self, now: f64) -> i64 {
    (self.expires - now).floor().max(0.0) as i64
  }
}

/// What a new secret and its receipt are made of.
#[derive(Default)]
pub struct NewPair {
  pub secret_key: String,
  pub receipt_key: String,
  pub value: Zeroizing<String>,
  pub passphrase: Option<Zeroizing<String>>,
  pub now: f64,
  pub ttl: u64,
  pub generated: bool,
  pub owner: Option<String>,
  pub owner_id: Option<String>,
  pub recipients: Vec<String>,
  pub truncated: bool,
}

impl NewPair {
  /// The secret (lives `ttl`) and its receipt (lives 2 x `ttl`), both new.
  pub fn build(self) -> (SecretRec, ReceiptRec) {
    let now = self.now;
    let generated_value = self.generated.then(|| self.value.clone());
    let receipt = ReceiptRec {
      key: self.receipt_key.clone(),
      secret_key: self.secret_key.clone(),
      owner: self.owner,
      owner_id: self.owner_id,
      ttl: self.ttl,
      created: now,
      updated: now,
      expires: now + 2.0 * self.ttl as f64,
      state: RState::New,
      viewed_at: None,
      previewed_at: None,
      received_at: None,
      burned_at: None,
      recipients: self.recipients,
      has_passphrase: self.passphrase.is_some(),
      kind: if self.generated {
        Kind::Generate
      } else {
        Kind::Conceal
      },
      truncated: self.truncated,
      generated_value,
      view_count: 0,
      memo_stored: false,
      first_access: None,
      last_access: None,
    };
    let secret = SecretRec {
      key: self.secret_key,
      receipt_key: self.receipt_key,
      value: self.value,
      passphrase: self.passphrase,
      created: now,
      updated: now,
      ttl: self.ttl,
      expires: now + self.ttl as f64,
      viewed: None,
      truncated: self.truncated,
      v2_failures: 0,
      v2_locked_until: 0.0,
      all_failures: 0,
      global_locked_until: 0.0,
      fail_window_start: now,
    };
    (secret, receipt)
  }
}

/// Constant-time comparison (length leaks, contents do not).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
  if a.len() != b.len() {
    return false;
  }
  a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub struct ReceiptRec {
  pub key: String,
  pub secret_key: String,
  /// Owner email (`custid`), `None` for anonymous.
  pub owner: Option<String>,
  pub owner_id: Option<String>,
  /// The secret TTL requested (after clamping). The receipt lives 2 x ttl.
  pub ttl: u64,
  pub created: f64,
  pub updated: f64,
  pub expires: f64,
  pub state: RState,
  pub viewed_at: Option<f64>,
  pub previewed_at: Option<f64>,
  pub received_at: Option<f64>,
  pub burned_at: Option<f64>,
  pub recipients: Vec<String>,
  pub has_passphrase: bool,
  pub kind: Kind,
  pub truncated: bool,
  /// v0.26: a generated value can be shown once on the receipt within 60 s.
  pub generated_value: Option<Zeroizing<String>>,
  pub view_count: u32,
  /// Made through API v2 (which stores an empty `memo`).
  pub memo_stored: bool,
  pub first_access: Option<f64>,
  pub last_access: Option<f64>,
}

impl ReceiptRec {
  pub fn remaining(&self, now: f64) -> i64 {
    (self.expires - now).floor().max(0.0) as i64
  }
  pub fn secret_shortkey(&self, n: usize) -> String {
    self.secret_key.chars().take(n).collect()
  }
}

/// An account's activity counters (v0.22 `authcheck`: `secrets_created`, `secrets_burned`,
/// `secrets_shared`: its secrets made, burned, and read by someone).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
  pub created: u64,
  pub burned: u64,
  pub shared: u64,
}

#[derive(Default)]
pub struct Store {
  pub counters: HashMap<String, Counters>,
  pub secrets: HashMap<String, SecretRec>,
  pub receipts: HashMap<String, ReceiptRec>,
  /// Receipt keys per account email, oldest first.
  pub recent: HashMap<String, Vec<String>>,
  /// A receipt's lifetime starts again when its state changes (`Profile::receipt_renewed`).
  pub renew_on_change: bool,
  pub last_sweep: f64,
}

impl Store {
  /// Drops expired secrets and receipts (at most once a second, O(n)); receipts whose secret expired
  /// unread become `expired` (v0.19+ lazily; we do it eagerly, same observable result).
  pub fn sweep(&mut self, now: f64, mark_expired: bool) {
    if now - self.last_sweep < 1.0 {
      return;
    }
    self.last_sweep = now;
    self.force_sweep(now, mark_expired);
  }

  pub fn force_sweep(&mut self, now: f64, mark_expired: bool) {
    let expired: Vec<String> = self
      .secrets
      .iter()
      .filter(|(_, s)| s.expires <= now)
      .map(|(k, _)| k.clone())
      .collect();
    for k in expired {
      if let Some(s) = self.secrets.remove(&k) {
        if let Some(r) = self.receipts.get_mut(&s.receipt_key) {
          if mark_expired && matches!(r.state, RState::New | RState::Viewed) {
            r.state = RState::Expired;
          }
          r.generated_value = None;
        }
      }
    }
    self.receipts.retain(|_, r| r.expires > now);
    let receipts = &self.receipts;
    for list in self.recent.values_mut() {
      list.retain(|k| receipts.contains_key(k));
    }
  }

  pub fn insert(&mut self, secret: SecretRec, receipt: ReceiptRec) {
    if let Some(owner) = &receipt.owner {
      self.counters.entry(owner.clone()).or_default().created += 1;
      self
        .recent
        .entry(owner.clone())
        .or_default()
        .push(receipt.key.clone());
    }
    self.receipts.insert(receipt.key.clone(), receipt);
    self.secrets.insert(secret.key.clone(), secret);
  }

  pub fn live_secret(&mut self, key: &str, now: f64) -> Option<&mut SecretRec> {
    let expired = self.secrets.get(key).map(|s| s.expires <= now)?;
    if expired {
      self.force_sweep(now, true);
      return None;
    }
    self.secrets.get_mut(key)
  }

  pub fn live_receipt(&mut self, key: &str, now: f64) -> Option<&mut ReceiptRec> {
    let expired = self.receipts.get(key).map(|r| r.expires <= now)?;
    if expired {
      self.force_sweep(now, true);
      return None;
    }
    self.receipts.get_mut(key)
  }

  /// The receipts of `owner`, in the generation's `recent` order.
  pub fn recent_of(&self, owner: &str, order: RecentOrder) -> Vec<&ReceiptRec> {
    let mut list: Vec<&ReceiptRec> = self
      .recent
      .get(owner)
      .map(|keys| keys.iter().filter_map(|k| self.receipts.get(k)).collect())
      .unwrap_or_default();
    let second = |t: f64| t.floor() as i64;
    match order {
      // Insertion order is creation order.
      RecentOrder::OldestFirst => {}
      RecentOrder::NewestFirst => list.reverse(),
      RecentOrder::NewestFirstKeysDescending => {
        list.sort_by(|a, b| (second(b.created), &b.key).cmp(&(second(a.created), &a.key)))
      }
      RecentOrder::UpdatedNewestFirst => {
        list.sort_by(|a, b| (second(a.created), &a.key).cmp(&(second(b.created), &b.key)));
        // Stable: the same second of `updated` keeps creation order.
        list.sort_by_key(|r| std::cmp::Reverse(second(r.updated)));
      }
    }
    list
  }

  /// A generated value shown to the creator once, within 60 s of creation, while the secret is
  /// unread (v0.24+: the v2 generate answer has no value; transcripts v0.26.6 `-more` #14, #15).
  /// Taking it is atomic: only one view can get it.
  pub fn claim_generated_value(
    &mut self,
    receipt_key: &str,
    now: f64,
  ) -> Option<Zeroizing<String>> {
    let r = self.receipts.get(receipt_key)?;
    let alive = self
      .secrets
      .get(&r.secret_key)
      .is_some_and(|s| s.expires > now);
    if !alive || now - r.created > 60.0 {
      return None;
    }
    self.receipts.get_mut(receipt_key)?.generated_value.take()
  }

  /// The atomic take of a one-time read: removes the secret and marks its receipt `received`.
  /// Only one caller can ever get `Some` for a key (callers hold the store lock).
  pub fn take_secret(&mut self, key: &str, now: f64) -> Option<SecretRec> {
    let s = self.secrets.remove(key)?;
    if let Some(r) = self.receipts.get_mut(&s.receipt_key) {
      r.state = RState::Received;
      r.received_at = Some(now);
      r.updated = now;
      r.generated_value = None;
      if self.renew_on_change {
        r.expires = now + 2.0 * r.ttl as f64;
      }
      if let Some(owner) = &r.owner {
        self.counters.entry(owner.clone()).or_default().shared += 1;
      }
    }
    Some(s)
  }

  /// Burns: removes the secret (wiping it) and marks the receipt `burned`.
  pub fn burn(&mut self, receipt_key: &str, now: f64) -> bool {
    let Some(r) = self.receipts.get_mut(receipt_key) else {
      return false;
    };
    let Some(_s) = self.secrets.remove(&r.secret_key) else {
      return false;
    };
    r.state = RState::Burned;
    r.burned_at = Some(now);
    r.updated = now;
    r.generated_value = None;
    if self.renew_on_change {
      r.expires = now + 2.0 * r.ttl as f64;
    }
    if let Some(owner) = &r.owner {
      self.counters.entry(owner.clone()).or_default().burned += 1;
    }
    true
  }

  /// Wipes everything (close).
  pub fn clear(&mut self) {
    self.secrets.clear();
    self.receipts.clear();
    self.recent.clear();
    self.counters.clear();
  }

  /// Marks a receipt viewed by its creator.
  pub fn mark_viewed(&mut self, receipt_key: &str, now: f64) {
    if let Some(r) = self.receipts.get_mut(receipt_key) {
      r.state = RState::Viewed;
      r.viewed_at = Some(now);
      r.updated = now;
      if self.renew_on_change {
        r.expires = now + 2.0 * r.ttl as f64;
      }
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use std::sync::{Arc, Mutex};

  pub fn pair(
    key: &str,
    rkey: &str,
    now: f64,
    ttl: u64,
    pass: Option<&str>,
  ) -> (SecretRec, ReceiptRec) {
    NewPair {
      secret_key: key.into(),
      receipt_key: rkey.into(),
      value: Zeroizing::new("v".into()),
      passphrase: pass.map(|p| Zeroizing::new(p.to_string())),
      now,
      ttl,
      owner: Some("a@b.c".into()),
      ..NewPair::default()
    }
    .build()
  }

  #[test]
  fn take_is_one_time() {
    let mut st = Store::default();
    let (s, r) = pair("s", "r", 1000.0, 60, None);
    st.insert(s, r);
    assert!(st.take_secret("s", 1001.0).is_some());
    assert!(st.take_secret("s", 1001.0).is_none());
    assert_eq!(st.receipts["r"].state, RState::Received);
  }

  #[test]
  fn expiry_and_receipt_lifetime() {
    let mut st = Store::default();
    let (s, r) = pair("s", "r", 1000.0, 60, None);
    st.insert(s, r);
    assert!(st.live_secret("s", 1059.0).is_some());
    assert!(st.live_secret("s", 1060.0).is_none());
    assert_eq!(st.receipts["r"].state, RState::Expired);
    // receipt lives 2 x ttl
    assert!(st.live_receipt("r", 1119.0).is_some());
    assert!(st.live_receipt("r", 1120.0).is_none());
    assert!(st.recent["a@b.c"].is_empty());
  }

  #[test]
  fn wrong_passphrase_does_not_consume() {
    let mut st = Store::default();
    let (s, r) = pair("s", "r", 1000.0, 60, Some("right"));
    st.insert(s, r);
    let sec = st.live_secret("s", 1000.0).unwrap();
    assert!(!sec.passphrase_ok(Some("wrong")));
    assert!(!sec.passphrase_ok(None));
    assert!(sec.passphrase_ok(Some("right")));
    assert!(st.secrets.contains_key("s"));
  }

  #[test]
  fn burn_then_take_fails() {
    let mut st = Store::default();
    let (s, r) = pair("s", "r", 1000.0, 60, None);
    st.insert(s, r);
    assert!(st.burn("r", 1001.0));
    assert!(!st.burn("r", 1001.0));
    assert!(st.take_secret("s", 1001.0).is_none());
    assert_eq!(st.receipts["r"].state, RState::Burned);
  }

  #[test]
  fn concurrent_takes_succeed_once() {
    let st = Arc::new(Mutex::new(Store::default()));
    for i in 0..50 {
      let (s, r) = pair(&format!("s{i}"), &format!("r{i}"), 1000.0, 600, None);
      st.lock().unwrap().insert(s, r);
    }
    let wins = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let threads: Vec<_> = (0..8)
      .map(|_| {
        let st = st.clone();
        let wins = wins.clone();
        std::thread::spawn(move || {
          for i in 0..50 {
            if st
              .lock()
              .unwrap()
              .take_secret(&format!("s{i}"), 1001.0)
              .is_some()
            {
              wins.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
          }
        })
      })
      .collect();
    for t in threads {
      t.join().unwrap();
    }
    assert_eq!(wins.load(std::sync::atomic::Ordering::SeqCst), 50);
  }
}

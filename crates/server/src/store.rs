//! In-memory records. Everything lives behind one `std::sync::Mutex` that is never held across an
//! `.await`. Secret values and passphrases are `Zeroizing`, so they are wiped when a secret is read,
//! burned, expired, or when the store is cleared on close.

use std::collections::HashMap;

use zeroize::Zeroizing;

/// How `recent` lists receipts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecentOrder {
  /// Newest first; receipts of the same second by key, descending (Redis ZREVRANGE on whole
  /// seconds: v0.12.1 `-more` #8).
  NewestFirstKeysDescending,
  /// Most recently updated first; the same second in creation order (ZRANGEBYSCORE on whole
  /// seconds, then sorted by `updated`: v0.22.11 `api-v2` #v2-113 and `-more` #23).
  UpdatedNewestFirst,
  /// Oldest first by exact creation time (v0.26.6 v1: `-more` #8).
  OldestFirst,
  /// Newest first by exact creation time (v0.26.6 v2: `-more` #22).
  NewestFirst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
  Conceal,
  Generate,
}

impl Kind {
  pub(crate) fn as_str(self) -> &'static str {
    match self {
      Kind::Conceal => "conceal",
      Kind::Generate => "generate",
    }
  }
}

/// Receipt states. v0.26 internal names (`previewed`, `revealed`, `shared`) are mapped in the
/// renderers: v1 uses the legacy vocabulary, v2 of v0.26 the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RState {
  New,
  Viewed,
  Received,
  Burned,
  Expired,
  Orphaned,
}

impl RState {
  /// v1 vocabulary (every generation) and v0.22 v2.
  pub(crate) fn legacy(self) -> &'static str {
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
  pub(crate) fn is_destroyed(self) -> bool {
    !matches!(self, RState::New | RState::Viewed)
  }
  /// v0.26 internal vocabulary (v2).
  pub(crate) fn modern(self) -> &'static str {
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

pub(crate) struct SecretRec {
  pub(crate) key: String,
  pub(crate) receipt_key: String,
  pub(crate) value: Zeroizing<String>,
  pub(crate) passphrase: Option<Zeroizing<String>>,
  pub(crate) created: f64,
  pub(crate) updated: f64,
  pub(crate) ttl: u64,
  pub(crate) expires: f64,
  /// Set by a v2 preview (`GET /secret/:id`) on v0.22, which moves the secret to `viewed`.
  pub(crate) viewed: Option<f64>,
  pub(crate) truncated: bool,
  /// v0.26 passphrase limiter: per secret(+IP) tier, 5 failures.
  pub(crate) v2_failures: u32,
  pub(crate) v2_locked_until: f64,
  /// Global per-secret tier, 20 failures (the only one v1 sees).
  pub(crate) all_failures: u32,
  pub(crate) global_locked_until: f64,
  pub(crate) fail_window_start: f64,
}

impl SecretRec {
  pub(crate) fn passphrase_ok(&self, given: Option<&str>) -> bool {
    match &self.passphrase {
      None => true,
      Some(p) => match given {
        Some(g) => ct_eq(p.as_bytes(), g.as_bytes()),
        None => false,
      },
    }
  }
  pub(crate) fn has_passphrase(&self) -> bool {
    self.passphrase.is_some()
  }
  pub(crate) fn remaining(&self, now: f64) -> i64 {
    (self.expires - now).floor().max(0.0) as i64
  }
}

/// What a new secret and its receipt are made of.
#[derive(Default)]
pub(crate) struct NewPair {
  pub(crate) secret_key: String,
  pub(crate) receipt_key: String,
  pub(crate) value: Zeroizing<String>,
  pub(crate) passphrase: Option<Zeroizing<String>>,
  pub(crate) now: f64,
  pub(crate) ttl: u64,
  pub(crate) generated: bool,
  pub(crate) owner: Option<String>,
  pub(crate) owner_id: Option<String>,
  pub(crate) recipients: Vec<String>,
  pub(crate) truncated: bool,
}

impl NewPair {
  /// The secret (lives `ttl`) and its receipt (lives 2 x `ttl`), both new.
  pub(crate) fn build(self) -> (SecretRec, ReceiptRec) {
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
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
  if a.len() != b.len() {
    return false;
  }
  a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) struct ReceiptRec {
  pub(crate) key: String,
  pub(crate) secret_key: String,
  /// Owner email (`custid`), `None` for anonymous.
  pub(crate) owner: Option<String>,
  pub(crate) owner_id: Option<String>,
  /// The secret TTL requested (after clamping). The receipt lives 2 x ttl.
  pub(crate) ttl: u64,
  pub(crate) created: f64,
  pub(crate) updated: f64,
  pub(crate) expires: f64,
  pub(crate) state: RState,
  pub(crate) viewed_at: Option<f64>,
  pub(crate) previewed_at: Option<f64>,
  pub(crate) received_at: Option<f64>,
  pub(crate) burned_at: Option<f64>,
  pub(crate) recipients: Vec<String>,
  pub(crate) has_passphrase: bool,
  pub(crate) kind: Kind,
  pub(crate) truncated: bool,
  /// v0.26: a generated value can be shown once on the receipt within 60 s.
  pub(crate) generated_value: Option<Zeroizing<String>>,
  pub(crate) view_count: u32,
  /// Made through API v2 (which stores an empty `memo`).
  pub(crate) memo_stored: bool,
  pub(crate) first_access: Option<f64>,
  pub(crate) last_access: Option<f64>,
}

impl ReceiptRec {
  pub(crate) fn remaining(&self, now: f64) -> i64 {
    (self.expires - now).floor().max(0.0) as i64
  }
  pub(crate) fn secret_shortkey(&self, n: usize) -> String {
    self.secret_key.chars().take(n).collect()
  }
}

/// An account's activity counters (v0.22 `authcheck`: `secrets_created`, `secrets_burned`,
/// `secrets_shared`: its secrets made, burned, and read by someone).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counters {
  pub(crate) created: u64,
  pub(crate) burned: u64,
  pub(crate) shared: u64,
}

#[derive(Default)]
pub(crate) struct Store {
  pub(crate) counters: HashMap<String, Counters>,
  pub(crate) secrets: HashMap<String, SecretRec>,
  pub(crate) receipts: HashMap<String, ReceiptRec>,
  /// Receipt keys per account email, oldest first.
  pub(crate) recent: HashMap<String, Vec<String>>,
  /// A receipt's lifetime starts again when its state changes (`Profile::receipt_renewed`).
  pub(crate) renew_on_change: bool,
  /// Receipts whose secret expired unread turn `expired` (`Profile::marks_expired`).
  pub(crate) marks_expired: bool,
  pub(crate) last_sweep: f64,
}

impl Store {
  /// Drops expired secrets and receipts (at most once a second, O(n)); receipts whose secret expired
  /// unread become `expired` (v0.19+ lazily; we do it eagerly, same observable result).
  pub(crate) fn sweep(&mut self, now: f64) {
    if now - self.last_sweep < 1.0 {
      return;
    }
    self.last_sweep = now;
    self.force_sweep(now);
  }

  pub(crate) fn force_sweep(&mut self, now: f64) {
    let mark_expired = self.marks_expired;
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

  pub(crate) fn insert(&mut self, secret: SecretRec, receipt: ReceiptRec) {
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

  pub(crate) fn live_secret(&mut self, key: &str, now: f64) -> Option<&mut SecretRec> {
    let expired = self.secrets.get(key).map(|s| s.expires <= now)?;
    if expired {
      self.force_sweep(now);
      return None;
    }
    self.secrets.get_mut(key)
  }

  pub(crate) fn live_receipt(&mut self, key: &str, now: f64) -> Option<&mut ReceiptRec> {
    let expired = self.receipts.get(key).map(|r| r.expires <= now)?;
    if expired {
      self.force_sweep(now);
      return None;
    }
    self.receipts.get_mut(key)
  }

  /// The receipts of `owner`, in the generation's `recent` order.
  pub(crate) fn recent_of(&self, owner: &str, order: RecentOrder) -> Vec<&ReceiptRec> {
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
  pub(crate) fn claim_generated_value(
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
  pub(crate) fn take_secret(&mut self, key: &str, now: f64) -> Option<SecretRec> {
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
  pub(crate) fn burn(&mut self, receipt_key: &str, now: f64) -> bool {
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
  pub(crate) fn clear(&mut self) {
    self.secrets.clear();
    self.receipts.clear();
    self.recent.clear();
    self.counters.clear();
  }

  /// Marks a receipt viewed by its creator.
  pub(crate) fn mark_viewed(&mut self, receipt_key: &str, now: f64) {
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

  pub(crate) fn pair(
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
    let mut st = Store {
      marks_expired: true,
      ..Store::default()
    };
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

//! Wiping that holds: a tracking global allocator looks inside every block the client frees, and
//! no freed block may still hold the marker (in the secret, the passphrase and the API token)
//! after share, reveal and a v2 conceal against the embedded server. The server runs on its own threads, which are not inspected (it stores
//! the secret, as a real server does). One test in this binary: the allocator is process-wide.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use ots_core::wire::{CreateOptions, ShareParams};
use ots_core::{ApiVersion, CallOptions};
use ots_server::Generation;
use zeroize::Zeroizing;

const MARKER: &[u8] = b"wipe-marker-5e0c9b27d4";

static INSPECT: AtomicBool = AtomicBool::new(false);
static FOUND: Mutex<Vec<(usize, std::backtrace::Backtrace)>> = Mutex::new(Vec::new());

thread_local! {
  /// Set on the embedded server's threads, and while this allocator records a finding.
  static EXEMPT: Cell<bool> = const { Cell::new(false) };
}

struct Tracking;

unsafe impl GlobalAlloc for Tracking {
  unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
    System.alloc(layout)
  }
  unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
    if INSPECT.load(Ordering::Relaxed) && layout.size() >= MARKER.len() {
      let exempt = EXEMPT.try_with(|e| e.replace(true)).unwrap_or(true);
      if !exempt {
        let block = std::slice::from_raw_parts(ptr, layout.size());
        if block.windows(MARKER.len()).any(|w| w == MARKER) {
          let trace = std::backtrace::Backtrace::force_capture();
          if let Ok(mut f) = FOUND.lock() {
            f.push((layout.size(), trace));
          }
        }
        let _ = EXEMPT.try_with(|e| e.set(false));
      }
    }
    System.dealloc(ptr, layout)
  }
}

#[global_allocator]
static ALLOC: Tracking = Tracking;

fn marker() -> &'static str {
  std::str::from_utf8(MARKER).unwrap()
}

/// The passphrase holds the marker too.
fn passphrase() -> Zeroizing<String> {
  let mut p = Zeroizing::new(String::with_capacity(MARKER.len() + 5));
  p.push_str("pass-");
  p.push_str(marker());
  p
}

#[test]
fn no_freed_block_holds_the_secret_after_share_reveal_and_v2_conceal() {
  let server_rt = tokio::runtime::Builder::new_multi_thread()
    .worker_threads(1)
    .enable_all()
    .on_thread_start(|| EXEMPT.with(|e| e.set(true)))
    .build()
    .unwrap();
  let server = server_rt.block_on(async {
    tokio::spawn(support::server(Generation::V0_26))
      .await
      .unwrap()
  });
  let token = Zeroizing::new(format!("token{}", marker()));
  server.add_account("wipe@example.com", Some(&token));
  let client_rt = tokio::runtime::Builder::new_current_thread()
    .enable_all()
    .build()
    .unwrap();
  INSPECT.store(true, Ordering::SeqCst);
  client_rt.block_on(async {
    for version in [ApiVersion::V1, ApiVersion::V2] {
      let c = ots_core::Client::new(support::config(
        &server.url(),
        version,
        "wipe@example.com",
        &token,
      ))
      .unwrap();
      let call = CallOptions::default();
      let params = ShareParams {
        secret: Zeroizing::new(marker().to_owned()),
        options: CreateOptions {
          passphrase: Some(passphrase()),
          ..Default::default()
        },
      };
      let shared = c.share(params, &call).await.unwrap();
      let key = shared.secret_key.clone().unwrap();
      // The models wipe themselves when dropped.
      drop(shared);
      let revealed = c
        .retrieve_secret(&key, Some(passphrase()), &call)
        .await
        .unwrap();
      assert_eq!(
        revealed.value.as_deref().map(String::as_str),
        Some(marker())
      );
      // What the napi layer hands to JS.
      let text = ots_core::secret_buf::to_json(&revealed).unwrap();
      assert!(text.windows(MARKER.len()).any(|w| w == MARKER));
      drop(text);
      drop(revealed);
      drop(c);
    }
  });
  // Connections close, and hyper's buffers are freed, when the runtime goes away.
  drop(client_rt);
  INSPECT.store(false, Ordering::SeqCst);
  let found = std::mem::take(&mut *FOUND.lock().unwrap());
  let traces = found
    .iter()
    .map(|(size, trace)| format!("a freed block of {size} bytes:\n{trace}"));
  // hyper's own I/O buffers, freed by hyper's connection code without this crate on the stack, are
  // the one documented exception (README "Security notes"): shown, not failed.
  let (hyper_own, report): (Vec<String>, Vec<String>) =
    traces.partition(|t| t.contains("hyper::") && !t.contains("ots_core::"));
  for t in &hyper_own {
    eprintln!("hyper's own buffer (documented, not wiped): {t}");
  }
  server_rt.block_on(server.close());
  assert!(report.is_empty(), "{}", report.join("\n\n"));
}

//! Handing a call to the runtime with one wake-up instead of three when the runtime is idle.
//!
//! A task spawned from the JS thread (outside the runtime) goes to tokio's shared queue and wakes
//! an idle worker as a "searching" worker; on finding the task, that worker wakes another one to
//! help (tokio does this whenever the last searching worker finds work), which finds nothing and
//! parks again: a futex wake, a futex wait and an extra context switch for every call made while
//! the runtime is idle (bench/ANALYSIS.md, issue 14). So a call made while no other call is on
//! the runtime goes into an inbox instead, and the JS thread writes a byte to a socket that a task
//! on the runtime waits on: the worker parked in the I/O driver wakes for that like for an answer
//! from a server, not as a searching worker, and the task spawns the call from inside the runtime,
//! which wakes no one else. While calls are running, the workers are awake and check tokio's
//! shared queue on their own, so later calls are spawned there as before (measured: through the
//! inbox they waited for the next I/O poll, and the JS thread idled more).

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

type Job = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

/// Calls spawned and not finished, in every environment.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

struct Running;

impl Drop for Running {
  fn drop(&mut self) {
    RUNNING.fetch_sub(1, Ordering::AcqRel);
  }
}

/// Runs `fut` on napi-rs's runtime.
pub fn submit<F: Future<Output = ()> + Send + 'static>(fut: F) {
  let idle = RUNNING.fetch_add(1, Ordering::AcqRel) == 0;
  let running = Running;
  let job: Job = Box::pin(async move {
    let _running = running;
    fut.await
  });
  #[cfg(unix)]
  let job = match idle.then(inbox::current).flatten() {
    Some(inbox) => match inbox.push(job) {
      Ok(()) => return,
      Err(job) => job,
    },
    None => job,
  };
  #[cfg(not(unix))]
  let _ = idle;
  napi::bindgen_prelude::spawn(job);
}

#[cfg(unix)]
mod inbox {
  use std::io::{ErrorKind, Read, Write};
  use std::os::unix::net::UnixStream;
  use std::sync::{Arc, Mutex, MutexGuard};

  use super::Job;

  pub struct Inbox {
    /// `None` once the task is gone (the runtime dropped it): nothing may wait here any more.
    jobs: Mutex<Option<Vec<Job>>>,
    /// The JS threads' end of the socket; the runtime's task reads the other end.
    bell: UnixStream,
  }

  static CURRENT: Mutex<Option<Arc<Inbox>>> = Mutex::new(None);

  /// The inbox of the running runtime, made (with its task) on first use and after a runtime
  /// shutdown; `None` if a socket pair cannot be made (the caller then spawns directly).
  pub fn current() -> Option<Arc<Inbox>> {
    let mut slot = CURRENT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(inbox) = slot.as_ref().filter(|i| i.jobs().is_some()) {
      return Some(inbox.clone());
    }
    let (bell, rx) = UnixStream::pair().ok()?;
    bell.set_nonblocking(true).ok()?;
    rx.set_nonblocking(true).ok()?;
    let inbox = Arc::new(Inbox {
      jobs: Mutex::new(Some(Vec::new())),
      bell,
    });
    napi::bindgen_prelude::spawn(run(inbox.clone(), rx));
    *slot = Some(inbox.clone());
    Some(inbox)
  }

  impl Inbox {
    fn jobs(&self) -> MutexGuard<'_, Option<Vec<Job>>> {
      self.jobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues `job`, or hands it back if the inbox is closed.
    pub fn push(&self, job: Job) -> Result<(), Job> {
      let was_empty = {
        let mut jobs = self.jobs();
        let Some(q) = jobs.as_mut() else {
          return Err(job);
        };
        q.push(job);
        q.len() == 1
      };
      // The first job into an empty inbox rings; the task takes the whole inbox, so later ones
      // ride along. A full socket buffer means bytes are already waiting to be read: no need.
      if was_empty {
        let _ = (&self.bell).write(&[1]);
      }
      Ok(())
    }
  }

  /// Closes the inbox when the task ends (it only ends when the runtime drops it, or if the socket
  /// fails): what is still queued is spawned if the runtime is there, else dropped, which rejects
  /// those calls' Promises (batch_settle.rs) instead of leaving them pending.
  struct Close(Arc<Inbox>);

  impl Drop for Close {
    fn drop(&mut self) {
      let left = self.0.jobs().take().unwrap_or_default();
      if let Ok(rt) = tokio::runtime::Handle::try_current() {
        for job in left {
          rt.spawn(job);
        }
      }
    }
  }

  async fn run(inbox: Arc<Inbox>, rx: UnixStream) {
    let inbox = Close(inbox);
    use tokio::io::{unix::AsyncFd, Interest};
    // SAFETY: the AsyncFd owns `rx`, an open socket whose descriptor stays the same until the
    // AsyncFd drops it.
    let Ok(rx) = (unsafe { AsyncFd::register_with_interest(rx, Interest::READABLE) }) else {
      return;
    };
    let mut buf = [0u8; 64];
    loop {
      let Ok(mut ready) = rx.readable().await else {
        return;
      };
      // The bell first, then the jobs: a job pushed after the bell was read rings it again. A
      // short read took every byte there was, so readiness is cleared without a read that would
      // block (tokio keeps it if the driver saw a newer byte meanwhile).
      let mut sock: &UnixStream = rx.get_ref();
      match sock.read(&mut buf) {
        Ok(0) => return,
        Ok(n) if n < buf.len() => ready.clear_ready(),
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::WouldBlock => ready.clear_ready(),
        Err(e) if e.kind() == ErrorKind::Interrupted => {}
        Err(_) => return,
      }
      let jobs = std::mem::take(inbox.0.jobs().as_mut().unwrap_or(&mut Vec::new()));
      for job in jobs {
        tokio::spawn(job);
      }
    }
  }
}

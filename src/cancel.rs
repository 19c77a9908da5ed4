use napi_derive::napi;
use tokio_util::sync::CancellationToken;

/// Cancels the calls it was given to. The JS skin wires an `AbortSignal` to one of these per call.
#[napi]
pub struct CancelToken {
  pub(crate) token: CancellationToken,
}

#[napi]
impl CancelToken {
  #[napi(constructor)]
  #[allow(clippy::new_without_default)]
  pub fn new() -> Self {
    CancelToken {
      token: CancellationToken::new(),
    }
  }

  #[napi]
  pub fn cancel(&self) {
    self.token.cancel();
  }
}

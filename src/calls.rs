//! The nine calls of `NativeClient`, one row each: the JS arguments (typed, `options/`; every
//! call also takes the cancel token last), the TS type of the answer, how the arguments become the
//! core's, and the core call. Every call resolves with its answer as JSON text, which the JS skin
//! parses (`settle.rs`); the TS type says so, and names the model the text holds (the interfaces
//! napi-rs declares from `ots_core::answers`; `& Record<string, unknown>` where the server's other
//! fields are kept) as the brand `__json`, which `__test__/compat/binding-types.ts` checks against
//! index.d.ts. The macro writes each row as an ordinary `#[napi]` method (so napi-rs declares it in
//! binding.d.ts; doc comments do not survive the macro, hence plain comments) that runs through
//! `NativeClient::run`, the one call path.

use napi::Env;
use napi_derive::napi;
use ots_core::e2e::calls as e2e;
use ots_core::wire::ShareParams;
use ots_core::Error;

use crate::cancel::CancelToken;
use crate::client::NativeClient;
use crate::options::{
  CallOptions, GenerateArgs, Key, LinkOrKey, RevealOptions, Secret, SecretOptions, ShareArgs,
};
use crate::settle::JsPromise;

macro_rules! calls {
  ($cancel:ident; $(
    $name:ident($($params:tt)*) -> $ts:literal { $($prep:tt)* } |$c:ident| $call:expr;
  )*) => {
    #[napi]
    impl NativeClient {
      $(
        #[napi(ts_return_type = $ts)]
        pub fn $name<'env>(
          &self,
          env: &'env Env,
          $($params)*
          $cancel: Option<&CancelToken>,
        ) -> napi::Result<JsPromise<'env>> {
          $($prep)*
          self.run(env, move |$c| async move { $call.await })
        }
      )*
    }
  };
}

calls! {
  cancel;
  // `true` when the server says "nominal".
  status(options: Option<CallOptions>,) -> "Promise<string & { readonly __json: boolean }>" {
    let call = CallOptions::to_core(options.as_ref(), cancel);
  } |c| c.status(&call);

  // `encrypt: true`: sealed end to end first, the key in share_link's fragment (docs/E2E.md).
  share(#[napi(ts_arg_type = "string")] secret: Secret, options: Option<ShareArgs>,)
    -> "Promise<string & { readonly __json: Receipt & Record<string, unknown> }>" {
    let encrypt = options.as_ref().and_then(|o| o.encrypt) == Some(true);
    let (options, call) = ShareArgs::split(options, cancel);
    let params = ShareParams { secret: secret.0, options };
  } |c| async {
    if encrypt { e2e::share(&c, params, &call).await } else { c.share(params, &call).await }
  };

  generate(options: Option<GenerateArgs>,) -> "Promise<string & { readonly __json: Receipt & Record<string, unknown> }>" {
    let encrypt = options.as_ref().and_then(|o| o.encrypt) == Some(true);
    let (options, call) = GenerateArgs::split(options, cancel);
  } |c| async {
    if encrypt {
      let why = "the server makes the value, so it sees it";
      return Err(Error::input(format!("encrypt: not available for generate ({why})")));
    }
    c.generate(options, &call).await
  };

  // A key or a whole link; a key in the link's fragment, or in `key`, decrypts an end-to-end
  // encrypted secret.
  retrieve_secret(
    #[napi(ts_arg_type = "string")] link_or_key: LinkOrKey,
    options: Option<RevealOptions>,
  ) -> "Promise<string & { readonly __json: RevealedSecret & Record<string, unknown> }>" {
    let (passphrase, key, call) = RevealOptions::split(options, cancel);
  } |c| e2e::retrieve_secret(&c, &link_or_key.0, key.as_deref().map(String::as_str), passphrase, &call);

  retrieve_metadata(#[napi(ts_arg_type = "string")] key: Key, options: Option<CallOptions>,)
    -> "Promise<string & { readonly __json: Receipt & Record<string, unknown> }>" {
    let call = CallOptions::to_core(options.as_ref(), cancel);
  } |c| c.retrieve_metadata(&key.0, &call);

  burn(#[napi(ts_arg_type = "string")] key: Key, options: Option<SecretOptions>,)
    -> "Promise<string & { readonly __json: BurnResult & Record<string, unknown> }>" {
    let (passphrase, call) = SecretOptions::split(options, cancel);
  } |c| c.burn(&key.0, passphrase, &call);

  recent_metadata(options: Option<CallOptions>,)
    -> "Promise<string & { readonly __json: Array<Receipt & Record<string, unknown>> }>" {
    let call = CallOptions::to_core(options.as_ref(), cancel);
  } |c| c.recent_metadata(&call);

  // API v2: a secret's state without revealing it.
  secret_status(#[napi(ts_arg_type = "string")] key: Key, options: Option<CallOptions>,)
    -> "Promise<string & { readonly __json: SecretStatus }>" {
    let call = CallOptions::to_core(options.as_ref(), cancel);
  } |c| c.secret_status(&key.0, &call);

  // `{ status, version, apiVersions }`.
  server_info(options: Option<CallOptions>,) -> "Promise<string & { readonly __json: ServerInfo }>" {
    let call = CallOptions::to_core(options.as_ref(), cancel);
  } |c| c.server_info(&call);
}

//! The calls. Each fixes its deadline once on entry ([`CallOptions::started`]), builds its
//! requests with [`crate::wire`], sends them with [`Transport`] under that one deadline, and parses
//! each answer with the parser its request carries, so the wire format stays in one place.

use zeroize::Zeroizing;

use crate::answers::{BurnResult, Receipt, RevealedSecret, SecretStatus, ServerInfo};
use crate::config::{ApiVersion, ClientConfig, Credentials};
use crate::error::scrub::Scrub;
use crate::error::{CreatedSecret, Error, ErrorKind, Result};
use crate::key::{is_valid_key, validate_key};
pub use crate::transport::CallOptions;
use crate::transport::Transport;
use crate::wire::{v1, v2, Context, CreateOptions, Op, Request, ShareParams};

/// Builds the request for a key and an optional passphrase (reveal, burn).
type Keyed<T> = fn(&str, Option<&Zeroizing<String>>) -> Request<T>;

/// A OneTimeSecret client: one server, one account (or none), one API version; its calls are
/// async and take their per-call options ([`CallOptions`]).
#[derive(Debug)]
pub struct Client {
  transport: Transport,
  version: ApiVersion,
  share_domain: Option<String>,
  username: Option<String>,
  /// Only to remove them from error text a server may echo them in ([`Client::call`]).
  credentials: Option<Credentials>,
  include_raw: bool,
}

impl Client {
  /// A client for `config`; fails (as an `InputError`) when TLS cannot be set up.
  pub fn new(config: ClientConfig) -> Result<Self> {
    let transport = Transport::new(&config)?;
    let username = config.credentials.as_ref().map(|c| c.username.clone());
    Ok(Client {
      transport,
      version: config.api_version,
      share_domain: config.share_domain,
      username,
      credentials: config.credentials,
      include_raw: config.include_raw,
    })
  }

  /// The API version every call uses.
  pub fn api_version(&self) -> ApiVersion {
    self.version
  }

  /// The server's base URL, without a trailing slash.
  pub fn base_url(&self) -> &str {
    self.transport.base_url()
  }

  /// `true` when no credentials were given (no `Authorization` header is sent).
  pub fn is_anonymous(&self) -> bool {
    !self.transport.is_authenticated()
  }

  fn ctx(&self) -> Context<'_> {
    Context {
      base_url: self.transport.base_url(),
      username: self.username.as_deref(),
      include_raw: self.include_raw,
    }
  }

  /// The call's options with its deadline fixed: every public call starts with this.
  fn start(&self, call: &CallOptions) -> CallOptions {
    call.started(self.transport.timeout())
  }

  /// Every request of every call goes through here, and so does every error built from what a
  /// server said: it leaves without the request's own secrets in its text.
  async fn call<T>(&self, req: Request<T>, call: &CallOptions) -> Result<T> {
    let result = match self.transport.send(&req.spec, call).await {
      Ok(resp) => (req.parse)(req.spec.op, &self.ctx(), &resp),
      Err(e) => Err(e),
    };
    result.map_err(|e| self.scrubbed(e, &req.spec))
  }

  /// What removes this client's username and token from text.
  pub(crate) fn credentials_scrub(&self) -> Scrub {
    let mut scrub = Scrub::new();
    if let Some(c) = &self.credentials {
      scrub.credentials(&c.username, &c.token);
    }
    scrub
  }

  /// `e` without the token, username, key, secret or passphrase of this client and request.
  fn scrubbed(&self, e: Error, spec: &crate::wire::RequestSpec) -> Error {
    let mut scrub = self.credentials_scrub();
    scrub.request_key(spec.route, &spec.path);
    if let Some(body) = &spec.body {
      scrub.body(body.content_type, &body.bytes);
    }
    scrub.error(e)
  }

  fn require_account(&self, op: Op) -> Result<()> {
    if self.is_anonymous() {
      return Err(Error::new(
        ErrorKind::NotAuthorized,
        format!(
          "Request not authorized: {} needs an account (this client is anonymous)",
          op.name()
        ),
      ));
    }
    Ok(())
  }

  /// `true` when the server says it is "nominal".
  pub async fn status(&self, call: &CallOptions) -> Result<bool> {
    let call = &self.start(call);
    let req = match self.version {
      ApiVersion::V1 => v1::status(),
      ApiVersion::V2 => v2::status(),
    };
    self.call(req, call).await
  }

  /// Shares `params.secret`; the receipt has `share_link`.
  pub async fn share(&self, mut params: ShareParams, call: &CallOptions) -> Result<Receipt> {
    let call = &self.start(call);
    self.apply_defaults(&mut params.options)?;
    let domain = params.options.share_domain.clone();
    let req = match self.version {
      ApiVersion::V1 => v1::share(&params),
      ApiVersion::V2 => v2::conceal(&params),
    };
    drop(params);
    let mut receipt = self.call(req, call).await?;
    Self::link_on_requested_domain(domain.as_deref(), &mut receipt);
    Ok(receipt)
  }

  /// Has the server generate a secret; the receipt carries its `value`.
  pub async fn generate(&self, mut options: CreateOptions, call: &CallOptions) -> Result<Receipt> {
    let call = &self.start(call);
    self.apply_defaults(&mut options)?;
    let mut receipt = match self.version {
      ApiVersion::V1 => self.call(v1::generate(&options), call).await?,
      ApiVersion::V2 => {
        let created = self.call(v2::generate(&options), call).await?;
        if created.value.is_some() {
          created
        } else {
          self.read_generated_value(created, call).await?
        }
      }
    };
    Self::link_on_requested_domain(options.share_domain.as_deref(), &mut receipt);
    Ok(receipt)
  }

  /// Servers from v0.24 show a generated value only on the creator's first receipt view
  /// (transcript v0.26.6-more, v2 generate): read it now, once, never retried (a second view
  /// shows nothing), under the call's deadline. Without the value the call fails, with the new
  /// secret's keys in [`Error::created`] so the caller can burn it.
  async fn read_generated_value(
    &self,
    mut created: Receipt,
    call: &CallOptions,
  ) -> Result<Receipt> {
    let (metadata_key, secret_key) = (created.metadata_key.clone(), created.secret_key.clone());
    let Some(metadata_key) = metadata_key.filter(|k| is_valid_key(k)) else {
      return Err(Error::new(
        ErrorKind::InvalidResponse,
        "The server's answer to generate has neither the value nor a receipt key to read it from",
      ));
    };
    let unread = |mut e: Error| {
      e.message = format!(
        "{}; the secret was generated but its value could not be read (burn it with the error's metadata_key)",
        e.message
      );
      e.created = Some(Box::new(CreatedSecret {
        secret_key: secret_key.clone(),
        metadata_key: metadata_key.clone(),
      }));
      e
    };
    let mut receipt = self
      .call(v2::receipt(&metadata_key).never_retried(), call)
      .await
      .map_err(unread)?;
    // The receipt (wiped when dropped) gives up its value to the new secret's answer.
    let Some(value) = receipt.value.take() else {
      return Err(unread(Error::new(
        ErrorKind::InvalidResponse,
        "The server's receipt does not show the generated value",
      )));
    };
    created.value = Some(value);
    Ok(created)
  }

  /// Reveals the secret under `key` (which destroys it on the server).
  pub async fn retrieve_secret(
    &self,
    key: &str,
    passphrase: Option<Zeroizing<String>>,
    call: &CallOptions,
  ) -> Result<RevealedSecret> {
    let requests = (v1::retrieve_secret as Keyed<_>, v2::reveal as Keyed<_>);
    self.keyed(key, passphrase, call, requests).await
  }

  /// The receipt under `key` (a metadata key).
  pub async fn retrieve_metadata(&self, key: &str, call: &CallOptions) -> Result<Receipt> {
    let call = &self.start(call);
    validate_key(Some(key), key)?;
    let req = match self.version {
      ApiVersion::V1 => v1::retrieve_metadata(key),
      ApiVersion::V2 => v2::receipt(key),
    };
    self.call(req, call).await
  }

  /// Burns the secret of the receipt under `key`.
  pub async fn burn(
    &self,
    key: &str,
    passphrase: Option<Zeroizing<String>>,
    call: &CallOptions,
  ) -> Result<BurnResult> {
    let requests = (v1::burn as Keyed<_>, v2::burn as Keyed<_>);
    self.keyed(key, passphrase, call, requests).await
  }

  /// A call on one key with an optional passphrase: the request of this client's API version.
  async fn keyed<T>(
    &self,
    key: &str,
    passphrase: Option<Zeroizing<String>>,
    call: &CallOptions,
    (on_v1, on_v2): (Keyed<T>, Keyed<T>),
  ) -> Result<T> {
    let call = &self.start(call);
    validate_key(Some(key), key)?;
    let build = match self.version {
      ApiVersion::V1 => on_v1,
      ApiVersion::V2 => on_v2,
    };
    let req = build(key, passphrase.as_ref());
    drop(passphrase);
    self.call(req, call).await
  }

  /// The account's recent receipts (without secret keys).
  pub async fn recent_metadata(&self, call: &CallOptions) -> Result<Vec<Receipt>> {
    let call = &self.start(call);
    self.require_account(Op::RecentMetadata)?;
    match self.version {
      ApiVersion::V1 => match self.call(v1::recent(), call).await {
        // v0.21-v0.23's v1 route always fails (transcript v0.22.11-more #8) while their v2
        // receipts list works: ask it once, and answer in the v1 shape.
        Err(e) if e.kind == ErrorKind::Unsupported => match self.call(v2::recent(), call).await {
          Ok(list) => Ok(v2::recent_as_v1(list)),
          // The call's own end (deadline, signal) is reported as such.
          Err(cut) if matches!(cut.kind, ErrorKind::Timeout | ErrorKind::Aborted) => Err(cut),
          Err(_) => Err(e),
        },
        other => other,
      },
      ApiVersion::V2 => self.call(v2::recent(), call).await,
    }
  }

  /// API v2 `GET /secret/:id/status`: the secret's state without revealing it.
  pub async fn secret_status(&self, key: &str, call: &CallOptions) -> Result<SecretStatus> {
    let call = &self.start(call);
    validate_key(Some(key), key)?;
    self.call(v2::secret_status(key), call).await
  }

  /// What the server is: `{ status, version?, apiVersions }` from `/api/v1/status` and `/api/v2/*`.
  /// The two status probes run at once; all three requests share the call's one deadline.
  /// Fails as `/api/v1/status` failed when the server has neither API.
  pub async fn server_info(&self, call: &CallOptions) -> Result<ServerInfo> {
    let call = &self.start(call);
    let (v1_ok, v2_ok) = tokio::join!(self.call(v1::status(), call), self.call(v2::status(), call));
    // A timeout or an abort ends the whole call, whichever probe saw it; so does a server that
    // cannot be reached at all.
    for e in [v1_ok.as_ref().err(), v2_ok.as_ref().err()]
      .into_iter()
      .flatten()
    {
      if matches!(e.kind, ErrorKind::Timeout | ErrorKind::Aborted) {
        return Err(e.clone());
      }
    }
    if let Err(e) = &v1_ok {
      if e.kind == ErrorKind::Network {
        return Err(e.clone());
      }
    }
    let v2_ok = v2_ok.ok();
    let version = match v2_ok {
      Some(_) => match self.call(v2::version(), call).await {
        Err(e) if matches!(e.kind, ErrorKind::Timeout | ErrorKind::Aborted) => return Err(e),
        r => r.ok().flatten(),
      },
      None => None,
    };
    let mut api_versions = Vec::new();
    if v1_ok.is_ok() {
      api_versions.push("v1");
    }
    if v2_ok.is_some() {
      api_versions.push("v2");
    }
    let nominal = matches!(v1_ok, Ok(true)) || v2_ok == Some(true);
    if let (true, Err(e)) = (api_versions.is_empty(), v1_ok) {
      return Err(e);
    }
    // Free text from the server, which `ots status` prints: it may not echo the credentials.
    let version = version.map(|v| self.credentials_scrub().text(&v));
    Ok(ServerInfo {
      status: if nominal { "nominal" } else { "offline" },
      version,
      api_versions,
    })
  }

  /// The `shareDomain` a share or generate with `options` asks for: the call's, else the client's.
  pub fn requested_share_domain<'a>(&'a self, options: &'a CreateOptions) -> Option<&'a str> {
    options
      .share_domain
      .as_deref()
      .or(self.share_domain.as_deref())
      .filter(|d| !d.is_empty())
  }

  /// The link of a new secret goes on the `shareDomain` the caller asked for, whatever the server
  /// answered (`wire::add_share_link` put it on the `url` or the server's bare host name).
  fn link_on_requested_domain(domain: Option<&str>, receipt: &mut Receipt) {
    if let Some(d) = domain {
      crate::wire::set_share_link(receipt, &format!("https://{d}"));
    }
  }

  fn apply_defaults(&self, options: &mut CreateOptions) -> Result<()> {
    options.share_domain = self.requested_share_domain(options).map(str::to_owned);
    if options
      .share_domain
      .as_deref()
      .is_some_and(|d| !crate::wire::is_bare_host(d))
    {
      return Err(Error::input(
        "shareDomain: expected a host name such as secrets.example.com (no scheme, port, path or credentials): links are https://<shareDomain>/secret/<key>",
      ));
    }
    if options.recipient.is_some() && self.is_anonymous() {
      return Err(Error::new(
        ErrorKind::NotAuthorized,
        "Request not authorized: sending to a recipient needs an account",
      ));
    }
    Ok(())
  }
}

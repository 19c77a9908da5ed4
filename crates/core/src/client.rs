//! The calls. Each builds its request with [`crate::wire`], sends it with [`Transport`], and parses
//! the answer with the same module, so the wire format stays in one place.

use serde_json::Value;
use zeroize::Zeroizing;

use crate::config::{ApiVersion, ClientConfig};
use crate::error::{Error, ErrorKind, Result};
use crate::key::validate_key;
pub use crate::transport::CallOptions;
use crate::transport::Transport;
use crate::wire::{self, v1, v2, Context, CreateOptions, Op, RequestSpec, ShareParams};

#[derive(Debug)]
pub struct Client {
  transport: Transport,
  version: ApiVersion,
  share_domain: Option<String>,
  username: Option<String>,
}

impl Client {
  pub fn new(config: ClientConfig) -> Result<Self> {
    let transport = Transport::new(&config)?;
    let username = config.credentials.as_ref().map(|c| c.username.clone());
    Ok(Client {
      transport,
      version: config.api_version,
      share_domain: config.share_domain,
      username,
    })
  }

  pub fn api_version(&self) -> ApiVersion {
    self.version
  }

  pub fn base_url(&self) -> &str {
    self.transport.base_url()
  }

  pub fn is_anonymous(&self) -> bool {
    !self.transport.is_authenticated()
  }

  fn ctx(&self) -> Context<'_> {
    Context {
      base_url: self.transport.base_url(),
      username: self.username.as_deref(),
    }
  }

  async fn call(&self, req: RequestSpec, call: &CallOptions) -> Result<Value> {
    let resp = self.transport.send(&req, call).await?;
    match self.version {
      ApiVersion::V1 => v1::parse(req.op, &self.ctx(), &resp),
      ApiVersion::V2 => v2::parse(req.op, &self.ctx(), &resp),
    }
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
  pub async fn status(&self, call: &CallOptions) -> Result<Value> {
    let req = match self.version {
      ApiVersion::V1 => v1::status(),
      ApiVersion::V2 => v2::status(),
    };
    self.call(req, call).await
  }

  pub async fn share(&self, mut params: ShareParams, call: &CallOptions) -> Result<Value> {
    self.apply_defaults(&mut params.options)?;
    let req = match self.version {
      ApiVersion::V1 => v1::share(&params),
      ApiVersion::V2 => v2::conceal(&params),
    };
    drop(params);
    self.call(req, call).await
  }

  pub async fn generate(&self, mut options: CreateOptions, call: &CallOptions) -> Result<Value> {
    self.apply_defaults(&mut options)?;
    match self.version {
      ApiVersion::V1 => self.call(v1::generate(&options), call).await,
      ApiVersion::V2 => {
        let created = self.call(v2::generate(&options), call).await?;
        // Servers from v0.24 show a generated value only on the creator's first receipt view
        // (ots-api.md §4.4): read it now, once, as part of this call.
        if created.get("value").is_some() {
          return Ok(created);
        }
        let Some(receipt_key) = created
          .get("metadata_key")
          .and_then(Value::as_str)
          .map(str::to_owned)
        else {
          return Ok(created);
        };
        let receipt = self.call(v2::receipt(&receipt_key), call).await;
        Ok(v2::merge_generated_value(created, receipt.ok()))
      }
    }
  }

  pub async fn retrieve_secret(
    &self,
    key: &str,
    passphrase: Option<Zeroizing<String>>,
    call: &CallOptions,
  ) -> Result<Value> {
    validate_key(Some(key), key)?;
    let req = match self.version {
      ApiVersion::V1 => v1::retrieve_secret(key, passphrase.as_ref()),
      ApiVersion::V2 => v2::reveal(key, passphrase.as_ref()),
    };
    drop(passphrase);
    self.call(req, call).await
  }

  pub async fn retrieve_metadata(&self, key: &str, call: &CallOptions) -> Result<Value> {
    validate_key(Some(key), key)?;
    let req = match self.version {
      ApiVersion::V1 => v1::retrieve_metadata(key),
      ApiVersion::V2 => v2::receipt(key),
    };
    self.call(req, call).await
  }

  pub async fn burn(
    &self,
    key: &str,
    passphrase: Option<Zeroizing<String>>,
    call: &CallOptions,
  ) -> Result<Value> {
    validate_key(Some(key), key)?;
    let req = match self.version {
      ApiVersion::V1 => v1::burn(key, passphrase.as_ref()),
      ApiVersion::V2 => v2::burn(key, passphrase.as_ref()),
    };
    drop(passphrase);
    self.call(req, call).await
  }

  pub async fn recent_metadata(&self, call: &CallOptions) -> Result<Value> {
    self.require_account(Op::RecentMetadata)?;
    let req = match self.version {
      ApiVersion::V1 => v1::recent(),
      ApiVersion::V2 => v2::recent(),
    };
    self.call(req, call).await
  }

  /// API v2 `GET /secret/:id/status`: the secret's state without revealing it.
  pub async fn secret_status(&self, key: &str, call: &CallOptions) -> Result<Value> {
    validate_key(Some(key), key)?;
    let req = v2::secret_status(key);
    let resp = self.transport.send(&req, call).await?;
    v2::parse(Op::SecretStatus, &self.ctx(), &resp)
  }

  /// What the server is: `{ status, version?, apiVersions }` from `/api/v1/status` and `/api/v2/*`.
  pub async fn server_info(&self, call: &CallOptions) -> Result<Value> {
    let v1_status = self.transport.send(&v1::status(), call).await?;
    let v1_ok = v1::parse(Op::Status, &self.ctx(), &v1_status);
    let v2_status = self.transport.send(&v2::status(), call).await;
    let v2_ok = v2_status
      .as_ref()
      .ok()
      .and_then(|r| v2::parse(Op::Status, &self.ctx(), r).ok());
    let version = match v2_ok {
      Some(_) => {
        let r = self.transport.send(&v2::version(), call).await.ok();
        r.and_then(|r| v2::parse(Op::Version, &self.ctx(), &r).ok())
      }
      None => None,
    };
    let mut apis = Vec::new();
    if v1_ok.is_ok() {
      apis.push(Value::from("v1"));
    }
    if v2_ok.is_some() {
      apis.push(Value::from("v2"));
    }
    let nominal =
      matches!(v1_ok, Ok(Value::Bool(true))) || matches!(v2_ok, Some(Value::Bool(true)));
    if apis.is_empty() {
      return v1_ok.map(|_| Value::Null);
    }
    let mut out = serde_json::Map::new();
    out.insert(
      "status".into(),
      Value::from(if nominal { "nominal" } else { "offline" }),
    );
    out.insert("version".into(), version.unwrap_or(Value::Null));
    out.insert("apiVersions".into(), Value::Array(apis));
    Ok(Value::Object(out))
  }

  fn apply_defaults(&self, options: &mut CreateOptions) -> Result<()> {
    if options.share_domain.is_none() {
      options.share_domain.clone_from(&self.share_domain);
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

/// Re-exported for the napi layer: wipes a parsed answer after it has been handed over.
pub fn wipe(value: &mut Value) {
  wire::wipe(value)
}

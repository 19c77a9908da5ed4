// Types of onetimesecret-api 3.x. Every name 2.1.1 exported is here with the same shape; additions
// are marked "Added in 3.0".

/** API versions this client speaks. 2.1.1 typed this as the string union `"v1"`. */
export type ApiVersion = 'v1' | 'v2'
/** Added in 3.0: a runtime list of the supported API versions. */
export declare const ApiVersion: { readonly V1: 'v1'; readonly V2: 'v2' }

/** Hosted regions: independent deployments with their own accounts and secrets. Added in 3.0. */
export type Region = 'eu' | 'us' | 'ca' | 'nz' | 'uk'

export interface ApiOptions {
  /** Server base URL. Default `https://onetimesecret.com`. */
  url?: string
  /** Default `"v1"`. */
  apiVersion?: ApiVersion
  /** Ignored (2.1.1 accepted and ignored it too): put the port in `url`. */
  port?: number
  /** Added in 3.0: pick a regional host instead of `url`. */
  region?: Region
  /** Added in 3.0: total time per call in milliseconds, connection included. Default 30000. */
  timeout?: number
  /** Added in 3.0: time to establish a connection, in milliseconds. */
  connectTimeout?: number
  /**
   * Added in 3.0: retries for calls that create and consume nothing (`status`, `retrieveMetadata`,
   * `recentMetadata`, `secretStatus`) on connection failures, 429 and 503. Default 2. Calls that
   * create or consume a secret are retried only when the connection was never established.
   */
  retries?: number
  /** Added in 3.0: first backoff delay in milliseconds (full jitter, doubling). Default 250. */
  retryDelay?: number
  /** Added in 3.0: backoff cap in milliseconds. Default 8000. */
  maxRetryDelay?: number
  /**
   * Added in 3.0: extra trusted certificates for a self-hosted server (a private CA, or its
   * self-signed certificate), as Node's `tls` takes them: PEM text as a string or a Buffer, each
   * holding one or more certificates, or an array of them. Added to the default roots.
   */
  ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array>
  /** Added in 3.0: proxy URL for every request (otherwise HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply). */
  proxy?: string
  /** Added in 3.0: custom domain that share links are created on (`share_domain`). */
  shareDomain?: string
  /** Added in 3.0: answers larger than this many bytes are refused. Default 32 MiB. */
  maxResponseBytes?: number
  /** Added in 3.0: API v2 answers also carry the server's whole answer as `raw`. Default false. */
  raw?: boolean
}

/** Added in 3.0: options every call takes as its last argument. */
export interface CallOptions {
  /** Cancels the request; the call rejects with an `AbortError`. */
  signal?: AbortSignal
  /** Overrides the client's timeout for this call, in milliseconds. */
  timeout?: number
}

export type ApiResponseState = 'new' | 'received' | 'burned' | 'viewed'

export interface ApiOptionsShare extends CallOptions {
  passphrase?: string
  /** Seconds. Servers clamp it to their limits (read back `secret_ttl`); v0.26 over API v2 refuses an account more than 14 days. */
  ttl?: number
  recipient?: string
  /** Added in 3.0. */
  shareDomain?: string
  /**
   * Added in 3.0, `share` only: encrypt end to end before sending; `share_link` carries the key in
   * its `#fragment`, which no server sees. At most 7,384 bytes of UTF-8. See docs/E2E.md.
   */
  encrypt?: boolean
}

export interface ApiOptionsGenerate extends ApiOptionsShare {
  /** The server makes the value, so it cannot be encrypted end to end. */
  encrypt?: false
  /** Added in 3.0: generated value length (servers v0.24+). */
  length?: number
  /** Added in 3.0: character sets (servers v0.24+). */
  characterSets?: {
    uppercase?: boolean
    lowercase?: boolean
    numbers?: boolean
    symbols?: boolean
    excludeAmbiguous?: boolean
  }
}

export interface ApiOptionsRetrieveSecret extends CallOptions {
  passphrase?: string
  /** Added in 3.0: the decryption key of an end-to-end encrypted secret, sent apart from the link (docs/E2E.md). */
  key?: string
}

/** Added in 3.0: `burn` takes the passphrase that servers v0.19+ require for protected secrets. */
export interface ApiOptionsBurn extends CallOptions {
  passphrase?: string
}

/** Added in 3.0: the fields every receipt has (share, generate, retrieveMetadata, recentMetadata). */
export interface ApiReceiptFields {
  custid: string
  metadata_key: string
  ttl: number
  metadata_ttl: number
  state: ApiResponseState
  updated: number
  created: number
  recipient: string[]
  /** Added in 3.0: the custom domain the secret is on, `""` for none (API v2 always; API v1 where the server sends it: v0.22, v0.26). */
  share_domain?: string
  /** Added in 3.0, API v2: the server's own name of the state (`state` is in API v1's words). */
  raw_state?: string
  /** Added in 3.0, API v2 with the `raw` option: the server's whole answer. */
  raw?: unknown
  /** Every other field the server sent. */
  [field: string]: unknown
}

export interface ApiResponseShare extends ApiReceiptFields {
  secret_key: string
  /** `<url>/secret/<secret_key>` (with `encrypt: true`, `#<key>` after it) */
  share_link: string
  /** Added in 3.0, `encrypt: true` only: `share_link` without its `#<key>`, to send apart from the key. */
  share_link_without_key?: string
  /** Added in 3.0, `encrypt: true` only: the decryption key alone (43 base64url characters). */
  decryption_key?: string
  secret_ttl: number
  passphrase_required: boolean
}

export interface ApiResponseGenerate extends ApiResponseShare {
  value: string
}

export interface ApiResponseRetrieveSecret {
  /** The secret; for an end-to-end encrypted secret read without its key, the envelope. */
  value: string
  secret_key: string
  /** Added in 3.0: `true` when the secret was end-to-end encrypted (decrypted, or the envelope). */
  encrypted?: true
  /** Added in 3.0, API v2 with the `raw` option: the server's answer (without the secret, which is `value`). */
  raw?: unknown
  [field: string]: unknown
}

export interface ApiResponseRetrieveMetadata extends ApiReceiptFields {
  secret_key?: string
  share_link?: string
  secret_ttl?: number
  received?: number
  passphrase_required?: boolean
}

export interface ApiResponseBurn {
  state: {
    custid: string
    metadata_key: string
    secret_key: string
    ttl: number
    metadata_ttl: number
    secret_ttl: number
    state: 'burned'
    updated: number
    created: number
    recipient: string[]
    [field: string]: unknown
  }
  secret_shortkey: string
  /** Added in 3.0, API v2 with the `raw` option: the server's whole answer. */
  raw?: unknown
  [field: string]: unknown
}

export interface ApiResponseRecentMetadata extends ApiReceiptFields {
  secret_ttl: number
  received?: number
}

/** Added in 3.0: `secretStatus()` (API v2). */
export interface ApiResponseSecretStatus {
  state: ApiResponseState | 'unknown' | 'expired' | 'orphaned'
  raw_state: string
  passphrase_required?: boolean
  secret_ttl?: number
  /** The server's answer, with the client's `raw` option. */
  raw?: unknown
}

/** Added in 3.0: `serverInfo()`. */
export interface ServerInfo {
  status: 'nominal' | 'offline'
  /** `"0.22.11"` where `/api/v2/version` answers, else null. */
  version: string | null
  apiVersions: ApiVersion[]
}

export declare class OneTimeSecretApi {
  /** Throws `InputError` when `username` or `password` is undefined. */
  constructor(username: string, password: string, options?: ApiOptions)
  /** Added in 3.0: a client that sends no credentials (share, generate, reveal, receipt, burn). */
  static anonymous(options?: ApiOptions): OneTimeSecretApi
  /**
   * Added in 3.0: opens an end-to-end encrypted envelope with the key from a link or its fragment.
   * Local. Rejects with `DecryptionError` or `InputError`.
   */
  static decrypt(envelope: string, linkOrFragment: string): Promise<string>
  /** Added in 3.0. */
  readonly url: string
  /** Added in 3.0. */
  readonly apiVersion: ApiVersion
  /** Added in 3.0. */
  readonly anonymous: boolean
  status(options?: CallOptions): Promise<boolean>
  share(secret: string, options?: ApiOptionsShare): Promise<ApiResponseShare>
  generate(options?: ApiOptionsGenerate): Promise<ApiResponseGenerate>
  /** Takes a key or (added in 3.0) a whole share link, whose `#fragment` key decrypts an end-to-end encrypted secret. */
  retrieveSecret(secretKeyOrLink: string, options?: ApiOptionsRetrieveSecret): Promise<ApiResponseRetrieveSecret>
  retrieveMetadata(metadataKey: string, options?: CallOptions): Promise<ApiResponseRetrieveMetadata>
  burn(metadataKey: string, options?: ApiOptionsBurn): Promise<ApiResponseBurn>
  recentMetadata(options?: CallOptions): Promise<ApiResponseRecentMetadata[]>
  /** Added in 3.0, API v2 only. */
  secretStatus(secretKey: string, options?: CallOptions): Promise<ApiResponseSecretStatus>
  /** Added in 3.0. */
  serverInfo(options?: CallOptions): Promise<ServerInfo>
  toJSON(): { url: string; apiVersion: ApiVersion; anonymous: boolean }
}
export default OneTimeSecretApi

export interface ErrorDetails {
  code?: string
  status?: number
  intendedStatus?: number
  serverMessage?: string
  retryAfter?: number
  cause?: unknown
  envelope?: string
}

/** Added in 3.0: the base of every error this package raises. */
export declare class OneTimeSecretError extends Error {
  constructor(message?: string, details?: ErrorDetails)
  /** Stable machine-readable code, e.g. `ERR_OTS_UNKNOWN_SECRET`. */
  code: string
  /** The class's `code` (from the package's table of error kinds). Added in 3.0. */
  static readonly code: string
  /** The `ots` command's exit code for errors of this class. Added in 3.0. */
  static readonly exitCode: number
  /** HTTP status of the answer, when there was one. */
  status?: number
  /** `X-OTS-Intended-Status` (servers v0.24.6+ on API v1). */
  intendedStatus?: number
  /** The server's own message. */
  serverMessage?: string
  /** Seconds to wait before retrying (rate limits), when the server said. */
  retryAfter?: number
  /**
   * Added in 3.0: API v2 `generate` created a secret but could not read its value: its keys, so
   * the caller can burn it. Not enumerable (logging the error does not show them).
   */
  metadata_key?: string
  secret_key?: string
}
export declare class InputError extends OneTimeSecretError {}
export declare class NotAuthorizedError extends OneTimeSecretError {}
export declare class NotFoundError extends OneTimeSecretError {}
export declare class UnknownSecretError extends OneTimeSecretError {}
/** Added in 3.0. */
export declare class IncorrectPassphraseError extends UnknownSecretError {}
export declare class RateLimitedError extends OneTimeSecretError {}
export declare class InternalServerError extends OneTimeSecretError {}
export declare class NetworkError extends OneTimeSecretError {}
export declare class TimeoutError extends OneTimeSecretError {}
/** Added in 3.0. */
export declare class AbortError extends OneTimeSecretError {}
/** Added in 3.0. */
export declare class InvalidResponseError extends OneTimeSecretError {}
/** Added in 3.0. */
export declare class UnsupportedError extends OneTimeSecretError {}
/** Added in 3.0. */
export declare class ApiError extends OneTimeSecretError {}
/** Added in 3.0: a client-side encrypted secret could not be decrypted (wrong key or tampered data). */
export declare class DecryptionError extends OneTimeSecretError {
  /** What the server sent in place of the secret: the envelope that did not open, or (when a key was given) text that is not an envelope; the secret is gone from the server, not lost. */
  envelope?: string
}

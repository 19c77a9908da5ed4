'use strict'

/**
 * The error hierarchy. Every error this package throws or rejects with is a `OneTimeSecretError`
 * with a stable `code`; errors from an HTTP answer also carry `status`. Class names and messages
 * are those of onetimesecret-api 2.1.1, so `instanceof` checks written for 2.x keep working.
 *
 * The native addon builds these objects itself (through `fromNative`, registered once per
 * environment by index.js), so errors raised in Rust are real instances of these classes.
 */

class OneTimeSecretError extends Error {
  /**
   * @param {string} [message]
   * @param {{ code?: string, status?: number, intendedStatus?: number, serverMessage?: string,
   *           retryAfter?: number, cause?: unknown }} [details]
   */
  constructor(message, details) {
    const cause = details && details.cause !== undefined ? details.cause : undefined
    super(message, cause === undefined ? undefined : { cause: typeof cause === 'string' ? new Error(cause) : cause })
    this.code = (details && details.code) || new.target.code
    if (details) {
      if (details.status !== undefined) this.status = details.status
      if (details.intendedStatus !== undefined) this.intendedStatus = details.intendedStatus
      if (details.serverMessage !== undefined) this.serverMessage = details.serverMessage
      if (details.retryAfter !== undefined) this.retryAfter = details.retryAfter
    }
  }
}

function define(name, code, Base) {
  // A named class expression, so stack traces and `constructor.name` read naturally.
  const Cls = { [name]: class extends Base {} }[name]
  Object.defineProperty(Cls.prototype, 'name', { value: name, writable: true, configurable: true })
  Object.defineProperty(Cls, 'code', { value: code })
  return Cls
}

Object.defineProperty(OneTimeSecretError.prototype, 'name', { value: 'OneTimeSecretError', writable: true, configurable: true })
Object.defineProperty(OneTimeSecretError, 'code', { value: 'ERR_OTS' })

/** Bad input (a missing secret, an invalid key, a wrong option type): nothing was sent. */
const InputError = define('InputError', 'ERR_OTS_INPUT', OneTimeSecretError)
/** Credentials missing or wrong, or the call needs an account. */
const NotAuthorizedError = define('NotAuthorizedError', 'ERR_OTS_NOT_AUTHORIZED', OneTimeSecretError)
/** The route or record does not exist ("Metadata not found", "Path not found"). */
const NotFoundError = define('NotFoundError', 'ERR_OTS_NOT_FOUND', OneTimeSecretError)
/** The secret or receipt is unknown, expired, already read or burned; on API v1 also a wrong passphrase. */
const UnknownSecretError = define('UnknownSecretError', 'ERR_OTS_UNKNOWN_SECRET', OneTimeSecretError)
/** The server said the passphrase is wrong. Still an UnknownSecretError, as 2.x code expects. */
const IncorrectPassphraseError = define('IncorrectPassphraseError', 'ERR_OTS_INCORRECT_PASSPHRASE', UnknownSecretError)
/** The server rate limited the client; `retryAfter` holds the seconds to wait when the server said. */
const RateLimitedError = define('RateLimitedError', 'ERR_OTS_RATE_LIMITED', OneTimeSecretError)
/** The server failed (HTTP 5xx). */
const InternalServerError = define('InternalServerError', 'ERR_OTS_SERVER', OneTimeSecretError)
/** No usable connection: refused, reset, DNS, TLS or proxy failure. `cause` says which. */
const NetworkError = define('NetworkError', 'ERR_OTS_NETWORK', OneTimeSecretError)
/** The call's timeout ran out; the request was cancelled. */
const TimeoutError = define('TimeoutError', 'ERR_OTS_TIMEOUT', OneTimeSecretError)
/** The call's AbortSignal fired; the request was cancelled. */
const AbortError = define('AbortError', 'ABORT_ERR', OneTimeSecretError)
/** The server answered something that is not an OTS answer (HTML from a proxy, invalid JSON, too large). */
const InvalidResponseError = define('InvalidResponseError', 'ERR_OTS_INVALID_RESPONSE', OneTimeSecretError)
/** The server does not offer this call (e.g. API v1 `recent` on OTS v0.21-v0.23). */
const UnsupportedError = define('UnsupportedError', 'ERR_OTS_UNSUPPORTED', OneTimeSecretError)
/** Any other error the server reported; `serverMessage` holds its text. */
const ApiError = define('ApiError', 'ERR_OTS_API', OneTimeSecretError)

const classes = {
  OneTimeSecretError,
  InputError,
  NotAuthorizedError,
  NotFoundError,
  UnknownSecretError,
  IncorrectPassphraseError,
  RateLimitedError,
  InternalServerError,
  NetworkError,
  TimeoutError,
  AbortError,
  InvalidResponseError,
  UnsupportedError,
  ApiError,
}

/** Called by the native addon on the JS thread: `(className, message, details) => Error`. */
function fromNative(className, message, details) {
  const Cls = Object.prototype.hasOwnProperty.call(classes, className) ? classes[className] : OneTimeSecretError
  return new Cls(message, details)
}

module.exports = { ...classes, fromNative }

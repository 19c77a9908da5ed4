'use strict'

/**
 * The error hierarchy, built from `error-kinds.json`: the one table of error kinds (class name,
 * parent class, stable `code`, `ots` exit code). Rust passes a kind's `code`; the CLI maps exit
 * codes by `code`; index.js exports these classes. Every error this package throws or rejects with
 * is a `OneTimeSecretError`; errors from an HTTP answer also carry `status`. Class names and
 * messages are those of onetimesecret-api 2.1.1, so `instanceof` checks written for 2.x keep working.
 *
 * The native addon hands errors over as data (src/errors.rs) and `fromNative` builds them here,
 * with these classes: each loaded copy of the package (a Jest or Vitest sandbox, each
 * `jest.isolateModules` registry, each worker) builds its errors with its own classes.
 */

const kinds = require('./error-kinds.json')

class OneTimeSecretError extends Error {
  /**
   * @param {string} [message]
   * @param {{ code?: string, status?: number, intendedStatus?: number, serverMessage?: string,
   *           retryAfter?: number, cause?: unknown, envelope?: string }} [details]
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
      // v2 generate that created a secret but could not read its value: its keys, to burn it.
      // Not enumerable, so logging the error (JSON.stringify, util.inspect) does not show them:
      // a secret key is the capability to read the secret.
      for (const k of ['metadata_key', 'secret_key']) {
        if (details[k] !== undefined) Object.defineProperty(this, k, { value: details[k], writable: true, configurable: true })
      }
      // DecryptionError: the envelope that did not open (ciphertext only), so the secret is kept.
      if (details.envelope !== undefined) this.envelope = details.envelope
    }
  }
}

/** Gives `Cls` its table row: `name` on the prototype (as `Error` has), `code` and `exitCode` as statics. */
function describe(Cls, kind) {
  Object.defineProperty(Cls.prototype, 'name', { value: kind.name, writable: true, configurable: true })
  Object.defineProperty(Cls, 'code', { value: kind.code })
  Object.defineProperty(Cls, 'exitCode', { value: kind.exitCode })
  return Cls
}

const classes = {}
const byCode = new Map()
for (const kind of kinds) {
  let Cls
  if (kind.parent === null) {
    Cls = OneTimeSecretError
  } else {
    // A named class expression, so stack traces and `constructor.name` read naturally.
    const Base = classes[kind.parent]
    Cls = { [kind.name]: class extends Base {} }[kind.name]
  }
  classes[kind.name] = describe(Cls, kind)
  byCode.set(kind.code, Cls)
}
Object.freeze(kinds)
for (const kind of kinds) Object.freeze(kind)

/**
 * The `ots` exit code for `err`, by its `code` from the table: 1 for anything the table does not
 * list (including errors that are not this package's).
 */
function exitCodeOf(err) {
  const Cls = err !== null && typeof err === 'object' ? byCode.get(err.code) : undefined
  return Cls === undefined ? OneTimeSecretError.exitCode : Cls.exitCode
}

/**
 * The error the native addon's `err` stands for, as an instance of these classes: the addon throws
 * and rejects with an `Error` carrying `code`, `message` and `otsDetails` (src/errors.rs), where
 * `otsDetails.thrown` is what reading a hostile option threw (kept as it is, as the `cause`).
 * Anything else is returned unchanged.
 */
function fromNative(err) {
  let details
  try {
    details = err !== null && typeof err === 'object' ? err.otsDetails : undefined
  } catch {
    return err // a hostile object (a revoked Proxy) that napi passed through as it was thrown
  }
  if (details === null || typeof details !== 'object' || typeof err.code !== 'string') return err
  const Cls = byCode.get(err.code) || OneTimeSecretError
  const e = new Cls(err.message, details)
  if ('thrown' in details) Object.defineProperty(e, 'cause', { value: details.thrown, writable: true, configurable: true })
  return e
}

module.exports = { ...classes, kinds, exitCodeOf, fromNative }

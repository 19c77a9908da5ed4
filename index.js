'use strict'

// The public surface: a thin skin over the native client. Arguments are checked and converted in
// Rust; this file only keeps the credentials out of reach (a private field holding the native
// object), wires AbortSignals to native cancel tokens, turns any synchronous throw into a
// rejected Promise, so no method ever throws, and makes what the native side hands over (an
// answer as JSON text, an error as data) into objects of this copy's realm: its own `JSON.parse`,
// its own error classes (errors.js). So answers are `instanceof Object` and errors `instanceof`
// the classes this copy exports, in a Jest or Vitest sandbox and with several copies loaded.

const binding = require('./load-binding.js').load()
const errors = require('./errors.js')

const { NativeClient, CancelToken } = binding
const { fromNative } = errors
const ANONYMOUS = Symbol('anonymous')
const inspect = Symbol.for('nodejs.util.inspect.custom')

function isAbortSignal(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof value.aborted === 'boolean' &&
    typeof value.addEventListener === 'function' &&
    typeof value.removeEventListener === 'function'
  )
}

function abortError(signal) {
  return new errors.AbortError('The operation was aborted', { cause: signal.reason })
}

// One 'abort' listener per signal, shared by every call in flight on it: a single AbortController
// may serve any number of concurrent calls without tripping MaxListenersExceededWarning, and the
// listener goes away when the last of those calls settles.
const inFlight = new WeakMap() // AbortSignal -> { tokens: Set<CancelToken>, onAbort }

function track(signal, token) {
  let entry = inFlight.get(signal)
  if (entry === undefined) {
    const tokens = new Set()
    const onAbort = () => {
      inFlight.delete(signal)
      for (const t of tokens) t.cancel()
      tokens.clear()
    }
    entry = { tokens, onAbort }
    signal.addEventListener('abort', onAbort, { once: true })
    inFlight.set(signal, entry)
  }
  entry.tokens.add(token)
  return () => {
    entry.tokens.delete(token)
    if (entry.tokens.size === 0 && inFlight.get(signal) === entry) {
      inFlight.delete(signal)
      try {
        signal.removeEventListener('abort', entry.onAbort)
      } catch {}
    }
  }
}

/** What a value is, for messages (typeof, with null and array told apart); never its content. */
function typeName(value) {
  if (value === null) return 'null'
  return Array.isArray(value) ? 'array' : typeof value
}

/**
 * Starts `native[method](...args, token)`, honouring `options.signal`; returns its Promise (of the
 * answer's JSON text). Throws for bad arguments (an InputError built here, while the caller's frames
 * are still on the stack); reading a hostile `signal` that throws is an InputError too, with what
 * it threw as `cause`.
 */
function start(native, method, args, options) {
  let signal, token, cleanup
  try {
    signal = options !== null && typeof options === 'object' ? options.signal : undefined
    if (signal === undefined || signal === null) {
      try {
        return native[method](...args, null)
      } catch (err) {
        throw fromNative(err)
      }
    }
    if (!isAbortSignal(signal)) throw new errors.InputError(`signal: expected an AbortSignal, got ${typeName(signal)}`)
    if (signal.aborted) throw abortError(signal)
    token = new CancelToken()
    cleanup = track(signal, token)
  } catch (err) {
    if (err instanceof errors.OneTimeSecretError) throw err
    // A getter or method of a hostile signal threw.
    throw new errors.InputError('signal: reading it threw (see cause)', { cause: err })
  }
  let promise
  try {
    promise = native[method](...args, token)
  } catch (err) {
    cleanup()
    throw fromNative(err)
  }
  return promise.then(
    (value) => {
      cleanup()
      return value
    },
    (err) => {
      cleanup()
      err = fromNative(err)
      if (err instanceof errors.AbortError && err.cause === undefined && signal.reason !== undefined) {
        Object.defineProperty(err, 'cause', { value: signal.reason, writable: true, configurable: true })
      }
      throw err
    },
  )
}

// NODE_TLS_REJECT_UNAUTHORIZED=0 turns certificate verification off (crates/core/src/tls/ reads
// it when a client is made); Node's own warning, once per process, as Node's https prints it.
let warnedUnverified = false
function warnIfUnverified(native) {
  if (warnedUnverified || process.env.NODE_TLS_REJECT_UNAUTHORIZED !== '0' || !native.url.startsWith('https:')) return
  warnedUnverified = true
  process.emitWarning(
    "Setting the NODE_TLS_REJECT_UNAUTHORIZED environment variable to '0' makes TLS connections and HTTPS requests insecure by disabling certificate verification.",
  )
}

/**
 * One call: never throws, always a Promise (of this realm), resolving with the answer parsed by
 * this realm's `JSON`. An error that settles later was made with no caller on the stack, so its
 * stack is taken again here, where V8 knows the awaiting callers (`at async <caller>`); only
 * failures pay for it. Errors thrown synchronously (bad input) already carry the caller's frames
 * and keep them.
 */
async function call(native, method, args, options) {
  const promise = start(native, method, args, options)
  let text
  try {
    text = await promise
  } catch (caught) {
    const err = fromNative(caught)
    if (err instanceof errors.OneTimeSecretError) Error.captureStackTrace(err, call)
    throw err
  }
  return JSON.parse(text)
}

class OneTimeSecretApi {
  #native

  /**
   * @param {string} username account email
   * @param {string} password API token
   * @param {object} [options] `{ url, apiVersion, region, timeout, retries, ca, proxy, shareDomain }`
   */
  constructor(username, password, options) {
    if (username !== ANONYMOUS && (username === undefined || password === undefined)) {
      throw new errors.InputError('No username or password provided')
    }
    try {
      this.#native =
        username === ANONYMOUS ? new NativeClient(null, null, password) : new NativeClient(username, password, options)
    } catch (err) {
      throw fromNative(err)
    }
    warnIfUnverified(this.#native)
  }

  /** A client that sends no credentials at all (share, generate, reveal, receipt and burn work). */
  static anonymous(options) {
    return new OneTimeSecretApi(ANONYMOUS, options)
  }

  /**
   * Opens an end-to-end encrypted envelope (docs/E2E.md) with the key from a link's `#fragment`.
   * Local, nothing is sent; rejects with `DecryptionError` (carrying the envelope) or `InputError`.
   */
  static decrypt(envelope, linkOrFragment) {
    try {
      return Promise.resolve(binding.decrypt(envelope, linkOrFragment))
    } catch (err) {
      return Promise.reject(fromNative(err))
    }
  }

  /** The server's base URL, without a trailing slash. */
  get url() {
    return this.#native.url
  }

  get apiVersion() {
    return this.#native.apiVersion
  }

  get anonymous() {
    return this.#native.anonymous
  }

  status(options) {
    return call(this.#native, 'status', [options], options)
  }

  share(secret, options) {
    return call(this.#native, 'share', [secret, options], options)
  }

  generate(options) {
    return call(this.#native, 'generate', [options], options)
  }

  retrieveSecret(secretKey, options) {
    return call(this.#native, 'retrieveSecret', [secretKey, options], options)
  }

  retrieveMetadata(metadataKey, options) {
    return call(this.#native, 'retrieveMetadata', [metadataKey, options], options)
  }

  burn(metadataKey, options) {
    return call(this.#native, 'burn', [metadataKey, options], options)
  }

  recentMetadata(options) {
    return call(this.#native, 'recentMetadata', [options], options)
  }

  /** API v2 only: a secret's state without revealing it. */
  secretStatus(secretKey, options) {
    return call(this.#native, 'secretStatus', [secretKey, options], options)
  }

  /** What the server is: `{ status, version, apiVersions }`. */
  serverInfo(options) {
    return call(this.#native, 'serverInfo', [options], options)
  }

  toJSON() {
    return { url: this.url, apiVersion: this.apiVersion, anonymous: this.anonymous }
  }

  [inspect]() {
    return `OneTimeSecretApi { url: '${this.url}', apiVersion: '${this.apiVersion}', anonymous: ${this.anonymous} }`
  }
}

const ApiVersion = Object.freeze({ V1: 'v1', V2: 'v2' })

Object.defineProperty(exports, '__esModule', { value: true })
exports.OneTimeSecretApi = OneTimeSecretApi
exports.default = OneTimeSecretApi
exports.ApiVersion = ApiVersion
// The error classes, one literal `exports.X =` line per row of error-kinds.json: Node's CommonJS
// lexer (and Deno's, and bundlers') find named exports only in such lines, and index.mjs imports
// them by name. __test__/error-kinds.test.mjs checks this list, index.mjs's and index.d.ts's
// against the table.
exports.OneTimeSecretError = errors.OneTimeSecretError
exports.InputError = errors.InputError
exports.NotAuthorizedError = errors.NotAuthorizedError
exports.UnknownSecretError = errors.UnknownSecretError
exports.IncorrectPassphraseError = errors.IncorrectPassphraseError
exports.RateLimitedError = errors.RateLimitedError
exports.NetworkError = errors.NetworkError
exports.TimeoutError = errors.TimeoutError
exports.InternalServerError = errors.InternalServerError
exports.NotFoundError = errors.NotFoundError
exports.DecryptionError = errors.DecryptionError
exports.InvalidResponseError = errors.InvalidResponseError
exports.UnsupportedError = errors.UnsupportedError
exports.ApiError = errors.ApiError
exports.AbortError = errors.AbortError

'use strict'

// The public surface: a thin skin over the native client. Arguments are checked and converted in
// Rust; this file only keeps the credentials out of reach (a private field holding the native
// object), wires AbortSignals to native cancel tokens, and turns any synchronous throw into a
// rejected Promise, so no method ever throws.

const binding = require('./load-binding.js').load()
const errors = require('./errors.js')

binding.registerErrorFactory(errors.fromNative)

const { NativeClient, CancelToken } = binding
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

/** Calls `native[method](...args, token)`, honouring `options.signal`. Never throws. */
function run(native, method, args, options) {
  let signal, token, cleanup
  try {
    signal = options !== null && typeof options === 'object' ? options.signal : undefined
    if (signal === undefined || signal === null) return native[method](...args, null)
    // Reading a fake signal's properties may throw: that too becomes a rejection.
    if (!isAbortSignal(signal)) return Promise.reject(new errors.InputError('Invalid signal: expected an AbortSignal'))
    if (signal.aborted) return Promise.reject(abortError(signal))
    token = new CancelToken()
    cleanup = track(signal, token)
  } catch (err) {
    return Promise.reject(err)
  }
  let promise
  try {
    promise = native[method](...args, token)
  } catch (err) {
    cleanup()
    return Promise.reject(err)
  }
  return promise.then(
    (value) => {
      cleanup()
      return value
    },
    (err) => {
      cleanup()
      if (err instanceof errors.AbortError && err.cause === undefined && signal.reason !== undefined) {
        Object.defineProperty(err, 'cause', { value: signal.reason, writable: true, configurable: true })
      }
      throw err
    },
  )
}

// NODE_TLS_REJECT_UNAUTHORIZED=0 turns certificate verification off (crates/core/src/tls.rs reads
// it when a client is made); Node's own warning, once per process, as Node's https prints it.
let warnedUnverified = false
function warnIfUnverified(native) {
  if (warnedUnverified || process.env.NODE_TLS_REJECT_UNAUTHORIZED !== '0' || !native.url.startsWith('https:')) return
  warnedUnverified = true
  process.emitWarning(
    "Setting the NODE_TLS_REJECT_UNAUTHORIZED environment variable to '0' makes TLS connections and HTTPS requests insecure by disabling certificate verification.",
  )
}

class OneTimeSecretApi {
  #native

  /**
   * @param {string} username account email
   * @param {string} password API token
   * @param {object} [options] `{ url, apiVersion, region, timeout, retries, ca, proxy, shareDomain }`
   */
  constructor(username, password, options) {
    if (username === ANONYMOUS) {
      this.#native = new NativeClient(null, null, password)
      warnIfUnverified(this.#native)
      return
    }
    if (username === undefined || password === undefined) {
      throw new errors.InputError('No username or password provided')
    }
    this.#native = new NativeClient(username, password, options)
    warnIfUnverified(this.#native)
  }

  /** A client that sends no credentials at all (share, generate, reveal, receipt and burn work). */
  static anonymous(options) {
    return new OneTimeSecretApi(ANONYMOUS, options)
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
    return run(this.#native, 'status', [options], options)
  }

  share(secret, options) {
    return run(this.#native, 'share', [secret, options], options)
  }

  generate(options) {
    return run(this.#native, 'generate', [options], options)
  }

  retrieveSecret(secretKey, options) {
    return run(this.#native, 'retrieveSecret', [secretKey, options], options)
  }

  retrieveMetadata(metadataKey, options) {
    return run(this.#native, 'retrieveMetadata', [metadataKey, options], options)
  }

  burn(metadataKey, options) {
    return run(this.#native, 'burn', [metadataKey, options], options)
  }

  recentMetadata(options) {
    return run(this.#native, 'recentMetadata', [options], options)
  }

  /** API v2 only: a secret's state without revealing it. */
  secretStatus(secretKey, options) {
    return run(this.#native, 'secretStatus', [secretKey, options], options)
  }

  /** What the server is: `{ status, version, apiVersions }`. */
  serverInfo(options) {
    return run(this.#native, 'serverInfo', [options], options)
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
// The error classes, one export per row of error-kinds.json (index.mjs and index.d.ts list them
// by name; __test__/error-kinds.test.mjs checks both against the table).
for (const kind of errors.kinds) exports[kind.name] = errors[kind.name]

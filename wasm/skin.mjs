// The public surface of the WebAssembly build, shaped as index.js is for the addon: the same
// OneTimeSecretApi class, answers and error classes (errors.js, from error-kinds.json), over the
// same Rust core compiled to WebAssembly (crates/wasm). The entries (browser.mjs, workerd.mjs)
// differ only in how the .wasm is loaded; each hands `makeApi` a loader.
//
// What this skin adds to the addon's: where the .wasm is still loading (a browser fetches it), a
// client made now is set up on its first call, and a bad option rejects that call instead of
// throwing from the constructor; `await ready()` first keeps the addon's behaviour exactly.

import errors from '../errors.js'

const ANONYMOUS = Symbol('anonymous')

function isAbortSignal(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof value.aborted === 'boolean' &&
    typeof value.addEventListener === 'function' &&
    typeof value.removeEventListener === 'function'
  )
}

function typeName(value) {
  if (value === null) return 'null'
  return Array.isArray(value) ? 'array' : typeof value
}

function abortError(signal) {
  return new errors.AbortError('The operation was aborted', { cause: signal.reason })
}

// The stack of an error that settles later, taken again where the caller awaits (V8 only).
const recapture = typeof Error.captureStackTrace === 'function' ? Error.captureStackTrace : () => {}

/**
 * @param {() => Promise<object>} load resolves to the wasm-bindgen module, initialised
 * @param {() => object | undefined} loaded that module if it is already initialised
 */
export function makeApi(load, loaded) {
  const glue = loaded
  const ready = () => load().then(() => glue())
  const { fromNative } = errors

  // One 'abort' listener per signal, shared by every call in flight on it (as index.js).
  const inFlight = new WeakMap()
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

  function start(g, client, method, args, options) {
    let signal, token, cleanup
    try {
      signal = options !== null && typeof options === 'object' ? options.signal : undefined
      if (signal === undefined || signal === null) {
        try {
          return client[method](...args, undefined)
        } catch (err) {
          throw fromNative(err)
        }
      }
      if (!isAbortSignal(signal)) throw new errors.InputError(`signal: expected an AbortSignal, got ${typeName(signal)}`)
      if (signal.aborted) throw abortError(signal)
      token = new g.CancelToken()
      cleanup = track(signal, token)
    } catch (err) {
      if (err instanceof errors.OneTimeSecretError) throw err
      throw new errors.InputError('signal: reading it threw (see cause)', { cause: err })
    }
    let promise
    try {
      promise = client[method](...args, token.handle())
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

  async function call(api, method, args, options) {
    try {
      const client = await api._client()
      return await start(glue(), client, method, args, options)
    } catch (caught) {
      const err = fromNative(caught)
      if (err instanceof errors.OneTimeSecretError) recapture(err, call)
      throw err
    }
  }

  const clients = new WeakMap() // OneTimeSecretApi -> WasmClient | Promise<WasmClient>

  class OneTimeSecretApi {
    /**
     * @param {string} username account email
     * @param {string} password API token
     * @param {object} [options] `{ url, apiVersion, region, timeout, retries, shareDomain }`
     */
    constructor(username, password, options) {
      let args
      if (username === ANONYMOUS) {
        args = [null, null, password]
      } else {
        if (username === undefined || password === undefined) {
          throw new errors.InputError('No username or password provided')
        }
        args = [username, password, options]
      }
      const make = (g) => {
        try {
          return new g.WasmClient(...args)
        } catch (err) {
          throw fromNative(err)
        }
      }
      const g = glue()
      if (g !== undefined) {
        clients.set(this, make(g))
      } else {
        const pending = ready().then(make)
        pending.catch(() => {})
        clients.set(this, pending)
      }
    }

    /** A client that sends no credentials at all. */
    static anonymous(options) {
      return new OneTimeSecretApi(ANONYMOUS, options)
    }

    /** Opens an end-to-end encrypted envelope with the key from a link's `#fragment`; local. */
    static decrypt(envelope, linkOrFragment) {
      return ready().then((g) => {
        try {
          return g.decrypt(envelope, linkOrFragment)
        } catch (err) {
          throw fromNative(err)
        }
      })
    }

    /** @internal the client, once the module is loaded. */
    _client() {
      const c = clients.get(this)
      if (typeof c.then === 'function') {
        return c.then((client) => {
          clients.set(this, client)
          return client
        })
      }
      return Promise.resolve(c)
    }

    #made() {
      const c = clients.get(this)
      return c !== undefined && typeof c.then !== 'function' ? c : undefined
    }

    /** The server's base URL (undefined until the module has loaded: `await ready()` first). */
    get url() {
      return this.#made()?.url
    }

    get apiVersion() {
      return this.#made()?.apiVersion
    }

    get anonymous() {
      return this.#made()?.anonymous
    }

    status(options) {
      return call(this, 'status', [options], options)
    }

    share(secret, options) {
      return call(this, 'share', [secret, options], options)
    }

    generate(options) {
      return call(this, 'generate', [options], options)
    }

    retrieveSecret(secretKey, options) {
      return call(this, 'retrieveSecret', [secretKey, options], options)
    }

    retrieveMetadata(metadataKey, options) {
      return call(this, 'retrieveMetadata', [metadataKey, options], options)
    }

    burn(metadataKey, options) {
      return call(this, 'burn', [metadataKey, options], options)
    }

    recentMetadata(options) {
      return call(this, 'recentMetadata', [options], options)
    }

    secretStatus(secretKey, options) {
      return call(this, 'secretStatus', [secretKey, options], options)
    }

    serverInfo(options) {
      return call(this, 'serverInfo', [options], options)
    }

    toJSON() {
      return { url: this.url, apiVersion: this.apiVersion, anonymous: this.anonymous }
    }
  }
  Object.defineProperty(OneTimeSecretApi.prototype, '_client', { enumerable: false })

  return { OneTimeSecretApi, ready: () => ready().then(() => undefined) }
}

export const ApiVersion = Object.freeze({ V1: 'v1', V2: 'v2' })
export const {
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
  DecryptionError,
} = errors

'use strict'

// onetimesecret-api/testing: a faithful in-memory OneTimeSecret server on 127.0.0.1 for tests.
// A thin skin over the native server, like index.js over the native client: errors (bad options,
// a port in use) become instances of this copy's own classes (errors.js), and what it returns
// (the server, its Promises, `requestCounts()`) is made in this copy's realm.
const binding = require('./load-binding.js').load()
const { fromNative } = require('./errors.js')

const PRIVATE = Symbol('EmbeddedServer')

/** A running embedded server, from `startServer()`. */
class EmbeddedServer {
  #native

  constructor(native, key) {
    if (key !== PRIVATE) throw new TypeError('EmbeddedServer is made by startServer()')
    this.#native = native
  }

  /** `http://127.0.0.1:<port>` */
  get url() {
    return this.#native.url
  }

  get port() {
    return this.#native.port
  }

  get username() {
    return this.#native.username
  }

  get apiKey() {
    return this.#native.apiKey
  }

  get generation() {
    return this.#native.generation
  }

  /** Adds an account and returns its API token (a random one unless given). */
  addAccount(email, token) {
    try {
      return this.#native.addAccount(email, token)
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** Moves the server's clock forward: secrets expire as if the time had passed. */
  advanceClock(seconds) {
    try {
      this.#native.advanceClock(seconds)
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** Requests received per route, e.g. `{ "POST /api/v1/share": 2 }`. */
  requestCounts() {
    return { ...this.#native.requestCounts() }
  }

  /** Requests received on `route` (e.g. `"POST /api/v1/secret/:key"`), or on every route. */
  requestCount(route) {
    return this.#native.requestCount(route)
  }

  setFault(fault) {
    try {
      this.#native.setFault(fault)
    } catch (err) {
      throw fromNative(err)
    }
  }

  clearFaults() {
    this.#native.clearFaults()
  }

  /** Rate limiting on (`limit` requests per window and client) or off (`null`). */
  setRateLimit(limit) {
    try {
      this.#native.setRateLimit(limit)
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** Stops the server, drops its connections, wipes its secrets and frees the port. */
  async close() {
    await this.#native.close()
  }
}

/**
 * Starts an embedded OTS server. Resolves to an `EmbeddedServer`; bad options reject with an
 * `InputError` naming the option.
 * @param {import('./testing').ServerOptions} [options]
 */
async function startServer(options) {
  let native
  try {
    native = await binding.startServer(options === undefined ? null : options)
  } catch (err) {
    throw fromNative(err)
  }
  return new EmbeddedServer(native, PRIVATE)
}

exports.startServer = startServer
exports.EmbeddedServer = EmbeddedServer

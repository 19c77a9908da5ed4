'use strict'

// onetimesecret-api/testing: a faithful in-memory OneTimeSecret server on 127.0.0.1 for tests.
const binding = require('./load-binding.js').load()
// The main entry registers the error classes with the addon, so bad options reject with the same
// `InputError` class users import from 'onetimesecret-api'.
require('./index.js')

/**
 * Starts an embedded OTS server. Resolves to a handle with `url`, `username`, `apiKey`, `close()`,
 * `addAccount()`, `advanceClock()`, `requestCount()`, `requestCounts()`, `setFault()`,
 * `clearFaults()` and `setRateLimit()`. Bad options reject with an `InputError` naming the option.
 * @param {import('./testing').ServerOptions} [options]
 */
function startServer(options) {
  try {
    return binding.startServer(options === undefined ? null : options)
  } catch (err) {
    return Promise.reject(err)
  }
}

exports.startServer = startServer
exports.EmbeddedServer = binding.EmbeddedServer

'use strict'

// onetimesecret-api/testing: a faithful in-memory OneTimeSecret server on 127.0.0.1 for tests.
const binding = require('./load-binding.js').load()

/**
 * Starts an embedded OTS server. Resolves to a handle with `url`, `username`, `apiKey`, `close()`,
 * `addAccount()`, `advanceClock()`, `requestCount()`, `requestCounts()`, `setFault()`,
 * `clearFaults()` and `setRateLimit()`.
 * @param {import('./testing').ServerOptions} [options]
 */
function startServer(options) {
  return binding.startServer(options === undefined ? null : options)
}

exports.startServer = startServer
exports.EmbeddedServer = binding.EmbeddedServer

// Shared helpers for the client suites (client-v1, client-v2, compat). Everything here talks real
// HTTP on 127.0.0.1: the embedded OTS server, or small node:http / net servers for broken answers.
import assert from 'node:assert/strict'
import http from 'node:http'
import net from 'node:net'

import { OneTimeSecretError } from '../../index.mjs'
import { closedPort } from './reliability-common.mjs'

/**
 * Asserts that `promise` rejects with an instance of `Class`, and checks `name`, `code`, `status` and
 * `message` (a string is compared exactly, a RegExp is matched). `status: undefined` asserts that the
 * error carries no status (nothing was answered). Returns the error for further checks.
 */
export async function rejectsWith(promise, Class, expected = {}) {
  assert.ok(promise instanceof Promise, 'the call must return a Promise, not throw')
  let error
  await promise.then(
    (value) => assert.fail(`expected ${Class.name}, but the call resolved with ${safeJson(value)}`),
    (e) => {
      error = e
    },
  )
  assertError(error, Class, expected)
  return error
}

/** The synchronous counterpart of `rejectsWith`, for the constructor. */
export function throwsWith(fn, Class, expected = {}) {
  let error
  try {
    fn()
  } catch (e) {
    error = e
  }
  assert.ok(error !== undefined, `expected ${Class.name} to be thrown synchronously`)
  assertError(error, Class, expected)
  return error
}

function assertError(error, Class, expected) {
  assert.ok(
    error instanceof Class,
    `expected an instance of ${Class.name}, got ${error && error.name}: ${error && error.message}`,
  )
  assert.ok(error instanceof OneTimeSecretError, 'every error is a OneTimeSecretError')
  assert.ok(error instanceof Error, 'every error is an Error')
  assert.equal(error.name, expected.name ?? Class.name, 'error.name')
  assert.equal(error.code, expected.code ?? Class.code, 'error.code')
  if ('status' in expected) assert.equal(error.status, expected.status, 'error.status')
  if (expected.message instanceof RegExp) assert.match(error.message, expected.message)
  else if (expected.message !== undefined) assert.equal(error.message, expected.message)
}

function safeJson(value) {
  try {
    return JSON.stringify(value).slice(0, 300)
  } catch {
    return String(value)
  }
}

/**
 * A node:http server on 127.0.0.1 that records every request (method, url, headers, body) and
 * answers with `handler(req, res, body)`. `close()` also drops kept-alive connections.
 */
export async function startHttpServer(handler) {
  const requests = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      requests.push({ method: req.method, url: req.url, headers: req.headers, body })
      handler(req, res, body)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Answers every request with `status`, `contentType` and `body` (plus `headers`). */
export function fixedAnswer(status, contentType, body, headers = {}) {
  return (req, res) => {
    res.writeHead(status, { 'Content-Type': contentType, ...headers })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  }
}

/**
 * A raw TCP server that accepts connections and never says anything: a server that hangs.
 * `connections` counts accepted sockets.
 */
export async function startSilentServer() {
  const sockets = new Set()
  let connections = 0
  const server = net.createServer((socket) => {
    connections += 1
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A loopback URL where nothing listens (see closedPort: no port-reuse race). */
export async function refusedUrl() {
  return `http://127.0.0.1:${await closedPort()}`
}

/** Keys as each generation issues them (__test__/fixtures/ots-api/ots-api.md §2 "Keys"): lowercase base36. */
export const KEY_RE = /^[0-9a-z]+$/

/** Expected key length per generation: ≤31 (v0.12, gibbler), exactly 31 (v0.17-v0.23), 62 (v0.24+). */
export function assertKeyShape(key, generation, what) {
  assert.equal(typeof key, 'string', `${what} is a string`)
  assert.match(key, KEY_RE, `${what} is base36`)
  if (generation === 'v0.12') assert.ok(key.length >= 20 && key.length <= 31, `${what} length ${key.length}`)
  else if (generation === 'v0.22') assert.equal(key.length, 31, `${what} length`)
  else assert.equal(key.length, 62, `${what} length`)
}

/** Numbers the 2.1.1 types declare as `number` must be integers on the wire (__test__/fixtures/ots-api/ots-api.md §3.4.2). */
export function assertIntegerFields(record, fields, what) {
  for (const f of fields) {
    assert.equal(typeof record[f], 'number', `${what}.${f} is a number (got ${safeJson(record[f])})`)
    assert.ok(Number.isInteger(record[f]), `${what}.${f} is an integer (got ${record[f]})`)
  }
}

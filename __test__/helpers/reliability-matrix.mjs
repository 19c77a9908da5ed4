// The fault matrix: every fault kind x every call. Used by __test__/faults.test.mjs (CI) and by
// scripts/stress.mjs (which writes RELIABILITY.md from its rows). Each cell records the error class
// the call settled with, how long it took, and how many requests reached the server (from the
// embedded server's counters, or a raw TCP server's request log).

import { OneTimeSecretApi } from '../../index.mjs'
import { CALLS, rawServer, closedPort, settle, USERNAME, TOKEN_MARK } from './reliability-common.mjs'

const RETRIES = 2
const MAX_BODY = 1024 * 1024

/**
 * `server`: fault to set on the embedded server; `raw`: a raw TCP responder; `refused`: no listener.
 * `cls`: expected error class; `retried`: whether calls that create/consume nothing are retried
 * (then they are sent 1 + RETRIES times; calls that create/consume a secret always exactly once).
 */
export const FAULTS = [
  { name: 'connection refused', refused: true, cls: 'NetworkError', retried: true },
  { name: 'reset before response', server: { kind: 'closeBeforeResponse' }, cls: 'NetworkError', retried: true },
  { name: 'reset mid-body', server: { kind: 'closeMidBody' }, cls: 'NetworkError', retried: true },
  { name: 'slow headers', server: (t) => ({ kind: 'delayHeaders', ms: t * 4 }), cls: 'TimeoutError', retried: false },
  { name: 'slow body', server: (t) => ({ kind: 'delayBody', ms: t * 4 }), cls: 'TimeoutError', retried: false },
  { name: 'HTML 502', server: { kind: 'status', status: 502, html: true }, cls: 'InternalServerError', retried: false },
  { name: 'HTML 503', server: { kind: 'status', status: 503, html: true }, cls: 'InternalServerError', retried: true },
  { name: '500', server: { kind: 'status', status: 500 }, cls: 'InternalServerError', retried: false },
  { name: '503', server: { kind: 'status', status: 503 }, cls: 'InternalServerError', retried: true },
  { name: 'truncated JSON', server: { kind: 'truncatedJson' }, cls: 'InvalidResponseError', retried: false },
  { name: 'invalid JSON', server: { kind: 'invalidJson' }, cls: 'InvalidResponseError', retried: false },
  { name: 'invalid UTF-8', server: { kind: 'invalidUtf8' }, cls: 'InvalidResponseError', retried: false },
  { name: 'wrong content type', server: { kind: 'wrongContentType' }, cls: 'InvalidResponseError', retried: false },
  { name: 'huge body', server: { kind: 'hugeBody', bytes: 4 * MAX_BODY }, cls: 'InvalidResponseError', retried: false },
  { name: '429 + Retry-After: 0', server: { kind: 'rateLimited', retryAfter: 0 }, cls: 'RateLimitedError', retried: true },
  {
    name: '429 + Retry-After past deadline',
    server: { kind: 'rateLimited', retryAfter: 3600 },
    cls: 'RateLimitedError',
    retried: false,
  },
  {
    name: 'raw: not HTTP',
    raw: (socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'),
    cls: 'NetworkError',
    retried: true,
  },
  {
    name: 'raw: malformed header',
    raw: (socket) => socket.end('HTTP/1.1 200 OK\r\nthis is not a header\r\n\r\n'),
    cls: 'NetworkError',
    retried: true,
  },
  {
    name: 'raw: body shorter than Content-Length',
    raw: (socket) =>
      socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"status":'),
    cls: 'NetworkError',
    retried: true,
  },
  {
    name: 'raw: endless chunked body',
    raw: (socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n')
      const chunk = `10000\r\n${'A'.repeat(0x10000)}\r\n`
      const pump = () => {
        while (!socket.destroyed && socket.write(chunk)) {}
      }
      socket.on('drain', pump)
      pump()
    },
    cls: 'InvalidResponseError',
    retried: false,
  },
]

function routeRegex(route) {
  const [method, path] = route.split(' ')
  return new RegExp(`^${method} ${path.replace(/:[a-z]+/g, '[^/ ?]+')}(\\?[^ ]*)? HTTP/`)
}

/**
 * Runs the matrix. `server`: a running embedded server (started with USERNAME / TOKEN_MARK).
 * `log`: an ErrorLog every error goes into. Returns one row per cell.
 */
/**
 * Only the faults that expect a TimeoutError run with the short `timeoutMs`; every other cell gets
 * a timeout a loaded machine cannot run into (before, an endless body could time out before the
 * client had read `maxResponseBytes` of it on a busy machine, and the class was wrong).
 */
const PATIENT_MS = 20_000
/** A call that has not settled after this long hangs. */
const HANG_MS = 60_000

export async function runFaultMatrix({ server, timeoutMs = 800, log, faults = FAULTS, calls = CALLS }) {
  server.clearFaults()
  server.setRateLimit(null)
  const opts = { retries: RETRIES, retryDelay: 5, maxRetryDelay: 20, maxResponseBytes: MAX_BODY }
  const setup = new OneTimeSecretApi(USERNAME, TOKEN_MARK, { url: server.url })
  const rows = []
  for (const fault of faults) {
    // Keys to act on, created before any fault is set.
    const [a, b] = await Promise.all([setup.share('setup secret a'), setup.share('setup secret b')])
    const keys = { retrieveSecret: a, burn: b, retrieveMetadata: a, secretStatus: a }
    let url = server.url
    let raw
    if (fault.refused) url = `http://127.0.0.1:${await closedPort()}`
    if (fault.raw) {
      raw = await rawServer(fault.raw)
      url = raw.url
    }
    if (fault.server) {
      const spec = typeof fault.server === 'function' ? fault.server(timeoutMs) : fault.server
      for (const call of calls) server.setFault({ ...spec, route: call.route })
    }
    const timeout = fault.cls === 'TimeoutError' ? timeoutMs : PATIENT_MS
    const v1 = new OneTimeSecretApi(USERNAME, TOKEN_MARK, { url, timeout, ...opts })
    const v2 = new OneTimeSecretApi(USERNAME, TOKEN_MARK, { url, timeout, apiVersion: 'v2', ...opts })
    const before = server.requestCounts()
    const results = await Promise.all(
      calls.map((call) => settle(call.invoke(call.v2 ? v2 : v1, keys[call.name] || a, undefined))),
    )
    const after = server.requestCounts()
    server.clearFaults()
    if (raw) await raw.close()
    calls.forEach((call, i) => {
      const r = results[i]
      let sends = null
      if (fault.server) sends = (after[call.route] || 0) - (before[call.route] || 0)
      if (raw) sends = raw.state.requestLines.filter((l) => routeRegex(call.route).test(l)).length
      const expectedSends = fault.refused ? null : call.destructive || !fault.retried ? 1 : 1 + RETRIES
      const got = r.ok ? 'resolved' : (r.error && r.error.name) || typeof r.error
      if (!r.ok) log?.add(r.error, `${fault.name} / ${call.name}`)
      const problems = []
      if (got !== fault.cls) problems.push(`expected ${fault.cls}, got ${got}${r.ok ? '' : `: ${r.error?.message}`}`)
      if (expectedSends !== null && sends !== expectedSends) problems.push(`sent ${sends} times, expected ${expectedSends}`)
      // A hang detector, not a timing check: every cell settles (the deadline itself is tested in
      // Rust); elapsed time is only reported.
      if (r.ms > HANG_MS) problems.push(`settled after ${Math.round(r.ms)} ms (timeout ${timeoutMs} ms)`)
      rows.push({
        fault: fault.name,
        call: call.name,
        destructive: call.destructive,
        expected: fault.cls,
        got,
        ms: Math.round(r.ms),
        sends,
        expectedSends,
        duplicate: call.destructive && sends !== null && sends > 1,
        hang: r.ms > HANG_MS,
        problems,
      })
    })
  }
  return rows
}

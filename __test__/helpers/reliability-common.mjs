// Shared by the reliability suites (faults, fuzz, security, tls, load) and scripts/stress.mjs:
// the call table, raw TCP servers for what the embedded server cannot produce, a seeded PRNG,
// and the secret/token leak check applied to every error the suites produce.

import net from 'node:net'
import util from 'node:util'
import { once } from 'node:events'

// Markers: the secret value, the passphrase and the API token used by the suites. No error, log,
// inspect or JSON output may ever contain them.
export const SECRET_MARK = 'S3CRET-payload-7f3a9c'
export const PASS_MARK = 'P4SSPHRASE-9d2e'
export const TOKEN_MARK = 'T0KEN-b7e1d4c2a9f8e3d6c5b4a3f2e1d0c9b8'
export const USERNAME = 'reliability@example.com'
export const MARKERS = [SECRET_MARK, PASS_MARK, TOKEN_MARK]

/** Every call of the client, its server route per API version, and whether it creates/consumes. */
export const CALLS = [
  { name: 'status', destructive: false, route: 'GET /api/v1/status', invoke: (c, k, o) => c.status(o) },
  {
    name: 'share',
    destructive: true,
    route: 'POST /api/v1/share',
    invoke: (c, k, o) => c.share(SECRET_MARK, { passphrase: PASS_MARK, ...o }),
  },
  { name: 'generate', destructive: true, route: 'POST /api/v1/generate', invoke: (c, k, o) => c.generate(o) },
  {
    name: 'retrieveSecret',
    destructive: true,
    route: 'POST /api/v1/secret/:key',
    invoke: (c, k, o) => c.retrieveSecret(k.secret_key, { passphrase: PASS_MARK, ...o }),
  },
  {
    name: 'retrieveMetadata',
    destructive: false,
    route: 'POST /api/v1/private/:key',
    invoke: (c, k, o) => c.retrieveMetadata(k.metadata_key, o),
  },
  {
    name: 'burn',
    destructive: true,
    route: 'POST /api/v1/private/:key/burn',
    invoke: (c, k, o) => c.burn(k.metadata_key, { passphrase: PASS_MARK, ...o }),
  },
  { name: 'recentMetadata', destructive: false, route: 'GET /api/v1/private/recent', invoke: (c, k, o) => c.recentMetadata(o) },
  {
    name: 'secretStatus',
    destructive: false,
    v2: true,
    route: 'GET /api/v2/secret/:id/status',
    invoke: (c, k, o) => c.secretStatus(k.secret_key, o),
  },
]

/** Everything an error exposes, as text: message, stack, cause chain, own properties, JSON, inspect. */
export function errorText(err) {
  const parts = []
  const seen = new Set()
  let e = err
  while (e !== undefined && e !== null && !seen.has(e)) {
    seen.add(e)
    if (typeof e !== 'object' && typeof e !== 'function') {
      parts.push(String(e))
      break
    }
    for (const k of ['message', 'stack', 'serverMessage', 'code', 'name']) {
      try {
        if (e[k] !== undefined) parts.push(String(e[k]))
      } catch {}
    }
    try {
      parts.push(JSON.stringify(e))
    } catch {}
    try {
      parts.push(util.inspect(e, { depth: 5, showHidden: true }))
    } catch {}
    try {
      e = e.cause
    } catch {
      break
    }
  }
  return parts.join('\n')
}

/** Collects errors; `leaks()` lists those whose text contains a marker. */
export class ErrorLog {
  constructor() {
    this.count = 0
    this.leaked = []
  }
  add(err, where) {
    this.count++
    const text = errorText(err)
    for (const m of MARKERS) if (text.includes(m)) this.leaked.push({ where, marker: m, text: text.slice(0, 500) })
  }
}

/** mulberry32: small, fast, seeded. */
export function prng(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  next.int = (n) => Math.floor(next() * n)
  next.pick = (arr) => arr[Math.floor(next() * arr.length)]
  return next
}

/**
 * A raw TCP server on 127.0.0.1. `onRequest(socket, head)` is called with the first chunk(s) of each
 * request once its headers are complete. Tracks requests and socket closes so tests can prove,
 * server-side, that the client really closed its connection.
 */
export async function rawServer(onRequest) {
  const sockets = new Set()
  const state = { requests: 0, connections: 0, closed: 0, requestLines: [] }
  const server = net.createServer((socket) => {
    state.connections++
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => {
      state.closed++
      sockets.delete(socket)
      server.emit('socketClosed', socket)
    })
    let buf = ''
    socket.on('data', (d) => {
      buf += d.toString('latin1')
      while (true) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buf.slice(0, end)
        const m = /content-length:\s*(\d+)/i.exec(head)
        const len = m ? Number(m[1]) : 0
        if (buf.length < end + 4 + len) return
        buf = buf.slice(end + 4 + len)
        state.requests++
        state.requestLines.push(head.split('\r\n')[0])
        server.emit('request', socket, head)
        onRequest(socket, head)
      }
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  return {
    server,
    state,
    port,
    url: `http://127.0.0.1:${port}`,
    /** Resolves when the next request arrives: `{ socket, head }`. */
    nextRequest: () => once(server, 'request').then(([socket, head]) => ({ socket, head })),
    close: async () => {
      for (const s of sockets) s.destroy()
      server.close()
      await once(server, 'close')
    },
  }
}

/**
 * A port on 127.0.0.1 that nothing listens on. It is taken below the range the kernel hands out
 * for `listen(0)` and outgoing connections (Linux: from 32768; macOS: from 49152), so no other test
 * running at the same time can be given it between this check and its use (the port-reuse race a
 * port bound with `listen(0)` and released has). Checked free by binding it once.
 */
export async function closedPort() {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000)
    const s = net.createServer()
    const bound = await new Promise((resolve) => {
      s.once('error', () => resolve(false))
      s.listen(port, '127.0.0.1', () => resolve(true))
    })
    if (!bound) continue
    s.close()
    await once(s, 'close')
    return port
  }
}

export function jsonResponse(status, body, extra = '') {
  const text = JSON.stringify(body)
  return (
    `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
    `connection: close\r\n${extra}\r\n${text}`
  )
}

/** Settles `p` into `{ ok, value | error, ms }`; never rejects. */
export async function settle(p) {
  // Given a function, the clock starts before the call does: timed from a promise, the call has
  // already begun (its deadline may be running on the runtime thread), so a busy JS thread that
  // reads the clock late would under-measure, and a lower bound could fail for no fault of the call.
  const t0 = performance.now()
  try {
    const value = await (typeof p === 'function' ? p() : p)
    return { ok: true, value, ms: performance.now() - t0 }
  } catch (error) {
    return { ok: false, error, ms: performance.now() - t0 }
  }
}

// Load and lifetime: 10,000 calls with 1,000 in flight all settle correctly; the process exits
// promptly once the last call settles; clients and error classes work in worker threads.
// (RSS growth over 100,000 calls: `npm run stress`.)

import test from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { once } from 'node:events'
import { spawn } from 'node:child_process'
import { Worker } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'
import { startServer } from '../testing.mjs'
import { runLoad } from './helpers/reliability-load.mjs'
import { USERNAME, TOKEN_MARK } from './helpers/reliability-common.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

let server
test.before(async () => {
  server = await startServer({ username: USERNAME, apiKey: TOKEN_MARK })
  server.setRateLimit(null)
})
test.after(() => server.close())

test('10,000 calls with 1,000 in flight all settle with the right result', async () => {
  const before = server.requestCount()
  const r = await runLoad({ server, username: USERNAME, token: TOKEN_MARK, total: 10_000, inFlight: 1000 })
  assert.deepEqual(r.wrong, [])
  assert.equal(r.ok, 10_000)
  assert.equal(r.maxInFlight, 1000)
  // status: 1 request, share+reveal: 2, share: 1 -> 5 requests per 4 calls.
  assert.equal(server.requestCount() - before, 12_500)
})

// The child exits on its own (no process.exit): if a pooled connection or a pending native task
// kept Node alive, it would not exit until the pool's idle timeout (30 s), and the test's timeout,
// a hang detector well below that, fails it. No elapsed time is measured.
test('the process exits on its own once the last call settles (pooled connections keep nothing alive)', { timeout: 20_000 }, async () => {
  // The server lives here; the child only holds client connections (keep-alive, pooled).
  const srv = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ status: 'nominal', locale: 'en' }))
  })
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const url = `http://127.0.0.1:${srv.address().port}`
  const script = `
    const { OneTimeSecretApi } = require('./index.js')
    const c = new OneTimeSecretApi('a@b.c', 'tok', { url: ${JSON.stringify(url)} })
    const t = new OneTimeSecretApi('a@b.c', 'tok', { url: 'http://127.0.0.1:1', retries: 0 })
    Promise.all([
      ...Array.from({ length: 200 }, () => c.status()),
      t.status().catch((e) => e.name),
      c.status({ signal: new AbortController().signal }),
    ]).then((r) => {
      process.stdout.write('SETTLED ' + r.filter((v) => v === true).length + '\\n')
    })
  `
  try {
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    const [code] = await once(child, 'exit')
    assert.equal(code, 0)
    const m = /SETTLED (\d+)/.exec(out)
    assert.ok(m, out)
    assert.equal(Number(m[1]), 201)
  } finally {
    srv.closeAllConnections()
    srv.close()
  }
})

test('clients work in worker threads, with correct error classes there', async () => {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads')
    const api = require(workerData.root + '/index.js')
    ;(async () => {
      const c = new api.OneTimeSecretApi(workerData.user, workerData.token, { url: workerData.url })
      const s = await c.share('from a worker')
      const v = await c.retrieveSecret(s.secret_key)
      const gone = await c.retrieveSecret(s.secret_key).catch((e) => e)
      const bad = await c.burn(42).catch((e) => e)
      const aborted = await c.status({ signal: AbortSignal.abort() }).catch((e) => e)
      let ctor
      try { new api.OneTimeSecretApi(1, 2) } catch (e) { ctor = e }
      parentPort.postMessage({
        value: v.value,
        status: await c.status(),
        gone: [gone.name, gone instanceof api.UnknownSecretError, gone instanceof api.OneTimeSecretError],
        bad: [bad.name, bad instanceof api.InputError],
        aborted: [aborted.name, aborted instanceof api.AbortError],
        ctor: [ctor.name, ctor instanceof api.InputError],
      })
    })().catch((e) => parentPort.postMessage({ failed: String(e && e.stack || e) }))
  `
  const run = () =>
    new Promise((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { root: ROOT, url: server.url, user: USERNAME, token: TOKEN_MARK } })
      w.once('message', resolve)
      w.once('error', reject)
    })
  const results = await Promise.all([run(), run(), run(), run()])
  for (const r of results) {
    assert.deepEqual(r, {
      value: 'from a worker',
      status: true,
      gone: ['UnknownSecretError', true, true],
      bad: ['InputError', true],
      aborted: ['AbortError', true],
      ctor: ['InputError', true],
    })
  }
  // The main thread's classes still work after workers came and went.
  const { OneTimeSecretApi, InputError } = await import('../index.mjs')
  const err = await new OneTimeSecretApi(USERNAME, TOKEN_MARK, { url: server.url }).burn(1).catch((e) => e)
  assert.ok(err instanceof InputError)
})

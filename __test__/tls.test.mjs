// TLS with a private CA (certificates made with the openssl CLI at test time), the redirect policy
// (same-origin followed; cross-origin and https->http not followed, no Authorization to the other
// origin), and proxies (the `proxy` option; HTTP_PROXY / NO_PROXY in child processes).

import test from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import https from 'node:https'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import { execFileSync, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { OneTimeSecretApi, NetworkError, OneTimeSecretError } from '../index.mjs'
import { errorText, USERNAME, TOKEN_MARK } from './helpers/reliability-common.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const NOMINAL = JSON.stringify({ status: 'nominal', locale: 'en' })
const AUTH = `Basic ${Buffer.from(`${USERNAME}:${TOKEN_MARK}`).toString('base64')}`

function hasOpenssl() {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** A CA and a server certificate for 127.0.0.1 (and a second, unrelated CA). */
function makeCerts() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ots-tls-'))
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  for (const name of ['ca', 'other-ca']) {
    run('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=OTS test ${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
  }
  run('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1')
  fs.writeFileSync(path.join(dir, 'ext.cnf'),
    'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n')
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf')
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8')
  const certs = { ca: read('ca.pem'), otherCa: read('other-ca.pem'), key: read('server.key'), cert: read('server.pem') }
  fs.rmSync(dir, { recursive: true, force: true })
  return certs
}

/** An HTTP(S) server on 127.0.0.1 that records requests; `handler(req, res)` answers. */
async function recordingServer(handler, tls) {
  const seen = []
  const onRequest = (req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, headers: req.headers })
    handler(req, res)
  }
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  return {
    seen,
    port,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections?.()
      return new Promise((r) => server.close(r))
    },
  }
}

const ots = (req, res) => {
  res.setHeader('content-type', 'application/json')
  res.end(NOMINAL)
}

const client = (url, options) => new OneTimeSecretApi(USERNAME, TOKEN_MARK, { url, retries: 0, timeout: 5000, ...options })

const tlsSkip = hasOpenssl() ? false : 'the openssl CLI is not installed: cannot make a private CA'

test('TLS with a private CA: refused without `ca` (NetworkError about the certificate), works with it', { skip: tlsSkip }, async () => {
  const certs = makeCerts()
  const srv = await recordingServer(ots, { key: certs.key, cert: certs.cert })
  try {
    const err = await client(srv.url).status().then(() => null, (e) => e)
    assert.ok(err instanceof NetworkError, String(err))
    assert.match(errorText(err), /certificate|UnknownIssuer/i)
    const wrong = await client(srv.url, { ca: certs.otherCa }).status().then(() => null, (e) => e)
    assert.ok(wrong instanceof NetworkError, String(wrong))
    assert.equal(await client(srv.url, { ca: certs.ca }).status(), true)
    // The certificate was checked before anything was sent: only the good client's request arrived.
    assert.equal(srv.seen.length, 1)
    assert.equal(srv.seen[0].authorization, AUTH)
  } finally {
    await srv.close()
  }
})

test('a `ca` that is not PEM is an InputError from the constructor', () => {
  assert.throws(() => client('https://127.0.0.1:1', { ca: 'not a certificate' }), (e) => e.name === 'InputError')
})

test('a same-origin redirect is followed, with credentials', async () => {
  const srv = await recordingServer((req, res) => {
    if (req.url === '/api/v1/status') {
      res.writeHead(302, { location: '/moved/api/v1/status' })
      return res.end()
    }
    ots(req, res)
  })
  try {
    assert.equal(await client(srv.url).status(), true)
    assert.deepEqual(srv.seen.map((s) => s.url), ['/api/v1/status', '/moved/api/v1/status'])
    assert.equal(srv.seen[1].authorization, AUTH)
  } finally {
    await srv.close()
  }
})

for (const [label, targetHost] of [['cross-origin (other port)', '127.0.0.1'], ['cross-origin (other host name)', 'localhost']]) {
  test(`a ${label} redirect is not followed and nothing reaches the other origin`, async () => {
    const other = await recordingServer(ots)
    const srv = await recordingServer((req, res) => {
      res.writeHead(307, { location: `http://${targetHost}:${other.port}/api/v1/status` })
      res.end()
    })
    try {
      const c = client(srv.url)
      for (const call of [() => c.status(), () => c.share('redirected secret'), () => c.recentMetadata()]) {
        const err = await call().then(() => null, (e) => e)
        assert.ok(err instanceof OneTimeSecretError, `followed the redirect: ${err}`)
      }
      assert.equal(other.seen.length, 0, 'the other origin got a request')
      assert.equal(srv.seen.length, 3)
    } finally {
      await srv.close()
      await other.close()
    }
  })
}

test('an https -> http redirect is not followed; no Authorization reaches the http origin', { skip: tlsSkip }, async () => {
  const certs = makeCerts()
  const plain = await recordingServer(ots)
  const secure = await recordingServer((req, res) => {
    res.writeHead(301, { location: `http://127.0.0.1:${plain.port}/api/v1/status` })
    res.end()
  }, { key: certs.key, cert: certs.cert })
  try {
    const err = await client(secure.url, { ca: certs.ca }).status().then(() => null, (e) => e)
    assert.ok(err instanceof OneTimeSecretError, `followed: ${err}`)
    assert.equal(secure.seen.length, 1)
    assert.equal(plain.seen.length, 0)
  } finally {
    await secure.close()
    await plain.close()
  }
})

/** A forward proxy for plain http: records each request (absolute-form URL) and relays it. */
async function forwardProxy() {
  return recordingServer((req, res) => {
    const target = new URL(req.url)
    if (target.hostname !== '127.0.0.1') {
      res.writeHead(403)
      return res.end()
    }
    const up = http.request(target, { method: req.method, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers)
      upRes.pipe(res)
    })
    up.on('error', () => res.destroy())
    req.pipe(up)
  })
}

test('the `proxy` option sends every request through the proxy', async () => {
  const target = await recordingServer(ots)
  const proxy = await forwardProxy()
  try {
    assert.equal(await client(target.url, { proxy: proxy.url }).status(), true)
    assert.deepEqual(proxy.seen.map((s) => s.url), [`${target.url}/api/v1/status`])
    assert.equal(target.seen.length, 1)
    // A proxy that is down: NetworkError, nothing reaches the target.
    const down = await client(target.url, { proxy: 'http://127.0.0.1:1' }).status().then(() => null, (e) => e)
    assert.ok(down instanceof NetworkError, String(down))
    assert.equal(target.seen.length, 1)
  } finally {
    await proxy.close()
    await target.close()
  }
})

function childStatus(url, env) {
  const script = `
    const { OneTimeSecretApi } = require('./index.js')
    new OneTimeSecretApi('a@b.c', 'tok', { url: ${JSON.stringify(url)}, retries: 0, timeout: 5000 })
      .status().then((v) => console.log('RESULT ' + v), (e) => console.log('RESULT ' + e.name))
  `
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k)))
  return new Promise((resolve, reject) => {
    // Asynchronous: the proxy and target servers live in this process and must keep answering.
    import('node:child_process').then(({ execFile }) => {
      execFile(process.execPath, ['-e', script], { cwd: ROOT, env: { ...clean, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}`))
        resolve(/RESULT (.*)/.exec(stdout)?.[1])
      })
    }, reject)
  })
}

test('HTTP_PROXY / http_proxy from the environment are honoured, and NO_PROXY bypasses them', async () => {
  const target = await recordingServer(ots)
  const proxy = await forwardProxy()
  try {
    assert.equal(await childStatus(target.url, { HTTP_PROXY: proxy.url }), 'true')
    assert.equal(proxy.seen.length, 1)
    assert.equal(await childStatus(target.url, { http_proxy: proxy.url }), 'true')
    assert.equal(proxy.seen.length, 2)
    assert.equal(await childStatus(target.url, { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }), 'true')
    assert.equal(await childStatus(target.url, { http_proxy: proxy.url, no_proxy: `localhost,127.0.0.1` }), 'true')
    assert.equal(proxy.seen.length, 2, 'NO_PROXY was not honoured')
    assert.equal(target.seen.length, 4)
  } finally {
    await proxy.close()
    await target.close()
  }
})

// TLS as Node users reach self-hosted servers (issue 16): certificates made with the openssl CLI
// at test time (__test__/helpers/certs.mjs), each case run through Node's own `https` beside the
// client as the oracle; NODE_EXTRA_CA_CERTS and NODE_TLS_REJECT_UNAUTHORIZED in child processes
// (Node reads them at start-up). Also the redirect policy (same-origin followed; cross-origin and
// https->http not followed, no Authorization to the other origin), proxies (the `proxy` option,
// a CONNECT tunnel to https, HTTP_PROXY / NO_PROXY in child processes) and a `url` with a path.

import test from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import https from 'node:https'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import net from 'node:net'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { OneTimeSecretApi, NetworkError, OneTimeSecretError, InputError } from '../index.mjs'
import { errorText, USERNAME, TOKEN_MARK } from './helpers/reliability-common.mjs'
import { makeCerts, nodeHttps } from './helpers/certs.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const NOMINAL = JSON.stringify({ status: 'nominal', locale: 'en' })
const AUTH = `Basic ${Buffer.from(`${USERNAME}:${TOKEN_MARK}`).toString('base64')}`

// Made once for the whole file (openssl is installed by .ci/run; without it every TLS test fails).
const certs = makeCerts()

/** An HTTP(S) server on 127.0.0.1 that records requests; `handler(req, res)` answers. */
async function recordingServer(handler, tls) {
  const seen = []
  const onRequest = (req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, headers: req.headers })
    handler(req, res)
  }
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest)
  // TCP connections accepted: counted before the server sends anything, so before any client can
  // have seen a certificate.
  let connections = 0
  server.on('connection', () => connections++)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  return {
    seen,
    port,
    connections: () => connections,
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

// Each row: the server's certificate (and key), the `ca` given to both clients (a name in
// `certs`, or made from them), what Node's `https` does (the oracle, checked too) and, for a
// refusal, the client's message.
const SELF_SIGNED_HINT = 'certificate for 127.0.0.1 is self-signed and not trusted; pass it as ca or in NODE_EXTRA_CA_CERTS'
const ROWS = [
  { label: 'self-signed the usual way (CA:TRUE), given as ca', cert: 'selfSigned', key: 'selfSignedKey', ca: 'selfSigned' },
  { label: 'signed by a private CA given as ca', cert: 'cert', ca: 'ca' },
  {
    label: 'self-signed, not given',
    cert: 'selfSigned',
    key: 'selfSignedKey',
    node: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    message: SELF_SIGNED_HINT,
    cause: /invalid peer certificate: Other\(OtherError\(SelfSigned\(CaUsedAsEndEntity\)\)\)$/,
  },
  {
    label: 'signed by a private CA, not given',
    cert: 'cert',
    node: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    message: "certificate for 127.0.0.1 has an unknown issuer (issuer unknown); pass the issuing CA's certificate as ca or in NODE_EXTRA_CA_CERTS",
  },
  { label: 'signed by a private CA, another CA given', cert: 'cert', ca: 'otherCa', node: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: /issuer unknown/ },
  // `ca` in each form Node's tls takes.
  { label: 'signed by a private CA given as a Buffer', cert: 'cert', ca: (c) => Buffer.from(c.ca) },
  { label: 'signed by a private CA given second in one PEM text', cert: 'cert', ca: (c) => c.otherCa + c.ca },
  { label: 'signed by a private CA given second in an array', cert: 'cert', ca: (c) => [c.otherCa, c.ca] },
  { label: 'signed by a private CA given in a mixed array', cert: 'cert', ca: (c) => [Buffer.from(c.otherCa), c.ca] },
  { label: 'self-signed, given as a Buffer in a mixed array', cert: 'selfSigned', key: 'selfSignedKey', ca: (c) => [c.ca, Buffer.from(c.selfSigned)] },
  {
    label: 'signed by a private CA, an array without it given',
    cert: 'cert',
    ca: (c) => [c.otherCa, Buffer.from(c.selfSigned)],
    node: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    message: /issuer unknown/,
  },
  {
    label: 'for another host name',
    cert: 'wrongHost',
    ca: 'ca',
    node: 'ERR_TLS_CERT_ALTNAME_INVALID',
    message: 'certificate for 127.0.0.1 is for another name (127.0.0.2, other.example)',
  },
  { label: 'expired', cert: 'expired', ca: 'ca', node: 'CERT_HAS_EXPIRED', message: 'certificate for 127.0.0.1 has expired' },
  // Trusting a self-signed certificate by its bytes must not skip its dates.
  { label: 'self-signed, expired, given as ca', cert: 'expiredSelfSigned', key: 'selfSignedKey', ca: 'expiredSelfSigned', node: 'CERT_HAS_EXPIRED', message: 'certificate for 127.0.0.1 has expired' },
  // The one deliberate difference: Node falls back to the CN when there is no subjectAltName.
  {
    label: 'naming its host only in the CN, given as ca',
    cert: 'cnOnly',
    key: 'selfSignedKey',
    ca: 'cnOnly',
    host: 'localhost',
    node: 'accepted',
    message: 'certificate for localhost names no host (it has no subjectAltName); make it with -addext "subjectAltName=DNS:localhost"',
  },
]

for (const row of ROWS) {
  test(`TLS: a certificate ${row.label}: ${row.message ? 'refused' : 'accepted'} (Node's https: ${row.node ?? 'accepted'})`, async () => {
    const srv = await recordingServer(ots, { cert: certs[row.cert], key: certs[row.key ?? 'key'] })
    try {
      const ca = row.ca ? { ca: typeof row.ca === 'function' ? row.ca(certs) : certs[row.ca] } : {}
      const url = row.host ? srv.url.replace('127.0.0.1', row.host) : srv.url
      assert.equal(await nodeHttps(url, ca), row.node ?? 'accepted', 'the oracle (Node https) disagrees with the table')
      const seenByNode = srv.seen.length
      const connectedByNode = srv.connections()
      // Retries allowed: a refused certificate must still be tried only once.
      const outcome = await client(url, { ...ca, retries: 2 }).status().then((v) => v, (e) => e)
      if (!row.message) {
        assert.equal(outcome, true)
        assert.equal(srv.seen.length, seenByNode + 1)
        assert.equal(srv.seen.at(-1).authorization, AUTH)
        return
      }
      assert.ok(outcome instanceof NetworkError, String(outcome))
      const expected = typeof row.message === 'string' ? `Network request failed: ${row.message}` : row.message
      if (typeof expected === 'string') assert.equal(outcome.message, expected)
      else assert.match(outcome.message, expected)
      // The detail stays in `cause`; nothing was sent over the refused connection.
      assert.match(String(outcome.cause?.message ?? outcome.cause), row.cause ?? /invalid peer certificate: /)
      assert.equal(srv.seen.length, seenByNode)
      assert.equal(srv.connections(), connectedByNode + 1, 'a refused certificate was retried')
    } finally {
      await srv.close()
    }
  })
}

test('an https url for a plain http port: a NetworkError saying so, not retried', async () => {
  const srv = await recordingServer(ots)
  try {
    const url = srv.url.replace('http:', 'https:')
    assert.equal(await nodeHttps(url), 'EPROTO')
    const before = srv.connections()
    const err = await client(url, { retries: 2 }).status().then(() => null, (e) => e)
    assert.ok(err instanceof NetworkError, String(err))
    assert.equal(err.message, 'Network request failed: 127.0.0.1 did not answer with TLS; if the server speaks plain HTTP, use an http:// url')
    assert.equal(srv.connections(), before + 1)
    assert.equal(srv.seen.length, 0)
  } finally {
    await srv.close()
  }
})

// Each row: a `ca` the client refuses, its message, and whether Node's tls refuses it too (it
// throws for a wrong type; it ignores text without a certificate).
const pem = (body) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`
const ANY = 'PEM text (a string or a Buffer) or an array of them'
const ONE = 'PEM text (a string or a Buffer)'
const CERTS = 'PEM certificates (-----BEGIN CERTIFICATE-----)'
const BAD_CA = [
  [42, `ca: expected ${ANY}, got number`, true],
  [{}, `ca: expected ${ANY}, got object`, true],
  [true, `ca: expected ${ANY}, got boolean`, true],
  [(c) => [c.ca, 42], `ca[1]: expected ${ONE}, got number`, true],
  [(c) => [c.ca, null], `ca[1]: expected ${ONE}, got null`, true],
  [(c) => [[c.ca]], `ca[0]: expected ${ONE}, got array`, true],
  [new Uint16Array(4), `ca: expected ${ANY}, got another typed array`, false],
  [[], `ca: expected ${ONE} or a non-empty array of them, got an empty array`, false],
  ['not a certificate', `ca: expected ${CERTS}, got a string without one`, false],
  [Buffer.from('not a certificate'), `ca: expected ${CERTS}, got a Buffer without one`, false],
  [(c) => [c.ca, Buffer.alloc(0)], `ca[1]: expected ${CERTS}, got a Buffer without one`, false],
  [(c) => [Buffer.from(c.ca), pem('!!')], `ca[1]: expected ${CERTS}, got a string with a malformed PEM block (its base64 does not decode)`, false],
  [(c) => c.ca + pem('AAAA'), `ca: expected ${CERTS}, got a string with a CERTIFICATE block that is not a valid certificate`, false],
  [(c) => [c.otherCa, Buffer.from(c.ca.slice(0, -30))], `ca[1]: expected ${CERTS}, got a Buffer with a malformed PEM block (a BEGIN line without its END line)`, false],
]

for (const [given, message, nodeRefuses] of BAD_CA) {
  test(`a \`ca\` the client cannot use is an InputError from the constructor: ${message}`, async () => {
    const ca = typeof given === 'function' ? given(certs) : given
    const nodeTls = await import('node:tls')
    const node = (() => {
      try {
        nodeTls.createSecureContext({ ca })
        return 'accepted'
      } catch (e) {
        return e.code
      }
    })()
    assert.equal(node, nodeRefuses ? 'ERR_INVALID_ARG_TYPE' : 'accepted', 'the oracle (Node tls) disagrees with the table')
    const err = (() => {
      try {
        client('https://127.0.0.1:1', { ca })
      } catch (e) {
        return e
      }
    })()
    assert.ok(err instanceof InputError, String(err))
    assert.equal(err.message, message)
    // No base64 line of the certificates given is quoted, anywhere in the error.
    const text = errorText(err)
    for (const line of [certs.ca, certs.otherCa].join('\n').split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) {
      assert.ok(!text.includes(line), `quoted: ${line}`)
    }
  })
}

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

test('an https -> http redirect is not followed; no Authorization reaches the http origin', async () => {
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

// The variables Node reads at start-up, removed from what children inherit unless a test sets them.
const INHERITED = /^(https?_proxy|no_proxy|all_proxy|NODE_EXTRA_CA_CERTS|NODE_TLS_REJECT_UNAUTHORIZED)$/i

/** Runs `node <args>` in the repository with `env` added; resolves { code, stdout, stderr }. */
function runNode(args, env) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !INHERITED.test(k)))
  return new Promise((resolve, reject) => {
    // Asynchronous: the servers the child talks to live in this process and must keep answering.
    execFile(process.execPath, args, { cwd: ROOT, env: { ...clean, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(new Error(`${err.message}\n${stderr}`))
      resolve({ code: err ? err.code : 0, stdout, stderr })
    })
  })
}

// In a child: `client` makes OTS_T_CLIENTS clients (1) for OTS_T_URL (with OTS_T_CA as `ca`, or
// OTS_T_CA_JSON parsed) and
// calls status on each; `node` asks Node's https (the oracle). Prints one RESULT line: `true`, or the error's code/name and message.
const CHILD = `
  const url = process.env.OTS_T_URL
  const report = (r) => console.log('RESULT ' + JSON.stringify(r))
  const ca = process.env.OTS_T_CA_JSON ? { ca: JSON.parse(process.env.OTS_T_CA_JSON) }
    : process.env.OTS_T_CA ? { ca: process.env.OTS_T_CA } : {}
  if (process.env.OTS_T_MODE === 'node') {
    require('node:https').get(url + '/api/v1/status', { agent: false, ...ca }, (res) => { res.resume(); report('accepted') })
      .on('error', (e) => report(e.code))
  } else {
    const { OneTimeSecretApi } = require('./index.js')
    const make = () => new OneTimeSecretApi('a@b.c', 'tok', { url, retries: 0, timeout: 5000, ...ca })
    // Made inside the chain, so a constructor's InputError is reported too.
    Promise.resolve()
      .then(() => Promise.all(Array.from({ length: Number(process.env.OTS_T_CLIENTS ?? 1) }, () => make().status())))
      .then(() => report('accepted'), (e) => report(e.name + ': ' + e.message))
  }
`

async function child(mode, url, env = {}) {
  const { stdout, stderr } = await runNode(['-e', CHILD], { ...env, OTS_T_URL: url, OTS_T_MODE: mode })
  const line = /RESULT (.*)/.exec(stdout)?.[1]
  assert.ok(line, `no result from the child:\n${stdout}\n${stderr}`)
  // Warnings, with the process id taken out so that two processes' lines compare equal.
  const warnings = stderr.split('\n').filter((l) => /Warning/.test(l)).map((l) => l.replace(/^\(node:\d+\) /, ''))
  return { result: JSON.parse(line), warnings }
}

/** Writes `files` ({ name: text }) to a temporary directory for the duration of `fn(dir)`. */
async function withFiles(files, fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ots-tls-env-'))
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text)
    return await fn(dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

for (const [label, cert, key, pem] of [
  ['a private CA', 'cert', 'key', 'ca'],
  ['a self-signed certificate (CA:TRUE)', 'selfSigned', 'selfSignedKey', 'selfSigned'],
]) {
  test(`NODE_EXTRA_CA_CERTS listing ${label} is trusted, as by Node's https`, async () => {
    const srv = await recordingServer(ots, { cert: certs[cert], key: certs[key] })
    try {
      await withFiles({ 'extra.pem': certs.otherCa + certs[pem] }, async (dir) => {
        const env = { NODE_EXTRA_CA_CERTS: path.join(dir, 'extra.pem') }
        assert.deepEqual(await child('node', srv.url, env), { result: 'accepted', warnings: [] })
        assert.deepEqual(await child('client', srv.url, { ...env, OTS_T_CLIENTS: '2' }), { result: 'accepted', warnings: [] })
      })
      // Without the variable both refuse.
      assert.notEqual((await child('node', srv.url)).result, 'accepted')
      assert.match((await child('client', srv.url)).result, /^NetworkError: Network request failed: certificate for 127\.0\.0\.1 /)
    } finally {
      await srv.close()
    }
  })
}

test('`ca` adds to the trusted roots (NODE_EXTRA_CA_CERTS still counts); Node\'s `ca` replaces them', async () => {
  const srv = await recordingServer(ots, { cert: certs.cert, key: certs.key })
  try {
    await withFiles({ 'extra.pem': certs.ca }, async (dir) => {
      const env = { NODE_EXTRA_CA_CERTS: path.join(dir, 'extra.pem'), OTS_T_CA: certs.otherCa }
      assert.equal((await child('node', srv.url, env)).result, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')
      assert.equal((await child('client', srv.url, env)).result, 'accepted')
    })
  } finally {
    await srv.close()
  }
})

test('an empty `ca` array is an InputError; with it Node trusts nothing, NODE_EXTRA_CA_CERTS included', async () => {
  const srv = await recordingServer(ots, { cert: certs.cert, key: certs.key })
  try {
    await withFiles({ 'extra.pem': certs.ca }, async (dir) => {
      const env = { NODE_EXTRA_CA_CERTS: path.join(dir, 'extra.pem') }
      assert.equal((await child('node', srv.url, env)).result, 'accepted')
      assert.equal((await child('node', srv.url, { ...env, OTS_T_CA_JSON: '[]' })).result, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')
      assert.equal(
        (await child('client', srv.url, { ...env, OTS_T_CA_JSON: '[]' })).result,
        'InputError: ca: expected PEM text (a string or a Buffer) or a non-empty array of them, got an empty array',
      )
      assert.equal((await child('client', srv.url, env)).result, 'accepted')
    })
  } finally {
    await srv.close()
  }
})

test('NODE_EXTRA_CA_CERTS is read once, when the first client is made', async () => {
  const srv = await recordingServer(ots, { cert: certs.cert, key: certs.key })
  try {
    await withFiles({ 'ca.pem': certs.ca }, async (dir) => {
      // Set after start-up (Node's https would ignore it), then unset: the first client's reading stays.
      const script = `
        const { OneTimeSecretApi } = require('./index.js')
        const make = () => new OneTimeSecretApi('a@b.c', 'tok', { url: process.env.OTS_T_URL, retries: 0 })
        process.env.NODE_EXTRA_CA_CERTS = ${JSON.stringify(path.join(dir, 'ca.pem'))}
        const first = make()
        delete process.env.NODE_EXTRA_CA_CERTS
        Promise.all([first.status(), make().status()]).then((r) => console.log('RESULT ' + r), (e) => console.log('RESULT ' + e.message))
      `
      const { stdout } = await runNode(['-e', script], { OTS_T_URL: srv.url })
      assert.equal(/RESULT (.*)/.exec(stdout)?.[1], 'true,true')
    })
  } finally {
    await srv.close()
  }
})

test('NODE_EXTRA_CA_CERTS naming a missing file: Node warns once at start-up, and the refusal names the file', async () => {
  const srv = await recordingServer(ots, { cert: certs.selfSigned, key: certs.selfSignedKey })
  try {
    const missing = path.join(os.tmpdir(), `ots-no-such-${process.pid}.pem`)
    const env = { NODE_EXTRA_CA_CERTS: missing }
    const node = await child('node', srv.url, env)
    assert.equal(node.result, 'DEPTH_ZERO_SELF_SIGNED_CERT')
    assert.equal(node.warnings.length, 1)
    assert.ok(node.warnings[0].startsWith(`Warning: Ignoring extra certs from \`${missing}\`, load failed: `), node.warnings[0])
    const { result, warnings } = await child('client', srv.url, env)
    assert.deepEqual(warnings, node.warnings, 'the warning is printed once, as Node prints it')
    assert.equal(result, `NetworkError: Network request failed: ${SELF_SIGNED_HINT}; NODE_EXTRA_CA_CERTS (${missing}) was ignored: it could not be read (No such file or directory (os error 2))`)
  } finally {
    await srv.close()
  }
})

test("NODE_TLS_REJECT_UNAUTHORIZED=0 accepts any certificate, with Node's warning once", async () => {
  for (const [cert, key] of [['selfSigned', 'selfSignedKey'], ['wrongHost', 'key'], ['expired', 'key']]) {
    const srv = await recordingServer(ots, { cert: certs[cert], key: certs[key] })
    try {
      const env = { NODE_TLS_REJECT_UNAUTHORIZED: '0' }
      const node = await child('node', srv.url, env)
      assert.equal(node.result, 'accepted')
      assert.equal(node.warnings.length, 1)
      assert.match(node.warnings[0], /NODE_TLS_REJECT_UNAUTHORIZED/)
      // The same warning, once for two clients; both calls reached the server.
      const seen = srv.seen.length
      assert.deepEqual(await child('client', srv.url, { ...env, OTS_T_CLIENTS: '2' }), node)
      assert.equal(srv.seen.length, seen + 2)
      // Any other value leaves verification on, as for Node.
      assert.match((await child('client', srv.url, { NODE_TLS_REJECT_UNAUTHORIZED: '1' })).result, /^NetworkError/)
    } finally {
      await srv.close()
    }
  }
})

test('the CLI prints why a certificate was refused, and works once NODE_EXTRA_CA_CERTS lists the CA', async () => {
  const srv = await recordingServer(ots, { cert: certs.cert, key: certs.key })
  try {
    const args = ['bin/ots.js', 'status', '--url', srv.url, '--anonymous']
    const refused = await runNode(args, {})
    assert.equal(refused.code, 6)
    assert.match(refused.stderr, /^ots: NetworkError: Network request failed: certificate for 127\.0\.0\.1 has an unknown issuer/m)
    await withFiles({ 'ca.pem': certs.ca }, async (dir) => {
      const ok = await runNode(args, { NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem') })
      assert.equal(ok.code, 0, ok.stderr)
      assert.match(ok.stdout, new RegExp(srv.url.replace(/\./g, '\\.')))
    })
  } finally {
    await srv.close()
  }
})

test('a `url` with a path prefix: every route goes under it, over https with a private CA', async () => {
  const srv = await recordingServer(ots, { cert: certs.cert, key: certs.key })
  try {
    for (const suffix of ['/ots', '/ots/']) {
      const c = client(`${srv.url}${suffix}`, { ca: certs.ca })
      assert.equal(c.url, `${srv.url}/ots`)
      assert.equal(await c.status(), true)
    }
    await client(`${srv.url}/ots`, { ca: certs.ca }).share('prefixed secret').catch(() => {})
    assert.deepEqual(srv.seen.map((s) => `${s.method} ${s.url}`), ['GET /ots/api/v1/status', 'GET /ots/api/v1/status', 'POST /ots/api/v1/share'])
  } finally {
    await srv.close()
  }
})

test('https through a CONNECT proxy (`proxy` option and HTTPS_PROXY): the certificate is checked end to end', async () => {
  const srv = await recordingServer(ots, { cert: certs.cert, key: certs.key })
  const tunnels = []
  const proxy = http.createServer((req, res) => res.writeHead(405).end())
  proxy.on('connect', (req, socket, head) => {
    tunnels.push(req.url)
    const up = net.connect(srv.port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      up.write(head)
      up.pipe(socket)
      socket.pipe(up)
    })
    up.on('error', () => socket.destroy())
    socket.on('error', () => up.destroy())
  })
  proxy.listen(0, '127.0.0.1')
  await once(proxy, 'listening')
  const proxyUrl = `http://127.0.0.1:${proxy.address().port}`
  try {
    assert.equal(await client(srv.url, { proxy: proxyUrl, ca: certs.ca }).status(), true)
    const refused = await client(srv.url, { proxy: proxyUrl }).status().then(() => null, (e) => e)
    assert.match(refused?.message ?? '', /issuer unknown/)
    await withFiles({ 'ca.pem': certs.ca }, async (dir) => {
      const env = { HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem') }
      assert.equal((await child('client', srv.url, env)).result, 'accepted')
    })
    assert.deepEqual(tunnels, Array(3).fill(`127.0.0.1:${srv.port}`))
    assert.equal(srv.seen.length, 2)
  } finally {
    proxy.closeAllConnections?.()
    await new Promise((r) => proxy.close(r))
    await srv.close()
  }
})

async function childStatus(url, env) {
  return (await child('client', url, env)).result === 'accepted' ? 'true' : 'false'
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

// Secrets stay secret: the API token cannot be read back from a client by any means JS offers, and
// neither the token nor a secret value nor a passphrase appears in inspect/JSON output, error
// messages or anything the process writes. (The fault and fuzz suites grep every error they
// produce for the same markers.)

import test from 'node:test'
import assert from 'node:assert/strict'
import util from 'node:util'
import v8 from 'node:v8'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startServer } from '../testing.mjs'
import { OneTimeSecretApi, InputError, NetworkError } from '../index.mjs'
import { ErrorLog, errorText, USERNAME, TOKEN_MARK, SECRET_MARK, PASS_MARK, MARKERS } from './helpers/reliability-common.mjs'

let server
test.before(async () => {
  server = await startServer({ username: USERNAME, apiKey: TOKEN_MARK })
})
test.after(() => server.close())

const hasMarker = (text) => MARKERS.some((m) => String(text).includes(m))

/** Every value reachable from `root` through own properties, symbols, getters and prototypes. */
function reachable(root) {
  const out = []
  const seen = new Set()
  const visit = (v, depth) => {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
      out.push(v)
      return
    }
    if (seen.has(v) || depth > 6) return
    seen.add(v)
    for (let o = v; o !== null && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
      for (const key of Reflect.ownKeys(o)) {
        out.push(String(key))
        let value
        try {
          value = Reflect.get(o, key, v)
        } catch {
          continue
        }
        if (typeof value === 'function' && o !== v) {
          // A method: call it with no arguments only if it is a known safe getter-like one.
          if (['toJSON', 'toString', Symbol.for('nodejs.util.inspect.custom')].includes(key)) {
            try {
              out.push(value.call(v))
            } catch {}
          }
          continue
        }
        visit(value, depth + 1)
      }
    }
  }
  visit(root, 0)
  return out
}

// Each client is used once first (so whatever state a call leaves is there to be looked for):
// the v1 client reaches the server; the v2 client's proxy (whose URL holds the token) refuses.
const reached = async (p) => assert.equal(await p, true)
const refusedByProxy = async (p) => {
  const e = await p.then(() => assert.fail('resolved through a proxy that is not there'), (err) => err)
  assert.ok(e instanceof NetworkError, String(e))
  assert.ok(!hasMarker(errorText(e)), errorText(e).slice(0, 300))
}
for (const [label, make, firstCall] of [
  ['v1 client', () => new OneTimeSecretApi(USERNAME, TOKEN_MARK, { url: server.url }), reached],
  ['v2 client', () => new OneTimeSecretApi(USERNAME, TOKEN_MARK, { url: server.url, apiVersion: 'v2', proxy: `http://u:${TOKEN_MARK}@127.0.0.1:1` }), refusedByProxy],
]) {
  test(`${label}: the token cannot be read back from the object`, async () => {
    const c = make()
    await firstCall(c.status())
    const views = [
      util.inspect(c),
      util.inspect(c, { showHidden: true, depth: Infinity, getters: true, customInspect: false }),
      JSON.stringify(c),
      String(c),
      `${Object.keys(c)}`,
      JSON.stringify(Object.getOwnPropertyDescriptors(c)),
      JSON.stringify(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(c)), (k, v) => (typeof v === 'function' ? String(v) : v)),
      Object.getOwnPropertySymbols(c).map(String).join(),
      util.inspect(structuredClone(c), { showHidden: true, depth: Infinity }),
      v8.serialize(c).toString('latin1'),
      util.format('%o %O %j %s', c, c, c, c),
    ]
    for (const [i, v] of views.entries()) assert.ok(!hasMarker(v), `view ${i} shows a secret: ${String(v).slice(0, 200)}`)
    for (const v of reachable(c)) assert.ok(!hasMarker(typeof v === 'symbol' ? v.description : v), 'reachable value holds the token')
    // Nothing to find by brute force either: no own properties, symbols or writable slots.
    assert.deepEqual(Reflect.ownKeys(c), [])
    assert.equal(Object.getOwnPropertySymbols(Object.getPrototypeOf(c)).length, 1) // util.inspect.custom only
  })
}

test('credentials and proxy credentials never appear in constructor errors', () => {
  const errors = []
  const attempt = (...args) => {
    try {
      new OneTimeSecretApi(...args)
    } catch (e) {
      errors.push(e)
    }
  }
  attempt('a:b', TOKEN_MARK)
  attempt(USERNAME, `${TOKEN_MARK}\n`)
  attempt(USERNAME, TOKEN_MARK, { url: `http://u:${TOKEN_MARK}@127.0.0.1:1` })
  attempt(USERNAME, TOKEN_MARK, { url: server.url, proxy: `http://u:${TOKEN_MARK}@[bad` })
  attempt(USERNAME, TOKEN_MARK, { url: server.url, proxy: `http://u:${TOKEN_MARK}@h:99999` })
  attempt(USERNAME, TOKEN_MARK, { url: server.url, proxy: `socks9://u:${TOKEN_MARK}@h` })
  attempt(USERNAME, TOKEN_MARK, { url: server.url, ca: `-----BEGIN CERTIFICATE-----\n${TOKEN_MARK}\n-----END CERTIFICATE-----\n` })
  // A token pasted into `ca` in each form it takes; the PEM parser's own errors quote the bad line.
  attempt(USERNAME, TOKEN_MARK, { url: server.url, ca: Buffer.from(`-----BEGIN ${TOKEN_MARK}\n`) })
  attempt(USERNAME, TOKEN_MARK, { url: server.url, ca: ['no certificate', `-----BEGIN CERTIFICATE-----\n${TOKEN_MARK}\n`] })
  attempt(USERNAME, TOKEN_MARK, { url: server.url, ca: TOKEN_MARK })
  assert.ok(errors.length >= 10, `${errors.length} errors`)
  for (const e of errors) {
    assert.ok(e instanceof InputError, String(e))
    assert.ok(!hasMarker(errorText(e)), errorText(e).slice(0, 300))
  }
})

test('secrets and passphrases never appear in call errors (input errors, wrong passphrase, failures)', async () => {
  const c = new OneTimeSecretApi(USERNAME, TOKEN_MARK, { url: server.url, retries: 0 })
  const log = new ErrorLog()
  const shared = await c.share(SECRET_MARK, { passphrase: PASS_MARK })
  const attempts = [
    c.retrieveSecret(shared.secret_key, { passphrase: `${PASS_MARK}-wrong` }),
    c.retrieveSecret(SECRET_MARK), // a secret passed where a key belongs
    c.burn(shared.metadata_key, { passphrase: 42 }),
    c.share(SECRET_MARK, { ttl: 'forever', passphrase: PASS_MARK }),
    c.share(SECRET_MARK.repeat(10_000), { passphrase: PASS_MARK }),
    c.share(SECRET_MARK, { passphrase: PASS_MARK, recipient: 12 }),
    c.share(SECRET_MARK, { passphrase: 'x' }), // too short: the server says so
    // Values of the wrong type are described by their type, never converted to text.
    c.share({ toString: () => SECRET_MARK }),
    c.share(SECRET_MARK, { passphrase: { toString: () => PASS_MARK } }),
    c.share(SECRET_MARK, { passphrase: [PASS_MARK] }),
    c.retrieveSecret({ toString: () => SECRET_MARK }),
    c.burn(shared.metadata_key, { passphrase: new String(PASS_MARK) }),
  ]
  const settled = await Promise.allSettled(attempts)
  server.setFault({ kind: 'status', status: 500, route: 'POST /api/v1/share', times: 1 })
  attempts.push(null)
  settled.push(...(await Promise.allSettled([c.share(SECRET_MARK, { passphrase: PASS_MARK })])))
  for (const [i, r] of settled.entries()) {
    assert.equal(r.status, 'rejected', `attempt ${i} should reject`)
    log.add(r.reason, `attempt ${i}`)
  }
  assert.equal(log.count, settled.length)
  // Including the secret passed where a key belongs: an invalid key is echoed only when it is a
  // short token (ots_core::key), and this one is described instead.
  assert.deepEqual(log.leaked, [])
})

test('an option whose getter throws: the InputError names the option, and what was thrown is only its cause', async () => {
  const c = new OneTimeSecretApi(USERNAME, TOKEN_MARK, { url: server.url, retries: 0 })
  const thrown = new Error(`refusing ${PASS_MARK}`)
  const e = await c.share(SECRET_MARK, { get passphrase() { throw thrown } }).then(() => assert.fail('resolved'), (err) => err)
  assert.ok(e instanceof InputError)
  assert.equal(e.message, 'passphrase: reading it threw (see cause)')
  assert.equal(e.cause, thrown, "the caller's own error, untouched")
  for (const text of [e.message, e.stack, JSON.stringify(e)]) assert.ok(!hasMarker(text), text)
})

test('nothing the process writes (stdout, stderr, with every debug switch on) contains a secret', () => {
  const script = `
    import { startServer } from './testing.mjs'
    import { OneTimeSecretApi } from './index.mjs'
    const s = await startServer({ username: ${JSON.stringify(USERNAME)}, apiKey: ${JSON.stringify(TOKEN_MARK)} })
    const c = new OneTimeSecretApi(${JSON.stringify(USERNAME)}, ${JSON.stringify(TOKEN_MARK)}, { url: s.url, retries: 1 })
    const r = await c.share(${JSON.stringify(SECRET_MARK)}, { passphrase: ${JSON.stringify(PASS_MARK)} })
    console.log(await c.retrieveMetadata(r.metadata_key).then(() => 'meta ok'))
    s.setFault({ kind: 'closeMidBody' })
    for (const f of ['share', 'status', 'recentMetadata']) {
      await c[f](${JSON.stringify(SECRET_MARK)}).catch((e) => console.error(e))
    }
    s.clearFaults()
    console.log(util.inspect(c), JSON.stringify(c))
    await s.close()
  `.replace('import { startServer }', "import util from 'node:util'\nimport { startServer }")
  const root = fileURLToPath(new URL('..', import.meta.url))
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, RUST_LOG: 'trace', RUST_BACKTRACE: 'full', NODE_DEBUG: 'http,net,tls,fetch', DEBUG: '*' },
    encoding: 'utf8',
    timeout: 60_000,
  })
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /meta ok/)
  assert.match(r.stderr, /NetworkError/) // the errors were printed, and...
  for (const m of MARKERS) {
    assert.ok(!r.stdout.includes(m), `stdout contains ${m}`)
    assert.ok(!r.stderr.includes(m), `stderr contains ${m}`)
  }
})

test("an error that carries a generated secret's keys (to burn it) does not show them when logged", async () => {
  const { fromNative, InternalServerError: Cls } = await import('../errors.js').then((m) => m.default)
  const details = { status: 500, metadata_key: 'm'.repeat(62), secret_key: 's'.repeat(62) }
  const native = Object.assign(new Error('the secret was generated but its value could not be read'), { code: 'ERR_OTS_SERVER', otsDetails: details })
  const e = fromNative(native)
  assert.ok(e instanceof Cls)
  assert.equal(e.metadata_key, details.metadata_key)
  assert.equal(e.secret_key, details.secret_key)
  for (const view of [JSON.stringify(e), util.inspect(e), e.message, e.stack, Object.keys(e).join()]) {
    assert.ok(!view.includes('m'.repeat(62)) && !view.includes('s'.repeat(62)), view)
  }
})

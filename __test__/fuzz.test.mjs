// Hostile input: every method, the constructor and every option get arbitrary JS values. Seeded, so a
// failure replays: FUZZ_SEED=<n> FUZZ_INPUTS=<n> node --test __test__/fuzz.test.mjs. CI runs 5,000
// inputs; `npm run stress` runs >= 100,000 in a child process (a native abort counts as a crash).

import test from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../testing.mjs'
import { OneTimeSecretApi, OneTimeSecretError, InputError } from '../index.mjs'
import { runFuzz, FuzzBoom } from './helpers/reliability-fuzz.mjs'
import { ErrorLog, USERNAME, TOKEN_MARK, SECRET_MARK, PASS_MARK } from './helpers/reliability-common.mjs'

const unhandled = []
process.on('unhandledRejection', (r) => unhandled.push(r))

const SEED = Number(process.env.FUZZ_SEED || 20240601)
const INPUTS = Number(process.env.FUZZ_INPUTS || 5000)

let server
const log = new ErrorLog()
test.before(async () => {
  server = await startServer({ username: USERNAME, apiKey: TOKEN_MARK })
  server.setRateLimit(null)
})
test.after(() => server.close())

const METHODS = ['status', 'share', 'generate', 'retrieveSecret', 'retrieveMetadata', 'burn', 'recentMetadata', 'secretStatus', 'serverInfo']

const boom = () => {
  throw new FuzzBoom('getter')
}
const revoked = () => {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
}
// A fixed list of the nastiest values, tried in every position.
const HOSTILE = () => [
  undefined, null, 0, -1, NaN, Infinity, 2 ** 64, 10n ** 30n, Symbol('s'), () => {}, [], [1, 2],
  '', '\0', '\ud800', 'x'.repeat(1 << 20), {}, Object.create(null), new Date(NaN), Buffer.from('x'),
  { get timeout() { return boom() } }, { get signal() { return boom() } }, { get passphrase() { return boom() } },
  new Proxy({}, { get: boom }), revoked(), { signal: { get aborted() { return boom() }, addEventListener() {}, removeEventListener() {} } },
  { signal: { aborted: false, addEventListener: boom, removeEventListener() {} } }, { signal: 'yes' },
  { timeout: -1 }, { timeout: '1e400' }, { ttl: 1n }, { ttl: {} }, { characterSets: [] }, { characterSets: { numbers: 'yes' } },
  { length: 1e9 }, { passphrase: 5 }, { recipient: Symbol('r') },
]

// Every error is a OneTimeSecretError: what a hostile getter or Proxy threw is an InputError's cause.
function okRejection(err) {
  return err instanceof OneTimeSecretError
}

test('every method x every hostile value in every position: never throws, always a Promise, settles acceptably', async () => {
  const c = new OneTimeSecretApi(USERNAME, TOKEN_MARK, { url: server.url, retries: 0, timeout: 5000 })
  const problems = []
  for (const method of METHODS) {
    for (let pos = 0; pos < 2; pos++) {
      for (const v of HOSTILE()) {
        const args = pos === 0 ? [v] : [method === 'share' ? SECRET_MARK : 'k'.repeat(31), v]
        let p
        try {
          p = c[method](...args)
        } catch (err) {
          problems.push(`${method}: threw synchronously ${err}`)
          continue
        }
        if (!(p instanceof Promise)) {
          problems.push(`${method}: returned ${typeof p}`)
          continue
        }
        try {
          await p
        } catch (err) {
          log.add(err, method)
          if (!okRejection(err)) problems.push(`${method}(${pos}): rejected with ${err?.name}: ${err?.message}`)
        }
      }
    }
  }
  assert.deepEqual(problems, [])
})

test('invalid input rejects with InputError and sends nothing', async () => {
  const c = new OneTimeSecretApi(USERNAME, TOKEN_MARK, { url: server.url })
  const before = server.requestCount()
  const cases = [
    () => c.share(undefined), () => c.share(42), () => c.share({}), () => c.share(Symbol('x')),
    () => c.share('x', 'opts'), () => c.share('x', { ttl: -5 }), () => c.share('x', { ttl: NaN }),
    () => c.share('x', { passphrase: 5 }), () => c.generate({ length: 1e9 }), () => c.generate({ characterSets: 1 }),
    () => c.retrieveSecret(undefined), () => c.retrieveSecret('short'), () => c.retrieveSecret('../'.repeat(10)),
    () => c.retrieveSecret(12345678901234567890n), () => c.retrieveMetadata(null), () => c.burn(['k'.repeat(31)]),
    () => c.secretStatus({ toString: () => 'k'.repeat(31) }), () => c.status({ timeout: 'soon' }),
    () => c.status({ signal: {} }), () => c.recentMetadata([]), () => c.serverInfo(7),
  ]
  for (const [i, f] of cases.entries()) {
    const err = await f().then(() => null, (e) => e)
    assert.ok(err instanceof InputError, `case ${i}: ${err}`)
    assert.equal(err.code, 'ERR_OTS_INPUT')
    log.add(err, `input ${i}`)
  }
  assert.equal(server.requestCount(), before, 'nothing was sent')
})

test('constructor: hostile credentials and every option with every hostile value: a client or InputError', () => {
  const names = ['url', 'apiVersion', 'region', 'timeout', 'connectTimeout', 'retries', 'retryDelay', 'maxRetryDelay', 'ca', 'proxy', 'shareDomain', 'maxResponseBytes', 'raw']
  const problems = []
  const attempt = (what, f) => {
    try {
      f()
    } catch (err) {
      log.add(err, what)
      if (!(err instanceof InputError)) problems.push(`${what}: ${err?.name}: ${err?.message}`)
    }
  }
  for (const v of HOSTILE()) {
    attempt('username', () => new OneTimeSecretApi(v, TOKEN_MARK, { url: server.url }))
    attempt('password', () => new OneTimeSecretApi(USERNAME, v, { url: server.url }))
    attempt('options', () => new OneTimeSecretApi(USERNAME, TOKEN_MARK, v))
    attempt('anonymous', () => OneTimeSecretApi.anonymous(v))
    for (const name of names) attempt(name, () => new OneTimeSecretApi(USERNAME, TOKEN_MARK, { url: server.url, [name]: v }))
  }
  // Credentials with separators or control characters are refused, without echoing them.
  for (const [u, p] of [['a:b', TOKEN_MARK], [USERNAME, `${TOKEN_MARK}\n`], [USERNAME, `\0${TOKEN_MARK}`], ['', TOKEN_MARK], [USERNAME, '']]) {
    assert.throws(() => new OneTimeSecretApi(u, p, { url: server.url }), (e) => {
      log.add(e, 'credentials')
      return e instanceof InputError && !e.message.includes(TOKEN_MARK)
    })
  }
  assert.deepEqual(problems, [])
})

test(`seeded random fuzzing: ${INPUTS} inputs (seed ${SEED})`, async () => {
  const stats = await runFuzz({ seed: SEED, count: INPUTS, server, log })
  assert.equal(stats.inputs, INPUTS)
  assert.deepEqual(stats.violations, [])
  assert.equal(stats.hangs, 0)
  // The generator reaches every outcome: some calls succeed, most are refused as bad input.
  assert.ok(stats.resolved > INPUTS / 20, `resolved ${stats.resolved}`)
  assert.ok((stats.rejected.InputError || 0) > INPUTS / 5)
  assert.ok(stats.fuzzBoomCauses > 0, 'getter errors arrive as the cause of an InputError')
  // Secrets were really sent (the leak check below means something).
  assert.ok(stats.methodCalls > INPUTS / 2)
})

test('no error from this suite contains the secret, the passphrase or the token', () => {
  assert.ok(log.count > 1000, `only ${log.count} errors`)
  assert.deepEqual(log.leaked, [])
  assert.ok(!JSON.stringify(log).includes(PASS_MARK))
})

test('no unhandled rejection', async () => {
  await new Promise(setImmediate)
  assert.deepEqual(unhandled.map(String), [])
})

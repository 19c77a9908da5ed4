// Hostile input: a seeded generator of arbitrary JS values thrown at every method, the constructor
// and every option. Invariants checked per input:
//   - a method never throws synchronously and always returns a Promise;
//   - the Promise settles (a watchdog counts hangs);
//   - it resolves, or rejects with a OneTimeSecretError (InputError for bad input, with what a
//     hostile getter or Proxy trap threw as `cause`; a server-side class when the input was valid);
//   - the constructor returns a client or throws InputError;
//   - no error text contains the secret, passphrase or token markers.
// Used by __test__/fuzz.test.mjs (short) and scripts/stress.mjs (long, in a child process so a
// native abort would be counted as a crash).

import { OneTimeSecretApi, OneTimeSecretError, InputError } from '../../index.mjs'
import util from 'node:util'
const require_inspect = (a) => util.inspect(a, { depth: 2, maxStringLength: 40 }).slice(0, 300)
import { prng, ErrorLog, SECRET_MARK, PASS_MARK, TOKEN_MARK, USERNAME } from './reliability-common.mjs'

export class FuzzBoom extends Error {}
FuzzBoom.prototype.name = 'FuzzBoom'

const OPTION_NAMES = [
  'url', 'apiVersion', 'region', 'timeout', 'connectTimeout', 'retries', 'retryDelay', 'maxRetryDelay',
  'ca', 'proxy', 'shareDomain', 'maxResponseBytes', 'passphrase', 'ttl', 'recipient', 'length',
  'characterSets', 'signal', 'uppercase', 'lowercase', 'numbers', 'symbols', 'excludeAmbiguous',
]
// Options that could point a client somewhere other than loopback are never fuzzed on clients that
// make calls (constructor-only fuzzing may use them: nothing is sent).
const NETWORK_OPTIONS = new Set(['url', 'region', 'proxy'])

const KEYS = ['', 'a', 'abc123', 'x'.repeat(31), 'k'.repeat(62), '../../etc/passwd', 'a/b', 'a?b=c', 'a#b', '%00', 'ké', ' key ']

export function makeGen(rng, { big = true } = {}) {
  const str = () => {
    switch (rng.int(14)) {
      case 0: return ''
      case 1: return '\0'
      case 2: return 'a\0b'
      case 3: return '\ud800'
      case 4: return 'x\udfffy'
      case 5: return '😀'.repeat(rng.int(20))
      case 6: return String(rng() * 1e6)
      case 7: return ' 42 '
      case 8: return rng.pick(KEYS)
      case 9: return big && rng.int(20) === 0 ? 'z'.repeat(1 << (10 + rng.int(rng.int(8) === 0 ? 11 : 6))) : 'short'
      case 10: return Array.from({ length: rng.int(40) }, () => String.fromCharCode(rng.int(0x10000))).join('')
      case 11: return 'v1'
      case 12: return 'http://127.0.0.1:1'
      default: return Math.random().toString(36)
    }
  }
  const num = () => rng.pick([0, -0, -1, 1, 1.5, 1e-9, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 64, 1e308, -1e308, 5e-324, rng() * 1e4, 4294967296])
  const value = (depth = 0) => {
    switch (rng.int(depth > 2 ? 9 : 18)) {
      case 0: return undefined
      case 1: return null
      case 2: return rng() < 0.5
      case 3: return num()
      case 4: return str()
      case 5: return Symbol(str())
      case 6: return BigInt(rng.int(1000)) * (rng() < 0.5 ? -1n : 10n ** 30n)
      case 7: return rng.pick([() => 1, function named() {}, class K {}, async () => {}, Math.max])
      case 8: return str()
      case 9: return Array.from({ length: rng.int(4) }, () => value(depth + 1))
      case 10: return options(depth + 1)
      case 11: return throwingGetters()
      case 12: return hostileProxy()
      case 13: return rng.pick([new Date(NaN), /re/g, new Map([[1, 2]]), new Set([1]), Buffer.from('abc'), new Uint8Array(3), new ArrayBuffer(8), new Error('e'), Promise.resolve(1), new WeakMap()])
      case 14: return signalish()
      case 15: return Object.create(null)
      case 16: return Object.freeze(options(depth + 1))
      default: return options(depth + 1)
    }
  }
  const signalish = () => {
    switch (rng.int(7)) {
      case 0: return AbortSignal.abort(rng() < 0.5 ? undefined : value(3))
      case 1: return new AbortController().signal
      case 2: return AbortSignal.timeout(rng.int(5))
      case 3: return { aborted: false, addEventListener() {}, removeEventListener() {} }
      case 4: return { get aborted() { throw new FuzzBoom('aborted getter') }, addEventListener() {}, removeEventListener() {} }
      case 5: return { aborted: false, addEventListener() { throw new FuzzBoom('addEventListener') }, removeEventListener() {} }
      default: return { aborted: 'yes' }
    }
  }
  const throwingGetters = () => {
    const o = {}
    const n = 1 + rng.int(3)
    for (let i = 0; i < n; i++) {
      Object.defineProperty(o, rng.pick(OPTION_NAMES), { enumerable: true, configurable: true, get() { throw new FuzzBoom('getter') } })
    }
    return o
  }
  const hostileProxy = () => {
    switch (rng.int(4)) {
      case 0: return new Proxy({}, { get() { throw new FuzzBoom('proxy get') } })
      case 1: {
        const { proxy, revoke } = Proxy.revocable({}, {})
        revoke()
        return proxy
      }
      case 2: return new Proxy([], { get: (t, k) => (k === 'length' ? 1e9 : undefined) })
      default: return new Proxy({}, { get: (t, k) => (typeof k === 'string' ? value(3) : undefined), has: () => true, ownKeys: () => { throw new FuzzBoom('ownKeys') } })
    }
  }
  const options = (depth = 0, { network = true, secretsOnly = false } = {}) => {
    const o = {}
    const n = rng.int(5)
    for (let i = 0; i < n; i++) {
      const name = rng.pick(OPTION_NAMES)
      if (!network && NETWORK_OPTIONS.has(name)) continue
      if (name === 'passphrase' && rng() < 0.5) o[name] = PASS_MARK
      else if (name === 'timeout' && rng() < 0.5) o[name] = rng.int(2000)
      else if (name === 'signal' && rng() < 0.7) o[name] = signalish()
      else o[name] = depth > 3 ? str() : value(depth + 1)
    }
    if (secretsOnly) return o
    return o
  }
  return { value, str, num, options, signalish }
}

const METHODS = ['status', 'share', 'generate', 'retrieveSecret', 'retrieveMetadata', 'burn', 'recentMetadata', 'secretStatus', 'serverInfo']

function acceptableRejection(err) {
  return err instanceof OneTimeSecretError
}

/**
 * Runs `count` fuzz inputs. `url`: an embedded server's URL (started with USERNAME / TOKEN_MARK).
 * Returns stats; `violations` lists every broken invariant (with the input's index, to replay with
 * the same seed).
 */
export async function runFuzz({ seed = 1, count = 5000, server, concurrency = 32, log = new ErrorLog(), watchdogMs = 20_000, rotateEvery = 400 }) {
  const url = server.url
  const rng = prng(seed)
  const gen = makeGen(rng)
  const stats = {
    seed,
    inputs: 0,
    methodCalls: 0,
    constructorCalls: 0,
    resolved: 0,
    rejected: {},
    constructed: 0,
    constructorThrew: {},
    violations: [],
    hangs: 0,
    /** InputErrors whose cause is the fuzzer's own getter/trap error. */
    fuzzBoomCauses: 0,
    log,
  }
  // A fresh account every `rotateEvery` inputs keeps each account's "recent" list short.
  let clients
  const rotate = (k) => {
    const user = `fuzz${k}@example.com`
    const token = server.addAccount(user, `${TOKEN_MARK}${k}`)
    clients = [
      new OneTimeSecretApi(user, token, { url, timeout: 5000, retries: 0 }),
      new OneTimeSecretApi(user, token, { url, timeout: 5000, retries: 0, apiVersion: 'v2' }),
      OneTimeSecretApi.anonymous({ url, timeout: 5000, retries: 0 }),
    ]
  }
  rotate(0)
  const violation = (i, what) => {
    if (stats.violations.length < 50) stats.violations.push(`#${i}: ${what}`)
    else stats.violations.length++
  }
  const bump = (obj, k) => (obj[k] = (obj[k] || 0) + 1)

  const one = async (i) => {
    stats.inputs++
    if (i > 0 && i % rotateEvery === 0) rotate(i / rotateEvery)
    if (rng() < 0.15) {
      // The constructor, with hostile credentials and options (nothing is sent).
      stats.constructorCalls++
      const user = rng() < 0.6 ? rng.pick([USERNAME, 'a:b', '', 'x\n', 'é']) : gen.value()
      const pass = rng() < 0.6 ? rng.pick([TOKEN_MARK, '', `${TOKEN_MARK}\r\n`, '\0']) : gen.value()
      const opts = rng() < 0.3 ? gen.value() : gen.options(0)
      try {
        const c = new OneTimeSecretApi(user, pass, opts)
        stats.constructed++
        void c.url
        void c.apiVersion
        JSON.stringify(c)
      } catch (err) {
        bump(stats.constructorThrew, err?.name ?? typeof err)
        log.add(err, `constructor #${i}`)
        if (err instanceof InputError && err.cause instanceof FuzzBoom) stats.fuzzBoomCauses++
        if (!(err instanceof InputError)) {
          violation(i, `constructor threw ${err?.name}: ${err?.message}`)
        }
      }
      return
    }
    stats.methodCalls++
    const client = rng.pick(clients)
    const method = rng.pick(METHODS)
    const args = []
    const nargs = rng.int(4)
    for (let a = 0; a < nargs; a++) {
      const r = rng()
      if (a === 0 && method === 'share' && r < 0.4) args.push(`${SECRET_MARK}${gen.str()}`)
      else if (r < 0.5) args.push(gen.options(0, { network: false }))
      else args.push(gen.value())
    }
    let p
    const t0 = performance.now()
    try {
      p = client[method](...args)
    } catch (err) {
      log.add(err, `sync throw #${i}`)
      violation(i, `${method} threw synchronously: ${err?.name}: ${err?.message}`)
      return
    }
    if (!(p instanceof Promise)) {
      violation(i, `${method} returned ${typeof p}, not a Promise`)
      return
    }
    let timer
    const watchdog = new Promise((resolve) => {
      timer = setTimeout(() => resolve('hang'), watchdogMs)
    })
    const outcome = await Promise.race([
      p.then(
        () => 'resolved',
        (err) => err,
      ),
      watchdog,
    ])
    clearTimeout(timer)
    if (process.env.FUZZ_DEBUG && performance.now() - t0 > 200) console.log('slow', Math.round(performance.now() - t0), method, outcome?.name ?? outcome, require_inspect(args))
    if (outcome === 'hang') {
      stats.hangs++
      violation(i, `${method} did not settle within ${watchdogMs} ms`)
    } else if (outcome === 'resolved') {
      stats.resolved++
    } else {
      bump(stats.rejected, outcome?.name ?? typeof outcome)
      if (outcome instanceof InputError && outcome.cause instanceof FuzzBoom) stats.fuzzBoomCauses++
      log.add(outcome, `${method} #${i}`)
      if (!acceptableRejection(outcome)) violation(i, `${method} rejected with ${outcome?.name}: ${outcome?.message}`)
    }
  }

  let next = 0
  const worker = async () => {
    while (next < count) await one(next++)
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  for (const l of log.leaked) violation(-1, `leak of ${l.marker} in ${l.where}`)
  return stats
}

// One measurement in a fresh process, driven by bench/run.mjs: `node bench/worker.mjs '<json>'`.
// Prints one line `RESULT <json>` on stdout.
//
// mode "load": `concurrency` async loops, each doing share -> retrieveSecret(secret_key) for
// `duration` seconds after `warmup` seconds; every HTTP call is timed on its own.
// mode "rss": the same work for a fixed number of calls; RSS after warm-up and after the calls.
import { createRequire } from 'node:module'
import { performance, monitorEventLoopDelay } from 'node:perf_hooks'
import http from 'node:http'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cfg = JSON.parse(process.argv[2])
const { url, username, apiKey } = cfg
const SECRET = 'bench secret'
const AUTH = 'Basic ' + Buffer.from(`${username}:${apiKey}`).toString('base64')

/** Each client: `share()` resolves to the share answer, `reveal(key)` to the reveal answer. */
function makeClient(name) {
  switch (name) {
    case 'this-nostack':
      // The same client with V8's stack capture made free: the difference from 'this' is what
      // capturing the caller's stack (issue 10.4) costs on the success path, whatever the skin does.
      Error.stackTraceLimit = 0
    // falls through
    case 'this-w1':
      // An experiment, not a setting the package makes: napi-rs's tokio runtime with one worker
      // thread instead of one per core (tokio reads this variable when the runtime is built).
      if (name === 'this-w1') process.env.TOKIO_WORKER_THREADS = '1'
    // falls through
    case 'this': {
      const { OneTimeSecretApi } = require(path.join(ROOT, 'index.js'))
      const api = new OneTimeSecretApi(username, apiKey, { url, apiVersion: 'v1' })
      return { share: () => api.share(SECRET, { ttl: 3600 }), reveal: (k) => api.retrieveSecret(k) }
    }
    case 'this-native': {
      // The same native client without the JS skin (index.js's argument checks, signal wiring and
      // the async wrapper that takes a failed call's stack): 'this' minus this row is what the skin
      // costs a successful call. The native calls resolve with JSON text, parsed here as the skin does.
      const { NativeClient } = require(path.join(ROOT, 'binding.js'))
      const native = new NativeClient(username, apiKey, { url, apiVersion: 'v1' })
      return {
        share: () => native.share(SECRET, { ttl: 3600 }, null).then(JSON.parse),
        reveal: (k) => native.retrieveSecret(k, null, null).then(JSON.parse),
      }
    }
    case 'original': {
      const { OneTimeSecretApi } = require(path.join(ROOT, 'node_modules/onetimesecret-api-js/index.js'))
      const api = new OneTimeSecretApi(username, apiKey, { url, apiVersion: 'v1' })
      return { share: () => api.share(SECRET, { ttl: 3600 }), reveal: (k) => api.retrieveSecret(k) }
    }
    case 'http': {
      const u = new URL(url)
      const agent = new http.Agent({ keepAlive: true, maxSockets: 32 })
      const post = (p, body) =>
        new Promise((resolve, reject) => {
          const headers = { authorization: AUTH, accept: 'application/json', 'content-length': body.length }
          if (body.length) headers['content-type'] = 'application/x-www-form-urlencoded'
          const req = http.request(
            { host: u.hostname, port: u.port, path: p, method: 'POST', agent, headers },
            (res) => {
              let data = ''
              res.setEncoding('utf8')
              res.on('data', (c) => (data += c))
              res.on('end', () => {
                if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`))
                try {
                  resolve(JSON.parse(data))
                } catch (e) {
                  reject(e)
                }
              })
              res.on('error', reject)
            },
          )
          req.on('error', reject)
          req.end(body)
        })
      const shareBody = Buffer.from('secret=' + encodeURIComponent(SECRET) + '&ttl=3600')
      const empty = Buffer.alloc(0)
      return {
        share: () => post('/api/v1/share', shareBody),
        reveal: (k) => post('/api/v1/secret/' + encodeURIComponent(k), empty),
      }
    }
    case 'fetch': {
      const base = url.replace(/\/$/, '')
      const shareBody = 'secret=' + encodeURIComponent(SECRET) + '&ttl=3600'
      const call = async (p, body) => {
        const headers = { authorization: AUTH, accept: 'application/json' }
        if (body) headers['content-type'] = 'application/x-www-form-urlencoded'
        const res = await fetch(base + p, { method: 'POST', headers, body: body ?? '' })
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`)
        return res.json()
      }
      return {
        share: () => call('/api/v1/share', shareBody),
        reveal: (k) => call('/api/v1/secret/' + encodeURIComponent(k), null),
      }
    }
    default:
      throw new Error(`unknown client ${name}`)
  }
}

const client = makeClient(cfg.client)

/** Growable Float64Array of latencies in ms. */
class Samples {
  constructor() {
    this.a = new Float64Array(1 << 16)
    this.n = 0
  }
  push(v) {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2)
      b.set(this.a)
      this.a = b
    }
    this.a[this.n++] = v
  }
  percentile(p) {
    if (this.n === 0) return NaN
    const s = this.a.slice(0, this.n).sort()
    return s[Math.min(this.n - 1, Math.floor((p / 100) * this.n))]
  }
}

let errors = 0
let firstError
let checked = false

async function op(samples) {
  let t0 = performance.now()
  const shared = await client.share()
  let t1 = performance.now()
  if (samples) samples.push(t1 - t0)
  const key = shared && shared.secret_key
  if (typeof key !== 'string') throw new Error('share answer has no secret_key')
  t0 = performance.now()
  const revealed = await client.reveal(key)
  t1 = performance.now()
  if (samples) samples.push(t1 - t0)
  if (!checked) {
    checked = true
    if (!revealed || typeof revealed.value !== 'string') throw new Error('reveal answer has no value')
  }
}

async function loopFor(endAt, samples, counter) {
  while (performance.now() < endAt) {
    try {
      await op(samples)
      counter.calls += 2
    } catch (e) {
      errors++
      firstError ??= String(e && e.stack ? e.stack : e)
      if (errors > 1000) throw e
    }
  }
}

async function loopCount(remaining, counter) {
  while (remaining.ops > 0) {
    remaining.ops--
    await op(null)
    counter.calls += 2
  }
}

async function load() {
  const conc = cfg.concurrency
  const warmEnd = performance.now() + cfg.warmup * 1000
  const warm = { calls: 0 }
  await Promise.all(Array.from({ length: conc }, () => loopFor(warmEnd, null, warm)))
  const eld = monitorEventLoopDelay({ resolution: 2 })
  const samples = new Samples()
  const counter = { calls: 0 }
  const cpu0 = process.cpuUsage()
  const threads0 = threadCpu()
  const start = performance.now()
  eld.enable()
  await Promise.all(Array.from({ length: conc }, () => loopFor(start + cfg.duration * 1000, samples, counter)))
  const elapsed = (performance.now() - start) / 1000
  eld.disable()
  const cpu = process.cpuUsage(cpu0)
  const threads = cpuDiff(threads0, threadCpu(), counter.calls)
  return {
    calls: counter.calls,
    seconds: elapsed,
    rps: counter.calls / elapsed,
    p50_ms: samples.percentile(50),
    p99_ms: samples.percentile(99),
    eld_p99_ms: eld.percentile(99) / 1e6,
    eld_max_ms: eld.max / 1e6,
    cpu_pct: ((cpu.user + cpu.system) / 1e6 / elapsed) * 100,
    cpu_user_us_per_call: cpu.user / counter.calls,
    cpu_sys_us_per_call: cpu.system / counter.calls,
    threads,
    errors,
    firstError,
  }
}

/** CPU ticks (user, system) per thread name, from /proc (Linux); {} elsewhere. */
function threadCpu() {
  const out = {}
  try {
    for (const tid of fs.readdirSync('/proc/self/task')) {
      let stat
      try {
        stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      } catch {
        continue
      }
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const key = tid === String(process.pid) ? 'main (JS)' : name.replace(/[-\s]*\d+$/, '')
      const e = (out[key] ??= { user: 0, sys: 0 })
      e.user += Number(f[11])
      e.sys += Number(f[12])
    }
  } catch {}
  return out
}

function cpuDiff(a, b, calls) {
  // clock ticks (USER_HZ = 100) -> microseconds per call
  const res = {}
  for (const k of Object.keys(b)) {
    const u = b[k].user - (a[k]?.user ?? 0)
    const s = b[k].sys - (a[k]?.sys ?? 0)
    if (u + s > 0) res[k] = { user_us: (u * 1e4) / calls, sys_us: (s * 1e4) / calls }
  }
  return res
}

function settle() {
  for (let i = 0; i < 3; i++) globalThis.gc?.()
  return new Promise((r) => setTimeout(r, 200))
}

async function rss() {
  const conc = cfg.concurrency
  const run = async (calls) => {
    const remaining = { ops: Math.ceil(calls / 2) }
    const counter = { calls: 0 }
    await Promise.all(Array.from({ length: conc }, () => loopCount(remaining, counter)))
    return counter.calls
  }
  await run(cfg.warmupCalls)
  await settle()
  const after_warmup = process.memoryUsage().rss
  const t0 = performance.now()
  const calls = await run(cfg.calls)
  const seconds = (performance.now() - t0) / 1000
  await settle()
  const after = process.memoryUsage().rss
  return {
    warmup_calls: cfg.warmupCalls,
    calls,
    seconds,
    rss_after_warmup: after_warmup,
    rss_after: after,
    growth: after - after_warmup,
    gc_exposed: typeof globalThis.gc === 'function',
  }
}

const result = cfg.mode === 'rss' ? await rss() : await load()
process.stdout.write('RESULT ' + JSON.stringify(result) + '\n')
// The native client's pool and the http agent keep sockets open; leave now.
process.exit(0)

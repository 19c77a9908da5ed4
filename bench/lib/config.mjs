// Options, constants and small helpers shared by every part of the bench (bench/run.mjs).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..') // bench/
export const ROOT = path.resolve(HERE, '..')
export const FIXTURE = path.join(ROOT, '__test__/fixtures/ots-observed/v0.26.6-api-v1-v2.md')
const ROOT_ADDON = path.join(ROOT, 'onetimesecret-api.linux-x64-gnu.node')

// options
export const argv = process.argv.slice(2)
export const flag = (name) => argv.includes(`--${name}`)
export const opt = (name, dflt) => {
  const a = argv.find((x) => x.startsWith(`--${name}=`))
  return a ? a.slice(name.length + 3) : dflt
}
export const SMOKE = flag('smoke')
export const OUT = path.resolve(opt('out', HERE))
export const ROUNDS = Number(opt('rounds', SMOKE ? 1 : 3))
export const DURATION = Number(opt('duration', SMOKE ? 1 : 4))
export const WARMUP = SMOKE ? 0.3 : 1
export const CONCURRENCY = [1, 32]
export const RSS_CALLS = SMOKE ? 4000 : 100000
export const RSS_WARMUP = SMOKE ? 1000 : 10000
export const REQUIRE_RUNS = SMOKE ? 3 : 11
export const BUILD = !SMOKE && !flag('no-build')
export const ADDON = opt('addon') ? path.resolve(opt('addon')) : ROOT_ADDON
// Every child that loads the package loads ADDON (binding.js honours this variable).
export const ADDON_ENV = opt('addon') ? { NAPI_RS_NATIVE_LIBRARY_PATH: ADDON } : {}
Object.assign(process.env, ADDON_ENV) // the embedded server, when used, runs in this process
export const ALL_CLIENTS = ['wrk', 'this', 'this-nostack', 'this-native', 'this-w1', 'original', 'http', 'fetch']
export const LABEL = {
  wrk: 'wrk (Lua: share, reveal)',
  this: 'onetimesecret-api 3.0 (this)',
  'this-nostack': 'this, Error.stackTraceLimit = 0',
  'this-w1': 'this, TOKIO_WORKER_THREADS=1',
  'this-native': 'this, native binding without the JS skin',
  original: 'original onetimesecret-api',
  http: 'node:http keep-alive loop',
  fetch: "Node's fetch",
}

export const log = (...a) => console.error('[bench]', ...a)
export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
export const which = (cmd) => {
  for (const dir of (process.env.PATH || '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = path.join(dir, cmd)
    try {
      fs.accessSync(p, fs.constants.X_OK)
      return p
    } catch {}
  }
  return null
}
export const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' / ')

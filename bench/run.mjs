#!/usr/bin/env node
// `npm run bench`: one run measures share -> retrieveSecret through every client against the same
// fixed-answer server on loopback, plus require() time, RSS growth, event-loop delay, addon size
// and build times; writes RESULTS.md, results.svg and results.json. Every number in them comes from
// this script.
//
//   node bench/run.mjs                 full run (nginx if installed, else the embedded server)
//   node bench/run.mjs --smoke         a few seconds; no build timing
//   options: --server=nginx|embedded   --out=DIR (default bench/)   --rounds=N   --duration=S
//            --no-build (skip build timing)   --clients=this,http,...
//            --addon=PATH  measure this .node instead of the one at the repo root (the root file is
//                          shared: other engineers' `npm run build:debug` replaces it at any time)
import { spawn, spawnSync, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import net from 'node:net'
import { fileURLToPath } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '..')
const FIXTURE = path.join(ROOT, '__test__/fixtures/ots-observed/v0.26.6-api-v1-v2.md')
const ROOT_ADDON = path.join(ROOT, 'onetimesecret-api.linux-x64-gnu.node')

// ---------------------------------------------------------------------------------------------
// options
const argv = process.argv.slice(2)
const flag = (name) => argv.includes(`--${name}`)
const opt = (name, dflt) => {
  const a = argv.find((x) => x.startsWith(`--${name}=`))
  return a ? a.slice(name.length + 3) : dflt
}
const SMOKE = flag('smoke')
const OUT = path.resolve(opt('out', HERE))
const ROUNDS = Number(opt('rounds', SMOKE ? 1 : 3))
const DURATION = Number(opt('duration', SMOKE ? 1 : 4))
const WARMUP = SMOKE ? 0.3 : 1
const CONCURRENCY = [1, 32]
const RSS_CALLS = SMOKE ? 4000 : 100000
const RSS_WARMUP = SMOKE ? 1000 : 10000
const REQUIRE_RUNS = SMOKE ? 3 : 11
const BUILD = !SMOKE && !flag('no-build')
const ADDON = opt('addon') ? path.resolve(opt('addon')) : ROOT_ADDON
// Every child that loads the package loads ADDON (binding.js honours this variable).
const ADDON_ENV = opt('addon') ? { NAPI_RS_NATIVE_LIBRARY_PATH: ADDON } : {}
Object.assign(process.env, ADDON_ENV) // the embedded server, when used, runs in this process
const ALL_CLIENTS = ['wrk', 'this', 'this-nostack', 'this-native', 'this-w1', 'original', 'http', 'fetch']
const LABEL = {
  wrk: 'wrk (Lua: share, reveal)',
  this: 'onetimesecret-api 3.0 (this)',
  'this-nostack': 'this, Error.stackTraceLimit = 0',
  'this-w1': 'this, TOKIO_WORKER_THREADS=1',
  'this-native': 'this, native binding without the JS skin',
  original: 'original onetimesecret-api',
  http: 'node:http keep-alive loop',
  fetch: "Node's fetch",
}

const log = (...a) => console.error('[bench]', ...a)
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const which = (cmd) => {
  for (const dir of (process.env.PATH || '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = path.join(dir, cmd)
    try {
      fs.accessSync(p, fs.constants.X_OK)
      return p
    } catch {}
  }
  return null
}
const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' / ')

// ---------------------------------------------------------------------------------------------
// fixed answers, taken from the real v0.26.6 transcript
function fixtureBodies() {
  const text = fs.readFileSync(FIXTURE, 'utf8')
  const section = (title) => {
    const i = text.indexOf(title)
    if (i < 0) throw new Error(`fixture section not found: ${title}`)
    const block = text.slice(i, text.indexOf('\n```\n', text.indexOf('```', i) + 3))
    const lines = block.split('\n').filter((l) => l.startsWith('{'))
    return lines[lines.length - 1]
  }
  const share = section('##### 3. POST /api/v1/share (auth)')
  const reveal = section('##### 8. POST /api/v1/secret/SK1 (first read)')
  const status = section('##### 1. GET /api/v1/status (anonymous)')
  for (const b of [share, reveal, status]) {
    JSON.parse(b)
    if (b.includes("'") || b.includes('$')) throw new Error('fixture body needs escaping for nginx')
  }
  return { share, reveal, status, key: JSON.parse(share).secret_key }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function waitForHttp(url, ms) {
  const end = Date.now() + ms
  for (;;) {
    try {
      const r = await fetch(url)
      await r.arrayBuffer()
      if (r.ok) return
    } catch {}
    if (Date.now() > end) throw new Error(`server at ${url} did not come up`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function startNginx(bodies) {
  const bin = which('nginx')
  if (!bin) return null
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'ots-bench-nginx-'))
  for (const d of ['logs', 'tmp']) fs.mkdirSync(path.join(prefix, d))
  const port = await freePort()
  const conf = fs
    .readFileSync(path.join(HERE, 'nginx.conf'), 'utf8')
    .replaceAll('{{PREFIX}}', prefix)
    .replaceAll('{{PORT}}', String(port))
    .replaceAll('{{WORKERS}}', '1')
    .replaceAll('{{STATUS_JSON}}', bodies.status)
    .replaceAll('{{SHARE_JSON}}', bodies.share)
    .replaceAll('{{REVEAL_JSON}}', bodies.reveal)
  const confPath = path.join(prefix, 'nginx.conf')
  fs.writeFileSync(confPath, conf)
  const child = spawn(bin, ['-p', prefix, '-c', confPath, '-e', path.join(prefix, 'logs/error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const url = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(`${url}/api/v1/status`, 5000)
  } catch (e) {
    child.kill('SIGTERM')
    log('nginx did not start:', stderr.trim())
    return null
  }
  let version = ''
  try {
    version = spawnSync(bin, ['-v'], { encoding: 'utf8' }).stderr.trim().replace(/^nginx version: /, '')
  } catch {}
  return {
    kind: 'nginx',
    description: `${version || 'nginx'} (Debian), 1 worker, fixed answers from memory`,
    url,
    username: 'tester@example.com',
    apiKey: '26abcdef0123456789abcdef0123456789abcdef',
    fixedKey: bodies.key,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve)
        child.kill('SIGQUIT')
        setTimeout(() => child.kill('SIGKILL'), 3000).unref()
      }).then(() => fs.rmSync(prefix, { recursive: true, force: true })),
  }
}

async function startEmbedded() {
  const { startServer } = await import('../testing.mjs')
  const server = await startServer({ generation: 'v0.26' })
  return {
    kind: 'embedded',
    description: 'embedded ots-server (hyper, in the bench process; real share/reveal bookkeeping)',
    url: server.url,
    username: server.username,
    apiKey: server.apiKey,
    fixedKey: null,
    stop: () => server.close(),
  }
}

// ---------------------------------------------------------------------------------------------
// one measurement per child process
function runChild(cmd, args, env, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...ADDON_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`${cmd} exited ${code ?? signal}: ${err.trim().slice(-2000)}`))
      resolve(out)
    })
  })
}

async function measureWrk(server, conc) {
  const args = [
    `-t${Math.min(conc, 2)}`,
    `-c${conc}`,
    `-d${DURATION}s`,
    '--timeout',
    '10s',
    '-s',
    path.join(HERE, 'share-reveal.lua'),
    server.url,
  ]
  const auth = Buffer.from(`${server.username}:${server.apiKey}`).toString('base64')
  const out = await runChild('wrk', args, { OTS_BENCH_AUTH: auth, OTS_BENCH_KEY: server.fixedKey }, (DURATION + 30) * 1000)
  const line = out.split('\n').find((l) => l.startsWith('WRKJSON '))
  if (!line) throw new Error(`wrk printed no summary: ${out}`)
  const r = JSON.parse(line.slice(8))
  const seconds = r.duration_us / 1e6
  return { calls: r.requests, seconds, rps: r.requests / seconds, p50_ms: r.p50_us / 1000, p99_ms: r.p99_us / 1000, errors: r.errors }
}

/** The embedded server's own speed: wrk GET /api/v1/status against it, in its own process. */
async function measureEmbeddedStatus() {
  const host = spawn(process.execPath, [path.join(ROOT, '__test__/helpers/server-host.mjs'), '{"generation":"v0.26"}'], {
    env: { ...process.env, ...ADDON_ENV },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  try {
    const first = await new Promise((resolve, reject) => {
      let buf = ''
      host.stdout.on('data', (d) => {
        buf += d
        if (buf.includes('\n')) resolve(buf.split('\n')[0])
      })
      host.once('exit', (code) => reject(new Error(`server host exited ${code}`)))
    })
    const { url } = JSON.parse(first.replace(/^READY /, ''))
    const out = await runChild('wrk', ['-t2', '-c32', `-d${DURATION}s`, `${url}/api/v1/status`], {}, (DURATION + 30) * 1000)
    const rps = Number((/Requests\/sec:\s+([\d.]+)/.exec(out) || [])[1])
    const non2xx = Number((/Non-2xx or 3xx responses:\s+(\d+)/.exec(out) || [0, 0])[1])
    return { rps, non2xx }
  } finally {
    host.stdin.end('close\n')
  }
}

async function measureNode(server, client, conc, mode = 'load') {
  const cfg = {
    mode,
    client,
    concurrency: conc,
    duration: DURATION,
    warmup: WARMUP,
    calls: RSS_CALLS,
    warmupCalls: RSS_WARMUP,
    url: server.url,
    username: server.username,
    apiKey: server.apiKey,
  }
  const args = ['--expose-gc', path.join(HERE, 'worker.mjs'), JSON.stringify(cfg)]
  const out = await runChild(process.execPath, args, {}, (DURATION + WARMUP + 120) * 1000 + RSS_CALLS)
  const line = out.split('\n').find((l) => l.startsWith('RESULT '))
  if (!line) throw new Error(`worker printed no result: ${out}`)
  return JSON.parse(line.slice(7))
}

async function requireTimes(file) {
  const code = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`
  const times = []
  for (let i = 0; i < REQUIRE_RUNS; i++) times.push(Number(await runChild(process.execPath, ['-e', code], {}, 30000)))
  return times
}

function addonInfo(file) {
  if (!fs.existsSync(file)) return null
  const size = fs.statSync(file).size
  let desc = ''
  try {
    desc = execFileSync('file', ['-b', file], { encoding: 'utf8' }).trim()
  } catch {}
  const stripped = desc ? !/not stripped|with debug_info/.test(desc) : null
  return { file: path.relative(ROOT, file) || file, size, stripped, desc }
}

function timeBuild(args, env) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync('cargo', args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 })
  const s = Number(process.hrtime.bigint() - t0) / 1e9
  if (r.status !== 0) throw new Error(`cargo ${args.join(' ')} failed: ${(r.stderr || '').slice(-2000)}`)
  return s
}

function buildTimes() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ots-bench-target-'))
  const env = { CARGO_TARGET_DIR: dir }
  const args = ['build', '--release', '-p', 'onetimesecret-api']
  try {
    log('clean release build into', dir, '(load', loadavg() + ')')
    const clean = timeBuild(args, env)
    const touched = path.join(ROOT, 'crates/core/src/transport.rs')
    const now = new Date()
    fs.utimesSync(touched, now, now)
    log('incremental release build after touching crates/core/src/transport.rs')
    const incremental = timeBuild(args, env)
    const so = addonInfo(path.join(dir, 'release/libonetimesecret_api.so'))
    return { clean_s: clean, incremental_s: incremental, fresh_release: so }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// report
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a')
const fmtMs = (x) => (Number.isFinite(x) ? (x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1)) : 'n/a')
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN)
const mib = (b) => b / (1 << 20)

function svgChart(rows) {
  // Grouped horizontal bars: req/s per client, one group per concurrency. Hand-written SVG.
  const W = 760
  const left = 230
  const barH = 16
  const gap = 4
  const groupGap = 26
  const colors = { 1: '#7aa6d6', 32: '#1f5f99' }
  const max = Math.max(...rows.map((r) => r.rps).filter(Number.isFinite), 1)
  const scale = (W - left - 90) / max
  const clients = [...new Set(rows.map((r) => r.client))]
  let y = 46
  let body = ''
  for (const c of clients) {
    body += `<text x="${left - 10}" y="${y + barH + 2}" text-anchor="end" class="l">${esc(LABEL[c])}</text>\n`
    for (const conc of CONCURRENCY) {
      const r = rows.find((x) => x.client === c && x.concurrency === conc)
      const v = r ? r.rps : NaN
      const w = Number.isFinite(v) ? Math.max(1, v * scale) : 0
      body += `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${colors[conc]}"/>`
      body += `<text x="${(left + w + 6).toFixed(1)}" y="${y + barH - 4}" class="v">${Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a'}</text>\n`
      y += barH + gap
    }
    y += groupGap - gap
  }
  const H = y + 30
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">
<style>.l{font-size:13px;fill:#222}.v{font-size:12px;fill:#333}.t{font-size:15px;font-weight:bold;fill:#111}.k{font-size:12px;fill:#444}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="12" y="22" class="t">share + retrieveSecret, HTTP requests/s (median of ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}; higher is better)</text>
<rect x="${left}" y="30" width="12" height="10" fill="${colors[1]}"/><text x="${left + 16}" y="39" class="k">1 in flight</text>
<rect x="${left + 100}" y="30" width="12" height="10" fill="${colors[32]}"/><text x="${left + 116}" y="39" class="k">32 in flight</text>
${body}<text x="12" y="${H - 10}" class="k">${esc(chartFoot)}</text>
</svg>
`
}
let chartFoot = ''
function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

// ---------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------
// --profile: instructions per HTTP call under callgrind (stable under machine noise), and where
// they go. Two runs per client (warm-up only, warm-up + N calls); the difference / N is the
// per-call cost of the steady state. --addon=PATH points the package at an unstripped build.
async function profile() {
  const server = (await startNginx(fixtureBodies())) || (await startEmbedded())
  const dir = path.join(OUT, 'profile')
  fs.mkdirSync(dir, { recursive: true })
  const N = Number(opt('calls', 4000))
  const summary = []
  const annotate = (file, inclusive) => {
    const out = spawnSync('callgrind_annotate', [`--inclusive=${inclusive ? 'yes' : 'no'}`, '--threshold=100', '--auto=no', file], { encoding: 'utf8', maxBuffer: 256 << 20 }).stdout
    const fns = new Map()
    let total = NaN
    for (const line of out.split('\n')) {
      const m = line.match(/^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/)
      if (!m) continue
      const ir = Number(m[1].replace(/,/g, ''))
      if (m[2].includes('PROGRAM TOTALS')) total = ir
      else fns.set(m[2], (fns.get(m[2]) || 0) + ir)
    }
    return { total, fns }
  }
  const object = (fn) => {
    const m = fn.match(/\[([^\]]+)\]$/)
    const o = m ? path.basename(m[1]) : fn.includes('.cargo/registry') || fn.includes('/rustc/') || fn.startsWith('src/') || fn.startsWith('crates/') ? 'addon (Rust)' : '?'
    return o === path.basename(ADDON) ? 'addon (Rust)' : o
  }
  const short = (fn) => fn.replace(/\/root\/\.cargo\/registry\/src\/[^/]+\//, '').replace(/\s*\[[^\]]+\]$/, '').slice(0, 170)
  try {
    for (const client of opt('clients', 'this,http').split(',')) {
      const runs = []
      for (const calls of [0, N]) {
        const outFile = path.join(dir, `callgrind.${client}.${calls}.out`)
        const cfg = { mode: 'rss', client, concurrency: 32, calls, warmupCalls: 400, url: server.url, username: server.username, apiKey: server.apiKey }
        log(`callgrind: ${client}, ${calls} calls after 400 warm-up calls`)
        await runChild('valgrind', ['--tool=callgrind', `--callgrind-out-file=${outFile}`, process.execPath, '--expose-gc', path.join(HERE, 'worker.mjs'), JSON.stringify(cfg)], {}, 1800000)
        runs.push({ flat: annotate(outFile, false), incl: annotate(outFile, true) })
        fs.rmSync(outFile, { force: true })
      }
      const perCall = (runs[1].flat.total - runs[0].flat.total) / N
      const diff = (kind) =>
        [...runs[1][kind].fns].map(([fn, ir]) => [fn, (ir - (runs[0][kind].fns.get(fn) || 0)) / N]).sort((a, b) => b[1] - a[1])
      const flat = diff('flat')
      const byObject = new Map()
      for (const [fn, ir] of flat) byObject.set(object(fn), (byObject.get(object(fn)) || 0) + ir)
      const out = []
      out.push(`# callgrind, client "${client}": instructions per HTTP call in steady state`)
      out.push(`# (run with ${N} calls minus run with 0 calls, after 400 warm-up calls each; 32 in flight; ${server.kind} server)`)
      out.push(`total: ${Math.round(perCall)} instructions per call`)
      out.push('')
      out.push('## by object (self cost)')
      for (const [o, ir] of [...byObject].sort((a, b) => b[1] - a[1]).slice(0, 12)) out.push(`${String(Math.round(ir)).padStart(9)}  ${((ir / perCall) * 100).toFixed(1).padStart(5)}%  ${o}`)
      out.push('')
      out.push('## top functions, self cost')
      for (const [fn, ir] of flat.slice(0, 45)) out.push(`${String(Math.round(ir)).padStart(9)}  ${((ir / perCall) * 100).toFixed(1).padStart(5)}%  ${short(fn)}  {${object(fn)}}`)
      out.push('')
      out.push('## top functions, inclusive cost (includes callees; threads and callbacks overlap)')
      for (const [fn, ir] of diff('incl').slice(0, 80)) out.push(`${String(Math.round(ir)).padStart(9)}  ${((ir / perCall) * 100).toFixed(1).padStart(5)}%  ${short(fn)}  {${object(fn)}}`)
      fs.writeFileSync(path.join(dir, `callgrind.${client}.txt`), out.join('\n') + '\n')
      summary.push({ client, calls: N, ir_per_call: Math.round(perCall) })
      log(`${client}: ${Math.round(perCall).toLocaleString('en-US')} instructions per HTTP call (callgrind, client process only)`)
    }
  } finally {
    await server.stop()
  }
  fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ date: new Date(), server: server.kind, addon: ADDON, summary }, null, 2) + '\n')
}

async function main() {
  if (flag('profile')) return profile()
  const started = new Date()
  const load0 = loadavg()
  log('load average at start:', load0)
  const bodies = fixtureBodies()
  let server = null
  const want = opt('server', SMOKE ? 'embedded' : 'nginx')
  if (want === 'nginx') {
    server = await startNginx(bodies)
    if (!server) log('nginx not available: falling back to the embedded server')
  }
  if (!server) server = await startEmbedded()
  log('server:', server.kind, server.url)

  const hasWrk = !!which('wrk') && server.fixedKey !== null
  let clients = opt('clients', ALL_CLIENTS.join(',')).split(',')
  if (!hasWrk) clients = clients.filter((c) => c !== 'wrk')
  let origVersion = '?'
  try {
    origVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/onetimesecret-api-js/package.json'), 'utf8')).version
  } catch {
    if (clients.includes('original')) throw new Error('the original package is not installed: run npm install (devDependency onetimesecret-api-js)')
  }
  let fetchVer = ''
  try {
    fetchVer = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/onetimesecret-api-js/node_modules/node-fetch/package.json'), 'utf8')).version
  } catch {}
  LABEL.original = `original onetimesecret-api ${origVersion}`

  const raw = []
  let res
  try {
    // require() first, before the machine warms up with load runs
    log('require() times')
    const reqThis = await requireTimes(path.join(ROOT, 'index.js'))
    const reqOrig = await requireTimes(path.join(ROOT, 'node_modules/onetimesecret-api-js/index.js'))

    for (let round = 0; round < ROUNDS; round++) {
      for (const conc of CONCURRENCY) {
        // interleave: rotate the client order each round
        const order = clients.map((_, i) => clients[(i + round) % clients.length])
        for (const client of order) {
          const r = client === 'wrk' ? await measureWrk(server, conc) : await measureNode(server, client, conc)
          raw.push({ round, client, concurrency: conc, ...r })
          log(`round ${round + 1}/${ROUNDS} ${client} x${conc}: ${fmt(r.rps)} req/s p50 ${fmtMs(r.p50_ms)} ms p99 ${fmtMs(r.p99_ms)} ms${r.errors ? ` errors ${r.errors}` : ''}`)
          if (r.errors) log('first error:', r.firstError)
        }
      }
    }
    log(`RSS over ${RSS_CALLS} calls`)
    const rss = await measureNode(server, 'this', 32, 'rss')
    let embeddedStatus = null
    if (which('wrk')) {
      log('embedded server: wrk GET /api/v1/status')
      embeddedStatus = await measureEmbeddedStatus()
    }
    res = { reqThis, reqOrig, rss, embeddedStatus }
  } finally {
    await server.stop()
  }
  const addon = addonInfo(ADDON)
  let build = null
  if (BUILD) {
    try {
      build = buildTimes()
    } catch (e) {
      // Others edit the tree while this runs: a failed build is reported, not fatal to the run.
      build = { error: String(e.message || e).split('\n').filter((l) => /^error/.test(l)).slice(0, 3).join('; ') || 'cargo build failed' }
      log('build timing failed:', build.error)
    }
  }
  const load1 = loadavg()
  log('load average at end:', load1)

  // medians per client x concurrency
  const rows = []
  for (const client of clients) {
    for (const conc of CONCURRENCY) {
      const rs = raw.filter((r) => r.client === client && r.concurrency === conc)
      if (!rs.length) continue
      rows.push({
        client,
        concurrency: conc,
        rps: median(rs.map((r) => r.rps)),
        p50_ms: median(rs.map((r) => r.p50_ms)),
        p99_ms: median(rs.map((r) => r.p99_ms)),
        eld_p99_ms: median(rs.map((r) => r.eld_p99_ms)),
        cpu_pct: median(rs.map((r) => r.cpu_pct)),
        rps_min: Math.min(...rs.map((r) => r.rps)),
        rps_max: Math.max(...rs.map((r) => r.rps)),
        errors: rs.reduce((a, r) => a + (r.errors || 0), 0),
      })
    }
  }
  const get = (c, n) => rows.find((r) => r.client === c && r.concurrency === n) || {}
  const me1 = get('this', 1)
  const me32 = get('this', 32)
  const reqMs = median(res.reqThis)
  const http1 = get('http', 1)
  const targets = [
    {
      name: '1 in flight: p50 <= the node:http keep-alive loop\'s p50',
      value: `${fmtMs(me1.p50_ms)} ms vs ${fmtMs(http1.p50_ms)} ms (${fmt(ratio(me1.p50_ms, http1.p50_ms), 2)} x)`,
      met: Number.isFinite(http1.p50_ms) ? me1.p50_ms <= http1.p50_ms : null,
    },
    {
      name: "1 in flight: p50 <= 2 x wrk's single-connection p50",
      value: `${fmtMs(me1.p50_ms)} ms vs ${fmtMs(get('wrk', 1).p50_ms)} ms (${fmt(ratio(me1.p50_ms, get('wrk', 1).p50_ms), 2)} x)`,
      met: hasWrk ? ratio(me1.p50_ms, get('wrk', 1).p50_ms) <= 2 : null,
    },
    {
      name: '32 in flight: req/s >= 3.5 x node:http keep-alive loop',
      value: `${fmt(ratio(me32.rps, get('http', 32).rps), 2)} x`,
      met: Number.isFinite(get('http', 32).rps) ? ratio(me32.rps, get('http', 32).rps) >= 3.5 : null,
    },
    {
      name: '32 in flight: req/s >= 0.5 x wrk',
      value: `${fmt(ratio(me32.rps, get('wrk', 32).rps), 2)} x`,
      met: hasWrk ? ratio(me32.rps, get('wrk', 32).rps) >= 0.5 : null,
    },
    { name: 'require() <= 20 ms (median, fresh processes)', value: `${fmtMs(reqMs)} ms`, met: reqMs <= 20 },
    {
      name: `RSS growth over ${RSS_CALLS.toLocaleString('en-US')} calls <= 10 MiB`,
      value: `${fmt(mib(res.rss.growth), 2)} MiB (${fmt(mib(res.rss.rss_after_warmup), 1)} -> ${fmt(mib(res.rss.rss_after), 1)} MiB)`,
      met: mib(res.rss.growth) <= 10,
    },
    { name: 'event-loop delay p99 < 5 ms with 32 in flight', value: `${fmtMs(me32.eld_p99_ms)} ms`, met: me32.eld_p99_ms < 5 },
    {
      name: 'stripped .node <= 4 MiB',
      value: addon ? `${fmt(mib(addon.size), 2)} MiB (${addon.file}${addon.stripped ? ', stripped' : ', NOT stripped: a debug build?'})` : 'no addon',
      met: addon ? addon.stripped && mib(addon.size) <= 4 : false,
    },
    {
      name: 'embedded server: GET /api/v1/status >= 20,000 req/s (wrk, 32 connections, server in its own process)',
      value: res.embeddedStatus ? `${fmt(res.embeddedStatus.rps)} req/s${res.embeddedStatus.non2xx ? ` (${res.embeddedStatus.non2xx} non-2xx)` : ''}` : 'not measured (no wrk)',
      met: res.embeddedStatus ? res.embeddedStatus.rps >= 20000 && !res.embeddedStatus.non2xx : null,
    },
  ]

  // ------------------------------------------------------------------ RESULTS.md
  const wrk32 = get('wrk', 32).rps
  const wrk1 = get('wrk', 1).rps
  const orig = (n) => get('original', n).rps
  const lines = []
  lines.push('# Benchmark results')
  lines.push('')
  lines.push(`Written by \`node bench/run.mjs${argv.length ? ' ' + argv.join(' ') : ''}\` on ${started.toISOString()}; every number below comes from that run.`)
  lines.push('')
  lines.push(`- Work: \`share\` then \`retrieveSecret\` (API v1, authenticated), each HTTP call timed on its own; 1 and 32 calls in flight (independent share->reveal loops).`)
  lines.push(`- Server: **${server.kind}** - ${server.description}, on 127.0.0.1. Share and reveal answers are the real ones from a OneTimeSecret v0.26.6 transcript.`)
  lines.push(`- Rounds: ${ROUNDS} x ${DURATION} s per client and concurrency (after ${WARMUP} s warm-up), clients interleaved (order rotated each round), each Node client in a fresh process; table values are medians over rounds.`)
  lines.push(`- Machine: ${os.cpus().length} x ${os.cpus()[0]?.model?.trim() || 'cpu'}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}, ${os.type()} ${os.release()}.`)
  lines.push(`- **Load average (1/5/15 min): ${load0} at start, ${load1} at end.** The machine is shared with other builds and tests; treat ratios as indicative.`)
  lines.push(`- Clients: wrk ${hasWrk ? '(2 threads at 32 in flight; alternates share and reveal of the known key without parsing answers)' : 'not run (not installed, or the embedded server hands out new keys)'}; this package (${addon && addon.stripped ? 'stripped release addon' : '**a debug or unstripped addon: not representative**'}); original onetimesecret-api ${origVersion} from npm (its compiled index.js, node-fetch ${fetchVer || '?'}); node:http with \`Agent({ keepAlive: true, maxSockets: 32 })\` and JSON.parse; Node's global fetch (undici).`)
  lines.push('')
  lines.push('| client | in flight | req/s | p50 ms | p99 ms | x wrk | x original | event-loop p99 ms | process CPU % | req/s min-max |')
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const r of rows) {
    const w = r.concurrency === 1 ? wrk1 : wrk32
    lines.push(
      `| ${LABEL[r.client]} | ${r.concurrency} | ${fmt(r.rps)} | ${fmtMs(r.p50_ms)} | ${fmtMs(r.p99_ms)} | ${fmt(ratio(r.rps, w), 2)} | ${fmt(ratio(r.rps, orig(r.concurrency)), 2)} | ${r.client === 'wrk' ? '-' : fmtMs(r.eld_p99_ms)} | ${r.client === 'wrk' ? '-' : fmt(r.cpu_pct)} | ${fmt(r.rps_min)}-${fmt(r.rps_max)}${r.errors ? ` (${r.errors} errors)` : ''} |`,
    )
  }
  lines.push('')
  lines.push('![req/s per client](results.svg)')
  lines.push('')
  lines.push('## Targets')
  lines.push('')
  lines.push('| target | measured | met |')
  lines.push('|---|---|---|')
  for (const t of targets) lines.push(`| ${t.name} | ${t.value} | ${t.met === null ? 'not measured' : t.met ? 'yes' : '**no**'} |`)
  lines.push('')
  lines.push('## Other measurements')
  lines.push('')
  lines.push(`- require() of this package: median ${fmtMs(reqMs)} ms over ${res.reqThis.length} fresh processes (min ${fmtMs(Math.min(...res.reqThis))}, max ${fmtMs(Math.max(...res.reqThis))}); the original package: median ${fmtMs(median(res.reqOrig))} ms.`)
  lines.push(`- RSS (32 in flight, this package, gc() before each reading): ${fmt(mib(res.rss.rss_after_warmup), 1)} MiB after ${res.rss.warmup_calls.toLocaleString('en-US')} warm-up calls, ${fmt(mib(res.rss.rss_after), 1)} MiB after ${res.rss.calls.toLocaleString('en-US')} more calls (${fmt(res.rss.calls / res.rss.seconds)} req/s during that run).`)
  {
    // Issue 10.4: a failed call's error gets the caller's stack. What that machinery costs a call
    // that succeeds: 'this' against the same client with V8's stack capture made free
    // (Error.stackTraceLimit = 0), and against the bare native binding (no JS skin at all).
    const jsCpu = (client) => {
      const rs = raw.filter((r) => r.client === client && r.concurrency === 32 && r.threads && r.threads['main (JS)'])
      return median(rs.map((r) => r.threads['main (JS)'].user_us + r.threads['main (JS)'].sys_us))
    }
    const cmp = (c) => {
      const a1 = get(c, 1)
      const a32 = get(c, 32)
      return `${LABEL[c]}: 1 in flight p50 ${fmtMs(a1.p50_ms)} ms (this: ${fmtMs(me1.p50_ms)}); 32 in flight ${fmt(a32.rps)} req/s, ${fmt(a32.rps_min)}-${fmt(a32.rps_max)} over rounds (this: ${fmt(me32.rps)}, ${fmt(me32.rps_min)}-${fmt(me32.rps_max)}); JS-thread CPU ${fmt(jsCpu(c), 1)} us per call (this: ${fmt(jsCpu('this'), 1)})`
    }
    // Measurable only if the two clients' per-round values do not overlap.
    const range = (c, n, f) => {
      const v = raw.filter((r) => r.client === c && r.concurrency === n).map(f)
      return [Math.min(...v), Math.max(...v)]
    }
    const overlap = ([a, b], [c, d]) => a <= d && c <= b
    const verdict = (c) => {
      const p50 = overlap(range(c, 1, (r) => r.p50_ms), range('this', 1, (r) => r.p50_ms))
      const rps = overlap(range(c, 32, (r) => r.rps), range('this', 32, (r) => r.rps))
      return p50 && rps ? 'within the spread of the rounds on both (not measurable)' : `outside the spread of the rounds on ${[!p50 && 'p50 at 1 in flight', !rps && 'req/s at 32 in flight'].filter(Boolean).join(' and ')}`
    }
    const with_ = ['this-nostack', 'this-native'].filter((c) => clients.includes(c))
    if (with_.length) lines.push(`- Caller-stack capture on the success path (issue 10.4): ${with_.map((c) => `${cmp(c)}: ${verdict(c)}`).join('; ')}.`)
  }
  if (addon) lines.push(`- Addon measured (${addon.file}): ${addon.size.toLocaleString('en-US')} bytes (${fmt(mib(addon.size), 2)} MiB), \`file\`: ${addon.desc || 'n/a'}.`)
  if (build && build.error) {
    lines.push(`- Release build timing failed in this run (the shared tree was being edited?): ${build.error}`)
  } else if (build) {
    lines.push(`- Release build (\`cargo build --release -p onetimesecret-api\`, lto, codegen-units=1, opt-level="s", strip), own CARGO_TARGET_DIR under ${os.tmpdir()}: clean ${fmt(build.clean_s, 1)} s, incremental after touching crates/core/src/transport.rs ${fmt(build.incremental_s, 1)} s (the machine was busy; see load average).`)
    if (build.fresh_release) lines.push(`- That fresh release build's addon: ${build.fresh_release.size.toLocaleString('en-US')} bytes (${fmt(mib(build.fresh_release.size), 2)} MiB).`)
  } else {
    lines.push(`- Build times: not measured in this run${SMOKE ? ' (--smoke)' : ' (--no-build)'}.`)
  }
  // where the CPU goes, per thread (from /proc), medians over rounds
  lines.push('')
  lines.push('## CPU per HTTP call, by thread (microseconds, user+system, medians over rounds)')
  lines.push('')
  lines.push('| client | in flight | main (JS) thread | of which system | runtime threads (tokio / libuv / V8) | of which system |')
  lines.push('|---|---:|---:|---:|---:|---:|')
  for (const client of clients.filter((c) => c !== 'wrk')) {
    for (const conc of CONCURRENCY) {
      const rs = raw.filter((r) => r.client === client && r.concurrency === conc && r.threads)
      if (!rs.length) continue
      const pick = (f) => median(rs.map((r) => Object.entries(r.threads).reduce((a, [k, v]) => a + f(k, v), 0)))
      const mainT = pick((k, v) => (k === 'main (JS)' ? v.user_us + v.sys_us : 0))
      const mainS = pick((k, v) => (k === 'main (JS)' ? v.sys_us : 0))
      const otherT = pick((k, v) => (k !== 'main (JS)' ? v.user_us + v.sys_us : 0))
      const otherS = pick((k, v) => (k !== 'main (JS)' ? v.sys_us : 0))
      lines.push(`| ${LABEL[client]} | ${conc} | ${fmt(mainT, 1)} | ${fmt(mainS, 1)} | ${fmt(otherT, 1)} | ${fmt(otherS, 1)} |`)
    }
  }
  lines.push('')
  lines.push('Thread CPU comes from /proc/self/task/*/stat (10 ms ticks), divided by the calls made in the measured window.')
  const profFiles = [
    ['before the perf changes (JSON.parse settle, pre-parsed base URL)', path.join(HERE, 'profile/before/summary.json')],
    ['main before the batch settle path (issue 14)', path.join(HERE, 'profile/issue14/1-main-before.json')],
    ['with the batch settle path', path.join(HERE, 'profile/issue14/2-batch-settle.json')],
    ["main later (its calls' futures had grown), before boxing the call's future", path.join(HERE, 'profile/summary.json')],
    ["after boxing the call's future", path.join(HERE, 'profile/issue14/4-box-future.json')],
  ].filter(([, f]) => fs.existsSync(f))
  if (profFiles.length) {
    lines.push('')
    lines.push('## Instructions per HTTP call (callgrind, `node bench/run.mjs --profile`, client process only)')
    lines.push('')
    lines.push('| build | client | instructions per call | profiled |')
    lines.push('|---|---|---:|---|')
    for (const [what, f] of profFiles) {
      const j = JSON.parse(fs.readFileSync(f, 'utf8'))
      for (const r of j.summary) lines.push(`| ${what} | ${LABEL[r.client] || r.client} | ${r.ir_per_call.toLocaleString('en-US')} | ${String(j.date).slice(0, 16)}Z, ${r.calls} calls, ${j.server} server |`)
    }
    lines.push('')
    lines.push('Full listings (by object, self and inclusive cost per call): `bench/profile/callgrind.*.txt`.')
  }
  const analysis = path.join(HERE, 'ANALYSIS.md')
  if (!SMOKE && fs.existsSync(analysis)) {
    lines.push('')
    lines.push(fs.readFileSync(analysis, 'utf8').trim())
  }
  lines.push('')

  fs.mkdirSync(OUT, { recursive: true })
  chartFoot = `${server.kind} server on loopback, ${os.cpus().length} cores, load ${load0} -> ${load1}; ${started.toISOString().slice(0, 16)}Z`
  fs.writeFileSync(path.join(OUT, 'RESULTS.md'), lines.join('\n'))
  fs.writeFileSync(path.join(OUT, 'results.svg'), svgChart(rows))
  fs.writeFileSync(
    path.join(OUT, 'results.json'),
    JSON.stringify({ started, argv, load: [load0, load1], server: server.kind, rows, raw, targets, require: res, addon, build }, null, 2) + '\n',
  )
  log('wrote', path.join(OUT, 'RESULTS.md'))
  console.log(lines.join('\n'))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})

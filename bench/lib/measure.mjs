// One measurement per child process (a Node client in bench/worker.mjs, wrk, the embedded server's
// own speed), require() times, the addon file and release build times.
import { spawn, spawnSync, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ADDON_ENV, DURATION, HERE, REQUIRE_RUNS, ROOT, RSS_CALLS, RSS_WARMUP, WARMUP, loadavg, log } from './config.mjs'

export function runChild(cmd, args, env, timeoutMs) {
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

export async function measureWrk(server, conc) {
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
export async function measureEmbeddedStatus() {
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

export async function measureNode(server, client, conc, mode = 'load') {
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

export async function requireTimes(file) {
  const code = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`
  const times = []
  for (let i = 0; i < REQUIRE_RUNS; i++) times.push(Number(await runChild(process.execPath, ['-e', code], {}, 30000)))
  return times
}

export function addonInfo(file) {
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

export function buildTimes() {
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

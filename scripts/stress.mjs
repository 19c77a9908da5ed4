#!/usr/bin/env node
// `npm run stress`: the long versions of the reliability suites, and RELIABILITY.md written from
// what they measured (no number in that file is typed by hand).
//   - the fault matrix (every fault kind x every call), several rounds;
//   - >= 100,000 fuzz inputs, in child processes (a native abort or a hang counts as a crash);
//   - 100,000 calls with 1,000 in flight, RSS measured (in a child with --expose-gc).
// Options (env): STRESS_FUZZ (default 100000), STRESS_CALLS (default 100000), STRESS_ROUNDS (3),
// STRESS_WARMUP (50000), STRESS_OUT (the report's path; default RELIABILITY.md, which the smoke
// test in __test__/stress-smoke.test.mjs leaves alone).

import fs from 'node:fs'
import os from 'node:os'
import { execFile, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { USERNAME, TOKEN_MARK } from '../__test__/helpers/reliability-common.mjs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const FUZZ = Number(process.env.STRESS_FUZZ || 100_000)
const CALLS = Number(process.env.STRESS_CALLS || 100_000)
const ROUNDS = Number(process.env.STRESS_ROUNDS || 3)
// Warm-up before the RSS baseline: 1,000 connections' buffers and the allocator's caches fill over
// the first tens of thousands of calls; growth after that is what a leak would show.
const WARMUP = Number(process.env.STRESS_WARMUP || 50_000)
const FUZZ_CHILDREN = 4

const log = (...a) => console.error(`[stress ${new Date().toISOString().slice(11, 19)}]`, ...a)

/** Runs `code` (an ES module) in a child node; resolves { code, signal, result, stderr }. */
function child(code, args = [], timeoutMs = 30 * 60_000) {
  return new Promise((resolve) => {
    execFile(process.execPath, [...args, '--input-type=module', '-e', code], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const m = /^RESULT (.*)$/m.exec(stdout)
        resolve({ code: err ? err.code ?? 1 : 0, signal: err?.signal ?? null, result: m ? JSON.parse(m[1]) : null, stderr })
      })
  })
}

const started = Date.now()
const report = { crashes: 0, hangs: 0, duplicates: 0, leaks: 0 }

// 1. The fault matrix.
log(`fault matrix, ${ROUNDS} rounds`)
const matrix = await child(`
  import { startServer } from './testing.mjs'
  import { runFaultMatrix } from './__test__/helpers/reliability-matrix.mjs'
  import { ErrorLog, USERNAME, TOKEN_MARK } from './__test__/helpers/reliability-common.mjs'
  const server = await startServer({ username: USERNAME, apiKey: TOKEN_MARK })
  const log = new ErrorLog()
  const rows = []
  for (let round = 0; round < ${ROUNDS}; round++) rows.push(...(await runFaultMatrix({ server, log })))
  await server.close()
  console.log('RESULT ' + JSON.stringify({ rows, errors: log.count, leaks: log.leaked.length }))
`)
if (!matrix.result) {
  report.crashes++
  log('matrix child failed', matrix.code, matrix.signal, matrix.stderr.slice(-2000))
}
const rows = matrix.result?.rows ?? []
report.hangs += rows.filter((r) => r.hang).length
report.duplicates += rows.filter((r) => r.duplicate).length
report.leaks += matrix.result?.leaks ?? 0

// 2. Fuzzing, in child processes.
log(`fuzzing, ${FUZZ} inputs in ${FUZZ_CHILDREN} children`)
const per = Math.ceil(FUZZ / FUZZ_CHILDREN)
const fuzzRuns = await Promise.all(
  Array.from({ length: FUZZ_CHILDREN }, (_, k) =>
    child(`
      import { startServer } from './testing.mjs'
      import { runFuzz } from './__test__/helpers/reliability-fuzz.mjs'
      import { USERNAME, TOKEN_MARK } from './__test__/helpers/reliability-common.mjs'
      const unhandled = []
      process.on('unhandledRejection', (r) => unhandled.push(String(r)))
      const server = await startServer({ username: USERNAME, apiKey: TOKEN_MARK })
      server.setRateLimit(null)
      const { log, ...stats } = await runFuzz({ seed: ${1000 + k}, count: ${per}, server })
      await server.close()
      await new Promise(setImmediate)
      console.log('RESULT ' + JSON.stringify({ ...stats, errors: log.count, leaks: log.leaked.length, unhandled }))
    `),
  ),
)
const fuzz = { inputs: 0, methodCalls: 0, constructorCalls: 0, resolved: 0, rejected: {}, violations: [], hangs: 0, errors: 0, leaks: 0, unhandled: 0, fuzzBoomCauses: 0, seeds: [] }
for (const r of fuzzRuns) {
  if (!r.result) {
    report.crashes++
    log('fuzz child crashed', r.code, r.signal, r.stderr.slice(-2000))
    continue
  }
  const s = r.result
  fuzz.seeds.push(s.seed)
  for (const k of ['inputs', 'methodCalls', 'constructorCalls', 'resolved', 'hangs', 'errors', 'leaks', 'fuzzBoomCauses']) fuzz[k] += s[k]
  for (const [k, v] of Object.entries(s.rejected)) fuzz.rejected[k] = (fuzz.rejected[k] || 0) + v
  fuzz.violations.push(...s.violations)
  fuzz.unhandled += s.unhandled.length
}
report.hangs += fuzz.hangs
report.leaks += fuzz.leaks

// 3. Load and RSS growth. The server runs in its own process, so the RSS measured is the client's
// alone (an in-process server's connections and buffers would be counted as the client's).
log(`load, ${CALLS} calls, 1,000 in flight, server in another process`)
const host = spawn(process.execPath, ['__test__/helpers/server-host.mjs', JSON.stringify({ username: USERNAME, apiKey: TOKEN_MARK })], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] })
const hostLines = createInterface({ input: host.stdout })[Symbol.asyncIterator]()
const ready = JSON.parse((await hostLines.next()).value.replace(/^READY /, ''))
const load = await child(
  `
  import { runLoad } from './__test__/helpers/reliability-load.mjs'
  import { USERNAME, TOKEN_MARK } from './__test__/helpers/reliability-common.mjs'
  const server = { url: ${JSON.stringify(ready.url)} }
  const rss = () => { globalThis.gc(); return process.memoryUsage().rss }
  const warm = await runLoad({ server, username: USERNAME, token: TOKEN_MARK, total: ${WARMUP}, inFlight: 1000, stateless: true })
  const rssWarm = rss()
  const t0 = performance.now()
  const half = await runLoad({ server, username: USERNAME, token: TOKEN_MARK, total: ${Math.ceil(CALLS / 2)}, inFlight: 1000, stateless: true })
  const rssHalf = rss()
  const rest = await runLoad({ server, username: USERNAME, token: TOKEN_MARK, total: ${Math.floor(CALLS / 2)}, inFlight: 1000, stateless: true })
  const main = { calls: half.calls + rest.calls, ok: half.ok + rest.ok, wrong: [...half.wrong, ...rest.wrong], maxInFlight: Math.max(half.maxInFlight, rest.maxInFlight) }
  const ms = performance.now() - t0
  const rssAfter = rss()
  console.log('RESULT ' + JSON.stringify({ warm: warm.ok, ...main, ms, rssWarm, rssHalf, rssAfter }))
`,
  ['--expose-gc'],
)
host.stdin.write('count\n')
if (load.result) load.result.requests = Number((await hostLines.next()).value.replace(/^COUNT /, ''))
host.stdin.end('close\n')
if (!load.result) {
  report.crashes++
  log('load child failed', load.code, load.signal, load.stderr.slice(-2000))
}

// 4. RELIABILITY.md
const calls = [...new Set(rows.map((r) => r.call))]
const faults = [...new Set(rows.map((r) => r.fault))]
const cell = (fault, call) => {
  const rs = rows.filter((r) => r.fault === fault && r.call === call)
  const got = [...new Set(rs.map((r) => r.got))].join('/')
  const sends = [...new Set(rs.map((r) => r.sends))].map((s) => (s === null ? '–' : s)).join('/')
  const bad = rs.some((r) => r.problems.length) ? ' ❌' : ''
  return `${got.replace(/Error$/, '')} ×${sends}${bad}`
}
const mb = (b) => (b / 1024 / 1024).toFixed(1)
const l = load.result
const totalCalls = rows.length + fuzz.methodCalls + (l ? l.calls + l.warm : 0)
const failedCells = rows.filter((r) => r.problems.length)
const md = `# Reliability

Generated by \`npm run stress\` (scripts/stress.mjs) on ${new Date().toISOString().slice(0, 10)}; every number below comes
from that run. Node ${process.version}, ${os.platform()}/${os.arch()}, ${os.cpus().length} CPUs, addon as built at the time
(debug or release), ${((Date.now() - started) / 1000).toFixed(0)} s in all.

## Summary

| | |
|---|---|
| fuzz inputs tried | ${fuzz.inputs.toLocaleString('en')} (seeds ${fuzz.seeds.join(', ')}; ${fuzz.methodCalls.toLocaleString('en')} method calls, ${fuzz.constructorCalls.toLocaleString('en')} constructor calls) |
| calls made | ${totalCalls.toLocaleString('en')} (fault matrix ${rows.length}, fuzz ${fuzz.methodCalls.toLocaleString('en')}, load ${l ? (l.calls + l.warm).toLocaleString('en') : 'n/a'}) |
| crashes (process aborted or died) | ${report.crashes} |
| hangs (call not settled in time) | ${report.hangs} |
| duplicates (a create/consume call sent more than once) | ${report.duplicates} |
| secret / token leaks in errors | ${report.leaks} (of ${(fuzz.errors + (matrix.result?.errors ?? 0)).toLocaleString('en')} errors checked) |
| fuzz invariant violations | ${fuzz.violations.length} |
| unhandled rejections (fuzz) | ${fuzz.unhandled} |
| fault-matrix cells not as expected | ${failedCells.length} of ${rows.length} |
| load: calls settled correctly | ${l ? `${l.ok.toLocaleString('en')} of ${l.calls.toLocaleString('en')} (max ${l.maxInFlight} in flight, ${(l.calls / (l.ms / 1000)).toFixed(0)} calls/s, ${l.requests.toLocaleString('en')} requests served)` : 'n/a'} |
| leaks: RSS growth over ${l ? l.calls.toLocaleString('en') : '?'} calls (status + failing retrieveSecret, 1,000 in flight, server in another process; after a ${WARMUP.toLocaleString('en')}-call warm-up, after GC) | ${l ? `${mb(l.rssAfter - l.rssWarm)} MB (${mb(l.rssWarm)} → ${mb(l.rssHalf)} at half-way → ${mb(l.rssAfter)} MB)` : 'n/a'} |

## Fault matrix

Each cell: the error class the call settled with (\`Error\` suffix dropped) and how many requests reached the
server (embedded server counters or the raw TCP server's log; \`–\` where nothing can listen), over ${ROUNDS}
rounds. Calls that create or consume a secret (share, generate, retrieveSecret, burn) must show ×1;
the others are retried (×3 with the default 2 retries) on connection failures, 429 and 503 only.
Timeout ${800} ms per call; ❌ marks a cell that did not behave as expected.

| fault | ${calls.join(' | ')} |
|---|${calls.map(() => '---').join('|')}|
${faults.map((f) => `| ${f} | ${calls.map((c) => cell(f, c)).join(' | ')} |`).join('\n')}
${failedCells.length ? `\n### Unexpected cells\n\n${failedCells.slice(0, 50).map((r) => `- ${r.fault} / ${r.call}: ${r.problems.join('; ')}`).join('\n')}\n` : ''}
## Fuzzing outcomes

Rejections by class over ${fuzz.methodCalls.toLocaleString('en')} method calls (resolved: ${fuzz.resolved.toLocaleString('en')}):
${Object.entries(fuzz.rejected).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}.
\`FuzzBoom\` is the fuzzer's own error, thrown by hostile getters and Proxy traps; it arrives as the \`cause\` of an \`InputError\` (${fuzz.fuzzBoomCauses.toLocaleString('en')} times), never on its own.
${fuzz.violations.length ? `\nViolations:\n\n${fuzz.violations.slice(0, 50).map((v) => `- ${v}`).join('\n')}\n` : ''}
The Rust response parsers are fuzzed separately: \`PROPTEST_CASES=50000 cargo test -p ots-core --test parser_props\`.
`
const OUT = process.env.STRESS_OUT || fileURLToPath(new URL('../RELIABILITY.md', import.meta.url))
fs.writeFileSync(OUT, md)
log(`wrote ${OUT}`)
console.log(md)
const failed = report.crashes + report.hangs + report.duplicates + report.leaks + fuzz.violations.length + failedCells.length + fuzz.unhandled
process.exit(failed ? 1 : 0)

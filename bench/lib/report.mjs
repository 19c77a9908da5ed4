// The report: medians per client and concurrency, the targets, RESULTS.md, results.svg and
// results.json. Every number in them comes from the run that calls `writeReport`.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CONCURRENCY, DURATION, HERE, LABEL, OUT, ROUNDS, RSS_CALLS, SMOKE, WARMUP, argv, log, median } from './config.mjs'

export const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a')
export const fmtMs = (x) => (Number.isFinite(x) ? (x < 1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1)) : 'n/a')
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN)
const mib = (b) => b / (1 << 20)

function svgChart(rows, chartFoot) {
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
function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Writes RESULTS.md, results.svg and results.json to OUT from one run's raw measurements. */
export function writeReport({ started, server, clients, hasWrk, origVersion, fetchVer, raw, res, addon, build, load0, load1 }) {
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
    lines.push(`- Release build (\`cargo build --release -p onetimesecret-api\`, lto, codegen-units=1, opt-level "s" and 3 for the crates every call runs through (Cargo.toml), strip), own CARGO_TARGET_DIR under ${os.tmpdir()}: clean ${fmt(build.clean_s, 1)} s, incremental after touching crates/core/src/transport.rs ${fmt(build.incremental_s, 1)} s (the machine was busy; see load average).`)
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
    ['main 02bd2e1 (later), before the opt-level change', path.join(HERE, 'profile/issue14/6-main-before-opt-level.json')],
    ['opt-level 3 for the crates every call runs through', path.join(HERE, 'profile/issue14/7-opt-level-hot-crates.json')],
    ['main after the typed answers (issue 12), opt-level "s" everywhere', path.join(HERE, 'profile/issue14/10-typed-answers-all-s.json')],
    ['main after the typed answers, hot crates at opt-level 3 (not ots-core)', path.join(HERE, 'profile/issue14/11-typed-answers-hot-crates.json')],
    ['default headers set once, request built in place (transport.rs)', path.join(HERE, 'profile/issue14/9-transport-request.json')],
    ["reqwest's retry layer never retries or copies", path.join(HERE, 'profile/issue14/12-retry-never.json')],
    ['calls made while the runtime is idle go through an inbox (submit.rs)', path.join(HERE, 'profile/issue14/14-idle-submit.json')],
    ['ots-core at opt-level 3 as well', path.join(HERE, 'profile/issue14/15-ots-core-opt-level-3.json')],
    ["issue 23, before: batch_settle.rs + submit.rs (main c4413dd)", path.join(HERE, 'profile/issue23/1-before-1.json')],
    ["issue 23, after: napi-rs's spawn_future_with_callback", path.join(HERE, 'profile/issue23/2-after-1.json')],
    ['issue 23, before (again)', path.join(HERE, 'profile/issue23/3-before-2.json')],
    ['issue 23, after (again)', path.join(HERE, 'profile/issue23/4-after-2.json')],
  ].filter(([, f]) => fs.existsSync(f))
  if (profFiles.length) {
    lines.push('')
    lines.push('## Instructions per HTTP call (callgrind, `node bench/run.mjs --profile`, client process only)')
    lines.push('')
    lines.push('| build | client | instructions per call | of which on the runtime threads | profiled |')
    lines.push('|---|---|---:|---:|---|')
    for (const [what, f] of profFiles) {
      const j = JSON.parse(fs.readFileSync(f, 'utf8'))
      for (const r of j.summary) lines.push(`| ${what} | ${LABEL[r.client] || r.client} | ${r.ir_per_call.toLocaleString('en-US')} | ${r.runtime_ir_per_call ? r.runtime_ir_per_call.toLocaleString('en-US') : '-'} | ${String(j.date).slice(0, 16)}Z, ${r.calls} calls, ${j.server} server |`)
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
  const chartFoot = `${server.kind} server on loopback, ${os.cpus().length} cores, load ${load0} -> ${load1}; ${started.toISOString().slice(0, 16)}Z`
  fs.writeFileSync(path.join(OUT, 'RESULTS.md'), lines.join('\n'))
  fs.writeFileSync(path.join(OUT, 'results.svg'), svgChart(rows, chartFoot))
  fs.writeFileSync(
    path.join(OUT, 'results.json'),
    JSON.stringify({ started, argv, load: [load0, load1], server: server.kind, rows, raw, targets, require: res, addon, build }, null, 2) + '\n',
  )
  log('wrote', path.join(OUT, 'RESULTS.md'))
  console.log(lines.join('\n'))
}

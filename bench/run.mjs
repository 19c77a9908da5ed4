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
// The parts: lib/config.mjs (options), lib/servers.mjs (nginx, embedded), lib/measure.mjs (child
// processes, require(), builds), lib/report.mjs (RESULTS.md, chart, JSON), lib/profile.mjs (callgrind).
import fs from 'node:fs'
import path from 'node:path'
import { ADDON, ALL_CLIENTS, BUILD, CONCURRENCY, LABEL, ROOT, ROUNDS, RSS_CALLS, SMOKE, flag, loadavg, log, opt, which } from './lib/config.mjs'
import { addonInfo, buildTimes, measureEmbeddedStatus, measureNode, measureWrk, requireTimes } from './lib/measure.mjs'
import { profile } from './lib/profile.mjs'
import { fmt, fmtMs, writeReport } from './lib/report.mjs'
import { fixtureBodies, startEmbedded, startNginx } from './lib/servers.mjs'

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

  writeReport({ started, server, clients, hasWrk, origVersion, fetchVer, raw, res, addon, build, load0, load1 })
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})

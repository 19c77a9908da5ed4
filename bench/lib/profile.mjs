// `node bench/run.mjs --profile`: instructions per HTTP call under callgrind.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ADDON, HERE, OUT, log, opt } from './config.mjs'
import { runChild } from './measure.mjs'
import { fixtureBodies, startEmbedded, startNginx } from './servers.mjs'

// --profile: instructions per HTTP call under callgrind (stable under machine noise), and where
// they go. Two runs per client (warm-up only, warm-up + N calls); the difference / N is the
// per-call cost of the steady state. --addon=PATH points the package at an unstripped build.
export async function profile() {
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
      // The Rust threads' share (the tokio workers: std's thread_start, inclusive). Unlike the total,
      // it has no GC or JIT in it, so it moves by well under 1 % between runs of one build.
      const rust = Math.max(0, ...diff('incl').filter(([fn]) => /<std::sys::thread::unix::Thread>::new::thread_start$/.test(short(fn))).map(([, ir]) => ir))
      summary.push({ client, calls: N, ir_per_call: Math.round(perCall), ...(rust ? { runtime_ir_per_call: Math.round(rust) } : {}) })
      log(`${client}: ${Math.round(perCall).toLocaleString('en-US')} instructions per HTTP call (callgrind, client process only)${rust ? `, ${Math.round(rust).toLocaleString('en-US')} of them on the runtime threads` : ''}`)
    }
  } finally {
    await server.stop()
  }
  fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ date: new Date(), server: server.kind, addon: ADDON, summary }, null, 2) + '\n')
}

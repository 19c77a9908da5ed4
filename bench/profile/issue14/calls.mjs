// The driver behind context-switches.txt and wakeups.json: `node calls.mjs <ops> <in flight>` makes
// 200 warm-up share -> retrieveSecret pairs, then <ops> pairs (2 calls each) against OTS_BENCH_URL
// (bench/nginx.conf's fixed answers), and prints one JSON line: the voluntary context switches per
// call (a thread went to sleep: each one is a wake-up someone paid for) and the involuntary ones
// (preempted: machine load, not this code), per thread name, from /proc/self/task/*/status.
// `perf stat -e task-clock,context-switches` or `strace -f -c` around it count the whole process.
import fs from 'node:fs'
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const { OneTimeSecretApi } = require('../../../index.js')
const url = process.env.OTS_BENCH_URL || 'http://127.0.0.1:18931'
const api = new OneTimeSecretApi('tester@example.com', '26abcdef0123456789abcdef0123456789abcdef', { url, apiVersion: 'v1' })
const N = Number(process.argv[2] || 1000)
const C = Number(process.argv[3] || 1)
const loop = async (n) => {
  for (let i = 0; i < n; i++) {
    const s = await api.share('x', { ttl: 3600 })
    await api.retrieveSecret(s.secret_key)
  }
}
/** Context switches by thread name (threads of one name summed; threads that ended are lost). */
const switches = () => {
  const out = {}
  for (const tid of fs.readdirSync('/proc/self/task')) {
    let text
    try {
      text = fs.readFileSync(`/proc/self/task/${tid}/status`, 'utf8')
    } catch {
      continue
    }
    const field = (k) => Number(text.match(new RegExp(`^${k}:\\s*(.*)$`, 'm'))?.[1] ?? 0)
    const name = tid === String(process.pid) ? 'main (JS)' : text.match(/^Name:\s*(.*)$/m)[1]
    const o = (out[name] ??= { voluntary: 0, involuntary: 0, threads: 0 })
    o.voluntary += field('voluntary_ctxt_switches')
    o.involuntary += field('nonvoluntary_ctxt_switches')
    o.threads += 1
  }
  return out
}
const run = (ops) => Promise.all(Array.from({ length: C }, () => loop(ops / C)))
await run(Math.max(C, 200))
const before = switches()
await run(N)
const after = switches()
const calls = 2 * N
const perCall = {}
let voluntary = 0
let involuntary = 0
for (const [name, a] of Object.entries(after)) {
  const b = before[name] ?? { voluntary: 0, involuntary: 0 }
  const v = (a.voluntary - b.voluntary) / calls
  const i = (a.involuntary - b.involuntary) / calls
  voluntary += v
  involuntary += i
  if (v > 0.005 || i > 0.005) perCall[name] = { threads: a.threads, voluntary: +v.toFixed(3), involuntary: +i.toFixed(3) }
}
console.log(JSON.stringify({ calls, in_flight: C, voluntary_per_call: +voluntary.toFixed(3), involuntary_per_call: +involuntary.toFixed(3), by_thread: perCall }))
process.exit(0)

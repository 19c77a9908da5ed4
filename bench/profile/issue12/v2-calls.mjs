// The API v2 workload of bench/ANALYSIS.md item 8 (bench/run.mjs measures API v1 only):
// `node v2-calls.mjs <calls>` makes 384 warm-up calls, then <calls> more (share with a passphrase,
// then reveal, 32 in flight) against the nginx of v2-nginx-conf.py on 127.0.0.1:18977, and exits.
// Run under `valgrind --tool=callgrind` with 0 and with 2048 calls; the difference / 2048 is a
// call's cost (the runtime threads: callgrind_annotate --inclusive=yes, std's thread_start).
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const { OneTimeSecretApi } = require('../../../index.js')
const api = new OneTimeSecretApi('tester@example.com', '26abcdef0123456789abcdef0123456789abcdef', {
  url: 'http://127.0.0.1:18977',
  apiVersion: 'v2',
})
const passphrase = 'pw-long-enough'
const run = async (calls) => {
  const lane = async (pairs) => {
    for (let i = 0; i < pairs; i++) {
      const s = await api.share('x', { passphrase })
      const r = await api.retrieveSecret(s.secret_key, { passphrase })
      if (!r.value) throw new Error('no value')
    }
  }
  await Promise.all(Array.from({ length: 32 }, () => lane(calls / 2 / 32)))
}
await run(384)
await run(Number(process.argv[2]))
process.exit(0)

// The driver behind context-switches.txt: `node calls.mjs <ops> <in flight>` makes <ops> share ->
// retrieveSecret pairs (2 calls each) against OTS_BENCH_URL (bench/nginx.conf's fixed answers) and
// exits; `perf stat -e task-clock,context-switches` around it counts the whole process.
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
await Promise.all(Array.from({ length: C }, () => loop(N / C)))
process.exit(0)

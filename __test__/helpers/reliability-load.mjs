// Load: `total` calls with `inFlight` at a time against an embedded server, checking every result.
// Shared by __test__/load.test.mjs (10,000 calls) and scripts/stress.mjs (100,000, RSS growth).

import { OneTimeSecretApi } from '../../index.mjs'

/**
 * Runs a mix of status / share / retrieveSecret calls. `onProgress(done)` is called every 1,000.
 * Returns { calls, ok, wrong: [..first few..], maxInFlight }.
 */
export async function runLoad({ server, username, token, total = 10_000, inFlight = 1000, onProgress, stateless = false }) {
  const c = new OneTimeSecretApi(username, token, { url: server.url, timeout: 30_000 })
  const anon = OneTimeSecretApi.anonymous({ url: server.url, timeout: 30_000 })
  let started = 0
  let running = 0
  let maxInFlight = 0
  let ok = 0
  const wrong = []
  const unknown = 'u'.repeat(40)
  const one = async (i) => {
    if (stateless) {
      // Nothing stored server-side: with the server in another process, RSS growth is the client's.
      if (i % 2) {
        if ((await c.status()) !== true) throw new Error('status is not true')
      } else {
        const e = await c.retrieveSecret(unknown).then(() => null, (err) => err)
        if (e?.name !== 'UnknownSecretError') throw new Error(`expected UnknownSecretError, got ${e}`)
      }
      return
    }
    switch (i % 4) {
      case 0:
      case 1:
        if ((await c.status()) !== true) throw new Error('status is not true')
        return
      case 2: {
        const s = await anon.share(`load secret ${i}`)
        const got = await anon.retrieveSecret(s.secret_key)
        if (got.value !== `load secret ${i}`) throw new Error(`wrong secret back: ${got.value}`)
        return
      }
      default: {
        const s = await c.share(`mine ${i}`, { ttl: 60 })
        if (typeof s.metadata_key !== 'string') throw new Error('no metadata_key')
      }
    }
  }
  const lane = async () => {
    while (started < total) {
      const i = started++
      running++
      maxInFlight = Math.max(maxInFlight, running)
      try {
        await one(i)
        ok++
      } catch (e) {
        if (wrong.length < 10) wrong.push(`#${i}: ${e?.name}: ${e?.message}`)
        else wrong.length++
      } finally {
        running--
      }
      if (onProgress && (ok + wrong.length) % 1000 === 0) onProgress(ok + wrong.length)
    }
  }
  await Promise.all(Array.from({ length: inFlight }, lane))
  return { calls: started, ok, wrong, maxInFlight }
}

// Worker threads that come and go: the addon is loaded, used and unloaded once per worker, with
// calls still in flight when a worker is terminated. The child process's main thread never loads
// the addon, so each worker loads it afresh (with mimalloc v3 as the allocator, the second load
// crashed the process: SIGSEGV in mi_thread_init).

import test from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { startServer } from '../testing.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

test('workers load the addon one after another, and terminate with calls in flight, without a crash', async () => {
  const server = await startServer({ username: 'w@example.com', apiKey: 'worker-token' })
  server.setRateLimit(null)
  try {
    const script = `
      const { Worker } = require('node:worker_threads')
      const code = \`
        const { parentPort, workerData } = require('node:worker_threads')
        const { OneTimeSecretApi } = require(workerData.root + '/index.js')
        const api = new OneTimeSecretApi('w@example.com', 'worker-token', { url: workerData.url })
        api.share('from worker ' + workerData.round).then(async (s) => {
          const r = await api.retrieveSecret(s.secret_key)
          parentPort.postMessage(r.value)
          // Left in flight when the parent terminates this worker.
          for (let i = 0; i < 32; i++) api.status().catch(() => {})
        }, (e) => parentPort.postMessage('error ' + e.name))
      \`
      ;(async () => {
        for (let round = 0; round < 4; round++) {
          const w = new Worker(code, { eval: true, workerData: { root: ${JSON.stringify(ROOT)}, url: ${JSON.stringify(server.url)}, round } })
          const [value] = await require('node:events').once(w, 'message')
          process.stdout.write(value + '\\n')
          await w.terminate()
        }
      })()
    `
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    const [code, signal] = await once(child, 'exit')
    assert.equal(signal, null, `the child died of ${signal}: ${err}`)
    assert.equal(code, 0, err)
    assert.deepEqual(out.trim().split('\n'), ['from worker 0', 'from worker 1', 'from worker 2', 'from worker 3'])
  } finally {
    await server.close()
  }
})

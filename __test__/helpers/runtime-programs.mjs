// Programs that use the installed package the way an application would, run unchanged under
// Node, Bun and Deno by __test__/newcomer.test.mjs. Each prints one JSON line of what it saw.

const LIFECYCLE = `
  const server = await startServer({ generation: 'v0.26' })
  const out = {}
  try {
    const api = new OneTimeSecretApi(server.username, server.apiKey, { url: server.url })
    const shared = await api.share('runtime secret', { ttl: 300 })
    out.value = (await api.retrieveSecret(shared.secret_key)).value
    out.again = await api.retrieveSecret(shared.secret_key).then(
      () => 'resolved',
      (e) => [e instanceof UnknownSecretError, e instanceof OneTimeSecretError, e instanceof Error, e.name, e.code].join(' '),
    )
    const burnable = await api.share('burn me')
    out.burned = (await api.burn(burnable.metadata_key)).state.state
    out.input = await api.retrieveSecret('not a key').catch((e) => e instanceof InputError && e.code)
    out.preAborted = await api.status({ signal: AbortSignal.abort() }).catch((e) => e instanceof AbortError && e.code)
    server.setFault({ kind: 'delayHeaders', ms: 10000, route: 'GET /api/v1/status', times: 1 })
    const controller = new AbortController()
    const inFlight = api.status({ signal: controller.signal })
    // Aborts once the server has the request (its counter says so), not after a guessed delay.
    while (server.requestCount('GET /api/v1/status') === 0) await new Promise((r) => setTimeout(r, 5))
    controller.abort()
    out.aborted = await inFlight.catch((e) => e instanceof AbortError && e.code)
  } finally {
    await server.close()
  }
  console.log(JSON.stringify(out))
`

export const EXPECTED = {
  value: 'runtime secret',
  again: 'true true true UnknownSecretError ERR_OTS_UNKNOWN_SECRET',
  burned: 'burned',
  input: 'ERR_OTS_INPUT',
  preAborted: 'ABORT_ERR',
  aborted: 'ABORT_ERR',
}

export const ESM = `import Api, { OneTimeSecretApi, OneTimeSecretError, UnknownSecretError, InputError, AbortError } from 'onetimesecret-api'
import { startServer } from 'onetimesecret-api/testing'
if (Api !== OneTimeSecretApi) throw new Error('the default export is not the class: ' + typeof Api)
${LIFECYCLE}`

export const CJS = `const { OneTimeSecretApi, OneTimeSecretError, UnknownSecretError, InputError, AbortError } = require('onetimesecret-api')
const { startServer } = require('onetimesecret-api/testing')
if (require('onetimesecret-api').default !== OneTimeSecretApi) throw new Error('the default export is not the class')
;(async () => {
${LIFECYCLE}
})().catch((err) => { console.error(err); process.exit(1) })
`

// The addon in a worker thread (its own environment: error classes registered per environment).
export const WORKER = `import { Worker } from 'node:worker_threads'
const worker = new Worker(\`
const { parentPort } = require('node:worker_threads')
const { OneTimeSecretApi, UnknownSecretError } = require('onetimesecret-api')
const { startServer } = require('onetimesecret-api/testing')
;(async () => {
  const server = await startServer()
  try {
    const api = OneTimeSecretApi.anonymous({ url: server.url })
    const shared = await api.share('in a worker')
    const value = (await api.retrieveSecret(shared.secret_key)).value
    const gone = await api.retrieveSecret(shared.secret_key).catch((e) => e instanceof UnknownSecretError)
    parentPort.postMessage({ value, gone })
  } finally {
    await server.close()
  }
})()
\`, { eval: true })
worker.on('message', (m) => { console.log(JSON.stringify(m)); worker.terminate() })
worker.on('error', (e) => { console.error(e); process.exit(1) })
`

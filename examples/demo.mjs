// The main job, end to end, against the embedded server: share a secret, read it once, see it gone.
// Run: npm run demo            (or: node examples/demo.mjs --generation v0.22 --api v2)
import { parseArgs } from 'node:util'
import OneTimeSecretApi, { UnknownSecretError } from 'onetimesecret-api'
import { startServer } from 'onetimesecret-api/testing'

const { values } = parseArgs({
  options: { generation: { type: 'string', default: 'v0.26' }, api: { type: 'string', default: 'v1' } },
})

const server = await startServer({ generation: values.generation })
try {
  console.log(`embedded OneTimeSecret ${server.generation} at ${server.url} (API ${values.api})`)
  const ots = new OneTimeSecretApi(server.username, server.apiKey, { url: server.url, apiVersion: values.api })

  const shared = await ots.share('correct horse battery staple', { ttl: 3600 })
  console.log(`shared:   ${shared.share_link} (state ${shared.state}, ttl ${shared.ttl} s)`)

  const revealed = await ots.retrieveSecret(shared.secret_key)
  console.log(`revealed: ${revealed.value}`)

  try {
    await ots.retrieveSecret(shared.secret_key)
    throw new Error('the secret was readable twice')
  } catch (err) {
    if (!(err instanceof UnknownSecretError)) throw err
    console.log(`again:    ${err.name}: ${err.message} (the link worked once)`)
  }

  const receipt = await ots.retrieveMetadata(shared.metadata_key)
  console.log(`receipt:  state ${receipt.state}`)
} finally {
  await server.close()
}

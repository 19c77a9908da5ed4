// Runs an embedded server in its own process, so a client's memory can be measured without the
// server's. Prints `READY {"url":...}`; on stdin, `count` prints `COUNT <requests>`, `close` exits.
import { createInterface } from 'node:readline'
import { startServer } from '../../testing.mjs'

const server = await startServer(JSON.parse(process.argv[2] || '{}'))
server.setRateLimit(null)
console.log('READY ' + JSON.stringify({ url: server.url, username: server.username, apiKey: server.apiKey }))
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'count') console.log(`COUNT ${server.requestCount()}`)
  if (line === 'close') break
}
await server.close()

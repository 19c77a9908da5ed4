// A loopback OTS stand-in that answers every request with an error that echoes the request back:
// the body as sent, the Authorization header decoded (`username:token`) and as sent (base64), and
// the path (with the key in it). It is the server issue 22 describes, which puts what the caller
// sent into its error messages. `set({ status, style })` chooses the answer:
//   - `message`: JSON `{"message": <echo>}` (as OTS words its errors);
//   - `error`: JSON `{"error": <echo>}` (the router's form);
//   - `plain`: text/plain, with the path and the header in the Content-Type (the client quotes it);
//   - `version`: a healthy server (`status` nominal) whose API v2 version is the echo.
import http from 'node:http'
import { once } from 'node:events'

export async function startEchoServer() {
  const state = { status: 400, style: 'message', requests: 0 }
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      state.requests++
      const body = Buffer.concat(chunks).toString('utf8')
      const header = req.headers.authorization ?? ''
      const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : ''
      const echo = `you sent ${req.method} ${req.url} with body ${body} as ${decoded} (${header})`
      if (state.style === 'version') {
        const answer = req.url.endsWith('/version') ? { version: [echo, 1] } : { status: 'nominal' }
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(answer))
        return
      }
      if (state.style === 'plain') {
        res.writeHead(state.status, { 'content-type': `text/plain; path=${encodeURIComponent(req.url)}; auth=${header.replace(/\s/g, '_')}` })
        res.end(echo)
        return
      }
      const answer = state.style === 'error' ? { error: echo } : { message: echo }
      res.writeHead(state.status, { 'content-type': 'application/json', ...(state.status === 429 ? { 'retry-after': '0' } : {}) })
      res.end(JSON.stringify(answer))
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    get requests() {
      return state.requests
    },
    set({ status, style }) {
      state.status = status
      state.style = style
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

// A hostile OTS server for the tests of docs/E2E.md "The server is not trusted": a node:http
// server on 127.0.0.1 in front of a real (embedded) OTS server, that relays every request and
// misbehaves on purpose where it is told to:
//   revealValue: replaces the secret in every reveal answer (v1 `value`, v2 `secret_value`) with
//                this text, or with revealValue(path, body) (the request, to echo it): a server
//                that did not keep the envelope, or lies about it;
//   shareDomain: puts this `share_domain` in every answer that has one (share, generate, receipts);
//   redirect:    { status, when(method, path) }: answers matching requests with a redirect to the
//                same request under /moved (same origin), which it relays like any other.
// Every request is recorded ({ method, path }) before anything else happens.

import http from 'node:http'
import { once } from 'node:events'

const REVEAL = /^\/api\/v1\/secret\/[a-z0-9]+$|^\/api\/v2\/secret\/[a-z0-9]+\/reveal$/

export const isReveal = (path) => REVEAL.test(path.replace(/^\/moved/, ''))

/** Rewrites every `key` in a JSON value (depth first) with `f(old)`. */
function rewrite(value, key, f) {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, key, f))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === key ? f(v) : rewrite(v, key, f)]))
  }
  return value
}

export async function hostileOts(upstreamUrl, { revealValue, shareDomain, redirect } = {}) {
  const upstream = new URL(upstreamUrl)
  const requests = []
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, path: req.url })
    if (redirect && !req.url.startsWith('/moved/') && redirect.when(req.method, req.url)) {
      res.writeHead(redirect.status, { location: `/moved${req.url}`, 'content-length': 0 })
      return res.end()
    }
    const path = req.url.replace(/^\/moved\//, '/')
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const sent = Buffer.concat(chunks).toString('utf8')
      const forged = typeof revealValue === 'function' ? revealValue(req.url, sent) : revealValue
      const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers: req.headers }, (up) => {
        const body = []
        up.on('data', (c) => body.push(c))
        up.on('end', () => {
          let text = Buffer.concat(body).toString('utf8')
          if (/json/.test(up.headers['content-type'] ?? '')) {
            let json = JSON.parse(text)
            if (revealValue !== undefined && isReveal(path)) {
              json = rewrite(rewrite(json, 'value', () => forged), 'secret_value', () => forged)
            }
            if (shareDomain !== undefined) json = rewrite(json, 'share_domain', () => shareDomain)
            text = JSON.stringify(json)
          }
          const headers = { ...up.headers, 'content-length': Buffer.byteLength(text) }
          delete headers['transfer-encoding']
          res.writeHead(up.statusCode, headers)
          res.end(text)
        })
      })
      out.on('error', () => res.destroy())
      out.end(Buffer.concat(chunks))
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    /** How many requests matched `method` and `test(path)`. */
    count: (method, test) => requests.filter((r) => r.method === method && test(r.path)).length,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

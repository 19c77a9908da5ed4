// The fixed-answer servers the clients are measured against: nginx (bench/nginx.conf, own prefix,
// loopback only) and, without nginx, the embedded ots-server.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import net from 'node:net'
import { FIXTURE, HERE, log, which } from './config.mjs'

// fixed answers, taken from the real v0.26.6 transcript
export function fixtureBodies() {
  const text = fs.readFileSync(FIXTURE, 'utf8')
  const section = (title) => {
    const i = text.indexOf(title)
    if (i < 0) throw new Error(`fixture section not found: ${title}`)
    const block = text.slice(i, text.indexOf('\n```\n', text.indexOf('```', i) + 3))
    const lines = block.split('\n').filter((l) => l.startsWith('{'))
    return lines[lines.length - 1]
  }
  const share = section('##### 3. POST /api/v1/share (auth)')
  const reveal = section('##### 8. POST /api/v1/secret/SK1 (first read)')
  const status = section('##### 1. GET /api/v1/status (anonymous)')
  for (const b of [share, reveal, status]) {
    JSON.parse(b)
    if (b.includes("'") || b.includes('$')) throw new Error('fixture body needs escaping for nginx')
  }
  return { share, reveal, status, key: JSON.parse(share).secret_key }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function waitForHttp(url, ms) {
  const end = Date.now() + ms
  for (;;) {
    try {
      const r = await fetch(url)
      await r.arrayBuffer()
      if (r.ok) return
    } catch {}
    if (Date.now() > end) throw new Error(`server at ${url} did not come up`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export async function startNginx(bodies) {
  const bin = which('nginx')
  if (!bin) return null
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'ots-bench-nginx-'))
  for (const d of ['logs', 'tmp']) fs.mkdirSync(path.join(prefix, d))
  const port = await freePort()
  const conf = fs
    .readFileSync(path.join(HERE, 'nginx.conf'), 'utf8')
    .replaceAll('{{PREFIX}}', prefix)
    .replaceAll('{{PORT}}', String(port))
    .replaceAll('{{WORKERS}}', '1')
    .replaceAll('{{STATUS_JSON}}', bodies.status)
    .replaceAll('{{SHARE_JSON}}', bodies.share)
    .replaceAll('{{REVEAL_JSON}}', bodies.reveal)
  const confPath = path.join(prefix, 'nginx.conf')
  fs.writeFileSync(confPath, conf)
  const child = spawn(bin, ['-p', prefix, '-c', confPath, '-e', path.join(prefix, 'logs/error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const url = `http://127.0.0.1:${port}`
  try {
    await waitForHttp(`${url}/api/v1/status`, 5000)
  } catch (e) {
    child.kill('SIGTERM')
    log('nginx did not start:', stderr.trim())
    return null
  }
  let version = ''
  try {
    version = spawnSync(bin, ['-v'], { encoding: 'utf8' }).stderr.trim().replace(/^nginx version: /, '')
  } catch {}
  return {
    kind: 'nginx',
    description: `${version || 'nginx'} (Debian), 1 worker, fixed answers from memory`,
    url,
    username: 'tester@example.com',
    apiKey: '26abcdef0123456789abcdef0123456789abcdef',
    fixedKey: bodies.key,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve)
        child.kill('SIGQUIT')
        setTimeout(() => child.kill('SIGKILL'), 3000).unref()
      }).then(() => fs.rmSync(prefix, { recursive: true, force: true })),
  }
}

export async function startEmbedded() {
  const { startServer } = await import('../../testing.mjs')
  const server = await startServer({ generation: 'v0.26' })
  return {
    kind: 'embedded',
    description: 'embedded ots-server (hyper, in the bench process; real share/reveal bookkeeping)',
    url: server.url,
    username: server.username,
    apiKey: server.apiKey,
    fixedKey: null,
    stop: () => server.close(),
  }
}

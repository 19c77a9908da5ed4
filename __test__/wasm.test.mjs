// The WebAssembly build (crates/wasm, wasm/), as a user gets it: the packed tarball installed with
// no native platform package, bundled by esbuild for the browser and for workerd, and run there
// against the embedded server started in this Node process. Each host shares a secret, reads it
// once, gets UnknownSecretError (by instanceof) on the second read, and shares an end-to-end
// encrypted secret that the native CLI (`ots get`) opens. Also: the CORS facts README states (a
// page on another origin is refused; an MV3 extension with host permissions is not), the .wasm's
// size budget, and what this build refuses.

import test from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { startServer } from '../testing.mjs'
import { ots } from './helpers/ots-cli.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = (name) => path.join(ROOT, 'node_modules', '.bin', name)
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'ots-wasm-'))
const PROJECT = path.join(WORK, 'project')
const INSTALLED = path.join(PROJECT, 'node_modules', 'onetimesecret-api')

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts })
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

// What the page, the extension and the worker run: the same steps, reported as plain data.
const SCENARIO = `
import { OneTimeSecretApi, UnknownSecretError, OneTimeSecretError, UnsupportedError, InputError, ready } from 'onetimesecret-api'
import { startServer } from 'onetimesecret-api/testing'

export async function scenario(url, username, apiKey) {
  const out = {}
  const api = new OneTimeSecretApi(username, apiKey, { url, apiVersion: 'v2' })
  const receipt = await api.share('wasm secret ' + url, { ttl: 600 })
  out.keys = typeof receipt.secret_key === 'string' && typeof receipt.metadata_key === 'string'
  out.value = (await api.retrieveSecret(receipt.secret_key)).value
  try {
    await api.retrieveSecret(receipt.secret_key)
    out.second = 'resolved'
  } catch (err) {
    out.second = { unknown: err instanceof UnknownSecretError, base: err instanceof OneTimeSecretError, name: err.name, code: err.code, status: err.status }
  }
  out.link = (await api.share('end to end from wasm', { encrypt: true })).share_link
  const v1 = new OneTimeSecretApi(username, apiKey, { url })
  out.v1 = (await v1.retrieveSecret((await v1.share('over v1')).secret_key)).value
  try {
    new OneTimeSecretApi(username, apiKey, { url, proxy: 'http://127.0.0.1:9' })
    out.proxy = 'accepted'
  } catch (err) {
    out.proxy = { unsupported: err instanceof UnsupportedError, message: err.message }
  }
  const controller = new AbortController()
  const aborted = api.status({ signal: controller.signal })
  controller.abort()
  out.abort = await aborted.then(() => 'resolved', (err) => err.name)
  out.server = await startServer().then(() => 'started', (err) => err instanceof UnsupportedError)
  await ready()
  try {
    new OneTimeSecretApi(username, apiKey, { url, timeout: -1 })
    out.sync = 'accepted'
  } catch (err) {
    out.sync = err instanceof InputError && err.message
  }
  // Unknown option names are refused as the addon refuses them, read by the same table.
  try {
    new OneTimeSecretApi(username, apiKey, { url, tiemout: 5000 })
    out.misspelt = 'accepted'
  } catch (err) {
    out.misspelt = err instanceof InputError && err.message
  }
  const inputMessage = (err) => err instanceof InputError && err.message
  out.callMisspelt = await api.share('never sent', { encrpyt: true }).then(() => 'resolved', inputMessage)
  out.nestedMisspelt = await api.generate({ characterSets: { numbrs: false } }).then(() => 'resolved', inputMessage)
  out.statusMisspelt = await api.status({ timout: 5 }).then(() => 'resolved', inputMessage)
  return out
}

export async function refused(url) {
  await ready()
  return new OneTimeSecretApi('u', 'k', { url }).status().then(() => 'resolved', (err) => ({ name: err.name, message: err.message }))
}
`

let server
let bundles
test.before(async () => {
  server = await startServer({ generation: 'v0.26' })
  // The package as a user installs it: the tarball from pack:local (which builds wasm/), and no
  // platform package (there is none in a browser).
  run(process.execPath, ['scripts/build-wasm.mjs'])
  const packed = run(process.execPath, ['scripts/pack-local.mjs', '--out', path.join(WORK, 'pack')])
  const main = packed.match(/^pack-local: (.*onetimesecret-api-3[^\s]*\.tgz)$/m)[1]
  fs.mkdirSync(PROJECT)
  fs.writeFileSync(path.join(PROJECT, 'package.json'), '{ "name": "wasm-user", "private": true }\n')
  run('npm', ['install', '--omit=optional', '--no-audit', '--no-fund', '--no-package-lock', path.resolve(ROOT, main)], { cwd: PROJECT })
  fs.writeFileSync(path.join(PROJECT, 'scenario.mjs'), SCENARIO)
  bundles = path.join(WORK, 'bundles')
  fs.mkdirSync(bundles)
})

test.after(async () => {
  await server?.close()
  fs.rmSync(WORK, { recursive: true, force: true })
})

test('the packed package carries the .wasm (at most 600 KB gzipped) and no native binary is installed', () => {
  const wasm = fs.readFileSync(path.join(INSTALLED, 'wasm', 'onetimesecret-api.wasm'))
  const gz = gzipSync(wasm, { level: 9 }).length
  assert.ok(gz <= 600 * 1024, `${gz} bytes gzipped`)
  const installed = fs.readdirSync(path.join(PROJECT, 'node_modules'))
  assert.deepEqual(installed.filter((n) => n.startsWith('onetimesecret-api-')), [])
  assert.equal(fs.readdirSync(INSTALLED).filter((f) => f.endsWith('.node')).length, 0)
  // README: `browser` and `worker` resolve to wasm/browser.mjs, `workerd` and `edge-light` to
  // wasm/workerd.mjs; Node (import, require) keeps the addon.
  const { exports } = JSON.parse(fs.readFileSync(path.join(INSTALLED, 'package.json'), 'utf8'))
  const to = (c) => exports['.'][c].default
  assert.deepEqual(['browser', 'worker', 'workerd', 'edge-light', 'import', 'require'].map(to),
    ['./wasm/browser.mjs', './wasm/browser.mjs', './wasm/workerd.mjs', './wasm/workerd.mjs', './index.mjs', './index.js'])
})

/** esbuild from the user's project: `entry` (a file there) bundled with the .wasm copied beside it. */
function bundle(entry, outdir, args) {
  fs.mkdirSync(outdir, { recursive: true })
  run(BIN('esbuild'), [entry, '--bundle', '--format=esm', `--outdir=${outdir}`, '--log-level=warning', ...args], { cwd: PROJECT })
  fs.copyFileSync(path.join(INSTALLED, 'wasm', 'onetimesecret-api.wasm'), path.join(outdir, 'onetimesecret-api.wasm'))
}

/** A static file server for `dir` on loopback (another origin than the OTS server's). */
async function serveDir(dir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' }
  const s = http.createServer((req, res) => {
    const file = path.join(dir, new URL(req.url, 'http://x').pathname)
    if (!file.startsWith(dir) || !fs.existsSync(file)) return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' })
    res.end(fs.readFileSync(file))
  })
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  return { url: `http://127.0.0.1:${s.address().port}`, close: () => new Promise((r) => s.close(r)) }
}

async function launch(extraArgs) {
  const { default: puppeteer } = await import('puppeteer-core')
  const profile = fs.mkdtempSync(path.join(WORK, 'profile-'))
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    userDataDir: profile,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', ...extraArgs],
  })
}

function checkScenario(r, where) {
  assert.equal(r.keys, true, where)
  assert.equal(r.value, `wasm secret ${server.url}`, where)
  assert.deepEqual(r.second, { unknown: true, base: true, name: 'UnknownSecretError', code: 'ERR_OTS_UNKNOWN_SECRET', status: 404 }, where)
  assert.equal(r.v1, 'over v1', where)
  assert.equal(r.proxy.unsupported, true, where)
  assert.match(r.proxy.message, /^proxy: not available in the WebAssembly build/, where)
  assert.equal(r.abort, 'AbortError', where)
  assert.equal(r.server, true, `${where}: startServer is refused with UnsupportedError`)
  // After ready(), the constructor throws as the addon's does, with the addon's message.
  assert.equal(r.sync, 'timeout: expected a number of milliseconds > 0, got -1', where)
  assert.match(r.link, /\/secret\/[a-z0-9]+#[A-Za-z0-9_-]{43}$/, where)
  assert.equal(r.misspelt, 'tiemout: unknown option; did you mean "timeout"?', where)
  assert.equal(r.callMisspelt, 'encrpyt: unknown option; did you mean "encrypt"?', where)
  assert.equal(r.nestedMisspelt, 'characterSets.numbrs: unknown option; did you mean "numbers"?', where)
  assert.equal(r.statusMisspelt, 'timout: unknown option; did you mean "timeout"?', where)
}

async function openedByCli(link) {
  const r = await ots(['get', link])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, 'end to end from wasm')
}

test('a page in headless Chromium (web security off, as host permissions allow): share, read once, UnknownSecretError, E2E opened by ots get', async () => {
  const dir = path.join(bundles, 'page')
  fs.writeFileSync(path.join(PROJECT, 'page.mjs'), `import { scenario } from './scenario.mjs'\nwindow.scenario = scenario\n`)
  bundle('page.mjs', dir, ['--platform=browser'])
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="page.js"></script>')
  const site = await serveDir(dir)
  const browser = await launch(['--disable-web-security'])
  try {
    const page = await browser.newPage()
    await page.goto(`${site.url}/index.html`)
    await page.waitForFunction('typeof window.scenario === "function"')
    const r = await page.evaluate((u, n, k) => window.scenario(u, n, k), server.url, server.username, server.apiKey)
    checkScenario(r, 'page')
    await openedByCli(r.link)
  } finally {
    await browser.close()
    await site.close()
  }
})

test('CORS: a page on another origin cannot call an OTS server; an MV3 extension with host permissions can', async () => {
  const page = path.join(bundles, 'cors')
  fs.writeFileSync(path.join(PROJECT, 'cors.mjs'), `import { refused } from './scenario.mjs'\nwindow.refused = refused\n`)
  bundle('cors.mjs', page, ['--platform=browser'])
  fs.writeFileSync(path.join(page, 'index.html'), '<!doctype html><script type="module" src="cors.js"></script>')
  // The extension: its module service worker bundles the client; the manifest allows compiling
  // wasm ('wasm-unsafe-eval') and grants the server's origin.
  const ext = path.join(bundles, 'extension')
  fs.writeFileSync(path.join(PROJECT, 'sw.mjs'), `import { scenario } from './scenario.mjs'\nself.scenario = scenario\n`)
  bundle('sw.mjs', ext, ['--platform=browser'])
  fs.writeFileSync(path.join(ext, 'manifest.json'), JSON.stringify({
    manifest_version: 3,
    name: 'ots wasm test',
    version: '1.0',
    background: { service_worker: 'sw.js', type: 'module' },
    host_permissions: ['http://127.0.0.1/*'],
    content_security_policy: { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" },
  }))
  const site = await serveDir(page)
  const browser = await launch([`--disable-extensions-except=${ext}`, `--load-extension=${ext}`])
  try {
    const tab = await browser.newPage()
    await tab.goto(`${site.url}/index.html`)
    await tab.waitForFunction('typeof window.refused === "function"')
    const r = await tab.evaluate((u) => window.refused(u), server.url)
    assert.equal(r.name, 'NetworkError', JSON.stringify(r))

    const target = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/sw.js'))
    const worker = await target.worker()
    await worker.evaluate('new Promise((resolve) => { const check = () => typeof self.scenario === "function" ? resolve() : setTimeout(check, 10); check() })')
    const e = await worker.evaluate((u, n, k) => self.scenario(u, n, k), server.url, server.username, server.apiKey)
    checkScenario(e, 'extension')
    await openedByCli(e.link)
  } finally {
    await browser.close()
    await site.close()
  }
})

/** Starts workerd on `config`; resolves its port (from its control fd) and a stop function. */
async function startWorkerd(dir, config) {
  fs.writeFileSync(path.join(dir, 'config.capnp'), config)
  const child = spawn(BIN('workerd'), ['serve', 'config.capnp', '--control-fd=3', '--socket-addr', 'http=127.0.0.1:0'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  let control = ''
  const port = await new Promise((resolve, reject) => {
    child.stdio[3].on('data', (d) => {
      control += d
      const m = control.match(/"event":"listen","socket":"http","port":(\d+)/)
      if (m) resolve(Number(m[1]))
    })
    child.once('exit', (code) => reject(new Error(`workerd exited (${code}): ${stderr}`)))
  })
  return {
    port,
    stop: async () => {
      child.kill()
      if (child.exitCode === null) await once(child, 'exit')
    },
  }
}

test('a workerd module worker (bundled with the workerd condition, .wasm as a module): share, read once, UnknownSecretError, E2E opened by ots get', async () => {
  const dir = path.join(bundles, 'workerd')
  fs.writeFileSync(path.join(PROJECT, 'worker.mjs'), `import { scenario } from './scenario.mjs'
export default {
  async fetch(request) {
    const q = new URL(request.url).searchParams
    return Response.json(await scenario(q.get('url'), q.get('username'), q.get('apiKey')))
  },
}
`)
  bundle('worker.mjs', dir, ['--platform=neutral', '--conditions=workerd,worker', '--external:*.wasm'])
  const wd = await startWorkerd(dir, `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "loopback", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "onetimesecret-api.wasm", wasm = embed "onetimesecret-api.wasm"),
  ],
  compatibilityDate = "2025-01-01",
  globalOutbound = "loopback",
);
`)
  try {
    const q = new URLSearchParams({ url: server.url, username: server.username, apiKey: server.apiKey })
    const res = await fetch(`http://127.0.0.1:${wd.port}/?${q}`)
    const text = await res.text()
    assert.equal(res.status, 200, text)
    const r = JSON.parse(text)
    checkScenario(r, 'workerd')
    await openedByCli(r.link)
  } finally {
    await wd.stop()
  }
})

// The Windows lane (issue 24; `npm run test:windows`, and part of `npm test`): the package
// cross-built for Windows x64 by `npm run pack:windows`, installed for win32 next to the main
// tarball, and used by the official Node 20 for Windows under Wine, as an application would:
// the embedded server, a share read once, UnknownSecretError by instanceof, AbortSignal (before
// and during a call), an E2E round trip, a TLS call with `ca` (and the refusal without it), and
// the `ots` CLI (`status`, `share` from stdin, `get`, a second `get`) with its documented exit codes.
//
// `.ci/run` installs Wine and the MinGW tools (scripts/windows/env.mjs lists them); without them
// this suite fails, saying what is missing. docs/PLATFORMS.md says what this lane can and cannot show.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import net from 'node:net'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import https from 'node:https'
import { once } from 'node:events'
import { join } from 'node:path'
import { ESM, EXPECTED } from './helpers/runtime-programs.mjs'
import { makeCerts } from './helpers/certs.mjs'
import { ROOT, DIR, missingTools, nodeExe, runWindowsNode, winePrefix, winPath, stopWine, wineBinary, wineEnv } from '../scripts/windows/env.mjs'
import { startServer } from '../testing.mjs'

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
// Per run, so two runs (a lane beside `npm test`) do not share a project or a pack directory.
const RUN = join(DIR, `run-${process.pid}`)
const APP = join(RUN, 'app')
const BIN = join(APP, 'node_modules', pkg.name, 'bin', 'ots.js')

function spawnAsync(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

function ok(r, what) {
  assert.equal(r.status, 0, `${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`)
  return r
}

let server
let tarballs

before(async () => {
  assert.equal(missingTools(), null)
  // The prefix and node.exe first (the cross build's import library is made from node.exe).
  winePrefix()
  nodeExe()
  // The release build, as `npm run pack:windows` makes it (a debug one is 100 MB).
  const packed = ok(await spawnAsync(process.execPath, [join(ROOT, 'scripts', 'pack-windows.mjs'), '--out', join(RUN, 'pack')], { cwd: ROOT }), 'pack:windows')
  console.log(`# ${packed.stdout.split('\n').filter((l) => l.startsWith('pack-windows:')).join(' | ')}`)
  const printed = packed.stdout.split('\n').find((line) => line.startsWith('  npm install --os=win32 '))
  assert.ok(printed, `pack:windows prints the install command:\n${packed.stdout}`)
  tarballs = printed.trim().split(/\s+/).slice(-2)
  assert.deepEqual(tarballs.map((f) => f.split('/').pop()), [`${pkg.name}-${pkg.version}.tgz`, `${pkg.name}-win32-x64-msvc-${pkg.version}.tgz`])

  rmSync(APP, { recursive: true, force: true })
  mkdirSync(APP, { recursive: true })
  writeFileSync(join(APP, 'package.json'), JSON.stringify({ name: 'windows-app', version: '1.0.0', private: true, type: 'module' }, null, 2))
  ok(
    await spawnAsync('npm', ['install', '--os=win32', '--cpu=x64', '--save-optional', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', ...tarballs], { cwd: APP }),
    'npm install --os=win32 --cpu=x64 --save-optional of both tarballs',
  )
  server = await startServer({ generation: 'v0.26' })
})

after(async () => {
  await server?.close()
  stopWine()
  rmSync(RUN, { recursive: true, force: true })
})

test('the win32 install holds the Windows binary under the name the loader picks, and no Linux one', () => {
  const installed = join(APP, 'node_modules', `${pkg.name}-win32-x64-msvc`)
  assert.ok(existsSync(join(installed, `${pkg.napi.binaryName}.win32-x64-msvc.node`)))
  const binary = readFileSync(join(installed, `${pkg.napi.binaryName}.win32-x64-msvc.node`))
  assert.equal(binary.subarray(0, 2).toString('latin1'), 'MZ', 'a PE (Windows) binary')
  assert.ok(!existsSync(join(APP, 'node_modules', `${pkg.name}-linux-x64-gnu`)), 'npm left out the Linux package for --os=win32')
  const description = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).description
  assert.match(description, /local cross build \(x86_64-pc-windows-gnu/)
})

test('Node for Windows: embedded server, a share read once, UnknownSecretError, AbortSignal before and during a call', async () => {
  writeFileSync(join(APP, 'lifecycle.mjs'), `if (process.platform !== 'win32') throw new Error('not Windows: ' + process.platform)\n${ESM}`)
  const r = await runWindowsNode(['lifecycle.mjs'], { cwd: APP, tag: 'lifecycle' })
  assert.equal(r.status, 0, `exit ${r.status}:\n${r.stdout}\n${r.stderr}`)
  assert.deepEqual(JSON.parse(r.stdout.toString().trim()), EXPECTED)
})

test('Node for Windows: an E2E round trip, an http:// client, and TLS with `ca` (refused without, saying why)', async () => {
  const certs = makeCerts()
  const tls = https.createServer({ key: certs.key, cert: certs.cert }, (req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ status: 'nominal', locale: 'en' }))
  })
  tls.listen(0, '127.0.0.1')
  await once(tls, 'listening')
  writeFileSync(join(APP, 'ca.pem'), certs.ca)
  writeFileSync(
    join(APP, 'tls-e2e.mjs'),
    `import { readFileSync } from 'node:fs'
import { OneTimeSecretApi, NetworkError } from 'onetimesecret-api'
const [url, username, apiKey, tlsUrl] = process.argv.slice(2)
const out = {}
const api = new OneTimeSecretApi(username, apiKey, { url })
const { share_link } = await api.share('sealed on Windows', { encrypt: true })
const opened = await api.retrieveSecret(share_link)
out.e2e = [opened.value, opened.encrypted, share_link.includes('#')]
const withCa = OneTimeSecretApi.anonymous({ url: tlsUrl, ca: readFileSync('ca.pem') })
out.tls = await withCa.status()
const withoutCa = OneTimeSecretApi.anonymous({ url: tlsUrl, retries: 0 })
out.refused = await withoutCa.status().then(() => 'accepted', (e) => [e instanceof NetworkError, e.message])
console.log(JSON.stringify(out))
`,
  )
  const r = await runWindowsNode(['tls-e2e.mjs', server.url, server.username, server.apiKey, `https://127.0.0.1:${tls.address().port}`], { cwd: APP, tag: 'tls' })
  tls.close()
  assert.equal(r.status, 0, `exit ${r.status}:\n${r.stdout}\n${r.stderr}`)
  const out = JSON.parse(r.stdout.toString().trim())
  assert.deepEqual(out.e2e, ['sealed on Windows', true, true])
  assert.equal(out.tls, true)
  const [isNetwork, message] = out.refused
  assert.equal(isNetwork, true, message)
  // Under Wine the platform verifier cannot start: the client was still made (above), verified
  // with the bundled roots and `ca`, and the refusal says why the system store is not used.
  assert.match(message, /certificate for 127\.0\.0\.1 has an unknown issuer/)
  assert.match(message, /the system certificate store is not used \(the platform verifier could not start: .+\), so only the bundled web roots, NODE_EXTRA_CA_CERTS and ca are trusted/)
})

test('the ots CLI under Node for Windows: status, share from stdin, get (bytes kept, CRLF too), a second get exits 4', async () => {
  const env = { OTS_URL: server.url, OTS_USERNAME: server.username, OTS_API_KEY: server.apiKey }
  const ots = (args, input, tag) => runWindowsNode([winPath(BIN), ...args], { cwd: APP, env, input, tag })

  const status = await ots(['status'], '', 'status')
  assert.equal(status.status, 0, status.stderr)
  assert.match(status.stdout.toString(), /^nominal \(http:\/\/127\.0\.0\.1:\d+, OTS /)

  // Windows line endings and a final newline: every byte of stdin is the secret, and `get`
  // writes it back unchanged (as on Linux: no newline translation either way).
  const secret = 'first line\r\nsecond line\nthird\r\n'
  const shared = await ots(['share'], secret, 'share')
  assert.equal(shared.status, 0, shared.stderr)
  const link = shared.stdout.toString().split('\n')[0].trim()
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/secret\/\w+$/)

  // The link on stdin (no argument), as `ots get < link.txt` reads it.
  const got = await ots(['get'], `${link}\r\n`, 'get')
  assert.equal(got.status, 0, got.stderr)
  assert.deepEqual(got.stdout, Buffer.from(secret))

  const again = await ots(['get', link], '', 'get-again')
  assert.equal(again.status, 4, again.stderr)
  assert.match(again.stderr, /^ots: UnknownSecretError: /)
  assert.equal(again.stdout.length, 0)
})

test('the ots CLI under Node for Windows: no console for a hidden prompt is a usage error (exit 2), not a hang', async () => {
  // With the secret on stdin the passphrase prompt needs the console (\\.\CONIN$); under Wine
  // with files for stdio there is none.
  const before = server.requestCount()
  const r = await runWindowsNode([winPath(BIN), 'share', '--passphrase', '--url', server.url], { cwd: APP, input: 'the secret', tag: 'prompt' })
  assert.equal(r.status, 2, r.stderr)
  assert.match(r.stderr, /^ots: no terminal to prompt for the passphrase on: pipe it on stdin or use an environment variable$/m)
  assert.equal(server.requestCount(), before, 'nothing was sent')
})

test('ots serve under Node for Windows stops on Ctrl-C (SIGINT to the Wine process) and exits 0', async () => {
  const out = join(RUN, 'serve.out')
  const err = join(RUN, 'serve.err')
  const fds = [openSync('/dev/null', 'r'), openSync(out, 'w'), openSync(err, 'w')]
  const child = spawn(wineBinary(), [nodeExe(), winPath(BIN), 'serve'], { cwd: APP, env: wineEnv(), stdio: fds })
  fds.forEach(closeSync)
  const exited = new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal })))
  // Waits for the banner (the handlers are installed before it is printed), checking each time
  // that the child is still there.
  let url
  for (;;) {
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(readFileSync(out, 'utf8'))?.[1]
    if (url || child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 100))
  }
  assert.ok(url, `ots serve printed no URL:\n${readFileSync(err, 'utf8')}`)
  const port = Number(new URL(url).port)
  assert.equal(await connects(port), true)
  child.kill('SIGINT')
  const { status } = await exited
  assert.equal(status, 0, readFileSync(err, 'utf8'))
  assert.match(readFileSync(err, 'utf8'), /ots: SIGINT: stopping the server/)
  assert.equal(await connects(port), false, 'the server is gone')
})

function connects(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.on('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.on('error', () => resolve(false))
  })
}

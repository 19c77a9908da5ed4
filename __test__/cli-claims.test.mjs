// docs/CLI.md sentences that __test__/cli.test.mjs did not check, found by the README audit
// (docs/README-CLAIMS.md): where credentials go, --anonymous, receipt links of older servers,
// serve's export line, --ttl units, the API version from the environment, flags over the
// environment, OTS_DEBUG, the rate-limit wait, the --passphrase prompt, no dependencies, the
// status line. Child processes against the embedded server or node:http servers on loopback.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync, readdirSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { startServer } from '../testing.mjs'
import { fixedAnswer, startHttpServer } from './helpers/client-helpers.mjs'
import { OTS, baseEnv, ots, readUntil } from './helpers/ots-cli.mjs'

const CLI_MD = readFileSync(new URL('../docs/CLI.md', import.meta.url), 'utf8').replace(/\s+/g, ' ')

/** A node:http server that answers like OTS API v1 for status and reveal, and records requests. */
function otsLike() {
  return startHttpServer((req, res) => {
    if (req.url.endsWith('/status')) return fixedAnswer(200, 'application/json', { status: 'nominal' })(req, res)
    const key = req.url.split('/').pop()
    fixedAnswer(200, 'application/json', { value: 'from this server', secret_key: key })(req, res)
  })
}

let server
before(async () => {
  server = await startServer({ generation: 'v0.26' })
})
after(() => server.close())

const authEnv = () => ({ OTS_URL: server.url, OTS_USERNAME: server.username, OTS_API_KEY: server.apiKey })

// "Credentials are sent only when the link's origin is the configured server's; retrieving a secret
// needs no account, so a link from someone else's server never receives your API key."
test('ots get: the API key goes to the configured server only, never to the server of someone else\'s link', async () => {
  assert.ok(CLI_MD.includes("a link from someone else's server never receives your API key"))
  const mine = await otsLike()
  const theirs = await otsLike()
  try {
    const env = { OTS_URL: mine.url, OTS_USERNAME: 'me@example.com', OTS_API_KEY: 'my-api-key-0123456789' }
    const key = 'k'.repeat(31)
    const foreign = await ots(['get', `${theirs.url}/secret/${key}`], { env })
    assert.equal(foreign.code, 0, foreign.stderr)
    assert.equal(foreign.stdout, 'from this server')
    assert.equal(theirs.requests.length, 1)
    assert.equal(theirs.requests[0].url, `/api/v1/secret/${key}`)
    assert.equal(theirs.requests[0].headers.authorization, undefined, 'no credentials to another origin')
    const own = await ots(['get', `${mine.url}/secret/${key}`], { env })
    assert.equal(own.code, 0, own.stderr)
    assert.equal(mine.requests[0].headers.authorization, `Basic ${Buffer.from('me@example.com:my-api-key-0123456789').toString('base64')}`)
  } finally {
    await mine.close()
    await theirs.close()
  }
})

// "| `--anonymous` | | send no credentials even if configured |"
test('--anonymous sends no credentials even when they are configured', async () => {
  const s = await otsLike()
  try {
    const env = { OTS_USERNAME: 'me@example.com', OTS_API_KEY: 'my-api-key-0123456789' }
    const r = await ots(['status', '--anonymous', '--url', s.url], { env })
    assert.equal(r.code, 0, r.stderr)
    assert.ok(s.requests.length >= 1)
    assert.deepEqual(s.requests.map((q) => q.headers.authorization), s.requests.map(() => undefined))
    const before = server.requestCount()
    const recent = await ots(['recent', '--anonymous'], { env: authEnv() })
    assert.equal(recent.code, 3, recent.stderr)
    assert.equal(server.requestCount(), before, 'recent needs an account: refused before sending')
  } finally {
    await s.close()
  }
})

// "`meta` and `burn` accept receipt links (`/receipt/<key>`, and `/private/<key>` of older servers)"
test('meta and burn accept /private/<key> receipt links of older servers', async () => {
  const shared = JSON.parse((await ots(['share', '--json'], { env: authEnv(), input: 'r' })).stdout)
  const link = `${server.url}/private/${shared.metadata_key}`
  const meta = await ots(['meta', link])
  assert.equal(meta.code, 0, meta.stderr)
  assert.match(meta.stdout, new RegExp(`^metadata_key: ${shared.metadata_key}$`, 'm'))
  const burned = await ots(['burn', link])
  assert.equal(burned.code, 0, burned.stderr)
  assert.match(burned.stdout, /^burned \S+/)
})

// "| `ots serve ...` | the embedded server's URL, username and API key, and an `export OTS_URL=...
// OTS_USERNAME=... OTS_API_KEY=...` line."
test('ots serve prints an export line that points ots at it', async (t) => {
  const child = spawn(process.execPath, [OTS, 'serve'], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = once(child, 'exit')
  t.after(() => child.kill('SIGKILL'))
  const out = await readUntil(child, child.stdout, (text) => text.includes('Ctrl-C'))
  const exported = /^ {2}export OTS_URL=(\S+) OTS_USERNAME=(\S+) OTS_API_KEY=(\S+)$/m.exec(out)
  assert.ok(exported, out)
  const [, url, username, apiKey] = exported
  assert.match(out, new RegExp(`^url: +${url}$`, 'm'))
  assert.match(out, new RegExp(`^username: +${username}$`, 'm'))
  assert.match(out, new RegExp(`^api key: +${apiKey}$`, 'm'))
  const recent = await ots(['recent'], { env: { OTS_URL: url, OTS_USERNAME: username, OTS_API_KEY: apiKey } })
  assert.equal(recent.code, 0, recent.stderr)
  child.kill('SIGINT')
  const [code] = await exited
  if (process.platform !== 'win32') assert.equal(code, 0)
})

// "`--ttl` takes whole seconds > 0 or a number with `s`, `m`, `h` or `d` (`90m`, `7d`); servers clamp
// it to their limits."
test('--ttl takes s, m, h and d; the server clamps it', async () => {
  const ttl = async (value) => JSON.parse((await ots(['share', '--json', '--ttl', value], { env: authEnv(), input: 'x' })).stdout).secret_ttl
  assert.equal(await ttl('90m'), 5400)
  assert.equal(await ttl('7d'), 7 * 86400)
  assert.equal(await ttl('2h'), 7200)
  assert.equal(await ttl('600s'), 600)
  assert.equal(await ttl('3600'), 3600)
  assert.equal(await ttl('30s'), 60, 'v0.26 raises a ttl under 60 s to 60')
})

// "| `--api-version v1\|v2` | `OTS_API_VERSION` | `v1` |" and "Flags win over the environment."
test('the API version from OTS_API_VERSION or --api-version; flags win over the environment', async () => {
  const v1 = 'POST /api/v1/share'
  const v2 = 'POST /api/v2/secret/conceal'
  const count = () => [server.requestCount(v1), server.requestCount(v2)]
  let [a, b] = count()
  assert.equal((await ots(['share'], { env: authEnv(), input: 'x' })).code, 0)
  assert.deepEqual(count(), [a + 1, b], 'v1 by default')
  ;[a, b] = count()
  assert.equal((await ots(['share'], { env: { ...authEnv(), OTS_API_VERSION: 'v2' }, input: 'x' })).code, 0)
  assert.deepEqual(count(), [a, b + 1], 'OTS_API_VERSION=v2')
  ;[a, b] = count()
  assert.equal((await ots(['share', '--api-version', 'v1'], { env: { ...authEnv(), OTS_API_VERSION: 'v2' }, input: 'x' })).code, 0)
  assert.deepEqual(count(), [a + 1, b], '--api-version wins')
  const dead = await startServer()
  const deadUrl = dead.url
  await dead.close()
  const r = await ots(['status', '--url', server.url], { env: { OTS_URL: deadUrl } })
  assert.equal(r.code, 0, '--url wins over OTS_URL')
})

// "Messages never contain the secret, the passphrase or the API key (`OTS_DEBUG=1` adds the stack
// trace)." and "5 | rate limited (the message says how long to wait when the server said)".
test('OTS_DEBUG=1 adds the stack trace; a rate-limited error says how long to wait', async () => {
  const key = 'a'.repeat(62)
  const plain = await ots(['meta', key, '--url', server.url])
  assert.equal(plain.code, 4)
  assert.equal(plain.stderr, 'ots: UnknownSecretError: Unknown secret\n')
  const debug = await ots(['meta', key, '--url', server.url], { env: { OTS_DEBUG: '1' } })
  assert.equal(debug.code, 4)
  const lines = debug.stderr.trimEnd().split('\n')
  assert.equal(lines[0], 'ots: UnknownSecretError: Unknown secret')
  assert.ok(lines.some((l) => /^ +at /.test(l)), debug.stderr)

  server.setFault({ kind: 'rateLimited', retryAfter: 7, route: 'POST /api/v1/share', times: 1 })
  try {
    const limited = await ots(['share'], { env: authEnv(), input: 'x' })
    assert.equal(limited.code, 5, limited.stderr)
    assert.match(limited.stderr, /^ots: RateLimitedError: .*\(retry after 7s\)\n$/)
  } finally {
    server.clearFaults()
  }
})

// "`--passphrase` prompts (hidden; on `/dev/tty` when stdin carries the secret)".
test('--passphrase asks on the terminal, hidden, while the secret comes from a pipe', { skip: process.platform === 'win32' && 'POSIX /dev/tty' }, async () => {
  const command = `printf 'piped secret' | '${process.execPath}' '${OTS}' share --json --passphrase`
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: baseEnv(authEnv()), stdio: ['pipe', 'pipe', 'pipe'] })
  const closed = once(child, 'close')
  const shown = await readUntil(child, child.stdout, (text) => text.includes('Passphrase: '))
  let rest = ''
  child.stdout.on('data', (d) => (rest += d))
  child.stdin.write('open sesame 42\r')
  const [code] = await closed
  const output = (shown + rest).replace(/\r/g, '')
  assert.equal(code, 0, output)
  assert.doesNotMatch(output, /open sesame 42/, 'the passphrase is not echoed')
  const link = /"share_link": "([^"]+)"/.exec(output)[1]
  const wrong = await ots(['get', link, '--passphrase-env', 'P'], { env: { P: 'not it' } })
  assert.equal(wrong.code, 4)
  const right = await ots(['get', link, '--passphrase-env', 'P'], { env: { P: 'open sesame 42' } })
  assert.equal(right.stdout, 'piped secret')
})

// "It has no dependencies of its own."
test('the CLI has no dependencies of its own: only Node built-ins and this package\'s files', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  assert.equal(pkg.dependencies, undefined)
  const dir = new URL('../bin/cli/', import.meta.url)
  const files = [OTS, ...readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => fileURLToPath(new URL(f, dir)))]
  for (const file of files) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/require\(['"]([^'"]+)['"]\)/g)) {
      const builtin = spec.startsWith('node:') || builtinModules.includes(spec)
      assert.ok(builtin || spec.startsWith('.'), `${file} requires ${spec}`)
    }
  }
})

// "| `ots status` | `nominal (<url>, OTS <version>, API v1 v2)`"
test('ots status prints nominal, the URL, the server version and its APIs', async () => {
  const s = await startServer({ generation: 'v0.22' })
  try {
    const r = await ots(['status', '--url', s.url])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `nominal (${s.url}, OTS 0.22.11, API v1 v2)\n`)
  } finally {
    await s.close()
  }
})

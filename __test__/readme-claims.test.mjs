// README sentences that no other suite checked, found by a line-by-line audit of the README
// (docs/README-CLAIMS.md maps every claim to its test; __test__/readme-claims-map.test.mjs checks
// that map).
// Real HTTP on loopback only: the embedded server, small node:http servers, a raw TCP proxy.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import http from 'node:http'
import https from 'node:https'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import OneTimeSecretApi, {
  IncorrectPassphraseError,
  InputError,
  InternalServerError,
  InvalidResponseError,
  NetworkError,
  NotAuthorizedError,
  UnknownSecretError,
} from '../index.mjs'
import { startServer } from '../testing.mjs'
import { fixedAnswer, rejectsWith, startHttpServer } from './helpers/client-helpers.mjs'
import { spawnCapture } from './helpers/spawn-capture.mjs'
import { makeCerts } from './helpers/certs.mjs'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const OTS = fileURLToPath(new URL('../bin/ots.js', import.meta.url))
const flat = (text) => text.replace(/\s+/g, ' ')
const DAY = 86_400

async function withServer(options, fn) {
  const server = await startServer(options)
  try {
    return await fn(server)
  } finally {
    await server.close()
  }
}

async function withHttp(handler, fn) {
  const s = await startHttpServer(handler)
  try {
    return await fn(s)
  } finally {
    await s.close()
  }
}

/** `ots ...args` with only the given OTS_* variables. */
function ots(args, env = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OTS_|https?_proxy$|no_proxy$)/i.test(k)))
  return spawnCapture(process.execPath, [OTS, ...args], { env: { ...clean, ...env }, input: '' })
}

/** A proxy on loopback that records each CONNECT target and refuses it (nothing leaves the machine). */
async function refusingConnectProxy() {
  const targets = []
  const server = net.createServer((socket) => {
    socket.on('error', () => {})
    socket.once('data', (d) => {
      targets.push(/^CONNECT (\S+) /.exec(d.toString('latin1'))?.[1] ?? d.toString('latin1').split('\r\n')[0])
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { url: `http://127.0.0.1:${server.address().port}`, targets, close: () => new Promise((r) => server.close(r)) }
}

// README, options table: "`shareDomain` | – | custom domain the links are created on (`share_domain`)".
test('shareDomain is sent as share_domain (client option, per call, v1 form and v2 JSON) and the link is on that domain', async () => {
  const key = 's'.repeat(62)
  const answer = (domain) => ({ custid: 'me@example.com', metadata_key: 'm'.repeat(62), secret_key: key, ttl: 60, state: 'new', share_domain: domain })
  await withHttp((req, res, body) => {
    // API v2: only what is sent matters here; API v1: the answer names the domain, as servers do.
    if (req.url.startsWith('/api/v2/')) return fixedAnswer(503, 'application/json', { message: 'not here' })(req, res)
    fixedAnswer(200, 'application/json', answer(new URLSearchParams(body).get('share_domain') ?? ''))(req, res)
  }, async (s) => {
    const v1 = new OneTimeSecretApi('me@example.com', 'tok', { url: s.url, shareDomain: 'secrets.example.com' })
    assert.equal((await v1.share('x')).share_link, `https://secrets.example.com/secret/${key}`)
    assert.equal((await v1.share('x', { shareDomain: 'other.example.org' })).share_link, `https://other.example.org/secret/${key}`)
    const plain = new OneTimeSecretApi('me@example.com', 'tok', { url: s.url })
    assert.equal((await plain.share('x')).share_link, `${s.url}/secret/${key}`)
    const v2 = new OneTimeSecretApi('me@example.com', 'tok', { url: s.url, apiVersion: 'v2', shareDomain: 'secrets.example.com' })
    await rejectsWith(v2.share('x'), InternalServerError, { status: 503 })
    const sent = s.requests.map((r) => (r.url.startsWith('/api/v2/') ? JSON.parse(r.body).secret.share_domain : new URLSearchParams(r.body).get('share_domain')))
    assert.deepEqual(sent, ['secrets.example.com', 'other.example.org', null, 'secrets.example.com'])
  })
})

// README, status(): "true when the server says "nominal""; CLI exit codes: "7 | server error, or the
// server reports it is offline".
test('status() is false when the server says anything but nominal, and ots status then exits 7', async () => {
  await withHttp(fixedAnswer(200, 'application/json', { status: 'offline' }), async (s) => {
    assert.equal(await new OneTimeSecretApi('me@example.com', 'tok', { url: s.url }).status(), false)
    const r = await ots(['status', '--url', s.url])
    assert.equal(r.status, 7, r.stderr)
    assert.match(r.stdout, /^offline/)
  })
})

// README, share(): "...every other field the server sent".
test('a share answer keeps every other field the server sent', async () => {
  const answer = { custid: 'me@example.com', metadata_key: 'm'.repeat(31), secret_key: 's'.repeat(31), ttl: 60, state: 'new', a_future_field: { nested: [1, 'two'] } }
  await withHttp(fixedAnswer(200, 'application/json', answer), async (s) => {
    const r = await new OneTimeSecretApi('me@example.com', 'tok', { url: s.url }).share('x')
    assert.deepEqual(r.a_future_field, { nested: [1, 'two'] })
  })
})

// README, share(): the `ttl` sentence (clamped, read back from secret_ttl; v0.26 v2's refusal).
test('ttl: every generation clamps it (secret_ttl says what was kept); v0.26 API v2 refuses an account more than 14 days', async () => {
  assert.match(flat(README), /servers clamp it to their limits: read the effective value back from `secret_ttl`/)
  assert.match(flat(README), /v0\.26 over API v2 refuses an account's `ttl` over 14 days/)
  // [generation, apiVersion] -> secret_ttl for ttl 1 s and 15 days, with an account and anonymous.
  const expected = {
    'v0.12 v1': { account: [300, 14 * DAY], anonymous: [300, 7 * DAY] },
    'v0.22 v1': { account: [60, 14 * DAY], anonymous: [60, 7 * DAY] },
    'v0.22 v2': { account: [60, 14 * DAY], anonymous: [60, 7 * DAY] },
    'v0.26 v1': { account: [60, 15 * DAY], anonymous: [60, 7 * DAY] },
    'v0.26 v2': { account: [60, 'refused'], anonymous: [60, 7 * DAY] },
  }
  const seen = {}
  for (const combo of Object.keys(expected)) {
    const [generation, apiVersion] = combo.split(' ')
    await withServer({ generation }, async (server) => {
      const clients = {
        account: new OneTimeSecretApi(server.username, server.apiKey, { url: server.url, apiVersion }),
        anonymous: OneTimeSecretApi.anonymous({ url: server.url, apiVersion }),
      }
      seen[combo] = {}
      for (const [who, client] of Object.entries(clients)) {
        seen[combo][who] = []
        for (const ttl of [1, 15 * DAY]) {
          const r = await client.share('x', { ttl }).then((v) => v.secret_ttl, (e) => e)
          if (r instanceof NotAuthorizedError) {
            assert.equal(r.status, 403)
            assert.equal(r.serverMessage, 'Your plan does not include extended expiration times')
            seen[combo][who].push('refused')
          } else {
            seen[combo][who].push(r)
          }
        }
      }
    })
  }
  assert.deepEqual(seen, expected)
})

// README, generate(): "If that read fails, `generate` rejects with the failure's class, says the
// value could not be read, and carries the new secret's `metadata_key` and `secret_key` so you can
// `burn` it; it never resolves without `value`."
test('v2 generate whose receipt read fails: the failure\'s class, the keys to burn it, and the read is not repeated', async () => {
  for (const generation of ['v0.22', 'v0.26']) {
    await withServer({ generation }, async (server) => {
      const c = new OneTimeSecretApi(server.username, server.apiKey, { url: server.url, apiVersion: 'v2' })
      server.setFault({ kind: 'status', status: 503, route: 'GET /api/v2/receipt/:id' })
      const e = await rejectsWith(c.generate(), InternalServerError, { status: 503 })
      assert.match(e.message, /the secret was generated but its value could not be read/)
      assert.equal(server.requestCount('GET /api/v2/receipt/:id'), 1, 'a 503 is retried for receipts, never for this read')
      assert.equal(server.requestCount('POST /api/v2/secret/generate'), 1)
      server.clearFaults()
      assert.match(e.metadata_key, /^[0-9a-z]{20,}$/)
      assert.match(e.secret_key, /^[0-9a-z]{20,}$/)
      assert.equal((await c.burn(e.metadata_key)).state.state, 'burned')
      await rejectsWith(c.retrieveSecret(e.secret_key), UnknownSecretError, {})
    })
  }
})

// README, burn(): "A protected secret is burned only with its passphrase" (the sentence says which
// error each generation gives).
test('burn: a protected secret needs its passphrase on every generation; the error class by generation', async () => {
  const seen = {}
  for (const [generation, apiVersion] of [['v0.12', 'v1'], ['v0.22', 'v1'], ['v0.22', 'v2'], ['v0.26', 'v1'], ['v0.26', 'v2']]) {
    await withServer({ generation }, async (server) => {
      const c = new OneTimeSecretApi(server.username, server.apiKey, { url: server.url, apiVersion })
      const s = await c.share('guarded', { passphrase: 'pass1234' })
      const without = await c.burn(s.metadata_key).then(() => 'burned', (e) => `${e.name} ${e.status}`)
      const wrong = await c.burn(s.metadata_key, { passphrase: 'wrongwrong' }).then(() => 'burned', (e) => `${e.name} ${e.status}`)
      const right = (await c.burn(s.metadata_key, { passphrase: 'pass1234' })).state.state
      seen[`${generation} ${apiVersion}`] = [without, wrong, right]
    })
  }
  const v1Old = ['UnknownSecretError 404', 'UnknownSecretError 404', 'burned']
  const v1New = ['IncorrectPassphraseError 404', 'IncorrectPassphraseError 404', 'burned']
  const v2 = ['IncorrectPassphraseError 422', 'IncorrectPassphraseError 422', 'burned']
  assert.deepEqual(seen, { 'v0.12 v1': v1Old, 'v0.22 v1': v1New, 'v0.22 v2': v2, 'v0.26 v1': v1New, 'v0.26 v2': v2 })
  assert.ok(IncorrectPassphraseError.prototype instanceof UnknownSecretError)
})

// README, "Keys are opaque strings of 20 to 128 letters and digits".
test('keys: 20 and 128 letters and digits (either case) are sent; 19 and 129 are refused unsent', async () => {
  await withServer({ generation: 'v0.26' }, async (server) => {
    const c = new OneTimeSecretApi(server.username, server.apiKey, { url: server.url })
    for (const key of ['a'.repeat(20), 'k'.repeat(128), 'ABCdef0123456789abcdXYZ']) {
      const before = server.requestCount()
      await rejectsWith(c.retrieveSecret(key), UnknownSecretError, { status: 404 })
      assert.equal(server.requestCount(), before + 1, `${key.length} characters: sent`)
    }
    for (const key of ['a'.repeat(19), 'k'.repeat(129)]) {
      const before = server.requestCount()
      await rejectsWith(c.retrieveSecret(key), InputError, { message: /^Invalid key provided: / })
      assert.equal(server.requestCount(), before, `${key.length} characters: not sent`)
    }
  })
})

// README, options table: "`retries` | `2`".
test('retries default to 2: a status that keeps failing with 503 is sent 3 times', async () => {
  await withServer({}, async (server) => {
    const route = 'GET /api/v1/status'
    server.setFault({ kind: 'status', status: 503, route, times: 3 })
    const c = new OneTimeSecretApi(server.username, server.apiKey, { url: server.url, retryDelay: 1 })
    await rejectsWith(c.status(), InternalServerError, { status: 503 })
    assert.equal(server.requestCount(route), 3)
    assert.equal(await c.status(), true, 'the fault was spent: the fourth request is answered')
  })
})

// README, options table: "`maxResponseBytes` | 32 MiB | larger answers are refused".
test('maxResponseBytes defaults to 32 MiB: an answer announcing one byte more is refused, one at the limit is read', async () => {
  const LIMIT = 32 * 1024 * 1024
  const body = (n) => {
    const head = '{"status":"nominal","pad":"'
    return head + 'x'.repeat(n - head.length - 2) + '"}'
  }
  for (const [size, expect] of [[LIMIT + 1, 'refused'], [LIMIT, true]]) {
    await withHttp((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': size })
      res.on('error', () => {})
      res.end(body(size))
    }, async (s) => {
      const c = new OneTimeSecretApi('me@example.com', 'tok', { url: s.url, retries: 0 })
      const r = await c.status().catch((e) => e)
      if (expect === 'refused') {
        assert.ok(r instanceof InvalidResponseError, String(r))
        assert.match(r.message, /33554432 bytes/)
      } else {
        assert.equal(r, true)
      }
    })
  }
})

// README, Security notes: "Cookies are never sent."
test('a cookie the server sets is never sent back', async () => {
  await withHttp((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'sess=abc123; Path=/' })
    res.end('{"status":"nominal"}')
  }, async (s) => {
    const c = new OneTimeSecretApi('me@example.com', 'tok', { url: s.url })
    for (let i = 0; i < 3; i++) assert.equal(await c.status(), true)
    assert.equal(s.requests.length, 3)
    assert.deepEqual(s.requests.map((r) => r.headers.cookie), [undefined, undefined, undefined])
  })
})

// README, Differences from 2.1.1: "A trailing slash in `url` is dropped, so `share_link` never has `//`."
test('a trailing slash in url is dropped: requests and share_link have no //', async () => {
  await withServer({}, async (server) => {
    const c = new OneTimeSecretApi(server.username, server.apiKey, { url: `${server.url}/` })
    assert.equal(c.url, server.url)
    const s = await c.share('x')
    assert.equal(s.share_link, `${server.url}/secret/${s.secret_key}`)
    assert.equal(server.requestCount('POST /api/v1/share'), 1)
  })
})

// README, options table: "`region` | – | `eu`, `us`, `ca`, `nz`, `uk`: the regional host instead of
// `url`"; Command line: "the server from `--url`, `OTS_URL` or `OTS_REGION`". The requests are seen
// by a loopback proxy, which refuses them: nothing reaches the real hosts.
test('region and OTS_REGION send requests to the regional host (seen by a proxy on loopback)', async () => {
  const proxy = await refusingConnectProxy()
  try {
    for (const region of ['eu', 'us', 'ca', 'nz', 'uk']) {
      const c = new OneTimeSecretApi('me@example.com', 'tok', { region, proxy: proxy.url, retries: 0 })
      await rejectsWith(c.status(), NetworkError, {})
    }
    const r = await ots(['status'], { OTS_REGION: 'eu', HTTPS_PROXY: proxy.url })
    assert.equal(r.status, 6, r.stderr)
    assert.deepEqual(proxy.targets.slice(0, 5), ['eu', 'us', 'ca', 'nz', 'uk'].map((x) => `${x}.onetimesecret.com:443`))
    // `ots status` asks twice at once (API v1 and v2) and retries a refused connection.
    assert.ok(proxy.targets.length > 5)
    assert.deepEqual([...new Set(proxy.targets.slice(5))], ['eu.onetimesecret.com:443'])
  } finally {
    await proxy.close()
  }
})

// README, Command line: "the key only from the environment, never from argv".
test('ots takes the API key only from the environment: an --api-key flag is refused and not echoed', async () => {
  await withServer({}, async (server) => {
    for (const args of [['--api-key', 'sekret-on-argv'], ['--api-key=sekret-on-argv'], ['--token', 'sekret-on-argv']]) {
      const r = await ots(['status', '--url', server.url, '--username', server.username, ...args])
      assert.equal(r.status, 2, r.stderr)
      assert.match(r.stderr, /^ots: unknown option --/)
      assert.doesNotMatch(r.stderr + r.stdout, /sekret-on-argv/)
    }
    assert.equal(server.requestCount(), 0)
  })
})

// README, Development: the npm scripts it lists exist, and the Node version it states is the
// package's engines field; Install / platforms: the binaries listed are napi's targets.
test('README names the package.json it ships: npm scripts, engines, the seven targets, Bun and Deno versions', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const named = new Set([...README.matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1]))
  assert.ok(named.size >= 8, [...named].join())
  for (const script of named) assert.ok(pkg.scripts[script], `npm run ${script}: no such script`)
  assert.equal(pkg.engines.node, '>= 18.17')
  assert.match(README, /Node\.js 18\.17 or newer/)
  assert.match(README, /Node\.js ≥ 18\.17/)
  // The oldest Node the package accepts is one the Node-versions test runs, and the README lists
  // the versions it runs.
  const versions = JSON.parse(/const VERSIONS = (\[[^\]]*\])/.exec(readFileSync(new URL('./node-versions.test.mjs', import.meta.url), 'utf8'))[1].replace(/'/g, '"'))
  assert.ok(versions.includes('18.17.0'), versions.join())
  const checked = /checks the package on Node ([^(]+)\(the oldest it supports\), ([\d., and]+) \(official/.exec(flat(README))
  assert.ok(checked, 'the README lists the Node versions the suite checks')
  assert.deepEqual([checked[1].trim(), ...checked[2].split(/, | and /)], versions.map((v) => v.split('.').slice(0, 2).join('.')))
  const section = README.slice(README.indexOf('### Node.js, Bun, Deno and platforms'))
  const listed = [...section.slice(0, section.indexOf('Where no binary')).matchAll(/`([a-z0-9_]+-[a-z0-9_-]+)`/g)].map((m) => m[1])
  assert.deepEqual(listed, pkg.napi.targets)
  const bun = /\*\*Bun\*\* \((\d+\.\d+)\)/.exec(section)[1]
  const deno = /\*\*Deno\*\* \((\d+\.\d+)\)/.exec(section)[1]
  assert.ok(pkg.devDependencies.bun.replace(/^\D+/, '').startsWith(`${bun}.`), pkg.devDependencies.bun)
  assert.ok(pkg.devDependencies.deno.replace(/^\D+/, '').startsWith(`${deno}.`), pkg.devDependencies.deno)
  assert.match(readFileSync(new URL('../.ci/run', import.meta.url), 'utf8'), /^npm test$/m)
  // The two commands' and Development's comments: what `npm test` runs, in that order, and the
  // release build's profile.
  const steps = `${pkg.scripts.test} ${pkg.scripts['test:rust']} ${pkg.scripts['test:js']}`
  const order = ['ensure-built', 'cargo fmt', '--check', 'clippy', '-D warnings', 'cargo test', 'node --test', '__test__/'].map((s) => steps.indexOf(s))
  assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])), steps)
  assert.match(README, /npm test +# every test: cargo fmt\/clippy\/test, then the node:test suites over loopback HTTP/)
  assert.match(README, /npm run build:debug +# or: npm run build \(release: LTO, stripped\)/)
  const release = /\[profile\.release\]\n([^[]*)/.exec(readFileSync(new URL('../Cargo.toml', import.meta.url), 'utf8'))[1]
  assert.match(release, /^lto = true$/m)
  assert.match(release, /^strip = "symbols"$/m)
  assert.match(pkg.scripts.build, /--release/)
  // Development: "On Debian: `apt-get install openssl chromium bsdutils`. `.ci/run` installs whatever
  // of these is missing", and the Rust components the README names.
  const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')
  const debian = /On Debian: `apt-get install ([a-z ]+)`\. `\.ci\/run` installs whatever of these is missing\./.exec(flat(README))
  assert.ok(debian, 'the Debian packages sentence')
  const installed = [...ci.matchAll(/\|\| missing\+=\(([a-z]+)\)/g)].map((m) => m[1])
  assert.deepEqual(installed.sort(), debian[1].split(' ').sort())
  assert.match(flat(README), /`rustup component add rustfmt clippy`/)
  assert.match(ci, /for component in clippy rustfmt; do/)
})

// README, Testing your code: "The handle has `url`, `username`, `apiKey`, `close()`, `addAccount(email,
// token?)`, `advanceClock(seconds)` (secrets expire as if the time had passed),
// `requestCount(route?)`/`requestCounts()`" (setRateLimit and setFault: client-v1, faults).
test('the embedded server handle: addAccount, advanceClock, requestCount and requestCounts do what README says', async () => {
  await withServer({ generation: 'v0.26', port: 0 }, async (server) => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.equal(server.url, `http://127.0.0.1:${server.port}`)
    const token = server.addAccount('second@example.com')
    assert.equal(typeof token, 'string')
    assert.equal(server.addAccount('third@example.com', 'chosen-token-0123456789'), 'chosen-token-0123456789')
    const first = new OneTimeSecretApi(server.username, server.apiKey, { url: server.url })
    const second = new OneTimeSecretApi('second@example.com', token, { url: server.url })
    const mine = await second.share('x', { ttl: 3600 })
    assert.equal(mine.custid, 'second@example.com')
    assert.ok((await second.recentMetadata()).some((r) => r.metadata_key === mine.metadata_key))
    assert.ok(!(await first.recentMetadata()).some((r) => r.metadata_key === mine.metadata_key), 'accounts are apart')
    const third = new OneTimeSecretApi('third@example.com', 'chosen-token-0123456789', { url: server.url })
    assert.equal(await third.status(), true)

    const kept = await first.share('expires', { ttl: 3600 })
    server.advanceClock(3599)
    assert.equal((await first.retrieveMetadata(kept.metadata_key)).state, 'new', 'not yet expired')
    server.advanceClock(2)
    await rejectsWith(first.retrieveSecret(kept.secret_key), UnknownSecretError, {})

    assert.equal(server.requestCount('POST /api/v1/share'), 2)
    assert.equal(server.requestCount('POST /api/v1/secret/:key'), 1)
    const counts = server.requestCounts()
    assert.equal(counts['POST /api/v1/share'], 2)
    assert.equal(server.requestCount(), Object.values(counts).reduce((a, b) => a + b, 0))
  })
})

// README, Self-hosted servers / Security notes: "Certificates are verified against the operating
// system's store". On Linux the store is the bundle OpenSSL reads (SSL_CERT_FILE points it
// elsewhere): a private CA put there is trusted without `ca`, and refused without it.
test('the OS store: a CA in the system bundle is trusted without `ca`', { skip: process.platform !== 'linux' && 'the store is read through SSL_CERT_FILE on Linux only' }, async () => {
  const certs = makeCerts()
  const dir = mkdtempSync(join(tmpdir(), 'ots-os-store-'))
  const server = https.createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"status":"nominal"}')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    writeFileSync(join(dir, 'bundle.pem'), certs.ca)
    const url = `https://127.0.0.1:${server.address().port}`
    const index = JSON.stringify(new URL('../index.mjs', import.meta.url).href)
    const code = `import Api from ${index}
new Api('u', 'k', { url: '${url}', retries: 0 }).status().then((v) => console.log('status', v), (e) => console.log(e.name, e.message))`
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SSL_CERT_|NODE_EXTRA_CA_CERTS$|NODE_TLS_REJECT_UNAUTHORIZED$|https?_proxy$)/i.test(k)))
    const run = (env) => spawnCapture(process.execPath, ['--input-type=module', '-e', code], { env: { ...clean, ...env } })
    const trusted = await run({ SSL_CERT_FILE: join(dir, 'bundle.pem') })
    assert.equal(trusted.stdout, 'status true\n', trusted.stderr)
    const refused = await run({})
    assert.match(refused.stdout, /^NetworkError .*unknown issuer/, refused.stderr)
  } finally {
    server.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

// README, Errors: NetworkError "Network request failed: `<reason>` at `<host:port>`" for "refused,
// reset, DNS, TLS, proxy" (refused and proxy: crates/core/tests/calls.rs; reset: the fault matrix;
// TLS: tls.test.mjs). A name under .invalid never resolves (RFC 6761).
// The call's timeout is long: a resolver with unreachable name servers may take a while to give up.
test('a host name that does not resolve is a NetworkError naming the host and port', { timeout: 180_000 }, async () => {
  const c = new OneTimeSecretApi('me@example.com', 'tok', { url: 'http://no-such-host.invalid', retries: 0, timeout: 120_000 })
  const e = await rejectsWith(c.status(), NetworkError, { status: undefined })
  assert.match(e.message, /^Network request failed: .+ at no-such-host\.invalid:80$/)
  assert.match(String(e.cause), /dns|resolv|lookup/i)
})

// README, Compatibility: "API v3 is not used: every request goes to `/api/v1` or `/api/v2`", and
// `apiVersion: "v2"` means API v2 for the secret calls. Every call, through a recording proxy.
test("every request of every call goes to /api/v1 or /api/v2, and a v2 client's secret calls to /api/v2", async () => {
  await withServer({ generation: 'v0.26' }, async (server) => {
    const seen = []
    const proxy = http.createServer((req, res) => {
      seen.push({ path: req.url })
      const upstream = new URL(server.url)
      const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode, r.headers)
        r.pipe(res)
      })
      req.pipe(out)
    })
    proxy.listen(0, '127.0.0.1')
    await once(proxy, 'listening')
    try {
      const url = `http://127.0.0.1:${proxy.address().port}`
      const paths = {}
      for (const apiVersion of ['v1', 'v2']) {
        const before = seen.length
        const c = new OneTimeSecretApi(server.username, server.apiKey, { url, apiVersion })
        await c.status()
        await c.serverInfo()
        const s = await c.share('x', { passphrase: 'pass1234' })
        await c.retrieveMetadata(s.metadata_key)
        if (apiVersion === 'v2') await c.secretStatus(s.secret_key)
        await c.retrieveSecret(s.secret_key, { passphrase: 'pass1234' })
        const g = await c.generate()
        await c.burn(g.metadata_key)
        await c.recentMetadata()
        paths[apiVersion] = seen.slice(before).map((r) => r.path)
      }
      for (const path of [...paths.v1, ...paths.v2]) assert.match(path, /^\/api\/v[12]\//)
      // serverInfo probes both APIs; every other v2 request is to /api/v2.
      const v2Secret = paths.v2.filter((p) => !/\/status$/.test(p))
      assert.ok(v2Secret.length >= 7, paths.v2.join())
      assert.deepEqual(v2Secret.filter((p) => !p.startsWith('/api/v2/')), [])
      assert.deepEqual(paths.v1.filter((p) => !p.startsWith('/api/v1/') && !p.startsWith('/api/v2/status') && !p.startsWith('/api/v2/version')), [])
    } finally {
      proxy.closeAllConnections()
      await new Promise((r) => proxy.close(r))
    }
  })
})

// README, share(): the comment under the example lists the answer's fields, on every generation and
// API version.
test('share answers have the fields the README example lists, on every generation and API version', async () => {
  const comment = /const s = await ots\.share\('s3cr3t', \{ ttl: 600 \}\)\n\/\/ \{ ([^]*?) \.\.\.every other field the server sent \}/.exec(README)
  assert.ok(comment, 'the example and its comment')
  const fields = comment[1].replace(/\/\//g, '').split(',').map((f) => f.trim()).filter(Boolean)
  assert.ok(fields.length >= 12, fields.join())
  for (const [generation, apiVersion] of [['v0.12', 'v1'], ['v0.22', 'v1'], ['v0.22', 'v2'], ['v0.26', 'v1'], ['v0.26', 'v2']]) {
    await withServer({ generation }, async (server) => {
      const s = await new OneTimeSecretApi(server.username, server.apiKey, { url: server.url, apiVersion }).share('s3cr3t', { ttl: 600 })
      for (const field of fields) {
        const [name, value] = field.split(':').map((x) => x.trim())
        assert.ok(name in s, `${generation} ${apiVersion}: ${name}`)
        if (value !== undefined) assert.deepEqual(s[name], JSON.parse(value.replace(/'/g, '"')), `${generation} ${apiVersion}: ${field}`)
      }
    })
  }
})

// README, options table: "`connectTimeout` | – | time to connect, in ms". A TCP server that accepts
// and never speaks TLS holds an https connection in its connect phase (reqwest's connect timer
// covers TCP and the TLS handshake); the call's own timeout (60 s) is as long as this test may run,
// so only the connect timer can end the call. (faults.test.mjs's connectTimeout test uses a closed
// port, which is refused at once whatever the timer.)
test('connectTimeout ends a connection that is not made in time, long before the call timeout', { timeout: 60_000 }, async () => {
  const sockets = []
  const server = net.createServer((socket) => {
    socket.on('error', () => {})
    socket.resume() // read, so that the client's close is seen
    sockets.push(once(socket, 'close'))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    const c = new OneTimeSecretApi('me@example.com', 'tok', { url: `https://127.0.0.1:${server.address().port}`, connectTimeout: 300, timeout: 60_000, retries: 0 })
    const e = await c.status().then(() => assert.fail('resolved'), (err) => err)
    assert.equal(e.name, 'TimeoutError', String(e))
    assert.match(String(e.cause), /could not connect/)
    // The connection was made and then dropped by the client (this server never closes one).
    assert.equal(sockets.length, 1)
    await sockets[0]
  } finally {
    server.close()
  }
})

// README, Self-hosted servers: "There is deliberately no per-client `rejectUnauthorized` option" and
// Security notes: "only `NODE_TLS_REJECT_UNAUTHORIZED=0` turns that off". Node's option name, given
// to this client, is refused as an unknown option, and without it an untrusted certificate is refused.
test("rejectUnauthorized: false, Node's switch, does not turn verification off here", async () => {
  const certs = makeCerts()
  const server = https.createServer({ cert: certs.selfSigned, key: certs.selfSignedKey }, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"status":"nominal"}')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    const url = `https://127.0.0.1:${server.address().port}`
    assert.throws(() => new OneTimeSecretApi('me@example.com', 'tok', { url, rejectUnauthorized: false, retries: 0 }),
      (e) => e instanceof InputError && /^rejectUnauthorized: unknown option/.test(e.message))
    const c = new OneTimeSecretApi('me@example.com', 'tok', { url, retries: 0 })
    const e = await rejectsWith(c.status(), NetworkError, {})
    assert.match(e.message, /self-signed and not trusted/)
    assert.equal(await new OneTimeSecretApi('me@example.com', 'tok', { url, ca: certs.selfSigned, retries: 0 }).status(), true)
  } finally {
    server.closeAllConnections()
    server.close()
  }
})

// README, Errors: InvalidResponseError "not an OTS answer: HTML from a proxy (names status and
// content type), invalid JSON, too large" (too large: the maxResponseBytes test above).
test('InvalidResponseError: an HTML page names its status and content type; invalid JSON is one too', async () => {
  const html = fixedAnswer(200, 'text/html; charset=utf-8', '<html><body>Sign in to the proxy</body></html>')
  await withHttp(html, async (s) => {
    const e = await rejectsWith(new OneTimeSecretApi('me@example.com', 'tok', { url: s.url, retries: 0 }).share('x'), InvalidResponseError, { status: 200 })
    assert.match(e.message, /text\/html; charset=utf-8/)
    assert.match(e.message, /status 200/)
  })
  await withHttp(fixedAnswer(200, 'application/json', '{"custid": "me@example.com", "metadata_key": '), async (s) => {
    await rejectsWith(new OneTimeSecretApi('me@example.com', 'tok', { url: s.url, retries: 0 }).share('x'), InvalidResponseError, { status: 200 })
  })
})

// README, Command line: "The exit code comes from the error's `code`:" and its table. The table's
// codes are error-kinds.json's (the one table of error kinds) plus 0; row 1 names the classes that
// exit 1, row 4 the ones for a gone secret and a wrong passphrase.
test("README's exit-code table has exactly error-kinds.json's exit codes, and row 1 names the classes that exit 1", () => {
  const kinds = JSON.parse(readFileSync(new URL('../error-kinds.json', import.meta.url), 'utf8'))
  const section = README.slice(README.indexOf('| code | meaning |'))
  const rows = section.slice(0, section.indexOf('\n\n')).split('\n').slice(2).map((l) => l.split('|').map((c) => c.trim()))
  const codes = rows.map((r) => Number(r[1]))
  assert.deepEqual(codes, [0, ...new Set(kinds.map((k) => k.exitCode))].sort((a, b) => a - b))
  const one = rows.find((r) => r[1] === '1')[2]
  const namedInOne = [...one.matchAll(/`(\w+Error)`/g)].map((m) => m[1]).sort()
  const exitOne = kinds.filter((k) => k.exitCode === 1 && k.parent !== null).map((k) => k.name).sort()
  assert.deepEqual(namedInOne, exitOne)
})

// End-to-end encryption through the public API and the CLI, against the embedded server: round
// trips on every generation over API v1 and v2; what reaches the server (recorded by a loopback
// proxy in front of it: never the plaintext, never the fragment); DecryptionError; the size rule;
// bad input refused before anything is consumed.

import test from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import util from 'node:util'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import OneTimeSecretApi, { DecryptionError, InputError, OneTimeSecretError, UnknownSecretError } from '../index.mjs'
import { startServer } from '../testing.mjs'
import { baseEnv, readUntil } from './helpers/ots-cli.mjs'

const OTS = fileURLToPath(new URL('../bin/ots.js', import.meta.url))
const SECRET = 'pâté 🔑 the launch code'
const MAX_PLAINTEXT = 7167 // docs/E2E.md; crates/core/src/e2e/tests.rs pins the same number
const FRAGMENT = /#([A-Za-z0-9_-]{43})$/
const GENERATIONS = [
  ['v0.12', 'v1'],
  ['v0.22', 'v1'],
  ['v0.22', 'v2'],
  ['v0.26', 'v1'],
  ['v0.26', 'v2'],
]

async function withServer(generation, fn) {
  const server = await startServer({ generation })
  try {
    return await fn(server)
  } finally {
    await server.close()
  }
}

const clientFor = (server, apiVersion = 'v1', url = server.url) =>
  new OneTimeSecretApi(server.username, server.apiKey, { url, apiVersion })

/** A loopback proxy in front of `target` that records every request's line, headers and body. */
async function recordingProxy(target) {
  const seen = []
  const upstream = new URL(target)
  const proxy = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      seen.push(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${body.toString('utf8')}`)
      const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode, r.headers)
        r.pipe(res)
      })
      out.on('error', () => res.destroy())
      out.end(body)
    })
  })
  proxy.listen(0, '127.0.0.1')
  await once(proxy, 'listening')
  return { url: `http://127.0.0.1:${proxy.address().port}`, seen, close: () => new Promise((r) => proxy.close(r)) }
}

/** `ots ...args` with `input` on stdin. Synchronous is fine: the embedded server runs on Rust threads. */
function ots(args, { env, input }) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTS_')))
  const r = spawnSync(process.execPath, [OTS, ...args], { env: { ...clean, ...env }, input, encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

for (const [generation, apiVersion] of GENERATIONS) {
  test(`${generation} API ${apiVersion}: share encrypted, open with the link, once`, async () => {
    await withServer(generation, async (server) => {
      const ots = clientFor(server, apiVersion)
      const shared = await ots.share(SECRET, { encrypt: true, ttl: 600 })
      assert.match(shared.share_link, FRAGMENT)
      assert.equal(shared.share_link.split('#')[0], `${server.url}/secret/${shared.secret_key}`)
      assert.equal(shared.state, 'new')
      assert.equal(shared.encrypted, undefined, 'the rest of the answer is as for a plain share')
      const opened = await ots.retrieveSecret(shared.share_link)
      assert.equal(opened.value, SECRET)
      assert.equal(opened.encrypted, true)
      assert.equal(opened.secret_key, shared.secret_key)
      await assert.rejects(ots.retrieveSecret(shared.share_link), UnknownSecretError)

      // With a passphrase: the server still checks it.
      const guarded = await ots.share(SECRET, { encrypt: true, passphrase: 'hunter2222' })
      await assert.rejects(ots.retrieveSecret(guarded.share_link, { passphrase: 'wrong passphrase' }), UnknownSecretError)
      assert.equal((await ots.retrieveSecret(guarded.share_link, { passphrase: 'hunter2222' })).value, SECRET)
    })
  })
}

test('the server sees only the envelope: no plaintext and no fragment in any request', async () => {
  await withServer('v0.26', async (server) => {
    const proxy = await recordingProxy(server.url)
    try {
      for (const apiVersion of ['v1', 'v2']) {
        const ots = clientFor(server, apiVersion, proxy.url)
        const shared = await ots.share(SECRET, { encrypt: true })
        const fragment = shared.share_link.match(FRAGMENT)[1]
        // Read it back without the key: what the server kept is an envelope.
        const kept = await ots.retrieveSecret(shared.secret_key)
        assert.equal(kept.encrypted, true)
        assert.match(kept.value, /^ots-e2e\/1 [^\n]+\n[A-Za-z0-9_-]+$/)
        assert.equal(await OneTimeSecretApi.decrypt(kept.value, shared.share_link), SECRET)
        assert.equal(await OneTimeSecretApi.decrypt(kept.value, `#${fragment}`), SECRET)
        const another = await ots.share(SECRET, { encrypt: true })
        assert.equal((await ots.retrieveSecret(another.share_link)).value, SECRET)
        const sent = proxy.seen.join('\n')
        assert.ok(sent.includes('ots-e2e') || sent.includes('ots-e2e'.replace('/', '%2F')), 'the envelope went through the proxy')
        for (const needle of [SECRET, encodeURIComponent(SECRET), 'launch code', fragment, another.share_link.match(FRAGMENT)[1]]) {
          assert.ok(!sent.includes(needle), `${apiVersion}: ${needle} reached the server`)
        }
      }
      assert.ok(proxy.seen.length >= 8)
    } finally {
      await proxy.close()
    }
  })
})

test('a wrong key rejects with DecryptionError that keeps the envelope and names neither plaintext nor key', async () => {
  await withServer('v0.26', async (server) => {
    const ots = clientFor(server)
    const shared = await ots.share(SECRET, { encrypt: true })
    const [base, fragment] = shared.share_link.split('#')
    const wrong = Buffer.alloc(32, 7).toString('base64url')
    const err = await ots.retrieveSecret(`${base}#${wrong}`).then(() => assert.fail('resolved'), (e) => e)
    assert.ok(err instanceof DecryptionError && err instanceof OneTimeSecretError && err instanceof Error)
    assert.equal(err.name, 'DecryptionError')
    assert.equal(err.code, 'ERR_OTS_DECRYPTION')
    assert.equal(err.message, 'Decryption failed: wrong key, or the envelope was altered')
    assert.match(err.envelope, /^ots-e2e\/1 /)
    const shown = [err.message, err.stack, util.inspect(err), JSON.stringify(err), JSON.stringify({ ...err })].join('\n')
    for (const needle of [SECRET, 'launch code', fragment, wrong]) assert.ok(!shown.includes(needle), needle)
    // Nothing is lost: the secret is gone from the server, and the envelope in the error opens.
    await assert.rejects(ots.retrieveSecret(base), UnknownSecretError)
    assert.equal(await OneTimeSecretApi.decrypt(err.envelope, shared.share_link), SECRET)

    const altered = err.envelope.slice(0, -3) + (err.envelope.endsWith('AAA') ? 'BBB' : 'AAA')
    await assert.rejects(OneTimeSecretApi.decrypt(altered, shared.share_link), { name: 'DecryptionError', envelope: altered })
    await assert.rejects(OneTimeSecretApi.decrypt(err.envelope.replace('ots-e2e/1', 'ots-e2e/7'), shared.share_link),
      { name: 'DecryptionError', message: /unknown envelope version "ots-e2e\/7"/ })
    const notEnvelope = await OneTimeSecretApi.decrypt('a plaintext pasted by mistake', shared.share_link).catch((e) => e)
    assert.ok(notEnvelope instanceof DecryptionError)
    assert.equal(notEnvelope.envelope, undefined, 'text that is not an envelope is not copied into the error')
  })
})

test('a bad fragment or a receipt link is refused before the secret is revealed', async () => {
  await withServer('v0.22', async (server) => {
    const ots = clientFor(server)
    const shared = await ots.share(SECRET, { encrypt: true })
    const [base, fragment] = shared.share_link.split('#')
    for (const bad of [`${base}#${fragment.slice(1)}`, `${base}#${fragment}x`, `${base}#${fragment.slice(0, -1)}+`]) {
      const err = await ots.retrieveSecret(bad).then(() => assert.fail('resolved'), (e) => e)
      assert.ok(err instanceof InputError, String(err))
      assert.ok(!err.message.includes(fragment.slice(2, 30)), err.message)
    }
    const receipt = await ots.retrieveSecret(`${server.url}/private/${shared.metadata_key}#${fragment}`).catch((e) => e)
    assert.ok(receipt instanceof InputError)
    assert.match(receipt.message, /^Invalid key provided: /)
    assert.ok(!receipt.message.includes(fragment.slice(2, 30)), receipt.message)
    assert.equal(server.requestCount('POST /api/v1/secret/:key'), 0, 'nothing was revealed')
    assert.equal((await ots.retrieveSecret(shared.share_link)).value, SECRET)
    assert.equal(server.requestCount('POST /api/v1/secret/:key'), 1, 'the reveal is counted on that route')
    // The link's host is not used: the client reads from its own url.
    const elsewhere = await ots.share(SECRET, { encrypt: true })
    const moved = elsewhere.share_link.replace(server.url, 'https://elsewhere.invalid')
    assert.equal((await ots.retrieveSecret(moved)).value, SECRET)
  })
})

test('the largest plaintext fits every generation; one byte more is an InputError and nothing is sent', async () => {
  for (const generation of ['v0.26', 'v0.22']) {
    await withServer(generation, async (server) => {
      const anonymous = OneTimeSecretApi.anonymous({ url: server.url })
      const big = `${'é'.repeat((MAX_PLAINTEXT - 1) / 2)}a` // MAX_PLAINTEXT bytes of UTF-8
      assert.equal(Buffer.byteLength(big), MAX_PLAINTEXT)
      const shared = await anonymous.share(big, { encrypt: true })
      assert.equal((await anonymous.retrieveSecret(shared.share_link)).value, big)
      const before = server.requestCount()
      const err = await anonymous.share(`${big}a`, { encrypt: true }).then(() => assert.fail('resolved'), (e) => e)
      assert.ok(err instanceof InputError)
      assert.equal(err.message,
        `secret: expected at most ${MAX_PLAINTEXT} bytes of UTF-8 with encrypt: true (the envelope must fit every server's 10000 bytes), got ${MAX_PLAINTEXT + 1} bytes`)
      assert.equal(server.requestCount(), before)
    })
  }
})

test('encrypt is a strict boolean, and generate cannot encrypt (the server makes the value)', async () => {
  await withServer('v0.26', async (server) => {
    const ots = clientFor(server)
    await assert.rejects(ots.share(SECRET, { encrypt: 'yes' }), { name: 'InputError', message: 'encrypt: expected a boolean, got string' })
    await assert.rejects(ots.generate({ encrypt: true }), { name: 'InputError', message: /^encrypt: / })
    assert.equal(server.requestCount(), 0)
    const plain = await ots.share(SECRET, { encrypt: false })
    assert.doesNotMatch(plain.share_link, /#/)
    const read = await ots.retrieveSecret(plain.share_link)
    assert.deepEqual([read.value, read.encrypted], [SECRET, undefined])
  })
})

test('ots share --encrypt prints the link with its fragment; ots get <link> prints only the plaintext', async () => {
  await withServer('v0.26', async (server) => {
    const env = { OTS_URL: server.url, OTS_USERNAME: server.username, OTS_API_KEY: server.apiKey }
    const shared = ots(['share', '--encrypt'], { env, input: `${SECRET}\n` })
    assert.equal(shared.code, 0, shared.stderr)
    const link = shared.stdout.trim()
    assert.match(link, FRAGMENT)
    const got = ots(['get'], { env, input: `${link}\n` })
    assert.equal(got.code, 0, got.stderr)
    assert.equal(got.stdout, `${SECRET}\n`)
    assert.equal(got.stderr, '', 'a link on stdin: no warning')

    const json = ots(['share', '--encrypt', '--json'], { env, input: SECRET })
    assert.equal(json.code, 0, json.stderr)
    const answer = JSON.parse(json.stdout)
    assert.match(answer.share_link, FRAGMENT)
    const wrong = answer.share_link.replace(FRAGMENT, `#${Buffer.alloc(32, 1).toString('base64url')}`)
    const failed = ots(['get', wrong], { env, input: '' })
    assert.equal(failed.code, 9, failed.stderr)
    // The key in argv works, with a warning (ps and shell history see argv).
    assert.match(failed.stderr, /^ots: warning: the link's #key is on the command line, where other users \(ps\) and your shell history can read it; next time give the link on stdin \(ots get < link\.txt\) or the key with --key-file\nots: DecryptionError: Decryption failed: wrong key, or the envelope was altered\n$/)
    assert.match(failed.stdout, /^ots-e2e\/1 [^\n]+\n[A-Za-z0-9_-]+\n$/, 'the envelope is kept on stdout')
    assert.ok(!failed.stderr.includes(SECRET) && !failed.stdout.includes(SECRET))
    const again = ots(['get', answer.share_link], { env, input: '' })
    assert.equal(again.code, 4, 'the secret was revealed once, by the failed get')
  })
})

test('two channels: share gives the link without its key and the key alone; retrieveSecret and ots get take the key apart', async () => {
  await withServer('v0.26', async (server) => {
    for (const apiVersion of ['v1', 'v2']) {
      const api = clientFor(server, apiVersion)
      const shared = await api.share(SECRET, { encrypt: true })
      assert.equal(shared.share_link, `${shared.share_link_without_key}#${shared.decryption_key}`)
      assert.equal(shared.share_link_without_key, `${server.url}/secret/${shared.secret_key}`)
      assert.match(shared.decryption_key, /^[A-Za-z0-9_-]{43}$/)
      const opened = await api.retrieveSecret(shared.share_link_without_key, { key: shared.decryption_key })
      assert.deepEqual([opened.value, opened.encrypted], [SECRET, true])
      // A plain share has neither field; a bad or conflicting key is refused before the reveal.
      const plain = await api.share('plain')
      assert.equal(plain.share_link_without_key, undefined)
      assert.equal(plain.decryption_key, undefined)
      const again = await api.share(SECRET, { encrypt: true })
      const before = server.requestCount()
      for (const key of ['short', Buffer.alloc(32, 5).toString('base64url')]) {
        const link = key === 'short' ? again.share_link_without_key : again.share_link
        const err = await api.retrieveSecret(link, { key }).then(() => assert.fail('resolved'), (e) => e)
        assert.ok(err instanceof InputError, `${err}`)
        assert.ok(!err.message.includes(key) && !err.message.includes(again.decryption_key), err.message)
      }
      assert.equal(server.requestCount(), before, 'nothing was revealed')
      // The key alone never opens a plain secret silently: with a key, a plain secret is a DecryptionError.
      const err = await api.retrieveSecret(plain.secret_key, { key: again.decryption_key }).then(() => assert.fail('resolved'), (e) => e)
      assert.ok(err instanceof DecryptionError, `${err}`)
    }

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ots-e2e-key-'))
    try {
      const env = { OTS_URL: server.url, OTS_USERNAME: server.username, OTS_API_KEY: server.apiKey }
      const keyFile = path.join(dir, 'key.txt')
      const shared = ots(['share', '--encrypt', '--key-file', keyFile], { env, input: SECRET })
      assert.equal(shared.code, 0, shared.stderr)
      const link = shared.stdout.trim()
      assert.match(link, new RegExp(`^${server.url}/secret/[a-z0-9]+$`), 'the link without its key')
      assert.match(fs.readFileSync(keyFile, 'utf8'), /^[A-Za-z0-9_-]{43}\n$/)
      if (process.platform !== 'win32') assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600)
      const again = ots(['share', '--encrypt', '--key-file', keyFile], { env, input: SECRET })
      assert.equal(again.code, 2, 'an existing key file is not overwritten')
      assert.match(again.stderr, /--key-file: .* exists; name a new file/)
      const plain = ots(['share', '--key-file', path.join(dir, 'other')], { env, input: SECRET })
      assert.equal(plain.code, 2)
      assert.match(plain.stderr, /--key-file needs --encrypt/)

      const got = ots(['get', link, '--key-file', keyFile], { env, input: '' })
      assert.equal(got.code, 0, got.stderr)
      assert.equal(got.stdout, SECRET)
      assert.equal(got.stderr, '', 'no key in argv: no warning')

      const viaStdin = ots(['share', '--encrypt', '--key-file', path.join(dir, 'k2')], { env, input: SECRET })
      const key2 = fs.readFileSync(path.join(dir, 'k2'), 'utf8')
      const fromStdin = ots(['get', viaStdin.stdout.trim(), '--key-file', '-'], { env, input: key2 })
      assert.equal(fromStdin.code, 0, fromStdin.stderr)
      assert.equal(fromStdin.stdout, SECRET)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

test('ots get --key-file - on a terminal asks for the key without echoing it (util-linux script gives a pseudo-terminal)', async () => {
  await withServer('v0.26', async (server) => {
    const api = clientFor(server)
    const shared = await api.share(SECRET, { encrypt: true })
    const env = { OTS_URL: server.url }
    const command = [process.execPath, OTS, 'get', shared.share_link_without_key, '--key-file', '-'].map((a) => `'${a}'`).join(' ')
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: baseEnv(env), stdio: ['pipe', 'pipe', 'pipe'] })
    const exited = once(child, 'close')
    const shown = await readUntil(child, child.stdout, (text) => text.includes('Decryption key: '))
    let rest = ''
    child.stdout.on('data', (d) => (rest += d))
    child.stdin.write(`${shared.decryption_key}\r`)
    const [code] = await exited
    const output = (shown + rest).replace(/\r/g, '')
    assert.equal(code, 0, output)
    assert.match(output, new RegExp(`Decryption key: \\n${SECRET}\\n$`))
    assert.ok(!output.includes(shared.decryption_key), 'the key typed at the prompt is not echoed')
  })
})

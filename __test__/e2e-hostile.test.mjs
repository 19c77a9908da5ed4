// docs/E2E.md "The server is not trusted": against a hostile server (a loopback relay in front of
// the embedded one, __test__/helpers/hostile-ots.mjs) that answers an end-to-end reveal with plain
// text, names a hostile share_domain, or redirects: no downgrade, no foreign or non-http(s) link,
// one POST per reveal.

import test from 'node:test'
import assert from 'node:assert/strict'
import util from 'node:util'
import { fileURLToPath } from 'node:url'
import OneTimeSecretApi, { DecryptionError, InputError, InvalidResponseError } from '../index.mjs'
import { startServer } from '../testing.mjs'
import { hostileOts, isReveal } from './helpers/hostile-ots.mjs'
import { spawnCapture } from './helpers/spawn-capture.mjs'

const OTS = fileURLToPath(new URL('../bin/ots.js', import.meta.url))
const FORGED = 'The new password is hunter2 (chosen by the server)'
const FRAGMENT = /#([A-Za-z0-9_-]{43})$/

/** The embedded server (v0.26) with a hostile relay in front of it. */
async function withHostile(behaviour, fn) {
  const server = await startServer({ generation: 'v0.26' })
  const hostile = await hostileOts(server.url, behaviour)
  try {
    return await fn(hostile, server)
  } finally {
    await hostile.close()
    await server.close()
  }
}

const clientFor = (server, url, apiVersion = 'v1', options = {}) =>
  new OneTimeSecretApi(server.username, server.apiKey, { url, apiVersion, ...options })

/** `ots ...args` with `env` and `input` on stdin (asynchronous: the hostile relay runs in this process). */
async function ots(args, env, input = '') {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTS_')))
  const r = await spawnCapture(process.execPath, [OTS, ...args], { env: { ...clean, ...env }, input })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const rejection = (promise) => promise.then((v) => assert.fail(`resolved with ${JSON.stringify(v)}`), (e) => e)

for (const apiVersion of ['v1', 'v2']) {
  test(`API ${apiVersion}: a plain-text answer to an end-to-end reveal is a DecryptionError carrying it, never a value`, async () => {
    await withHostile({ revealValue: FORGED }, async (hostile, server) => {
      const c = clientFor(server, hostile.url, apiVersion)
      const shared = await c.share('the real launch code', { encrypt: true })
      const err = await rejection(c.retrieveSecret(shared.share_link))
      assert.ok(err instanceof DecryptionError, `${err}`)
      assert.equal(err.code, 'ERR_OTS_DECRYPTION')
      assert.match(err.message, /not an end-to-end encrypted envelope/)
      assert.ok(!err.message.includes('hunter2'), err.message)
      assert.equal(err.envelope, FORGED, 'what the server sent is carried, so nothing is lost')
      // The key given apart from the link: the same.
      const apart = await c.share('the real launch code', { encrypt: true })
      const err2 = await rejection(c.retrieveSecret(apart.share_link_without_key, { key: apart.decryption_key }))
      assert.ok(err2 instanceof DecryptionError, `${err2}`)
      assert.equal(err2.envelope, FORGED)
      const fragment = shared.share_link.match(FRAGMENT)[1]
      for (const surface of [err.message, err.stack, util.inspect(err), JSON.stringify(err)]) {
        assert.ok(!surface.includes(fragment), 'the key is in no error surface')
      }
      // An empty secret is no envelope either.
      const empty = await hostileOts(server.url, { revealValue: '' })
      try {
        const again = await clientFor(server, empty.url, apiVersion).share('x', { encrypt: true })
        assert.ok((await rejection(clientFor(server, empty.url, apiVersion).retrieveSecret(again.share_link))) instanceof DecryptionError)
      } finally {
        await empty.close()
      }
    })
  })
}

test('a downgrading server that echoes the request into the forged secret: the passphrase, the secret key and the credentials are not in the error', async () => {
  const echo = (path, body) => `forged; the request was ${path} ${body} ${decodeURIComponent(body)}`
  await withHostile({ revealValue: echo }, async (hostile, server) => {
    for (const apiVersion of ['v1', 'v2']) {
      const c = clientFor(server, hostile.url, apiVersion)
      const passphrase = 'correct horse passphrase'
      const shared = await c.share('the real launch code', { encrypt: true, passphrase })
      const err = await rejection(c.retrieveSecret(shared.share_link, { passphrase }))
      assert.ok(err instanceof DecryptionError, `${err}`)
      assert.match(err.envelope, /^forged; the request was /)
      for (const surface of [err.message, err.stack, util.inspect(err), JSON.stringify(err), err.envelope]) {
        for (const secret of [passphrase, shared.secret_key, shared.decryption_key, server.apiKey]) {
          assert.ok(!surface.includes(secret), `${apiVersion}: a secret of the call in ${surface}`)
        }
      }
    }
  })
})

test('ots get <link#key> against a downgrading server exits 9 and prints nothing on stdout', async () => {
  await withHostile({ revealValue: FORGED }, async (hostile, server) => {
    const shared = await clientFor(server, hostile.url).share('the real launch code', { encrypt: true })
    const env = { OTS_USERNAME: server.username, OTS_API_KEY: server.apiKey }
    const got = await ots(['get', shared.share_link], env)
    assert.equal(got.code, 9, got.stderr)
    assert.equal(got.stdout, '', 'the server text is not printed where the secret would go')
    assert.match(got.stderr, /DecryptionError: Decryption failed: a key was given but the server sent 50 characters/)
    assert.ok(!got.stderr.includes('hunter2'))
  })
})

const HOSTILE_DOMAINS = [
  'https://attacker.example',
  'javascript://%0aalert(document.domain)//',
  'data://text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'attacker.example:443',
  'user@attacker.example',
  'attacker.example/secret/x?',
  'http://127.0.0.1:1',
]

for (const apiVersion of ['v1', 'v2']) {
  test(`API ${apiVersion}: a hostile share_domain does not choose where a link points`, async () => {
    for (const domain of HOSTILE_DOMAINS) {
      await withHostile({ shareDomain: domain }, async (hostile, server) => {
        const c = clientFor(server, hostile.url, apiVersion)
        for (const options of [{}, { encrypt: true }]) {
          const shared = await c.share('x', options)
          assert.ok(shared.share_link.startsWith(`${hostile.url}/secret/${shared.secret_key}`), `${domain} ${JSON.stringify(options)}: ${shared.share_link}`)
          assert.equal(new URL(shared.share_link).origin, hostile.url)
          const meta = await c.retrieveMetadata(shared.metadata_key)
          assert.equal(meta.share_link, `${hostile.url}/secret/${shared.secret_key}`, domain)
        }
        const generated = await c.generate()
        assert.equal(generated.share_link, `${hostile.url}/secret/${generated.secret_key}`, domain)
      })
    }
  })
}

test('a bare host name from the server is the domain of a plain link, never of an encrypted one unless the caller asked', async () => {
  await withHostile({ shareDomain: 'links.example.com' }, async (hostile, server) => {
    const c = clientFor(server, hostile.url)
    const plain = await c.share('x')
    assert.equal(plain.share_link, `https://links.example.com/secret/${plain.secret_key}`)
    const sealed = await c.share('x', { encrypt: true })
    assert.match(sealed.share_link, new RegExp(`^${hostile.url}/secret/${sealed.secret_key}#[A-Za-z0-9_-]{43}$`))
    const asked = await c.share('x', { encrypt: true, shareDomain: 'mine.example.org' })
    assert.match(asked.share_link, new RegExp(`^https://mine\\.example\\.org/secret/${asked.secret_key}#[A-Za-z0-9_-]{43}$`))
    const client = clientFor(server, hostile.url, 'v2', { shareDomain: 'mine.example.org' })
    const byClient = await client.share('x')
    assert.equal(byClient.share_link, `https://mine.example.org/secret/${byClient.secret_key}`, 'the caller\'s domain, not the server\'s')
  })
})

test('a shareDomain that is not a bare host name is an InputError and nothing is sent', async () => {
  await withHostile({}, async (hostile, server) => {
    for (const shareDomain of ['https://secrets.example.com', 'secrets.example.com:8443', 'javascript://x', 'a/b', 'u@h.example']) {
      const err = await rejection(clientFor(server, hostile.url).share('x', { shareDomain }))
      assert.ok(err instanceof InputError, `${shareDomain}: ${err}`)
      assert.match(err.message, /^shareDomain: expected a host name/)
      const byClient = await rejection(clientFor(server, hostile.url, 'v2', { shareDomain }).generate())
      assert.ok(byClient instanceof InputError, `${shareDomain}: ${byClient}`)
    }
    assert.equal(hostile.requests.length, 0)
  })
})

for (const status of [301, 302, 303, 307, 308]) {
  test(`a reveal answered ${status} is not followed: one POST, an error naming where it pointed, the secret kept`, async () => {
    await withHostile({ redirect: { status, when: (method, path) => isReveal(path) } }, async (hostile, server) => {
      for (const apiVersion of ['v1', 'v2']) {
        const direct = clientFor(server, server.url, apiVersion)
        const shared = await direct.share('still here', { encrypt: true })
        const link = shared.share_link.replace(server.url, hostile.url)
        const before = hostile.count('POST', isReveal)
        const err = await rejection(clientFor(server, hostile.url, apiVersion).retrieveSecret(link))
        assert.ok(err instanceof InvalidResponseError, `${err}`)
        assert.equal(err.status, status)
        const route = apiVersion === 'v1' ? '/moved/api/v1/secret/:key' : '/moved/api/v2/secret/:key/reveal'
        assert.equal(
          err.message,
          `The server answered retrieveSecret with a redirect (${status}) to ${hostile.url}${route}, not followed: share, generate, retrieveSecret and burn never follow redirects; if the server moved, set url to its new address`,
        )
        assert.equal(hostile.count('POST', isReveal), before + 1, 'one POST per reveal')
        assert.equal(hostile.requests.filter((r) => r.path.startsWith('/moved/')).length, 0)
        // The secret was not consumed: the real server still has it.
        assert.equal((await direct.retrieveSecret(shared.share_link)).value, 'still here')
      }
    })
  })
}

test('share, generate and burn do not follow a same-origin redirect; status and retrieveMetadata do', async () => {
  const creates = (path) => /\/(share|generate|conceal|burn)$/.test(path)
  await withHostile({ redirect: { status: 307, when: (method, path) => creates(path) || /status$|\/private\//.test(path) } }, async (hostile, server) => {
    const c = clientFor(server, hostile.url)
    const direct = clientFor(server, server.url)
    const receipt = await direct.share('burn me')
    for (const [name, call] of [['share', () => c.share('x')], ['generate', () => c.generate()], ['burn', () => c.burn(receipt.metadata_key)]]) {
      const err = await rejection(call())
      assert.ok(err instanceof InvalidResponseError, `${name}: ${err}`)
      assert.match(err.message, new RegExp(`^The server answered ${name} with a redirect \\(307\\) to ${hostile.url}/moved/`))
      assert.ok(!err.message.includes(receipt.metadata_key), 'no key in the message')
    }
    assert.equal(hostile.requests.filter((r) => r.path.startsWith('/moved/')).length, 0, 'nothing followed')
    assert.equal(hostile.count('POST', creates), 3, 'one POST each')
    assert.equal(server.requestCount('POST /api/v1/share'), 1, 'only the direct share created a secret')
    assert.equal(await c.status(), true)
    assert.equal((await c.retrieveMetadata(receipt.metadata_key)).state, 'new', 'the burn did not happen; metadata followed the redirect')
    assert.equal(hostile.requests.filter((r) => r.path.startsWith('/moved/')).length, 2)
  })
})

test('a 4-digit and a 6-digit PIN, and every secret of up to 32 bytes, give envelopes of the same length', async () => {
  const server = await startServer({ generation: 'v0.26' })
  try {
    const c = clientFor(server, server.url)
    // What the server stores: the envelope, read back without the key.
    const stored = async (secret) => (await c.retrieveSecret((await c.share(secret, { encrypt: true })).secret_key)).value
    const pin4 = await stored('1234')
    const pin6 = await stored('123456')
    assert.match(pin4, /^ots-e2e\/1 /)
    assert.equal(pin4.length, pin6.length)
    const lengths = new Set()
    for (let n = 1; n <= 32; n++) lengths.add((await stored('x'.repeat(n))).length)
    assert.deepEqual([...lengths], [pin4.length])
    assert.ok((await stored('x'.repeat(64))).length > pin4.length, 'a longer secret is in a larger bucket')
  } finally {
    await server.close()
  }
})

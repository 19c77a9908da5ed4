// The transcripts of real servers (fixtures/ots-observed/) are replayed exchange by exchange, and
// compared by value, by one harness: crates/server/tests/transcripts.rs (parser and comparer in
// ots_server::transcript). Here only what that harness cannot see: that the JS entry point starts
// the generation each transcript records, answering its first recorded exchange as recorded.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join, dirname } from 'node:path'
import { startServer } from '../testing.mjs'

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'ots-observed')
const files = readdirSync(FIXTURES).filter((f) => /^v.*\.md$/.test(f))

test('every transcript names a generation the embedded server has', () => {
  assert.equal(files.length, 7)
})

for (const file of files) {
  test(`${file}: the JS entry's server answers the first recorded exchange as recorded`, async () => {
    const generation = file.slice(0, 5) // v0.12 / v0.22 / v0.26
    const text = readFileSync(join(FIXTURES, file), 'utf8')
    // First exchange: its curl line, status line, headers, blank line, body.
    const block = /```\n\$ curl (.*)\n(HTTP\/1\.1 (\d+)[^\n]*)\n([\s\S]*?)\n\n([^\n]*)\n```/.exec(text)
    assert.ok(block, 'a first exchange')
    const [, curl, , status, headerText, body] = block
    const path = /http:\/\/127\.0\.0\.1:\d+(\/\S*)/.exec(curl)[1]
    const user = /-u (\S+)/.exec(curl)?.[1]
    const method = /-X (\w+)/.exec(curl)?.[1] ?? 'GET'
    const srv = await startServer({ generation, username: 'tester@example.com', apiKey: user?.split(':')[1] })
    try {
      assert.equal(srv.generation, generation)
      const headers = user ? { authorization: 'Basic ' + Buffer.from(user).toString('base64') } : {}
      const res = await fetch(srv.url + path, { method, headers })
      assert.equal(res.status, Number(status))
      const ctype = /^content-type: (.*)$/im.exec(headerText)[1]
      assert.equal(res.headers.get('content-type'), ctype)
      if (!body.includes('_key')) assert.equal(await res.text(), body)
      else assert.ok((await res.text()).length > 0)
    } finally {
      await srv.close()
    }
  })
}

// What README's compatibility table says about the exchanges the `-more` transcripts recorded,
// through the client, on every generation and API version.
const COMBOS = [['v0.12', 'v1'], ['v0.22', 'v1'], ['v0.22', 'v2'], ['v0.26', 'v1'], ['v0.26', 'v2']]
const SYMBOL = /[^A-Za-z0-9]/

for (const [generation, apiVersion] of COMBOS) {
  test(`${generation} ${apiVersion}: generate options, 50,000 characters, burning a read secret (as recorded)`, async () => {
    const { default: OneTimeSecretApi, ApiError, UnknownSecretError } = await import('../index.mjs')
    const srv = await startServer({ generation })
    try {
      const client = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url, apiVersion })
      // generate: v0.12 makes 12 characters whatever is asked; later releases honour `length`,
      // and `characterSets` on v2 only (v1 reads "false" from a form as true: every set is used,
      // each at least once).
      const g = await client.generate({ length: 20, characterSets: { symbols: false } })
      if (generation === 'v0.12') {
        assert.equal(g.value.length, 12)
      } else {
        assert.equal(g.value.length, 20)
        assert.equal(SYMBOL.test(g.value), apiVersion === 'v1', g.value)
      }

      // 50,000 characters: kept whole up to v0.23; v0.26 refuses over 10,000 bytes.
      const big = '0123456789'.repeat(5000)
      if (generation === 'v0.26') {
        await assert.rejects(client.share(big), (e) => e instanceof ApiError && /10000 bytes/.test(e.message))
      } else {
        const s = await client.share(big)
        assert.equal((await client.retrieveSecret(s.secret_key)).value, big)
      }

      // Burning a secret that was already read: UnknownSecretError everywhere (v0.22's v2 answers
      // 500 "Secret could not be burned.", v0.26's v2 200).
      const s = await client.share('read, then burned')
      await client.retrieveSecret(s.secret_key)
      await assert.rejects(client.burn(s.metadata_key), UnknownSecretError)
    } finally {
      await srv.close()
    }
  })
}

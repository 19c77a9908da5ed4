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

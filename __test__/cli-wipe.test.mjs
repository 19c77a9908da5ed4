// README "Security notes": the `ots` CLI zeroes the Buffers it read stdin into (a secret, a link,
// a --passphrase-stdin line) once it has made its string, and a secret that is not UTF-8 once it
// is refused. The readers take the stream as an argument, so a test hands them Buffers it owns and
// looks at them afterwards; Buffer.concat is watched to see the joined copy zeroed too.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { readStdin, secretFromStdin } = require('../bin/cli/input.js')

/** `fn()` with every Buffer that Buffer.concat returns meanwhile collected in `made`. */
async function watchingConcat(fn) {
  const made = []
  const concat = Buffer.concat
  Buffer.concat = function (...args) {
    const b = concat.apply(this, args)
    made.push(b)
    return b
  }
  try {
    return { result: await fn(), made }
  } catch (err) {
    return { err, made }
  } finally {
    Buffer.concat = concat
  }
}

const zeroed = (b) => b.every((byte) => byte === 0)

test('the secret read from stdin: the chunks and their joined copy are zeroed, the text is intact', async () => {
  const chunks = [Buffer.from('first half of a secret, '), Buffer.from('and the rest: café\n')]
  const { result, made } = await watchingConcat(() => secretFromStdin('share', Readable.from(chunks)))
  assert.equal(result, 'first half of a secret, and the rest: café\n')
  assert.ok(chunks.every(zeroed), 'the chunks are zeroed')
  assert.equal(made.length, 1)
  assert.ok(zeroed(made[0]), 'the joined Buffer is zeroed')
})

test('a secret that is not UTF-8 is refused, and its bytes are zeroed', async () => {
  const chunks = [Buffer.from([0x73, 0x65, 0xff, 0xfe, 0x63])]
  const { err, made } = await watchingConcat(() => secretFromStdin('share', Readable.from(chunks)))
  assert.match(String(err?.message), /not UTF-8/)
  assert.ok(chunks.every(zeroed))
  assert.ok(made.every(zeroed))
})

test('a link or a passphrase line read from stdin: zeroed the same way', async () => {
  const chunks = [Buffer.from('https://onetimesecret.com/secret/abc'), Buffer.from('def\nsecond line\n')]
  const { result, made } = await watchingConcat(() => readStdin(Readable.from(chunks)))
  assert.equal(result, 'https://onetimesecret.com/secret/abcdef\nsecond line\n')
  assert.ok(chunks.every(zeroed))
  assert.ok(made.every(zeroed) && made.length === 1)
})

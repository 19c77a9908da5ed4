// Every ```js block of README.md runs as written, against the embedded server; so do the command
// line's share/get lines, and the demo prints what the README says it prints. Two things differ from a user's machine, and only these:
// - `from 'onetimesecret-api'` is pointed at a small module (written below) that re-exports the
//   package with the default `url` set to the embedded server, since the README's examples talk to
//   onetimesecret.com, which the tests must not reach; an explicit `url` still wins;
// - a block that uses `ots` without making one (the API section's one-liners) runs after a
//   preamble that makes it as the Quick start does, with `key` the key of a secret already read.
// The blocks run in the repo (under target/), so `onetimesecret-api` resolves to this package.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises'
import { join, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { startServer } from '../testing.mjs'
import OneTimeSecretApi from '../index.mjs'

const run = promisify(execFile)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const readme = await readFile(join(root, 'README.md'), 'utf8')

/** The README's ```js blocks: `{ line, heading, code }`. */
function jsBlocks(text) {
  const blocks = []
  let heading = ''
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (/^#{1,4} /.test(lines[i])) heading = lines[i].replace(/^#+ /, '')
    if (lines[i] === '```js') {
      const start = i + 1
      while (lines[++i] !== '```') if (i >= lines.length) throw new Error(`unclosed block at line ${start}`)
      blocks.push({ line: start, heading, code: lines.slice(start, i).join('\n') + '\n' })
    }
  }
  return blocks
}

const HARNESS = `import * as real from ${JSON.stringify(pathToFileURL(join(root, 'index.mjs')).href)}
export * from ${JSON.stringify(pathToFileURL(join(root, 'index.mjs')).href)}
const url = process.env.README_OTS_URL
export class OneTimeSecretApi extends real.OneTimeSecretApi {
  constructor(username, password, options) { super(username, password, { url, ...options }) }
  static anonymous(options) { return real.OneTimeSecretApi.anonymous({ url, ...options }) }
}
export default OneTimeSecretApi
`

const PREAMBLE = `import __Api from 'onetimesecret-api'
const ots = new __Api('you@example.com', process.env.OTS_API_KEY)
const key = (await ots.share('already read')).secret_key
await ots.retrieveSecret(key)
`

let server
let dir
let env

before(async () => {
  server = await startServer({ generation: 'v0.26', username: 'you@example.com' })
  dir = await mkdtemp(join(root, 'target', 'readme-'))
  await writeFile(join(dir, 'harness.mjs'), HARNESS)
  env = { ...process.env, README_OTS_URL: server.url, OTS_API_KEY: server.apiKey }
  // A nested runner reports to its parent when NODE_TEST_CONTEXT is set: run blocks standalone.
  delete env.NODE_TEST_CONTEXT
})

after(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

const blocks = jsBlocks(readme)

test('README has the code blocks this file runs', () => {
  assert.ok(blocks.length >= 5, `found ${blocks.length} js blocks`)
  assert.ok(blocks.some((b) => b.heading === 'Quick start'))
})

for (const block of blocks) {
  test(`README line ${block.line} (${block.heading}) runs as written`, async () => {
    const needsContext = /\bots\./.test(block.code) && !/\b(const|let) ots\b/.test(block.code)
    const code = (needsContext ? PREAMBLE : '') + block.code
    const file = join(dir, `block-${block.line}${/\btest\(/.test(code) ? '.test' : ''}.mjs`)
    await writeFile(file, code.replaceAll("from 'onetimesecret-api'", "from './harness.mjs'"))
    if (/\btest\(/.test(code)) {
      const { stdout } = await run(process.execPath, ['--test', '--test-reporter=tap', file], { cwd: root, env })
      assert.match(stdout, /^# pass [1-9]/m)
      assert.match(stdout, /^# fail 0$/m)
      return
    }
    const { stdout } = await run(process.execPath, [file], { cwd: root, env })
    if (block.heading === 'Quick start') {
      const [link, state] = stdout.trim().split('\n')
      assert.match(link, new RegExp(`^${server.url}/secret/[0-9a-z]+$`))
      assert.equal(state, 'new')
    }
    if (block.heading === 'Errors') assert.equal(stdout, 'gone, or the passphrase is wrong\n')
  })
}

test('README: the receipt states the Quick start describes, on every generation', async () => {
  // "'new' until it is read, then 'received'; v0.22 says 'viewed' from the first look at the
  // receipt, v0.12 from the second" (the embedded server replays the real servers' transcripts).
  assert.match(readme, /v0\.22 says 'viewed' from the first\s+look at the receipt, v0\.12 from the second/)
  const seen = {}
  for (const generation of ['v0.12', 'v0.22', 'v0.26']) {
    const s = await startServer({ generation })
    try {
      const api = new OneTimeSecretApi(s.username, s.apiKey, { url: s.url })
      const { metadata_key, secret_key } = await api.share('x')
      const first = (await api.retrieveMetadata(metadata_key)).state
      const second = (await api.retrieveMetadata(metadata_key)).state
      await api.retrieveSecret(secret_key)
      seen[generation] = [first, second, (await api.retrieveMetadata(metadata_key)).state]
    } finally {
      await s.close()
    }
  }
  assert.deepEqual(seen, {
    'v0.12': ['new', 'viewed', 'received'],
    'v0.22': ['viewed', 'viewed', 'received'],
    'v0.26': ['new', 'new', 'received'],
  })
})

test('README: the command-line block shares from a pipe and reads the link back', async () => {
  // Run by bash with `ots` on PATH and OTS_URL set to the embedded server; the placeholder link of
  // the second line is replaced by the link the first printed. (`ots serve`: cli.test.mjs.)
  const block = readme.slice(readme.indexOf('## Command line')).match(/```sh\n([\s\S]*?)```/)[1].split('\n')
  const command = (prefix) => block.find((l) => l.startsWith(prefix)).replace(/\s+#.*$/, '')
  const bin = join(dir, 'bin')
  await run('mkdir', ['-p', bin])
  await writeFile(join(bin, 'ots'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, 'bin', 'ots.js'))} "$@"\n`, { mode: 0o755 })
  const shellEnv = { ...env, PATH: `${bin}:${process.env.PATH}`, OTS_URL: server.url, OTS_USERNAME: 'you@example.com' }
  const shared = await run('bash', ['-c', command("echo 'the launch code' | ots share")], { env: shellEnv })
  const link = shared.stdout.trim()
  assert.match(link, new RegExp(`^${server.url}/secret/[0-9a-z]+$`))
  const get = command('ots get ')
  assert.ok(get.includes('https://onetimesecret.com/secret/<key>'))
  const got = await run('bash', ['-c', get.replace('https://onetimesecret.com/secret/<key>', link)], { env: shellEnv })
  assert.equal(got.stdout, 'the launch code\n')
})

test('README: the constructor throws InputError for each case its section lists', async () => {
  const { InputError } = await import('../index.mjs')
  const section = readme.slice(readme.indexOf('### `new OneTimeSecretApi('), readme.indexOf('| option | default |'))
  const cases = [
    [[undefined, 'k'], /^No username or password provided$/, 'missing `username` or `password`'],
    [[null, 'k'], /^No username or password provided/, 'not a string (`null`, a number)'],
    [['u', 5], /^No username or password provided/, 'not a string (`null`, a number)'],
    [['u', 'k', { url: 'ftp://example.com' }], /url/, '`url`'],
    [['u', 'k', { proxy: 'ftp://example.com' }], /proxy/, '`proxy`'],
    [['u', 'k', { apiVersion: 'v3' }], /apiVersion/, '`apiVersion`'],
    [['u', 'k', { region: 'mars' }], /region/, 'unknown `region`'],
    [['u', 'k', { url: 'https://example.com', region: 'eu' }], /url or region/, 'both `url` and `region`'],
    [['u', 'k', { ca: 42 }], /^ca: expected PEM text \(a string or a Buffer\) or an array of them, got number$/, '`ca` that is not PEM text (a string or a Buffer)'],
    [['u', 'k', { ca: [] }], /^ca: expected .* a non-empty array of them, got an empty array$/, 'or a non-empty array of them'],
    [['u', 'k', { ca: 'no certificate here' }], /^ca: expected PEM certificates .*, got a string without one$/, 'holds no PEM certificate'],
    [['u', 'k', { ca: '-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n' }], /^ca: expected PEM certificates .*, got a string with a malformed PEM block/, 'or a malformed one'],
    [['u', 'k', { timeout: 0 }], /^timeout: expected a number of milliseconds > 0, got 0$/, 'timeout: expected a number of milliseconds > 0, got 0'],
    [['u', 'k', { connectTimeout: -1 }], /^connectTimeout: expected /, '`connectTimeout`'],
    [['u', 'k', { retries: 1.5 }], /^retries: expected /, '`retries`'],
    [['u', 'k', { retryDelay: -1 }], /^retryDelay: expected /, '`retryDelay`'],
    [['u', 'k', { maxRetryDelay: 'x' }], /^maxRetryDelay: expected /, '`maxRetryDelay`'],
    [['u', 'k', { maxResponseBytes: 0 }], /^maxResponseBytes: expected /, '`maxResponseBytes`'],
    [['u', 'k', { shareDomain: 5 }], /^shareDomain: expected /, '`shareDomain`'],
    [['u', 'k', 'options'], /^options: expected an object/, '`options` that is not an'],
  ]
  for (const [args, message, claim] of cases) {
    assert.ok(section.replace(/\s+/g, ' ').includes(claim), `the section says: ${claim}`)
    assert.throws(() => new OneTimeSecretApi(...args), (err) => err instanceof InputError && message.test(err.message), JSON.stringify(args))
  }
})

test('README: npm run demo shares, reads once, and sees the secret gone', async () => {
  const { stdout } = await run(process.execPath, [join(root, 'examples', 'demo.mjs')], { cwd: root })
  assert.match(stdout, /^embedded OneTimeSecret v0\.26 at http:\/\/127\.0\.0\.1:\d+ \(API v1\)$/m)
  assert.match(stdout, /^shared: {3}http:\/\/127\.0\.0\.1:\d+\/secret\/[0-9a-z]{62} \(state new, ttl 3600 s\)$/m)
  assert.match(stdout, /^revealed: correct horse battery staple$/m)
  assert.match(stdout, /^again: {4}UnknownSecretError: Unknown secret/m)
  assert.match(stdout, /^receipt: {2}state received$/m)
})

test('README: the demo runs on every generation and API version', async () => {
  for (const [generation, api] of [['v0.12', 'v1'], ['v0.22', 'v2'], ['v0.26', 'v2']]) {
    const { stdout } = await run(process.execPath, [join(root, 'examples', 'demo.mjs'), '--generation', generation, '--api', api], { cwd: root })
    assert.match(stdout, /^revealed: correct horse battery staple$/m, `${generation} ${api}`)
    assert.match(stdout, /^again: {4}UnknownSecretError/m, `${generation} ${api}`)
  }
})

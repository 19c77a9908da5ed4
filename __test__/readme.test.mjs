// The README's examples run: the embedded-server example is executed as written, and the demo
// command prints what the README says it prints.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')

test('README: the embedded-server example passes as written', async () => {
  const readme = await readFile(join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Testing your code'))
  const code = section.match(/```js\n([\s\S]*?)```/)[1]
  assert.match(code, /startServer/)
  // Run it from inside the repo so `onetimesecret-api` resolves to this package (self-reference).
  const dir = await mkdtemp(join(root, 'target', 'readme-'))
  try {
    const file = join(dir, 'example.test.mjs')
    await writeFile(file, code)
    // A nested runner reports to its parent when NODE_TEST_CONTEXT is set: run it standalone.
    const env = { ...process.env }
    delete env.NODE_TEST_CONTEXT
    const { stdout } = await run(process.execPath, ['--test', '--test-reporter=tap', file], { cwd: root, env })
    assert.match(stdout, /# pass 1/)
    assert.match(stdout, /# fail 0/)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('README: npm run demo shares, reads once, and sees the secret gone', async () => {
  const { stdout } = await run(process.execPath, [join(root, 'examples', 'demo.mjs')], { cwd: root })
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

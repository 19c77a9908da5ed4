// Issue: drop-in compatibility with onetimesecret-api 2.1.1, for TypeScript and both module systems.
// 1. __test__/compat/ts211.ts (2.1.1 user code) type-checks with the repo's tsc under strict,
//    isolatedModules and node16 resolution, through the package's own `exports` map ("types").
// 2. The compiled JS runs against the embedded server, importing the package by name from a temp
//    dir whose node_modules/onetimesecret-api is a symlink to the checkout.
// 3. require('onetimesecret-api') gives named exports and `.default`; ESM default + named imports work.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, describe, test } from 'node:test'

import { startServer } from '../testing.mjs'

const run = promisify(execFile)
const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const tsc = path.join(root, 'node_modules', '.bin', 'tsc')

let tmp
let out

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'ots-compat-'))
  out = path.join(tmp, 'out')
  await mkdir(path.join(out, 'node_modules'), { recursive: true })
  // The package as a consumer sees it: by name, through its package.json `exports`.
  await symlink(root, path.join(out, 'node_modules', 'onetimesecret-api'), 'dir')
})

after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

/** Runs a script in a fresh Node process from the temp dir; returns its parsed JSON output. */
async function nodeJson(file, source) {
  const full = path.join(out, file)
  await writeFile(full, source)
  const { stdout } = await run(process.execPath, [full], { cwd: out, timeout: 20_000 })
  return JSON.parse(stdout)
}

describe('TypeScript code written for 2.1.1 (__test__/compat/ts211.ts)', () => {
  let compiled

  before(async () => {
    // Type-check and emit in one go; a type error fails with tsc's diagnostics in the message.
    try {
      await run(tsc, ['-p', path.join(here, 'compat', 'tsconfig.json'), '--outDir', out], {
        cwd: root,
        timeout: 60_000,
      })
      compiled = path.join(out, 'ts211.js')
    } catch (e) {
      compiled = e
    }
  })

  test('type-checks with strict, isolatedModules, module/moduleResolution node16', () => {
    if (compiled instanceof Error) {
      assert.fail(`tsc failed:\n${compiled.stdout || ''}${compiled.stderr || ''}${compiled.message}`)
    }
    assert.equal(path.basename(compiled), 'ts211.js')
  })

  test('the type-check has teeth: misuse of the 2.1.1 types through the symlinked package fails', async () => {
    const dir = path.join(out, 'negative')
    await mkdir(dir, { recursive: true })
    await writeFile(
      path.join(dir, 'bad.ts'),
      `import OneTimeSecretApi, { ApiResponseState, ApiResponseShare } from "onetimesecret-api";
export const state: ApiResponseState = "bogus";
export async function f(api: OneTimeSecretApi): Promise<number> {
  const s: ApiResponseShare = await api.share("x", { ttl: "3600" });
  return s.share_link;
}
`,
    )
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          noEmit: true,
          strict: true,
          isolatedModules: true,
          module: 'node16',
          moduleResolution: 'node16',
          target: 'es2022',
          skipLibCheck: true,
          types: [],
        },
        files: ['bad.ts'],
      }),
    )
    // bad.ts resolves the package through ../node_modules/onetimesecret-api (the symlink).
    const result = await run(tsc, ['-p', path.join(dir, 'tsconfig.json')], { cwd: dir, timeout: 60_000 }).then(
      () => ({ code: 0, stdout: '' }),
      (e) => e,
    )
    assert.notEqual(result.code, 0, 'tsc rejects the misuse')
    assert.match(result.stdout, /bad\.ts\(2,\d+\): error TS2322: Type '"bogus"' is not assignable to type 'ApiResponseState'/)
    assert.match(result.stdout, /bad\.ts\(4,\d+\): error TS2322/, 'ttl is a number')
    assert.match(result.stdout, /bad\.ts\(5,\d+\): error TS2322/, 'share_link is a string')
    assert.doesNotMatch(result.stdout, /TS2307/, 'the package name itself resolved')
  })

  for (const generation of ['v0.12', 'v0.26']) {
    test(`the compiled 2.1.1 code runs unchanged against ${generation}`, async (t) => {
      assert.ok(!(compiled instanceof Error), 'compiled')
      const srv = await startServer({ generation })
      t.after(() => srv.close())
      const { main } = createRequire(path.join(out, 'x.js'))(compiled)
      const s = await main(srv.url, srv.username, srv.apiKey)
      assert.deepEqual(s, {
        constructorError: 'InputError: No username or password provided',
        status: true,
        shareState: 'new',
        shareLinkOk: true,
        metadataState: 'new',
        metadataHasShareLink: true,
        // __test__/fixtures/ots-api/ots-api.md §3.6: a wrong passphrase on v1 is "Unknown secret".
        wrongPassphrase: 'UnknownSecretError: Unknown secret',
        value: 'compat secret',
        secondRead: 'UnknownSecretError: Unknown secret',
        receivedState: 'received',
        receivedHasShareLink: false,
        generatedLength: 12,
        burnedState: 'burned',
        burnedShortkey: s.burnedShortkey,
        recentCount: s.recentCount,
        recentHasShared: true,
        recipientShare: s.recipientShare,
        invalidKey: 'InputError: Invalid key provided: tooshort',
        noSecret: 'InputError: No secret provided',
        wrongToken: 'NotAuthorizedError: Request not authorized',
        notFound: 'NotFoundError: Path not found',
        network: s.network,
      })
      assert.match(s.burnedShortkey, /^[0-9a-z]{6,8}$/)
      assert.equal(s.recentCount, 2, 'recent lists the two receipts made so far on this fresh server')
      assert.match(s.network, /^NetworkError: /)
      // A share with a recipient is accepted (2.1.1 option); the recipient list comes back obscured.
      assert.match(s.recipientShare, /^shared: 1 recipient\(s\)$/)
    })
  }
})

describe('module systems (package.json exports: import -> index.mjs, require -> index.js)', () => {
  // Every row of the one table of error kinds (error-kinds.json).
  const classes = createRequire(import.meta.url)('../error-kinds.json').map((k) => k.name)

  test("require('onetimesecret-api'): named exports and .default (CJS)", async () => {
    const r = await nodeJson(
      'cjs-check.cjs',
      `const m = require('onetimesecret-api')
const classes = ${JSON.stringify(classes)}
let thrown = null
try { new m.default(undefined, 'x') } catch (e) { thrown = [e.name, e instanceof m.InputError, e instanceof m.OneTimeSecretError] }
console.log(JSON.stringify({
  resolved: require.resolve('onetimesecret-api'),
  defaultIsClass: m.default === m.OneTimeSecretApi && typeof m.default === 'function',
  esModule: m.__esModule === true,
  classes: classes.filter((c) => typeof m[c] === 'function' && m[c].prototype instanceof Error),
  apiVersion: m.ApiVersion,
  thrown,
  url: new m.default('u', 'p').url,
  testing: typeof require('onetimesecret-api/testing').startServer,
}))`,
    )
    assert.equal(path.basename(r.resolved), 'index.js', 'require resolves to index.js')
    assert.equal(r.defaultIsClass, true)
    assert.equal(r.esModule, true, 'TypeScript/Babel interop: __esModule set')
    assert.deepEqual(r.classes, classes)
    assert.deepEqual(r.apiVersion, { V1: 'v1', V2: 'v2' })
    assert.deepEqual(r.thrown, ['InputError', true, true])
    assert.equal(r.url, 'https://onetimesecret.com')
    assert.equal(r.testing, 'function')
  })

  test("import OneTimeSecretApi, { InputError } from 'onetimesecret-api' (ESM)", async () => {
    const r = await nodeJson(
      'esm-check.mjs',
      `import OneTimeSecretApi, { InputError, OneTimeSecretApi as Named, UnknownSecretError, IncorrectPassphraseError } from 'onetimesecret-api'
import * as ns from 'onetimesecret-api'
import { startServer } from 'onetimesecret-api/testing'
const classes = ${JSON.stringify(classes)}
let thrown = null
try { new OneTimeSecretApi('u', undefined) } catch (e) { thrown = [e.name, e instanceof InputError, e.message] }
const srv = await startServer({ generation: 'v0.26' })
let reject = null
try {
  const c = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url })
  await c.retrieveSecret('x'.repeat(62)).catch((e) => { reject = [e.name, e instanceof UnknownSecretError] })
} finally { await srv.close() }
console.log(JSON.stringify({
  resolved: import.meta.resolve('onetimesecret-api'),
  sameClass: OneTimeSecretApi === Named && OneTimeSecretApi === ns.default,
  classes: classes.filter((c) => typeof ns[c] === 'function'),
  passphraseIsUnknown: IncorrectPassphraseError.prototype instanceof UnknownSecretError,
  thrown,
  reject,
  testing: typeof startServer,
}))`,
    )
    assert.match(r.resolved, /index\.mjs$/, 'import resolves to index.mjs')
    assert.equal(r.sameClass, true)
    assert.deepEqual(r.classes, classes)
    assert.equal(r.passphraseIsUnknown, true)
    assert.deepEqual(r.thrown, ['InputError', true, 'No username or password provided'])
    assert.deepEqual(r.reject, ['UnknownSecretError', true])
    assert.equal(r.testing, 'function')
  })

  test('CJS and ESM share one class identity (an error from one passes instanceof in the other)', async () => {
    const r = await nodeJson(
      'dual-check.mjs',
      `import { createRequire } from 'node:module'
import { InputError } from 'onetimesecret-api'
const require = createRequire(import.meta.url)
const cjs = require('onetimesecret-api')
console.log(JSON.stringify({ same: cjs.InputError === InputError, err: new cjs.InputError('x') instanceof InputError }))`,
    )
    assert.deepEqual(r, { same: true, err: true })
  })
})

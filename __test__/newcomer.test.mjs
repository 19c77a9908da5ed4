// The newcomer check: what someone gets from `npm install onetimesecret-api`.
//
// `npm run pack:local` makes the main package's and this machine's platform package's tarballs
// (npm/<platform>/ plus the built binary, staged outside the repo tree), then both are installed
// with one `npm install` into an empty temp project, then use the installed package from
// ESM, CJS, the `ots` bin and strict TypeScript (moduleResolution node16 and bundler), with
// nothing from the repo but the TypeScript compiler and @types/node. Both tarballs also go through
// arethetypeswrong and publint --strict (devDependencies), which must find nothing.
//
// The main package finds its binary the way it will after `napi prepublish`: its package.json
// has `optionalDependencies: { "onetimesecret-api-<platform>": "<version>" }` and binding.js
// requires `onetimesecret-api-<platform>`.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { basename, join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ESM, CJS, EXPECTED, WORKER } from './helpers/runtime-programs.mjs'
import { spawnCapture } from './helpers/spawn-capture.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const WIN = process.platform === 'win32'

/** The napi platform suffix of this machine, e.g. `linux-x64-gnu`. */
function platformSuffix() {
  const base = `${process.platform}-${process.arch}`
  if (process.platform === 'linux') {
    const report = process.report && process.report.getReport ? process.report.getReport() : null
    const glibc = report && report.header && report.header.glibcVersionRuntime
    return `${base}-${glibc ? 'gnu' : 'musl'}`
  }
  if (process.platform === 'win32') return `${base}-msvc`
  return base
}

const SUFFIX = platformSuffix()
const PLATFORM_PKG = `${pkg.name}-${SUFFIX}`
const BINARY = `${pkg.napi.binaryName}.${SUFFIX}.node`
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

// A child environment without anything that could point the loader at the repo's binary.
const childEnv = { ...process.env, NAPI_RS_ENFORCE_VERSION_CHECK: '1' }
delete childEnv.NAPI_RS_NATIVE_LIBRARY_PATH
delete childEnv.NODE_PATH
for (const k of Object.keys(childEnv)) if (k.startsWith('OTS_') || k.startsWith('npm_')) delete childEnv[k]

function run(cmd, args, cwd, { shell = false } = {}) {
  const r = spawnSync(cmd, args, { cwd, env: childEnv, encoding: 'utf8', shell, timeout: 120_000 })
  if (r.error) throw r.error
  return r
}

/** The async form, so independent steps (two packs, two tsc runs) overlap. */
function runAsync(cmd, args, cwd, { shell = false } = {}) {
  return spawnCapture(cmd, args, { cwd, env: childEnv, shell })
}

async function timedAsync(name, promise) {
  const t0 = performance.now()
  const out = await promise
  timings[name] = Math.round(performance.now() - t0)
  return out
}

function npm(args, cwd) {
  // npm is a .cmd on Windows: it needs a shell there.
  return run('npm', args, cwd, { shell: WIN })
}

function ok(r, what) {
  assert.equal(r.status, 0, `${what} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`)
  return r
}

// What this check needs; when something is missing it fails saying so (npm test builds the addon
// first, so a missing binary is a real failure, not a reason to skip).
const missing = !existsSync(join(ROOT, BINARY))
  ? `no ${BINARY} in the repo root: build the addon first (npm run build:debug)`
  : !existsSync(join(ROOT, 'npm', SUFFIX, 'package.json'))
    ? `npm/${SUFFIX}/package.json is missing: this platform is not in napi.targets`
    : null

let tmp
let app
let packedFiles
let tarballs
const timings = {}

function timed(name, fn) {
  const t0 = performance.now()
  const out = fn()
  timings[name] = Math.round(performance.now() - t0)
  return out
}

let tscRuns

before(async () => {
  assert.equal(missing, null, missing)
  tmp = mkdtempSync(join(tmpdir(), 'ots-newcomer-'))

  // 1. What `npm pack` takes from the repo (nothing is written there).
  const dry = timed('pack --dry-run', () => ok(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT), 'npm pack --dry-run'))
  packedFiles = JSON.parse(dry.stdout)[0].files.map((f) => f.path).sort()

  // 2. The tarballs a release would publish, made by `npm run pack:local` (scripts/pack-local.mjs):
  //    the main package with its optionalDependencies, and this platform's package with the binary.
  //    The install below uses the command the script prints, so what it tells a user is what works.
  const packed = await timedAsync('pack:local', runAsync(process.execPath, [join(ROOT, 'scripts', 'pack-local.mjs'), '--out', join(tmp, 'pack')], ROOT))
  ok(packed, 'npm run pack:local')
  const printed = packed.stdout.split('\n').find((line) => line.startsWith('  npm install '))
  assert.ok(printed, `pack:local prints the install command:\n${packed.stdout}`)
  const files = printed.trim().split(/\s+/).slice(2)
  assert.deepEqual(files.map((f) => f.split('/').pop()), [`${pkg.name}-${pkg.version}.tgz`, `${PLATFORM_PKG}-${pkg.version}.tgz`])
  tarballs = files.map((file) => ({ file, size: statSync(file).size }))
  timings.mainTarballBytes = tarballs[0].size
  timings.platformTarballBytes = tarballs[1].size

  // 4. A fresh project; both tarballs in one install, offline (there is nothing to download).
  app = join(tmp, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'newcomer-app', version: '1.0.0', private: true }, null, 2))
  timed('install', () =>
    ok(
      npm(['install', '--no-audit', '--no-fund', '--offline', '--ignore-scripts', '--loglevel=error', ...tarballs.map((t) => t.file)], app),
      'npm install of both tarballs',
    ),
  )

  // 5. Start both TypeScript checks now; the tests below await them (they run alongside ESM/CJS).
  tscRuns = {
    node16: typecheck('node16', { module: 'node16', moduleResolution: 'node16' }, {
      'consumer.mts': TS_CONSUMER,
      'consumer.cts': TS_CJS_CONSUMER,
      'readme-quick-start.mts': README_QUICK_START,
    }),
    bundler: typecheck('bundler', { module: 'esnext', moduleResolution: 'bundler' }, { 'consumer.ts': TS_CONSUMER }),
  }
})

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
  console.log(`# newcomer timings (ms) and sizes (bytes): ${JSON.stringify(timings)}`)
})

test('npm pack lists only what the package needs', () => {
  // An entry of "files" ending in / is a directory: it matches every file under it.
  const listed = (f, entry) => f === entry || (entry.endsWith('/') && f.startsWith(entry))
  const expected = ['package.json', 'README.md', 'LICENSE', ...pkg.files]
  for (const f of packedFiles) {
    assert.ok(expected.some((e) => listed(f, e)) || /^(README|LICENSE|CHANGELOG)(\.md)?$/i.test(f), `unexpected file in the package: ${f}`)
    assert.doesNotMatch(f, /\.(rs|node|toml|lock|tgz)$|^(src|crates|__test__|target|npm|docs|bench|scripts|examples)\//, f)
  }
  for (const f of pkg.files) assert.ok(packedFiles.some((p) => listed(p, f)), `${f} is listed in "files" but not packed`)
  for (const f of ['package.json', 'index.js', 'index.mjs', 'index.d.ts', 'binding.js', 'testing.js', 'bin/ots.js', 'bin/cli/commands.js']) {
    assert.ok(packedFiles.includes(f), `${f} missing from the package`)
  }
})

test('the platform package is installed as the main package\'s dependency, and holds the only binary', () => {
  const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'))
  const main = lock.packages['node_modules/onetimesecret-api']
  assert.ok(main, 'onetimesecret-api installed')
  assert.equal(main.optionalDependencies[PLATFORM_PKG], pkg.version)
  const plat = lock.packages[`node_modules/${PLATFORM_PKG}`]
  assert.ok(plat, `${PLATFORM_PKG} installed`)
  assert.equal(plat.version, pkg.version)
  const mainDir = join(app, 'node_modules', 'onetimesecret-api')
  assert.deepEqual(readdirSync(mainDir).filter((f) => f.endsWith('.node')), [], 'no binary inside the main package')
  assert.ok(statSync(join(app, 'node_modules', PLATFORM_PKG, BINARY)).size > 0)
  const ls = npm(['ls', '--all', '--json', '--offline'], app)
  const tree = JSON.parse(ls.stdout)
  assert.equal(tree.problems, undefined, `npm ls reports problems: ${ls.stdout}`)
})

// The TypeScript ecosystem's own checkers, on the tarballs a release publishes: arethetypeswrong
// (`attw`, default strict profile: every entry point's types under node10, node16 from CJS and from
// ESM, and bundler) and publint in strict mode. Any problem or suggestion fails, so a new entry
// point or export that types or resolves wrongly cannot land.
const ATTW = join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js')

async function attw(tarball) {
  // Into a file, not a pipe: attw exits with process.exit, which can cut a long report written to
  // a pipe (writes to a file are synchronous).
  const out = `${tarball}.attw.json`
  const fd = openSync(out, 'w')
  try {
    const child = spawn(process.execPath, [ATTW, tarball, '--format', 'json'], { cwd: tmp, env: childEnv, stdio: ['ignore', fd, 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    const [status] = await once(child, 'close')
    return { status, report: JSON.parse(readFileSync(out, 'utf8')), stderr }
  } finally {
    closeSync(fd)
  }
}

async function publint(tarball) {
  const { publint: lint } = await import('publint')
  const { formatMessage } = await import('publint/utils')
  const bytes = readFileSync(tarball)
  const { messages, pkg: linted } = await lint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }, strict: true })
  return messages.map((m) => `${m.type}: ${formatMessage(m, linted, { color: false })}`)
}

test('arethetypeswrong: every entry point of the main package types right in all four resolution modes', async () => {
  const { status, report, stderr } = await attw(tarballs[0].file)
  assert.deepEqual(report.problems, {}, JSON.stringify(report.problems, null, 2))
  assert.equal(status, 0, stderr)
  const entries = Object.keys(report.analysis.entrypoints).sort()
  assert.deepEqual(entries, Object.keys(pkg.exports).sort(), 'attw checked every entry of "exports"')
})

test('arethetypeswrong: the platform package holds no types and nothing attw objects to', async () => {
  const { status, report, stderr } = await attw(tarballs[1].file)
  assert.equal(status, 0, stderr)
  assert.equal(report.analysis.types, false)
  assert.deepEqual(report.problems ?? {}, {})
})

test('publint --strict: no error, warning or suggestion for the main package or the platform package', async () => {
  for (const { file } of tarballs) assert.deepEqual(await publint(file), [], file)
})

test('every platform package declares the module type the main package does', () => {
  assert.equal(pkg.type, 'commonjs')
  for (const dir of readdirSync(join(ROOT, 'npm'))) {
    assert.equal(JSON.parse(readFileSync(join(ROOT, 'npm', dir, 'package.json'), 'utf8')).type, pkg.type, `npm/${dir}/package.json`)
  }
})

test('the checkers have teeth: the 3.0.0 package.json (no "type", CJS typings for ./testing) fails both', async () => {
  const dir = join(tmp, 'broken')
  mkdirSync(dir)
  ok(run('tar', ['xzf', tarballs[0].file, '-C', dir], dir), 'tar x')
  const manifest = JSON.parse(readFileSync(join(dir, 'package', 'package.json'), 'utf8'))
  delete manifest.type
  manifest.exports['./testing'] = { types: './testing.d.ts', import: './testing.mjs', require: './testing.js' }
  writeFileSync(join(dir, 'package', 'package.json'), JSON.stringify(manifest, null, 2))
  const broken = join(dir, 'broken.tgz')
  ok(run('tar', ['czf', broken, 'package'], dir), 'tar c')
  const { status, report } = await attw(broken)
  assert.equal(status, 1)
  assert.deepEqual(
    Object.values(report.problems).flat().map((p) => [p.kind, basename(p.typesFileName), basename(p.implementationFileName)]),
    [['FalseCJS', 'testing.d.ts', 'testing.mjs']],
  )
  assert.deepEqual(await publint(broken), [
    'suggestion: The package does not specify the "type" field. Node.js may attempt to detect the package type causing a small performance hit. Consider adding "type": "commonjs".',
  ])
})

const USE = `
  const server = await startServer()
  try {
    const api = OneTimeSecretApi.anonymous({ url: server.url })
    const shared = await api.share('newcomer secret', { ttl: 300 })
    const read = await api.retrieveSecret(shared.secret_key)
    if (read.value !== 'newcomer secret') throw new Error('wrong value: ' + read.value)
    let gone = false
    try { await api.retrieveSecret(shared.secret_key) } catch (err) { gone = err instanceof UnknownSecretError && err.code === 'ERR_OTS_UNKNOWN_SECRET' }
    if (!gone) throw new Error('a second read did not fail with UnknownSecretError')
    const auth = new OneTimeSecretApi(server.username, server.apiKey, { url: server.url })
    if ((await auth.recentMetadata()).length !== 0) throw new Error('recent: expected nothing for this account')
  } finally {
    await server.close()
  }
`

test('ESM: share and read a secret against the embedded server', () => {
  writeFileSync(
    join(app, 'esm.mjs'),
    `import Api, { OneTimeSecretApi, UnknownSecretError } from 'onetimesecret-api'
import { startServer } from 'onetimesecret-api/testing'
if (Api !== OneTimeSecretApi) throw new Error('default export is not the class')
${USE}
console.log('esm ok')
`,
  )
  const r = timed('esm', () => ok(run(process.execPath, ['esm.mjs'], app), 'ESM script'))
  assert.equal(r.stdout.trim(), 'esm ok')
})

test('CJS: share and read a secret against the embedded server', () => {
  writeFileSync(
    join(app, 'cjs.cjs'),
    `const { OneTimeSecretApi, UnknownSecretError } = require('onetimesecret-api')
const { startServer } = require('onetimesecret-api/testing')
if (require('onetimesecret-api').default !== OneTimeSecretApi) throw new Error('default export')
;(async () => {
${USE}
  console.log('cjs ok')
})().catch((err) => { console.error(err); process.exit(1) })
`,
  )
  const r = timed('cjs', () => ok(run(process.execPath, ['cjs.cjs'], app), 'CJS script'))
  assert.equal(r.stdout.trim(), 'cjs ok')
})

test('the ots bin is installed and runs', () => {
  assert.ok(existsSync(join(app, 'node_modules', '.bin', WIN ? 'ots.cmd' : 'ots')), 'node_modules/.bin/ots')
  const r = ok(run(process.execPath, [join(app, 'node_modules', 'onetimesecret-api', 'bin', 'ots.js'), '--version'], app), 'ots --version')
  assert.equal(r.stdout.trim(), pkg.version)
  if (!WIN) {
    const h = ok(run(join(app, 'node_modules', '.bin', 'ots'), ['get', '--help'], app), 'ots get --help')
    assert.match(h.stdout, /^Usage: ots get/)
  }
})

// README's Quick start, as written, must compile under strict.
const README_QUICK_START = readFileSync(join(ROOT, 'README.md'), 'utf8').match(/## Quick start\n+```js\n([\s\S]*?)```/)[1]

const TS_CONSUMER = `
import Api, { OneTimeSecretApi, UnknownSecretError, type ApiResponseShare, type ApiOptions } from 'onetimesecret-api'
import { startServer, type EmbeddedServer, type ServerOptions } from 'onetimesecret-api/testing'

export async function roundTrip(options: ServerOptions = { generation: 'v0.22' }): Promise<string> {
  const server: EmbeddedServer = await startServer(options)
  try {
    const opts: ApiOptions = { url: server.url, apiVersion: 'v2', timeout: 5000 }
    const api: OneTimeSecretApi = new Api(server.username, server.apiKey, opts)
    const shared: ApiResponseShare = await api.share('typed', { ttl: 60, signal: AbortSignal.timeout(5000) })
    const secret = await api.retrieveSecret(shared.secret_key)
    // End to end, by two channels: the link without its key, and the key alone (docs/E2E.md).
    const sealed: ApiResponseShare = await api.share('typed', { encrypt: true })
    const link: string | undefined = sealed.share_link_without_key
    const key: string | undefined = sealed.decryption_key
    if (link === undefined || key === undefined) throw new Error('no two-channel form')
    await api.retrieveSecret(link, { key })
    try {
      await api.retrieveSecret(shared.secret_key)
    } catch (err) {
      if (err instanceof UnknownSecretError) return secret.value + (err.status ?? '') + err.code
    }
    return secret.value
  } finally {
    await server.close()
  }
}
`

const TS_CJS_CONSUMER = `import { OneTimeSecretApi, UnknownSecretError } from 'onetimesecret-api'
import { startServer } from 'onetimesecret-api/testing'
export async function check(): Promise<boolean> {
  const server = await startServer()
  const api = OneTimeSecretApi.anonymous({ url: server.url })
  const ok = await api.status()
  await server.close()
  return ok && new UnknownSecretError('x') instanceof Error
}
`

function typecheck(name, compilerOptions, files) {
  const dir = join(app, `ts-${name}`)
  mkdirSync(dir, { recursive: true })
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text)
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          isolatedModules: true,
          noEmit: true,
          skipLibCheck: false,
          target: 'ES2022',
          lib: ['ES2022'],
          // The consumer's own @types/node (taken from the repo's node_modules, as a user would have it).
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          types: ['node'],
          ...compilerOptions,
        },
        include: Object.keys(files),
      },
      null,
      2,
    ),
  )
  return timedAsync(`tsc ${name}`, runAsync(process.execPath, [TSC, '--project', join(dir, 'tsconfig.json')], app))
}

test('TypeScript (strict, isolatedModules, moduleResolution node16): ESM and CJS consumers and README\'s Quick start type-check', async () => {
  const r = await tscRuns.node16
  assert.equal(r.status, 0, `tsc (node16) failed:\n${r.stdout}${r.stderr}`)
})

test('TypeScript (strict, isolatedModules, moduleResolution bundler) type-checks', async () => {
  const r = await tscRuns.bundler
  assert.equal(r.status, 0, `tsc (bundler) failed:\n${r.stdout}${r.stderr}`)
})

// Bun and Deno (devDependencies `bun` and `deno`, whose platform packages carry the binaries) run
// the installed package: ESM and CJS, the lifecycle, error classes, AbortSignal, and the ots CLI.
const RUNTIMES = {
  node: { bin: process.execPath, args: [] },
  bun: { bin: join(ROOT, 'node_modules', '.bin', WIN ? 'bun.cmd' : 'bun'), args: [] },
  deno: { bin: join(ROOT, 'node_modules', '.bin', WIN ? 'deno.cmd' : 'deno'), args: ['run', '--allow-all'] },
}

for (const [name, { bin, args }] of Object.entries(RUNTIMES)) {
  test(`${name}: ESM and CJS entry points, share/reveal/burn, error classes, AbortSignal, a worker thread`, async () => {
    assert.ok(existsSync(bin), `${bin} is missing: the ${name} devDependency is not installed (npm ci)`)
    writeFileSync(join(app, `${name}.mjs`), ESM)
    writeFileSync(join(app, `${name}.cjs`), CJS)
    writeFileSync(join(app, `${name}-worker.mjs`), WORKER)
    const [esm, cjs, worker] = await Promise.all([`${name}.mjs`, `${name}.cjs`, `${name}-worker.mjs`].map((file) => runAsync(bin, [...args, file], app)))
    for (const [kind, r] of [['ESM', esm], ['CJS', cjs]]) {
      assert.equal(r.status, 0, `${name} ${kind} failed:\n${r.stdout}\n${r.stderr}`)
      assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()), EXPECTED, `${name} ${kind}`)
    }
    assert.equal(worker.status, 0, `${name} worker failed:\n${worker.stdout}\n${worker.stderr}`)
    assert.deepEqual(JSON.parse(worker.stdout.trim()), { value: 'in a worker', gone: true })
  })

  test(`${name}: the ots CLI shares from stdin, reads the link from stdin, exits by error code, ends quietly on a closed pipe`, async () => {
    const ots = (cliArgs, input, env = {}) =>
      spawnCapture(bin, [...args, join(app, 'node_modules', 'onetimesecret-api', 'bin', 'ots.js'), ...cliArgs], {
        cwd: app,
        env: { ...childEnv, ...env },
        input,
      })
    const { startServer } = await import(join(ROOT, 'testing.mjs'))
    const server = await startServer()
    try {
      const env = { OTS_URL: server.url }
      const shared = await ots(['share'], 'piped secret\n', env)
      assert.equal(shared.status, 0, shared.stderr)
      const link = shared.stdout.trim()
      assert.match(link, /\/secret\/[a-z0-9]+$/)
      const got = await ots(['get'], `${link}\n`)
      assert.equal(got.status, 0, got.stderr)
      assert.equal(got.stdout, 'piped secret\n')
      const again = await ots(['get', link], '')
      assert.equal(again.status, 4, again.stderr)
      assert.match(again.stderr, /^ots: UnknownSecretError: /)
      const usage = await ots(['share', '--ttl', '-5'], 'x', env)
      assert.equal(usage.status, 2, usage.stderr)
      assert.match(usage.stderr, /^ots: --ttl: expected /)
      // A reader that is gone before anything is written (`ots status --json | head -0`).
      const closed = await new Promise((resolve) => {
        const child = spawn(bin, [...args, join(app, 'node_modules', 'onetimesecret-api', 'bin', 'ots.js'), 'status', '--json'], {
          cwd: app,
          env: { ...childEnv, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        })
        child.stdout.destroy()
        let stderr = ''
        child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
        child.on('close', (status) => resolve({ status, stderr }))
      })
      assert.deepEqual(closed, { status: 0, stderr: '' }, `${name}: a closed pipe ends ots quietly`)
    } finally {
      await server.close()
    }
  })
}

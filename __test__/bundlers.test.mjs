// README "Bundlers, frameworks and serverless", each recipe as a user follows it: the tarballs of
// `npm run pack:local` (the release's linux-gnu binary, built against glibc 2.17) installed into a
// fresh project, a small app bundled by the tool with the one setting the README gives (none for
// Bun), the output moved to an empty directory with no node_modules anywhere above it, and run
// there: share a secret on the embedded server, read it once, and the second read fails with
// `UnknownSecretError` by `instanceof`. The tools are this repo's devDependencies; the project
// sits under target/ so Node's resolution finds them (as in a monorepo) while the package itself
// comes only from the project's own node_modules.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { once } from 'node:events'
import { spawnCapture } from './helpers/spawn-capture.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const BIN = join(ROOT, 'node_modules', '.bin')
const LINUX_X64_GNU = process.platform === 'linux' && process.arch === 'x64' && !!process.report.getReport().header.glibcVersionRuntime
const [NODE_MAJOR, NODE_MINOR] = process.versions.node.split('.').map(Number)
// The recipes run where this repo's CI runs them (.ci/run: Linux x64 glibc, Node 20), with the
// binary names and the shell commands of that platform; Next.js 16 and webpack-cli 7 need Node
// 20.9. The release workflow's other lanes (musl, arm64, macOS, Windows, Node 18) skip them.
const SKIP = !LINUX_X64_GNU
  ? 'the recipes are run on Linux x64 glibc'
  : NODE_MAJOR < 20 || (NODE_MAJOR === 20 && NODE_MINOR < 9)
    ? 'Next.js 16 and webpack-cli 7 need Node >= 20.9'
    : false
const timings = {}

// Children see nothing that could point the loader at the repo's own binary.
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NO_COLOR: '1' }
delete env.NAPI_RS_NATIVE_LIBRARY_PATH
delete env.NODE_PATH
delete env.NODE_OPTIONS
for (const k of Object.keys(env)) if (k.startsWith('npm_') || k.startsWith('OTS_')) delete env[k]

async function sh(what, cmd, args, cwd, extraEnv = {}) {
  const t0 = performance.now()
  const r = await spawnCapture(cmd, args, { cwd, env: { ...env, ...extraEnv } })
  timings[what] = Math.round(performance.now() - t0)
  assert.equal(r.status, 0, `${what}: ${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`)
  return r
}

// The app every recipe bundles. No top-level await, so the same source also bundles to CommonJS.
const CHECK = `
export async function check() {
  const server = await startServer()
  try {
    const api = OneTimeSecretApi.anonymous({ url: server.url })
    const shared = await api.share('bundled secret', { ttl: 300 })
    const value = (await api.retrieveSecret(shared.secret_key)).value
    const again = await api.retrieveSecret(shared.secret_key).then(
      () => 'resolved',
      (e) => [e instanceof UnknownSecretError, e instanceof OneTimeSecretError, e.code].join(' '),
    )
    return { value, again, defaultIsClass: Default === OneTimeSecretApi }
  } finally {
    await server.close()
  }
}
`
const FILES = {
  'check.mjs': `import Default, { OneTimeSecretApi, OneTimeSecretError, UnknownSecretError } from 'onetimesecret-api'
import { startServer } from 'onetimesecret-api/testing'
${CHECK}`,
  'app.mjs': `import { check } from './check.mjs'
check().then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1) })
`,
  'app.cjs': `const { OneTimeSecretApi, OneTimeSecretError, UnknownSecretError } = require('onetimesecret-api')
const Default = require('onetimesecret-api').default
const { startServer } = require('onetimesecret-api/testing')
${CHECK.replace('export async function', 'async function')}
check().then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1) })
`,
  // AWS Lambda's Node.js handler shape.
  'lambda.mjs': `import { check } from './check.mjs'
export const handler = async () => ({ statusCode: 200, body: JSON.stringify(await check()) })
`,
  'lambda-layer.cjs': `const { OneTimeSecretApi, OneTimeSecretError, UnknownSecretError } = require('onetimesecret-api')
const Default = require('onetimesecret-api').default
const { startServer } = require('onetimesecret-api/testing')
${CHECK.replace('export async function', 'async function')}
exports.handler = async () => ({ statusCode: 200, body: JSON.stringify(await check()) })
`,
  // A stand-in for the Lambda runtime: loads the handler from LAMBDA_TASK_ROOT by its file name, as
  // the runtime does for `handler: index.handler`, from another directory, and calls it once.
  'lambda-runner.cjs': `const path = require('node:path')
const [file, name] = process.env._HANDLER.split('.')
const mod = require(path.join(process.env.LAMBDA_TASK_ROOT, file))
mod[name]({}, { awsRequestId: 'test' }).then((r) => console.log(r.body), (e) => { console.error(e); process.exit(1) })
`,
}

const NEXT_CONFIG = "// next.config.mjs\nexport default { serverExternalPackages: ['onetimesecret-api'], output: 'standalone' }\n"
const NEXT_FILES = {
  'next.config.mjs': NEXT_CONFIG,
  'app/api/ots/route.js': `import { check } from '../../../check.mjs'
export const dynamic = 'force-dynamic'
export async function GET() {
  return Response.json(await check())
}
`,
  'check.mjs': FILES['check.mjs'],
}

const EXPECTED = { value: 'bundled secret', again: 'true true ERR_OTS_UNKNOWN_SECRET', defaultIsClass: true }

let work // target/bundlers: the project (inside the repo so the tools resolve)
let app
let away // a temp dir outside the repo: where outputs run, with no node_modules above
let tarballs

function write(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
}

/** Moves `dir` (a build output) to a fresh directory outside the repo and returns its new path. */
function moveAway(dir, name) {
  const to = join(away, name)
  // Symlinks as they are (Next.js's standalone output links its externals relatively).
  cpSync(dir, to, { recursive: true, verbatimSymlinks: true })
  rmSync(dir, { recursive: true, force: true })
  return to
}

before(async () => {
  if (SKIP) return
  work = join(ROOT, 'target', 'bundlers')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  away = mkdtempSync(join(tmpdir(), 'ots-bundlers-'))
  const packed = await sh('pack:local', process.execPath, [join(ROOT, 'scripts', 'pack-local.mjs'), '--out', join(work, 'pack')], ROOT)
  const printed = packed.stdout.split('\n').find((line) => line.startsWith('  npm install '))
  tarballs = printed.trim().split(/\s+/).slice(2)
  app = join(work, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'bundled-app', version: '1.0.0', private: true }, null, 2))
  await sh('install', 'npm', ['install', '--no-audit', '--no-fund', '--offline', '--ignore-scripts', '--loglevel=error', ...tarballs], app)
  write(app, FILES)
})

after(() => {
  if (away) rmSync(away, { recursive: true, force: true })
  if (work) rmSync(work, { recursive: true, force: true })
  console.log(`# bundlers timings (ms): ${JSON.stringify(timings)}`)
})

async function runJson(what, cmd, args, cwd, extraEnv) {
  const r = await sh(what, cmd, args, cwd, extraEnv)
  const line = r.stdout.trim().split('\n').pop()
  return JSON.parse(line)
}

function nodeModulesAbove(dir) {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules')
    if (dirname(d) === d) return null
  }
}

test('the run directory has no node_modules above it', { skip: SKIP }, () => {
  assert.equal(nodeModulesAbove(away), null)
})

// The recipes exactly as README "Bundlers, frameworks and serverless" gives them (the first test
// checks that it does); each runs in the project with the tools' bins on PATH.
const RECIPES = {
  esbuildCjs: 'esbuild app.cjs --bundle --platform=node --outdir=dist --loader:.node=copy',
  esbuildEsmToCjs: 'esbuild app.mjs --bundle --platform=node --format=cjs --outdir=dist --loader:.node=copy',
  esbuildEsm: `esbuild app.mjs --bundle --platform=node --format=esm --outdir=dist --out-extension:.js=.mjs --loader:.node=copy --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"`,
  bunBuild: 'bun build app.mjs --target=bun --outdir=dist',
  bunCompile: 'bun build --compile app.mjs --outfile=dist/app',
  sea: [
    `esbuild app.cjs --bundle --platform=node --outfile=sea/app.js --loader:.node=copy --banner:js="require = require('node:module').createRequire(process.execPath);"`,
    `echo '{ "main": "sea/app.js", "output": "sea/sea-prep.blob", "disableExperimentalSEAWarning": true }' > sea-config.json`,
    'node --experimental-sea-config sea-config.json',
    'cp "$(command -v node)" sea/app',
    'postject sea/app NODE_SEA_BLOB sea/sea-prep.blob --sentinel-fuse NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ],
  lambda: 'esbuild lambda.mjs --bundle --platform=node --format=cjs --outfile=lambda/index.js --loader:.node=copy',
}

const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
const SECTION = README.slice(README.indexOf('## Bundlers, frameworks and serverless'), README.indexOf('\n## ', README.indexOf('## Bundlers, frameworks and serverless') + 1))

/** The section's fenced blocks of one language, shell continuations joined. */
function blocks(lang) {
  return [...SECTION.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1].replace(/ \\\n\s+/g, ' '))
}

test("README's section gives exactly the commands and configuration these tests run", { skip: SKIP }, () => {
  const shell = blocks('sh').join('')
  for (const cmd of Object.values(RECIPES).flat()) assert.ok(shell.split('\n').includes(cmd), `README runs: ${cmd}`)
  const configs = blocks('javascript')
  assert.ok(configs.some((c) => c.startsWith('// webpack.config.js\n')), 'a webpack.config.js')
  assert.ok(configs.includes(NEXT_CONFIG), 'next.config.mjs as tested')
})

/** The README's webpack.config.js, and its ESM-output variant with the two options the README names. */
function webpackConfigs() {
  const readmeConfig = blocks('javascript').find((c) => c.startsWith('// webpack.config.js\n'))
  assert.match(readmeConfig, /\/\/ ESM output: experiments: \{ outputModule: true \}, output: \{ module: true, publicPath: '' \},/)
  return {
    'webpack-cjs/webpack.config.js': readmeConfig,
    'webpack-esm/webpack.config.js': `${readmeConfig}
module.exports.experiments = { outputModule: true }
module.exports.output = { module: true, publicPath: '' }
`,
  }
}

async function bash(what, cmd, cwd) {
  return sh(what, 'bash', ['-c', cmd], cwd, { PATH: `${BIN}:${process.env.PATH}` })
}

test('esbuild, ESM output: --loader:.node=copy and the createRequire banner', { skip: SKIP }, async () => {
  await bash('esbuild esm', RECIPES.esbuildEsm, app)
  const dir = moveAway(join(app, 'dist'), 'esbuild-esm')
  assert.ok(readdirSync(dir).some((f) => f.endsWith('.node')), 'esbuild copied the binary beside the bundle')
  assert.deepEqual(await runJson('run esbuild esm', process.execPath, ['app.mjs'], dir), EXPECTED)
})

test('esbuild, CommonJS output from CommonJS and from ESM source: --loader:.node=copy', { skip: SKIP }, async () => {
  await bash('esbuild cjs', RECIPES.esbuildCjs, app)
  const cjs = moveAway(join(app, 'dist'), 'esbuild-cjs')
  await bash('esbuild esm->cjs', RECIPES.esbuildEsmToCjs, app)
  const fromEsm = moveAway(join(app, 'dist'), 'esbuild-esm2cjs')
  assert.deepEqual(await runJson('run esbuild cjs', process.execPath, ['app.js'], cjs), EXPECTED)
  assert.deepEqual(await runJson('run esbuild esm->cjs', process.execPath, ['app.js'], fromEsm), EXPECTED)
})

test('a bundle without its binary says what to configure, and finds the binary copied beside it', { skip: SKIP }, async () => {
  await bash('esbuild no .node', RECIPES.esbuildCjs, app)
  const dir = moveAway(join(app, 'dist'), 'esbuild-nobin')
  const [copied] = readdirSync(dir).filter((f) => f.endsWith('.node'))
  const plain = `${pkg.napi.binaryName}.linux-x64-gnu.node`
  renameSync(join(dir, copied), join(away, plain))
  const r = await spawnCapture(process.execPath, ['app.js'], { cwd: dir, env })
  assert.equal(r.status, 1)
  assert.match(r.stderr, /ERR_OTS_NATIVE_BINARY/)
  assert.match(r.stderr, /was not bundled and is not beside the bundle/)
  assert.match(r.stderr, /esbuild `--loader:\.node=copy`/)
  assert.doesNotMatch(r.stderr, /Reinstall|npm install/)
  // The binary under its plain name beside the bundle is enough.
  renameSync(join(away, plain), join(dir, plain))
  assert.deepEqual(await runJson('run esbuild binary beside', process.execPath, ['app.js'], dir), EXPECTED)
})

test('webpack 5, CommonJS and ESM output: one node-loader rule (and publicPath for ESM)', { skip: SKIP }, async () => {
  const cli = join(ROOT, 'node_modules', 'webpack-cli', 'bin', 'cli.js')
  const outputs = {}
  for (const [config, text] of Object.entries(webpackConfigs())) {
    const project = join(app, dirname(config))
    write(app, { [config]: text, [join(dirname(config), 'app.mjs')]: FILES['app.mjs'], [join(dirname(config), 'check.mjs')]: FILES['check.mjs'] })
    await sh(`webpack ${dirname(config)}`, process.execPath, [cli, '--config', 'webpack.config.js'], project)
    outputs[dirname(config)] = moveAway(join(project, 'dist'), dirname(config))
  }
  assert.ok(existsSync(join(outputs['webpack-cjs'], `${pkg.napi.binaryName}.linux-x64-gnu.node`)), 'the binary beside the bundle')
  assert.deepEqual(await runJson('run webpack cjs', process.execPath, ['main.js'], outputs['webpack-cjs']), EXPECTED)
  const esmMain = readdirSync(outputs['webpack-esm']).find((f) => /^main\.m?js$/.test(f))
  assert.deepEqual(await runJson('run webpack esm', process.execPath, [esmMain], outputs['webpack-esm']), EXPECTED)
})

test('bun build and bun build --compile: no configuration', { skip: SKIP }, async () => {
  await bash('bun build', RECIPES.bunBuild, app)
  const out = moveAway(join(app, 'dist'), 'bun-out')
  await bash('bun build --compile', RECIPES.bunCompile, app)
  const compiled = moveAway(join(app, 'dist'), 'bun-compiled')
  chmodSync(join(compiled, 'app'), 0o755)
  assert.ok(readdirSync(out).some((f) => f.endsWith('.node')), 'bun build wrote the binary beside the bundle')
  assert.deepEqual(await runJson('run bun build', join(BIN, 'bun'), ['app.js'], out), EXPECTED)
  assert.deepEqual(readdirSync(compiled), ['app'], 'the executable alone')
  assert.deepEqual(await runJson('run bun --compile', join(compiled, 'app'), [], compiled), EXPECTED)
})

test('Node single executable: esbuild CommonJS bundle with the createRequire(process.execPath) banner, the binary beside the executable (and without it, what to do)', { skip: SKIP }, async () => {
  for (const [i, cmd] of RECIPES.sea.entries()) await bash(`sea ${i}`, cmd, app)
  rmSync(join(app, 'sea', 'app.js'))
  rmSync(join(app, 'sea', 'sea-prep.blob'))
  const dir = moveAway(join(app, 'sea'), 'sea')
  assert.deepEqual(readdirSync(dir).filter((f) => !f.endsWith('.node')), ['app'])
  assert.deepEqual(await runJson('run sea', join(dir, 'app'), [], dir), EXPECTED)
  // Without the binary beside it: what to do, not "reinstall"; under its plain name it is found.
  const [copied] = readdirSync(dir).filter((f) => f.endsWith('.node'))
  const plain = `${pkg.napi.binaryName}.linux-x64-gnu.node`
  renameSync(join(dir, copied), join(away, plain))
  const r = await spawnCapture(join(dir, 'app'), [], { cwd: dir, env })
  assert.equal(r.status, 1)
  assert.match(r.stderr, /this single executable has no native binary beside it: put onetimesecret-api\.linux-x64-gnu\.node/)
  assert.doesNotMatch(r.stderr, /Reinstall|npm install/)
  renameSync(join(away, plain), join(dir, plain))
  assert.deepEqual(await runJson('run sea, binary under its plain name', join(dir, 'app'), [], dir), EXPECTED)
})

test('AWS Lambda style: a CommonJS bundle and its binary in the task directory, called by a handler runner', { skip: SKIP }, async () => {
  await bash('lambda bundle', RECIPES.lambda, app)
  const task = moveAway(join(app, 'lambda'), 'lambda-task')
  const runtime = join(away, 'lambda-runtime')
  mkdirSync(runtime)
  cpSync(join(app, 'lambda-runner.cjs'), join(runtime, 'runner.cjs'))
  const lambdaEnv = { LAMBDA_TASK_ROOT: task, _HANDLER: 'index.handler' }
  assert.deepEqual(await runJson('run lambda', process.execPath, [join(runtime, 'runner.cjs')], runtime, lambdaEnv), EXPECTED)
})

test('AWS Lambda style: the package in a layer (nodejs/node_modules on NODE_PATH), the handler unbundled', { skip: SKIP }, async () => {
  const layer = join(away, 'opt')
  cpSync(join(app, 'node_modules'), join(layer, 'nodejs', 'node_modules'), { recursive: true })
  const task = join(away, 'layer-task')
  mkdirSync(task)
  cpSync(join(app, 'lambda-layer.cjs'), join(task, 'index.js'))
  const runtime = join(away, 'layer-runtime')
  mkdirSync(runtime)
  cpSync(join(app, 'lambda-runner.cjs'), join(runtime, 'runner.cjs'))
  const lambdaEnv = { LAMBDA_TASK_ROOT: task, _HANDLER: 'index.handler', NODE_PATH: join(layer, 'nodejs', 'node_modules') }
  assert.deepEqual(await runJson('run lambda layer', process.execPath, [join(runtime, 'runner.cjs')], runtime, lambdaEnv), EXPECTED)
})

/** A free loopback port (the standalone server takes PORT from the environment). */
async function freePort() {
  const srv = createServer().listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const { port } = srv.address()
  srv.close()
  await once(srv, 'close')
  return port
}

/** Starts a Next.js standalone server from `dir`, requests the route handler, stops the server. */
async function requestStandalone(what, dir) {
  const server = join(dir, 'server.js')
  assert.ok(existsSync(server), `${what}: no server.js in the standalone output: ${readdirSync(dir)}`)
  const port = await freePort()
  const child = spawn(process.execPath, [server], { cwd: dir, env: { ...env, PORT: String(port), HOSTNAME: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (output += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (output += d))
  try {
    // Ready when it says so on stdout (an event, not a delay); exiting first is a failure.
    await new Promise((resolve, reject) => {
      const onData = () => /Ready/.test(output) && resolve()
      child.stdout.on('data', onData)
      child.once('exit', (code) => reject(new Error(`${what}: the server exited (${code}) before it was ready:\n${output}`)))
    })
    const res = await fetch(`http://127.0.0.1:${port}/api/ots`)
    const body = await res.text()
    assert.equal(res.status, 200, `${what}: ${body}\n${output}`)
    return JSON.parse(body)
  } finally {
    child.kill()
    await once(child, 'exit').catch(() => {})
  }
}

async function nextRecipe(what, buildArgs) {
  const site = join(app, `next-${what}`)
  write(site, NEXT_FILES)
  await sh(`next build ${what}`, process.execPath, [join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build', ...buildArgs], site)
  // The standalone output mirrors the path from the tracing root (this repo) to the project.
  const standalone = join(site, '.next', 'standalone')
  const dir = moveAway(standalone, `next-${what}`)
  rmSync(site, { recursive: true, force: true })
  const rel = site.slice(ROOT.length + 1)
  const inner = existsSync(join(dir, 'server.js')) ? dir : join(dir, rel)
  return requestStandalone(`next ${what}`, inner)
}

test('Next.js 16, Turbopack (the default): serverExternalPackages, output standalone, a route handler', { skip: SKIP }, async () => {
  assert.deepEqual(await nextRecipe('turbopack', []), EXPECTED)
})

test('Next.js 16, --webpack: serverExternalPackages, output standalone, a route handler', { skip: SKIP }, async () => {
  assert.deepEqual(await nextRecipe('webpack', ['--webpack']), EXPECTED)
})

test('the packed linux-x64-gnu binary needs no glibc newer than 2.17, and is the size of the native build within 10 %', { skip: SKIP }, async () => {
  const dir = join(away, 'platform-tarball')
  mkdirSync(dir)
  const r = spawnSync('tar', ['xzf', tarballs[1], '-C', dir], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  const binary = join(dir, 'package', `${pkg.napi.binaryName}.linux-x64-gnu.node`)
  const dump = spawnSync('objdump', ['-T', binary], { encoding: 'utf8', maxBuffer: 64 << 20 })
  assert.equal(dump.status, 0, dump.stderr)
  const versions = [...new Set([...dump.stdout.matchAll(/GLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => m[0]))]
  assert.ok(versions.length > 0, 'objdump shows glibc symbol versions')
  const newer = versions.filter((v) => {
    const [maj, min] = v.slice(6).split('.').map(Number)
    return maj > 2 || (maj === 2 && min > 17)
  })
  assert.deepEqual(newer, [], `symbols newer than GLIBC_2.17: ${newer}`)
  // The release profile's size as recorded by the bench (bench/ results: 4,070,776 bytes for the
  // native build), within 10 %.
  const size = statSync(binary).size
  timings.binaryBytes = size
  assert.ok(size <= 4_070_776 * 1.1, `binary is ${size} bytes`)
})

// `npm run pack:local`: installable tarballs from a clone, as a release would publish them: the
// main package with `optionalDependencies` on its platform packages (what `napi prepublish`
// adds), and this platform's package (npm/<platform>/ plus the built .node). Nothing is written
// into the repo tree: both are staged and packed under target/pack/ (or --out DIR).
// The binary: on Linux glibc it is built here the way the release workflow builds it (release
// profile, zig through cargo-zigbuild, target `<arch>-unknown-linux-gnu.2.17`), so the binary
// tested is the one a release ships and needs no glibc newer than 2.17. That needs zig and
// cargo-zigbuild (`pip install ziglang cargo-zigbuild`; a `zig` on PATH, or PyPI's ziglang, which
// this script wraps in a two-line `zig` shim under target/). Elsewhere it packs the binary as
// built (`npm run build` first for the optimised one; otherwise the debug one is built if there
// is none). Prints the tarballs and the command that installs both (the newcomer test runs that
// command).
import { spawnSync } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, dirname, resolve, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
// --main-only: the main tarball alone (scripts/pack-windows.mjs adds its own platform's package).
const { values } = parseArgs({ options: { out: { type: 'string' }, 'main-only': { type: 'boolean' } } })
const mainOnly = Boolean(values['main-only'])
const out = resolve(values.out ?? join(ROOT, 'target', 'pack'))
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const { currentSuffix } = createRequire(import.meta.url)('../load-binding.js')
const suffix = currentSuffix()
const platformPkg = `${pkg.name}-${suffix}`
const binary = `${pkg.napi.binaryName}.${suffix}.node`
const shell = process.platform === 'win32'

function run(cmd, args, cwd, stdio = ['ignore', 'pipe', 'inherit']) {
  const r = spawnSync(cmd, args, { cwd, stdio, encoding: 'utf8', shell })
  if (r.status !== 0) {
    console.error(`pack-local: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`)
    process.exit(1)
  }
  return r.stdout
}

function pack(dir) {
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], dir))
  return join(out, info.filename)
}

/** The triple the release builds this suffix with, when it is a glibc one (`linux-x64-gnu` -> x86_64 ... .2.17). */
const GLIBC_FLOOR = { 'linux-x64-gnu': 'x86_64-unknown-linux-gnu.2.17', 'linux-arm64-gnu': 'aarch64-unknown-linux-gnu.2.17' }

/** PATH with a `zig`: the one there, or a shim over PyPI's ziglang (`python3 -m ziglang`). */
function pathWithZig() {
  const has = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0
  if (has('zig', ['version'])) return process.env.PATH
  if (!has('python3', ['-m', 'ziglang', 'version']) || !has('cargo-zigbuild', ['--version'])) {
    console.error('pack-local: building the glibc 2.17 binary needs zig and cargo-zigbuild: pip install ziglang cargo-zigbuild')
    process.exit(1)
  }
  const shimDir = join(ROOT, 'target', 'zig-shim')
  mkdirSync(shimDir, { recursive: true })
  writeFileSync(join(shimDir, 'zig'), '#!/bin/sh\nexec python3 -m ziglang "$@"\n')
  chmodSync(join(shimDir, 'zig'), 0o755)
  return `${shimDir}:${process.env.PATH}`
}

/** Builds the release binary for `triple` with zig into `dir` (not the repo root, which tests load). */
function buildGlibcFloor(triple, dir) {
  const napi = join(ROOT, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js')
  const args = [napi, 'build', '--platform', '--release', '--target', triple, '-x', '--output-dir', dir, '--no-js', '--dts', 'binding.d.ts']
  console.error(`pack-local: building the release binary the release workflow ships: napi build --release --target ${triple} -x`)
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', process.stderr, 'inherit'], env: { ...process.env, PATH: pathWithZig() } })
  if (r.status !== 0) {
    console.error(`pack-local: napi build --target ${triple} -x failed (exit ${r.status ?? r.signal})`)
    process.exit(1)
  }
  return join(dir, binary)
}

run(process.execPath, [join(ROOT, 'scripts', 'ensure-built.mjs')], ROOT, ['ignore', 'inherit', 'inherit'])
// The WebAssembly build (wasm/, for the browser, worker, workerd and edge-light conditions).
run(process.execPath, [join(ROOT, 'scripts', 'build-wasm.mjs')], ROOT, ['ignore', 'inherit', 'inherit'])
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
// PACK_LOCAL_PREBUILT=1: the release workflow's test lanes, which download the release's own
// binary into the repo root, pack that one as it is.
const prebuilt = process.env.PACK_LOCAL_PREBUILT === '1'
if (prebuilt) console.error(`pack-local: PACK_LOCAL_PREBUILT=1: packing ${binary} as found (the release build)`)
const builtBinary = mainOnly ? null : GLIBC_FLOOR[suffix] && !prebuilt ? buildGlibcFloor(GLIBC_FLOOR[suffix], join(out, 'bin')) : join(ROOT, binary)

// The main package: exactly what `npm pack` takes from the repo, plus the optional dependency.
const mainStage = join(out, 'stage-main')
const [listing] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT))
for (const { path } of listing.files) {
  mkdirSync(dirname(join(mainStage, path)), { recursive: true })
  cpSync(join(ROOT, path), join(mainStage, path))
}
const staged = { ...pkg, optionalDependencies: { ...pkg.optionalDependencies, [platformPkg]: pkg.version } }
writeFileSync(join(mainStage, 'package.json'), JSON.stringify(staged, null, 2) + '\n')

// This platform's package: npm/<platform>/ and the binary.
const platformStage = join(out, 'stage-platform')
if (!mainOnly) {
  cpSync(join(ROOT, 'npm', suffix), platformStage, { recursive: true })
  cpSync(builtBinary, join(platformStage, binary))
}

const tarballs = { main: pack(mainStage), platform: mainOnly ? null : pack(platformStage) }
rmSync(mainStage, { recursive: true, force: true })
rmSync(platformStage, { recursive: true, force: true })
rmSync(join(out, 'bin'), { recursive: true, force: true })

const rel = (f) => relative(process.cwd(), f) || f
if (mainOnly) {
  console.log(`pack-local: ${rel(tarballs.main)}`)
} else {
  console.log(`pack-local: ${rel(tarballs.main)}\npack-local: ${rel(tarballs.platform)}`)
  console.log(`Install both into a project with:\n  npm install ${tarballs.main} ${tarballs.platform}`)
}

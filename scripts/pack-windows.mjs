// `npm run pack:windows`: the Windows x64 package, cross-built here, beside the main package.
//
// 1. `scripts/pack-local.mjs --main-only` writes the main tarball (the same one `npm run pack:local`
//    makes) into target/pack/ (or --out DIR).
// 2. The addon is cross-built for x86_64-pc-windows-gnu (Debian's mingw-w64; an import library
//    for the official node.exe stands in for libnode, see scripts/windows/env.mjs).
// 3. It is packed as `onetimesecret-api-win32-x64-msvc` (npm/win32-x64-msvc/ and the binary named
//    onetimesecret-api.win32-x64-msvc.node): the package the main package names for Windows x64
//    and the one napi's binding.js loads under the official node.exe, which is an MSVC build (only
//    a MinGW-built Node makes it look for -gnu). A Node-API addon's ABI is C, the same whichever
//    toolchain built it; the package says in its description that this build is a local gnu one.
//
// Then `npm install --os=win32 --cpu=x64 --save-optional <main tgz> <win32 tgz>` gives a project that Node for
// Windows runs (__test__/windows.test.mjs does it under Wine). Flag: --out DIR.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ROOT, TRIPLE, libnodeDir, missingTools } from './windows/env.mjs'

const { values } = parseArgs({ options: { out: { type: 'string' } } })
const out = resolve(values.out ?? join(ROOT, 'target', 'pack'))
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const SUFFIX = 'win32-x64-msvc'
const binary = `${pkg.napi.binaryName}.${SUFFIX}.node`

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], encoding: 'utf8', ...opts })
  if (r.status !== 0) {
    console.error(`pack-windows: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal ?? r.error?.message})`)
    process.exit(1)
  }
  return r.stdout
}

const missing = missingTools()
if (missing) {
  console.error(`pack-windows: ${missing}`)
  process.exit(1)
}
const t0 = performance.now()

// 1. The main tarball, exactly as pack:local makes it.
run(process.execPath, [join(ROOT, 'scripts', 'pack-local.mjs'), '--main-only', '--out', out])

// 2. The cross build.
const installed = spawnSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' }).stdout ?? ''
if (!installed.split('\n').includes(TRIPLE)) run('rustup', ['target', 'add', TRIPLE])
const t1 = performance.now()
run('cargo', ['build', '--lib', '--release', '--target', TRIPLE], {
  env: {
    ...process.env,
    LIBNODE_PATH: libnodeDir(),
  },
})
const built = join(ROOT, 'target', TRIPLE, 'release', `${pkg.napi.binaryName.replaceAll('-', '_')}.dll`)
if (!existsSync(built)) {
  console.error(`pack-windows: the build wrote no ${relative(ROOT, built)}`)
  process.exit(1)
}
const buildSeconds = ((performance.now() - t1) / 1000).toFixed(0)

// 3. The win32-x64 platform package.
const stage = join(out, 'stage-win32')
rmSync(stage, { recursive: true, force: true })
cpSync(join(ROOT, 'npm', SUFFIX), stage, { recursive: true })
cpSync(built, join(stage, binary))
const platformPkg = JSON.parse(readFileSync(join(stage, 'package.json'), 'utf8'))
platformPkg.description = `${pkg.name} for Windows x64: a local cross build (${TRIPLE}, npm run pack:windows), not a release build`
writeFileSync(join(stage, 'package.json'), JSON.stringify(platformPkg, null, 2) + '\n')
const [info] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { cwd: stage, stdio: ['ignore', 'pipe', 'inherit'] }))
rmSync(stage, { recursive: true, force: true })

const main = join(out, `${pkg.name}-${pkg.version}.tgz`)
const win = join(out, info.filename)
const rel = (f) => relative(process.cwd(), f) || f
console.log(`pack-windows: ${rel(main)}\npack-windows: ${rel(win)} (${TRIPLE} release build: ${buildSeconds} s; in all ${((performance.now() - t0) / 1000).toFixed(0)} s)`)
// npm 11 refuses a direct dependency for another platform (EBADPLATFORM) whatever --os says; it
// honours --os/--cpu for optional ones, so both go in as optional dependencies of the project.
console.log(`Install both into a project for Windows x64 with:\n  npm install --os=win32 --cpu=x64 --save-optional ${main} ${win}`)

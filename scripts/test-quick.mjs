// `npm run test:quick`: the inner loop. The same first step as `npm test` (scripts/ensure-built.mjs),
// then `cargo test --workspace` and every node:test suite except the slow ones listed below.
// `npm test` stays the whole thing (fmt, clippy, every suite) and is what CI runs.
//
// The rule: a suite is slow, and is listed in SLOW_SUITES (this list, and nowhere else), when it
// builds, packs or installs the package, downloads anything, starts a browser, Wine, workerd,
// Bun, Deno or another Node, runs a bundler or a type checker, or takes more than about 30 s on
// its own. Every other suite of __test__/ runs in the quick loop, including new ones.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const TESTS = join(ROOT, '__test__')

/** The suites `test:quick` leaves out, each with why. */
export const SLOW_SUITES = {
  'api-docs.test.mjs': 'runs TypeDoc over the declarations',
  'bench-smoke.test.mjs': 'runs the benchmark script',
  'bundlers.test.mjs': 'packs, installs and bundles the package with each bundler',
  'binding-types.test.mjs': 'runs tsc',
  'compat.test.mjs': 'runs tsc and installs the package into a temporary project',
  'e2e-browser.test.mjs': 'starts Chromium',
  'fresh-clone.test.mjs': 'npm ci and a build in a copy of the repository',
  'load.test.mjs': '10,000 calls and worker threads',
  'newcomer.test.mjs': 'packs, installs, and runs the package under Node, Bun and Deno',
  'node-versions.test.mjs': 'downloads and runs other Node versions',
  'sandboxes.test.mjs': 'installs the package and runs Jest and Vitest',
  'stress-smoke.test.mjs': 'runs the reliability script',
  'wasm.test.mjs': 'packs the WebAssembly build, bundles it and runs it in Chromium and workerd',
  'workflow.test.mjs': 'runs actionlint',
  'windows.test.mjs': 'cross-builds the package for Windows and runs it in Node for Windows under Wine',
}

/** Every suite of __test__/, and the ones `test:quick` runs. */
export function suites() {
  const all = readdirSync(TESTS).filter((f) => f.endsWith('.test.mjs')).sort()
  const missing = Object.keys(SLOW_SUITES).filter((f) => !all.includes(f))
  if (missing.length > 0) {
    throw new Error(`scripts/test-quick.mjs lists suites that do not exist: ${missing.join(', ')}`)
  }
  return { all, quick: all.filter((f) => !(f in SLOW_SUITES)) }
}

function run(command, args) {
  console.log(`> ${command} ${args.join(' ')}`)
  const r = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { quick } = suites()
  run(process.execPath, ['scripts/ensure-built.mjs'])
  run('cargo', ['test', '--workspace'])
  run(process.execPath, ['--test', '--test-concurrency=2', ...quick.map((f) => join('__test__', f))])
}

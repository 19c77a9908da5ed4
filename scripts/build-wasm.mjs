// Builds the WebAssembly client (crates/wasm) into wasm/: the wasm-bindgen glue (wasm/gen/glue.mjs)
// and the optimised module (wasm/onetimesecret-api.wasm), both generated (git-ignored) and packed
// (package.json "files"). Run by `npm run pack:local` and by __test__/wasm.test.mjs; does nothing
// when both are newer than every Rust source. Needs the wasm32-unknown-unknown target, clang (ring)
// and the wasm-bindgen CLI of the crate's version (.ci/run installs them); wasm-opt comes from the
// `binaryen` dev dependency. Prints the module's size, gzipped.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const GEN = join(ROOT, 'wasm', 'gen')
const WASM = join(ROOT, 'wasm', 'onetimesecret-api.wasm')
const GLUE = join(GEN, 'glue.mjs')

const mtime = (f) => {
  try {
    return statSync(f).mtimeMs
  } catch {
    return -Infinity
  }
}

function newestSource() {
  let newest = Math.max(mtime(join(ROOT, 'Cargo.lock')), mtime(join(ROOT, 'Cargo.toml')))
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.(rs|toml|json)$/.test(e.name)) newest = Math.max(newest, mtime(p))
    }
  }
  walk(join(ROOT, 'crates', 'core', 'src'))
  walk(join(ROOT, 'crates', 'wasm'))
  newest = Math.max(newest, mtime(join(ROOT, 'crates', 'core', 'Cargo.toml')))
  return newest
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`build-wasm: ${cmd} ${args.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`})`)
    process.exit(1)
  }
}

// The CLI must be the crate's version (its glue and the module's imports must match).
const lock = readFileSync(join(ROOT, 'Cargo.lock'), 'utf8')
const wanted = /name = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)[1]
const cli = spawnSync('wasm-bindgen', ['--version'], { encoding: 'utf8' })
if (cli.stdout?.trim() !== `wasm-bindgen ${wanted}`) {
  console.error(`build-wasm: needs wasm-bindgen ${wanted} (found: ${cli.stdout?.trim() || 'none'}): cargo install wasm-bindgen-cli --version ${wanted}`)
  process.exit(1)
}

if (Math.min(mtime(WASM), mtime(GLUE)) > newestSource()) {
  console.log('build-wasm: wasm/ is up to date')
} else {
  run('cargo', ['build', '-p', 'ots-wasm', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm'])
  const built = join(ROOT, 'target', 'wasm32-unknown-unknown', 'wasm', 'ots_wasm.wasm')
  rmSync(GEN, { recursive: true, force: true })
  mkdirSync(GEN, { recursive: true })
  run('wasm-bindgen', [built, '--target', 'web', '--out-dir', GEN, '--out-name', 'glue', '--no-typescript'])
  renameSync(join(GEN, 'glue.js'), GLUE)
  const wasmOpt = join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'wasm-opt.cmd' : 'wasm-opt')
  // The features rustc enables by default for wasm32-unknown-unknown (every current browser and
  // workerd has them); wasm-opt validates against them.
  const features = ['bulk-memory', 'multivalue', 'mutable-globals', 'nontrapping-float-to-int', 'reference-types', 'sign-ext']
  run(wasmOpt, ['-Oz', '--strip-debug', '--strip-producers', ...features.map((f) => `--enable-${f}`), join(GEN, 'glue_bg.wasm'), '-o', WASM])
  rmSync(join(GEN, 'glue_bg.wasm'))
}
const bytes = readFileSync(WASM)
console.log(`build-wasm: wasm/onetimesecret-api.wasm ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} gzipped`)
if (!existsSync(GLUE)) process.exit(1)

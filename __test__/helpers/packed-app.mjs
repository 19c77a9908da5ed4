// An empty project with the package installed as a user installs it: `npm run pack:local`'s two
// tarballs (the main package and this platform's, scripts/pack-local.mjs) in one offline
// `npm install`. Test tools the project would list as its own devDependencies (Jest, Vitest, ...)
// are linked from the repo's node_modules, where they are devDependencies of this repo.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnCapture } from './spawn-capture.mjs'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const WIN = process.platform === 'win32'

/** The environment for programs run in the project: nothing that points at the repo's binary. */
export const childEnv = { ...process.env, NAPI_RS_ENFORCE_VERSION_CHECK: '1' }
delete childEnv.NAPI_RS_NATIVE_LIBRARY_PATH
delete childEnv.NODE_PATH
delete childEnv.NODE_OPTIONS
for (const k of Object.keys(childEnv)) if (k.startsWith('OTS_') || k.startsWith('npm_')) delete childEnv[k]

/**
 * Packs the package, installs it into a new project under a temp directory and links `tools`
 * (package names, e.g. `['jest', '@jest']`) into its node_modules. Resolves
 * `{ tmp, app, timings }`; the caller removes `tmp`.
 */
export async function packedApp(prefix, tools = []) {
  const timings = {}
  const tmp = mkdtempSync(join(tmpdir(), prefix))
  let t0 = performance.now()
  const packed = await spawnCapture(process.execPath, [join(ROOT, 'scripts', 'pack-local.mjs'), '--out', join(tmp, 'pack')], { cwd: ROOT, env: childEnv })
  if (packed.status !== 0) throw new Error(`npm run pack:local failed:\n${packed.stdout}\n${packed.stderr}`)
  timings.pack = Math.round(performance.now() - t0)
  const printed = packed.stdout.split('\n').find((line) => line.startsWith('  npm install '))
  if (!printed) throw new Error(`pack:local printed no install command:\n${packed.stdout}`)
  const tarballs = printed.trim().split(/\s+/).slice(2)
  const app = join(tmp, 'app')
  mkdirSync(app)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'sandbox-app', version: '1.0.0', private: true }, null, 2))
  t0 = performance.now()
  const args = ['install', '--no-audit', '--no-fund', '--offline', '--ignore-scripts', '--loglevel=error', ...tarballs]
  const installed = spawnSync('npm', args, { cwd: app, env: childEnv, encoding: 'utf8', shell: WIN, timeout: 300_000 })
  if (installed.status !== 0) throw new Error(`npm install of the tarballs failed:\n${installed.stdout}\n${installed.stderr}`)
  timings.install = Math.round(performance.now() - t0)
  for (const tool of tools) {
    // The tool as this repo's lock installed it (a devDependency), linked.
    if (!existsSync(join(ROOT, 'node_modules', tool))) throw new Error(`${tool} is not installed in the repo: npm ci (it is a devDependency)`)
    symlinkSync(join(ROOT, 'node_modules', tool), join(app, 'node_modules', tool), WIN ? 'junction' : 'dir')
  }
  return { tmp, app, timings }
}

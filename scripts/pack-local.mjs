// `npm run pack:local`: installable tarballs from a clone, as a release would publish them: the
// main package with `optionalDependencies` on its platform packages (what `napi prepublish`
// adds), and this platform's package (npm/<platform>/ plus the built .node). Nothing is written
// into the repo tree: both are staged and packed under target/pack/ (or --out DIR).
// Packs the binary as built: `npm run build` first for the optimised one (otherwise the first
// step builds the debug one if there is none). Prints the tarballs and the command that installs
// both (the newcomer test runs that command).
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, dirname, resolve, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({ options: { out: { type: 'string' } } })
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

run(process.execPath, [join(ROOT, 'scripts', 'ensure-built.mjs')], ROOT, ['ignore', 'inherit', 'inherit'])
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

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
cpSync(join(ROOT, 'npm', suffix), platformStage, { recursive: true })
cpSync(join(ROOT, binary), join(platformStage, binary))

const tarballs = { main: pack(mainStage), platform: pack(platformStage) }
rmSync(mainStage, { recursive: true, force: true })
rmSync(platformStage, { recursive: true, force: true })

const rel = (f) => relative(process.cwd(), f) || f
console.log(`pack-local: ${rel(tarballs.main)}\npack-local: ${rel(tarballs.platform)}`)
console.log(`Install both into a project with:\n  npm install ${tarballs.main} ${tarballs.platform}`)

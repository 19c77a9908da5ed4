'use strict'

// Loads the native addon through napi's generated binding.js. When no binary fits this machine
// (a clone that was never built, a platform without a prebuilt package, `--omit=optional`), napi
// says only "Cannot find native binding" with a hint about an npm bug; this says which package
// was expected, for which platform, and what to do. Required by index.js and testing.js.
//
// Bundled (esbuild, webpack, Turbopack, Bun) or inside a Node single executable, binding.js's
// literal `require()`s of the binary are what the bundler follows and copies; when that finds
// nothing, the binary is also looked for beside the bundle and beside the executable, loaded with
// `process.dlopen` (which no bundler rewrites), and a binary missing there too says what to
// configure rather than "reinstall".

const pkg = require('./package.json')
const path = require('path')
const fs = require('fs')

const ARCH = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm' }
const OS = { linux: 'linux', apple: 'darwin', windows: 'win32', freebsd: 'freebsd' }

/** `x86_64-unknown-linux-gnu` -> `linux-x64-gnu`, napi's platform suffix. */
function suffixOfTriple(triple) {
  const [arch, , os, abi] = triple.split('-')
  const parts = [OS[os] || os, ARCH[arch] || arch]
  if (abi && os !== 'apple') parts.push(abi)
  return parts.join('-')
}

function libcOf(report) {
  const header = report && report.header
  return header && header.glibcVersionRuntime ? 'gnu' : 'musl'
}

/** This machine's suffix as napi's binding.js chooses it, e.g. `linux-x64-gnu`. */
function currentSuffix(platform = process.platform, arch = process.arch) {
  if (platform === 'linux') return `linux-${arch}-${libcOf(process.report && process.report.getReport())}`
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

function describe(suffix) {
  const [os, arch, abi] = suffix.split('-')
  const libc = { gnu: ' (glibc)', musl: ' (musl libc)', msvc: ' (MSVC)' }[abi] || ''
  return `${os} ${arch}${libc}`
}

/** The first reason napi gave that is not just "not found", e.g. a glibc version the binary needs. */
function loadFailure(err) {
  for (let e = err && err.cause; e; e = e.cause) {
    const message = String(e.message || '')
    if (message && !/^Cannot find module/.test(message)) return message.split('\n')[0]
  }
  return undefined
}

/** The message for a missing binary; pure, so the test can ask it about other platforms. */
function missingBinaryMessage({ suffix, targets, version, binaryName, failure }) {
  const supported = targets.map(suffixOfTriple)
  const platformPkg = `${pkg.name}-${suffix}`
  const build = '`npm ci && npm run build` (needs Rust, https://rustup.rs)'
  if (!supported.includes(suffix)) {
    return (
      `${pkg.name}: no prebuilt binary for ${describe(suffix)} (${suffix}); prebuilt: ${supported.join(', ')}. ` +
      `To use it here, build it from source in a clone of the repository: ${build}, then \`npm run pack:local\` makes tarballs to install.`
    )
  }
  if (failure) {
    return `${pkg.name}: the native binary for ${describe(suffix)} was found but could not be loaded: ${failure}. Reinstall ${platformPkg}@${version}, or build from source: ${build}.`
  }
  return (
    `${pkg.name}: the native binary for ${describe(suffix)} is not installed. ` +
    `It comes in the package ${platformPkg}@${version}, an optional dependency that npm installs on this platform ` +
    `(not with --omit=optional or --no-optional): run \`npm install ${platformPkg}@${version}\`. ` +
    `In a clone of the repository, build it: ${build} (or \`npm run build:debug\`), which writes ` +
    `${binaryName}.${suffix}.node next to index.js.`
  )
}

/**
 * How this copy runs: 'sea' in a Node single executable, 'bundle' when this file was bundled into
 * another (its own name is gone from `__filename`, or there is no `__filename` in ESM output),
 * null as installed.
 */
function packaging() {
  try {
    if (require('node:sea').isSea()) return 'sea'
  } catch {}
  if (typeof __filename !== 'string' || path.basename(__filename) !== 'load-binding.js') return 'bundle'
  return null
}

/** The directories a bundle or a single executable may keep the binary in, most specific first. */
function besideDirs(how) {
  const dirs = []
  if (how === 'bundle') {
    if (typeof __dirname === 'string' && path.isAbsolute(__dirname)) dirs.push(__dirname)
    if (process.argv[1]) dirs.push(path.dirname(path.resolve(process.argv[1])))
  }
  dirs.push(path.dirname(process.execPath))
  return [...new Set(dirs)]
}

/** The message for a bundle or single executable that carried no binary: what to configure. */
function bundledMissingMessage({ how, suffix, dirs, binaryName, version }) {
  const file = `${binaryName}.${suffix}.node`
  const from = `the package ${pkg.name}-${suffix}@${version}`
  const where = dirs.join(' or ')
  if (how === 'sea') {
    return (
      `${pkg.name}: this single executable has no native binary beside it: put ${file} (from ${from}) in ${where}, ` +
      `next to the executable. See README "Bundlers, frameworks and serverless".`
    )
  }
  return (
    `${pkg.name}: the native binary ${file} was not bundled and is not beside the bundle (looked in ${where}). ` +
    `Configure the bundler to carry it: esbuild \`--loader:.node=copy\`; webpack a rule ` +
    `{ test: /\\.node$/, loader: 'node-loader' }; Next.js \`serverExternalPackages: ['${pkg.name}']\`; ` +
    `or copy ${file} (from ${from}) beside the bundle. See README "Bundlers, frameworks and serverless".`
  )
}

/** Loads `file` as a Node-API addon if it exists; `process.dlopen`, so no bundler rewrites it. */
function dlopenIfPresent(file) {
  if (!fs.existsSync(file)) return undefined
  const mod = { exports: {} }
  process.dlopen(mod, file)
  return mod.exports
}

function load() {
  try {
    return require('./binding.js')
  } catch (err) {
    if (!/^(Cannot find native binding|Failed to load native binding)/.test(String(err && err.message))) throw err
    const suffix = currentSuffix()
    const how = packaging()
    if (how) {
      const dirs = besideDirs(how)
      for (const dir of dirs) {
        const binding = dlopenIfPresent(path.join(dir, `${pkg.napi.binaryName}.${suffix}.node`))
        if (binding) return binding
      }
      const missing = new Error(
        bundledMissingMessage({ how, suffix, dirs, binaryName: pkg.napi.binaryName, version: pkg.version }),
        { cause: err },
      )
      missing.code = 'ERR_OTS_NATIVE_BINARY'
      throw missing
    }
    const message = missingBinaryMessage({
      suffix,
      targets: pkg.napi.targets,
      version: pkg.version,
      binaryName: pkg.napi.binaryName,
      failure: loadFailure(err),
    })
    const missing = new Error(message, { cause: err })
    missing.code = 'ERR_OTS_NATIVE_BINARY'
    throw missing
  }
}

module.exports = { load, missingBinaryMessage, bundledMissingMessage, suffixOfTriple, currentSuffix }

'use strict'

// Loads the native addon through napi's generated binding.js. When no binary fits this machine
// (a clone that was never built, a platform without a prebuilt package, `--omit=optional`), napi
// says only "Cannot find native binding" with a hint about an npm bug; this says which package
// was expected, for which platform, and what to do. Required by index.js and testing.js.

const pkg = require('./package.json')

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

function load() {
  try {
    return require('./binding.js')
  } catch (err) {
    if (!/^(Cannot find native binding|Failed to load native binding)/.test(String(err && err.message))) throw err
    const suffix = currentSuffix()
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

module.exports = { load, missingBinaryMessage, suffixOfTriple, currentSuffix }

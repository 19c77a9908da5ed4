'use strict'

// The command line: each command's flags, parsing, the checks on flag values (same message form
// as the library's option checks: `<option>: expected <type and range>, got <what was given>`),
// and the client that the connection flags and OTS_* variables describe.

const { parseArgs } = require('node:util')
const path = require('node:path')
const { UsageError } = require('./exit-codes.js')
const { usageLine } = require('./usage.js')

const PKG_DIR = path.join(__dirname, '..', '..')

const CONNECTION = {
  url: { type: 'string' },
  region: { type: 'string' },
  'api-version': { type: 'string' },
  username: { type: 'string' },
  'api-key-env': { type: 'string' },
  anonymous: { type: 'boolean' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
}

const PASSPHRASE = {
  passphrase: { type: 'boolean' },
  'passphrase-env': { type: 'string' },
  'passphrase-stdin': { type: 'boolean' },
}

const CREATE = { ttl: { type: 'string' }, recipient: { type: 'string' } }

const OPTIONS = {
  share: { ...CONNECTION, ...PASSPHRASE, ...CREATE, 'secret-from-argv': { type: 'boolean' }, force: { type: 'boolean' }, encrypt: { type: 'boolean' }, 'key-file': { type: 'string' } },
  generate: { ...CONNECTION, ...PASSPHRASE, ...CREATE },
  get: { ...CONNECTION, ...PASSPHRASE, 'key-file': { type: 'string' } },
  meta: { ...CONNECTION },
  burn: { ...CONNECTION, ...PASSPHRASE },
  recent: { ...CONNECTION },
  status: { ...CONNECTION },
  serve: {
    generation: { type: 'string' },
    port: { type: 'string' },
    username: { type: 'string' },
    'api-key-env': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
}

// The library option each flag sets: on the client (`client`, the constructor's options) or on the
// command's call (`call`). __test__/options-table.test.mjs checks every entry, and the defaults the
// help states, against the library's one options table (crates/core/src/options_table/).
const LIBRARY_OPTIONS = {
  url: ['client', 'url'],
  region: ['client', 'region'],
  'api-version': ['client', 'apiVersion'],
  timeout: ['client', 'timeout'],
  ttl: ['call', 'ttl'],
  recipient: ['call', 'recipient'],
  encrypt: ['call', 'encrypt'],
  passphrase: ['call', 'passphrase'],
  'passphrase-env': ['call', 'passphrase'],
  'passphrase-stdin': ['call', 'passphrase'],
  generation: ['server', 'generation'],
  port: ['server', 'port'],
}

// The library call each command makes (`serve` starts the embedded server).
const CALL_OF_COMMAND = {
  share: 'share',
  generate: 'generate',
  get: 'retrieveSecret',
  meta: 'retrieveMetadata',
  burn: 'burn',
  recent: 'recentMetadata',
  status: 'serverInfo',
}

// The embedded server's generations (testing.d.ts `Generation`; the CLI test starts each one).
const GENERATIONS = ['v0.12', 'v0.22', 'v0.26']

function usageError(command, message) {
  return new UsageError(message, usageLine(command))
}

/** The flag part of an argument (`--ttl=5` -> `--ttl`): a value is never echoed, it may be a secret. */
function flagName(arg) {
  return String(arg).split('=')[0]
}

/**
 * `--ttl -5` is a negative number given to --ttl, not a flag called -5: join such pairs so the
 * value reaches the value check (Node's parser would call the option "ambiguous").
 */
function joinNegativeValues(options, argv) {
  const out = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const spec = arg.startsWith('--') && !arg.includes('=') ? options[arg.slice(2)] : undefined
    if (spec && spec.type === 'string' && /^-\d/.test(argv[i + 1] ?? '')) {
      out.push(`${arg}=${argv[i + 1]}`)
      i++
    } else out.push(arg)
  }
  return out
}

function parse(command, argv) {
  const options = OPTIONS[command]
  let parsed
  try {
    parsed = parseArgs({ args: joinNegativeValues(options, argv), options, allowPositionals: true, strict: true, tokens: true })
  } catch (err) {
    throw usageError(command, parseErrorMessage(err, options))
  }
  return parsed
}

// Node's parse errors, said shortly, naming the flag and never a value.
function parseErrorMessage(err, options) {
  const quoted = /'(-[^']*)'/.exec(String(err.message))
  const flag = quoted ? flagName(quoted[1]) : undefined
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag ?? ''}`.trim()
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = flag && flag.replace(/^-+/, '').split(' ')[0]
      const long = name && (options[name] ? name : Object.keys(options).find((k) => options[k].short === name))
      if (long && options[long].type === 'boolean') return `--${long} takes no value`
      return `--${long ?? name} needs a value`
    }
    default:
      return String(err.message).split('\n')[0]
  }
}

function check(command, flag, ok, expected, given) {
  if (!ok) throw usageError(command, `${flag}: expected ${expected}, got ${given}`)
}

const TTL_UNITS = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }

/** `--ttl`: whole seconds > 0, or a number with s, m, h or d. */
function parseTtl(command, value) {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/i.exec(value)
  const seconds = m ? Number(m[1]) * TTL_UNITS[m[2].toLowerCase()] : NaN
  check(command, '--ttl', Number.isSafeInteger(seconds) && seconds > 0, 'whole seconds > 0, or a number with s, m, h or d (90m, 7d)', value)
  return seconds
}

/** `--timeout`: seconds > 0, to whole milliseconds. */
function parseTimeout(command, value) {
  const ms = /^\d+(\.\d{1,3})?$/.test(value) ? Math.round(Number(value) * 1000) : NaN
  check(command, '--timeout', Number.isSafeInteger(ms) && ms > 0, 'a number of seconds > 0 (at most 3 decimals)', value)
  return ms
}

function parsePort(command, value) {
  const port = /^\d+$/.test(value) ? Number(value) : NaN
  check(command, '--port', Number.isInteger(port) && port <= 65535, 'a port number from 0 to 65535', value)
  return port
}

function parseGeneration(command, value) {
  check(command, '--generation', GENERATIONS.includes(value), `one of ${GENERATIONS.join(', ')}`, value)
  return value
}

function loadApi() {
  return require(path.join(PKG_DIR, 'index.js'))
}

/** Client options from flags, then the environment. */
function clientOptions(command, values, overrideUrl) {
  const options = {}
  const url = overrideUrl || values.url || (values.region ? undefined : process.env.OTS_URL) || undefined
  const region = values.region || (values.url || overrideUrl ? undefined : process.env.OTS_REGION) || undefined
  if (url) options.url = url
  else if (region) options.region = region
  const apiVersion = values['api-version'] || process.env.OTS_API_VERSION
  if (apiVersion) options.apiVersion = apiVersion
  if (values.timeout !== undefined) options.timeout = parseTimeout(command, values.timeout)
  return options
}

function credentials(command, values) {
  if (values.anonymous) return null
  const username = values.username || process.env.OTS_USERNAME || undefined
  const keyVar = values['api-key-env'] || 'OTS_API_KEY'
  const apiKey = process.env[keyVar] || undefined
  if (values['api-key-env'] && apiKey === undefined) {
    throw usageError(command, `environment variable ${keyVar} (from --api-key-env) is not set`)
  }
  if (username && !apiKey) {
    throw usageError(command, 'a username needs an API key: set OTS_API_KEY or use --api-key-env VAR (or --anonymous)')
  }
  if (!username && apiKey) {
    throw usageError(command, 'an API key needs a username: set OTS_USERNAME or use --username (or --anonymous)')
  }
  return username ? { username, apiKey } : null
}

function sameOrigin(a, b) {
  try {
    return new URL(a).origin === new URL(b).origin
  } catch {
    return false
  }
}

/** A client; with `linkBase` (the server of a link), credentials go only to the configured server. */
function makeClient(command, values, linkBase) {
  const { OneTimeSecretApi } = loadApi()
  const creds = credentials(command, values)
  let options = clientOptions(command, values)
  if (linkBase && !values.url) {
    const configured = OneTimeSecretApi.anonymous(options).url
    options = clientOptions(command, values, linkBase)
    if (!sameOrigin(configured, linkBase)) return OneTimeSecretApi.anonymous(options)
  }
  return creds ? new OneTimeSecretApi(creds.username, creds.apiKey, options) : OneTimeSecretApi.anonymous(options)
}

/** `<key>` or a link `https://host[/prefix]/<kind>/<key>[#fragment]`: `{ key, base }` (no base for a bare key). */
function parseKeyOrLink(command, arg, kinds, what) {
  if (arg === undefined || arg === '') throw usageError(command, `missing ${what}`)
  if (!/^https?:\/\//i.test(arg)) return { key: arg }
  let u
  try {
    u = new URL(arg)
  } catch {
    throw usageError(command, 'not a valid link')
  }
  const parts = u.pathname.split('/')
  for (let i = parts.length - 2; i >= 0; i--) {
    if (kinds.includes(parts[i]) && parts[i + 1]) {
      // The fragment (an end-to-end key) stays with the key; the client reads it and never sends it.
      return { key: decodeURIComponent(parts[i + 1]) + u.hash, base: u.origin + parts.slice(0, i).join('/') }
    }
  }
  throw usageError(command, `the link has no /${kinds[0]}/<key> path`)
}

function atMostOneArg(command, positionals, what) {
  if (positionals.length > 1) throw usageError(command, `'ots ${command}' takes one ${what}`)
  return positionals[0]
}

function noArgs(command, positionals) {
  if (positionals.length > 0) throw usageError(command, `'ots ${command}' takes no arguments`)
}

module.exports = {
  PKG_DIR,
  OPTIONS,
  LIBRARY_OPTIONS,
  CALL_OF_COMMAND,
  GENERATIONS,
  usageError,
  flagName,
  parse,
  parseTtl,
  parsePort,
  parseGeneration,
  makeClient,
  parseKeyOrLink,
  atMostOneArg,
  noArgs,
}

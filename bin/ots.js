#!/usr/bin/env node
'use strict'

// The `ots` command: a thin layer over this package's own index.js and testing.js.
// Secrets, passphrases and API keys never come from argv unless explicitly forced, and never
// appear in an error message. See docs/CLI.md.

const { parseArgs } = require('node:util')
const readline = require('node:readline')
const { Writable } = require('node:stream')
const fs = require('node:fs')
const tty = require('node:tty')
const path = require('node:path')

const PKG_DIR = path.join(__dirname, '..')

// ---------------------------------------------------------------------------------------------
// Exit codes

const EXIT = {
  OK: 0,
  GENERIC: 1,
  USAGE: 2,
  NOT_AUTHORIZED: 3,
  NOT_FOUND: 4,
  RATE_LIMITED: 5,
  NETWORK: 6,
  SERVER: 7,
  INTERRUPTED: 130,
}

const EXIT_BY_CLASS = {
  UsageError: EXIT.USAGE,
  InputError: EXIT.USAGE,
  NotAuthorizedError: EXIT.NOT_AUTHORIZED,
  UnknownSecretError: EXIT.NOT_FOUND,
  IncorrectPassphraseError: EXIT.NOT_FOUND,
  NotFoundError: EXIT.NOT_FOUND,
  RateLimitedError: EXIT.RATE_LIMITED,
  NetworkError: EXIT.NETWORK,
  TimeoutError: EXIT.NETWORK,
  InternalServerError: EXIT.SERVER,
  AbortError: EXIT.INTERRUPTED,
}

const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    any other error (ApiError, InvalidResponseError, UnsupportedError, ...)
  2    usage or input error (bad flag, missing or invalid key, empty secret; InputError)
  3    not authorized (NotAuthorizedError: missing or wrong credentials, call needs an account)
  4    unknown secret or not found (UnknownSecretError, IncorrectPassphraseError, NotFoundError:
       already read, burned, expired, wrong passphrase, or never existed)
  5    rate limited (RateLimitedError)
  6    network failure or timeout (NetworkError, TimeoutError)
  7    server error (InternalServerError, HTTP 5xx) or the server reports it is offline
  130  interrupted (Ctrl-C at a prompt)`

class UsageError extends Error {}
UsageError.prototype.name = 'UsageError'

// ---------------------------------------------------------------------------------------------
// Options

const CONNECTION_OPTIONS = {
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

const PASSPHRASE_OPTIONS = {
  passphrase: { type: 'boolean' },
  'passphrase-env': { type: 'string' },
  'passphrase-stdin': { type: 'boolean' },
}

const CONNECTION_HELP = `Connection options (flags win over environment variables):
  --url <url>            server base URL                  (env OTS_URL; default https://onetimesecret.com)
  --region <r>           eu, us, ca, nz or uk             (env OTS_REGION)
  --api-version <v>      v1 or v2                         (env OTS_API_VERSION; default v1)
  --username <email>     account email                    (env OTS_USERNAME)
  --api-key-env <VAR>    read the API key from env VAR    (default OTS_API_KEY)
  --anonymous            send no credentials even if they are configured
  --timeout <seconds>    total time per call              (default 30)
  --json                 print the full JSON result
  -h, --help             this help
Without a username and API key the client is anonymous. The API key is never accepted in argv.`

const PASSPHRASE_HELP = `Passphrase options (never in argv):
  --passphrase           prompt for it (hidden, on the terminal)
  --passphrase-env <VAR> read it from environment variable VAR
  --passphrase-stdin     read it from stdin (first line)`

const COMMANDS = {
  share: {
    options: {
      ...CONNECTION_OPTIONS,
      ...PASSPHRASE_OPTIONS,
      ttl: { type: 'string' },
      recipient: { type: 'string' },
      'secret-from-argv': { type: 'boolean' },
      force: { type: 'boolean' },
    },
    usage: `Usage: ots share [options]
       echo -n 'the secret' | ots share [options]

Shares a secret and prints its link (line 1 of stdout). The receipt (metadata) key, for
'ots meta' and 'ots burn', goes to stderr. With --json the full answer goes to stdout.

The secret is read from stdin when stdin is a pipe or file (one trailing newline is dropped),
or with a hidden prompt when stdin is a terminal. It is taken from the command line only with
--secret-from-argv (or --force), because argv ends up in shell history and process lists.

Options:
  --ttl <time>           lifetime: seconds, or a number with s, m, h or d (e.g. 90m, 7d)
  --recipient <email>    email the link to this address (needs an account)
  --secret-from-argv     take the secret from the first argument (alias --force)
  --passphrase           prompt for a passphrase (hidden)
  --passphrase-env <VAR> take the passphrase from environment variable VAR
  --passphrase-stdin     first line of stdin is the passphrase (only with --secret-from-argv)

${CONNECTION_HELP}`,
    run: cmdShare,
  },
  generate: {
    options: { ...CONNECTION_OPTIONS, ...PASSPHRASE_OPTIONS, ttl: { type: 'string' }, recipient: { type: 'string' } },
    usage: `Usage: ots generate [options]

Has the server generate a random secret. Prints the share link (line 1) and the generated
value (line 2); the receipt (metadata) key goes to stderr. --json prints the full answer.

Options:
  --ttl <time>           lifetime: seconds, or a number with s, m, h or d (e.g. 90m, 7d)
  --recipient <email>    email the link to this address (needs an account)
${PASSPHRASE_HELP}

${CONNECTION_HELP}`,
    run: cmdGenerate,
  },
  get: {
    options: { ...CONNECTION_OPTIONS, ...PASSPHRASE_OPTIONS },
    usage: `Usage: ots get <secret key | share link> [options]

Reveals a secret (it is gone afterwards) and prints only its value plus a newline, so it pipes:
  ots get https://eu.onetimesecret.com/secret/abc123 > secret.txt

A full share link selects its own server (scheme, host, port and any path before /secret/)
unless --url is given; credentials are only sent when that server is the configured one
(retrieving a secret needs no account).

${PASSPHRASE_HELP}

${CONNECTION_HELP}`,
    run: cmdGet,
  },
  meta: {
    options: { ...CONNECTION_OPTIONS },
    usage: `Usage: ots meta <metadata key | receipt link> [options]

Shows a receipt: the state of a secret you shared (new, received, burned, ...), never its value.

${CONNECTION_HELP}`,
    run: cmdMeta,
  },
  burn: {
    options: { ...CONNECTION_OPTIONS, ...PASSPHRASE_OPTIONS },
    usage: `Usage: ots burn <metadata key | receipt link> [options]

Destroys a shared secret before it is read. Takes the receipt (metadata) key that 'ots share'
printed, not the secret key.

${PASSPHRASE_HELP}

${CONNECTION_HELP}`,
    run: cmdBurn,
  },
  recent: {
    options: { ...CONNECTION_OPTIONS },
    usage: `Usage: ots recent [options]

Lists the receipts of secrets your account shared recently (needs a username and API key):
one line per receipt: metadata key, state, created (UTC), and the secret's remaining ttl.

${CONNECTION_HELP}`,
    run: cmdRecent,
  },
  status: {
    options: { ...CONNECTION_OPTIONS },
    usage: `Usage: ots status [options]

Asks the server whether it is up. Prints "nominal" or "offline" with the server URL, its
version and API versions when it says. Exits 0 when nominal, 7 when offline.

${CONNECTION_HELP}`,
    run: cmdStatus,
  },
  serve: {
    options: {
      generation: { type: 'string' },
      port: { type: 'string' },
      username: { type: 'string' },
      'api-key-env': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    usage: `Usage: ots serve [options]

Starts the embedded OneTimeSecret test server (in memory, 127.0.0.1 only) and prints its URL,
account username and API key, plus the environment lines to point 'ots' at it. Runs until
SIGINT (Ctrl-C) or SIGTERM, then stops and wipes every secret.

Options:
  --generation <g>       v0.12, v0.22 or v0.26 (default v0.26)
  --port <n>             port to listen on (default: a free one)
  --username <email>     the account's email (default tester@example.com)
  --api-key-env <VAR>    use the API key in environment variable VAR (default: a random one)
  --json                 print {"url","username","apiKey","generation"} as one JSON line
  -h, --help             this help`,
    run: cmdServe,
  },
}

const MAIN_USAGE = `Usage: ots <command> [options]

A OneTimeSecret client (onetimesecret-api ${version()}).

Commands:
  share      share a secret (from stdin or a hidden prompt) and print its link
  generate   have the server generate a secret; print its link and value
  get        reveal a secret by key or share link; print only its value
  meta       show a receipt (metadata) of a shared secret
  burn       destroy a shared secret before it is read
  recent     list your recent receipts (needs an account)
  status     check that the server is up
  serve      run the embedded test server until Ctrl-C

Run 'ots <command> --help' for a command's options.

Environment: OTS_URL, OTS_REGION, OTS_API_VERSION, OTS_USERNAME, OTS_API_KEY.

${EXIT_CODES_HELP}`

function version() {
  try {
    return JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8')).version
  } catch {
    return 'unknown'
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function parse(command, argv) {
  const spec = COMMANDS[command]
  try {
    return parseArgs({ args: argv, options: spec.options, allowPositionals: true, strict: true })
  } catch (err) {
    // Only the first line of Node's message; it names options, never their values.
    const first = String(err.message).split('\n')[0].replace(/\. To specify a positional.*$/, '')
    throw new UsageError(`${first} (see 'ots ${command} --help')`)
  }
}

function parseSeconds(value, flag) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(value)
  if (!m) throw new UsageError(`${flag} expects seconds or a number with s, m, h or d (e.g. 3600, 90m, 7d)`)
  const factor = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2].toLowerCase()]
  return Math.round(Number(m[1]) * factor)
}

function loadApi() {
  return require(path.join(PKG_DIR, 'index.js'))
}

/** Client options from flags, then the environment. */
function clientOptions(values, overrideUrl) {
  const options = {}
  const url = overrideUrl || values.url || (values.region ? undefined : process.env.OTS_URL) || undefined
  const region = values.region || (values.url || overrideUrl ? undefined : process.env.OTS_REGION) || undefined
  if (url) options.url = url
  else if (region) options.region = region
  const apiVersion = values['api-version'] || process.env.OTS_API_VERSION
  if (apiVersion) options.apiVersion = apiVersion
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout)
    if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError('--timeout expects a positive number of seconds')
    options.timeout = Math.round(seconds * 1000)
  }
  return options
}

function credentials(values) {
  if (values.anonymous) return null
  const username = values.username || process.env.OTS_USERNAME || undefined
  const keyVar = values['api-key-env'] || 'OTS_API_KEY'
  const apiKey = process.env[keyVar] || undefined
  if (values['api-key-env'] && apiKey === undefined) {
    throw new UsageError(`environment variable ${keyVar} (from --api-key-env) is not set`)
  }
  if (username && !apiKey) {
    throw new UsageError(`a username needs an API key: set OTS_API_KEY or use --api-key-env VAR (or --anonymous)`)
  }
  if (!username && apiKey) {
    throw new UsageError(`an API key needs a username: set OTS_USERNAME or use --username (or --anonymous)`)
  }
  return username ? { username, apiKey } : null
}

/** A client; with `linkBase`, the server of a link, credentials go only to the configured server. */
function makeClient(values, linkBase) {
  const { OneTimeSecretApi } = loadApi()
  const creds = credentials(values)
  if (linkBase && !values.url) {
    const configured = OneTimeSecretApi.anonymous(clientOptions(values)).url
    const options = clientOptions(values, linkBase)
    const sameServer = sameOrigin(configured, linkBase)
    if (creds && sameServer) return new OneTimeSecretApi(creds.username, creds.apiKey, options)
    return OneTimeSecretApi.anonymous(options)
  }
  const options = clientOptions(values)
  return creds ? new OneTimeSecretApi(creds.username, creds.apiKey, options) : OneTimeSecretApi.anonymous(options)
}

function sameOrigin(a, b) {
  try {
    return new URL(a).origin === new URL(b).origin
  } catch {
    return false
  }
}

/**
 * `<key>` or a link `https://host[/prefix]/<kind>/<key>`: returns `{ key, base }` (base is
 * undefined for a bare key).
 */
function parseKeyOrLink(arg, kinds, what) {
  if (arg === undefined || arg === '') throw new UsageError(`missing ${what}`)
  if (!/^https?:\/\//i.test(arg)) return { key: arg }
  let u
  try {
    u = new URL(arg)
  } catch {
    throw new UsageError(`not a valid link`)
  }
  const parts = u.pathname.split('/')
  for (let i = parts.length - 2; i >= 0; i--) {
    if (kinds.includes(parts[i]) && parts[i + 1]) {
      const prefix = parts.slice(0, i).join('/')
      return { key: decodeURIComponent(parts[i + 1]), base: u.origin + prefix }
    }
  }
  throw new UsageError(`the link has no /${kinds[0]}/<key> path`)
}

function oneArg(positionals, command, what) {
  if (positionals.length > 1) throw new UsageError(`'ots ${command}' takes one ${what} (see 'ots ${command} --help')`)
  return positionals[0]
}

function noArgs(positionals, command) {
  if (positionals.length > 0) throw new UsageError(`'ots ${command}' takes no arguments (see 'ots ${command} --help')`)
}

async function readStdin() {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  return Buffer.concat(chunks).toString('utf8')
}

function dropOneNewline(s) {
  if (s.endsWith('\r\n')) return s.slice(0, -2)
  if (s.endsWith('\n')) return s.slice(0, -1)
  return s
}

/** A terminal to prompt on: stdin if it is one, else /dev/tty (POSIX). */
function openTerminal() {
  if (process.stdin.isTTY) return { input: process.stdin, close() {} }
  let fd
  try {
    fd = fs.openSync('/dev/tty', 'r+')
  } catch {
    return null
  }
  const input = new tty.ReadStream(fd)
  return {
    input,
    close() {
      input.destroy()
    },
  }
}

/** Reads one line from the terminal without echoing it. The prompt goes to stderr. */
function hiddenPrompt(label) {
  const term = openTerminal()
  if (!term) {
    throw new UsageError(`no terminal to prompt for the ${label.toLowerCase()} on: pipe it on stdin or use an environment variable`)
  }
  return new Promise((resolve, reject) => {
    const muted = new Writable({
      write(_chunk, _enc, cb) {
        cb()
      },
    })
    process.stderr.write(`${label}: `)
    const rl = readline.createInterface({ input: term.input, output: muted, terminal: true })
    let done = false
    const finish = (fn) => {
      if (done) return
      done = true
      process.stderr.write('\n')
      rl.close()
      term.close()
      fn()
    }
    rl.on('line', (line) => finish(() => resolve(line)))
    rl.on('SIGINT', () => {
      finish(() => {
        const err = new Error('interrupted')
        err.name = 'Interrupted'
        reject(err)
      })
    })
    rl.on('close', () => finish(() => reject(new UsageError(`no ${label.toLowerCase()} entered`))))
  })
}

async function passphrase(values, stdinFree) {
  const sources = ['passphrase', 'passphrase-env', 'passphrase-stdin'].filter((k) => values[k] !== undefined && values[k] !== false)
  if (sources.length > 1) throw new UsageError('use only one of --passphrase, --passphrase-env and --passphrase-stdin')
  if (values['passphrase-env'] !== undefined) {
    const v = process.env[values['passphrase-env']]
    if (v === undefined) throw new UsageError(`environment variable ${values['passphrase-env']} (from --passphrase-env) is not set`)
    return v
  }
  if (values['passphrase-stdin']) {
    if (!stdinFree) throw new UsageError('--passphrase-stdin needs stdin, which already carries the secret: use --passphrase or --passphrase-env')
    return (await readStdin()).split(/\r?\n/)[0]
  }
  if (values.passphrase) return hiddenPrompt('Passphrase')
  return undefined
}

function print(line) {
  process.stdout.write(line + '\n')
}

function printJson(value) {
  print(JSON.stringify(value, null, 2))
}

function shareOptions(values, pass) {
  const options = {}
  if (values.ttl !== undefined) options.ttl = parseSeconds(values.ttl, '--ttl')
  if (values.recipient !== undefined) options.recipient = values.recipient
  if (pass !== undefined) options.passphrase = pass
  return options
}

function receiptHint(result) {
  if (result && result.metadata_key) process.stderr.write(`receipt: ${result.metadata_key} (for 'ots meta' and 'ots burn')\n`)
}

// ---------------------------------------------------------------------------------------------
// Commands

async function cmdShare(values, positionals) {
  const fromArgv = values['secret-from-argv'] || values.force
  let secret
  if (fromArgv) {
    if (positionals.length !== 1) throw new UsageError('--secret-from-argv takes exactly one argument: the secret')
    secret = positionals[0]
  } else {
    if (positionals.length > 0) {
      throw new UsageError(
        "refusing to take the secret from the command line (it would stay in shell history): pipe it on stdin, type it at the prompt, or add --secret-from-argv",
      )
    }
  }
  const client = makeClient(values)
  const stdinIsTerminal = Boolean(process.stdin.isTTY)
  // Ask for the passphrase first when stdin carries the secret (the prompt then uses /dev/tty).
  const pass = await passphrase(values, fromArgv)
  if (secret === undefined) {
    secret = stdinIsTerminal ? await hiddenPrompt('Secret') : dropOneNewline(await readStdin())
  }
  if (secret === '') throw new UsageError(stdinIsTerminal ? 'the secret is empty' : 'the secret is empty (nothing on stdin)')
  const result = await client.share(secret, shareOptions(values, pass))
  if (values.json) return printJson(result)
  print(result.share_link)
  receiptHint(result)
}

async function cmdGenerate(values, positionals) {
  noArgs(positionals, 'generate')
  const client = makeClient(values)
  const pass = await passphrase(values, true)
  const result = await client.generate(shareOptions(values, pass))
  if (values.json) return printJson(result)
  print(result.share_link)
  print(result.value)
  receiptHint(result)
}

async function cmdGet(values, positionals) {
  const { key, base } = parseKeyOrLink(oneArg(positionals, 'get', 'secret key or link'), ['secret'], 'secret key or link')
  const client = makeClient(values, base)
  const pass = await passphrase(values, true)
  const result = await client.retrieveSecret(key, pass === undefined ? undefined : { passphrase: pass })
  if (values.json) return printJson(result)
  process.stdout.write(result.value + '\n')
}

const META_FIELDS = ['metadata_key', 'state', 'secret_key', 'share_link', 'recipient', 'created', 'updated', 'received', 'ttl', 'metadata_ttl', 'secret_ttl', 'passphrase_required']

function formatField(name, value) {
  if ((name === 'created' || name === 'updated' || name === 'received') && typeof value === 'number' && value > 0) {
    return new Date(value * 1000).toISOString()
  }
  if (Array.isArray(value)) return value.join(', ')
  return String(value)
}

async function cmdMeta(values, positionals) {
  const { key, base } = parseKeyOrLink(oneArg(positionals, 'meta', 'metadata key or link'), ['receipt', 'private'], 'metadata key or receipt link')
  const client = makeClient(values, base)
  const result = await client.retrieveMetadata(key)
  if (values.json) return printJson(result)
  for (const name of META_FIELDS) {
    const value = result[name]
    if (value === undefined || value === null || value === '') continue
    if (Array.isArray(value) && value.length === 0) continue
    print(`${name}: ${formatField(name, value)}`)
  }
}

async function cmdBurn(values, positionals) {
  const { key, base } = parseKeyOrLink(oneArg(positionals, 'burn', 'metadata key or link'), ['receipt', 'private'], 'metadata key or receipt link')
  const client = makeClient(values, base)
  const pass = await passphrase(values, true)
  const result = await client.burn(key, pass === undefined ? undefined : { passphrase: pass })
  if (values.json) return printJson(result)
  print(`burned ${result.secret_shortkey || key}`)
}

async function cmdRecent(values, positionals) {
  noArgs(positionals, 'recent')
  const client = makeClient(values)
  const result = await client.recentMetadata()
  if (values.json) return printJson(result)
  for (const r of result) {
    print([r.metadata_key, r.state, formatField('created', r.created), `${r.secret_ttl ?? r.ttl ?? ''}`].join('\t'))
  }
}

async function cmdStatus(values, positionals) {
  noArgs(positionals, 'status')
  const client = makeClient(values)
  const info = await client.serverInfo()
  if (values.json) printJson({ url: client.url, ...info })
  else {
    const details = [client.url]
    if (info.version) details.push(`OTS ${info.version}`)
    if (info.apiVersions && info.apiVersions.length) details.push(`API ${info.apiVersions.join(' ')}`)
    print(`${info.status} (${details.join(', ')})`)
  }
  return info.status === 'nominal' ? EXIT.OK : EXIT.SERVER
}

async function cmdServe(values, positionals) {
  noArgs(positionals, 'serve')
  const options = {}
  if (values.generation !== undefined) options.generation = values.generation
  if (values.port !== undefined) {
    const port = Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port expects a port number (0-65535)')
    options.port = port
  }
  if (values.username !== undefined) options.username = values.username
  if (values['api-key-env'] !== undefined) {
    const key = process.env[values['api-key-env']]
    if (key === undefined) throw new UsageError(`environment variable ${values['api-key-env']} (from --api-key-env) is not set`)
    options.apiKey = key
  }
  const { startServer } = require(path.join(PKG_DIR, 'testing.js'))
  const server = await startServer(options)
  // Keeps the event loop alive: the server runs on native threads.
  const keepAlive = setInterval(() => {}, 1 << 30)
  const info = { url: server.url, username: server.username, apiKey: server.apiKey, generation: server.generation }
  // Signal handlers go in before anything is printed: a caller that reads the URL and at once
  // sends SIGINT must find them installed.
  const stopped = new Promise((resolve, reject) => {
    let stopping = false
    const stop = (signal) => {
      if (stopping) return
      stopping = true
      if (!values.json) process.stderr.write(`\nots: ${signal}: stopping the server\n`)
      server.close().then(
        () => {
          clearInterval(keepAlive)
          resolve(EXIT.OK)
        },
        (err) => {
          clearInterval(keepAlive)
          reject(err)
        },
      )
    }
    process.on('SIGINT', () => stop('SIGINT'))
    process.on('SIGTERM', () => stop('SIGTERM'))
  })
  if (values.json) print(JSON.stringify(info))
  else {
    print(`OneTimeSecret test server (generation ${info.generation}) listening on ${info.url}`)
    print(`url:      ${info.url}`)
    print(`username: ${info.username}`)
    print(`api key:  ${info.apiKey}`)
    print('')
    print('Point ots at it with:')
    print(`  export OTS_URL=${info.url} OTS_USERNAME=${info.username} OTS_API_KEY=${info.apiKey}`)
    print('Press Ctrl-C to stop (all secrets are wiped).')
  }
  return stopped
}

// ---------------------------------------------------------------------------------------------
// Main

function errorLine(err) {
  const name = (err && (err.name || (err.constructor && err.constructor.name))) || 'Error'
  let message = err && err.message ? String(err.message).split('\n')[0] : String(err)
  if (err && typeof err.retryAfter === 'number') message += ` (retry after ${err.retryAfter}s)`
  return `ots: ${name}: ${message}`
}

function exitCodeFor(err) {
  if (!err) return EXIT.GENERIC
  if (err.name === 'Interrupted') return EXIT.INTERRUPTED
  for (let proto = err; proto; proto = Object.getPrototypeOf(proto)) {
    const ctorName = proto.constructor && proto.constructor.name
    if (ctorName && Object.prototype.hasOwnProperty.call(EXIT_BY_CLASS, ctorName)) return EXIT_BY_CLASS[ctorName]
  }
  if (err.name && Object.prototype.hasOwnProperty.call(EXIT_BY_CLASS, err.name)) return EXIT_BY_CLASS[err.name]
  return EXIT.GENERIC
}

async function main(argv) {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined
    if (topic && COMMANDS[topic]) print(COMMANDS[topic].usage)
    else if (topic) throw new UsageError(`unknown command '${topic}' (see 'ots --help')`)
    else print(MAIN_USAGE)
    return command === undefined ? EXIT.USAGE : EXIT.OK
  }
  if (command === '--version' || command === '-v') {
    print(version())
    return EXIT.OK
  }
  if (!Object.prototype.hasOwnProperty.call(COMMANDS, command)) {
    // Never echo an unknown first word: it may be a secret typed in the wrong place.
    throw new UsageError(`unknown command (see 'ots --help')`)
  }
  const { values, positionals } = parse(command, rest)
  if (values.help) {
    print(COMMANDS[command].usage + (command === 'serve' ? '' : `\n\n${EXIT_CODES_HELP}`))
    return EXIT.OK
  }
  const code = await COMMANDS[command].run(values, positionals)
  return typeof code === 'number' ? code : EXIT.OK
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.stderr.write(errorLine(err) + '\n')
    if (process.env.OTS_DEBUG && err && err.stack) process.stderr.write(err.stack + '\n')
    process.exitCode = exitCodeFor(err)
  },
)

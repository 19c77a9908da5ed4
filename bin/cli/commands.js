'use strict'

// The commands. Each takes the parsed flags and positionals and returns an exit code (or
// nothing for 0); errors propagate to bin/ots.js, which reports them.

const fs = require('node:fs')
const path = require('node:path')
const { EXIT } = require('./exit-codes.js')
const { PKG_DIR, usageError, parseTtl, parsePort, parseGeneration, makeClient, parseKeyOrLink, atMostOneArg, noArgs } = require('./options.js')
const { readStdin, secretFromStdin, hiddenPrompt, passphrase } = require('./input.js')
const { print, printJson, printSecret } = require('./output.js')

function createOptions(command, values, pass) {
  const options = {}
  if (values.ttl !== undefined) options.ttl = parseTtl(command, values.ttl)
  if (values.recipient !== undefined) options.recipient = values.recipient
  if (pass !== undefined) options.passphrase = pass
  return options
}

function receiptHint(result) {
  if (result && result.metadata_key) process.stderr.write(`receipt: ${result.metadata_key} (for 'ots meta' and 'ots burn')\n`)
}

async function share(values, positionals) {
  const fromArgv = values['secret-from-argv'] || values.force
  let secret
  if (fromArgv) {
    if (positionals.length !== 1) throw usageError('share', '--secret-from-argv takes exactly one argument: the secret')
    secret = positionals[0]
  } else if (positionals.length > 0) {
    throw usageError(
      'share',
      'refusing to take the secret from the command line (it would stay in shell history): pipe it on stdin, type it at the prompt, or add --secret-from-argv',
    )
  }
  const keyFile = values['key-file']
  if (keyFile !== undefined && !values.encrypt) throw usageError('share', '--key-file needs --encrypt (only an encrypted secret has a key of its own)')
  if (keyFile !== undefined && fs.existsSync(keyFile)) throw usageError('share', `--key-file: ${keyFile} exists; name a new file`)
  const options = createOptions('share', values)
  const client = makeClient('share', values)
  const stdinIsTerminal = Boolean(process.stdin.isTTY)
  // Ask for the passphrase first when stdin carries the secret (the prompt then uses /dev/tty).
  const pass = await passphrase('share', values, fromArgv)
  if (secret === undefined) {
    // At the prompt, Enter ends the secret and is not part of it; from a pipe or file every byte is.
    secret = stdinIsTerminal ? await hiddenPrompt('share', 'Secret') : await secretFromStdin('share')
  }
  if (secret === '') throw usageError('share', stdinIsTerminal ? 'the secret is empty' : 'the secret is empty (nothing on stdin)')
  if (pass !== undefined) options.passphrase = pass
  if (values.encrypt) options.encrypt = true
  const result = await client.share(secret, options)
  if (keyFile !== undefined) writeKeyFile(keyFile, result.decryption_key)
  if (values.json) return printJson(result)
  print(keyFile === undefined ? result.share_link : result.share_link_without_key)
  receiptHint(result)
}

/** `share --encrypt --key-file <path>`: the key alone, in a new file only its owner can read. */
function writeKeyFile(file, key) {
  try {
    fs.writeFileSync(file, `${key}\n`, { flag: 'wx', mode: 0o600 })
  } catch (err) {
    // The secret is shared already: say where the key is not, and how to get the secret back.
    throw usageError('share', `could not write the key to ${file} (${err.code || 'error'}); the secret was shared but cannot be opened without the key: burn it (its receipt is the metadata key below) and share again`)
  }
}

async function generate(values, positionals) {
  noArgs('generate', positionals)
  const options = createOptions('generate', values)
  const client = makeClient('generate', values)
  const pass = await passphrase('generate', values, true)
  if (pass !== undefined) options.passphrase = pass
  const result = await client.generate(options)
  if (values.json) return printJson(result)
  print(result.share_link)
  print(result.value)
  receiptHint(result)
}

/** The link or key for `get`: the argument, else stdin's first line, else a hidden prompt. */
async function linkForGet(values, positionals) {
  const arg = atMostOneArg('get', positionals, 'secret link or key')
  if (arg !== undefined && arg !== '-') return { link: arg, stdinFree: true }
  if (values['passphrase-stdin']) throw usageError('get', '--passphrase-stdin needs stdin, which carries the link: give the link as an argument, or use --passphrase-env')
  if (process.stdin.isTTY) return { link: (await hiddenPrompt('get', 'Secret link or key')).trim(), stdinFree: false }
  const first = (await readStdin()).split(/\r?\n/).find((line) => line.trim() !== '')
  return { link: first === undefined ? undefined : first.trim(), stdinFree: false }
}

/** The decryption key from --key-file: a file's first line, or stdin's (a hidden prompt on a terminal). */
async function keyFromFile(values, stdinFree) {
  const file = values['key-file']
  if (file === undefined) return undefined
  if (file === '-') {
    if (!stdinFree) throw usageError('get', '--key-file - needs stdin, which carries the link: give the link as an argument')
    if (process.stdin.isTTY) return (await hiddenPrompt('get', 'Decryption key')).trim()
    return (await readStdin()).split(/\r?\n/)[0].trim()
  }
  try {
    return fs.readFileSync(file, 'utf8').split(/\r?\n/)[0].trim()
  } catch (err) {
    throw usageError('get', `--key-file: cannot read ${file} (${err.code || 'error'})`)
  }
}

async function get(values, positionals) {
  const { link, stdinFree } = await linkForGet(values, positionals)
  const { key, base } = parseKeyOrLink('get', link, ['secret'], 'secret link or key (as an argument, on stdin, or at the prompt)')
  if (stdinFree && link && /#./.test(link)) {
    process.stderr.write("ots: warning: the link's #key is on the command line, where other users (ps) and your shell history can read it; next time give the link on stdin (ots get < link.txt) or the key with --key-file\n")
  }
  const client = makeClient('get', values, base)
  const decryptionKey = await keyFromFile(values, stdinFree)
  if (values['key-file'] === '-' && (values['passphrase-stdin'])) throw usageError('get', 'stdin can carry the key or the passphrase, not both')
  const pass = await passphrase('get', values, stdinFree && values['key-file'] !== '-')
  const options = {}
  if (pass !== undefined) options.passphrase = pass
  if (decryptionKey !== undefined) options.key = decryptionKey
  const result = await client.retrieveSecret(key, Object.keys(options).length ? options : undefined).catch((err) => {
    // The secret is gone from the server: keep the envelope that did not decrypt (exit code 9).
    // Text that is not an envelope (a server that did not keep what was sealed) is not printed:
    // stdout is where the secret goes, and that text is the server's, not the sender's.
    if (err && typeof err.envelope === 'string' && err.envelope.trimStart().startsWith('ots-e2e/')) print(err.envelope)
    throw err
  })
  if (values.json) return printJson(result)
  printSecret(result.value)
}

const META_FIELDS = ['metadata_key', 'state', 'secret_key', 'share_link', 'recipient', 'created', 'updated', 'received', 'ttl', 'metadata_ttl', 'secret_ttl', 'passphrase_required']

function formatField(name, value) {
  if ((name === 'created' || name === 'updated' || name === 'received') && typeof value === 'number' && value > 0) {
    return new Date(value * 1000).toISOString()
  }
  if (Array.isArray(value)) return value.join(', ')
  return String(value)
}

function receiptArg(command, positionals) {
  return parseKeyOrLink(command, atMostOneArg(command, positionals, 'metadata key or receipt link'), ['receipt', 'private'], 'metadata key or receipt link')
}

async function meta(values, positionals) {
  const { key, base } = receiptArg('meta', positionals)
  const result = await makeClient('meta', values, base).retrieveMetadata(key)
  if (values.json) return printJson(result)
  for (const name of META_FIELDS) {
    const value = result[name]
    if (value === undefined || value === null || value === '') continue
    if (Array.isArray(value) && value.length === 0) continue
    print(`${name}: ${formatField(name, value)}`)
  }
}

async function burn(values, positionals) {
  const { key, base } = receiptArg('burn', positionals)
  const client = makeClient('burn', values, base)
  const pass = await passphrase('burn', values, true)
  const result = await client.burn(key, pass === undefined ? undefined : { passphrase: pass })
  if (values.json) return printJson(result)
  print(`burned ${result.secret_shortkey || key}`)
}

async function recent(values, positionals) {
  noArgs('recent', positionals)
  const result = await makeClient('recent', values).recentMetadata()
  if (values.json) return printJson(result)
  for (const r of result) {
    print([r.metadata_key, r.state, formatField('created', r.created), `${r.secret_ttl ?? r.ttl ?? ''}`].join('\t'))
  }
}

async function status(values, positionals) {
  noArgs('status', positionals)
  const client = makeClient('status', values)
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

function serverOptions(values) {
  const options = {}
  if (values.generation !== undefined) options.generation = parseGeneration('serve', values.generation)
  if (values.port !== undefined) options.port = parsePort('serve', values.port)
  if (values.username !== undefined) options.username = values.username
  if (values['api-key-env'] !== undefined) {
    const key = process.env[values['api-key-env']]
    if (key === undefined) throw usageError('serve', `environment variable ${values['api-key-env']} (from --api-key-env) is not set`)
    options.apiKey = key
  }
  return options
}

async function serve(values, positionals) {
  noArgs('serve', positionals)
  const options = serverOptions(values)
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
    print('Press Ctrl-C to stop.')
  }
  return stopped
}

module.exports = { share, generate, get, meta, burn, recent, status, serve }

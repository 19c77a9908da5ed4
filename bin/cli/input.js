'use strict'

// Where sensitive input comes from: stdin, or a prompt on the terminal that does not echo.
// Nothing read here is ever put in a message.

const readline = require('node:readline')
const { Writable } = require('node:stream')
const { isUtf8 } = require('node:buffer')
const fs = require('node:fs')
const tty = require('node:tty')
const { Interrupted } = require('./exit-codes.js')
const { usageError } = require('./options.js')

/**
 * Every byte of `input` in one Buffer. The chunks it arrived in are zeroed once copied, and the
 * caller zeroes the one it gets once it has made its string (`text`): of what stdin carried, only
 * the JS string is left, which V8 owns and no program can wipe (README "Security notes").
 */
async function readStdinBytes(input = process.stdin) {
  const chunks = []
  try {
    for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
    return Buffer.concat(chunks)
  } finally {
    for (const chunk of chunks) chunk.fill(0)
  }
}

/** `bytes` as UTF-8 text; `bytes` is zeroed. */
function text(bytes) {
  try {
    return bytes.toString('utf8')
  } finally {
    bytes.fill(0)
  }
}

async function readStdin(input = process.stdin) {
  return text(await readStdinBytes(input))
}

/**
 * The secret from a pipe or a file: every byte, a final newline included, so `ots share < f` and
 * `ots get > g` give back f exactly. Text that is not UTF-8 would not survive (it would be
 * replaced by U+FFFD), so it is refused rather than changed.
 */
async function secretFromStdin(command, input = process.stdin) {
  const bytes = await readStdinBytes(input)
  if (!isUtf8(bytes)) {
    bytes.fill(0)
    throw usageError(command, 'the secret on stdin is not UTF-8 text (encode binary data first, e.g. with base64)')
  }
  return text(bytes)
}

/** The process's terminal when stdin is not it: /dev/tty (POSIX), the console's input on Windows. */
const TERMINAL = process.platform === 'win32' ? '\\\\.\\CONIN$' : '/dev/tty'

/** A terminal to prompt on: stdin if it is one, else the process's terminal. */
function openTerminal() {
  if (process.stdin.isTTY) return { input: process.stdin, close() {} }
  let fd
  try {
    fd = fs.openSync(TERMINAL, 'r+')
  } catch {
    return null
  }
  const input = new tty.ReadStream(fd)
  return { input, close: () => input.destroy() }
}

/** Reads one line from the terminal without echoing it. The prompt goes to stderr. */
function hiddenPrompt(command, label) {
  const term = openTerminal()
  if (!term) {
    throw usageError(command, `no terminal to prompt for the ${label.toLowerCase()} on: pipe it on stdin or use an environment variable`)
  }
  return new Promise((resolve, reject) => {
    const muted = new Writable({ write: (_chunk, _enc, cb) => cb() })
    // The terminal stops echoing when the interface opens; the prompt comes after, so nothing
    // typed in answer to it can be echoed.
    const rl = readline.createInterface({ input: term.input, output: muted, terminal: true })
    process.stderr.write(`${label}: `)
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
    rl.on('SIGINT', () => finish(() => reject(new Interrupted())))
    rl.on('close', () => finish(() => reject(usageError(command, `no ${label.toLowerCase()} entered`))))
  })
}

/**
 * The passphrase from the one source named by a flag, or undefined. `stdinFree` says whether
 * stdin is still unclaimed (it may already carry the secret or the link).
 */
async function passphrase(command, values, stdinFree) {
  const sources = ['passphrase', 'passphrase-env', 'passphrase-stdin'].filter((k) => values[k] !== undefined && values[k] !== false)
  if (sources.length > 1) throw usageError(command, 'use only one of --passphrase, --passphrase-env and --passphrase-stdin')
  if (values['passphrase-env'] !== undefined) {
    const v = process.env[values['passphrase-env']]
    if (v === undefined) throw usageError(command, `environment variable ${values['passphrase-env']} (from --passphrase-env) is not set`)
    return v
  }
  if (values['passphrase-stdin']) {
    if (!stdinFree) throw usageError(command, '--passphrase-stdin needs stdin, which already carries the input: use --passphrase or --passphrase-env')
    return (await readStdin()).split(/\r?\n/)[0]
  }
  if (values.passphrase) return hiddenPrompt(command, 'Passphrase')
  return undefined
}

module.exports = { readStdin, readStdinBytes, secretFromStdin, hiddenPrompt, passphrase }

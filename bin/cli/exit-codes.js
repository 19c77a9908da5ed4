'use strict'

// Exit codes, chosen by an error's `code` (never by its class name, which a subclass or a
// re-thrown error can change). The per-code exit is part of the error-kind table; see
// `exitCodeFor` for how it is read. docs/CLI.md and `ots --help` list the same codes.

const EXIT = {
  OK: 0,
  GENERIC: 1,
  USAGE: 2,
  NOT_AUTHORIZED: 3,
  UNKNOWN_SECRET: 4,
  RATE_LIMITED: 5,
  NETWORK: 6,
  SERVER: 7,
  NOT_FOUND: 8,
  DECRYPTION: 9,
  INTERRUPTED: 130,
}

// The CLI's own errors: a bad command line, and Ctrl-C at a prompt.
const USAGE_CODE = 'ERR_OTS_CLI_USAGE'
const INTERRUPTED_CODE = 'ERR_OTS_CLI_INTERRUPTED'

/** A bad command line: printed as `ots: <message>` and the command's usage line, exit 2. */
class UsageError extends Error {
  constructor(message, usage) {
    super(message)
    this.code = USAGE_CODE
    if (usage) this.usage = usage
  }
}
UsageError.prototype.name = 'UsageError'

/** Ctrl-C (or end of input) at a prompt: exit 130 as a shell would report SIGINT. */
class Interrupted extends Error {
  constructor() {
    super('interrupted at the prompt (Ctrl-C); nothing was sent')
    this.code = INTERRUPTED_CODE
  }
}
Interrupted.prototype.name = 'Interrupted'

// Used until (and checked against) the error-kind table the library exports: code -> exit.
const EXIT_BY_CODE = {
  [USAGE_CODE]: EXIT.USAGE,
  [INTERRUPTED_CODE]: EXIT.INTERRUPTED,
  ERR_OTS: EXIT.GENERIC,
  ERR_OTS_INPUT: EXIT.USAGE,
  ERR_OTS_NOT_AUTHORIZED: EXIT.NOT_AUTHORIZED,
  ERR_OTS_UNKNOWN_SECRET: EXIT.UNKNOWN_SECRET,
  ERR_OTS_INCORRECT_PASSPHRASE: EXIT.UNKNOWN_SECRET,
  ERR_OTS_RATE_LIMITED: EXIT.RATE_LIMITED,
  ERR_OTS_NETWORK: EXIT.NETWORK,
  ERR_OTS_TIMEOUT: EXIT.NETWORK,
  ERR_OTS_SERVER: EXIT.SERVER,
  ERR_OTS_NOT_FOUND: EXIT.NOT_FOUND,
  ERR_OTS_DECRYPTION: EXIT.DECRYPTION,
  ERR_OTS_INVALID_RESPONSE: EXIT.GENERIC,
  ERR_OTS_UNSUPPORTED: EXIT.GENERIC,
  ERR_OTS_API: EXIT.GENERIC,
  ABORT_ERR: EXIT.INTERRUPTED,
}

/** The library's table of error kinds with their CLI exit codes, when it exports one. */
function libraryTable(errors) {
  const table = errors && (errors.ERROR_KINDS || errors.errorKinds)
  if (!table) return null
  const byCode = {}
  for (const kind of Object.values(table)) {
    if (kind && typeof kind.code === 'string' && typeof (kind.exit ?? kind.exitCode) === 'number') byCode[kind.code] = kind.exit ?? kind.exitCode
  }
  return byCode
}

function exitCodeFor(err, errors) {
  const code = err && typeof err.code === 'string' ? err.code : undefined
  if (code === undefined) return EXIT.GENERIC
  const table = libraryTable(errors)
  if (table && Object.prototype.hasOwnProperty.call(table, code)) return table[code]
  return Object.prototype.hasOwnProperty.call(EXIT_BY_CODE, code) ? EXIT_BY_CODE[code] : EXIT.GENERIC
}

const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    any other error (ApiError, InvalidResponseError, UnsupportedError, ...)
  2    usage or input error (bad flag or value, missing or invalid key, empty secret)
  3    not authorized (missing or wrong credentials, or the call needs an account)
  4    unknown secret: already read, burned, expired, never existed, or wrong passphrase
  5    rate limited
  6    network failure or timeout
  7    server error (HTTP 5xx) or the server reports it is offline
  8    not found: no such route (not an OTS server, or a wrong --url)
  9    the secret could not be decrypted (wrong key in the link, or a damaged envelope)
  130  interrupted (Ctrl-C)`

module.exports = { EXIT, EXIT_BY_CODE, EXIT_CODES_HELP, UsageError, Interrupted, exitCodeFor }

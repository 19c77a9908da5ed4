'use strict'

// Exit codes, chosen by an error's `code` (never by its class name): the library's errors take
// theirs from error-kinds.json (through errors.js `exitCodeOf`), the CLI's own two are below.
// `ots --help` and docs/CLI.md describe them; __test__/cli.test.mjs checks that every code of the
// table is described there.

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

// The CLI's own errors; every library error's exit code comes from error-kinds.json.
const CLI_EXIT_BY_CODE = { [USAGE_CODE]: EXIT.USAGE, [INTERRUPTED_CODE]: EXIT.INTERRUPTED }

/** The exit code for `err`: by its `code`, from the CLI's own two or the library's table (`errors`). */
function exitCodeFor(err, errors) {
  const code = err && typeof err.code === 'string' ? err.code : undefined
  if (code !== undefined && Object.prototype.hasOwnProperty.call(CLI_EXIT_BY_CODE, code)) return CLI_EXIT_BY_CODE[code]
  return errors ? errors.exitCodeOf(err) : EXIT.GENERIC
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

module.exports = { EXIT, EXIT_CODES_HELP, UsageError, Interrupted, exitCodeFor }

'use strict'

// stdout for results, stderr for everything else. A reader that goes away (`ots recent | head -1`)
// ends the command quietly with exit 0, as a Unix filter does: whatever the call did has been done,
// and there is nobody left to tell.

function endQuietlyOnClosedPipe(stream) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(0)
    throw err
  })
}

function print(line) {
  process.stdout.write(line + '\n')
}

/**
 * A secret's value exactly as it was shared, so `ots get > file` gives back the bytes that
 * `ots share < file` read. Only a terminal gets a final newline the value lacks, so the shell
 * prompt does not run on after it.
 */
function printSecret(value) {
  process.stdout.write(process.stdout.isTTY && !value.endsWith('\n') ? value + '\n' : value)
}

function printJson(value) {
  print(JSON.stringify(value, null, 2))
}

/** The error as a person would say it, on one line: `ots: <Class>: <message>` for library errors. */
function errorLine(err) {
  let message = err && err.message ? String(err.message).split('\n')[0] : String(err)
  if (err && typeof err.retryAfter === 'number') message += ` (retry after ${err.retryAfter}s)`
  // The CLI's own errors, and the loader's (its message already starts with the package name).
  const cliOwn = err && (err.name === 'UsageError' || err.name === 'Interrupted' || err.code === 'ERR_OTS_NATIVE_BINARY')
  return cliOwn ? `ots: ${message}` : `ots: ${(err && err.name) || 'Error'}: ${message}`
}

function reportError(err) {
  let text = errorLine(err) + '\n'
  if (err && err.usage) text += `${err.usage}  (see --help)\n`
  if (process.env.OTS_DEBUG && err && err.stack) text += err.stack + '\n'
  process.stderr.write(text)
}

module.exports = { endQuietlyOnClosedPipe, print, printSecret, printJson, errorLine, reportError }

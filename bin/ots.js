#!/usr/bin/env node
'use strict'

// The `ots` command: a thin layer over this package's own index.js and testing.js. Secrets,
// passphrases and API keys never come from argv unless explicitly forced, and never appear in a
// message. See docs/CLI.md. The parts: cli/options.js (flags and values), cli/input.js (stdin and
// hidden prompts), cli/commands.js, cli/output.js, cli/exit-codes.js, cli/usage.js (help texts).

const fs = require('node:fs')
const path = require('node:path')
const { EXIT, exitCodeFor } = require('./cli/exit-codes.js')
const { mainUsage, commandHelp, USAGE } = require('./cli/usage.js')
const { PKG_DIR, usageError, flagName, parse } = require('./cli/options.js')
const { endQuietlyOnClosedPipe, print, reportError } = require('./cli/output.js')
const commands = require('./cli/commands.js')

function version() {
  try {
    return JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8')).version
  } catch {
    return 'unknown'
  }
}

async function main(argv) {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined
    if (topic && Object.prototype.hasOwnProperty.call(USAGE, topic)) print(commandHelp(topic))
    else if (topic) throw usageError(undefined, "unknown command (run 'ots --help' for the list)")
    else print(mainUsage(version()))
    return command === undefined ? EXIT.USAGE : EXIT.OK
  }
  if (command === '--version' || command === '-v') {
    print(version())
    return EXIT.OK
  }
  if (command.startsWith('-')) throw usageError(undefined, `unknown option ${flagName(command)}: a command comes first`)
  // Never echo an unknown first word: it may be a secret typed in the wrong place.
  if (!Object.prototype.hasOwnProperty.call(commands, command)) throw usageError(undefined, "unknown command (run 'ots --help' for the list)")
  const { values, positionals } = parse(command, rest)
  if (values.help) {
    print(commandHelp(command))
    return EXIT.OK
  }
  const code = await commands[command](values, positionals)
  return typeof code === 'number' ? code : EXIT.OK
}

endQuietlyOnClosedPipe(process.stdout)

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    reportError(err)
    // errors.js is plain JS over error-kinds.json: it loads even when the native addon does not.
    process.exitCode = exitCodeFor(err, require(path.join(PKG_DIR, 'errors.js')))
  },
)

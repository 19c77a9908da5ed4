'use strict'

// The help texts. Each command's first line ("Usage: ots <command> ...") is also the usage line
// printed under a command-line error.

const { EXIT_CODES_HELP } = require('./exit-codes.js')

const CONNECTION_HELP = `Connection options (flags win over environment variables):
  --url <url>            server base URL                  (env OTS_URL; default https://onetimesecret.com)
  --region <r>           eu, us, ca, nz or uk             (env OTS_REGION)
  --api-version <v>      v1 or v2                         (env OTS_API_VERSION; default v1)
  --username <email>     account email                    (env OTS_USERNAME)
  --api-key-env <VAR>    read the API key from env VAR    (default OTS_API_KEY)
  --anonymous            send no credentials even if they are configured
  --timeout <seconds>    total time per call, > 0         (default 30)
  --json                 print the full JSON result
  -h, --help             this help
Without a username and API key the client is anonymous. The API key is never accepted in argv.`

const PASSPHRASE_HELP = `Passphrase options (never in argv):
  --passphrase           prompt for it (hidden, on the terminal)
  --passphrase-env <VAR> read it from environment variable VAR
  --passphrase-stdin     read it from stdin (first line)`

const TTL_HELP = `  --ttl <time>           lifetime: whole seconds > 0, or a number with s, m, h or d (90m, 7d)`

const USAGE = {
  share: `Usage: ots share [options] < secret
       echo 'the secret' | ots share [options]

Shares a secret and prints its link (line 1 of stdout). The receipt (metadata) key, for
'ots meta' and 'ots burn', goes to stderr. With --json the full answer goes to stdout.

The secret is read from stdin when stdin is a pipe or file, every byte of it (a final newline
too: use printf %s or echo -n to leave it out), or with a hidden prompt when stdin is a terminal. It is taken from the command line only with
--secret-from-argv (or --force), because argv ends up in shell history and process lists.

Options:
${TTL_HELP}
  --recipient <email>    email the link to this address (needs an account)
  --secret-from-argv     take the secret from the first argument (alias --force)
  --encrypt              encrypt end to end: the key goes in the link's #fragment, never to the server
  --key-file <path>      with --encrypt: write the key to <path> (a new file, readable only by you)
                         and print the link without it, so the two can travel by different channels
  --passphrase           prompt for a passphrase (hidden)
  --passphrase-env <VAR> take the passphrase from environment variable VAR
  --passphrase-stdin     first line of stdin is the passphrase (only with --secret-from-argv)

${CONNECTION_HELP}`,

  generate: `Usage: ots generate [options]

Has the server generate a random secret. Prints the share link (line 1) and the generated
value (line 2); the receipt (metadata) key goes to stderr. --json prints the full answer.

Options:
${TTL_HELP}
  --recipient <email>    email the link to this address (needs an account)
${PASSPHRASE_HELP}

${CONNECTION_HELP}`,

  get: `Usage: ots get [<secret link or key> | -] [options]

Reveals a secret (it is gone afterwards) and prints only its value, byte for byte, so it pipes
(a newline is added only on a terminal, and only if the value lacks one):
  ots get < link.txt > secret.txt

Without an argument (or with -) the link is read from stdin (first line), or from a hidden
prompt when stdin is a terminal, so it stays out of shell history and process lists.
A full share link selects its own server (scheme, host, port and any path before /secret/)
unless --url is given; credentials are only sent when that server is the configured one
(retrieving a secret needs no account). A link made with 'ots share --encrypt' is decrypted
with the key in its #fragment, or the key given apart with --key-file; if it does not decrypt, the
envelope is printed and the exit code is 9 (text from the server that is not an envelope is not
printed). A link with its #key as an argument works, with a warning: argv is visible to other
users (ps) and stays in shell history; give the link on stdin or the key with --key-file.

Options:
  --key-file <path>      read the decryption key from <path> (first line); - reads it from stdin,
                         or from a hidden prompt when stdin is a terminal
${PASSPHRASE_HELP}

${CONNECTION_HELP}`,

  meta: `Usage: ots meta <metadata key | receipt link> [options]

Shows a receipt: the state of a secret you shared (new, received, burned, ...), never its value.

${CONNECTION_HELP}`,

  burn: `Usage: ots burn <metadata key | receipt link> [options]

Destroys a shared secret before it is read. Takes the receipt (metadata) key that 'ots share'
printed, not the secret key.

${PASSPHRASE_HELP}

${CONNECTION_HELP}`,

  recent: `Usage: ots recent [options]

Lists the receipts of secrets your account shared recently (needs a username and API key):
one line per receipt: metadata key, state, created (UTC), and the secret's remaining ttl.

${CONNECTION_HELP}`,

  status: `Usage: ots status [options]

Asks the server whether it is up. Prints "nominal" or "offline" with the server URL, its
version and API versions when it says. Exits 0 when nominal, 7 when offline.

${CONNECTION_HELP}`,

  serve: `Usage: ots serve [options]

Starts the embedded OneTimeSecret test server (in memory, 127.0.0.1 only) and prints its URL,
account username and API key, plus the environment lines to point 'ots' at it. Runs until
SIGINT (Ctrl-C) or SIGTERM, then stops and wipes every secret.

Options:
  --generation <g>       v0.12, v0.22 or v0.26 (default v0.26)
  --port <n>             port to listen on, 0-65535 (default 0: a free one)
  --username <email>     the account's email (default tester@example.com)
  --api-key-env <VAR>    use the API key in environment variable VAR (default: a random one)
  --json                 print {"url","username","apiKey","generation"} as one JSON line
  -h, --help             this help`,
}

function mainUsage(version) {
  return `Usage: ots <command> [options]

A OneTimeSecret client (onetimesecret-api ${version}).

Commands:
  share      share a secret (from stdin or a hidden prompt) and print its link
  generate   have the server generate a secret; print its link and value
  get        reveal a secret by link or key (argument, stdin or prompt); print only its value
  meta       show a receipt (metadata) of a shared secret
  burn       destroy a shared secret before it is read
  recent     list your recent receipts (needs an account)
  status     check that the server is up
  serve      run the embedded test server until Ctrl-C

Run 'ots <command> --help' for a command's options.

Environment: OTS_URL, OTS_REGION, OTS_API_VERSION, OTS_USERNAME, OTS_API_KEY.

${EXIT_CODES_HELP}`
}

/** The first line of a command's help (or of the main help), shown under a usage error. */
function usageLine(command) {
  const text = command && USAGE[command] ? USAGE[command] : 'Usage: ots <command> [options]'
  return text.split('\n')[0]
}

function commandHelp(command) {
  return USAGE[command] + (command === 'serve' ? '' : `\n\n${EXIT_CODES_HELP}`)
}

module.exports = { USAGE, mainUsage, usageLine, commandHelp }

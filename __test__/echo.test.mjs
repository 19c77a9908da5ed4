// Issue 22 item 5: a server whose errors echo the request (the body, the decoded Authorization
// header, the path) must not carry the call's own secrets into an error: not its message, stack,
// util.inspect, JSON.stringify, cause or serverMessage, nor the CLI's stderr. Every call, both API
// versions, every status the client maps and three answer styles, against
// __test__/helpers/echo-server.mjs. The secrets are chosen to need every encoding: spaces, `+`, `/`,
// `&`, quotes, a backslash and non-ASCII.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import util from 'node:util'

import OneTimeSecretApi, { OneTimeSecretError } from '../index.mjs'
import { startEchoServer } from './helpers/echo-server.mjs'
import { ots } from './helpers/ots-cli.mjs'

const USERNAME = 'echo.user+ots@example.com'
const TOKEN = 'tok3n/with+slash&amp=é'
const SECRET = 'the s3cret "value" is \\ hunter2 + café/42 & more'
const PASSPHRASE = 'pass phrase+é/&"x"'
const SECRET_KEY = 'sk1echo2key3abcdefghijklmnopqrs'
const METADATA_KEY = 'mk1echo2key3abcdefghijklmnopqrs'
const MARK = '[redacted]'

/** Every form in which a value could come back from the echoing server. */
function forms(value) {
  const json = JSON.stringify(value).slice(1, -1)
  const out = new Set([
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    json,
    json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    Buffer.from(value).toString('base64'),
  ])
  // The start of a form a bound cut off: the longest run that would still say something.
  return [...out].filter((f) => f.length > 0)
}

const SECRETS = [SECRET, PASSPHRASE, TOKEN, USERNAME, SECRET_KEY, METADATA_KEY, `${USERNAME}:${TOKEN}`]
const FORBIDDEN = SECRETS.flatMap(forms).concat([Buffer.from(`${USERNAME}:${TOKEN}`).toString('base64')])
// Also no long piece of a secret: 12 characters of any form are enough to be a leak.
const PIECES = FORBIDDEN.flatMap((f) => (f.length > 12 ? Array.from({ length: f.length - 11 }, (_, i) => f.slice(i, i + 12)) : [f]))

/** Every surface of an error that a user may print or log. */
function surfaces(e) {
  const cause = e.cause
  return {
    message: e.message,
    stack: String(e.stack),
    inspect: util.inspect(e, { depth: 10, showHidden: true }),
    json: JSON.stringify(e),
    serverMessage: String(e.serverMessage),
    cause: `${cause}`,
    causeInspect: util.inspect(cause, { depth: 10, showHidden: true }),
  }
}

function assertClean(e, where) {
  assert.ok(e instanceof OneTimeSecretError, `${where}: ${e}`)
  for (const [surface, text] of Object.entries(surfaces(e))) {
    for (const piece of PIECES) {
      assert.ok(!text.includes(piece), `${where}: ${surface} holds ${JSON.stringify(piece)}:\n${text}`)
    }
  }
}

const STATUSES = [200, 400, 401, 403, 404, 410, 422, 429, 500, 502, 503]
const STYLES = ['message', 'error', 'plain']

const CALLS = {
  share: (c) => c.share(SECRET, { passphrase: PASSPHRASE, ttl: 600 }),
  generate: (c) => c.generate({ passphrase: PASSPHRASE }),
  retrieveSecret: (c) => c.retrieveSecret(SECRET_KEY, { passphrase: PASSPHRASE }),
  retrieveMetadata: (c) => c.retrieveMetadata(METADATA_KEY),
  burn: (c) => c.burn(METADATA_KEY, { passphrase: PASSPHRASE }),
  recentMetadata: (c) => c.recentMetadata(),
  secretStatus: (c) => c.secretStatus(SECRET_KEY),
  serverInfo: (c) => c.serverInfo(),
  status: (c) => c.status(),
}

let echo
before(async () => {
  echo = await startEchoServer()
})
after(() => echo.close())

for (const apiVersion of ['v1', 'v2']) {
  test(`API ${apiVersion}: every call x every status x every answer style: no secret of the call in any error surface`, async () => {
    const client = new OneTimeSecretApi(USERNAME, TOKEN, { url: echo.url, apiVersion, retries: 0 })
    let errors = 0
    let redacted = 0
    for (const status of STATUSES) {
      for (const style of STYLES) {
        echo.set({ status, style })
        for (const [name, call] of Object.entries(CALLS)) {
          const where = `${apiVersion} ${name} status ${status} ${style}`
          const e = await call(client).then(() => undefined, (err) => err)
          // A 200 that is not the answer expected, or a status call's own reading, may resolve.
          if (e === undefined) continue
          errors++
          assertClean(e, where)
          if (Object.values(surfaces(e)).some((t) => t.includes(MARK))) redacted++
        }
      }
    }
    // The echo did reach the errors (so the assertions above had something to find).
    assert.ok(errors > STATUSES.length * STYLES.length * 5, `${errors} errors`)
    assert.ok(redacted > STATUSES.length * 5, `${redacted} errors had something redacted`)
  })
}

test('the CLI prints no secret of the call on stderr when the server echoes it', async () => {
  const env = { OTS_USERNAME: USERNAME, OTS_API_KEY: TOKEN, PASS: PASSPHRASE }
  for (const status of [400, 404, 500]) {
    echo.set({ status, style: 'message' })
    for (const [args, input] of [
      [['share', '--passphrase-env', 'PASS'], SECRET],
      [['get', SECRET_KEY, '--passphrase-env', 'PASS'], ''],
      [['burn', METADATA_KEY, '--passphrase-env', 'PASS'], ''],
      [['meta', METADATA_KEY, '--api-version', 'v2'], ''],
    ]) {
      const r = await ots([...args, '--url', echo.url], { env, input })
      assert.notEqual(r.code, 0)
      assert.match(r.stderr, /^ots: /)
      for (const piece of PIECES) assert.ok(!r.stderr.includes(piece), `ots ${args[0]} (${status}): stderr holds ${JSON.stringify(piece)}:\n${r.stderr}`)
    }
  }
})

test('serverInfo and ots status: a version string that echoes the credentials is printed without them', async () => {
  echo.set({ status: 200, style: 'version' })
  const info = await new OneTimeSecretApi(USERNAME, TOKEN, { url: echo.url }).serverInfo()
  assert.equal(info.status, 'nominal')
  assert.match(info.version, /\[redacted\]/)
  for (const piece of PIECES) assert.ok(!info.version.includes(piece), `version holds ${JSON.stringify(piece)}: ${info.version}`)
  const r = await ots(['status', '--url', echo.url], { env: { OTS_USERNAME: USERNAME, OTS_API_KEY: TOKEN } })
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /^nominal /)
  for (const piece of PIECES) assert.ok(!r.stdout.includes(piece), `stdout holds ${JSON.stringify(piece)}: ${r.stdout}`)
})

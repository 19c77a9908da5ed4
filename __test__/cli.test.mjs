// End-to-end tests of the `ots` CLI (bin/ots.js): child processes against the embedded server.
import { test, before, after, describe } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '../testing.mjs'
import { OTS, baseEnv, ots, readUntil } from './helpers/ots-cli.mjs'
import { spawnCapture } from './helpers/spawn-capture.mjs'

function assertOneErrorLine(r, className) {
  const lines = r.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`)
  assert.match(lines[0], new RegExp(`^ots: ${className}: \\S`))
}

/** A bad command line: exit 2, `ots: <message>` then the command's usage line, nothing on stdout. */
function assertUsageError(r, message, command = '<command>') {
  assert.equal(r.code, 2, r.stderr)
  assert.equal(r.stdout, '')
  const lines = r.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 2, `an error line and the usage line on stderr, got: ${r.stderr}`)
  assert.match(lines[0], /^ots: [^A-Z]/)
  if (message) assert.match(lines[0], message)
  assert.ok(lines[1].startsWith(`Usage: ots ${command} `), lines[1])
}

let server
let env
let authEnv

before(async () => {
  server = await startServer()
  env = { OTS_URL: server.url }
  authEnv = { ...env, OTS_USERNAME: server.username, OTS_API_KEY: server.apiKey }
})

after(async () => {
  await server.close()
})

describe('help', () => {
  test('ots --help lists every command and the exit codes', async () => {
    const r = await ots(['--help'])
    assert.equal(r.code, 0)
    for (const c of ['share', 'generate', 'get', 'meta', 'burn', 'recent', 'status', 'serve']) assert.match(r.stdout, new RegExp(`\\n  ${c} `))
    assert.match(r.stdout, /Exit codes:/)
    assert.match(r.stdout, /4 +unknown secret/)
  })

  for (const c of ['share', 'generate', 'get', 'meta', 'burn', 'recent', 'status', 'serve']) {
    test(`ots ${c} --help`, async () => {
      const r = await ots([c, '--help'])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, new RegExp(`^Usage: ots ${c}`))
      assert.equal(r.stderr, '')
      const h = await ots(['help', c])
      assert.equal(h.code, 0)
      assert.match(h.stdout, new RegExp(`^Usage: ots ${c}`))
    })
  }

  test('no command prints usage and exits 2; an unknown command is not echoed', async () => {
    const r = await ots([])
    assert.equal(r.code, 2)
    assert.match(r.stdout, /^Usage: ots <command>/)
    const u = await ots(['hunter2'])
    assertUsageError(u, /unknown command/)
    assert.doesNotMatch(u.stderr, /hunter2/)
  })

  test('an unknown option is a usage error naming the option only', async () => {
    const r = await ots(['share', '--secret=hunter2'], { env })
    assertUsageError(r, /^ots: unknown option --secret$/, 'share')
    assert.doesNotMatch(r.stderr, /hunter2/)
  })
})

describe('share and get', () => {
  test('pipe round trip: echo s | ots share --json, then ots get <link> prints s and its newline; a second get exits 4', async () => {
    const shared = await ots(['share', '--json'], { env, input: 's\n' })
    assert.equal(shared.code, 0, shared.stderr)
    const result = JSON.parse(shared.stdout)
    assert.equal(result.share_link, `${server.url}/secret/${result.secret_key}`)
    assert.ok(result.metadata_key)

    const got = await ots(['get', result.share_link], { env })
    assert.equal(got.code, 0, got.stderr)
    assert.equal(got.stdout, 's\n')
    assert.equal(got.stderr, '')

    const again = await ots(['get', result.share_link], { env })
    assert.equal(again.code, 4)
    assert.equal(again.stdout, '')
    assertOneErrorLine(again, 'UnknownSecretError')
  })

  test('share prints the link on stdout and the receipt key on stderr; a link picks its own host', async () => {
    const shared = await ots(['share', '--ttl', '1h'], { env, input: 'multi\nline secret\n' })
    assert.equal(shared.code, 0, shared.stderr)
    const link = shared.stdout.trim()
    assert.match(link, new RegExp(`^${server.url}/secret/[a-z0-9]+$`))
    assert.match(shared.stderr, /^receipt: [a-z0-9]+ /)
    // OTS_URL points at a dead port: the link's own host must be used.
    const got = await ots(['get', link], { env: { OTS_URL: 'http://127.0.0.1:9' } })
    assert.equal(got.code, 0, got.stderr)
    assert.equal(got.stdout, 'multi\nline secret\n')
  })

  test('--url wins over the link host', async () => {
    const shared = await ots(['share', '--json'], { env, input: 'x' })
    const { share_link: link } = JSON.parse(shared.stdout)
    const got = await ots(['get', link, '--url', 'http://127.0.0.1:9'])
    assert.equal(got.code, 6)
    assertOneErrorLine(got, 'NetworkError')
    const bare = await ots(['get', link.split('/').pop(), '--url', server.url])
    assert.equal(bare.stdout, 'x')
  })

  test('a secret on argv is refused unless --secret-from-argv or --force', async () => {
    const refused = await ots(['share', 'hunter2'], { env })
    assertUsageError(refused, /refusing/, 'share')
    assert.doesNotMatch(refused.stderr, /hunter2/)
    assert.equal(server.requestCount('POST /api/v1/share') >= 0, true)

    for (const flag of ['--secret-from-argv', '--force']) {
      const ok = await ots(['share', flag, 'hunter2', '--json'], { env })
      assert.equal(ok.code, 0, ok.stderr)
      const got = await ots(['get', JSON.parse(ok.stdout).share_link])
      assert.equal(got.stdout, 'hunter2')
    }
  })

  test('a file keeps its bytes: ots share < f, then ots get > g, leaves cmp f g silent (final newline or not)', async () => {
    // Real redirections in a real shell, as a user types them (docs/CLI.md, "Where secrets ... come from").
    const dir = mkdtempSync(join(tmpdir(), 'ots-cli-bytes-'))
    try {
      const files = {
        'with-newline': 'db password\n',
        'without-newline': 'db password',
        'two-newlines': 'line 1\nline 2\n\n',
        crlf: 'windows line\r\n',
        'only-newline': '\n',
        unicode: 'pässwörd 🔑 without newline',
      }
      for (const [name, text] of Object.entries(files)) {
        writeFileSync(join(dir, name), text)
        const sh = (script) => spawnCapture('sh', ['-c', script], { env: baseEnv({ ...env, OTS: OTS, NODE: process.execPath, F: name }), cwd: dir })
        const shared = await sh('"$NODE" "$OTS" share < "$F"')
        assert.equal(shared.status, 0, `${name}: ${shared.stderr}`)
        const link = shared.stdout.trim()
        const got = await sh(`"$NODE" "$OTS" get '${link}' > "$F.out" && cmp "$F" "$F.out"`)
        assert.equal(got.status, 0, `${name}: cmp says ${got.stdout}${got.stderr}`)
        assert.equal(got.stdout + got.stderr, '', `${name}: cmp is silent`)
        assert.deepEqual(readFileSync(join(dir, `${name}.out`)), Buffer.from(text, 'utf8'), name)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('a secret on stdin that is not UTF-8 is refused (exit 2) rather than changed, and nothing is sent', async () => {
    const before = server.requestCount('POST /api/v1/share')
    const r = await ots(['share'], { env, input: Buffer.from([0x70, 0x77, 0xff, 0xfe, 0x0a]) })
    assertUsageError(r, /the secret on stdin is not UTF-8 text/, 'share')
    assert.equal(server.requestCount('POST /api/v1/share'), before)
  })

  test('an empty secret on stdin is a usage error and sends nothing', async () => {
    const before = server.requestCount('POST /api/v1/share')
    const r = await ots(['share'], { env, input: '' })
    assertUsageError(r, /the secret is empty/, 'share')
    assert.equal(server.requestCount('POST /api/v1/share'), before)
  })

  test('passphrases from an environment variable and from stdin; a wrong one exits 4', async () => {
    const shared = await ots(['share', '--passphrase-env', 'MY_PASS', '--json'], {
      env: { ...env, MY_PASS: 'open sesame' },
      input: 'guarded',
    })
    assert.equal(shared.code, 0, shared.stderr)
    const { share_link: link } = JSON.parse(shared.stdout)
    assert.equal(JSON.parse(shared.stdout).passphrase_required, true)

    const wrong = await ots(['get', link, '--passphrase-env', 'MY_PASS'], { env: { MY_PASS: 'wrong guess' } })
    assert.equal(wrong.code, 4)
    assert.doesNotMatch(wrong.stderr, /wrong guess|open sesame/)

    const right = await ots(['get', link, '--passphrase-stdin'], { input: 'open sesame\n' })
    assert.equal(right.code, 0, right.stderr)
    assert.equal(right.stdout, 'guarded')

    const unset = await ots(['get', link, '--passphrase-env', 'NOT_SET_ANYWHERE'])
    assertUsageError(unset, /NOT_SET_ANYWHERE/, 'get')

    const clash = await ots(['share', '--passphrase-stdin'], { env, input: 'x' })
    assert.equal(clash.code, 2)
  })

  test('generate prints the link and the value; get returns that value', async () => {
    const r = await ots(['generate', '--ttl', '10m'], { env })
    assert.equal(r.code, 0, r.stderr)
    const [link, value, extra] = r.stdout.split('\n')
    assert.match(link, /\/secret\//)
    assert.ok(value.length > 0)
    assert.equal(extra, '')
    const got = await ots(['get', link])
    assert.equal(got.stdout, value, 'the value as generated, without a newline added (stdout is not a terminal)')
  })
})

describe('receipts', () => {
  test('meta shows the state; burn destroys the secret; get then exits 4', async () => {
    const shared = JSON.parse((await ots(['share', '--json'], { env, input: 'burn me' })).stdout)
    const meta = await ots(['meta', shared.metadata_key], { env })
    assert.equal(meta.code, 0, meta.stderr)
    assert.match(meta.stdout, /^metadata_key: /m)
    assert.match(meta.stdout, /^state: new$/m)
    assert.doesNotMatch(meta.stdout, /burn me/)

    const metaJson = await ots(['meta', shared.metadata_key, '--json'], { env })
    assert.equal(JSON.parse(metaJson.stdout).metadata_key, shared.metadata_key)

    const burned = await ots(['burn', shared.metadata_key], { env })
    assert.equal(burned.code, 0, burned.stderr)
    assert.match(burned.stdout, /^burned /)

    const got = await ots(['get', shared.share_link])
    assert.equal(got.code, 4)
  })

  test('meta and burn accept a receipt link', async () => {
    const shared = JSON.parse((await ots(['share', '--json'], { env, input: 'r' })).stdout)
    const link = `${server.url}/receipt/${shared.metadata_key}`
    const meta = await ots(['meta', link])
    assert.equal(meta.code, 0, meta.stderr)
    const burned = await ots(['burn', link, '--json'])
    assert.equal(burned.code, 0, burned.stderr)
    assert.ok(JSON.parse(burned.stdout).state)
  })

  test('an unknown receipt exits 4', async () => {
    const r = await ots(['meta', 'a'.repeat(31)], { env })
    assert.equal(r.code, 4)
  })

  test('recent needs an account: anonymous exits 3, with credentials it lists the receipt', async () => {
    const anon = await ots(['recent'], { env })
    assert.equal(anon.code, 3)
    assertOneErrorLine(anon, 'NotAuthorizedError')

    const shared = JSON.parse((await ots(['share', '--json'], { env: authEnv, input: 'mine' })).stdout)
    const r = await ots(['recent'], { env: authEnv })
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^${shared.metadata_key}\\t`, 'm'))
    const j = await ots(['recent', '--json'], { env: authEnv })
    assert.ok(JSON.parse(j.stdout).some((m) => m.metadata_key === shared.metadata_key))

    // --api-key-env and --username flags
    const flags = await ots(['recent', '--username', server.username, '--api-key-env', 'KEY_HERE', '--url', server.url], {
      env: { KEY_HERE: server.apiKey },
    })
    assert.equal(flags.code, 0, flags.stderr)
  })

  test('a wrong API key exits 3 and is never printed', async () => {
    const key = 'wrongkey0000000000000000000000000000sekret'
    const r = await ots(['recent'], { env: { ...env, OTS_USERNAME: server.username, OTS_API_KEY: key } })
    assert.equal(r.code, 3)
    assertOneErrorLine(r, 'NotAuthorizedError')
    assert.doesNotMatch(r.stderr + r.stdout, /sekret/)
  })

  test('half a credential is a usage error', async () => {
    const r = await ots(['status'], { env: { ...env, OTS_USERNAME: 'me@example.com' } })
    assertUsageError(r, /needs an API key/, 'status')
  })
})

describe('status and failures', () => {
  test('status against the server exits 0 and says nominal', async () => {
    const r = await ots(['status'], { env })
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^nominal \(/)
    const j = await ots(['status', '--json'], { env })
    assert.equal(JSON.parse(j.stdout).status, 'nominal')
  })

  test('a refused connection exits 6 (NetworkError) and says where and why', async () => {
    const s = await startServer()
    const url = s.url
    await s.close()
    const r = await ots(['status', '--url', url])
    assert.equal(r.code, 6)
    assertOneErrorLine(r, 'NetworkError')
    assert.ok(r.stderr.includes(`connection refused at ${new URL(url).host}`), r.stderr)
  })

  test('rate limited exits 5, server error exits 7, timeout exits 6, invalid key exits 2', async () => {
    const s = await startServer()
    try {
      const e = { OTS_URL: s.url }
      s.setFault({ kind: 'rateLimited', retryAfter: 7, route: 'POST /api/v1/share', times: 1 })
      const limited = await ots(['share'], { env: e, input: 'x' })
      assert.equal(limited.code, 5, limited.stderr)
      assertOneErrorLine(limited, 'RateLimitedError')

      s.setFault({ kind: 'status', status: 500, route: 'POST /api/v1/share', times: 1 })
      const failed = await ots(['share'], { env: e, input: 'x' })
      assert.equal(failed.code, 7, failed.stderr)
      assertOneErrorLine(failed, 'InternalServerError')

      s.setFault({ kind: 'delayHeaders', ms: 5000, route: 'POST /api/v1/share', times: 1 })
      const slow = await ots(['share', '--timeout', '0.3'], { env: e, input: 'x' })
      assert.equal(slow.code, 6, slow.stderr)
      assertOneErrorLine(slow, 'TimeoutError')
      s.clearFaults()

      const bad = await ots(['get', 'not a key!'], { env: e })
      assert.equal(bad.code, 2)
      assertOneErrorLine(bad, 'InputError')
    } finally {
      await s.close()
    }
  })
})

describe('serve', () => {
  test('ots serve prints a URL that answers status, and stops on SIGTERM', async (t) => {
    const child = spawn(process.execPath, [OTS, 'serve', '--json', '--generation', 'v0.22'], {
      env: baseEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    const exited = once(child, 'exit')
    t.after(() => child.kill('SIGKILL'))
    const buffered = await readUntil(child, child.stdout, (text) => text.includes('\n'))
    const info = JSON.parse(buffered.split('\n')[0])
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.equal(info.generation, 'v0.22')
    assert.ok(info.apiKey)

    const status = await ots(['status', '--url', info.url])
    assert.equal(status.code, 0, status.stderr)
    assert.match(status.stdout, /^nominal/)

    const recent = await ots(['recent', '--url', info.url, '--username', info.username, '--api-version', 'v2'], {
      env: { OTS_API_KEY: info.apiKey },
    })
    assert.equal(recent.code, 0, recent.stderr)
    // v0.22's v1 recent route is broken (a real OTS bug the server imitates): the client reads the
    // v2 list instead, so API v1 works too.
    const v1 = await ots(['recent', '--url', info.url, '--username', info.username], { env: { OTS_API_KEY: info.apiKey } })
    assert.equal(v1.code, 0, v1.stderr)

    child.kill('SIGTERM')
    const [code, signal] = await exited
    if (process.platform !== 'win32') {
      assert.equal(signal, null, stderr)
      assert.equal(code, 0, stderr)
    }
  })

  test('ots serve prints url, username and API key in plain text', async (t) => {
    const child = spawn(process.execPath, [OTS, 'serve'], { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = once(child, 'exit')
    t.after(() => child.kill('SIGKILL'))
    const out = await readUntil(child, child.stdout, (text) => text.includes('Ctrl-C'))
    assert.match(out, /^url: +http:\/\/127\.0\.0\.1:\d+$/m)
    assert.match(out, /^username: +\S+@\S+$/m)
    assert.match(out, /^api key: +\S+$/m)
    child.kill('SIGINT')
    const [code] = await exited
    if (process.platform !== 'win32') assert.equal(code, 0)
  })
})

describe('bad flags and values name the flag and show the usage line', () => {
  const cases = [
    [['--bogus'], /^ots: unknown option --bogus: a command comes first$/, '<command>'],
    [['share', '--ttl', '-5'], /^ots: --ttl: expected whole seconds > 0.*, got -5$/, 'share'],
    [['share', '--ttl=1.5'], /^ots: --ttl: expected whole seconds > 0.*, got 1\.5$/, 'share'],
    [['status', '--timeout', '0'], /^ots: --timeout: expected a number of seconds > 0.*, got 0$/, 'status'],
    [['status', '--timeout', 'soon'], /^ots: --timeout: expected a number of seconds > 0.*, got soon$/, 'status'],
    [['serve', '--generation', 'v0.99'], /^ots: --generation: expected one of v0\.12, v0\.22, v0\.26, got v0\.99$/, 'serve'],
    [['serve', '--port', '70000'], /^ots: --port: expected a port number from 0 to 65535, got 70000$/, 'serve'],
    [['status', '--url'], /^ots: --url needs a value$/, 'status'],
    [['status', '--json=yes'], /^ots: --json takes no value$/, 'status'],
  ]
  for (const [args, message, command] of cases) {
    test(`ots ${args.join(' ')}`, async () => {
      const before = server.requestCount()
      assertUsageError(await ots(args, { env, input: 'never sent' }), message, command)
      assert.equal(server.requestCount(), before, 'nothing was sent')
    })
  }

  test('every generation the CLI accepts is one the embedded server starts', async () => {
    for (const generation of ['v0.12', 'v0.22', 'v0.26']) {
      const s = await startServer({ generation })
      assert.equal(s.generation, generation)
      await s.close()
    }
    const help = await ots(['serve', '--help'])
    assert.match(help.stdout, /--generation <g> +v0\.12, v0\.22 or v0\.26 /)
  })
})

describe('exit codes by error code', () => {
  test('an unknown route (not an OTS server, or a wrong --url) exits 8, an unknown secret 4', async () => {
    const key = 'a'.repeat(31)
    const route = await ots(['meta', key, '--url', `${server.url}/not/ots`])
    assert.equal(route.code, 8, route.stderr)
    assertOneErrorLine(route, 'NotFoundError')
    // A web server that is not OTS at all: a plain 404 page.
    const web = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'))
    web.listen(0, '127.0.0.1')
    await once(web, 'listening')
    try {
      const notOts = await ots(['meta', key, '--url', `http://127.0.0.1:${web.address().port}/not-ots`])
      assert.equal(notOts.code, 8, notOts.stderr)
      assertOneErrorLine(notOts, 'NotFoundError')
    } finally {
      web.close()
    }
    const secret = await ots(['meta', key, '--url', server.url])
    assert.equal(secret.code, 4, secret.stderr)
    assertOneErrorLine(secret, 'UnknownSecretError')
  })

  test('every exit code of error-kinds.json is what ots exits with, and is described in --help', async () => {
    const errors = (await import('../errors.js')).default
    const { exitCodeFor, EXIT_CODES_HELP } = (await import('../bin/cli/exit-codes.js')).default
    assert.ok(errors.kinds.length >= 15)
    for (const kind of errors.kinds) {
      const err = new errors[kind.name]('x')
      assert.equal(exitCodeFor(err, errors), kind.exitCode, kind.name)
      assert.match(EXIT_CODES_HELP, new RegExp(`^  ${kind.exitCode} +\\S`, 'm'), `exit ${kind.exitCode} (${kind.name}) in the help`)
    }
    const help = await ots(['--help'])
    assert.ok(help.stdout.includes(EXIT_CODES_HELP))
  })
})

describe('pipes and stdin', () => {
  /** Runs ots with its stdout closed before it writes anything: every write fails with EPIPE. */
  function otsIntoClosedPipe(args, extraEnv) {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [OTS, ...args], { env: baseEnv(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] })
      child.stdout.destroy()
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
      child.on('error', reject)
      child.on('close', (code, signal) => resolve({ code, signal, stderr }))
    })
  }

  test('ots recent | head -1 and ots meta <key> | head -1 end quietly on a closed pipe', async () => {
    for (let i = 0; i < 3; i++) await ots(['share'], { env: authEnv, input: `pipe ${i}` })
    const shared = JSON.parse((await ots(['share', '--json'], { env: authEnv, input: 'meta pipe' })).stdout)
    for (const args of [['recent'], ['meta', shared.metadata_key], ['status', '--json']]) {
      const r = await otsIntoClosedPipe(args, authEnv)
      assert.equal(r.stderr, '', `ots ${args[0]}: nothing on stderr`)
      assert.equal(r.code, 0, `ots ${args[0]} exits 0`)
    }
  })

  test('ots get reads the link from stdin when no argument is given, or with -', async () => {
    for (const args of [['get'], ['get', '-']]) {
      const shared = JSON.parse((await ots(['share', '--json'], { env, input: 'from stdin' })).stdout)
      const got = await ots(args, { input: `\n${shared.share_link}\n` })
      assert.equal(got.code, 0, got.stderr)
      assert.equal(got.stdout, 'from stdin')
    }
    const empty = await ots(['get'], { env, input: '' })
    assertUsageError(empty, /missing secret link or key/, 'get')
    const clash = await ots(['get', '--passphrase-stdin'], { env, input: 'x' })
    assertUsageError(clash, /--passphrase-stdin needs stdin/, 'get')
  })
})

describe('prompts on a terminal (util-linux script gives the command a pseudo-terminal)', () => {
  /** `ots args` on a pseudo-terminal; `answer` is typed once the prompt shows. Resolves {code, output}. */
  async function otsOnTerminal(args, prompt, answer) {
    const command = [process.execPath, OTS, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: baseEnv(env), stdio: ['pipe', 'pipe', 'pipe'] })
    const exited = once(child, 'close')
    const shown = await readUntil(child, child.stdout, (text) => text.includes(prompt))
    let rest = ''
    child.stdout.on('data', (d) => (rest += d))
    child.stdin.write(answer)
    const [code] = await exited
    return { code, output: (shown + rest).replace(/\r/g, '') }
  }

  test('ots get with no argument asks for the link without echoing it', async () => {
    const shared = JSON.parse((await ots(['share', '--json'], { env, input: 'typed link' })).stdout)
    const r = await otsOnTerminal(['get'], 'Secret link or key: ', `${shared.share_link}\r`)
    assert.equal(r.code, 0, r.output)
    assert.match(r.output, /Secret link or key: \ntyped link\n$/)
    assert.doesNotMatch(r.output, new RegExp(shared.secret_key), 'the key typed at the prompt is not echoed')
  })

  test('a secret typed at the prompt ends at Enter; get on a terminal adds a newline only when the value lacks one', async () => {
    const typed = await otsOnTerminal(['share', '--json'], 'Secret: ', 'typed secret\r')
    assert.equal(typed.code, 0, typed.output)
    const link = typed.output.match(/"share_link": "([^"]+)"/)[1]
    assert.equal((await ots(['get', link])).stdout, 'typed secret', 'Enter is not part of the secret')
    const piped = JSON.parse((await ots(['share', '--json'], { env, input: 'ends with a newline\n' })).stdout)
    const shown = await otsOnTerminal(['get'], 'Secret link or key: ', `${piped.share_link}\r`)
    assert.equal(shown.code, 0, shown.output)
    assert.match(shown.output, /Secret link or key: \nends with a newline\n$/, 'one newline, the value\'s own')
  })

  test('Ctrl-C at the prompt exits 130 with a sentence, and sends nothing', async () => {
    const before = server.requestCount()
    const r = await otsOnTerminal(['share'], 'Secret: ', '\x03')
    assert.equal(r.code, 130, r.output)
    assert.match(r.output, /^ots: interrupted at the prompt \(Ctrl-C\); nothing was sent$/m)
    assert.equal(server.requestCount(), before)
  })
})

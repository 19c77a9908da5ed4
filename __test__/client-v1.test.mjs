// Issue: drop-in compatibility with onetimesecret-api 2.1.1 (API v1, the default).
// Every call and every error path over real HTTP on loopback: the embedded server for OTS behaviour,
// node:http / net servers of our own for answers an OTS server would not give (proxies, hangs).
// Citations: "§x.y" = __test__/fixtures/ots-api/ots-api.md; "v0.12.1 #n" etc. = __test__/fixtures/ots-observed/.
import assert from 'node:assert/strict'
import util from 'node:util'
import { after, before, describe, test } from 'node:test'

import OneTimeSecretApi, {
  ApiError,
  InputError,
  InternalServerError,
  NetworkError,
  NotAuthorizedError,
  NotFoundError,
  OneTimeSecretError,
  RateLimitedError,
  TimeoutError,
  UnknownSecretError,
} from '../index.mjs'
import { startServer } from '../testing.mjs'
import {
  assertIntegerFields,
  assertKeyShape,
  fixedAnswer,
  refusedUrl,
  rejectsWith,
  startHttpServer,
  startSilentServer,
  throwsWith,
} from './helpers/client-helpers.mjs'

const GENERATIONS = ['v0.12', 'v0.22', 'v0.26']
const RECEIPT_INTS = ['ttl', 'metadata_ttl', 'created', 'updated']

describe('constructor (2.1.1: throws synchronously on missing credentials)', () => {
  const cases = [
    ['username undefined', [undefined, 'token']],
    ['password undefined', ['me@example.com', undefined]],
    ['both undefined', [undefined, undefined]],
    ['no arguments', []],
    ['password undefined with options', ['me@example.com', undefined, { url: 'http://127.0.0.1:9' }]],
  ]
  for (const [label, args] of cases) {
    test(`${label} -> InputError "No username or password provided"`, () => {
      throwsWith(() => new OneTimeSecretApi(...args), InputError, {
        message: 'No username or password provided',
        code: 'ERR_OTS_INPUT',
      })
    })
  }

  test('valid credentials construct without sending anything; default url and apiVersion are 2.1.1\'s', () => {
    const c = new OneTimeSecretApi('me@example.com', 'token')
    assert.equal(c.url, 'https://onetimesecret.com')
    assert.equal(c.apiVersion, 'v1')
    assert.equal(c.anonymous, false)
  })
})

describe('input errors reject and never throw; nothing is sent (§3.3, §2 "Keys")', () => {
  let srv
  let client
  before(async () => {
    srv = await startServer({ generation: 'v0.26' })
    client = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url })
  })
  after(() => srv.close())

  test('share() without a secret rejects with InputError "No secret provided"', async () => {
    const before = srv.requestCount()
    let p
    assert.doesNotThrow(() => {
      p = client.share()
    })
    await rejectsWith(p, InputError, { message: 'No secret provided' })
    await rejectsWith(client.share(undefined, { ttl: 3600 }), InputError, { message: 'No secret provided' })
    // 2.1.1 sent an empty secret and got the server's "You did not provide anything to share".
    await rejectsWith(client.share(''), InputError, { message: 'No secret provided', status: undefined })
    await rejectsWith(client.share(null), InputError, { message: 'No secret provided' })
    await rejectsWith(client.share(42), InputError, { message: 'secret: expected a string, got number' })
    assert.equal(srv.requestCount(), before, 'no request reached the server')
  })

  const badKeys = [
    ['undefined', undefined, 'Invalid key provided: undefined'],
    ['empty', '', 'Invalid key provided: '],
    ['3 characters', 'abc', 'Invalid key provided: abc'],
    ['19 characters (< 20, §1 v0.24.2)', 'a'.repeat(19), `Invalid key provided: ${'a'.repeat(19)}`],
    // Only short tokens are echoed; anything longer is described, never quoted (it may be a key
    // or a secret passed by mistake).
    ['a slash (path traversal)', '../../../../api/v1/status', 'Invalid key provided: a string of 25 characters with characters other than letters and digits'],
    ['a space', 'abcdefghij klmnopqrstu', 'Invalid key provided: a string of 22 characters with spaces'],
    ['a dash', 'abcdefghij-klmnopqrstu', 'Invalid key provided: a string of 22 characters with characters other than letters and digits'],
    ['a secret passed by mistake', 'correct horse battery staple', 'Invalid key provided: a string of 28 characters with spaces'],
  ]
  for (const method of ['retrieveSecret', 'retrieveMetadata', 'burn']) {
    for (const [label, key, message] of badKeys) {
      test(`${method}(${label}) rejects with InputError "${message}" and sends nothing`, async () => {
        const before = srv.requestCount()
        let p
        assert.doesNotThrow(() => {
          p = client[method](key)
        })
        await rejectsWith(p, InputError, { message, status: undefined })
        assert.equal(srv.requestCount(), before, 'an invalid key is never sent')
      })
    }
  }

  for (const [label, length] of [
    ['31 (v0.17-v0.23)', 31],
    ['62 (v0.24+)', 62],
  ]) {
    test(`a ${label}-character key is accepted and sent (§2 "Keys")`, async () => {
      const key = 'k'.repeat(length)
      for (const method of ['retrieveSecret', 'retrieveMetadata', 'burn']) {
        const before = srv.requestCount()
        // Unknown to the server, so it answers "Unknown secret" (§3.5): proof the key went out.
        await rejectsWith(client[method](key), UnknownSecretError, { message: 'Unknown secret', status: 404 })
        assert.equal(srv.requestCount(), before + 1, `${method} sent exactly one request`)
      }
    })
  }

  test('methods never throw synchronously: wrong argument types reject with an InputError that says which', async () => {
    const before = srv.requestCount()
    for (const [call, message] of [
      [() => client.status(42), 'options: expected an object, got number'],
      [() => client.share('x', 'not options'), 'options: expected an object, got string'],
      [() => client.generate(42), 'options: expected an object, got number'],
      [() => client.retrieveSecret(42), 'Invalid key provided: [number]'],
      [() => client.retrieveMetadata({}), 'Invalid key provided: [object]'],
      [() => client.burn(null), 'Invalid key provided: null'],
      [() => client.recentMetadata('x'), 'options: expected an object, got string'],
      [() => client.status([]), 'options: expected an object, got array'],
    ]) {
      let p
      assert.doesNotThrow(() => {
        p = call()
      })
      await rejectsWith(p, InputError, { message, status: undefined })
    }
    assert.equal(srv.requestCount(), before, 'nothing was sent')
  })

  // Every option is checked for type and range; nothing is coerced ("100" is not a number) and
  // the message names the option, what it takes and what it got.
  const badOptions = [
    [{ timeout: '100' }, 'timeout: expected a number of milliseconds > 0, got string'],
    [{ timeout: 0 }, 'timeout: expected a number of milliseconds > 0, got 0'],
    [{ timeout: -5 }, 'timeout: expected a number of milliseconds > 0, got -5'],
    [{ timeout: NaN }, 'timeout: expected a number of milliseconds > 0, got NaN'],
    [{ timeout: Infinity }, 'timeout: expected a number of milliseconds > 0 (at most 2147483647), got Infinity'],
    [{ connectTimeout: true }, 'connectTimeout: expected a number of milliseconds > 0, got boolean'],
    [{ retries: 1.5 }, 'retries: expected an integer from 0 to 10, got 1.5'],
    [{ retries: '2' }, 'retries: expected an integer from 0 to 10, got string'],
    [{ retries: 11 }, 'retries: expected an integer from 0 to 10, got 11'],
    [{ retryDelay: -1 }, 'retryDelay: expected a number of milliseconds >= 0, got -1'],
    [{ maxRetryDelay: {} }, 'maxRetryDelay: expected a number of milliseconds >= 0, got object'],
    [{ maxResponseBytes: 0.5 }, 'maxResponseBytes: expected an integer number of bytes > 0, got 0.5'],
    [{ url: 42 }, 'url: expected a string, got number'],
    [{ apiVersion: 2 }, 'apiVersion: expected a string, got number'],
    [{ region: ['eu'] }, 'region: expected a string, got array'],
    [{ ca: Buffer.from('x') }, 'ca: expected PEM certificates (-----BEGIN CERTIFICATE-----), got a Buffer without one'],
    [{ ca: [true] }, 'ca[0]: expected PEM text (a string or a Buffer), got boolean'],
    [{ proxy: 1 }, 'proxy: expected a string, got number'],
    [{ shareDomain: false }, 'shareDomain: expected a string, got boolean'],
  ]
  for (const [options, message] of badOptions) {
    test(`new OneTimeSecretApi(u, p, ${util.inspect(options)}) throws InputError "${message}"`, () => {
      throwsWith(() => new OneTimeSecretApi('me@example.com', 'token', { url: srv.url, ...options }), InputError, { message })
    })
  }

  test('options that are not an object are refused', () => {
    throwsWith(() => new OneTimeSecretApi('u', 'p', 'https://example.com'), InputError, {
      message: 'options: expected an object, got string',
    })
  })

  test('an option whose getter throws (or a revoked Proxy) is an InputError with what was thrown as cause', async () => {
    const before = srv.requestCount()
    const boom = new RangeError('from a getter')
    const getter = (name) => Object.defineProperty({}, name, { enumerable: true, get: () => { throw boom } })
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    for (const [call, message, cause] of [
      [() => client.status(getter('timeout')), 'timeout: reading it threw (see cause)', boom],
      [() => client.share('x', getter('passphrase')), 'passphrase: reading it threw (see cause)', boom],
      [() => client.generate({ characterSets: getter('symbols') }), 'characterSets.symbols: reading it threw (see cause)', boom],
      [() => client.status(getter('signal')), 'signal: reading it threw (see cause)', boom],
      [() => client.status(proxy), 'signal: reading it threw (see cause)', TypeError],
      [() => client.share(proxy), 'secret: expected a string, got object', undefined],
    ]) {
      const e = await rejectsWith(call(), InputError, { message })
      if (cause === undefined) assert.equal(e.cause, undefined)
      else if (typeof cause === 'function') assert.ok(e.cause instanceof cause, `cause: ${e.cause}`)
      else assert.equal(e.cause, cause)
    }
    // Listing its keys (to refuse unknown options) is the first read, and it throws.
    throwsWith(() => new OneTimeSecretApi('u', 'p', proxy), InputError, { message: 'options: reading it threw (see cause)' })
    throwsWith(() => new OneTimeSecretApi('u', 'p', getter('retries')), InputError, { message: 'retries: reading it threw (see cause)' })
    assert.equal(srv.requestCount(), before, 'nothing was sent')
  })

  test('rejections keep the caller: `at async <caller>` for awaited calls, the call site for bad input', async () => {
    const { secret_key } = await client.share('once')
    async function readTheSecretTwice() {
      await client.retrieveSecret(secret_key)
      await client.retrieveSecret(secret_key)
    }
    const gone = await readTheSecretTwice().then(() => assert.fail('resolved'), (e) => e)
    assert.ok(gone instanceof UnknownSecretError)
    assert.match(gone.stack, /^UnknownSecretError: Unknown secret\n/)
    assert.match(gone.stack, /\n +at async readTheSecretTwice \(/, gone.stack)
    function passAShortKey() {
      return client.retrieveSecret('short')
    }
    const bad = await passAShortKey().then(() => assert.fail('resolved'), (e) => e)
    assert.match(bad.stack, /\n +at passAShortKey \(/, bad.stack)
  })

  test('per-call options are checked the same way, and nothing is sent', async () => {
    const before = srv.requestCount()
    for (const [call, message] of [
      [() => client.status({ timeout: 0 }), 'timeout: expected a number of milliseconds > 0, got 0'],
      [() => client.status({ timeout: 'soon' }), 'timeout: expected a number of milliseconds > 0, got string'],
      [() => client.share('x', { ttl: 'abc' }), 'ttl: expected an integer number of seconds > 0, got string'],
      [() => client.share('x', { ttl: '3600' }), 'ttl: expected an integer number of seconds > 0, got string'],
      [() => client.share('x', { ttl: 1.5 }), 'ttl: expected an integer number of seconds > 0, got 1.5'],
      [() => client.share('x', { ttl: 1n }), 'ttl: expected an integer number of seconds > 0, got bigint'],
      [() => client.share('x', { passphrase: 1234 }), 'passphrase: expected a string, got number'],
      [() => client.share('x', { recipient: {} }), 'recipient: expected a string, got object'],
      [() => client.generate({ length: 0 }), 'length: expected an integer from 1 to 1024, got 0'],
      [() => client.generate({ characterSets: [] }), 'characterSets: expected an object, got array'],
      [() => client.generate({ characterSets: { numbers: 'yes' } }), 'characterSets.numbers: expected a boolean, got string'],
      [() => client.retrieveSecret('k'.repeat(31), { passphrase: null, timeout: -1 }), 'timeout: expected a number of milliseconds > 0, got -1'],
      [() => client.burn('k'.repeat(31), { passphrase: 7 }), 'passphrase: expected a string, got number'],
    ]) {
      await rejectsWith(call(), InputError, { message, status: undefined })
    }
    assert.equal(srv.requestCount(), before, 'nothing was sent')
  })

})

for (const generation of GENERATIONS) {
  describe(`lifecycle against ${generation} (API v1, §3)`, () => {
    let srv
    let client
    before(async () => {
      srv = await startServer({ generation })
      client = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url })
    })
    after(() => srv.close())

    test('status() resolves true (§3.4.1 {"status":"nominal"})', async () => {
      assert.equal(await client.status(), true)
    })

    test('share, receipt, wrong passphrase (not consumed), reveal, second reveal, receipt after (§3.4.2-§3.6)', async () => {
      const s = await client.share('hello v1', { ttl: 3600, passphrase: 'pass1234' })
      assertKeyShape(s.metadata_key, generation, 'metadata_key')
      assertKeyShape(s.secret_key, generation, 'secret_key')
      assert.notEqual(s.metadata_key, s.secret_key)
      assert.equal(s.share_link, `${srv.url}/secret/${s.secret_key}`, 'share_link = <url>/secret/<secret_key>')
      assert.equal(s.state, 'new')
      assert.equal(s.custid, srv.username, 'custid is the account email (§3.4.2)')
      assert.deepEqual(s.recipient, [])
      assert.equal(s.passphrase_required, true)
      assertIntegerFields(s, [...RECEIPT_INTS, 'secret_ttl'], 'share')
      assert.equal(s.value, undefined, 'share never echoes the secret')
      assert.equal(s.raw, undefined, 'API v1 answers carry no `raw` (2.1.1 shape)')

      const m = await client.retrieveMetadata(s.metadata_key)
      assert.equal(m.metadata_key, s.metadata_key)
      assert.equal(m.secret_key, s.secret_key)
      assert.equal(m.share_link, `${srv.url}/secret/${s.secret_key}`, 'share_link on an unread receipt')
      // v0.18-v0.25 move a receipt to "viewed" on its first view (§3.4.5); v0.26 and v0.12 keep "new".
      assert.equal(m.state, generation === 'v0.22' ? 'viewed' : 'new')
      assertIntegerFields(m, RECEIPT_INTS, 'receipt')

      // §3.6: a wrong passphrase is the same 404 "Unknown secret" as a missing key, and does not
      // consume the secret (v0.12.1 #41, v0.22.11 #41, v0.26.6 #11).
      const wrong = await rejectsWith(
        client.retrieveSecret(s.secret_key, { passphrase: 'wrong-pass' }),
        UnknownSecretError,
        { message: 'Unknown secret', status: 404 },
      )
      assert.equal(wrong.name, 'UnknownSecretError', 'v1 cannot tell a wrong passphrase apart (§3.6)')
      const stillThere = await client.retrieveMetadata(s.metadata_key)
      assert.notEqual(stillThere.state, 'received', 'a wrong passphrase does not consume the secret')

      const r = await client.retrieveSecret(s.secret_key, { passphrase: 'pass1234' })
      assert.equal(r.value, 'hello v1')
      assert.equal(r.secret_key, s.secret_key)

      // Burn after reading: the second read is "Unknown secret" (v0.12.1 #43, v0.22.11 #43).
      await rejectsWith(client.retrieveSecret(s.secret_key, { passphrase: 'pass1234' }), UnknownSecretError, {
        message: 'Unknown secret',
        status: 404,
      })

      // §3.4.2: a received receipt omits secret_key and secret_ttl, so 2.1.1 gives it no share_link.
      const received = await client.retrieveMetadata(s.metadata_key)
      assert.equal(received.state, 'received')
      assert.equal(received.share_link, undefined, 'no share_link once the secret was received')
      assert.equal(received.secret_key, undefined)
      assertIntegerFields(received, [...RECEIPT_INTS, 'received'], 'received receipt')
    })

    test('a secret without passphrase is revealed without one (§3.4.3)', async () => {
      const s = await client.share('plain', { ttl: 600 })
      assert.equal(s.passphrase_required, false)
      const r = await client.retrieveSecret(s.secret_key)
      assert.equal(r.value, 'plain')
    })

    test('generate: a 12-character value, share_link, then burn and the secret is gone (§3.3, §3.4.4)', async () => {
      const g = await client.generate({ ttl: 600 })
      assert.equal(typeof g.value, 'string')
      assert.equal(g.value.length, 12, 'generated values are 12 characters by default (§3.3)')
      assertKeyShape(g.secret_key, generation, 'secret_key')
      assert.equal(g.share_link, `${srv.url}/secret/${g.secret_key}`)
      assert.equal(g.state, 'new')

      const b = await client.burn(g.metadata_key)
      assert.equal(b.state.metadata_key, g.metadata_key)
      // v0.22.11 and v0.26.6 report the pre-burn state "new" (transcript README); the client says burned.
      assert.equal(b.state.state, 'burned')
      assert.equal(typeof b.secret_shortkey, 'string')
      assert.ok(b.secret_shortkey.length >= 6, `secret_shortkey ${b.secret_shortkey}`)

      await rejectsWith(client.retrieveSecret(g.secret_key), UnknownSecretError, { message: 'Unknown secret' })
      // A second burn: 404 "Unknown secret" (§3.4.4, v0.22.11 #53).
      await rejectsWith(client.burn(g.metadata_key), UnknownSecretError, { message: 'Unknown secret', status: 404 })
    })

    // v0.22's v1 route is broken; the client falls back to the v2 list (transcript v0.22.11-more #8).
    {
      test('recentMetadata lists this account\'s receipts, without secret_key (§3.4.6)', async () => {
        const s = await client.share('for recent', { ttl: 600 })
        const list = await client.recentMetadata()
        assert.ok(Array.isArray(list))
        const mine = list.find((r) => r.metadata_key === s.metadata_key)
        assert.ok(mine, 'the new receipt is listed')
        assert.equal(mine.secret_key, undefined, 'recent items have no secret_key')
        assert.equal(mine.share_link, undefined)
        assert.equal(mine.custid, srv.username)
        assertIntegerFields(mine, RECEIPT_INTS, 'recent item')
      })
    }

    test('unknown keys: "Unknown secret" on reveal, receipt and burn (§3.5, v0.12.1 #46 #50 #59)', async () => {
      const key = generation === 'v0.26' ? 'z'.repeat(62) : 'z'.repeat(31)
      for (const method of ['retrieveSecret', 'retrieveMetadata', 'burn']) {
        await rejectsWith(client[method](key), UnknownSecretError, { message: 'Unknown secret', status: 404 })
      }
    })

    test('wrong token -> NotAuthorizedError "Request not authorized", status 404 (§3.2, §3.5)', async () => {
      const bad = new OneTimeSecretApi(srv.username, 'wrong-token', { url: srv.url })
      for (const call of [() => bad.share('x'), () => bad.generate(), () => bad.recentMetadata()]) {
        await rejectsWith(call(), NotAuthorizedError, { message: 'Request not authorized', status: 404 })
      }
      const nobody = new OneTimeSecretApi('nobody@example.com', srv.apiKey, { url: srv.url })
      await rejectsWith(nobody.share('x'), NotAuthorizedError, { message: 'Request not authorized' })
    })

    test('rate limited -> RateLimitedError "You have been rate limited." (§3.5 rate-limit texts)', async () => {
      srv.setRateLimit(1)
      try {
        assert.equal(await client.status(), true, 'the first request of the window passes')
        const e = await rejectsWith(client.status(), RateLimitedError, {
          message: 'You have been rate limited.',
          status: 404,
          code: 'ERR_OTS_RATE_LIMITED',
        })
        // The server's own text is kept: "Cripes!" up to v0.23, "Rate limit exceeded" from v0.24.3.
        assert.match(e.serverMessage, generation === 'v0.26' ? /Rate limit exceeded/ : /Cripes! You have been rate limited/)
      } finally {
        srv.setRateLimit(null)
      }
    })

    test('any other server message -> ApiError url="…", status=404, message="<server text>" (§3.5 FormError)', async () => {
      // A recipient that is not an email address: the server's own FormError text.
      const e = await rejectsWith(client.share('x', { recipient: 'nobody' }), ApiError, {
        message: `url="${srv.url}/api/v1/share", status=404, message="Undeliverable email address: nobody"`,
        status: 404,
        code: 'ERR_OTS_API',
      })
      assert.equal(e.serverMessage, 'Undeliverable email address: nobody')
    })

    test('a 500 -> InternalServerError url="…", status=500, message="Internal Server Error"', async () => {
      srv.setFault({ kind: 'status', status: 500, times: 1 })
      try {
        await rejectsWith(client.share('x'), InternalServerError, {
          message: `url="${srv.url}/api/v1/share", status=500, message="Internal Server Error"`,
          status: 500,
          code: 'ERR_OTS_SERVER',
        })
      } finally {
        srv.clearFaults()
      }
    })

    test('unknown route under /api: NotFoundError "Path not found" (§3.5 router miss, v0.12.1 #65)', async () => {
      // A base URL with an extra path segment makes every route a router miss.
      const lost = new OneTimeSecretApi(srv.username, srv.apiKey, { url: `${srv.url}/nowhere`, retries: 0 })
      await rejectsWith(lost.status(), NotFoundError, { message: 'Path not found', status: 404 })
    })
  })
}

describe('broken and missing answers (own node:http / net servers)', () => {
  const servers = []
  after(() => Promise.all(servers.map((s) => s.close())))
  async function serve(handler) {
    const s = await startHttpServer(handler)
    servers.push(s)
    return s
  }
  const clientFor = (url, options = {}) => new OneTimeSecretApi('me@example.com', 'token', { url, ...options })

  test('{"error":"Not Found"} -> NotFoundError "Path not found" (§3.5 "Unknown route", v0.16.2+)', async () => {
    const s = await serve(fixedAnswer(404, 'application/json', { error: 'Not Found' }))
    const e = await rejectsWith(clientFor(s.url).share('x'), NotFoundError, { message: 'Path not found', status: 404 })
    assert.equal(e.serverMessage, 'Not Found')
  })

  test('text/plain 404 "Not Found" -> NotFoundError "Path not found" (v0.12.1 #65)', async () => {
    const s = await serve(fixedAnswer(404, 'text/plain', 'Not Found'))
    await rejectsWith(clientFor(s.url).retrieveSecret('a'.repeat(31)), NotFoundError, {
      message: 'Path not found',
      status: 404,
    })
  })

  test('{"message":"Not Found"} (v0.24.2+ short key) -> NotFoundError "Metadata not found" (§1 v0.24.2)', async () => {
    const s = await serve(fixedAnswer(404, 'application/json', { message: 'Not Found' }))
    await rejectsWith(clientFor(s.url).retrieveMetadata('a'.repeat(20)), NotFoundError, {
      message: 'Metadata not found',
      status: 404,
    })
  })

  test('500 with a text body -> exactly url="…", status=500, message="Internal Server Error" (2.1.1)', async () => {
    const s = await serve(fixedAnswer(500, 'text/plain', 'Server error'))
    await rejectsWith(clientFor(s.url).share('x'), InternalServerError, {
      message: `url="${s.url}/api/v1/share", status=500, message="Internal Server Error"`,
      status: 500,
    })
  })

  test('an HTML 502 from a proxy -> InternalServerError naming status 502 and text/html', async () => {
    const s = await serve(fixedAnswer(502, 'text/html; charset=utf-8', '<html><body><h1>502 Bad Gateway</h1></body></html>'))
    const e = await rejectsWith(clientFor(s.url).share('x'), InternalServerError, { status: 502 })
    assert.match(e.message, /status=502/)
    assert.match(e.message, /text\/html/)
    assert.equal(s.requests.length, 1, 'a share is never retried once it may have reached the server')
  })

  test('any other 404 message -> ApiError url="…", status=404, message="<server text>"', async () => {
    const s = await serve(fixedAnswer(404, 'application/json', { message: 'Something the client does not know' }))
    const e = await rejectsWith(clientFor(s.url).generate(), ApiError, {
      message: `url="${s.url}/api/v1/generate", status=404, message="Something the client does not know"`,
      status: 404,
    })
    assert.equal(e.serverMessage, 'Something the client does not know')
  })

  test('numbers sent as strings (v0.10 docs example, §3.4.2) come back as numbers', async () => {
    const s = await serve(
      fixedAnswer(200, 'application/json', {
        custid: 'USERNAME',
        metadata_key: 'qjpjroeit8wra0ojeyhcw5pjsgwtuq7',
        secret_key: '153l8vbwqx5taskp92pf05uvgjefvu9',
        ttl: '3600',
        updated: '1324174006',
        created: '1324174006',
      }),
    )
    const r = await clientFor(s.url).share('x')
    assert.equal(r.share_link, `${s.url}/secret/153l8vbwqx5taskp92pf05uvgjefvu9`)
    assert.equal(r.ttl, 3600)
    assert.equal(r.created, 1324174006)
    // The request is 2.1.1's: form-encoded POST to /api/v1/share with Basic auth.
    const [req] = s.requests
    assert.equal(req.method, 'POST')
    assert.equal(req.url, '/api/v1/share')
    assert.match(req.headers['content-type'], /application\/x-www-form-urlencoded/)
    assert.equal(new URLSearchParams(req.body).get('secret'), 'x')
    assert.equal(req.headers.authorization, `Basic ${Buffer.from('me@example.com:token').toString('base64')}`)
  })

  test('refused connection -> NetworkError, no status', async () => {
    const url = await refusedUrl()
    const e = await rejectsWith(clientFor(url, { retries: 0 }).status(), NetworkError, {
      code: 'ERR_OTS_NETWORK',
      status: undefined,
    })
    assert.doesNotMatch(e.message, /token/, 'no credentials in messages')
    // share is retried only when the connection was never made: still a NetworkError in the end.
    await rejectsWith(clientFor(url, { retries: 1, retryDelay: 1 }).share('x'), NetworkError, { status: undefined })
  })

  // No upper bound on elapsed time (a busy machine is slow, not wrong); a test that never settles
  // is stopped by its `timeout`, which is only a hang detector.
  test('a server that accepts and never answers -> TimeoutError after the client timeout (200 ms)', { timeout: 60_000 }, async () => {
    const silent = await startSilentServer()
    servers.push(silent)
    const started = performance.now()
    await rejectsWith(clientFor(silent.url, { timeout: 200, retries: 0 }).share('x'), TimeoutError, {
      code: 'ERR_OTS_TIMEOUT',
      status: undefined,
    })
    const elapsed = performance.now() - started
    assert.ok(elapsed >= 190, `waited for the timeout (${elapsed} ms)`)
    assert.ok(silent.connections >= 1, 'the connection was made: the wait was for the answer')
  })

  test('a per-call timeout overrides the client timeout', { timeout: 60_000 }, async () => {
    const silent = await startSilentServer()
    servers.push(silent)
    // The client's own timeout (120 s) is longer than this test may run: only the per-call one can fire.
    await rejectsWith(clientFor(silent.url, { retries: 0, timeout: 120_000 }).status({ timeout: 200 }), TimeoutError, {})
    assert.ok(silent.connections >= 1)
  })
})

// Issue: API v2 and every server generation. The same calling code must work through
// `apiVersion: "v1"` and `"v2"` on every generation that has the API, with the same field names and
// types; v2-only behaviour (real status codes, IncorrectPassphraseError, Retry-After, raw/raw_state),
// anonymous clients, regions, secretStatus and serverInfo.
// Citations: "§x.y" = __test__/fixtures/ots-api/ots-api.md; "v0.22.11-api-v2 #n" etc. = __test__/fixtures/ots-observed/.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import OneTimeSecretApi, {
  IncorrectPassphraseError,
  InputError,
  NotAuthorizedError,
  NotFoundError,
  RateLimitedError,
  UnknownSecretError,
} from '../index.mjs'
import { startServer } from '../testing.mjs'
import {
  assertIntegerFields,
  assertKeyShape,
  fixedAnswer,
  rejectsWith,
  startHttpServer,
  throwsWith,
} from './helpers/client-helpers.mjs'

const COMBOS = [
  ['v0.12', 'v1'],
  ['v0.22', 'v1'],
  ['v0.22', 'v2'],
  ['v0.26', 'v1'],
  ['v0.26', 'v2'],
]
const V1_STATES = ['new', 'viewed', 'received', 'burned', 'expired', 'orphaned']

/** The 2.1.1 receipt shape (§3.4.2), identical through both API versions. */
function assertReceipt(r, { generation, received = false, what }) {
  assertKeyShape(r.metadata_key, generation, `${what}.metadata_key`)
  assert.ok(V1_STATES.includes(r.state), `${what}.state "${r.state}" is in the v1 vocabulary (§3.8)`)
  assertIntegerFields(r, ['ttl', 'metadata_ttl', 'created', 'updated'], what)
  assert.ok(Array.isArray(r.recipient), `${what}.recipient is an array`)
  assert.equal(typeof r.custid, 'string', `${what}.custid`)
  if (received) {
    assert.equal(r.secret_key, undefined, `${what}: a received receipt has no secret_key (§3.4.2)`)
    assert.equal(r.share_link, undefined, `${what}: and no share_link`)
  } else {
    assertKeyShape(r.secret_key, generation, `${what}.secret_key`)
    assertIntegerFields(r, ['secret_ttl'], what)
    assert.equal(typeof r.share_link, 'string', `${what}.share_link`)
  }
}

/** `{field: type}` for the fields 2.1.1 code reads: equal through v1 and v2. */
function signature(record, fields) {
  return Object.fromEntries(fields.map((f) => [f, record[f] === null ? 'null' : typeof record[f]]))
}
const RECEIPT_FIELDS = [
  'custid',
  'metadata_key',
  'secret_key',
  'share_link',
  'state',
  'ttl',
  'secret_ttl',
  'metadata_ttl',
  'created',
  'updated',
  'recipient',
  'passphrase_required',
]

for (const [generation, apiVersion] of COMBOS) {
  describe(`lifecycle: ${generation} through apiVersion "${apiVersion}"`, () => {
    let srv
    let client
    before(async () => {
      srv = await startServer({ generation })
      // `raw: true`: the assertions below also read the server's own answer.
      client = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url, apiVersion, raw: true })
    })
    after(() => srv.close())

    test('status, share, receipt, wrong then right passphrase, reveal once, receipt after', async () => {
      assert.equal(await client.status(), true)
      const s = await client.share('lifecycle secret', { ttl: 3600, passphrase: 'pass1234' })
      assertReceipt(s, { generation, what: 'share' })
      assert.equal(s.share_link, `${srv.url}/secret/${s.secret_key}`)
      assert.equal(s.state, 'new')
      assert.equal(s.custid, srv.username)
      assert.equal(s.passphrase_required, true)
      if (generation !== 'v0.12') assert.equal(s.ttl, 3600, 'ttl is the requested TTL from v0.17')
      if (apiVersion === 'v2') {
        assert.equal(typeof s.raw, 'object', 'v2 answers carry the server\'s answer as `raw`')
        assert.equal(typeof s.raw.record, 'object', 'raw is the v2 envelope {record, details}')
        assert.equal(s.raw_state, 'new')
      } else {
        assert.equal(s.raw, undefined, 'v1 answers keep the 2.1.1 shape')
      }

      const m = await client.retrieveMetadata(s.metadata_key)
      assertReceipt(m, { generation, what: 'receipt' })
      assert.equal(m.secret_key, s.secret_key)
      assert.equal(m.share_link, s.share_link)
      // v0.22 marks the receipt viewed on its first view; v1 shows the new state, v2 the old one
      // (fixtures v0.22.11-more.md #15: "state":"new" on the first v2 view).
      assert.equal(m.state, generation === 'v0.22' && apiVersion === 'v1' ? 'viewed' : 'new')
      if (apiVersion === 'v2') assert.equal(typeof m.raw.record, 'object')

      if (apiVersion === 'v2') {
        // §4.5: 422 "Incorrect passphrase" (v0.22.11-api-v2, v0.26.6 #… reveal wrongwrong).
        const e = await rejectsWith(
          client.retrieveSecret(s.secret_key, { passphrase: 'wrong-pass' }),
          IncorrectPassphraseError,
          { message: 'Incorrect passphrase', status: 422, code: 'ERR_OTS_INCORRECT_PASSPHRASE' },
        )
        assert.ok(e instanceof UnknownSecretError, '2.x code catching UnknownSecretError still catches it')
      } else {
        // §3.6: v1 answers a wrong passphrase with "Unknown secret".
        await rejectsWith(client.retrieveSecret(s.secret_key, { passphrase: 'wrong-pass' }), UnknownSecretError, {
          name: 'UnknownSecretError',
          message: 'Unknown secret',
          status: 404,
        })
      }

      const r = await client.retrieveSecret(s.secret_key, { passphrase: 'pass1234' })
      assert.equal(r.value, 'lifecycle secret', 'the wrong passphrase did not consume the secret')
      assert.equal(r.secret_key, s.secret_key)
      if (apiVersion === 'v2') assert.equal(typeof r.raw.record, 'object')

      await rejectsWith(client.retrieveSecret(s.secret_key, { passphrase: 'pass1234' }), UnknownSecretError, {
        name: 'UnknownSecretError',
        message: 'Unknown secret',
        status: 404,
      })

      const after = await client.retrieveMetadata(s.metadata_key)
      assertReceipt(after, { generation, received: true, what: 'received receipt' })
      assert.equal(after.state, 'received')
      assertIntegerFields(after, ['received'], 'received receipt')
      if (apiVersion === 'v2') {
        // §3.8: v0.24+ internal "revealed" is "received" in the v1 vocabulary; the raw word is kept.
        assert.equal(after.raw_state, generation === 'v0.26' ? 'revealed' : 'received')
      }
    })

    test('generate (value present), burn, burned secret gone, second burn fails', async () => {
      const before = srv.requestCount()
      const g = await client.generate({ ttl: 600 })
      assertReceipt(g, { generation, what: 'generate' })
      assert.equal(typeof g.value, 'string', 'generate returns the value on every generation (§4.4)')
      assert.equal(g.value.length, 12)
      assert.equal(g.share_link, `${srv.url}/secret/${g.secret_key}`)
      if (apiVersion === 'v2') {
        // The v2 generate answer has no value (v0.22.11-api-v2 #v2-106; §4.4 "NOT in the generate
        // response"): the client reads it from the first receipt view, one extra GET.
        assert.equal(srv.requestCount(), before + 2)
      } else {
        assert.equal(srv.requestCount(), before + 1)
      }

      const b = await client.burn(g.metadata_key)
      assert.equal(b.state.state, 'burned')
      assert.equal(b.state.metadata_key, g.metadata_key)
      assert.equal(typeof b.secret_shortkey, 'string')
      if (apiVersion === 'v2') {
        assert.equal(typeof b.raw, 'object')
        assert.equal(typeof b.state.raw_state, 'string', 'the server\'s own state is kept')
      }
      await rejectsWith(client.retrieveSecret(g.secret_key), UnknownSecretError, { message: 'Unknown secret' })
      // v0.26.6's second v2 burn is a 200 `{"success":true}` without a record, v0.22.11's a 500
      // "Secret could not be burned." (fixtures v0.26.6-more.md #21, v0.22.11-more.md #22).
      const secondBurn = { 'v0.26': 200, 'v0.22': 500 }
      await rejectsWith(client.burn(g.metadata_key), UnknownSecretError, {
        message: 'Unknown secret',
        status: apiVersion === 'v2' ? (secondBurn[generation] ?? 404) : 404,
      })
    })

    // v0.22's v1 route is broken; the client falls back to the v2 list (transcript v0.22.11-more #8).
    {
      test('recentMetadata lists receipts without secret_key (§3.4.6, §4.4 Recent)', async () => {
        const s = await client.share('recent', { ttl: 600 })
        const list = await client.recentMetadata()
        assert.ok(Array.isArray(list))
        const mine = list.find((x) => x.metadata_key === s.metadata_key)
        assert.ok(mine, 'the new receipt is listed')
        assert.equal(mine.secret_key, undefined)
        assert.equal(mine.state, 'new')
        assertIntegerFields(mine, ['ttl', 'metadata_ttl', 'created', 'updated'], 'recent item')
      })
    }

    test('wrong token -> NotAuthorizedError (v1: 404; v2: 403 up to v0.23, 401 from v0.25.6, §3.5 §4.2)', async () => {
      const bad = new OneTimeSecretApi(srv.username, 'wrong-token', { url: srv.url, apiVersion })
      const status = apiVersion === 'v1' ? 404 : generation === 'v0.22' ? 403 : 401
      await rejectsWith(bad.share('x'), NotAuthorizedError, { message: 'Request not authorized', status })
      await rejectsWith(bad.recentMetadata(), NotAuthorizedError, { message: 'Request not authorized', status })
    })

    test('unknown key -> UnknownSecretError on reveal, receipt and burn (§3.5, §4.5)', async () => {
      const key = generation === 'v0.26' ? 'u'.repeat(62) : 'u'.repeat(31)
      for (const method of ['retrieveSecret', 'retrieveMetadata', 'burn']) {
        await rejectsWith(client[method](key), UnknownSecretError, {
          name: 'UnknownSecretError',
          message: 'Unknown secret',
          status: 404,
        })
      }
    })
  })
}

for (const generation of ['v0.22', 'v0.26']) {
  describe(`${generation}: v1 and v2 give the same field names and types`, () => {
    let srv
    before(async () => {
      srv = await startServer({ generation })
    })
    after(() => srv.close())

    test('share / receipt / generate / reveal / burn / recent signatures are equal', async () => {
      const sigs = {}
      for (const apiVersion of ['v1', 'v2']) {
        const c = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url, apiVersion })
        const s = await c.share('same shape', { ttl: 3600 })
        const m = await c.retrieveMetadata(s.metadata_key)
        const r = await c.retrieveSecret(s.secret_key)
        const g = await c.generate({ ttl: 600 })
        const b = await c.burn(g.metadata_key)
        const recent = await c.recentMetadata()
        sigs[apiVersion] = {
          share: signature(s, RECEIPT_FIELDS),
          receipt: signature(m, RECEIPT_FIELDS),
          generate: signature(g, [...RECEIPT_FIELDS, 'value']),
          reveal: signature(r, ['value', 'secret_key']),
          burn: { ...signature(b, ['secret_shortkey']), ...signature(b.state, ['metadata_key', 'state', 'ttl', 'created', 'updated']) },
          recent: recent && signature(recent[0], ['custid', 'metadata_key', 'secret_key', 'state', 'ttl', 'metadata_ttl', 'created', 'updated']),
        }
      }
      for (const part of ['share', 'receipt', 'generate', 'reveal', 'burn']) {
        assert.deepEqual(sigs.v2[part], sigs.v1[part], `${part}: same fields and types`)
      }
      assert.equal(sigs.v1.share.ttl, 'number')
      assert.equal(sigs.v1.share.share_link, 'string')
      if (sigs.v1.recent) assert.deepEqual(sigs.v2.recent, sigs.v1.recent, 'recent: same fields and types')
    })
  })
}

describe('v0.12 has no API v2 (v0.12.1 #66: text/plain 404 "Not Found")', () => {
  let srv
  let client
  before(async () => {
    srv = await startServer({ generation: 'v0.12' })
    client = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url, apiVersion: 'v2', retries: 0 })
  })
  after(() => srv.close())

  test('every v2 call rejects with NotFoundError "Path not found", never as an unknown secret', async () => {
    const key = 'a'.repeat(31)
    const calls = {
      status: () => client.status(),
      share: () => client.share('x'),
      generate: () => client.generate(),
      retrieveSecret: () => client.retrieveSecret(key),
      retrieveMetadata: () => client.retrieveMetadata(key),
      burn: () => client.burn(key),
      recentMetadata: () => client.recentMetadata(),
      secretStatus: () => client.secretStatus(key),
    }
    for (const [name, call] of Object.entries(calls)) {
      const e = await rejectsWith(call(), NotFoundError, { message: 'Path not found', status: 404 })
      assert.ok(!(e instanceof UnknownSecretError), `${name}: a missing API is not a missing secret`)
    }
  })

  test('serverInfo says the server speaks v1 only', async () => {
    assert.deepEqual(await client.serverInfo(), { status: 'nominal', version: null, apiVersions: ['v1'] })
  })
})

for (const [generation, version] of [
  ['v0.22', '0.22.11'],
  ['v0.26', '0.0.0'], // v0.26.6 run from source reports 0.0.0 (fixtures v0.26.6-api-v1-v2.md #30)
]) {
  describe(`${generation}: secretStatus and serverInfo (§4.1, §4.4 Status / Meta)`, () => {
    let srv
    let client
    before(async () => {
      srv = await startServer({ generation })
      client = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url, apiVersion: 'v2', raw: true })
    })
    after(() => srv.close())

    test('serverInfo: nominal, the server version, both APIs', async () => {
      assert.deepEqual(await client.serverInfo(), { status: 'nominal', version, apiVersions: ['v1', 'v2'] })
      const v1client = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url })
      assert.deepEqual(await v1client.serverInfo(), { status: 'nominal', version, apiVersions: ['v1', 'v2'] })
    })

    test('secretStatus: state without revealing; "unknown" once read (§4.4 Status)', async () => {
      const s = await client.share('peek', { ttl: 3600, passphrase: 'pass1234' })
      const st = await client.secretStatus(s.secret_key)
      assert.equal(st.state, 'new')
      assert.equal(st.raw_state, 'new')
      assert.equal(st.passphrase_required, true)
      assert.equal(st.secret_ttl, 3600)
      assert.equal(typeof st.raw, 'object')
      // Still revealable: secretStatus consumed nothing.
      assert.equal((await client.retrieveSecret(s.secret_key, { passphrase: 'pass1234' })).value, 'peek')
      const gone = await client.secretStatus(s.secret_key)
      assert.equal(gone.state, 'unknown')
      assert.equal(gone.raw_state, 'unknown')
    })

    test('secretStatus with an invalid key rejects with InputError and sends nothing', async () => {
      const before = srv.requestCount()
      await rejectsWith(client.secretStatus('short'), InputError, { message: 'Invalid key provided: short' })
      assert.equal(srv.requestCount(), before)
    })
  })
}

for (const generation of ['v0.22', 'v0.26']) {
  for (const apiVersion of ['v1', 'v2']) {
    describe(`anonymous client against ${generation} ${apiVersion} (§3.2 anonymous allowed, §4.1 basicauth,noauth)`, () => {
      let srv
      let anon
      before(async () => {
        srv = await startServer({ generation })
        anon = OneTimeSecretApi.anonymous({ url: srv.url, apiVersion })
      })
      after(() => srv.close())

      test('share, receipt, reveal, generate, burn work; custid is "anon"', async () => {
        assert.equal(anon.anonymous, true)
        assert.equal(anon.apiVersion, apiVersion)
        const s = await anon.share('from nobody', { ttl: 600 })
        assert.equal(s.custid, 'anon')
        assert.equal(s.share_link, `${srv.url}/secret/${s.secret_key}`)
        const m = await anon.retrieveMetadata(s.metadata_key)
        assert.equal(m.metadata_key, s.metadata_key)
        assert.equal((await anon.retrieveSecret(s.secret_key)).value, 'from nobody')
        const g = await anon.generate({ ttl: 600 })
        assert.equal(typeof g.value, 'string')
        assert.equal(g.custid, 'anon')
        const b = await anon.burn(g.metadata_key)
        assert.equal(b.state.state, 'burned')
      })

      test('recentMetadata rejects with NotAuthorizedError before sending anything', async () => {
        const before = srv.requestCount()
        const e = await rejectsWith(anon.recentMetadata(), NotAuthorizedError, { status: undefined })
        assert.match(e.message, /^Request not authorized/)
        assert.equal(srv.requestCount(), before, 'no request was sent')
      })
    })
  }
}

describe('anonymous sends no Authorization header at all (own node:http server records headers)', () => {
  let s
  before(async () => {
    s = await startHttpServer((req, res) => {
      if (req.url.endsWith('/status')) return fixedAnswer(200, 'application/json', { status: 'nominal' })(req, res)
      fixedAnswer(404, 'application/json', { message: 'Unknown secret' })(req, res)
    })
  })
  after(() => s.close())

  for (const apiVersion of ['v1', 'v2']) {
    test(`${apiVersion}: anonymous status and reveal carry no Authorization; a normal client's do`, async () => {
      const start = s.requests.length
      const anon = OneTimeSecretApi.anonymous({ url: s.url, apiVersion })
      assert.equal(await anon.status(), true)
      await rejectsWith(anon.retrieveSecret('a'.repeat(31)), UnknownSecretError, {})
      const authed = new OneTimeSecretApi('me@example.com', 'tok', { url: s.url, apiVersion })
      assert.equal(await authed.status(), true)
      const seen = s.requests.slice(start)
      assert.equal(seen.length, 3)
      assert.equal(seen[0].headers.authorization, undefined, 'anonymous status: no Authorization header')
      assert.equal(seen[1].headers.authorization, undefined, 'anonymous reveal: no Authorization header')
      assert.ok(!Object.keys(seen[0].headers).some((h) => h.toLowerCase() === 'authorization'))
      assert.equal(seen[2].headers.authorization, `Basic ${Buffer.from('me@example.com:tok').toString('base64')}`)
      assert.equal(seen[0].headers.cookie, undefined, 'never send cookies (§2)')
    })
  }
})

describe('v2 error statuses and state mapping (own node:http servers, §4.5, §3.8)', () => {
  const servers = []
  after(() => Promise.all(servers.map((x) => x.close())))
  async function serve(handler) {
    const x = await startHttpServer(handler)
    servers.push(x)
    return x
  }
  const v2 = (url, options = {}) => new OneTimeSecretApi('me@example.com', 'tok', { url, apiVersion: 'v2', ...options })

  test('401 (v0.25.6+ Otto) -> NotAuthorizedError', async () => {
    const x = await serve(
      fixedAnswer(401, 'application/json', {
        error: 'Authentication Required',
        message: '[CREDENTIALS_INVALID] Invalid credentials',
      }),
    )
    const e = await rejectsWith(v2(x.url).share('x'), NotAuthorizedError, { message: 'Request not authorized', status: 401 })
    assert.equal(e.serverMessage, '[CREDENTIALS_INVALID] Invalid credentials')
  })

  test('403 (v0.18-v0.23 {"message":"Not authorized"}) -> NotAuthorizedError', async () => {
    const x = await serve(fixedAnswer(403, 'application/json', { message: 'Not authorized', success: false }))
    await rejectsWith(v2(x.url).generate(), NotAuthorizedError, { message: 'Request not authorized', status: 403 })
  })

  test('429 with Retry-After -> RateLimitedError with retryAfter; a share is sent once', async () => {
    const x = await serve(
      fixedAnswer(
        429,
        'application/json',
        { error: 'Too many requests', error_type: 'LimitExceeded' },
        { 'Retry-After': '42' },
      ),
    )
    const e = await rejectsWith(v2(x.url).share('x'), RateLimitedError, {
      message: 'You have been rate limited.',
      status: 429,
    })
    assert.equal(e.retryAfter, 42)
    assert.equal(x.requests.length, 1, 'share is never retried after it may have reached the server')
    // A status call may retry a 429, but not when waiting 42 s would overrun its 30 s deadline.
    const started = Date.now()
    const e2 = await rejectsWith(v2(x.url).status(), RateLimitedError, { status: 429 })
    assert.equal(e2.retryAfter, 42)
    assert.ok(Date.now() - started < 5000)
  })

  test('429 with retry_after only in the body (v0.25+ LimitExceeded) -> retryAfter', async () => {
    const x = await serve(
      fixedAnswer(429, 'application/json', {
        error: 'Too many incorrect passphrase attempts. Please try again later.',
        error_type: 'LimitExceeded',
        retry_after: 1800,
        max_attempts: 5,
      }),
    )
    const e = await rejectsWith(v2(x.url).retrieveSecret('a'.repeat(62)), RateLimitedError, { status: 429 })
    assert.equal(e.retryAfter, 1800)
  })

  test('embedded server rate limit on v2 -> RateLimitedError, status 429', async () => {
    const srv = await startServer({ generation: 'v0.26' })
    try {
      srv.setFault({ kind: 'rateLimited', retryAfter: 7, times: 1 })
      const c = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url, apiVersion: 'v2' })
      const e = await rejectsWith(c.share('x'), RateLimitedError, { status: 429 })
      assert.equal(e.retryAfter, 7)
      assert.equal((await c.share('after the limit')).state, 'new', 'the fault was one-shot')
    } finally {
      await srv.close()
    }
  })

  const receiptWith = (state, extra = {}) => ({
    record: {
      identifier: 'r'.repeat(62),
      key: 'r'.repeat(62),
      custid: null,
      owner_id: null,
      state,
      secret_identifier: 's'.repeat(62),
      secret_ttl: 3600,
      metadata_ttl: 7200,
      receipt_ttl: 7200,
      share_domain: null,
      created: 1795714792.195993,
      updated: '1795714793',
      recipients: '',
      has_passphrase: false,
      share_path: `secret/${'s'.repeat(62)}`,
      ...extra,
    },
    details: { type: 'record', secret_value: null },
  })
  for (const [raw, mapped] of [
    ['shared', 'new'],
    ['previewed', 'viewed'],
    ['revealed', 'received'],
    ['burned', 'burned'],
    ['expired', 'expired'],
    ['orphaned', 'orphaned'],
  ]) {
    test(`receipt state "${raw}" -> "${mapped}", raw_state "${raw}" kept (§3.8 V1_STATE_MAP)`, async () => {
      const x = await serve(fixedAnswer(200, 'application/json', receiptWith(raw)))
      const m = await v2(x.url, { raw: true }).retrieveMetadata('r'.repeat(62))
      assert.equal(m.state, mapped)
      assert.equal(m.raw_state, raw)
      assert.equal(m.raw.record.state, raw, 'raw holds the server answer untouched')
      assertIntegerFields(m, ['ttl', 'metadata_ttl', 'created', 'updated'], 'receipt')
      assert.equal(m.created, 1795714792, 'float epochs become integer seconds')
      if (mapped === 'received') {
        assert.equal(m.secret_key, undefined)
        assert.equal(m.share_link, undefined)
      } else {
        assert.equal(m.share_link, `${x.url}/secret/${'s'.repeat(62)}`)
      }
      assert.equal(x.requests[0].url, `/api/v2/receipt/${'r'.repeat(62)}`)
      assert.equal(x.requests[0].method, 'GET')
    })
  }

  test('v2 requests are nested JSON with continue:true on reveal (§4.3)', async () => {
    const x = await serve(fixedAnswer(200, 'application/json', { record: { key: 'k'.repeat(62), secret_value: 'v' } }))
    const r = await v2(x.url).retrieveSecret('k'.repeat(62), { passphrase: 'pp' })
    assert.equal(r.value, 'v')
    const [req] = x.requests
    assert.equal(req.url, `/api/v2/secret/${'k'.repeat(62)}/reveal`)
    assert.match(req.headers['content-type'], /application\/json/)
    assert.deepEqual(JSON.parse(req.body), { continue: true, passphrase: 'pp' })
  })
})

describe('regions (§6): no request is made', () => {
  const regions = { eu: 'https://eu.onetimesecret.com', us: 'https://us.onetimesecret.com', ca: 'https://ca.onetimesecret.com', nz: 'https://nz.onetimesecret.com', uk: 'https://uk.onetimesecret.com' }
  for (const [region, url] of Object.entries(regions)) {
    test(`region "${region}" -> ${url}`, () => {
      assert.equal(new OneTimeSecretApi('me@example.com', 'tok', { region }).url, url)
    })
  }

  test('anonymous clients take a region too', () => {
    assert.equal(OneTimeSecretApi.anonymous({ region: 'eu' }).url, 'https://eu.onetimesecret.com')
  })

  test('url and region together -> InputError', () => {
    throwsWith(() => new OneTimeSecretApi('me@example.com', 'tok', { url: 'http://127.0.0.1:1', region: 'eu' }), InputError, {
      message: /url or region/,
    })
  })

  test('an unknown region -> InputError naming the choices', () => {
    throwsWith(() => new OneTimeSecretApi('me@example.com', 'tok', { region: 'mars' }), InputError, {
      message: /eu, us, ca, nz, uk/,
    })
  })

  test('an unknown apiVersion -> InputError', () => {
    throwsWith(() => new OneTimeSecretApi('me@example.com', 'tok', { apiVersion: 'v3' }), InputError, {
      message: /"v1" or "v2"/,
    })
  })
})

test('API v2 answers carry the server\'s answer as `raw` only with the raw option', async () => {
  const srv = await startServer({ generation: 'v0.26' })
  try {
    const plain = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url, apiVersion: 'v2' })
    const s = await plain.share('no raw here', { ttl: 600 })
    assert.equal(s.raw, undefined)
    assert.equal(s.raw_state, 'new', 'the normalised fields stay')
    const r = await plain.retrieveSecret(s.secret_key)
    assert.deepEqual(Object.keys(r).sort(), ['secret_key', 'value'])
    const withRaw = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url, apiVersion: 'v2', raw: true })
    const t = await withRaw.share('raw here', { ttl: 600 })
    assert.equal(typeof t.raw.record, 'object')
    const u = await withRaw.retrieveSecret(t.secret_key)
    assert.equal(u.value, 'raw here')
    assert.equal(JSON.stringify(u).split('raw here').length - 1, 1, 'the secret is held once, not repeated in raw')
    assert.throws(() => new OneTimeSecretApi('u', 'k', { raw: 'yes' }), /^InputError: raw: expected a boolean, got string/)
  } finally {
    await srv.close()
  }
})

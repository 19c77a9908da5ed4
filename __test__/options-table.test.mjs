// Issues 22 and 23: every option is described once (crates/core/src/options_table/, `ots_core::options_table`). A misspelt or unknown
// option name is an InputError naming it and the closest known one, before anything is sent; what
// 2.1.1 accepted still works (`port`, `signal`, inherited properties). The CLI's flags name
// options of that table, and its help states the table's defaults.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import OneTimeSecretApi, { InputError } from '../index.mjs'
import { startServer } from '../testing.mjs'

const require = createRequire(import.meta.url)
const binding = require('../load-binding.js').load()
const TABLE = JSON.parse(binding.optionTable())
const { OPTIONS, LIBRARY_OPTIONS, CALL_OF_COMMAND } = require('../bin/cli/options.js')
const { USAGE } = require('../bin/cli/usage.js')

const KEY = 'a'.repeat(31)

function isInput(message) {
  return (e) => {
    assert.ok(e instanceof InputError, `${e?.name}: ${e?.message}`)
    assert.equal(e.message, message)
    return true
  }
}

test('misspelt options are refused before anything is sent, naming the closest option', async () => {
  const srv = await startServer()
  try {
    const ots = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url })
    const before = srv.requestCount()
    await assert.rejects(ots.share('s3cr3t', { encrpyt: true }), isInput('encrpyt: unknown option; did you mean "encrypt"?'))
    await assert.rejects(ots.share('s3cr3t', { Encrypt: true }), isInput('Encrypt: unknown option; did you mean "encrypt"?'))
    await assert.rejects(ots.share('s3cr3t', { pasphrase: 'pw' }), isInput('pasphrase: unknown option; did you mean "passphrase"?'))
    await assert.rejects(ots.share('s3cr3t', { length: 8 }), isInput('length: unknown option (known: passphrase, ttl, recipient, shareDomain, encrypt, signal, timeout)'))
    await assert.rejects(ots.generate({ characterSets: { numbrs: false } }), isInput('characterSets.numbrs: unknown option; did you mean "numbers"?'))
    await assert.rejects(ots.generate({ tll: 60 }), isInput('tll: unknown option; did you mean "ttl"?'))
    await assert.rejects(ots.retrieveSecret(KEY, { passphrse: 'pw' }), isInput('passphrse: unknown option; did you mean "passphrase"?'))
    await assert.rejects(ots.burn(KEY, { passPhrase: 'pw' }), isInput('passPhrase: unknown option; did you mean "passphrase"?'))
    for (const call of [() => ots.status({ timout: 5 }), () => ots.retrieveMetadata(KEY, { timout: 5 }), () => ots.recentMetadata({ timout: 5 }),
      () => ots.secretStatus(KEY, { timout: 5 }), () => ots.serverInfo({ timout: 5 })]) {
      await assert.rejects(call(), isInput('timout: unknown option; did you mean "timeout"?'))
    }
    assert.throws(() => new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url, tiemout: 5 }),
      isInput('tiemout: unknown option; did you mean "timeout"?'))
    assert.throws(() => OneTimeSecretApi.anonymous({ url: srv.url, apiversion: 'v2' }),
      isInput('apiversion: unknown option; did you mean "apiVersion"?'))
    assert.equal(srv.requestCount(), before, 'a refused call sent nothing')
    // The same calls spelt right do reach the server (the count above could move).
    await ots.share('s3cr3t', { encrypt: true })
    assert.equal(srv.requestCount(), before + 1)
  } finally {
    await srv.close()
  }
})

test('an unknown option is named, never its value; a name that is not one is described', async () => {
  const ots = OneTimeSecretApi.anonymous({ url: 'http://127.0.0.1:9' })
  for (const options of [{ pasphrase: 'hunter2-the-passphrase' }, { 'hunter2 is my password': true }, { ['x'.repeat(50)]: 'hunter2' }]) {
    await assert.rejects(ots.share('hunter2', options), (e) => {
      assert.ok(e instanceof InputError)
      assert.doesNotMatch(e.message, /hunter2/)
      assert.match(e.message, /unknown option/)
      return true
    })
  }
  await assert.rejects(ots.share('s', { 'a-b': 1 }), isInput('"a-b": unknown option (known: passphrase, ttl, recipient, shareDomain, encrypt, signal, timeout)'))
  await assert.rejects(ots.share('s', { 'a b': 1 }), isInput('an option name of 3 characters: unknown option (known: passphrase, ttl, recipient, shareDomain, encrypt, signal, timeout)'))
})

test('what 2.1.1 accepted still works: port, signal, inherited and non-enumerable properties', async () => {
  const srv = await startServer()
  try {
    const ots = new OneTimeSecretApi(srv.username, srv.apiKey, { url: srv.url, port: 443 })
    const signal = new AbortController().signal
    const shared = await ots.share('s3cr3t', { ttl: 600, signal, timeout: 5000 })
    await ots.status({ signal })
    await ots.retrieveMetadata(shared.metadata_key, { signal })
    // Inherited properties are read as 2.1.1 read them, and not checked by name.
    const proto = { ttl: 300, somethingInherited: true }
    const inherited = await ots.share('s3cr3t', Object.create(proto))
    assert.ok(inherited.secret_ttl <= 300)
    await assert.rejects(ots.share('s', Object.create({ ttl: '300' })), isInput('ttl: expected an integer number of seconds > 0, got string'))
    // A non-enumerable own property and symbol keys are not options.
    const hidden = Object.defineProperty({ [Symbol('tag')]: 1 }, 'internal', { value: 1, enumerable: false })
    await ots.share('s3cr3t', hidden)
  } finally {
    await srv.close()
  }
})

test('the CLI flags set options of the table, and its help states the table defaults', () => {
  const callTable = (call) => new Map(TABLE.calls[call].map((o) => [o.name, o]))
  const client = new Map(TABLE.constructor.map((o) => [o.name, o]))
  const server = new Map(TABLE.server.map((o) => [o.name, o]))
  for (const [command, flags] of Object.entries(OPTIONS)) {
    for (const flag of Object.keys(flags)) {
      const target = LIBRARY_OPTIONS[flag]
      if (!target) continue
      const [where, name] = target
      if (command === 'serve') {
        if (where === 'server') assert.ok(server.has(name), `ots serve --${flag}: startServer has no ${name}`)
        continue
      }
      const known = where === 'client' ? client : callTable(CALL_OF_COMMAND[command])
      assert.ok(known.has(name), `ots ${command} --${flag}: ${where === 'client' ? 'the constructor' : CALL_OF_COMMAND[command]} has no option ${name}`)
    }
  }
  for (const call of Object.values(CALL_OF_COMMAND)) assert.ok(TABLE.calls[call], call)
  // The help's defaults are the table's (the CLI's --timeout is in seconds).
  const help = USAGE.share
  assert.match(help, new RegExp(`--url <url> .*default ${client.get('url').default.replace(/[.]/g, '\\.')}\\)`))
  assert.match(help, new RegExp(`--api-version <v> .*default ${client.get('apiVersion').default}\\)`))
  assert.match(help, new RegExp(`--timeout <seconds> .*\\(default ${client.get('timeout').default / 1000}\\)`))
  assert.match(USAGE.serve, new RegExp(`--generation <g> .*\\(default ${server.get('generation').default}\\)`))
  assert.match(USAGE.serve, new RegExp(`--port <n> .*\\(default ${server.get('port').default}: a free one\\)`))
  // The CLI's --ttl and --timeout stay inside the library's ranges.
  assert.equal(callTable('share').get('ttl').range.min, 0)
  assert.equal(client.get('timeout').range.minInclusive, false)
})

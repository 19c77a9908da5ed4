// onetimesecret-api/testing: bad arguments to the embedded server are InputErrors that name the
// option, the expected type or range, and what was given (the wording of the client's options),
// never a serde or napi message; nothing starts and nothing is left listening.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { startServer } from '../testing.mjs'
import { InputError } from '../index.mjs'

async function rejectsInput (promise, message) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof InputError, `${e?.name}: ${e?.message}`)
    assert.equal(e.code, 'ERR_OTS_INPUT')
    assert.equal(e.message, message)
    return true
  })
}

function throwsInput (fn, message) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof InputError, `${e?.name}: ${e?.message}`)
    assert.equal(e.message, message)
    return true
  })
}

const GENERATIONS = 'expected one of "v0.12", "v0.22", "v0.26"'
const PORT = 'expected a whole number from 0 (any free port) to 65535'

test('startServer: bad options reject with InputError naming the option', async () => {
  await rejectsInput(startServer({ generation: 'v9' }), `generation: ${GENERATIONS}, got "v9"`)
  await rejectsInput(startServer({ generation: 22 }), `generation: ${GENERATIONS}, got number`)
  await rejectsInput(startServer({ port: -1 }), `port: ${PORT}, got -1`)
  await rejectsInput(startServer({ port: 1.5 }), `port: ${PORT}, got 1.5`)
  await rejectsInput(startServer({ port: '8080' }), `port: ${PORT}, got string`)
  await rejectsInput(startServer({ port: 70000 }), `port: ${PORT}, got 70000`)
  await rejectsInput(startServer('x'), 'options: expected an object, got string')
  await rejectsInput(startServer([]), 'options: expected an object, got array')
  await rejectsInput(startServer({ username: 5 }), 'username: expected a string, got number')
  await rejectsInput(startServer({ apiKey: {} }), 'apiKey: expected a string, got object')
  await rejectsInput(startServer({ generaton: 'v0.22' }),
    'generaton: unknown option; did you mean "generation"?')
})

test('startServer: a port already in use is an InputError naming the port', async () => {
  const first = await startServer()
  try {
    await assert.rejects(startServer({ port: first.port }), (e) => {
      assert.ok(e instanceof InputError)
      assert.match(e.message, new RegExp(`^port: could not listen on 127\\.0\\.0\\.1:${first.port} \\(`))
      return true
    })
  } finally {
    await first.close()
  }
})

test('startServer: good options are taken, absent ones default', async () => {
  const srv = await startServer({ generation: 'v0.12', username: 'a@b.example', apiKey: 'k'.repeat(40), port: undefined })
  try {
    assert.equal(srv.generation, 'v0.12')
    assert.equal(srv.username, 'a@b.example')
    assert.equal(srv.apiKey, 'k'.repeat(40))
  } finally {
    await srv.close()
  }
  const dflt = await startServer(null)
  try {
    assert.equal(dflt.generation, 'v0.26')
  } finally {
    await dflt.close()
  }
})

test('server methods: bad arguments throw InputError naming the argument', async () => {
  const srv = await startServer()
  try {
    throwsInput(() => srv.advanceClock(-1), 'seconds: expected a whole number of seconds >= 0, got -1')
    throwsInput(() => srv.advanceClock('60'), 'seconds: expected a whole number of seconds >= 0, got string')
    throwsInput(() => srv.setRateLimit(1.5), 'limit: expected a whole number of requests >= 0, or null, got 1.5')
    throwsInput(() => srv.addAccount(5), 'email: expected a string, got number')
    for (const [fault, start] of [
      [{ kind: 'nope' }, 'fault.kind: expected one of "delayHeaders", '],
      [{ route: 'GET /x' }, 'fault.kind: expected one of "delayHeaders", '],
      [{ kind: 'status', status: 'x' }, 'fault: the fields of kind "status" are wrong'],
    ]) {
      assert.throws(() => srv.setFault(fault), (e) => e instanceof InputError && e.message.startsWith(start))
    }
    // Nothing was set: the server still answers normally.
    const res = await fetch(`${srv.url}/api/v1/status`)
    assert.equal(res.status, 200)
  } finally {
    await srv.close()
  }
})

test('testing.d.ts lists the generations and fault kinds the server has (one list, in Rust)', async () => {
  const dts = readFileSync(new URL('../testing.d.ts', import.meta.url), 'utf8')
  const declared = (re) => [...re.exec(dts)[1].matchAll(/'([^']+)'/g)].map((m) => m[1])
  const listed = (message) => [...message.matchAll(/"([^"]+)"/g)].map((m) => m[1]).slice(0, -1)
  let message
  await startServer({ generation: '?' }).catch((e) => { message = e.message })
  assert.deepEqual(declared(/export type Generation = ([^\n]+)/), listed(message))
  const srv = await startServer()
  try {
    assert.throws(() => srv.setFault({ kind: '?' }), (e) => { message = e.message; return true })
    assert.deepEqual([...dts.matchAll(/\{ kind: '([^']+)'/g)].map((m) => m[1]), listed(message))
  } finally {
    await srv.close()
  }
})

// The error kinds have one source: error-kinds.json (class name, parent, code, `ots` exit code).
// errors.js builds the classes from it and index.js exports them in a loop; what cannot be derived
// (index.mjs's static export list, index.d.ts's declarations, README's error table) is checked
// against it here. The Rust side (ots_core::ErrorKind) is checked against it by a cargo test in
// src/errors.rs, both directions.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { test } from 'node:test'

import * as esm from '../index.mjs'

const require = createRequire(import.meta.url)
const kinds = require('../error-kinds.json')
const errors = require('../errors.js')
const cjs = require('../index.js')
const read = (file) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')

const isErrorClass = (v) => typeof v === 'function' && (v === Error || v.prototype instanceof Error)

test('the table: unique names and codes, one root, parents listed before their children', () => {
  assert.equal(new Set(kinds.map((k) => k.name)).size, kinds.length)
  assert.equal(new Set(kinds.map((k) => k.code)).size, kinds.length)
  assert.deepEqual(
    kinds.filter((k) => k.parent === null).map((k) => k.name),
    ['OneTimeSecretError'],
  )
  kinds.forEach((k, i) => {
    if (k.parent !== null) assert.ok(kinds.slice(0, i).some((p) => p.name === k.parent), `${k.name}'s parent`)
    assert.ok(Number.isInteger(k.exitCode) && k.exitCode > 0 && k.exitCode < 256, `${k.name}'s exitCode`)
  })
})

test('errors.js: one class per row, with its name, parent, code and exit code', () => {
  for (const k of kinds) {
    const Cls = errors[k.name]
    assert.ok(isErrorClass(Cls), k.name)
    assert.equal(Cls.name, k.name)
    assert.equal(Cls.code, k.code)
    assert.equal(Cls.exitCode, k.exitCode)
    assert.equal(Object.getPrototypeOf(Cls), k.parent === null ? Error : errors[k.parent], `${k.name} extends ${k.parent}`)
    const e = new Cls('m')
    assert.equal(e.name, k.name)
    assert.equal(e.code, k.code)
    assert.ok(e instanceof errors.OneTimeSecretError)
    assert.equal(errors.exitCodeOf(e), k.exitCode, `exit code of ${k.name}`)
    // What the addon throws and rejects with (src/errors.rs): an Error with the code, the message and otsDetails.
    const native = Object.assign(new Error('m'), { code: k.code, otsDetails: {} })
    assert.ok(errors.fromNative(native) instanceof Cls, `fromNative(${k.code})`)
  }
  assert.equal(errors.exitCodeOf(new Error('not ours')), 1)
  assert.equal(errors.exitCodeOf(undefined), 1)
})

test('the contract values: NotFoundError exits 8 (not 4), DecryptionError exists and exits 9', () => {
  const row = (name) => kinds.find((k) => k.name === name)
  assert.deepEqual(row('NotFoundError'), { name: 'NotFoundError', parent: 'OneTimeSecretError', code: 'ERR_OTS_NOT_FOUND', exitCode: 8 })
  assert.deepEqual(row('DecryptionError'), { name: 'DecryptionError', parent: 'OneTimeSecretError', code: 'ERR_OTS_DECRYPTION', exitCode: 9 })
  assert.equal(row('IncorrectPassphraseError').parent, 'UnknownSecretError')
})

test('index.js and index.mjs export exactly the table\'s classes (and the same objects)', () => {
  const names = kinds.map((k) => k.name).sort()
  assert.deepEqual(Object.keys(cjs).filter((n) => isErrorClass(cjs[n])).sort(), names)
  assert.deepEqual(Object.keys(esm).filter((n) => isErrorClass(esm[n])).sort(), names)
  for (const n of names) {
    assert.equal(cjs[n], errors[n], `index.js ${n}`)
    assert.equal(esm[n], errors[n], `index.mjs ${n}`)
  }
})

test('index.d.ts declares exactly the table\'s classes, each extending its parent', () => {
  const declared = new Map(
    [...read('index.d.ts').matchAll(/export declare class (\w+Error) extends (\w+)/g)].map((m) => [m[1], m[2]]),
  )
  assert.deepEqual([...declared.keys()].sort(), kinds.map((k) => k.name).sort())
  for (const k of kinds) assert.equal(declared.get(k.name), k.parent ?? 'Error', `${k.name} extends`)
})

test("README's error table lists every class but the base, with its code", () => {
  const readme = read('README.md')
  const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('\n## ', readme.indexOf('## Errors') + 1))
  const rows = new Map(
    [...section.matchAll(/^\| `(\w+)`[^|]*\|[^|]*\| `(\w+)` \|/gm)].map((m) => [m[1], m[2]]),
  )
  const expected = new Map(kinds.filter((k) => k.parent !== null).map((k) => [k.name, k.code]))
  assert.deepEqual(new Map([...rows].sort()), new Map([...expected].sort()))
})

test('an error raised in Rust arrives as the class its code names', async () => {
  const ots = new cjs.OneTimeSecretApi('u', 'p', { url: 'http://127.0.0.1:9' })
  const e = await ots.retrieveSecret('tooshort').then(
    () => assert.fail('resolved'),
    (err) => err,
  )
  assert.ok(e instanceof cjs.InputError)
  assert.equal(e.code, 'ERR_OTS_INPUT')
  assert.equal(e.message, 'Invalid key provided: tooshort')
})

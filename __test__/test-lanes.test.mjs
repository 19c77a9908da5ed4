// `npm test` runs every suite; `npm run test:quick` runs cargo test and every suite that
// scripts/test-quick.mjs does not list as slow (the one list, README "The two commands").
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { SLOW_SUITES, suites } from '../scripts/test-quick.mjs'

const ROOT = join(import.meta.dirname, '..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

test('npm test runs every suite, test:quick the script', () => {
  // Other lanes (npm scripts of their own) may join `npm test`; test:quick runs none of them.
  assert.match(pkg.scripts.test, /npm run test:rust && npm run test:js\b/)
  assert.match(pkg.scripts['test:js'], / __test__\/\*\.test\.mjs$/)
  assert.match(pkg.scripts['test:rust'], /cargo test --workspace$/)
  assert.equal(pkg.scripts['test:quick'], 'node scripts/test-quick.mjs')
})

test('test:quick runs every suite of __test__/ except the listed slow ones, this one included', () => {
  const files = readdirSync(join(ROOT, '__test__')).filter((f) => f.endsWith('.test.mjs'))
  const { all, quick } = suites()
  assert.deepEqual(all, files.sort())
  assert.deepEqual(quick, files.filter((f) => !Object.hasOwn(SLOW_SUITES, f)))
  assert.ok(quick.includes('test-lanes.test.mjs'))
  assert.ok(quick.includes('client-v1.test.mjs'))
  for (const [name, why] of Object.entries(SLOW_SUITES)) {
    assert.ok(all.includes(name), `${name} exists`)
    assert.ok(why.length > 0, `${name} says why it is slow`)
  }
})

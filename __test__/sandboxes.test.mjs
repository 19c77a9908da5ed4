// Jest and Vitest sandboxes, in a user's project (issue 21, "Realms and copies"): the package
// installed from its tarballs into an empty project (helpers/packed-app.mjs), Jest 30 and Vitest 4
// with no configuration (ts-jest's own preset for the TypeScript test), the test files in
// fixtures/sandboxes/. Answers must be objects and arrays of the test's realm (`instanceof Object`,
// `toStrictEqual`), errors instances of the classes the test imported, and each copy of the
// package (jest.isolateModules, jest.resetModules) must keep its own error classes.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { childEnv, packedApp, ROOT } from './helpers/packed-app.mjs'

const FIXTURES = join(ROOT, '__test__', 'fixtures', 'sandboxes')
let tmp, app
const timings = {}

before(async () => {
  const made = await packedApp('ots-sandboxes-', ['jest', '@jest', 'ts-jest', 'typescript', 'vitest'])
  tmp = made.tmp
  app = made.app
  Object.assign(timings, made.timings)
})

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
  console.log(`# sandboxes timings (ms): ${JSON.stringify(timings)}`)
})

/**
 * Runs a test tool's CLI (`node <script> ...args`) in the project; resolves its output, exit code,
 * process id and the lines the test files reported (where each ran).
 */
function runTool(name, script, args, cwd = app) {
  const report = join(tmp, `${name}.report`)
  writeFileSync(report, '')
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const env = { ...childEnv, SANDBOX_REPORT: report, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' }
    const child = spawn(process.execPath, [join(app, 'node_modules', script), ...args], { cwd, env })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', (status) => {
      timings[name] = Math.round(performance.now() - t0)
      const ran = readFileSync(report, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
      resolve({ status, out, pid: child.pid, ran })
    })
  })
}

const JEST = 'jest/bin/jest.js'
const VITEST = 'vitest/vitest.mjs'

function copyFixture(dir) {
  cpSync(join(FIXTURES, dir), join(app, dir), { recursive: true })
}

test('Jest, no configuration: a real test, two copies (isolateModules, resetModules), jest.mock; in worker processes', async () => {
  copyFixture('jest')
  const r = await runTool('jest', JEST, ['--ci', '--maxWorkers=2', '--cacheDirectory', join(tmp, 'jest-cache'), 'jest/'])
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /Tests:\s+5 passed, 5 total/, r.out)
  assert.deepEqual(r.ran.map((x) => x.file).sort(), ['jest/copies', 'jest/mocked', 'jest/realm'])
  for (const x of r.ran) assert.notEqual(x.pid, r.pid, `${x.file} ran in a worker process, not in Jest's own`)
})

test('Jest with workerThreads: the real test in a worker thread', async () => {
  const r = await runTool('jest-threads', JEST, ['--ci', '--workerThreads', '--maxWorkers=2', '--cacheDirectory', join(tmp, 'jest-cache-threads'), 'jest/(realm|copies)'])
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /Tests:\s+4 passed, 4 total/, r.out)
  assert.equal(r.ran.length, 2, JSON.stringify(r.ran))
  for (const x of r.ran) assert.equal(x.isMainThread, false, `${x.file} ran in a worker thread`)
})

test('Jest with automock on: the package unmocked works for real', async () => {
  copyFixture('jest-automock')
  const r = await runTool('jest-automock', JEST, ['--ci', '--automock', '--cacheDirectory', join(tmp, 'jest-cache-automock'), 'jest-automock/'])
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /Tests:\s+1 passed, 1 total/, r.out)
})

test('Jest + ts-jest (its preset): the real test in TypeScript, type-checked', async () => {
  copyFixture('jest-ts')
  const r = await runTool('jest-ts', JEST, ['--ci', '--cacheDirectory', join(tmp, 'jest-cache-ts')], join(app, 'jest-ts'))
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /Tests:\s+1 passed, 1 total/, r.out)
})

for (const pool of ['threads', 'forks', 'vmThreads', 'vmForks']) {
  test(`Vitest, no configuration, pool ${pool}: answers are this realm's objects (toStrictEqual, instanceof Object), errors the imported classes`, async () => {
    copyFixture('vitest')
    const r = await runTool(`vitest-${pool}`, VITEST, ['run', `--pool=${pool}`, '--dir', 'vitest'])
    assert.equal(r.status, 0, r.out)
    assert.match(r.out, /Tests\s+1 passed \(1\)/, r.out)
    assert.equal(r.ran.length, 1, JSON.stringify(r.ran))
    const [x] = r.ran
    if (/threads/i.test(pool)) assert.equal(x.isMainThread, false, 'ran in a worker thread')
    else assert.notEqual(x.pid, r.pid, 'ran in a child process')
  })
}

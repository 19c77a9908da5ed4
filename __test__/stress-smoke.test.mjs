// README, Benchmarks and reliability: "`npm run stress` runs the long reliability suites (every fault
// kind x every call, 100,000 hostile inputs, 100,000 calls with 1,000 in flight) and writes
// RELIABILITY.md: crashes, hangs, duplicated destructive calls, leaked secrets, RSS growth." The
// same script with small numbers (its env options), writing to a temporary file: it runs every
// part and writes every line of the report, and finds nothing wrong.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnCapture } from './helpers/spawn-capture.mjs'
import { FAULTS } from './helpers/reliability-matrix.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

test('npm run stress, small: every fault kind x every call, fuzzing, load with 1,000 in flight, and the report', { timeout: 600_000 }, async () => {
  const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.stress
  assert.equal(script, 'node scripts/stress.mjs')
  // Without the env options it runs the sizes the README states.
  const source = readFileSync(join(ROOT, 'scripts', 'stress.mjs'), 'utf8')
  assert.match(source, /const FUZZ = Number\(process\.env\.STRESS_FUZZ \|\| 100_000\)/)
  assert.match(source, /const CALLS = Number\(process\.env\.STRESS_CALLS \|\| 100_000\)/)
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ')
  assert.ok(readme.includes('(every fault kind x every call, 100,000 hostile inputs, 100,000 calls with 1,000 in flight)'))
  const dir = mkdtempSync(join(tmpdir(), 'ots-stress-'))
  try {
    const out = join(dir, 'RELIABILITY.md')
    const env = { ...process.env, STRESS_FUZZ: '400', STRESS_CALLS: '2000', STRESS_WARMUP: '1000', STRESS_ROUNDS: '1', STRESS_OUT: out }
    delete env.NODE_TEST_CONTEXT
    const r = await spawnCapture(process.execPath, [join(ROOT, 'scripts', 'stress.mjs')], { cwd: ROOT, env })
    assert.equal(r.status, 0, r.stderr.slice(-3000))
    const md = readFileSync(out, 'utf8')
    for (const line of [
      /^\| fuzz inputs tried \| 4\d\d /m,
      /^\| crashes \(process aborted or died\) \| 0 \|$/m,
      /^\| hangs \(call not settled in time\) \| 0 \|$/m,
      /^\| duplicates \(a create\/consume call sent more than once\) \| 0 \|$/m,
      /^\| secret \/ token leaks in errors \| 0 \(of [\d,]+ errors checked\) \|$/m,
      /^\| load: calls settled correctly \| 2,000 of 2,000 \(max 1000 in flight, /m,
      /^\| leaks: RSS growth over 2,000 calls .* \| -?\d+\.\d MB \(/m,
    ]) assert.match(md, line)
    for (const fault of FAULTS) assert.ok(md.includes(`\n| ${fault.name} | `), `fault matrix row ${fault.name}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

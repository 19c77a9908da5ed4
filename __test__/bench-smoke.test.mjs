// `node bench/run.mjs --smoke` against the embedded server only (no nginx, no wrk, no apt-get):
// it must finish and write its table, chart and raw numbers to a temp dir, never to bench/.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

test('bench --smoke completes against the embedded server and writes a table', { timeout: 180_000 }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ots-bench-smoke-'))
  const committed = path.join(ROOT, 'bench/RESULTS.md')
  const before = fs.existsSync(committed) ? fs.statSync(committed).mtimeMs : null
  try {
    const r = spawnSync(
      process.execPath,
      [path.join(ROOT, 'bench/run.mjs'), '--smoke', '--server=embedded', '--clients=this,http', `--out=${out}`],
      { cwd: ROOT, encoding: 'utf8', timeout: 170_000 },
    )
    assert.equal(r.status, 0, `bench --smoke failed:\n${r.stderr}\n${r.stdout}`)
    const md = fs.readFileSync(path.join(out, 'RESULTS.md'), 'utf8')
    assert.match(md, /\| client \| in flight \| req\/s \| p50 ms \| p99 ms \|/)
    assert.match(md, /\*\*embedded\*\*/)
    const mainTable = md.slice(0, md.indexOf('## Targets'))
    const rows = mainTable.split('\n').filter((l) => l.startsWith('| onetimesecret-api 3.0 (this) |'))
    assert.equal(rows.length, 2, 'one row per concurrency for this package')
    for (const row of rows) {
      const rps = Number(row.split('|')[3])
      assert.ok(rps > 0, `req/s should be positive: ${row}`)
    }
    assert.match(md, /## Targets/)
    const json = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'))
    assert.equal(json.server, 'embedded')
    assert.ok(json.raw.every((r) => r.errors === 0), 'no failed calls')
    assert.match(fs.readFileSync(path.join(out, 'results.svg'), 'utf8'), /^<svg /)
    const after = fs.existsSync(committed) ? fs.statSync(committed).mtimeMs : null
    assert.equal(after, before, 'smoke mode must not touch bench/RESULTS.md')
  } finally {
    fs.rmSync(out, { recursive: true, force: true })
  }
})

test("README's benchmark paragraph quotes bench/RESULTS.md (every decimal number in it is there)", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const results = fs.readFileSync(path.join(ROOT, 'bench/RESULTS.md'), 'utf8')
  const start = readme.indexOf('In the run recorded there')
  assert.ok(start > 0, 'README has the benchmark paragraph')
  const paragraph = readme.slice(start, readme.indexOf('\n\n', start))
  const numbers = paragraph.match(/\d+\.\d+/g) || []
  assert.ok(numbers.length >= 5, `the paragraph quotes numbers: ${paragraph}`)
  for (const n of numbers) assert.match(results, new RegExp(`(^|[^\\d.])${n.replace('.', '\\.')}($|[^\\d])`, 'm'), `${n} is not in bench/RESULTS.md`)
})

// docs/README-CLAIMS.md against the README and the test sources (split from
// readme-claims.test.mjs, which checks the claims themselves).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const flat = (text) => text.replace(/\s+/g, ' ')

// docs/README-CLAIMS.md: every README paragraph, list item and table row is listed there, either
// with the tests that back its claims or as a sentence that promises no behaviour (and why); every
// quote is still in the README and every test named still exists.
const CLAIMS_FILE = 'docs/README-CLAIMS.md'
const claimsText = readFileSync(new URL(`../${CLAIMS_FILE}`, import.meta.url), 'utf8')

/** The README's units: paragraphs, list items and table rows outside code blocks, with their line. */
function readmeUnits(text) {
  const units = []
  let inCode = false
  let current = null
  const flush = () => {
    if (current) units.push(current)
    current = null
  }
  for (const [i, line] of text.split('\n').entries()) {
    if (line.startsWith('```')) {
      flush()
      inCode = !inCode
    } else if (inCode) {
      continue
    } else if (/^#{1,6} /.test(line) || line.trim() === '') {
      flush()
    } else if (line.startsWith('|')) {
      flush()
      if (!/^\|[-| ]+\|$/.test(line)) units.push({ line: i + 1, text: line })
    } else if (/^\s*- /.test(line) || !current) {
      flush()
      current = { line: i + 1, text: line.trim() }
    } else {
      current.text += ` ${line.trim()}`
    }
  }
  flush()
  return units.map((u) => ({ ...u, text: flat(u.text) }))
}

/** The claims file: `{ section, line, quotes, refs, reason }` per `- «quote»` item. */
function claimEntries(text) {
  const entries = []
  let section = ''
  for (const [i, line] of text.split('\n').entries()) {
    if (line.startsWith('## ')) section = line.slice(3)
    if (line.startsWith('- «')) {
      entries.push({ section, line: i + 1, quotes: [...line.matchAll(/«([^»]+)»/g)].map((m) => flat(m[1])), refs: [], reason: '' })
    } else if (/^ {2}\S/.test(line) && entries.length) {
      const e = entries.at(-1)
      if (line.startsWith('  → ')) e.refs.push(...[...line.matchAll(/`([^`]+)` «([^»]+)»/g)].map((m) => ({ file: m[1], name: m[2] })))
      else e.reason += line.trim()
    }
  }
  return entries
}

const entries = claimEntries(claimsText)
const BACKED = 'Claims and the tests that back them'
const NOT_BEHAVIOUR = 'Sentences that promise no behaviour'

test(`${CLAIMS_FILE}: every quote is in the README, every claim names a test, every other entry says why it needs none`, () => {
  const readme = flat(README)
  assert.ok(entries.length > 100, `${entries.length} entries`)
  const problems = []
  for (const e of entries) {
    for (const q of e.quotes) if (!readme.includes(q)) problems.push(`${CLAIMS_FILE}:${e.line} quotes «${q}», which README.md no longer says: quote what it says now`)
    if (e.section === BACKED && e.refs.length === 0) problems.push(`${CLAIMS_FILE}:${e.line} names no test`)
    if (e.section === NOT_BEHAVIOUR && !e.reason) problems.push(`${CLAIMS_FILE}:${e.line} says not why no test is needed`)
    if (![BACKED, NOT_BEHAVIOUR].includes(e.section)) problems.push(`${CLAIMS_FILE}:${e.line} is under an unknown heading "${e.section}"`)
  }
  assert.deepEqual(problems, [])
})

test(`${CLAIMS_FILE}: every test it names exists (a test renamed or removed fails here)`, () => {
  const sources = new Map()
  const source = (file) => {
    if (!sources.has(file)) sources.set(file, readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'))
    return sources.get(file)
  }
  const missing = []
  let count = 0
  for (const e of entries) {
    for (const { file, name } of e.refs) {
      count++
      let text
      try {
        text = source(file)
      } catch {
        missing.push(`${CLAIMS_FILE}:${e.line}: no file ${file}`)
        continue
      }
      // Rust: a #[test] / #[tokio::test] fn of that name; JS: the title as written in the file.
      const found = file.endsWith('.rs') ? new RegExp(`#\\[(tokio::)?test[^\\]]*\\]\\s*(async )?fn ${name}\\(`).test(text) : text.includes(name)
      if (!found) missing.push(`${CLAIMS_FILE}:${e.line}: ${file} has no test «${name}»`)
    }
  }
  assert.ok(count > 150, `${count} test references`)
  assert.deepEqual(missing, [])
})

test(`every README paragraph, list item and table row is in ${CLAIMS_FILE}`, () => {
  const quotes = entries.flatMap((e) => e.quotes)
  const unlisted = readmeUnits(README).filter((u) => !quotes.some((q) => u.text.includes(q)))
  assert.deepEqual(
    unlisted.map((u) => `README.md:${u.line} «${u.text.slice(0, 80)}…» is in no entry of ${CLAIMS_FILE}: add the tests that back it, or say why it promises nothing`),
    [],
  )
})

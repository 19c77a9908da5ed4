// decrypt.html in a real headless Chromium: envelopes made by the Rust side open in the page (the
// known answers that crates/core/src/e2e/tests.rs checks ring's output against), a wrong key, an
// altered envelope and an unknown version fail there too, and the page makes no request at all.

import test from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import { once } from 'node:events'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { launchChromium } from './helpers/chromium.mjs'
import OneTimeSecretApi from '../index.mjs'
import { startServer } from '../testing.mjs'

const PAGE = fileURLToPath(new URL('../decrypt.html', import.meta.url))
const PAGE_URL = pathToFileURL(PAGE).href
const KAT = JSON.parse(fs.readFileSync(new URL('../crates/core/src/e2e/vectors.json', import.meta.url), 'utf8'))
const [FIRST] = KAT.vectors
const OTHER_KEY = Buffer.alloc(32, 9).toString('base64url')

/** Fills the form, clicks Decrypt, and resolves once the page has settled on ok or error. */
function decryptIn(page, envelope, key) {
  return page.evaluate(`new Promise((resolve, reject) => {
    const $ = (id) => document.getElementById(id)
    const status = $('status')
    if (!status.dataset.state) return reject(new Error('the page script did not run (blocked by its CSP?)'))
    const done = () => resolve({ state: status.dataset.state, message: status.textContent, plaintext: $('plaintext').value })
    new MutationObserver((_, observer) => {
      if (status.dataset.state !== 'busy') { observer.disconnect(); done() }
    }).observe(status, { attributes: true, childList: true })
    if (${JSON.stringify(key)} !== null) $('key').value = ${JSON.stringify(key)}
    $('envelope').value = ${JSON.stringify(envelope)}
    $('open').click()
  })`)
}

let browser
let page
test.before(async () => {
  browser = await launchChromium()
  page = await browser.newPage()
})
test.after(async () => {
  await browser?.close()
})

test('the Content-Security-Policy pins the page\'s own script and style, and nothing else', () => {
  const html = fs.readFileSync(PAGE, 'utf8')
  const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1]
  const hash = (re) => `'sha256-${crypto.createHash('sha256').update(html.match(re)[1]).digest('base64')}'`
  assert.equal(csp, `default-src 'none'; script-src ${hash(/<script>([\s\S]*?)<\/script>/)}; ` +
    `style-src ${hash(/<style>([\s\S]*?)<\/style>/)}; base-uri 'none'; form-action 'none'`)
  assert.equal(html.match(/<script/g).length, 1, 'one inline script, no src')
  assert.doesNotMatch(html, /https?:\/\/|style="/, 'no remote URL, no style attribute')
})

test('every known-answer envelope opens in the page with the key from its fragment', async () => {
  for (const v of KAT.vectors) {
    await page.goto(`${PAGE_URL}#${v.fragment}`)
    const { key, hash, warned, warning } = await page.evaluate(`({ key: document.getElementById('key').value, hash: location.hash,
      warned: !document.getElementById('warning').hidden, warning: document.getElementById('warning').textContent })`)
    assert.equal(key, v.fragment)
    assert.equal(hash, '', 'the key is dropped from the address bar')
    // ... but not from the browser's history, and the page says so (docs/E2E.md "decrypt.html").
    assert.ok(warned, 'opened with #key, the page warns')
    assert.match(warning, /keeps that address, key included, in its history/)
    const r = await decryptIn(page, v.envelope, null)
    assert.deepEqual([r.state, r.plaintext], ['ok', v.plaintext], r.message)
  }
})

test('an envelope shared through the embedded server opens in the page with its link', async () => {
  const server = await startServer({ generation: 'v0.26' })
  try {
    const ots = new OneTimeSecretApi(server.username, server.apiKey, { url: server.url, apiVersion: 'v2' })
    const secret = 'shared from Rust 🔐\nsecond line'
    const { share_link, secret_key } = await ots.share(secret, { encrypt: true })
    const { value: envelope } = await ots.retrieveSecret(secret_key) // no key: the envelope the server kept
    await page.goto(PAGE_URL)
    assert.equal(await page.evaluate(`document.getElementById('warning').hidden`), true, 'no # in the address: no warning')
    const r = await decryptIn(page, envelope, share_link)
    assert.deepEqual([r.state, r.plaintext], ['ok', secret], r.message)
    const wrong = await decryptIn(page, envelope, (await ots.share(secret, { encrypt: true })).share_link)
    assert.deepEqual([wrong.state, wrong.plaintext], ['error', ''], 'another secret\'s key does not open it')
  } finally {
    await server.close()
  }
})

test('a whole pasted link gives the key; a wrapped envelope still opens', async () => {
  await page.goto(PAGE_URL)
  const [head, body] = FIRST.envelope.split('\n')
  const wrapped = `${head}\r\n${body.match(/.{1,30}/g).join('\r\n')}\r\n`
  const r = await decryptIn(page, wrapped, `https://ots.example/secret/abcdefghijklmnopqrstu#${FIRST.fragment}`)
  assert.deepEqual([r.state, r.plaintext], ['ok', FIRST.plaintext], r.message)
})

test('a wrong key, an altered or cut envelope, an unknown version and a bad key fail in the page', async () => {
  await page.goto(PAGE_URL)
  const [head, body] = FIRST.envelope.split('\n')
  const flipped = `${head}\n${body.slice(0, 20)}${body[20] === 'A' ? 'B' : 'A'}${body.slice(21)}`
  const cases = [
    [FIRST.envelope, OTHER_KEY, /wrong key, or the envelope was altered/],
    [flipped, FIRST.fragment, /wrong key, or the envelope was altered/],
    [`${head}\n${body.slice(0, body.length - 4)}`, FIRST.fragment, /wrong key, or the envelope was altered/],
    [`${head}\n${body.slice(0, 10)}`, FIRST.fragment, /damaged/],
    [FIRST.envelope.replace('ots-e2e/1', 'ots-e2e/2'), FIRST.fragment, /Unknown envelope version/],
    // The whole first line is authenticated: instructions rewritten by a server do not open.
    [FIRST.envelope.replace('open it with its key', 'send your key to attacker.example'), FIRST.fragment, /wrong key, or the envelope was altered/],
    ['just some text', FIRST.fragment, /not an encrypted secret/],
    [FIRST.envelope, 'https://ots.example/secret/abcdefghijklmnopqrstu', /not a key/],
    [FIRST.envelope, FIRST.fragment.slice(1), /not a key/],
  ]
  for (const [envelope, key, message] of cases) {
    const r = await decryptIn(page, envelope, key)
    assert.equal(r.state, 'error', `${message}: ${r.message}`)
    assert.match(r.message, message)
    assert.equal(r.plaintext, '')
    assert.ok(!r.message.includes(key.slice(-20)), 'the message does not echo the key')
  }
})

test('the page makes no request: only its own file loads, and fetch is refused by the CSP', async () => {
  let hits = 0
  const server = http.createServer((req, res) => { hits++; res.end('x') })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    const fresh = await browser.newPage()
    await fresh.goto(`${PAGE_URL}#${FIRST.fragment}`)
    const r = await decryptIn(fresh, FIRST.envelope, null)
    assert.equal(r.state, 'ok')
    const target = `http://127.0.0.1:${server.address().port}/`
    const attempt = await fresh.evaluate(`fetch(${JSON.stringify(target)}).then(() => 'sent', (e) => 'refused: ' + e.message)`)
    assert.match(attempt, /^refused/)
    assert.equal(hits, 0)
    assert.ok(fresh.requests.includes(PAGE_URL), 'requests are seen')
    assert.deepEqual(fresh.requests.filter((u) => u !== PAGE_URL), [], 'the page requested nothing but itself')
    assert.ok(fresh.logs.some((t) => /Content Security Policy/.test(t)), fresh.logs.join('\n'))
    await fresh.close()
  } finally {
    server.close()
  }
})

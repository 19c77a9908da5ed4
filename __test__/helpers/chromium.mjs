// A real headless Chromium (Debian's `chromium`, installed by .ci/run) driven over the DevTools
// protocol on a pipe (`--remote-debugging-pipe`: fd 3 in, fd 4 out, messages end with NUL), so the
// tests need no npm browser driver. Used by __test__/e2e-browser.test.mjs.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-extensions', '--remote-debugging-pipe']

/** Starts Chromium with a fresh profile; `close()` ends it and removes the profile. */
export async function launchChromium() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium; .ci/run does)`)
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ots-chromium-'))
  const child = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000) })
  const pending = new Map()
  const listeners = new Set()
  let nextId = 1
  let buffered = ''
  const exited = new Promise((resolve) => child.once('exit', resolve))
  exited.then(() => {
    for (const { reject } of pending.values()) reject(new Error(`chromium exited; stderr: ${stderr}`))
    pending.clear()
  })
  child.stdio[4].setEncoding('utf8')
  child.stdio[4].on('data', (chunk) => {
    buffered += chunk
    let end
    while ((end = buffered.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffered.slice(0, end))
      buffered = buffered.slice(end + 1)
      if (message.id !== undefined) {
        const p = pending.get(message.id)
        pending.delete(message.id)
        if (message.error) p?.reject(new Error(`${p.method}: ${message.error.message}`))
        else p?.resolve(message.result)
      } else {
        for (const listener of listeners) listener(message)
      }
    }
  })

  function send(method, params = {}, sessionId) {
    const id = nextId++
    child.stdio[3].write(JSON.stringify({ id, method, params, sessionId }) + '\0')
    return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }))
  }

  function waitFor(method, sessionId) {
    return new Promise((resolve) => {
      const listener = (m) => {
        if (m.method === method && m.sessionId === sessionId) {
          listeners.delete(listener)
          resolve(m.params)
        }
      }
      listeners.add(listener)
    })
  }

  /** A new tab: `goto(url)`, `evaluate(expression)` (awaited, by value), and what it requested. */
  async function newPage() {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' })
    const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true })
    const requests = []
    const logs = []
    listeners.add((m) => {
      if (m.sessionId !== sessionId) return
      if (m.method === 'Network.requestWillBeSent') requests.push(m.params.request.url)
      if (m.method === 'Log.entryAdded') logs.push(m.params.entry.text)
    })
    for (const domain of ['Page', 'Network', 'Runtime', 'Log']) await send(`${domain}.enable`, {}, sessionId)
    return {
      requests,
      logs,
      /** A full load every time (a new fragment alone would be a same-document navigation). */
      async goto(url) {
        for (const u of ['about:blank', url]) {
          const loaded = waitFor('Page.loadEventFired', sessionId)
          await send('Page.navigate', { url: u }, sessionId)
          await loaded
        }
      },
      async evaluate(expression) {
        const r = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId)
        if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`)
        return r.result.value
      },
      close: () => send('Target.closeTarget', { targetId }),
    }
  }

  async function close() {
    if (child.exitCode === null && child.signalCode === null) {
      send('Browser.close').catch(() => {})
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    fs.rmSync(profile, { recursive: true, force: true })
  }

  await send('Browser.getVersion')
  return { newPage, close }
}

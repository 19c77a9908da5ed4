// Running the `ots` CLI (bin/ots.js) in child processes, for the CLI's test files.
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { spawnCapture } from './spawn-capture.mjs'

export const OTS = fileURLToPath(new URL('../../bin/ots.js', import.meta.url))

/**
 * This process's environment without the developer's own OTS_* settings and proxy variables (so
 * nothing of theirs leaks into a test and loopback is reached directly), plus `extra`.
 */
export function baseEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OTS_|https?_proxy$|no_proxy$)/i.test(k)))
  return { ...env, ...extra }
}

/** Runs `ots ...args` with only the given OTS_* variables; resolves `{ code, stdout, stderr }`. `input` is written to stdin. */
export async function ots(args, { env = {}, input = '' } = {}) {
  const { status, stdout, stderr } = await spawnCapture(process.execPath, [OTS, ...args], { env: baseEnv(env), input })
  return { code: status, stdout, stderr }
}

/** Collects `stream` until `done(text)`; rejects if the child exits first (so a test never hangs). */
export async function readUntil(child, stream, done) {
  let text = ''
  stream.setEncoding('utf8')
  const onData = (d) => (text += d)
  stream.on('data', onData)
  try {
    while (!done(text)) {
      await Promise.race([
        once(stream, 'data'),
        once(child, 'exit').then(([code]) => {
          throw new Error(`ots exited (${code}) before printing what was expected; got: ${text}`)
        }),
      ])
    }
  } finally {
    stream.off('data', onData)
  }
  return text
}

import { spawn } from 'node:child_process'

/**
 * Runs `cmd args` and resolves `{ status, stdout, stderr }` when it has exited and its output is
 * read; `input` (if any) is written to its stdin, which is then closed.
 */
export function spawnCapture(cmd, args, { cwd, env, input, shell = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, shell })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
    // A command that exits without reading stdin (`ots --help`) can close the pipe before the
    // input is written: EPIPE there is not a failure of the command, whose output is what counts.
    child.stdin.on('error', (err) => {
      if (err.code !== 'EPIPE') reject(err)
    })
    child.stdin.end(input)
  })
}

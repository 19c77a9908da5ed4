// Certificates made with the openssl CLI at test time, the way users make them for self-hosted
// servers (`.ci/run` installs openssl), and Node's own `https` as the oracle of what is accepted.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import https from 'node:https'
import { execFileSync } from 'node:child_process'

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
const SERVER_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n'
// `openssl ca` is the one openssl 3.0 command that sets explicit dates (for expired certificates).
const CA_CNF = `[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
copy_extensions = copy
unique_subject = no
[p]
commonName = supplied
`

/**
 * Makes, in a temporary directory that is removed before returning, PEM strings:
 * - `ca`, `otherCa`: private CAs; `cert`/`key`: a server certificate for 127.0.0.1 signed by `ca`;
 * - `selfSigned`/`selfSignedKey`: `openssl req -x509` for 127.0.0.1 (openssl marks it CA:TRUE);
 * - `wrongHost`: signed by `ca` for 127.0.0.2 and other.example; `expired`: signed by `ca`, 2020;
 * - `expiredSelfSigned`: self-signed like `selfSigned` (same key), valid only in 2020;
 * - `cnOnly`: self-signed (same key) for CN=localhost, with no subjectAltName.
 * Server certificates without their own key use `key`.
 */
export function makeCerts() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ots-tls-'))
  try {
    const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
    const write = (f, text) => fs.writeFileSync(path.join(dir, f), text)
    const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8')
    for (const name of ['ca', 'other-ca']) {
      run('req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=OTS test ${name}`,
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
    }
    run('req', ...EC, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1')
    const sign = (out, san) => {
      write(`${out}.cnf`, `subjectAltName=${san}\n${SERVER_EXT}`)
      run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${out}.pem`,
        '-days', '2', '-extfile', `${out}.cnf`)
    }
    sign('server', 'IP:127.0.0.1')
    sign('wrong-host', 'IP:127.0.0.2,DNS:other.example')
    // The usual self-signed certificate: no -addext basicConstraints, so openssl's default CA:TRUE.
    run('req', '-x509', ...EC, '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1')
    // Named only by its CN, as `openssl req -x509 -subj /CN=host` makes it without -addext.
    run('req', '-x509', ...EC, '-key', 'self.key', '-out', 'cn-only.pem', '-days', '2', '-subj', '/CN=localhost')
    write('ca.cnf', CA_CNF)
    write('index.txt', '')
    write('serial', '01\n')
    const old = ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z']
    write('expired.cnf', `subjectAltName=IP:127.0.0.1\n${SERVER_EXT}`)
    run('ca', '-batch', '-notext', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'server.csr',
      '-out', 'expired.pem', '-extfile', 'expired.cnf', ...old)
    run('req', '-new', '-key', 'self.key', '-out', 'self.csr', '-subj', '/CN=127.0.0.1')
    write('self-expired.cnf', 'subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:TRUE\n')
    run('ca', '-batch', '-notext', '-selfsign', '-config', 'ca.cnf', '-keyfile', 'self.key', '-in', 'self.csr',
      '-out', 'self-expired.pem', '-extfile', 'self-expired.cnf', ...old)
    return {
      ca: read('ca.pem'),
      otherCa: read('other-ca.pem'),
      key: read('server.key'),
      cert: read('server.pem'),
      wrongHost: read('wrong-host.pem'),
      expired: read('expired.pem'),
      selfSigned: read('self.pem'),
      selfSignedKey: read('self.key'),
      expiredSelfSigned: read('self-expired.pem'),
      cnOnly: read('cn-only.pem'),
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** What Node's `https` makes of `url`: 'accepted', or the refusal's error code. */
export function nodeHttps(url, options = {}) {
  return new Promise((resolve) => {
    const req = https.get(`${url}/api/v1/status`, { agent: false, ...options }, (res) => {
      res.resume()
      res.on('end', () => resolve('accepted'))
    })
    req.on('error', (e) => resolve(e.code ?? e.message))
  })
}

// Computes crates/core/src/e2e/vectors.json, the known answers of the ots-e2e/1 envelope, with
// Node.js WebCrypto (OpenSSL), independently of the Rust code (ring): `node scripts/e2e-vectors.mjs
// > crates/core/src/e2e/vectors.json`. docs/E2E.md describes the format.
import { webcrypto } from 'node:crypto'

const { subtle } = webcrypto
const HEADER = 'ots-e2e/1 encrypted secret: open it with its key (ots get, decrypt.html)'
const INFO = 'onetimesecret-api e2e/1 aes-256-gcm'
const NONCE = Buffer.from('a0a1a2a3a4a5a6a7a8a9aaab', 'hex')
const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1))

/** 64 bytes, then doubling up to 4096, then every 1024: the smallest that holds the text and 0x80. */
function paddedLength(n) {
  const need = n + 1
  if (need <= 64) return 64
  if (need <= 4096) return 2 ** Math.ceil(Math.log2(need))
  return Math.ceil(need / 1024) * 1024
}

async function envelope(plaintext) {
  const text = Buffer.from(plaintext, 'utf8')
  const padded = Buffer.alloc(paddedLength(text.length))
  text.copy(padded)
  padded[text.length] = 0x80
  const root = await subtle.importKey('raw', KEY, 'HKDF', false, ['deriveKey'])
  const aes = await subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: Buffer.from(INFO) }, root, { name: 'AES-GCM', length: 256 }, false, ['encrypt'])
  const sealed = await subtle.encrypt({ name: 'AES-GCM', iv: NONCE, additionalData: Buffer.from(HEADER), tagLength: 128 }, aes, padded)
  return `${HEADER}\n${Buffer.concat([NONCE, Buffer.from(sealed)]).toString('base64url')}`
}

const plaintexts = ['correct horse battery staple', 'pâté 🔑\nline two', 'x', '1234', '123456', 'a'.repeat(63), 'a'.repeat(64)]
const vectors = []
for (const plaintext of plaintexts) vectors.push({ plaintext, fragment: KEY.toString('base64url'), envelope: await envelope(plaintext) })
const about = 'Known answers for the ots-e2e/1 envelope, computed with Node.js WebCrypto (OpenSSL) by scripts/e2e-vectors.mjs, independently of the Rust code (ring). Used by crates/core/src/e2e/tests.rs and __test__/e2e-browser.test.mjs.'
process.stdout.write(`${JSON.stringify({ about, nonce_hex: NONCE.toString('hex'), vectors }, null, 2)}\n`)

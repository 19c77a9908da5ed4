// index.js through require, not `import cjs from './index.js'`: index.js marks itself __esModule,
// and Bun then hands an ESM default import `exports.default` (the class) instead of the exports.
import { createRequire } from 'node:module'

const cjs = createRequire(import.meta.url)('./index.js')

export const {
  OneTimeSecretApi,
  ApiVersion,
  OneTimeSecretError,
  InputError,
  NotAuthorizedError,
  NotFoundError,
  UnknownSecretError,
  IncorrectPassphraseError,
  RateLimitedError,
  InternalServerError,
  NetworkError,
  TimeoutError,
  AbortError,
  InvalidResponseError,
  UnsupportedError,
  ApiError,
  DecryptionError,
} = cjs
export default cjs.OneTimeSecretApi

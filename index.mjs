// The ESM entry: static re-exports of the CommonJS entry (index.js), so bundlers (esbuild, webpack,
// Turbopack, Bun) follow it to index.js and from there to the native binary, and the ESM and
// CommonJS entries share one loaded copy (no dual-package hazard). Named imports, not
// `import cjs from './index.js'`: Node makes a CommonJS default import `module.exports`, but Bun
// and bundlers make it `exports.default` because index.js marks itself `__esModule` (for 2.1.1's
// TypeScript-compiled CommonJS users). The names must stay literal `exports.X =` lines in index.js.
import { OneTimeSecretApi } from './index.js'

export {
  OneTimeSecretApi,
  ApiVersion,
  OneTimeSecretError,
  InputError,
  NotAuthorizedError,
  UnknownSecretError,
  IncorrectPassphraseError,
  RateLimitedError,
  NetworkError,
  TimeoutError,
  InternalServerError,
  NotFoundError,
  DecryptionError,
  InvalidResponseError,
  UnsupportedError,
  ApiError,
  AbortError,
} from './index.js'
export default OneTimeSecretApi

// The named exports every WebAssembly entry shares with index.mjs (but the class and `ready`).
export {
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
} from './skin.mjs'

import cjs from './index.js'

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

// The `workerd` and `edge-light` entry: the .wasm is imported as a module (workerd will not
// compile WebAssembly from bytes at run time; wrangler bundles `import x from './x.wasm'` as a
// WebAssembly.Module), so the client is ready as soon as this module is.
import wasm from './onetimesecret-api.wasm'
import { initSync } from './gen/glue.mjs'
import * as glue from './gen/glue.mjs'
import { makeApi } from './skin.mjs'

initSync({ module: wasm })
const api = makeApi(
  () => Promise.resolve(),
  () => glue,
)

export const OneTimeSecretApi = api.OneTimeSecretApi
export const ready = api.ready
export default OneTimeSecretApi
export * from './skin-exports.mjs'

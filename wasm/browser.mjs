// The `browser` and `worker` entry (pages, extensions, web and service workers): the .wasm is
// fetched from beside this file (`new URL(..., import.meta.url)`, which webpack and Vite turn into
// an asset; with esbuild, copy onetimesecret-api.wasm next to the bundle) and compiled once, on
// import, without top-level await (an extension's service worker allows none). `ready(source)`
// may name another place (a URL, a Response, bytes or a WebAssembly.Module) before the first call.
import init, * as glue from './gen/glue.mjs'
import { makeApi } from './skin.mjs'

let loading
let done = false
function load(source) {
  if (loading === undefined) {
    const module_or_path = source ?? new URL('./onetimesecret-api.wasm', import.meta.url)
    loading = init({ module_or_path }).then(() => {
      done = true
    })
  }
  return loading
}

const api = makeApi(load, () => (done ? glue : undefined))

export const OneTimeSecretApi = api.OneTimeSecretApi
/** Resolves once the WebAssembly module is loaded: clients made after it are set up at once. */
export function ready(source) {
  return source === undefined ? api.ready() : load(source).then(() => api.ready())
}
export default OneTimeSecretApi
export * from './skin-exports.mjs'

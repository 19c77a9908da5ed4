// `onetimesecret-api/testing` under the browser, worker, workerd and edge-light conditions: the
// embedded server is a native program and cannot run there. Start it from Node (where this
// entry is the addon's) and point the client at its URL.
import { UnsupportedError } from './skin.mjs'

const WHY = 'startServer: the embedded OTS server is not available in the WebAssembly build; start it from Node (onetimesecret-api/testing) and pass its url'

export function startServer() {
  return Promise.reject(new UnsupportedError(WHY))
}
export default { startServer }

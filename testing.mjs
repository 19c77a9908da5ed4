// The ESM entry of onetimesecret-api/testing: a static re-export of testing.js (see index.mjs).
export { startServer, EmbeddedServer } from './testing.js'

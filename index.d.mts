// ESM typings for `import ... from 'onetimesecret-api'` (the `import` condition, index.mjs).
// index.d.ts describes the CommonJS entry; TypeScript reads a .d.ts next to a CommonJS package as
// CommonJS, so under `moduleResolution: node16/nodenext` an ESM default import would be typed as
// the whole module instead of the class that index.mjs exports as default. This file fixes that.
import { OneTimeSecretApi } from './index.js'

export * from './index.js'
export default OneTimeSecretApi

// ESM typings for `import ... from 'onetimesecret-api/testing'` (the `import` condition,
// testing.mjs). testing.d.ts describes the CommonJS entry; under `moduleResolution: node16/nodenext`
// TypeScript reads a .d.ts in a CommonJS package as CommonJS, so an ESM import would be typed as
// importing CommonJS ("Masquerading as CJS" in arethetypeswrong). The declarations stay in
// testing.d.ts; this file only re-exports them as ESM.
export * from './testing.js'

import cjs from './testing.js'

export const { startServer, EmbeddedServer } = cjs

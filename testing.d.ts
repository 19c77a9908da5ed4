/** Server generations the embedded server imitates. */
export type Generation = 'v0.12' | 'v0.22' | 'v0.26'

export interface ServerOptions {
  /** Default `"v0.26"`. */
  generation?: Generation
  /** Default 0: a free port. */
  port?: number
  /** Account email. Default `tester@example.com`. */
  username?: string
  /** API token. Default: a random one. */
  apiKey?: string
}

export type Fault = { route?: string; times?: number } & (
  | { kind: 'delayHeaders'; ms: number }
  | { kind: 'delayBody'; ms: number }
  | { kind: 'closeBeforeResponse' }
  | { kind: 'closeMidBody' }
  | { kind: 'status'; status: number; html?: boolean }
  | { kind: 'truncatedJson' }
  | { kind: 'invalidJson' }
  | { kind: 'invalidUtf8' }
  | { kind: 'rateLimited'; retryAfter?: number }
  | { kind: 'wrongContentType' }
  | { kind: 'hugeBody'; bytes: number }
)

export declare class EmbeddedServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  readonly username: string
  readonly apiKey: string
  readonly generation: Generation
  /** Adds an account; returns its API token (a random one unless given). */
  addAccount(email: string, token?: string | null): string
  /** Moves the server's clock forward: secrets expire as if the time had passed. */
  advanceClock(seconds: number): void
  /** Requests received per route, e.g. `{ "POST /api/v1/share": 2 }`. */
  requestCounts(): Record<string, number>
  /** Requests received on one route, or on all. */
  requestCount(route?: string | null): number
  setFault(fault: Fault): void
  clearFaults(): void
  /** Rate limiting on (requests per window per client) or off (`null`). */
  setRateLimit(limit?: number | null): void
  /** Stops the server, drops its connections, wipes its secrets and frees the port. */
  close(): Promise<void>
}

export declare function startServer(options?: ServerOptions): Promise<EmbeddedServer>

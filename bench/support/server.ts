/**
 * The child side of an end-to-end benchmark server: every server module builds its framework's server, registers
 * `countHandled` as its (no-op) handler and calls `serve`. The parent (`startServer`) learns the port over IPC and
 * asks for the count after a run, to check that every 2xx answer ran the handler exactly once (no duplicate was
 * measured as a cheap dedup hit).
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

const COUNTER = Symbol.for('webhook-receiver.bench.handled')

/**
 * On globalThis, not in a module variable: a Next.js route is bundled with its own copy of this module, and runs in
 * the same process as the copy that answers the parent.
 */
const counter = ((globalThis as { [COUNTER]?: { handled: number } })[COUNTER] ??= { handled: 0 })

/** The one handler of every benchmark server: no work but a count. */
export function countHandled(): void {
  counter.handled++
}

export type ServerMessage =
  { type: 'listening'; port: number; path: string } | { type: 'handled'; count: number }

/**
 * Listens on a free port of 127.0.0.1 and tells the parent which, and the path its webhook route answers on; exits
 * when the parent goes away.
 */
export function serve(server: Server, path = '/webhooks'): void {
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    send({ type: 'listening', port, path })
  })
  process.on('message', (message) => {
    if (message === 'handled') send({ type: 'handled', count: counter.handled })
  })
  process.on('disconnect', () => process.exit(0))
}

function send(message: ServerMessage): void {
  process.send?.(message)
}

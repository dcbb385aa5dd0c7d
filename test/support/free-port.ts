import { connect, createServer, type Server } from 'node:net'

/**
 * A TCP port free on 127.0.0.1 right now (the OS picks it). With `alsoFree`, port + `alsoFree` is free too (Redis
 * Cluster's bus listens on port + 10000), so the port is at most 65535 - `alsoFree`. Another process may still take
 * either before the caller binds them: starting a server on it must detect that and try again.
 */
export async function freePort(options: { alsoFree?: number } = {}): Promise<number> {
  const offset = options.alsoFree
  for (let attempt = 0; attempt < 100; attempt++) {
    const server = (await listen(0))! // port 0 is never taken: the OS picks a free one
    const port = (server.address() as { port: number }).port
    const sibling = offset === undefined || port + offset > 65535 ? undefined : await listen(port + offset)
    await Promise.all([close(server), sibling && close(sibling)])
    if (offset === undefined || sibling !== undefined) return port
  }
  throw new Error(`no free port p on 127.0.0.1 with p + ${offset} free too, after 100 tries`)
}

/** A server listening on 127.0.0.1:`port`, or undefined when the port is taken. */
function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' && port !== 0 ? resolve(undefined) : reject(error),
    )
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

/** Resolves once something accepts connections on 127.0.0.1:`port`, polling every 50 ms for up to `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  for (const giveUpAt = Date.now() + timeoutMs; Date.now() < giveUpAt;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (open) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`)
}

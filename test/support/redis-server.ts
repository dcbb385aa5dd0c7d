import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.js'

export interface RedisServer {
  port: number
  url: string
  /** Stops the server (a clean shutdown), keeping the port for `start()`. */
  stop(): Promise<void>
  /** Starts it again on the same port, empty (persistence is off). */
  start(): Promise<void>
  /** Stops it and removes its temp dir: for afterAll. */
  close(): Promise<void>
}

/**
 * Starts a real `redis-server` on 127.0.0.1 in a temp dir, with persistence off. `.ci/run` installs redis-server
 * with apt when it is missing; on a developer machine: `apt-get install -y redis-server`.
 */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-receiver-redis-'))
  let port = 0
  let child: ChildProcess | undefined
  const start = async () => {
    child = await spawnRedisServer(port, dir)
  }
  const stop = async () => stopProcess(child)
  try {
    await retryOnPortTaken(async () => {
      port = await freePort()
      await start()
    })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async close() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Thrown when redis-server could not bind its port: another process took it after `freePort` found it free. */
class PortTakenError extends Error {}

/**
 * Spawns `redis-server` on 127.0.0.1:`port` with `dir` as its working dir, persistence off, plus `settings` (config
 * directives, e.g. `{ 'cluster-enabled': 'yes' }`), and resolves once this very process logs that it is ready (a
 * port that answers could be another process's). Rejects if it exits first (with `PortTakenError` when its port, or
 * its cluster bus port, is in use) or is not ready within `timeoutMs`.
 */
export function spawnRedisServer(
  port: number,
  dir: string,
  settings: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<ChildProcess> {
  const all = { port: String(port), bind: '127.0.0.1', save: '', appendonly: 'no', dir, ...settings }
  const argv = Object.entries(all).flatMap(([name, value]) => [`--${name}`, value])
  const child = spawn('redis-server', argv, { stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let output = ''
    let ready = false
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    const timer = setTimeout(
      () => fail(new Error(`redis-server on port ${port} not ready after ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    )
    const exitedEarly = (code: number | null, signal: string | null) => {
      const why = `redis-server on port ${port} exited (${signal ?? code}) before it was ready:\n${output}`
      fail(/already in use/i.test(output) ? new PortTakenError(why) : new Error(why))
    }
    // Read the log to its end, even once ready: a full pipe would block the server.
    const read = (chunk: Buffer) => {
      if (ready) return
      output = (output + chunk.toString()).slice(-4000)
      if (!output.includes('Ready to accept connections')) return
      ready = true
      clearTimeout(timer)
      child.off('exit', exitedEarly)
      resolve(child)
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.once('exit', exitedEarly)
    child.once('error', (error) =>
      fail(
        new Error(
          `redis-server could not start (${error.message}): install it with apt-get install -y redis-server`,
        ),
      ),
    )
  })
}

/** Stops a server with SIGTERM (a clean shutdown) and waits until it is gone; nothing to do if it already exited. */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

/** Runs `start` again, up to `attempts` times in all, while it fails only because a port was taken in the meantime. */
export async function retryOnPortTaken<T>(start: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start()
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= attempts) throw error
    }
  }
}

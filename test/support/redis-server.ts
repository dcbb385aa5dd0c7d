import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, waitForPort } from './free-port.js'

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
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'webhook-receiver-redis-'))
  let child: ChildProcess | undefined
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      {
        stdio: 'ignore',
      },
    )
    child.once('error', (error) => {
      throw new Error(
        `redis-server could not start (${error.message}): install it with apt-get install -y redis-server`,
      )
    })
    await waitForPort(port)
  }
  const stop = async () => {
    if (child === undefined || child.exitCode !== null) return
    const exited = new Promise((resolve) => child?.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  await start()
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

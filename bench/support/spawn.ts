/**
 * The parent side of an end-to-end benchmark server: one child process per server module, run with tsx, so the
 * load generator (autocannon, in the parent) and the server never share a process or an event loop.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { ServerMessage } from './server.js'

export interface BenchServer {
  readonly port: number
  /** The path of the server's webhook route. */
  readonly path: string
  /** How many times the server's handler has run so far. */
  handled(): Promise<number>
  close(): Promise<void>
}

/** `BENCH_CPU_PROF=<dir>` starts every server with `--cpu-prof`: a profile per server, written when it exits. */
const PROFILE = process.env.BENCH_CPU_PROF

/** Starts a server module in its own process, with `env` added to this process's environment. */
export async function startServer(module: URL, env: Record<string, string> = {}): Promise<BenchServer> {
  const child = fork(fileURLToPath(module), [], {
    execArgv: ['--import', 'tsx', ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [])],
    // What a deployed app runs with (Express, for one, skips development-only work).
    env: { ...process.env, ...env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const { port, path } = await new Promise<{ port: number; path: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${module.pathname}: no port after 30 s`)), 30_000)
    child.once('exit', (code) => reject(new Error(`${module.pathname} exited with ${code} before listening`)))
    child.on('message', (message: ServerMessage) => {
      if (message.type !== 'listening') return
      clearTimeout(timer)
      resolve(message)
    })
  })
  return {
    port,
    path,
    handled: () => ask(child),
    async close() {
      if (child.exitCode !== null) return
      const exited = once(child, 'exit')
      child.disconnect()
      await exited
    },
  }
}

async function ask(child: ChildProcess): Promise<number> {
  const answer = new Promise<number>((resolve) => {
    const listener = (message: ServerMessage) => {
      if (message.type !== 'handled') return
      child.off('message', listener)
      resolve(message.count)
    }
    child.on('message', listener)
  })
  child.send('handled')
  return answer
}

import { spawn, type ChildProcess } from 'node:child_process'
import { waitForPort } from '../support/free-port.js'

/** An example app running as its own process, with what it printed so far. */
export interface AppProcess {
  /** Its stdout so far. */
  stdout: () => string
  /** Stops it (SIGTERM, then SIGKILL if it has not exited within 5 s) and waits for the exit. */
  stop: () => Promise<void>
}

/** Every process started here that has not exited, so a failed or timed-out step still leaves none behind. */
const running = new Set<ChildProcess>()

/** Stops every process started by this module that is still running (for afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(stop))
}

/** Runs `node <args>` to completion (a build step); rejects with its output when it exits non-zero. */
export async function runToEnd(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawnNode(args, env)
  const printed = collect(child)
  const code = await exited(child)
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}:\n${printed.both()}`)
}

/** Starts `node <args>` and resolves once something accepts connections on 127.0.0.1:`port`. */
export async function startApp(args: string[], env: NodeJS.ProcessEnv, port: number): Promise<AppProcess> {
  const child = spawnNode(args, env)
  const printed = collect(child)
  const gaveUp = exited(child).then((code) => {
    throw new Error(`node ${args.join(' ')} exited with ${code} before listening`)
  })
  await Promise.race([waitForPort(port, 60_000), gaveUp]).catch(async (error: Error) => {
    await stop(child)
    throw new Error(`${error.message}; it printed:\n${printed.both()}`)
  })
  return { stdout: printed.stdout, stop: () => stop(child) }
}

function spawnNode(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] })
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exit = exited(child)
  child.kill('SIGTERM')
  const killLater = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exit
  clearTimeout(killLater)
}

/** Keeps stdout whole (its lines are counted) and stderr apart, for error messages. */
function collect(child: ChildProcess) {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return { stdout: () => stdout, both: () => `${stdout}\n${stderr}` }
}

function exited(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? String(signal))))
}

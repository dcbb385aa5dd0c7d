import { spawn, type ChildProcess } from 'node:child_process'
import { waitForPort } from '../support/free-port.js'

/** An example app running as its own process, with what it printed so far. */
export interface AppProcess {
  /** Its stdout so far. */
  stdout: () => string
  /**
   * Stops it (SIGTERM, then SIGKILL if it has not exited within 5 s) and waits for the exit: its exit code, or the
   * signal that ended it.
   */
  stop: () => Promise<number | string>
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
  return startUntil(args, env, () => waitForPort(port, 60_000), 'listening')
}

/** Starts `node <args>` (a process that listens on no port, like a queue worker) and resolves once it printed `line`. */
export async function startPrinting(
  args: string[],
  env: NodeJS.ProcessEnv,
  line: string,
): Promise<AppProcess> {
  return startUntil(
    args,
    env,
    async (stdout, child) => {
      while (!stdout().includes(line) && child.exitCode === null && child.signalCode === null)
        await new Promise((resolve) => setTimeout(resolve, 50))
    },
    `printing "${line}"`,
  )
}

async function startUntil(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: (stdout: () => string, child: ChildProcess) => Promise<void>,
  what: string,
): Promise<AppProcess> {
  const child = spawnNode(args, env)
  const printed = collect(child)
  const gaveUp = exited(child).then((code) => {
    throw new Error(`node ${args.join(' ')} exited with ${code} before ${what}`)
  })
  await Promise.race([ready(printed.stdout, child), gaveUp]).catch(async (error: Error) => {
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

async function stop(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? String(child.signalCode)
  const exit = exited(child)
  child.kill('SIGTERM')
  const killLater = setTimeout(() => child.kill('SIGKILL'), 5_000)
  const code = await exit
  clearTimeout(killLater)
  return code
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

import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { freePort, waitForPort } from './free-port.js'

const BIN = process.env.PG_BIN ?? newestDebianPostgresBin()

/** Debian installs each major version under /usr/lib/postgresql/<major>/bin; the newest one present is used. */
function newestDebianPostgresBin(): string {
  const root = '/usr/lib/postgresql'
  const majors = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)) : []
  const newest = majors.map(Number).sort((a, b) => b - a)[0]
  return join(root, String(newest ?? 15), 'bin')
}

export interface PostgresServer {
  port: number
  /** A connection string for the `postgres` database as the `postgres` user (trust auth on loopback). */
  url: string
  stop(): Promise<void>
  start(): Promise<void>
  close(): Promise<void>
}

/**
 * Starts a real PostgreSQL on 127.0.0.1 in a temp dir (initdb + pg_ctl). initdb refuses to run as root, so as root
 * the cluster is owned by and run as the `postgres` user (created by Debian's postgresql package).
 */
export async function startPostgres(): Promise<PostgresServer> {
  if (!existsSync(join(BIN, 'initdb')))
    throw new Error(
      `PostgreSQL binaries not found in ${BIN}: apt-get install -y postgresql, or set PG_BIN to the folder holding initdb`,
    )
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'webhook-receiver-pg-'))
  const data = join(dir, 'data')
  const asRoot = userInfo().uid === 0
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }))
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }))
    chownSync(dir, uid, gid)
  }
  const run = (binary: string, args: string[]) => {
    const command = asRoot ? 'runuser' : join(BIN, binary)
    const argv = asRoot ? ['-u', 'postgres', '--', join(BIN, binary), ...args] : args
    const result = spawnSync(command, argv, { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`${binary} failed: ${result.stderr || result.stdout}`)
  }
  run('initdb', ['-D', data, '--auth=trust', '--username=postgres', '--no-sync', '-E', 'UTF8'])
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`
  const start = async () => {
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start'])
    await waitForPort(port)
  }
  const stop = async () => {
    run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
  }
  await start()
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async close() {
      try {
        await stop()
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

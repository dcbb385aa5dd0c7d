import { execFile, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './free-port.js'
import { retryOnPortTaken, spawnRedisServer, stopProcess } from './redis-server.js'

const run = promisify(execFile)

/** Each node of a Redis Cluster also listens on port + 10000, its cluster bus. */
const BUS_OFFSET = 10_000

export interface RedisCluster {
  /** The masters, each owning about a third of the 16384 slots. */
  nodes: { host: string; port: number }[]
  /** Stops every node and removes the temp dir: for afterAll. */
  close(): Promise<void>
}

/**
 * Starts a real Redis Cluster of `masters` masters (no replicas) on 127.0.0.1 in a temp dir, persistence off, and
 * resolves once every node reports `cluster_state:ok`. Needs redis-server and redis-cli (Debian's redis package).
 */
export async function startRedisCluster(masters = 3, timeoutMs = 15_000): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-receiver-redis-cluster-'))
  const children: ChildProcess[] = []
  const close = async () => {
    await Promise.all(children.map(stopProcess))
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const ports = await retryOnPortTaken(async () => {
      const ports = await clusterPorts(masters)
      const clusterMode = (port: number) => ({
        'cluster-enabled': 'yes',
        'cluster-config-file': `nodes-${port}.conf`,
      })
      const started = await Promise.allSettled(
        ports.map((port) => spawnRedisServer(port, dir, clusterMode(port))),
      )
      const nodes = started.flatMap((node) => (node.status === 'fulfilled' ? [node.value] : []))
      const failed = started.find((node) => node.status === 'rejected')
      if (failed !== undefined) {
        // A port was taken (retried with new ones) or the server cannot start: this attempt's nodes go.
        await Promise.all(nodes.map(stopProcess))
        throw failed.reason
      }
      children.push(...nodes)
      return ports
    })
    const addresses = ports.map((port) => `127.0.0.1:${port}`)
    const create = ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']
    await run('redis-cli', create, { timeout: timeoutMs })
    await waitUntilClusterOk(ports, timeoutMs)
    return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), close }
  } catch (error) {
    await close()
    throw error
  }
}

/** `count` distinct ports, each with its bus port free too, none of them another's bus port. */
async function clusterPorts(count: number): Promise<number[]> {
  const ports: number[] = []
  while (ports.length < count) {
    const port = await freePort({ alsoFree: BUS_OFFSET })
    const all = ports.flatMap((p) => [p, p + BUS_OFFSET])
    if (!all.includes(port) && !all.includes(port + BUS_OFFSET)) ports.push(port)
  }
  return ports
}

/** Polls `CLUSTER INFO` on every node every 50 ms until all say `cluster_state:ok`, for up to `timeoutMs`. */
async function waitUntilClusterOk(ports: number[], timeoutMs: number): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs
  for (const port of ports) {
    for (;;) {
      const info = ['-h', '127.0.0.1', '-p', String(port), 'CLUSTER', 'INFO']
      const { stdout } = await run('redis-cli', info, { timeout: timeoutMs })
      if (stdout.includes('cluster_state:ok')) break
      if (Date.now() > giveUpAt) throw new Error(`Redis Cluster not ok after ${timeoutMs} ms:\n${stdout}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

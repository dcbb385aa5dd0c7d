/**
 * One measurement of an end-to-end benchmark server: autocannon sends signed deliveries for some seconds over
 * HTTP, each with the next delivery of a pool, and the run is checked against the server's own count of handled
 * deliveries (so a run that measured cheap duplicates shows).
 */
import autocannon from 'autocannon'
import type { Delivery } from './deliveries.js'
import type { BenchServer } from './spawn.js'

export interface Run {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  /**
   * Deliveries the server handled minus 2xx answers: 0 to twice the number of connections when every request took
   * the full path (requests in flight when a run starts or stops are handled but not counted); negative when
   * duplicates were measured.
   */
  unanswered: number
  failures: number
}

/** The deliveries of one round, handed out in turn to every request of every server. */
export class Deliveries {
  private next = 0
  constructor(private readonly pool: Delivery[]) {}
  take(): Delivery {
    return this.pool[this.next++ % this.pool.length] as Delivery
  }
}

/** Every 2xx took the full path: the server handled each answered delivery once. */
export function fullPath(run: Run, connections: number): boolean {
  return run.unanswered >= 0 && run.unanswered <= 2 * connections
}

export async function measure(
  server: BenchServer,
  deliveries: Deliveries,
  seconds: number,
  connections: number,
): Promise<Run> {
  const handledBefore = await server.handled()
  const latencies: number[] = []
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${server.port}${server.path}`,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              const delivery = deliveries.take()
              return {
                ...request,
                method: 'POST',
                path: server.path,
                headers: delivery.headers,
                body: delivery.body,
              }
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
    // autocannon's own histogram keeps whole milliseconds; its 'response' event has the exact time.
    instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms))
  })
  const handled = (await server.handled()) - handledBefore
  latencies.sort((a, b) => a - b)
  const ok = result['2xx']
  return {
    requestsPerSecond: ok / result.duration,
    p50Ms: latencies[Math.floor(latencies.length * 0.5)] ?? Number.NaN,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN,
    unanswered: handled - ok,
    failures: result.non2xx + result.errors + result.timeouts,
  }
}

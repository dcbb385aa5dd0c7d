import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Receiver } from '../receiver.js'
import { handleNodeRequest } from './node-io.js'

const FIX = 'something read the request stream before nodeHandler() did; pass the untouched request to it.'

/**
 * A `node:http` request listener (also for any framework that hands over Node's `req`/`res`).
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { nodeHandler } from 'webhook-receiver/node'
 * createServer(nodeHandler(receiver)).listen(3000)
 * ```
 */
export function nodeHandler(
  receiver: Receiver<any>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return (req, res) => handleNodeRequest(receiver, { req, res, fix: FIX })
}

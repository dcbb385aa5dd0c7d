// Translates between node:http and `receiver.handle`, nothing else: the pieces every adapter shares are in
// src/adapter-kit/, and docs/adding-an-adapter.md shows how to write one.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { handleNodeRequest } from '../adapter-kit/node-exchange.js'
import { receiverAccess } from '../adapter-kit/receiver-access.js'
import type { Receiver } from '../receiver.js'

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
  const access = receiverAccess(receiver, 'nodeHandler')
  return (req, res) => handleNodeRequest(receiver, access, { req, res, fix: FIX })
}

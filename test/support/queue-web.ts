/** A web process of the durable-processing proof: node:http + nodeHandler; prints `READY <port>`. */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { nodeHandler } from '../../src/adapters/node.js'
import { createApp } from './queue-app.js'

const { receiver } = await createApp()
const server = createServer(nodeHandler(receiver))
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`)
})

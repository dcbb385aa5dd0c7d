/** The adapter contract through a plain node:http server. */
import { createServer } from 'node:http'
import { nodeHandler } from '../../src/adapters/node.js'
import { adapterContract, listening } from './contract.js'

adapterContract({
  name: 'node:http, nodeHandler',
  mount: (receiver) => listening(createServer(nodeHandler(receiver))),
  parsedFirst: {
    // Something read the stream before the handler and kept nothing.
    mount: (receiver) => {
      const handle = nodeHandler(receiver)
      return listening(createServer((req, res) => req.resume().once('end', () => handle(req, res))))
    },
    fix: ['read the request stream before nodeHandler()'],
  },
})

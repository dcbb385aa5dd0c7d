/** node:http + nodeHandler(receiver) with the GitHub provider and the default memory store. */
import { createServer } from 'node:http'
import { createReceiver } from 'webhook-receiver'
import { nodeHandler } from 'webhook-receiver/node'
import { github } from 'webhook-receiver/providers/github'
import { GITHUB_SECRET } from '../../support/deliveries.js'
import { countHandled, serve } from '../../support/server.js'

const receiver = createReceiver({ provider: github({ secret: GITHUB_SECRET }) })
receiver.onAny(countHandled)
serve(createServer(nodeHandler(receiver)))

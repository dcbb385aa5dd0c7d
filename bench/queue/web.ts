/**
 * A web process of the queue benchmark: Express 5 + expressMiddleware (see app.ts for the configuration). Its
 * handled count is the handler runs in inline mode, the jobs stored in queue mode.
 */
import { createServer } from 'node:http'
import express from 'express'
import { expressMiddleware } from 'webhook-receiver/express'
import { countHandled, serve } from '../support/server.js'
import { createBenchReceiver } from './app.js'

const inline = process.env.MODE !== 'queue'
const { receiver } = createBenchReceiver(inline ? countHandled : () => undefined, countHandled)
const app = express()
app.post('/webhooks', expressMiddleware(receiver))
serve(createServer(app))

/** node:http + @octokit/webhooks' createNodeMiddleware, as its README shows. */
import { createServer } from 'node:http'
import { createNodeMiddleware, Webhooks } from '@octokit/webhooks'
import { GITHUB_SECRET } from '../../support/deliveries.js'
import { countHandled, serve } from '../../support/server.js'

const webhooks = new Webhooks({ secret: GITHUB_SECRET })
webhooks.onAny(countHandled)
serve(createServer(createNodeMiddleware(webhooks, { path: '/webhooks' })))

/**
 * node:http reading the body and answering 200, with no verification: the ceiling any receiver on node:http
 * stays under, not a receiver anyone should run.
 */
import { createServer } from 'node:http'
import { countHandled, serve } from '../../support/server.js'

serve(
  createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      countHandled()
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"received":true}')
    })
  }),
)

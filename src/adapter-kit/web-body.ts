import { BodyTooLargeError } from '../errors.js'

/** Reads a Web body up to `limit` bytes into one buffer; cancels the stream (never buffers the rest) past it. */
export async function readWebBody(request: Request, limit: number): Promise<Uint8Array | BodyTooLargeError> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (declared > limit) return new BodyTooLargeError(limit)
  // A declared length within the limit bounds the body (HTTP framing ends it there): read it whole, which runtimes
  // do without a stream per request. Before touching `request.body`: @hono/node-server builds a stream on that.
  if (declared >= 0) return new Uint8Array(await request.arrayBuffer())
  if (request.body === null) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      return new BodyTooLargeError(limit)
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}

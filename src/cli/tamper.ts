/**
 * `send --tamper`: one byte of the signed body changed after signing, as a corrupting or malicious hop would. The
 * letter or digit nearest the middle becomes the next one (z→a, 9→0), so JSON and forms stay well-formed and the
 * refusal can only come from the signature.
 */
export function tamperedBody(body: string): string {
  const middle = Math.floor(body.length / 2)
  for (let distance = 0; distance <= body.length; distance++) {
    for (const index of [middle + distance, middle - distance - 1]) {
      const flipped = next(body[index])
      if (flipped !== undefined) return body.slice(0, index) + flipped + body.slice(index + 1)
    }
  }
  // No letter or digit at all: append one, which changes the signed bytes just as well.
  return `${body} `
}

function next(char: string | undefined): string | undefined {
  if (char === undefined) return undefined
  for (const [first, last] of [
    ['a', 'z'],
    ['A', 'Z'],
    ['0', '9'],
  ] as const) {
    if (char >= first && char <= last)
      return char === last ? first : String.fromCharCode(char.charCodeAt(0) + 1)
  }
  return undefined
}

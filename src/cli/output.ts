/**
 * Where the commands print: every line goes through here, and any credential given on the command line is masked
 * in it, so nothing the CLI prints (an error message echoing a value included) ever shows a secret.
 */
export interface Output {
  out(text: string): void
  err(text: string): void
  /** Masks `value` in everything printed from now on. */
  redact(value: string): void
}

export function createOutput(write: { out(text: string): void; err(text: string): void }): Output {
  const secrets: string[] = []
  const mask = (text: string) => secrets.reduce((masked, secret) => masked.split(secret).join('***'), text)
  return {
    out: (text) => write.out(`${mask(text)}\n`),
    err: (text) => write.err(`${mask(text)}\n`),
    redact(value) {
      // A value of a few characters would mask ordinary words; no real secret is that short.
      if (value.length >= 4) secrets.push(value)
    },
  }
}

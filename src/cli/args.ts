/**
 * The command line, read with `node:util` `parseArgs` (no dependency): strict, so an unknown or misspelt option is a
 * UsageError naming the command's `--help`, never silently ignored.
 */
import { readFileSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './usage-error.js'

type Options = NonNullable<ParseArgsConfig['options']>

export function readArgs<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    // parseArgs's own messages name the option and what is wrong with it; none holds an option's value.
    const message = error instanceof Error ? error.message : String(error)
    // A PEM starts with dashes, so parseArgs takes it for an option.
    if (/'--private-key' argument is ambiguous/.test(message))
      throw new UsageError(
        '--private-key: a PEM key starts with dashes; pass it with --private-key-file <path>.',
      )
    throw new UsageError(`${message.replace(/\.$/, '')}. See \`webhook-receiver ${command} --help\`.`)
  }
}

/**
 * The file an option names, as text; otherwise a UsageError naming the option, the file and why, then `hint` (what
 * file to pass) when there is one.
 */
export function readTextFile(path: string, flag: string, hint?: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new UsageError(`${flag} ${path}: cannot read it (${why}).${hint === undefined ? '' : ` ${hint}`}`)
  }
}

/** A whole number within bounds, from an option's text; a UsageError naming the option otherwise. */
export function wholeNumber(
  text: string | undefined,
  option: string,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new UsageError(`${option} takes a whole number from ${min} to ${max}, got "${text}".`)
  return value
}

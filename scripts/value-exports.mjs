/**
 * The names a module exports at run time (functions, classes, constants; not types), read from its source, so the
 * package checks know what each entry point must export without a hand-kept list. Syntax is enough: under the
 * repository's `verbatimModuleSyntax` and `isolatedModules`, every type-only export is written as one.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import ts from 'typescript'

/** @param {readonly ts.ModifierLike[] | undefined} modifiers @param {ts.SyntaxKind} kind */
const has = (modifiers, kind) => modifiers?.some((modifier) => modifier.kind === kind) ?? false

/**
 * @param {string} root the repository's root directory
 * @param {string} source a module path relative to `root`, e.g. `src/providers/stripe.ts`
 * @returns {string[]} its run-time export names, sorted
 */
export function valueExports(root, source) {
  const names = new Set()
  const file = ts.createSourceFile(source, readFileSync(join(root, source), 'utf8'), ts.ScriptTarget.Latest)
  for (const statement of file.statements) {
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined
    if (ts.isExportDeclaration(statement)) {
      if (statement.isTypeOnly) continue
      const clause = statement.exportClause
      if (clause === undefined) {
        // `export * from './x.js'`: the sources import each other by their .js name.
        const target = /** @type {ts.StringLiteral} */ (statement.moduleSpecifier).text
        const path = join(dirname(source), target.replace(/\.js$/, '.ts'))
        for (const name of valueExports(root, path)) names.add(name)
      } else if (ts.isNamedExports(clause)) {
        for (const element of clause.elements) if (!element.isTypeOnly) names.add(element.name.text)
      } else names.add(clause.name.text)
    } else if (has(modifiers, ts.SyntaxKind.ExportKeyword) && !has(modifiers, ts.SyntaxKind.DeclareKeyword)) {
      if (has(modifiers, ts.SyntaxKind.DefaultKeyword)) names.add('default')
      else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations)
          if (ts.isIdentifier(declaration.name)) names.add(declaration.name.text)
      } else if (
        (ts.isFunctionDeclaration(statement) ||
          ts.isClassDeclaration(statement) ||
          ts.isEnumDeclaration(statement)) &&
        statement.name
      )
        names.add(statement.name.text)
    }
  }
  return [...names].sort()
}

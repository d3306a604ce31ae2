import * as ts from 'typescript';
import { Problem } from './inputs';
import { Found, SourceIndex, docOf, nameOf } from './source';

/** One environment variable of a function's contract. */
export interface EnvRow {
  /** The key in the contract's `*_ENV` object (`indexPrefix`). */
  readonly key: string;
  /** The variable's name (`INDEX_PREFIX`). */
  readonly variable: string;
  /** The value of the same key in the contract's `*_DEFAULTS` object, else the key's `@default` tag. */
  readonly default?: { readonly value: string | number | boolean } | { readonly text: string };
  readonly description: string;
}

/** A value the generator can compute from the syntax alone. */
type Value = string | number | boolean | { readonly [key: string]: Value } | undefined;

/**
 * The environment a function's contract declares: every key of its `*_ENV` object (spreads of
 * other contracts' objects followed, in order), the variable name it holds, its TSDoc, and the
 * default of the same key in `*_DEFAULTS` (`SHIPPER_ENV` → `SHIPPER_DEFAULTS`). `envName` picks
 * the object when the file declares several; by default it is the one no other `*_ENV` spreads.
 */
export function envRows(index: SourceIndex, contract: ts.SourceFile, problems: Problem[], envName?: string): EnvRow[] {
  const fail = (message: string): EnvRow[] => {
    problems.push({ file: contract.fileName, message });
    return [];
  };
  const declared = contract.statements
    .filter(ts.isVariableStatement)
    .flatMap((st) => st.declarationList.declarations)
    .filter((d) => ts.isIdentifier(d.name) && d.name.text.endsWith('_ENV'));
  const spread = new Set(declared.flatMap((d) => objectOf(d.initializer)?.properties.filter(ts.isSpreadAssignment).map((s) => s.expression.getText(contract)) ?? []));
  const candidates = envName ? declared.filter((d) => nameOf(d.name) === envName) : declared.filter((d) => !spread.has(nameOf(d.name) ?? ''));
  if (candidates.length !== 1) {
    const names = declared.map((d) => nameOf(d.name)).join(', ') || 'none';
    return fail(envName ? `no ${envName} in the contract (it declares: ${names})` : `expected one *_ENV object not spread into another, found: ${names} (name one in the marker)`);
  }
  const envDecl = candidates[0];
  const envObjectName = nameOf(envDecl.name) ?? '';
  const rows: EnvRow[] = [];
  const visit = (object: ts.ObjectLiteralExpression, file: ts.SourceFile, depth: number): void => {
    for (const p of object.properties) {
      if (ts.isSpreadAssignment(p)) {
        const found = index.lookupEntity(p.expression, file);
        const inner = found && ts.isVariableDeclaration(found.node) ? objectOf(found.node.initializer) : undefined;
        if (!inner || depth > 8) problems.push({ file: file.fileName, message: `${envObjectName}: cannot follow the spread \`...${p.expression.getText(file)}\`` });
        else visit(inner, found!.file, depth + 1);
        continue;
      }
      const key = nameOf(p.name);
      const value = ts.isPropertyAssignment(p) ? evaluate(index, p.initializer, file) : undefined;
      if (key === undefined || typeof value !== 'string') {
        problems.push({ file: file.fileName, message: `${envObjectName}: \`${p.getText(file)}\` is not a key with a string literal variable name` });
        continue;
      }
      const doc = docOf(p);
      if (!doc.summary) problems.push({ file: file.fileName, message: `${envObjectName}.${key} (${value}) has no TSDoc: say what the variable means` });
      const tag = doc.tags.get('default');
      const description = inlineValues(index, doc.summary, file, (message) => problems.push({ file: file.fileName, message: `${envObjectName}.${key}: ${message}` }));
      rows.push({ key, variable: value, description, ...(tag !== undefined ? { default: { text: tag } } : {}) });
    }
  };
  const envObject = objectOf(envDecl.initializer);
  if (!envObject) return fail(`${envObjectName} is not an object literal`);
  visit(envObject, contract, 0);

  const defaultsName = envObjectName.replace(/_ENV$/, '_DEFAULTS');
  const defaultsDecl = index.lookup(defaultsName, contract);
  if (!defaultsDecl || !ts.isVariableDeclaration(defaultsDecl.node)) return rows;
  const defaults = objectOf(defaultsDecl.node.initializer);
  if (!defaults) return fail(`${defaultsName} is not an object literal`);
  const byKey = new Map(rows.map((r, i) => [r.key, i]));
  for (const p of defaults.properties) {
    const key = nameOf(p.name);
    const at = key === undefined ? undefined : byKey.get(key);
    if (key === undefined || at === undefined) {
      problems.push({ file: defaultsDecl.file.fileName, message: `${defaultsName}.${key ?? p.getText(defaultsDecl.file)} matches no key of ${envObjectName}` });
      continue;
    }
    const value = ts.isPropertyAssignment(p) ? evaluate(index, p.initializer, defaultsDecl.file) : undefined;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      problems.push({ file: defaultsDecl.file.fileName, message: `${defaultsName}.${key}: \`${p.getText(defaultsDecl.file)}\` is not a value the generator can compute (literals, arithmetic, constants)` });
      continue;
    }
    if (rows[at].default) problems.push({ file: contract.fileName, message: `${envObjectName}.${key}: a @default tag and ${defaultsName}.${key}: keep one` });
    rows[at] = { ...rows[at], default: { value } };
  }
  return rows;
}

/**
 * `{@value BULK_BYTES.max}` in a TSDoc → the constant's value, so a bound written in the contract
 * once is also its docs' number. Numbers are printed with thousands separators.
 */
function inlineValues(index: SourceIndex, text: string, file: ts.SourceFile, problem: (message: string) => void): string {
  return text.replace(/\{@value\s+([\w.]+)\s*\}/g, (whole, name: string) => {
    const expression = ts.createSourceFile('value.ts', name, ts.ScriptTarget.Latest, true).statements[0];
    const value = expression && ts.isExpressionStatement(expression) ? evaluate(index, expression.expression, file) : undefined;
    if (typeof value === 'number') return value.toLocaleString('en-US');
    if (typeof value === 'string' || typeof value === 'boolean') return String(value);
    problem(`${whole} is not a constant the generator can compute`);
    return whole;
  });
}

/** `{…}`, `{…} as const`, `({…})` → the object literal. */
function objectOf(node: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
  let n = node;
  while (n && (ts.isAsExpression(n) || ts.isParenthesizedExpression(n) || ts.isSatisfiesExpression(n))) n = n.expression;
  return n && ts.isObjectLiteralExpression(n) ? n : undefined;
}

/** Literals, `a * b`-style arithmetic, constants and their properties (`BULK_BYTES.default`) across project files. */
function evaluate(index: SourceIndex, node: ts.Expression, file: ts.SourceFile, hops = 0): Value {
  const again = (e: ts.Expression, f = file) => evaluate(index, e, f, hops + 1);
  if (hops > 16) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text.replace(/_/g, ''));
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isAsExpression(node) || ts.isParenthesizedExpression(node) || ts.isSatisfiesExpression(node)) return again(node.expression);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
    const v = again(node.operand);
    return typeof v === 'number' ? -v : undefined;
  }
  if (ts.isBinaryExpression(node)) {
    const [a, b] = [again(node.left), again(node.right)];
    if (typeof a !== 'number' || typeof b !== 'number') return undefined;
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.AsteriskToken: return a * b;
      case ts.SyntaxKind.PlusToken: return a + b;
      case ts.SyntaxKind.MinusToken: return a - b;
      case ts.SyntaxKind.AsteriskAsteriskToken: return a ** b;
      default: return undefined;
    }
  }
  if (ts.isObjectLiteralExpression(node)) {
    const out: Record<string, Value> = {};
    for (const p of node.properties) {
      const key = nameOf(p.name);
      if (key !== undefined && ts.isPropertyAssignment(p)) out[key] = again(p.initializer);
    }
    return out;
  }
  if (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) {
    const found: Found | undefined = index.lookupEntity(node, file);
    if (found && ts.isVariableDeclaration(found.node) && found.node.initializer) return again(found.node.initializer, found.file);
    if (ts.isPropertyAccessExpression(node)) {
      const owner = again(node.expression);
      return owner !== null && typeof owner === 'object' ? owner[node.name.text] : undefined;
    }
  }
  return undefined;
}

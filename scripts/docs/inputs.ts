import * as ts from 'typescript';
import { Found, SourceIndex, docOf, nameOf, oneLine } from './source';

/** One row of an inputs table: a prop, or a field of a nested option (`stream.mode`, `rules[].prefix`). */
export interface InputRow {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  /** The `@default` tag as written, when there is one. */
  readonly default?: string;
  readonly description: string;
}

/** Nesting levels expanded below a prop (`a.b.c.d` at most); deeper options are shown by type name. */
export const MAX_DEPTH = 4;

export interface Problem {
  readonly file: string;
  readonly message: string;
}

/**
 * Rows for every property of a props interface, in declaration order (inherited ones first),
 * each followed by the fields of the project interfaces or object literals its type holds.
 */
export function inputRows(index: SourceIndex, props: Found<ts.InterfaceDeclaration>, problems: Problem[] = []): InputRow[] {
  const rows: InputRow[] = [];
  const visit = (members: Found<ts.PropertySignature>[], prefix: string, depth: number, path: ReadonlySet<ts.Node>, partial = false): void => {
    for (const { node: m, file } of members) {
      const name = `${prefix}${nameOf(m.name) ?? m.name.getText(file)}`;
      const doc = docOf(m);
      const deprecated = doc.tags.get('deprecated');
      const description = [deprecated !== undefined ? `Deprecated${deprecated ? `: ${deprecated}` : '.'}` : '', doc.summary].filter(Boolean).join(' ');
      rows.push({
        name,
        type: m.type ? printType(index, m.type, file) : 'any',
        required: !m.questionToken && !partial,
        default: doc.tags.get('default') ?? doc.tags.get('defaultValue'),
        description,
      });
      if (!m.type || depth >= MAX_DEPTH) continue;
      for (const nested of objectShapes(index, m.type, file, '', problems)) {
        if (path.has(nested.key)) continue; // a recursive option type: stop at its name
        visit(nested.members, `${name}${nested.suffix}.`, depth + 1, new Set([...path, nested.key]), nested.partial);
      }
    }
  };
  visit(membersOf(index, props, problems), '', 1, new Set([props.node]));
  return rows;
}

/** Property signatures of an interface, inherited ones (from project interfaces) first. */
function membersOf(index: SourceIndex, decl: Found<ts.InterfaceDeclaration>, problems: Problem[], seen = new Set<ts.Node>()): Found<ts.PropertySignature>[] {
  if (seen.has(decl.node)) return [];
  seen.add(decl.node);
  const inherited: Found<ts.PropertySignature>[] = [];
  for (const clause of decl.node.heritageClauses ?? []) {
    for (const base of clause.types) {
      const found = index.lookupEntity(base.expression, decl.file);
      if (found && ts.isInterfaceDeclaration(found.node)) {
        inherited.push(...membersOf(index, found as Found<ts.InterfaceDeclaration>, problems, seen));
      } else {
        problems.push({ file: decl.file.fileName, message: `${decl.node.name.text} extends ${base.getText(decl.file)}: not a project interface, its members are not listed` });
      }
    }
  }
  const own = decl.node.members.filter(ts.isPropertySignature).map((node) => ({ node, file: decl.file }));
  const names = new Set(own.map((m) => nameOf(m.node.name)));
  return [...inherited.filter((m) => !names.has(nameOf(m.node.name))), ...own];
}

interface Shape {
  /** `[]` when the option is an array of this shape. */
  readonly suffix: string;
  readonly key: ts.Node;
  readonly members: Found<ts.PropertySignature>[];
  /** Held as `Partial<…>`: every field optional. */
  readonly partial?: boolean;
}

/** `'a' | 'b'` → ['a', 'b'] (the keys of an Omit or Pick). */
function literalStrings(type: ts.TypeNode): string[] {
  if (ts.isUnionTypeNode(type)) return type.types.flatMap(literalStrings);
  return ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal) ? [type.literal.text] : [];
}

/** The object shapes a type holds: a project interface, an object literal, their arrays and unions. */
function objectShapes(index: SourceIndex, type: ts.TypeNode, file: ts.SourceFile, suffix: string, problems: Problem[], hops = 0): Shape[] {
  const again = (t: ts.TypeNode, f: ts.SourceFile, s: string) => objectShapes(index, t, f, s, problems, hops + 1);
  if (hops > 8) return [];
  if (ts.isParenthesizedTypeNode(type)) return again(type.type, file, suffix);
  if (ts.isTypeOperatorNode(type) && type.operator === ts.SyntaxKind.ReadonlyKeyword) return again(type.type, file, suffix);
  if (ts.isArrayTypeNode(type)) return again(type.elementType, file, `${suffix}[]`);
  if (ts.isUnionTypeNode(type)) return type.types.flatMap((t) => again(t, file, suffix));
  if (ts.isTypeLiteralNode(type)) {
    return [{ suffix, key: type, members: type.members.filter(ts.isPropertySignature).map((node) => ({ node, file })) }];
  }
  if (ts.isTypeReferenceNode(type)) {
    const name = type.typeName.getText(file);
    const args = type.typeArguments ?? [];
    if ((name === 'Array' || name === 'ReadonlyArray') && args.length === 1) return again(args[0], file, `${suffix}[]`);
    if ((name === 'Readonly' || name === 'Required') && args.length === 1) return again(args[0], file, suffix);
    if (name === 'Partial' && args.length === 1) return again(args[0], file, suffix).map((s) => ({ ...s, partial: true }));
    if ((name === 'Omit' || name === 'Pick') && args.length === 2) {
      const keys = new Set(literalStrings(args[1]));
      const keep = (m: Found<ts.PropertySignature>) => keys.has(nameOf(m.node.name) ?? '') === (name === 'Pick');
      return again(args[0], file, suffix).map((s) => ({ ...s, key: type, members: s.members.filter(keep) }));
    }
    const found = index.lookupEntity(type.typeName, file);
    if (found && ts.isInterfaceDeclaration(found.node)) {
      return [{ suffix, key: found.node, members: membersOf(index, found as Found<ts.InterfaceDeclaration>, problems) }];
    }
    if (found && ts.isTypeAliasDeclaration(found.node)) return again(found.node.type, found.file, suffix);
  }
  if (ts.isImportTypeNode(type)) {
    const found = index.lookupImportType(type, file);
    if (found && ts.isInterfaceDeclaration(found.node)) {
      return [{ suffix, key: found.node, members: membersOf(index, found as Found<ts.InterfaceDeclaration>, problems) }];
    }
    if (found && ts.isTypeAliasDeclaration(found.node)) return again(found.node.type, found.file, suffix);
  }
  return [];
}

/**
 * A type as a reader wants it: `'es' | 'aoss'`, `string[]`, `Record<string, string>`,
 * `{ arn, url, kmsKeyArn? }` for object literals, aliases spelled out unless they name an object
 * type, project interfaces by name (their fields get rows of their own), `readonly` dropped.
 */
export function printType(index: SourceIndex, type: ts.TypeNode, file: ts.SourceFile, hops = 0): string {
  const again = (t: ts.TypeNode, f = file) => printType(index, t, f, hops + 1);
  if (hops > 8) return oneLine(type.getText(file));
  if (ts.isParenthesizedTypeNode(type)) return `(${again(type.type)})`;
  if (ts.isTypeOperatorNode(type) && type.operator === ts.SyntaxKind.ReadonlyKeyword) return again(type.type);
  if (ts.isUnionTypeNode(type)) return type.types.map((t) => again(t)).join(' | ');
  if (ts.isIntersectionTypeNode(type)) return type.types.map((t) => again(t)).join(' & ');
  if (ts.isArrayTypeNode(type)) {
    const element = again(type.elementType);
    return ts.isUnionTypeNode(type.elementType) || ts.isFunctionTypeNode(type.elementType) ? `(${element})[]` : `${element}[]`;
  }
  if (ts.isLiteralTypeNode(type)) {
    return ts.isStringLiteral(type.literal) ? `'${type.literal.text.replace(/'/g, "\\'")}'` : type.literal.getText(file);
  }
  if (ts.isTypeLiteralNode(type)) {
    const fields = type.members.map((m) => `${nameOf(m.name) ?? m.name?.getText(file) ?? '…'}${m.questionToken ? '?' : ''}`);
    return fields.length ? `{ ${fields.join(', ')} }` : '{}';
  }
  const reference = ts.isTypeReferenceNode(type) ? type.typeName : ts.isImportTypeNode(type) ? type.qualifier : undefined;
  if (reference && (ts.isTypeReferenceNode(type) || ts.isImportTypeNode(type))) {
    const name = reference.getText(file);
    const args = type.typeArguments?.map((t) => again(t)) ?? [];
    if (args.length) return `${name}<${args.join(', ')}>`;
    // An alias of an object type keeps its name (its fields get rows); other aliases are spelled out.
    const found = ts.isImportTypeNode(type) ? index.lookupImportType(type, file) : index.lookupEntity(reference, file);
    if (found && ts.isTypeAliasDeclaration(found.node) && !found.node.typeParameters && !isObjectType(found.node.type)) return again(found.node.type, found.file);
    return name;
  }
  return oneLine(type.getText(file));
}

function isObjectType(type: ts.TypeNode): boolean {
  return ts.isTypeLiteralNode(type) || ts.isIntersectionTypeNode(type) || ts.isMappedTypeNode(type);
}

import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** A declaration found in the project, with the file whose imports resolve the names it uses. */
export interface Found<N extends ts.Node = ts.Node> {
  readonly node: N;
  readonly file: ts.SourceFile;
}

export type TypeDeclaration = ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.ClassDeclaration;
export type FunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;

/**
 * Parsed project files and name resolution across them: local declarations, relative imports,
 * `export { X } from` and `export * from`. Syntax only (no type checker): it reads exactly the
 * files a name leads to, so it is fast and its answers do not depend on node_modules. Imports
 * of packages (cdktf, provider classes) are not followed: their types are printed by name.
 */
export class SourceIndex {
  private readonly files = new Map<string, ts.SourceFile | null>();

  /** The parsed file, or undefined when it does not exist. */
  file(absPath: string): ts.SourceFile | undefined {
    if (!this.files.has(absPath)) {
      const text = fs.existsSync(absPath) ? fs.readFileSync(absPath, 'utf8') : undefined;
      this.files.set(absPath, text === undefined ? null : ts.createSourceFile(absPath, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS));
    }
    return this.files.get(absPath) ?? undefined;
  }

  /** The project file a relative import specifier names (`./props`, `../common`), if any. */
  resolveModule(from: ts.SourceFile, specifier: string): ts.SourceFile | undefined {
    if (!specifier.startsWith('.')) return undefined;
    const base = path.resolve(path.dirname(from.fileName), specifier);
    for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
      if (candidate.endsWith('.ts') && fs.existsSync(candidate)) return this.file(candidate);
    }
    return undefined;
  }

  /** The declaration `name` refers to when used in `file`: declared there or imported. */
  lookup(name: string, file: ts.SourceFile): Found<TypeDeclaration | ts.FunctionDeclaration | ts.VariableDeclaration> | undefined {
    const local = this.localDeclaration(name, file);
    if (local) return local;
    for (const st of file.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const bindings = st.importClause?.namedBindings;
      if (!bindings || !ts.isNamedImports(bindings)) continue;
      for (const el of bindings.elements) {
        if (el.name.text !== name) continue;
        const target = this.resolveModule(file, st.moduleSpecifier.text);
        return target ? this.lookupExport((el.propertyName ?? el.name).text, target, new Set()) : undefined;
      }
    }
    return undefined;
  }

  /** The declaration a type name (`Options`, or `common.Options` through `import * as common`) refers to in `file`. */
  lookupEntity(name: ts.EntityName | ts.Expression, file: ts.SourceFile): Found<TypeDeclaration | ts.FunctionDeclaration | ts.VariableDeclaration> | undefined {
    if (ts.isIdentifier(name)) return this.lookup(name.text, file);
    const [left, right] = ts.isQualifiedName(name) ? [name.left, name.right] : ts.isPropertyAccessExpression(name) ? [name.expression, name.name] : [];
    if (!left || !right || !ts.isIdentifier(left) || !ts.isIdentifier(right)) return undefined;
    for (const st of file.statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const bindings = st.importClause?.namedBindings;
      if (!bindings || !ts.isNamespaceImport(bindings) || bindings.name.text !== left.text) continue;
      const target = this.resolveModule(file, st.moduleSpecifier.text);
      return target && this.lookupExport(right.text, target);
    }
    return undefined;
  }

  /** The declaration `import('./x').Name` refers to. */
  lookupImportType(type: ts.ImportTypeNode, file: ts.SourceFile): Found<TypeDeclaration | ts.FunctionDeclaration | ts.VariableDeclaration> | undefined {
    const arg = type.argument;
    const specifier = ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal) ? arg.literal.text : undefined;
    const target = specifier !== undefined ? this.resolveModule(file, specifier) : undefined;
    return target && type.qualifier && ts.isIdentifier(type.qualifier) ? this.lookupExport(type.qualifier.text, target) : undefined;
  }

  /** The declaration a module exports as `name`, following re-exports. */
  lookupExport(name: string, file: ts.SourceFile, seen = new Set<string>()): Found<TypeDeclaration | ts.FunctionDeclaration | ts.VariableDeclaration> | undefined {
    if (seen.has(file.fileName)) return undefined;
    seen.add(file.fileName);
    const local = this.localDeclaration(name, file);
    if (local) return local;
    for (const st of file.statements) {
      if (!ts.isExportDeclaration(st)) continue;
      const from = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? this.resolveModule(file, st.moduleSpecifier.text) : undefined;
      if (!st.exportClause) {
        const found = from && this.lookupExport(name, from, seen);
        if (found) return found;
      } else if (ts.isNamedExports(st.exportClause)) {
        const el = st.exportClause.elements.find((e) => e.name.text === name);
        if (!el) continue;
        const original = (el.propertyName ?? el.name).text;
        return from ? this.lookupExport(original, from, seen) : this.lookup(original, file);
      }
    }
    return undefined;
  }

  private localDeclaration(name: string, file: ts.SourceFile): Found<TypeDeclaration | ts.FunctionDeclaration | ts.VariableDeclaration> | undefined {
    for (const st of file.statements) {
      if ((ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isClassDeclaration(st) || ts.isFunctionDeclaration(st)) && st.name?.text === name) {
        return { node: st, file };
      }
      if (ts.isVariableStatement(st)) {
        const decl = st.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name);
        if (decl) return { node: decl, file };
      }
    }
    return undefined;
  }
}

/** TSDoc of a node: the description as one line and its block tags by name (last one wins). */
export function docOf(node: ts.Node): { readonly summary: string; readonly tags: ReadonlyMap<string, string> } {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const doc = docs[docs.length - 1];
  const tags = new Map<string, string>();
  for (const tag of doc?.tags ?? []) tags.set(tag.tagName.text, oneLine(ts.getTextOfJSDocComment(tag.comment) ?? ''));
  return { summary: oneLine(ts.getTextOfJSDocComment(doc?.comment) ?? ''), tags };
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The name of a property, member or parameter as written (`a`, `'a-b'` → `a-b`). */
export function nameOf(name: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

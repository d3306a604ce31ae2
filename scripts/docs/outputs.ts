import * as ts from 'typescript';
import { Problem, printType } from './inputs';
import { Found, FunctionLike, SourceIndex, docOf, nameOf, oneLine } from './source';

/** A `TerraformOutput` a construct creates. */
export interface OutputRow {
  /** The output's construct id (its Terraform name is `<construct path>_<id>`). */
  readonly id: string;
  /** The public construct property holding the same value (`shipper.role.arn`), when the value is `this.…`. */
  readonly property?: string;
  readonly description: string;
}

/** A public property of the construct class. */
export interface PropertyRow {
  readonly name: string;
  readonly type: string;
  readonly description: string;
}

/**
 * The outputs a construct class creates: `new TerraformOutput(this, 'id', { value, description })`
 * anywhere in the class or in the project functions it calls, directly or through a helper
 * whose parameters carry the id, value or description (`output('stream_arn', this.streamArn, '…')`).
 * Sub-constructs (`new X(...)`) are not followed: their outputs would carry their own path.
 */
export function outputRows(index: SourceIndex, cls: Found<ts.ClassDeclaration>, problems: Problem[] = []): OutputRow[] {
  const bodies = reachableBodies(index, cls);
  const publicNames = new Set(propertyRows(index, cls).map((p) => p.name));
  const rowOf = (id: ts.Node | undefined, value: ts.Node | undefined, description: ts.Node | undefined): OutputRow | undefined => {
    if (!id) return undefined;
    for (const [what, node] of [['id', id], ['description', description]] as const) {
      if (node && !isLiteral(node)) {
        problems.push({ file: node.getSourceFile().fileName, message: `${cls.node.name?.text}: output ${what} \`${oneLine(node.getText())}\` is not a string literal; the table shows it as written` });
      }
    }
    const property = value && constructPath(value, cls.node.name?.text);
    const reachable = property !== undefined && publicNames.has(property.split('.')[0]);
    return { id: textOf(id), ...(reachable ? { property } : {}), description: description ? textOf(description) : '' };
  };
  const helpers = new Map<string, Template>();
  for (const body of bodies) {
    walk(body.node, (n) => {
      if (!isTerraformOutput(n)) return;
      const fn = enclosingFunction(n);
      const template = fn && templateOf(n, fn);
      const name = fn && functionName(fn);
      if (template && name) helpers.set(name, template);
    });
  }
  const rows: OutputRow[] = [];
  for (const body of bodies) {
    walk(body.node, (n) => {
      if (isTerraformOutput(n)) {
        const fn = enclosingFunction(n);
        if (fn && templateOf(n, fn)) return; // a helper's own body: its calls are the outputs
        const slots = slotsOf(n);
        const row = slots && rowOf(slots.id, slots.value, slots.description);
        if (row) rows.push(row);
      } else if (ts.isCallExpression(n)) {
        const callee = calleeName(n);
        const template = callee !== undefined ? helpers.get(callee) : undefined;
        if (!template) return;
        const arg = (slot: Slot) => (typeof slot === 'number' ? n.arguments[slot] : slot);
        const row = rowOf(arg(template.id), arg(template.value), arg(template.description));
        if (row) rows.push(row);
      }
    });
  }
  return rows;
}

/** Public properties and getters of the class, in declaration order, with their TSDoc. */
export function propertyRows(index: SourceIndex, cls: Found<ts.ClassDeclaration>): PropertyRow[] {
  const rows: PropertyRow[] = [];
  for (const m of cls.node.members) {
    if (!ts.isPropertyDeclaration(m) && !ts.isGetAccessorDeclaration(m)) continue;
    const modifiers = ts.canHaveModifiers(m) ? ts.getModifiers(m) ?? [] : [];
    if (modifiers.some((x) => [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.StaticKeyword].includes(x.kind))) continue;
    const name = nameOf(m.name);
    if (name === undefined || ts.isPrivateIdentifier(m.name) || name.startsWith('_')) continue;
    const type = m.type ? printType(index, m.type, cls.file) : '–';
    const optional = ts.isPropertyDeclaration(m) && m.questionToken !== undefined;
    rows.push({ name, type: optional ? `${type} | undefined` : type, description: docOf(m).summary });
  }
  return rows;
}

/** Where a helper takes each part of an output: a parameter position, or a fixed expression. */
type Slot = number | ts.Expression | undefined;
interface Template {
  readonly id: Slot;
  readonly value: Slot;
  readonly description: Slot;
}

function isLiteral(node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
}

/** A string literal's text; a template or other expression as written. */
function textOf(node: ts.Node): string {
  return isLiteral(node) ? node.text : oneLine(node.getText());
}

/**
 * `this.shipper.role.arn` → `shipper.role.arn`, also as `scope.shipper.role.arn` in a function
 * taking the construct as `scope: <Class>`; anything else → undefined.
 */
function constructPath(node: ts.Node, className: string | undefined): string | undefined {
  const parts: string[] = [];
  let n: ts.Node = node;
  while (ts.isPropertyAccessExpression(n) || ts.isNonNullExpression(n)) {
    if (ts.isPropertyAccessExpression(n)) parts.unshift(n.name.text);
    n = n.expression;
  }
  if (!parts.length) return undefined;
  if (n.kind === ts.SyntaxKind.ThisKeyword) return parts.join('.');
  const root = n;
  if (!ts.isIdentifier(root) || !className) return undefined;
  for (let fn = enclosingFunction(root); fn; fn = enclosingFunction(fn)) {
    const param = fn.parameters.find((p) => nameOf(p.name) === root.text);
    if (param) return param.type && ts.isTypeReferenceNode(param.type) && param.type.typeName.getText() === className ? parts.join('.') : undefined;
  }
  return undefined;
}

function isTerraformOutput(n: ts.Node): n is ts.NewExpression {
  if (!ts.isNewExpression(n)) return false;
  const e = n.expression;
  return (ts.isIdentifier(e) && e.text === 'TerraformOutput') || (ts.isPropertyAccessExpression(e) && e.name.text === 'TerraformOutput');
}

/** The id, value and description expressions of `new TerraformOutput(scope, id, { value, description })`. */
function slotsOf(n: ts.NewExpression): { id?: ts.Expression; value?: ts.Expression; description?: ts.Expression } | undefined {
  const [, id, config] = n.arguments ?? [];
  if (!id) return undefined;
  const prop = (key: string): ts.Expression | undefined => {
    if (!config || !ts.isObjectLiteralExpression(config)) return undefined;
    for (const p of config.properties) {
      if (nameOf(p.name) !== key) continue;
      if (ts.isPropertyAssignment(p)) return p.initializer;
      if (ts.isShorthandPropertyAssignment(p)) return p.name;
    }
    return undefined;
  };
  return { id, value: prop('value'), description: prop('description') };
}

/** When the output's id comes from a parameter of `fn`, the helper's template. */
function templateOf(n: ts.NewExpression, fn: FunctionLike): Template | undefined {
  const slots = slotsOf(n);
  const params = fn.parameters.map((p) => nameOf(p.name));
  const slot = (e: ts.Expression | undefined): Slot => {
    const i = e && ts.isIdentifier(e) ? params.indexOf(e.text) : -1;
    return i >= 0 ? i : e;
  };
  if (!slots || typeof slot(slots.id) !== 'number') return undefined;
  return { id: slot(slots.id), value: slot(slots.value), description: slot(slots.description) };
}

function enclosingFunction(n: ts.Node): FunctionLike | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isArrowFunction(p) || ts.isMethodDeclaration(p)) return p;
    if (ts.isConstructorDeclaration(p) || ts.isClassDeclaration(p)) return undefined;
  }
  return undefined;
}

/** The name a helper is called by: `const output = (…) => …`, `function out(…)`, a method `output(…)`. */
function functionName(fn: FunctionLike): string | undefined {
  if (ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) return nameOf(fn.name);
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isPropertyAssignment(parent)) return nameOf(parent.name);
  return undefined;
}

/** `output(…)` → `output`; `this.output(…)` → `output`. */
function calleeName(call: ts.CallExpression): string | undefined {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) return e.name.text;
  return undefined;
}

/** The class, then every project function it calls (directly or through calls in those), once each. */
function reachableBodies(index: SourceIndex, cls: Found<ts.ClassDeclaration>): Found[] {
  const bodies: Found[] = [cls];
  const seen = new Set<ts.Node>([cls.node]);
  for (let i = 0; i < bodies.length; i++) {
    const { node, file } = bodies[i];
    walk(node, (n) => {
      if (!ts.isCallExpression(n) || !(ts.isIdentifier(n.expression) || ts.isPropertyAccessExpression(n.expression))) return;
      const found = index.lookupEntity(n.expression, file);
      const target = found && (ts.isFunctionDeclaration(found.node) ? found.node : ts.isVariableDeclaration(found.node) ? found.node.initializer : undefined);
      if (!found || !target || seen.has(target) || !(ts.isFunctionDeclaration(target) || ts.isArrowFunction(target) || ts.isFunctionExpression(target))) return;
      seen.add(target);
      bodies.push({ node: target, file: found.file });
    });
  }
  return bodies;
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  ts.forEachChild(node, (child) => walk(child, visit));
}

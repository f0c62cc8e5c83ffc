import type {} from 'handlebars';
import { TEMPLATE_VARIABLES, type VariableShape } from './render-context.js';

type Node = hbs.AST.Node;
type Path = hbs.AST.PathExpression;
type Expr = hbs.AST.Expression;

/** Accepts any member: what an already reported unknown variable stands for, so one mistake is reported once. */
const ANY = Symbol('any');
type Shape = VariableShape | typeof ANY;

interface Scope {
  shape: Shape;
  blockParams: Map<string, Shape>;
}

export interface VariableIssue {
  message: string;
  line: number;
  /** The template is within the language but over what one message may cost (a loop inside a loop). */
  budget?: true;
}

/** The only helpers templates have (the compiler's environment has no others: no `log`, no `lookup`). */
export const TEMPLATE_HELPERS = ['if', 'unless', 'each', 'with'] as const;
const BLOCK_HELPERS = new Set<string>(TEMPLATE_HELPERS);

/**
 * Walks a parsed template and names every variable or helper our render context does not have,
 * following the scopes `each`/`with` open, `../` and `@root`, so `{{customer.nickname}}` is caught on save
 * instead of failing the send weeks later. Iteration does not nest (`{{#each}}` inside `{{#each}}` multiplies the
 * work of one message by the size of each list), so a render costs at most one pass over one list per tag.
 */
export function unknownVariables(ast: hbs.AST.Program, root: VariableShape = TEMPLATE_VARIABLES): VariableIssue[] {
  const issues: VariableIssue[] = [];
  const scopes: Scope[] = [{ shape: root, blockParams: new Map() }];
  let iterating = 0;

  const report = (node: Node, message: string, budget?: true) =>
    issues.push({ message, line: node.loc?.start.line ?? 0, ...(budget && { budget }) });

  function member(shape: Shape, part: string): Shape | null {
    if (shape === ANY) return ANY;
    if (Array.isArray(shape)) return part === 'length' ? 'leaf' : /^\d+$/.test(part) ? shape[0]! : null;
    if (shape === 'leaf') return null;
    return Object.hasOwn(shape, part) ? shape[part]! : null;
  }

  function resolve(path: Path): Shape | null {
    const parts = path.parts;
    if (path.data) {
      if (parts[0] === 'root') return walk(root, parts.slice(1));
      return ['index', 'first', 'last', 'key'].includes(parts[0]!) && parts.length === 1 ? 'leaf' : null;
    }
    const at = scopes.length - 1 - path.depth;
    if (at < 0) return null;
    if (path.depth === 0 && parts.length) {
      for (let i = scopes.length - 1; i >= 0; i--) {
        const param = scopes[i]!.blockParams.get(parts[0]!);
        if (param !== undefined) return walk(param, parts.slice(1));
      }
    }
    return walk(scopes[at]!.shape, parts);
  }

  function walk(shape: Shape, parts: string[]): Shape | null {
    let current: Shape | null = shape;
    for (const part of parts) {
      if (current === null) return null;
      current = member(current, part);
    }
    return current;
  }

  function variable(path: Path): Shape | null {
    const shape = resolve(path);
    if (shape === null) report(path, `unknown variable {{${path.original}}}`);
    return shape;
  }

  function expression(expr: Expr): Shape | null {
    if (expr.type === 'PathExpression') return variable(expr as Path);
    if (expr.type === 'SubExpression') {
      const sub = expr as hbs.AST.SubExpression;
      call(sub, (sub.path as Path).original, sub.params, sub.hash);
      return ANY;
    }
    return 'leaf';
  }

  function call(node: Node, name: string, params: Expr[], hash: hbs.AST.Hash | undefined) {
    if (BLOCK_HELPERS.has(name)) report(node, `"${name}" only opens a block: {{#${name} …}}…{{/${name}}}`);
    else report(node, `unknown helper "${name}"`);
    params.forEach(expression);
    hash?.pairs.forEach((pair) => expression(pair.value));
  }

  function program(p: hbs.AST.Program | undefined, shape?: Shape, blockParamShape?: Shape) {
    if (!p) return;
    const pushed = shape !== undefined;
    if (pushed) {
      const blockParams = new Map<string, Shape>();
      if (p.blockParams?.[0] && blockParamShape !== undefined) blockParams.set(p.blockParams[0], blockParamShape);
      scopes.push({ shape, blockParams });
    }
    p.body.forEach(statement);
    if (pushed) scopes.pop();
  }

  /** The body of a block that runs once per element of a list. */
  function iteration(node: Node, p: hbs.AST.Program | undefined, element: Shape) {
    if (iterating) report(node, 'a loop over a list inside another loop is not allowed: use one {{#each}} at a time', true);
    iterating++;
    program(p, element, element);
    iterating--;
  }

  function statement(node: hbs.AST.Statement) {
    switch (node.type) {
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        const path = m.path as Path;
        if (m.params.length || m.hash?.pairs.length) call(m, path.original, m.params, m.hash);
        else if (m.path.type === 'PathExpression') variable(path);
        return;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const name = (b.path as Path).original;
        if (!BLOCK_HELPERS.has(name)) {
          if (b.params.length || b.hash?.pairs.length) report(b, `unknown helper "${name}"`);
          // `{{#products}}…{{/products}}` runs once per product, like `{{#each}}`.
          const shape = variable(b.path as Path) ?? ANY;
          if (Array.isArray(shape)) iteration(b, b.program, shape[0]!);
          else program(b.program, shape);
          program(b.inverse);
          return;
        }
        if (b.params.length !== 1 || b.hash?.pairs.length) report(b, `{{#${name}}} needs exactly one value`);
        const target = b.params[0] ? expression(b.params[0]) : null;
        if (name === 'each') {
          const element = target === null || target === ANY ? ANY : Array.isArray(target) ? target[0]! : null;
          if (element === null) report(b, `{{#each ${(b.params[0] as Path).original ?? ''}}} is not a list`);
          iteration(b, b.program, element ?? ANY);
        } else if (name === 'with') {
          program(b.program, target ?? ANY, target ?? ANY);
        } else {
          program(b.program);
        }
        program(b.inverse);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
      case 'DecoratorBlock':
      case 'Decorator':
        report(node, 'partials and decorators are not available in email templates');
        return;
      default:
        return;
    }
  }

  program(ast);
  return issues;
}

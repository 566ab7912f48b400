// The routes of the site as the files under src/pages declare them, read from
// the sources instead of listed by hand, so a sweep over them covers a new
// page or endpoint the day it is added:
// - the URL pattern of each file (Astro's file-based routing: index, [param],
//   [...rest], extensions kept for endpoints like export.csv.ts);
// - for a page, the form intents it accepts: the keys of the object its
//   pagePost define callback returns (`(on) => ({ 'rename-team': on(…), … })`),
//   and its defaultIntent (a form without `intent` is that one);
// - for an endpoint, the methods it answers: the keys given to endpoint({ … })
//   and the HTTP methods it exports.
// The sources are parsed with the TypeScript compiler (an .astro page's
// frontmatter is TypeScript), not matched with regular expressions.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export const ROOT = join(import.meta.dirname, '..', '..');
export const PAGES = join(ROOT, 'src', 'pages');

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type Route = {
  /** The source file, relative to the repository (src/pages/app/team/[id].astro). */
  file: string;
  /** The URL with its parameters in brackets: /app/team/[id]/, /calendar/[token].ics. */
  pattern: string;
  /** Parameter names in the order they appear. */
  params: string[];
  kind: 'page' | 'endpoint';
  /** A page's form intents (the pagePost define callback's keys), in source order. */
  intents: string[];
  /** The intent of a form posted without `intent`, if the page has one. */
  defaultIntent: string | null;
  /** Whether a page handles its posts through pagePost (which also answers other methods with 405). */
  pagePost: boolean;
  /** A page whose form sends files (enctype="multipart/form-data"). */
  multipart: boolean;
  /** An endpoint's methods: endpoint({ … })'s keys and the method names it exports. */
  methods: HttpMethod[];
  /** Whether an endpoint is built with endpoint() (which answers other methods with 405 and Allow). */
  endpointHelper: boolean;
  /** Things the parser could not read (a spread in the intents object, say): a sweep should refuse to guess. */
  unreadable: string[];
};

const PAGE_EXTENSIONS = ['.astro', '.md', '.mdx', '.html'];
const ENDPOINT_EXTENSIONS = ['.ts', '.js', '.mts', '.mjs'];

/** Every route file under `dir` (Astro skips names starting with "_", and so do we). */
function routeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...routeFiles(path));
    else if ([...PAGE_EXTENSIONS, ...ENDPOINT_EXTENSIONS].some((ext) => entry.name.endsWith(ext)) && !entry.name.endsWith('.d.ts'))
      out.push(path);
  }
  return out.sort();
}

/** The URL pattern of a file under src/pages: pages end in "/", endpoints keep their own extension (export.csv). */
export function patternOf(relativeToPages: string): { pattern: string; kind: Route['kind']; params: string[] } {
  const parts = relativeToPages.split(sep).join('/').split('/');
  const name = parts.pop()!;
  const page = PAGE_EXTENSIONS.find((ext) => name.endsWith(ext));
  const endpoint = ENDPOINT_EXTENSIONS.find((ext) => name.endsWith(ext));
  const stem = name.slice(0, name.length - (page ?? endpoint)!.length);
  const kind = page ? 'page' : 'endpoint';
  const segments = kind === 'page' && stem === 'index' ? parts : [...parts, stem];
  const path = `/${segments.join('/')}`;
  const pattern = kind === 'page' ? (path.endsWith('/') ? path : `${path}/`) : path;
  const params = [...pattern.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)].map((m) => m[1]!);
  return { pattern, kind, params };
}

/** Fills a pattern's parameters; every one must have a value. */
export function fillPattern(pattern: string, values: Record<string, string | number>): string {
  return pattern.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for the route parameter [${name}] of ${pattern}`);
    return encodeURIComponent(String(values[name]));
  });
}

/** An .astro file's frontmatter (the TypeScript between the first two --- lines); '' if it has none. */
export function frontmatter(source: string): string {
  const match = /^\s*---\r?\n([\s\S]*?)\r?\n---\s*(?:\r?\n|$)/.exec(source);
  return match ? match[1]! : '';
}

const nameOf = (name: ts.PropertyName | ts.BindingName | undefined): string | null => {
  if (!name) return null;
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  return null;
};

const calleeName = (call: ts.CallExpression): string | null => {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return null;
};

/** The object literal a function returns: `() => ({ … })` or `() => { return { … }; }`. */
function returnedObject(fn: ts.Expression | undefined): ts.ObjectLiteralExpression | null {
  if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return null;
  let body: ts.Node = fn.body;
  if (ts.isBlock(body)) {
    const ret = body.statements.find(ts.isReturnStatement);
    if (!ret?.expression) return null;
    body = ret.expression;
  }
  while (ts.isParenthesizedExpression(body as ts.Expression)) body = (body as ts.ParenthesizedExpression).expression;
  return ts.isObjectLiteralExpression(body as ts.Expression) ? (body as ts.ObjectLiteralExpression) : null;
}

/** The keys of an object literal, and what it holds that is not a plain key (a spread, a computed name). */
function keysOf(object: ts.ObjectLiteralExpression, what: string): { keys: string[]; unreadable: string[] } {
  const keys: string[] = [];
  const unreadable: string[] = [];
  for (const property of object.properties) {
    const name = ts.isSpreadAssignment(property) ? null : nameOf(property.name);
    if (name === null) unreadable.push(`${what}: ${property.getText()}`);
    else keys.push(name);
  }
  return { keys, unreadable };
}

function walk(node: ts.Node, visit: (node: ts.Node) => void) {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

export type SourceFacts = Pick<Route, 'intents' | 'defaultIntent' | 'pagePost' | 'methods' | 'endpointHelper' | 'unreadable'>;

/** What a route's TypeScript (an endpoint's module, a page's frontmatter) says about its intents and methods. */
export function readSource(code: string, fileName = 'route.ts'): SourceFacts {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const facts: SourceFacts = { intents: [], defaultIntent: null, pagePost: false, methods: [], endpointHelper: false, unreadable: [] };
  const methods = new Set<HttpMethod>();
  const isMethod = (name: string): name is HttpMethod => (HTTP_METHODS as readonly string[]).includes(name);
  walk(source, (node) => {
    if (ts.isCallExpression(node)) {
      const callee = calleeName(node);
      if (callee === 'pagePost') {
        facts.pagePost = true;
        const intents = returnedObject(node.arguments[2]);
        if (!intents) facts.unreadable.push(`pagePost intents: ${node.arguments[2]?.getText() ?? '(missing)'}`);
        else {
          const { keys, unreadable } = keysOf(intents, 'pagePost intents');
          facts.intents.push(...keys);
          facts.unreadable.push(...unreadable);
        }
        const options = node.arguments[3];
        if (options && ts.isObjectLiteralExpression(options)) {
          for (const property of options.properties) {
            if (!ts.isPropertyAssignment(property) || nameOf(property.name) !== 'defaultIntent') continue;
            if (ts.isStringLiteralLike(property.initializer)) facts.defaultIntent = property.initializer.text;
            else facts.unreadable.push(`defaultIntent: ${property.initializer.getText()}`);
          }
        } else if (options) facts.unreadable.push(`pagePost options: ${options.getText()}`);
      }
      if (callee === 'endpoint') {
        facts.endpointHelper = true;
        const handlers = node.arguments[0];
        if (handlers && ts.isObjectLiteralExpression(handlers)) {
          const { keys, unreadable } = keysOf(handlers, 'endpoint handlers');
          for (const key of keys) if (isMethod(key)) methods.add(key);
          facts.unreadable.push(...unreadable);
        } else facts.unreadable.push(`endpoint handlers: ${handlers?.getText() ?? '(missing)'}`);
      }
    }
    // export const { GET, ALL } = …, export const POST = …, export function GET() {}, export { x as GET }
    const exported = (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exported && ts.isVariableStatement(node)) {
      for (const declaration of node.declarationList.declarations) {
        const names = ts.isObjectBindingPattern(declaration.name)
          ? declaration.name.elements.map((e) => nameOf(e.name))
          : [nameOf(declaration.name)];
        for (const name of names) if (name && isMethod(name)) methods.add(name);
      }
    }
    if (exported && ts.isFunctionDeclaration(node) && node.name && isMethod(node.name.text)) methods.add(node.name.text);
    if (ts.isExportDeclaration(node) && node.exportClause && ts.isNamedExports(node.exportClause)) {
      for (const element of node.exportClause.elements) if (isMethod(element.name.text)) methods.add(element.name.text);
    }
  });
  facts.methods = HTTP_METHODS.filter((m) => methods.has(m));
  return facts;
}

/** Every page and endpoint under the given folders of src/pages (default: the signed-in app and the calendar feed). */
export function discoverRoutes(folders: string[] = ['app', 'calendar']): Route[] {
  const routes: Route[] = [];
  for (const folder of folders) {
    for (const path of routeFiles(join(PAGES, folder))) {
      const { pattern, kind, params } = patternOf(relative(PAGES, path));
      const text = readFileSync(path, 'utf8');
      const code = kind === 'page' ? (path.endsWith('.astro') ? frontmatter(text) : '') : text;
      const facts = readSource(code, path);
      routes.push({
        file: relative(ROOT, path).split(sep).join('/'),
        pattern,
        params,
        kind,
        ...facts,
        // A page answers GET (and HEAD); with pagePost it takes its forms by POST.
        methods: kind === 'page' ? (facts.pagePost ? ['GET', 'HEAD', 'POST'] : ['GET', 'HEAD']) : facts.methods,
        multipart: kind === 'page' && /enctype\s*=\s*["']multipart\/form-data["']/i.test(text),
      });
    }
  }
  return routes.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

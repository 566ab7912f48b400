// Lists every package the built server imports (dist/server, as bundled by
// `astro build`) and fails when one is there by accident: a production
// install (npm ci --omit=dev) has only `dependencies` and what they depend
// on, and a package our own code imports without declaring it (js-yaml once
// was, through astro) can vanish with any upgrade. Two checks:
// - every package src/ imports (the code we write, CLI included) is declared;
// - every package dist/server imports is declared, or is a dependency of a
//   declared framework package whose runtime the bundle inlines (astro's own
//   cookie, devalue, … imported by astro's code, not ours).
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const declared = new Set(Object.keys(pkg.dependencies ?? {}));
const builtins = new Set(builtinModules);

const files = readdirSync(join(root, 'dist', 'server'), { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.mjs') || f.endsWith('.js'));
if (files.length === 0) {
  console.error('check-server-imports: dist/server has no modules; run npm run build first.');
  process.exit(1);
}

// Static imports and re-exports, dynamic import() with a literal, require() with a literal.
const SPECIFIER =
  /(?:\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?|\bexport\s*[\w*{}\s,$]*\s*from\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g;
const PACKAGE = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*(\/[^\s]*)?$/;
const packageOf = (specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);

const used = new Map();
for (const file of files) {
  const text = readFileSync(join(root, 'dist', 'server', file), 'utf8');
  for (const [, specifier] of text.matchAll(SPECIFIER)) {
    if (!PACKAGE.test(specifier) || builtins.has(specifier) || builtins.has(specifier.split('/')[0])) continue;
    const name = packageOf(specifier);
    if (!used.has(name)) used.set(name, new Set());
    used.get(name).add(file);
  }
}

// Whose runtime dependency a package is, among the declared dependencies.
const dependencyOf = (name) =>
  [...declared].filter((dep) => {
    try {
      const meta = JSON.parse(readFileSync(join(root, 'node_modules', dep, 'package.json'), 'utf8'));
      return Object.hasOwn(meta.dependencies ?? {}, name);
    } catch {
      return false;
    }
  });

// Our own source: every bare import must be declared (src/ is what ships; tests and .ci are dev tools).
const ours = new Map();
for (const file of readdirSync(join(root, 'src'), { recursive: true }).map(String)) {
  if (!/\.(m?[jt]sx?|astro)$/.test(file)) continue;
  const text = readFileSync(join(root, 'src', file), 'utf8');
  for (const [, specifier] of text.matchAll(SPECIFIER)) {
    if (!PACKAGE.test(specifier) || builtins.has(specifier) || builtins.has(specifier.split('/')[0])) continue;
    if (specifier.startsWith('astro') && !specifier.startsWith('astro/')) continue; // astro:content and friends are virtual
    const name = packageOf(specifier);
    if (!ours.has(name)) ours.set(name, new Set());
    ours.get(name).add(`src/${file}`);
  }
}

const devOnly = new Set(Object.keys(pkg.devDependencies ?? {}));
const problems = [];
for (const [name, where] of ours) {
  if (!declared.has(name))
    problems.push(
      `${name} is imported by ${[...where].slice(0, 3).join(', ')} but is not in dependencies${devOnly.has(name) ? ' (only in devDependencies)' : ''}`,
    );
}
const inlined = [];
for (const [name, where] of used) {
  if (declared.has(name)) continue;
  const owners = dependencyOf(name);
  if (owners.length > 0 && !ours.has(name)) inlined.push(`${name} (${owners.join(', ')})`);
  else problems.push(`${name} is imported by dist/server/${[...where][0]} but is not in dependencies`);
}
console.log(`check-server-imports: src/ imports ${ours.size} packages, all checked against dependencies.`);
console.log(
  `check-server-imports: dist/server imports ${used.size} packages; ${inlined.length} come with a declared framework package: ${inlined.sort().join(', ')}`,
);
if (problems.length > 0) {
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('check-server-imports: nothing is imported by accident.');

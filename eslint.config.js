// Lint for every source file: TypeScript, Astro, React islands, the Node server,
// the CLI and the tests. The import boundaries below keep the layers honest
// (docs/decisions/002-layers-and-feature-folders.md):
//   content (the contract) → domain (pure rules) → catalog (content as data)
//   → server (features) → components (props only) → pages (compose)
// A lower layer never imports a higher one; pages and components never reach
// a feature's unchecked queries; components never load data.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import astro from 'eslint-plugin-astro';
import globals from 'globals';

// Patterns are regular expressions: in the gitignore syntax of `group`, a leading # starts a comment.
const above = {
  domain: { regex: '^#(catalog|server|components|layouts)/', message: 'The domain is pure: it imports only #content and itself.' },
  catalog: { regex: '^#(server|components|layouts)/', message: 'Catalogs sit below the features: pass them in, do not import features.' },
  server: {
    regex: '^#(components|layouts)/|^#catalog/load\\.ts$',
    message: 'Server code never imports components, and gets catalogs passed in (the CLI has no astro:content).',
  },
};
const queries = {
  regex: '^#server/.*queries\\.ts$|^#server/db/schema\\.ts$|^drizzle-orm(/|$)',
  message: 'Unchecked data access stays behind a feature’s public face (index.ts): read through it.',
};
// A feature folder's public face is its index.ts; its other modules are internal.
const featureInternals = {
  regex: '^#server/(people|teams|organisation|skills|certifications|ramp|audit|demo|account)/(?!index\\.ts$)',
  message: 'Import a feature through its public face (#server/<feature>/index.ts).',
};
const noAstroContent = {
  name: 'astro:content',
  message: 'Content reaches code through #catalog (load.ts in the server, load-fs.ts elsewhere).',
};
const restrict = (patterns, paths = [], allowTypeImports = true) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns: patterns.map((p) => ({ ...p, allowTypeImports })), paths }],
});

export default tseslint.config(
  { ignores: ['dist/', '.astro/', 'node_modules/', 'data/', 'coverage/', 'tests/bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...astro.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // `import { type A } from 'm'` keeps `import 'm'` under verbatimModuleSyntax: a client island
      // importing only a type would bundle the module and everything it imports (zod, once).
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../../*'], message: 'Use a package.json alias (#domain/…, #server/…) instead of climbing folders.' }] },
      ],
    },
  },
  {
    files: ['src/lib/content/**'],
    rules: restrict(
      [{ regex: '^#(domain|catalog|server|components|layouts)/', message: 'Content is the bottom layer.' }],
      [noAstroContent],
      false,
    ),
  },
  {
    files: ['src/lib/domain/**'],
    rules: restrict([above.domain, { regex: '^(drizzle-orm|node:|astro)', message: 'The domain is pure.' }], [], false),
  },
  { files: ['src/lib/catalog/**'], ignores: ['src/lib/catalog/load.ts'], rules: restrict([above.catalog], [noAstroContent], false) },
  { files: ['src/lib/server/**'], rules: restrict([above.server], [noAstroContent]) },
  {
    files: ['src/components/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict(
      [queries, featureInternals, { regex: '^#server/', message: 'Components take props: only pages load data (type imports are fine).' }],
      [noAstroContent, { name: '#catalog/load.ts', message: 'Components take props: only pages load data.' }],
    ),
  },
  { files: ['src/pages/**'], rules: restrict([queries, featureInternals], [noAstroContent], false) },
);

// @ts-check
// Fails fast when npm scripts run on an unsupported Node (the machine's Node 20
// instead of the `node` devDependency): Astro 7 and vitest 5 need >= 22.12.
// process.versions.node is always "major.minor.patch".
const [major, minor] = /** @type {[number, number, number]} */ (process.versions.node.split('.').map(Number));
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `OpsPath needs Node >= 22.12 but npm is running Node ${process.versions.node}.\n` +
      'The project brings its own Node as the `node` devDependency; run `npm ci` (with install scripts enabled) and use `npm run …` / `npx …`.',
  );
  process.exit(1);
}

// `npm run content:check`: validates content/ outside Astro, with cross-references.
import { join } from 'node:path';
import { validateContent } from '#catalog/validate.ts';

const problems = validateContent(join(import.meta.dirname, '..', '..', 'content'));
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} problem(s)`);
  process.exit(1);
}
console.log('content: ok');

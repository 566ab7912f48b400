// The one frontmatter reader: a Markdown file's leading `---` YAML block and
// the body after it, as text (the caller parses the YAML).
const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n([\s\S]*))?$/;

export function splitFrontmatter(text: string): { yaml: string; body: string } | null {
  const match = FRONTMATTER.exec(text);
  return match ? { yaml: match[1] ?? '', body: match[2] ?? '' } : null;
}

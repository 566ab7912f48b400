// The documents OpsPath is written from (../shared/seeds), named by their own
// titles so a page can say which one a schedule or a case study comes from.
// The assistant document has no title of its own; it is named by its first heading.

export const SOURCE_DOCUMENTS = {
  'support-specialist-guide': 'Operations Support Specialist Career Path Guide',
  'officer-guide': 'Operations Officer Career Path Guide',
  'coordinator-guide': 'Operations Coordinator Career Path Guide',
  'assistant-guide': 'Core Functions of the Operations Assistant Role',
  // The article's headline is "Behind the Scenes:" followed by this subtitle.
  'day-in-the-life-article': 'A Day in the Life of an Operations Support Specialist',
} as const;

export type SourceDocumentId = keyof typeof SOURCE_DOCUMENTS;
export const SOURCE_DOCUMENT_IDS = Object.keys(SOURCE_DOCUMENTS) as [SourceDocumentId, ...SourceDocumentId[]];

/** How a page names a document: its title, and what kind of document it is. */
export function sourceDocumentLabel(id: SourceDocumentId): string {
  const title = SOURCE_DOCUMENTS[id];
  return id === 'day-in-the-life-article' ? `the article “${title}” (Behind the Scenes)` : `the career guide “${title}”`;
}

// Skills and ratings, the public face: what pages and endpoints call. Every
// read takes the actor and answers an Outcome after the access rule; every
// action takes the ActionContext, authorizes itself and writes its audit row
// in the same transaction as the change. The pure rules (latest rating, gaps,
// coverage, import validation) live in src/lib/domain/skills-*.ts; unchecked
// reads for other server code, the CLI, the seed and tests in queries.ts.
export { createSkill, skillCatalog, type SkillCatalogPage } from './catalog.ts';
export { rateFromMatrix, recordRating, type RatedCell, type RecordedRating } from './ratings.ts';
export { loadMatrixFor, skillMatrixPage, type SkillMatrixPage, type SkillMatrixScope, type SkillMatrixTeam } from './matrix.ts';
export { CELL_HISTORY_LIMIT, skillCellDetails, type CellRating, type SkillCellDetails } from './cell.ts';
export { personSkillsPage, skillsSummary, type PersonSkillsPage, type SkillsSummary } from './person.ts';
export { exportSkillMatrix, type MatrixExport } from './export.ts';
export { importTemplate, type ImportTemplate } from './template.ts';
export {
  MAX_IMPORT_BYTES,
  importPage,
  importRatings,
  importUploadedCsv,
  previewImport,
  readUploadedCsv,
  spreadsheetFormatOf,
  type ImportOutcome,
  type ImportPage,
  type ImportPreview,
  type ImportResult,
  type UploadValue,
} from './import.ts';
export type { HistoryEntry, OrgSkill } from './queries.ts';

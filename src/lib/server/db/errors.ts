// Database errors the features answer in words: a unique index refusing a
// second row (two people adding the same email at once) is a conflict, not a crash.
export const isUniqueViolation = (error: unknown) =>
  String((error as { code?: string } | null)?.code ?? error).includes('SQLITE_CONSTRAINT');

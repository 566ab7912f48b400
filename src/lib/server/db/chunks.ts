// SQLite refuses a statement with more than 32,766 bound variables, so an
// `IN (...)` over an admin's whole organisation (50,000 people) fails outright.
// Readers that take an open-ended list of ids read it in slices instead.

export const ID_SLICE = 10_000;

/** Runs `read` over slices of `ids` and concatenates the results in slice order. */
export async function readInSlices<T>(ids: readonly number[], read: (slice: number[]) => Promise<T[]>, size = ID_SLICE): Promise<T[]> {
  if (ids.length <= size) return ids.length === 0 ? [] : read([...ids]);
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += size) out.push(...(await read(ids.slice(i, i + size))));
  return out;
}

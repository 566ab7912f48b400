// Reading a request body with a size cap, for forms, uploads and JSON alike.
// Content-Length is checked first, but a chunked body has none, so the bytes
// are counted as they arrive and reading stops at the cap.

/** The body's bytes, or (past `max`) how many bytes it had declared or sent when reading stopped. */
export type CappedBody = { ok: true; bytes: Uint8Array } | { ok: false; size: number };

export async function readBody(request: Request, max: number): Promise<CappedBody> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > max) {
    await request.body?.cancel().catch(() => {});
    return { ok: false, size: declared };
  }
  const reader = request.body?.getReader();
  if (!reader) return { ok: true, bytes: new Uint8Array() };
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return { ok: false, size };
    }
    chunks.push(value);
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/** The body's bytes, or null past `max` bytes. */
export async function readCapped(request: Request, max: number): Promise<Uint8Array | null> {
  const body = await readBody(request, max);
  return body.ok ? body.bytes : null;
}

/** A JSON request body for Koa without a body-parser dependency. */

const MAX_BODY_BYTES = 64 * 1024;

/** Reads a request body as JSON; `undefined` when empty, over 64 KiB or not JSON. */
export async function readJson(request: AsyncIterable<Buffer | string>): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the bound, so that the connection stays usable for the response.
  for await (const chunk of request) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  if (size === 0 || size > MAX_BODY_BYTES) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

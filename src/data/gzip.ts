// gunzip through the platform's DecompressionStream('gzip') (browsers, Node 18+): no inflate code of
// our own. Stream errors are re-raised as SiftErrors naming the file and what went wrong.

import { SiftError } from '../common/errors';
import { concatBytes, hexPreview, readHead, toStream, type ByteSource } from './bytes';

/** RFC 1952: ID1 ID2 and CM = 8 (deflate), the only method in use. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8;
}

/**
 * Decompressed chunks of a gzip source, in order. Throws GZIP_NOT_GZIP when the magic bytes are
 * missing and GZIP_CORRUPT for a truncated or damaged stream (the platform's reason is quoted).
 */
export async function* gunzipChunks(data: ByteSource, source: string): AsyncGenerator<Uint8Array> {
  const head = await readHead(data, 3);
  if (!isGzip(head)) {
    throw new SiftError(
      'GZIP_NOT_GZIP',
      `${source}: expected gzip data starting with bytes 1f 8b 08, found ` +
        (head.length === 0 ? 'an empty file' : hexPreview(head)),
    );
  }
  const decompress = new DecompressionStream('gzip');
  const reader = toStream(data)
    .pipeThrough(decompress as unknown as ReadableWritablePair<Uint8Array, Uint8Array>)
    .getReader();
  let produced = 0;
  let finished = false;
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        const hint = /end of|truncat/i.test(reason) ? ' (the file is truncated)' : '';
        throw new SiftError(
          'GZIP_CORRUPT',
          `${source}: gzip stream is corrupt after ${produced} decompressed bytes: ${reason}${hint}`,
        );
      }
      if (result.done) {
        finished = true;
        return;
      }
      produced += result.value.length;
      yield result.value;
    }
  } finally {
    // A consumer that stops early (an error in the tar reader) must not leave inflate running.
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}

/** The whole decompressed content of a gzip source. */
export async function gunzip(data: ByteSource, source: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of gunzipChunks(data, source)) chunks.push(chunk);
  return concatBytes(chunks);
}

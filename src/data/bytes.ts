// Byte sources the data parsers accept: a File/Blob the user picked in the browser (read lazily, so
// a 170 MB archive is streamed rather than loaded whole), or bytes already in memory (Node, tests).

/** A Blob (a browser File is one), or bytes in memory. */
export type ByteSource = Blob | ArrayBuffer | Uint8Array;

/** A byte source with the file name the user would recognise in an error message. */
export interface NamedSource {
  readonly name: string;
  readonly data: ByteSource;
}

/** A browser File (name + Blob) or an explicit {name, data} pair. */
export type InputFile = NamedSource | (Blob & { readonly name: string });

export function toNamedSource(file: InputFile): NamedSource {
  return file instanceof Blob ? { name: file.name, data: file } : file;
}

export function byteLength(data: ByteSource): number {
  return data instanceof Blob ? data.size : data.byteLength;
}

/** The whole source as bytes (a view, not a copy, when it is already a Uint8Array). */
export async function readAll(data: ByteSource): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(await data.arrayBuffer());
}

/** The first `n` bytes (fewer if the source is shorter). */
export async function readHead(data: ByteSource, n: number): Promise<Uint8Array> {
  if (data instanceof Blob) return new Uint8Array(await data.slice(0, n).arrayBuffer());
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return bytes.subarray(0, Math.min(n, bytes.length));
}

/** The source as a stream of chunks. */
export function toStream(data: ByteSource): ReadableStream<Uint8Array> {
  if (data instanceof Blob) return data.stream();
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** Concatenates chunks into one array of exactly their total length. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Up to `n` bytes as two-digit hex, for "found ..." in error messages. */
export function hexPreview(bytes: Uint8Array, n = 8): string {
  const shown = Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0'));
  return shown.join(' ') + (bytes.length > n ? ' ...' : '');
}

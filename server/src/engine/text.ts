// Turns a file's bytes into text the analyzers can parse.

/** Decodes UTF-8 (with or without BOM) and UTF-16 with a BOM. Throws on binary content. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // A NUL byte in the first 8 KiB means a binary file, whatever its name says.
  if (bytes.subarray(0, 8192).includes(0)) throw new Error('binary content, not a text file');
  return new TextDecoder('utf-8').decode(bytes.subarray(start));
}

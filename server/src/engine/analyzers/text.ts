// Text helpers shared by the analyzers: decoding file bytes and turning offsets into ranges.
import type { SourceRange } from '../types';

/**
 * Decodes file bytes into a string. A UTF-16 (LE or BE) or UTF-8 byte order mark picks the
 * encoding and is dropped; without one the bytes are read as UTF-8. Windows tools write
 * requirements.txt as UTF-16LE with a BOM, which Trivy also accepts. Throws on binary content.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  // A NUL byte in the first 8 KiB means a binary file, whatever its name says.
  if (bytes.subarray(0, 8192).includes(0)) throw new Error('binary content, not a text file');
  // TextDecoder drops a UTF-8 BOM by itself.
  return new TextDecoder('utf-8').decode(bytes);
}

/** Maps string offsets of one file to 1-based line/column ranges (columns count UTF-16 units). */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly file: string,
    text: string,
  ) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /** The range from `start` (inclusive) to `end` (exclusive). */
  range(start: number, end: number): SourceRange {
    const [startLine, startColumn] = this.position(start);
    const [endLine, endColumn] = this.position(end);
    return { file: this.file, startLine, startColumn, endLine, endColumn };
  }

  private position(offset: number): [number, number] {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return [low + 1, offset - this.lineStarts[low] + 1];
  }
}

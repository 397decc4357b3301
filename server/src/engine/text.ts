// Text helpers: decoding file bytes, and turning offsets into lines and columns and back.
import type { SourceRange } from './types';

/** A file that holds bytes, not text: an analyzer of text cannot read it. */
export class BinaryContentError extends Error {
  constructor() {
    super('binary content, not a text file');
  }
}

/**
 * Decodes file bytes into a string. A UTF-16 (LE or BE) or UTF-8 byte order mark picks the
 * encoding and is dropped; without one the bytes are read as UTF-8. Windows tools write
 * requirements.txt as UTF-16LE with a BOM, which Trivy also accepts. Throws on binary content.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  // A NUL byte anywhere means a binary file, whatever its name says. Looking at the first 8 KiB
  // only would let `fla\0sk==0.12` further down be read as something else than it is.
  if (bytes.includes(0)) throw new BinaryContentError();
  // TextDecoder drops a UTF-8 BOM by itself.
  return new TextDecoder('utf-8').decode(bytes);
}

/** Code-unit order, as Go's strings.Compare (and so Trivy) and C's strcmp order strings. */
export function compareStrings(a: string, b: string): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Maps offsets in a text to lines and columns and back. Columns count UTF-16 units, as
 * JavaScript strings and the LSP do. One index serves the analyzers (1-based SourceRanges), the
 * ignore-file reader and the language server (0-based positions).
 */
export class LineIndex {
  /** The offset at which each line starts. */
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly text: string,
    /** The file SourceRanges name, relative to the scan root. */
    private readonly file = '',
  ) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /** The 0-based line and character of an offset. */
  position(offset: number): { line: number; character: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - this.lineStarts[low] };
  }

  /** The offset of a 0-based position; a line past the end maps to the end of the text. */
  offset(position: { line: number; character: number }): number {
    const start = this.lineStarts[position.line];
    return start === undefined ? this.text.length : start + position.character;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The text of a 0-based line, without its line break (`\n` or `\r\n`). */
  line(line: number): string {
    const end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] - 1 : this.text.length;
    return this.text.slice(this.lineStarts[line], end).replace(/\r$/, '');
  }

  /** The 1-based range from `start` (inclusive) to `end` (exclusive). */
  range(start: number, end: number): SourceRange {
    const from = this.position(start);
    const to = this.position(end);
    return {
      file: this.file, startLine: from.line + 1, startColumn: from.character + 1, endLine: to.line + 1, endColumn: to.character + 1,
    };
  }
}

/**
 * Turns offsets into 1-based SourceRanges, as LineIndex.range does, by moving a cursor from the
 * last offset asked for instead of indexing every line first. An analyzer that asks in source
 * order (a lockfile's entries) only scans the text once; going backwards rescans the gap.
 */
export class LineCursor {
  /** 0-based line of the cursor, the offset at which that line starts, and where it ends (its line break, or the text's end; -1 until looked for). */
  private line = 0;
  private lineStart = 0;
  private lineEnd = -1;
  /** The line of the last range's start: asking for an entry, then for its name, goes back only to here. */
  private startLine = 0;
  private startLineStart = 0;
  private startLineEnd = -1;

  constructor(
    private readonly text: string,
    private readonly file = '',
  ) {}

  /** The 1-based range from `start` (inclusive) to `end` (exclusive). */
  range(start: number, end: number): SourceRange {
    if (start < this.lineStart && start >= this.startLineStart) {
      this.line = this.startLine;
      this.lineStart = this.startLineStart;
      this.lineEnd = this.startLineEnd;
    }
    this.moveTo(start);
    this.startLine = this.line;
    this.startLineStart = this.lineStart;
    this.startLineEnd = this.lineEnd;
    const startLine = this.line + 1;
    const startColumn = start - this.lineStart + 1;
    this.moveTo(end);
    return { file: this.file, startLine, startColumn, endLine: this.line + 1, endColumn: end - this.lineStart + 1 };
  }

  private moveTo(offset: number): void {
    const text = this.text;
    while (this.lineStart > offset) {
      // lineStart - 1 is the break that ends the previous line; look for the one before it.
      this.lineEnd = this.lineStart - 1;
      this.lineStart = this.lineStart >= 2 ? text.lastIndexOf('\n', this.lineStart - 2) + 1 : 0;
      this.line--;
    }
    // The end of the line is remembered: on a long line (a file without breaks) every range would
    // otherwise search on to the text's end again.
    if (this.lineEnd === -1) this.lineEnd = lineEndFrom(text, this.lineStart);
    while (this.lineEnd < offset && this.lineEnd < text.length) {
      this.line++;
      this.lineStart = this.lineEnd + 1;
      this.lineEnd = lineEndFrom(text, this.lineStart);
    }
  }
}

/** The offset of the first line break at or after `from`, or the text's length where there is none. */
function lineEndFrom(text: string, from: number): number {
  const at = text.indexOf('\n', from);
  return at === -1 ? text.length : at;
}

/**
 * Makes text from files safe to print on a terminal: C0 and C1 control characters, DEL, and the
 * Unicode line separators and bidirectional overrides become visible escapes (`\n`, `\x1b`,
 * `\u202e`), so a file name or advisory text cannot move the cursor, retitle the terminal or
 * forge a line. Everything else is left as it is.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => CONTROL_ESCAPES[c] ?? unicodeEscape(c));
}

// A character class only: one step per character, nothing to backtrack.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function unicodeEscape(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

// The entries of a TOML array of tables (`[[package]]` in poetry.lock and uv.lock, `[[packages]]`
// in pylock.toml), each with its value and its place in the text.
//
// smol-toml reads the values; it gives no positions. A one-pass scan of the text then finds each
// `[[key]]` header, the sub-tables that follow it and its `name = ...` line, tracking strings,
// comments and brackets so that nothing inside a value is taken for a header. The scan is
// checked against the parsed values (as many entries, each name on its name line); where it does
// not agree, or the lockfile writes its entries in a form the scan does not follow (one inline
// array), toml-eslint-parser's syntax tree gives the positions instead, at some eight times the
// cost of the fast path.
import { parse as parseToml, TomlError } from 'smol-toml';
import { parseTOML, ParseError, type AST } from 'toml-eslint-parser';

export type TomlTable = Record<string, unknown>;

export interface TomlEntry {
  /** Position in the array, from 0. */
  index: number;
  value: TomlTable;
  /** From the entry's `[[key]]` header to the end of its last sub-table (`[package.dependencies]`). */
  start: number;
  end: number;
  /** The entry's `name = "..."` line, or its header where it has none: what the editor underlines. */
  nameStart: number;
  nameEnd: number;
}

export interface TomlDocument {
  root: TomlTable;
  /** Entries of the array, in file order; elements that are not tables are left out. */
  entries: TomlEntry[];
}

type Span = Omit<TomlEntry, 'value'>;

/**
 * Parses `text` as TOML and returns the entries of the top-level array `arrayKey`. Throws an
 * Error naming `fileKind`, the problem and its line and column (never the file's text) when the
 * TOML is invalid.
 */
export function readTomlEntries(text: string, arrayKey: string, fileKind: string): TomlDocument {
  const root = parseTomlText(text, fileKind);
  const values = root[arrayKey];
  if (!Array.isArray(values)) return { root, entries: [] };
  let spans = scanArrayTables(text, arrayKey);
  if (!spans || !agrees(text, spans, values)) spans = spansFromSyntaxTree(text, arrayKey);
  const entries: TomlEntry[] = [];
  for (const span of spans) {
    const value = span && values[span.index];
    if (isTable(value)) entries.push({ index: span.index, value, start: span.start, end: span.end, nameStart: span.nameStart, nameEnd: span.nameEnd });
  }
  return { root, entries };
}

/** Parses `text` as TOML, throwing an Error as readTomlEntries does when it is not. */
export function parseTomlText(text: string, fileKind: string): TomlTable {
  try {
    return parseToml(text) as TomlTable;
  } catch (error) {
    throw invalidToml(text, fileKind, error);
  }
}

/** An error that says what is wrong and where, in the words of toml-eslint-parser, whose messages never quote the text. */
function invalidToml(text: string, fileKind: string, error: unknown): Error {
  try {
    parseTOML(text);
  } catch (syntaxError) {
    if (syntaxError instanceof ParseError) {
      return new Error(`not a valid ${fileKind}: invalid TOML, ${syntaxError.message} (line ${syntaxError.lineNumber}, column ${syntaxError.column + 1})`);
    }
  }
  const where = error instanceof TomlError ? ` (line ${error.line}, column ${error.column})` : '';
  return new Error(`not a valid ${fileKind}: invalid TOML${where}`);
}

/** Whether the scan found every entry and each one's name where the values say. */
function agrees(text: string, spans: Span[], values: unknown[]): boolean {
  if (spans.length !== values.length) return false;
  return spans.every(span => {
    const value = values[span.index];
    if (!isTable(value) || typeof value.name !== 'string') return true;
    return text.slice(span.nameStart, span.nameEnd).includes(value.name);
  });
}

// ---- the fast path: one scan of the text ----

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const DOT = 0x2e;
const EQUALS = 0x3d;

/**
 * Spans of the `[[arrayKey]]` entries, or undefined where the text is not in the shape the scan
 * follows. `text` has already parsed as TOML.
 */
export function scanArrayTables(text: string, arrayKey: string): Span[] | undefined {
  const spans: Span[] = [];
  let current: Span | undefined;
  /** Whether the lines now being read belong to the entry's own table (not a sub-table). */
  let inEntryTable = false;
  let depth = 0; // open [ and { of values
  let lineHasContent = false;
  let contentEnd = 0; // just after the last character of a value or key read on this line
  let nameLine = false;

  const endLine = () => {
    if (lineHasContent && current) {
      current.end = contentEnd;
      if (nameLine) current.nameEnd = contentEnd;
    }
    lineHasContent = false;
    nameLine = false;
  };

  const values = new ValueStrings(text);
  let atLineStart = true;
  for (let at = 0; at < text.length; ) {
    const code = text.charCodeAt(at);
    if (code === LF) {
      if (depth === 0) endLine();
      atLineStart = true;
      at++;
      continue;
    }
    if (code === SPACE || code === TAB || code === CR) {
      at++;
      continue;
    }
    if (code === HASH) {
      const lineEnd = text.indexOf('\n', at);
      at = lineEnd === -1 ? text.length : lineEnd;
      continue;
    }
    const lineStart = atLineStart && depth === 0;
    atLineStart = false;
    if (lineStart && code === OPEN_BRACKET) {
      const header = readHeader(text, at);
      if (!header) return undefined;
      endLine();
      if (header.array && header.keys.length === 1 && header.keys[0] === arrayKey) {
        current = { index: spans.length, start: at, end: header.end, nameStart: at, nameEnd: header.end };
        spans.push(current);
        inEntryTable = true;
      } else if (header.keys[0] === arrayKey && header.keys.length > 1) {
        // A sub-table of the latest entry (`[package.dependencies]`, `[[packages.wheels]]`), even
        // after another table in between, as TOML reads it.
        current = spans[spans.length - 1];
        inEntryTable = false;
      } else {
        current = undefined;
        inEntryTable = false;
      }
      lineHasContent = true;
      contentEnd = header.end;
      at = header.end;
      continue;
    }
    if (lineStart) {
      // A key: bare, quoted or dotted, then `=`. Most are one bare key, read here without making
      // its parts; readKey reads the others.
      let keyEnd = at;
      while (isBareKeyChar(text.charCodeAt(keyEnd))) keyEnd++;
      let equals = keyEnd;
      while (isBlank(text.charCodeAt(equals))) equals++;
      let isName: boolean;
      if (keyEnd > at && text.charCodeAt(equals) === EQUALS) {
        isName = keyEnd - at === 4 && text.startsWith('name', at);
      } else {
        const key = readKey(text, at);
        if (!key) return undefined;
        isName = key.keys.length === 1 && key.keys[0] === 'name';
        equals = key.end;
      }
      if (current && inEntryTable && isName) {
        current.nameStart = at;
        nameLine = true;
      }
      if (text.charCodeAt(equals) !== EQUALS) return undefined;
      lineHasContent = true;
      contentEnd = equals + 1;
      at = equals + 1;
      continue;
    }
    // Inside a value.
    if (code === QUOTE || code === APOSTROPHE) {
      const end = values.stringEnd(at);
      if (end === -1) return undefined;
      at = end;
    } else {
      if (code === OPEN_BRACKET || code === OPEN_BRACE) depth++;
      else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) depth--;
      at++;
    }
    lineHasContent = true;
    contentEnd = at;
  }
  if (depth === 0) endLine();
  return spans;
}

/** A `[a.b]` or `[[a.b]]` header at `start`: its keys, whether it is an array table, and the offset after it. */
export function readHeader(text: string, start: number): { keys: string[]; array: boolean; end: number } | undefined {
  const array = text.charCodeAt(start + 1) === OPEN_BRACKET;
  const key = readKey(text, start + (array ? 2 : 1));
  if (!key) return undefined;
  let end = key.end;
  if (text.charCodeAt(end) !== CLOSE_BRACKET) return undefined;
  end++;
  if (array) {
    if (text.charCodeAt(end) !== CLOSE_BRACKET) return undefined;
    end++;
  }
  return { keys: key.keys, array, end };
}

/** A dotted key at `start` (spaces around its parts allowed): its parts, and the offset after its trailing spaces. */
function readKey(text: string, start: number): { keys: string[]; end: number } | undefined {
  const keys: string[] = [];
  let at = start;
  for (;;) {
    while (isBlank(text.charCodeAt(at))) at++;
    const code = text.charCodeAt(at);
    if (code === QUOTE || code === APOSTROPHE) {
      const end = stringEnd(text, at);
      if (end === -1 || text.charCodeAt(at + 1) === code) return undefined; // empty or multi-line: not the fast path
      const raw = text.slice(at + 1, end - 1);
      if (code === QUOTE && raw.includes('\\')) return undefined;
      keys.push(raw);
      at = end;
    } else {
      const keyStart = at;
      while (isBareKeyChar(text.charCodeAt(at))) at++;
      if (at === keyStart) return undefined;
      keys.push(text.slice(keyStart, at));
    }
    while (isBlank(text.charCodeAt(at))) at++;
    if (text.charCodeAt(at) !== DOT) return { keys, end: at };
    at++;
  }
}

/**
 * The offset after the string that opens at `start` (basic, literal, or either multi-line), or -1
 * when it does not close. A basic single-line string ends at the first quote not escaped.
 */
function stringEnd(text: string, start: number): number {
  const quote = text.charCodeAt(start);
  if (text.charCodeAt(start + 1) === quote && text.charCodeAt(start + 2) === quote) return multilineStringEnd(text, start, quote);
  // Read up to the closing quote: a search for the line's end from each string was the scan's main cost.
  for (let at = start + 1; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code === quote) return at + 1;
    if (code === LF) return -1;
    if (code === BACKSLASH && quote === QUOTE) {
      at++; // the escaped character, unless the line ends there
      if (text.charCodeAt(at) === LF) return -1;
    }
  }
  return -1;
}

function multilineStringEnd(text: string, start: number, quote: number): number {
  const delimiter = quote === QUOTE ? '"""' : "'''";
  let at = start + 3;
  for (;;) {
    const close = text.indexOf(delimiter, at);
    if (close === -1) return -1;
    if (quote === QUOTE && isEscaped(text, close, start)) {
      at = close + 1;
      continue;
    }
    let end = close + 3;
    // A multi-line string may end in up to two more quotes: `""""a""""`.
    for (let extra = 0; extra < 2 && text.charCodeAt(end) === quote; extra++) end++;
    return end;
  }
}

/**
 * The ends of the strings of the values, read in text order: most of a lockfile's text. The next
 * line break and backslash are searched for once and kept until the scan passes them, so that a
 * single-line string is one native search for its closing quote.
 */
class ValueStrings {
  private nextLineBreak = -2; // -2: not searched yet; -1: none left
  private nextBackslash = -2;

  constructor(private readonly text: string) {}

  /** As stringEnd. */
  stringEnd(start: number): number {
    const text = this.text;
    const quote = text.charCodeAt(start);
    if (text.charCodeAt(start + 1) === quote && text.charCodeAt(start + 2) === quote) return multilineStringEnd(text, start, quote);
    const close = text.indexOf(quote === QUOTE ? '"' : "'", start + 1);
    if (close === -1) return -1;
    if (this.nextLineBreak !== -1 && this.nextLineBreak < start) this.nextLineBreak = text.indexOf('\n', start);
    if (this.nextLineBreak !== -1 && this.nextLineBreak < close) return -1;
    if (quote === APOSTROPHE) return close + 1; // a literal string has no escapes
    if (this.nextBackslash !== -1 && this.nextBackslash < start) this.nextBackslash = text.indexOf('\\', start);
    if (this.nextBackslash === -1 || this.nextBackslash > close) return close + 1;
    return stringEnd(text, start); // escapes: read it character by character
  }
}

/** Whether the quote at `at` follows an odd run of backslashes (that began after `floor`). */
function isEscaped(text: string, at: number, floor: number): boolean {
  let backslashes = 0;
  while (at - 1 - backslashes > floor && text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB;
}

function isBareKeyChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x2d || code === 0x5f;
}

// ---- the fallback: toml-eslint-parser's syntax tree ----

export function spansFromSyntaxTree(text: string, arrayKey: string): Span[] {
  const program = parseTOML(text);
  const spans: Span[] = [];
  for (const node of program.body[0].body) {
    if (node.type === 'TOMLTable') {
      const [head, index] = node.resolvedKey;
      if (head !== arrayKey || typeof index !== 'number') continue;
      const span = spans[index];
      if (!span) {
        // The `[[key]]` header comes first; its sub-tables follow it before the next header.
        const [nameStart, nameEnd] = nameLine(node.body) ?? [node.range[0], text.indexOf(']]', node.key.range[1]) + 2];
        spans[index] = { index, start: node.range[0], end: node.range[1], nameStart, nameEnd };
      } else {
        span.end = Math.max(span.end, node.range[1]);
      }
    } else if (node.key.keys.length === 1 && keyText(node.key.keys[0]) === arrayKey && node.value.type === 'TOMLArray') {
      node.value.elements.forEach((element, index) => {
        if (element.type !== 'TOMLInlineTable') return;
        const [nameStart, nameEnd] = nameLine(element.body) ?? element.range;
        spans[index] = { index, start: element.range[0], end: element.range[1], nameStart, nameEnd };
      });
    }
  }
  return spans;
}

function nameLine(body: AST.TOMLKeyValue[]): readonly [number, number] | undefined {
  const name = body.find(pair => pair.key.keys.length === 1 && keyText(pair.key.keys[0]) === 'name');
  return name?.range;
}

function keyText(key: AST.TOMLBare | AST.TOMLQuoted): string {
  return key.type === 'TOMLBare' ? key.name : key.value;
}

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

// The entries of a TOML array of tables (`[[package]]` in poetry.lock and uv.lock, `[[packages]]`
// in pylock.toml), each with its value and its place in the text. toml-eslint-parser gives the
// syntax tree with offsets; its static evaluation gives the values, so the text is parsed once.
import { getStaticTOMLValue, parseTOML, ParseError, type AST } from 'toml-eslint-parser';

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

/**
 * Parses `text` as TOML and returns the entries of the top-level array `arrayKey`, written as
 * `[[arrayKey]]` tables or as one inline array of tables. Throws an Error naming `fileKind`, the
 * problem and its line and column (never the file's text) when the TOML is invalid.
 */
export function readTomlEntries(text: string, arrayKey: string, fileKind: string): TomlDocument {
  let program: AST.TOMLProgram;
  try {
    program = parseTOML(text);
  } catch (error) {
    // ParseError's messages are generic ("Unexpected character"); they never quote the text.
    if (error instanceof ParseError) {
      throw new Error(`not a valid ${fileKind}: invalid TOML, ${error.message} (line ${error.lineNumber}, column ${error.column + 1})`);
    }
    throw new Error(`not a valid ${fileKind}: invalid TOML`);
  }
  const root = getStaticTOMLValue(program) as TomlTable;
  const values = root[arrayKey];
  if (!Array.isArray(values)) return { root, entries: [] };

  const spans: Omit<TomlEntry, 'value'>[] = [];
  for (const node of program.body[0].body) {
    if (node.type === 'TOMLTable') {
      const [head, index] = node.resolvedKey;
      if (head !== arrayKey || typeof index !== 'number') continue;
      const span = spans[index];
      if (!span) {
        // The `[[key]]` header comes first; its sub-tables follow it before the next header.
        const [nameStart, nameEnd] = nameLine(node.body) ?? node.key.range;
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

  const entries: TomlEntry[] = [];
  for (const span of spans) {
    if (!span) continue;
    const value = values[span.index];
    if (isTable(value)) entries.push({ ...span, value });
  }
  return { root, entries };
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

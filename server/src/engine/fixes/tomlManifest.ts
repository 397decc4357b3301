// What the TOML manifests (Cargo.toml, pyproject.toml, Pipfile) share: every value of the file
// with its full key path and its place, from toml-eslint-parser's syntax tree, and the
// "table of name = requirement" form their dependency sections take
// (`name = "1.2"`, `name = { version = "1.2", ... }`, `[section.name]` with `version = "1.2"`).
// Manifests are small and written by hand, so the parser's cost is no concern here.
import { parseTOML, type AST } from 'toml-eslint-parser';
import type { TextEditAt } from './edits';

export type TomlPath = readonly (string | number)[];

/** One value of the file, at any depth (inline tables and arrays are opened too). */
export interface TomlValue {
  path: TomlPath;
  node: AST.TOMLContentNode;
  /** The `key = value` line it belongs to, as offsets: the top-most one, outside any inline table. */
  statement: readonly [number, number];
  /** The `[table]` it sits in, if any. */
  table?: AST.TOMLTable;
}

// The parser takes some 3 ms per KB, and one code-action request reads the same manifest for
// every diagnostic it is asked about: the last text's values are kept.
let last: { text: string; values: TomlValue[] | undefined } | undefined;

/** Every value of a TOML text in file order; undefined when it is not valid TOML. */
export function tomlValues(text: string): readonly TomlValue[] | undefined {
  if (last?.text !== text) last = { text, values: readValues(text) };
  return last.values;
}

function readValues(text: string): TomlValue[] | undefined {
  let program: AST.TOMLProgram;
  try {
    program = parseTOML(text);
  } catch {
    return undefined;
  }
  const values: TomlValue[] = [];
  const visit = (path: TomlPath, node: AST.TOMLContentNode, statement: readonly [number, number], table: AST.TOMLTable | undefined) => {
    values.push({ path, node, statement, table });
    if (node.type === 'TOMLInlineTable') for (const field of node.body) visit([...path, ...keyPath(field.key)], field.value, statement, table);
    else if (node.type === 'TOMLArray') node.elements.forEach((element, index) => visit([...path, index], element, statement, table));
  };
  for (const item of program.body[0].body) {
    if (item.type === 'TOMLKeyValue') visit(keyPath(item.key), item.value, item.range, undefined);
    else for (const field of item.body) visit([...item.resolvedKey, ...keyPath(field.key)], field.value, field.range, item);
  }
  return values;
}

function keyPath(key: AST.TOMLKey): string[] {
  return key.keys.map(part => (part.type === 'TOMLBare' ? part.name : part.value));
}

/** A single-line string value, the only kind a requirement is rewritten in. */
export function stringNode(node: AST.TOMLContentNode | undefined): AST.TOMLStringValue | undefined {
  return node?.type === 'TOMLValue' && node.kind === 'string' && !node.multiline ? node : undefined;
}

/** The edit that writes `value` in place of a string, in the string's own quoting where it can. */
export function replaceString(node: AST.TOMLStringValue, value: string): TextEditAt {
  const literal = node.style === 'literal' && !value.includes("'");
  const newText = literal ? `'${value}'` : JSON.stringify(value);
  return { offset: node.range[0], length: node.range[1] - node.range[0], newText };
}

/** One `name = ...` entry of a dependency table. */
export interface TableDependency {
  /** The section's key path, joined with dots (`dev-dependencies`, `target.cfg(unix).dependencies`). */
  section: string;
  /** The entry's key. */
  key: string;
  /** The requirement string: the value itself, or its `version` field. */
  version?: AST.TOMLStringValue;
  /** Other string fields of a table entry (`package`, `git`, `path`, `workspace`...), by name. */
  fields: Map<string, AST.TOMLContentNode>;
  /** The declaration: its `key = value` line, or the header of its `[section.key]` table. */
  offset: number;
  length: number;
}

/**
 * The entries of the dependency tables of a TOML manifest, in file order. `sectionLength` says,
 * for a value's path, how many leading keys name a dependency table (0 when none do).
 */
export function tableDependencies(values: readonly TomlValue[], text: string, sectionLength: (path: TomlPath) => number): TableDependency[] {
  const byKey = new Map<string, TableDependency>();
  for (const value of values) {
    const length = sectionLength(value.path);
    if (length === 0 || value.path.length <= length) continue;
    const key = value.path[length];
    if (typeof key !== 'string') continue;
    const at = value.path.slice(0, length + 1);
    const id = at.join('\u0000');
    let dependency = byKey.get(id);
    if (!dependency) {
      const [start, end] = value.table && sameKeys(value.table.resolvedKey, at) ? tableHeader(value.table, text) : value.statement;
      dependency = { section: value.path.slice(0, length).join('.'), key, fields: new Map(), offset: start, length: end - start };
      byKey.set(id, dependency);
    }
    const rest = value.path.slice(length + 1);
    if (rest.length === 0 && stringNode(value.node)) dependency.version = stringNode(value.node);
    else if (rest.length === 1 && rest[0] === 'version') dependency.version = stringNode(value.node);
    else if (rest.length === 1 && typeof rest[0] === 'string') dependency.fields.set(rest[0], value.node);
  }
  return [...byKey.values()].sort((a, b) => a.offset - b.offset);
}

function sameKeys(a: TomlPath, b: TomlPath): boolean {
  return a.length === b.length && a.every((key, index) => key === b[index]);
}

/** `[dependencies.serde]`: from its `[` to its `]`. */
function tableHeader(table: AST.TOMLTable, text: string): [number, number] {
  const close = text.indexOf(']', table.key.range[1]);
  return [table.range[0], close === -1 ? table.key.range[1] : close + 1];
}

// Elixir mix.lock: an Elixir map literal, `%{"app": {:hex, :package, "1.0.0", "hash", [:mix],
// [{:dep, "~> 1.0", [hex: :dep, repo: "hexpm", optional: false]}], "hexpm", "hash"}, ...}`.
// A small reader of Elixir terms (maps, tuples, lists, keyword lists, strings, atoms, numbers)
// reads it in one pass; no library reads Elixir terms. Hex packages are reported under their Hex
// name (the tuple's second element, which differs from the key for a renamed dependency); git and
// path dependencies have no version in the lockfile and are left out, as in Trivy. The lockfile
// does not say which dependencies are direct (mix.exs does, as Elixir code).
import { buildPurl } from '../purl';
import { compareStrings, LineCursor } from '../text';
import type { Analyzer, Package } from '../types';

export const mixLockAnalyzer: Analyzer = {
  id: 'mix-lock',
  type: 'hex',
  scanner: 'vuln',
  ecosystem: 'Hex',
  fileNames: ['mix.lock'],
  inlineIgnores: false,
  trivyParser: 'hex/mix',
  fixes: 'none',
  analyze: input => ({ packages: parseMixLock(input.content, input.path) }),
};

type Term =
  | { kind: 'map' | 'tuple' | 'list'; items: Term[]; start: number; end: number }
  /** A `key: value` or `key => value` entry of a map or keyword list. */
  | { kind: 'pair'; key: Term; value: Term; start: number; end: number }
  | { kind: 'string' | 'atom' | 'word'; text: string; start: number; end: number };

/** Nesting deeper than any real lockfile: refused rather than risking the stack. */
const MAX_DEPTH = 64;

/**
 * Which parts of a term to build: all (`true`), none (`false`: read and checked, not built), or
 * per item of a tuple or list (`items` by index, `each` for every item; missing ones are not
 * built). Building only what is used saves most of the objects: the hashes and each dependency's
 * keyword list made a scavenge every few hundred entries, a third of the analysis.
 */
type Shape = boolean | { items?: readonly Shape[]; each?: Shape };

/** The value of an entry: `{:hex, :package, "version", _, _, [{:app, _, _}, ...], ...}`. */
const ENTRY: Shape = { items: [true, true, true, false, false, { each: { items: [true] } }] };

/** What a term that is not built reads as: only its kind is kept (a pair's key kind decides a pair). */
const UNBUILT: { readonly [kind in Term['kind']]: Term } = {
  map: { kind: 'map', items: [], start: -1, end: -1 },
  tuple: { kind: 'tuple', items: [], start: -1, end: -1 },
  list: { kind: 'list', items: [], start: -1, end: -1 },
  pair: { kind: 'pair', key: { kind: 'word', text: '', start: -1, end: -1 }, value: { kind: 'word', text: '', start: -1, end: -1 }, start: -1, end: -1 },
  string: { kind: 'string', text: '', start: -1, end: -1 },
  atom: { kind: 'atom', text: '', start: -1, end: -1 },
  word: { kind: 'word', text: '', start: -1, end: -1 },
};

function itemShape(shape: Shape, index: number): Shape {
  if (typeof shape === 'boolean') return shape;
  return shape.each ?? shape.items?.[index] ?? false;
}

export function parseMixLock(content: string, file: string): Package[] {
  const reader = new TermReader(content);
  reader.skipBlank();
  if (reader.atEnd()) return [];

  interface Entry { key: string; name: string; version: string; dependencies: string[]; start: number; keyEnd: number; end: number }
  const entries = new Map<string, Entry>();
  // Each entry is turned into an Entry as soon as it is read, so the terms read never pile up.
  reader.readRootMap(item => {
    if (item.kind !== 'pair' || item.key.kind !== 'string' || item.value.kind !== 'tuple') return;
    const [source, name, version, , , dependencies] = item.value.items;
    if (!isAtom(source, 'hex') || name?.kind !== 'atom' || version?.kind !== 'string' || version.text === '') return;
    // `{:app, "~> 1.0", [hex: :package, ...]}`: the dependency's key in this lockfile is its app name.
    const apps: string[] = [];
    for (const dependency of dependencies?.kind === 'list' ? dependencies.items : []) {
      if (dependency.kind === 'tuple' && dependency.items[0]?.kind === 'atom') apps.push(dependency.items[0].text);
    }
    entries.set(item.key.text, {
      key: item.key.text, name: name.text, version: version.text, start: item.start, keyEnd: item.key.end, end: item.end, dependencies: apps,
    });
  });

  const lines = new LineCursor(content, file);
  const requiredBy = new Map<string, string[]>();
  for (const entry of entries.values()) {
    for (const dependency of entry.dependencies) {
      if (!entries.has(dependency)) continue;
      const list = requiredBy.get(dependency);
      if (list) list.push(entry.key);
      else requiredBy.set(dependency, [entry.key]);
    }
  }
  const packages = new Map<string, Package>();
  for (const entry of entries.values()) {
    const id = `${entry.name}@${entry.version}`;
    const highlight = lines.range(entry.start, entry.keyEnd);
    const location = lines.range(entry.start, entry.end);
    const dependsOn: string[] = [];
    for (const dependency of entry.dependencies) {
      const target = entries.get(dependency);
      if (target) dependsOn.push(`${target.name}@${target.version}`);
    }
    const copy = { key: entry.key, location, highlight, direct: false, dev: false, requiredBy: requiredBy.get(entry.key) ?? [] };
    const known = packages.get(id);
    if (known) {
      known.copies!.push(copy);
      known.dependsOn = sortedUnique(known.dependsOn!.concat(dependsOn));
      continue;
    }
    packages.set(id, {
      id, name: entry.name, version: entry.version, ecosystem: 'Hex', purl: buildPurl('Hex', entry.name, entry.version),
      direct: false, dev: false, location, copies: [copy], dependsOn: sortedUnique(dependsOn),
    });
  }
  return [...packages.values()];
}

/** Sorted, each once: sorting first and dropping neighbours saves a Set and a copy per package. */
function sortedUnique(ids: string[]): string[] {
  if (ids.length < 2) return ids;
  ids.sort(compareStrings);
  let kept = 0;
  for (const id of ids) if (kept === 0 || ids[kept - 1] !== id) ids[kept++] = id;
  ids.length = kept;
  return ids;
}

function isAtom(term: Term | undefined, text: string): boolean {
  return term?.kind === 'atom' && term.text === text;
}

class TermReader {
  private at = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.at >= this.text.length;
  }

  fail(what: string, offset = this.at): never {
    const line = new LineCursor(this.text).range(Math.min(offset, this.text.length), Math.min(offset, this.text.length)).startLine;
    throw new Error(`not a valid mix.lock: ${what} (line ${line})`);
  }

  /** Skips white space and `#` comments. */
  skipBlank(): void {
    const text = this.text;
    while (this.at < text.length) {
      const code = text.charCodeAt(this.at);
      if (code === 0x23) {
        const end = text.indexOf('\n', this.at);
        this.at = end === -1 ? text.length : end + 1;
      } else if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) {
        this.at++;
      } else {
        return;
      }
    }
  }

  /** The top-level `%{...}`, handing each entry to `onItem` as it is read (its value built as ENTRY says); nothing may follow it. */
  readRootMap(onItem: (item: Term) => void): void {
    const start = this.at;
    if (!this.text.startsWith('%{', start)) this.fail('the file is not an Elixir map');
    this.at += 2;
    this.readItems('map', 0x7d, start, 0, ENTRY, onItem);
    this.skipBlank();
    if (!this.atEnd()) this.fail('unexpected text after the map');
  }

  /** A term, built as `shape` says (a term not built is checked all the same, and reads as its kind's UNBUILT). */
  read(depth: number, shape: Shape): Term {
    if (depth > MAX_DEPTH) this.fail('terms nested too deeply');
    const text = this.text;
    const start = this.at;
    const code = text.charCodeAt(start);
    if (code === 0x25 && text.charCodeAt(start + 1) === 0x7b) { // %{
      this.at += 2;
      return this.readItems('map', 0x7d, start, depth, shape);
    }
    if (code === 0x7b) { // {
      this.at++;
      return this.readItems('tuple', 0x7d, start, depth, shape);
    }
    if (code === 0x5b) { // [
      this.at++;
      return this.readItems('list', 0x5d, start, depth, shape);
    }
    if (code === 0x22) {
      const string = this.readString(shape !== false);
      return shape === false ? UNBUILT.string : { kind: 'string', text: string, start, end: this.at };
    }
    if (code === 0x3a) { // :atom or :"atom"
      this.at++;
      if (text.charCodeAt(this.at) === 0x22) {
        const string = this.readString(shape !== false);
        return shape === false ? UNBUILT.atom : { kind: 'atom', text: string, start, end: this.at };
      }
      if (this.skipWord() === start + 1) this.fail("a ':' that starts no atom");
      return shape === false ? UNBUILT.atom : { kind: 'atom', text: text.slice(start + 1, this.at), start, end: this.at };
    }
    if (this.skipWord() === start) this.fail('a character that starts no term');
    return shape === false ? UNBUILT.word : { kind: 'word', text: text.slice(start, this.at), start, end: this.at };
  }

  /**
   * Items up to `close`, separated by commas (a trailing one allowed); map and keyword entries
   * become pairs. With `onItem`, each goes there instead of into the returned term.
   */
  private readItems(kind: 'map' | 'tuple' | 'list', close: number, start: number, depth: number, shape: Shape, onItem?: (item: Term) => void): Term {
    const items: Term[] = [];
    for (let index = 0; ; index++) {
      this.skipBlank();
      if (this.atEnd()) this.fail(`the file ends inside a ${kind}`, start);
      if (this.text.charCodeAt(this.at) === close) {
        this.at++;
        return shape === false ? UNBUILT[kind] : { kind, items, start, end: this.at };
      }
      // The root map's entries are each built with the shape of an entry's value.
      const item = this.readItem(depth + 1, onItem ? shape : itemShape(shape, index));
      if (onItem) onItem(item);
      else if (shape !== false) items.push(item);
      this.skipBlank();
      if (this.atEnd()) this.fail(`the file ends inside a ${kind}`, start);
      const next = this.text.charCodeAt(this.at);
      if (next === 0x2c) this.at++;
      else if (next !== close) this.fail(`a ${kind} holds two terms without a comma between them`);
    }
  }

  /** A term, or a `key: value` / `key => value` pair: `shape` is the value's, the key is built whole unless nothing is. */
  private readItem(depth: number, shape: Shape): Term {
    const key = this.read(depth, shape !== false);
    const text = this.text;
    // `"key": value` and `key: value`: the colon follows the key directly, then white space.
    if ((key.kind === 'string' || key.kind === 'word') && text.charCodeAt(this.at) === 0x3a && isSpace(text.charCodeAt(this.at + 1))) {
      this.at++;
      this.skipBlank();
      const value = this.read(depth, shape);
      return shape === false ? UNBUILT.pair : { kind: 'pair', key, value, start: key.start, end: this.at };
    }
    this.skipBlank();
    if (text.startsWith('=>', this.at)) {
      this.at += 2;
      this.skipBlank();
      const value = this.read(depth, shape);
      return shape === false ? UNBUILT.pair : { kind: 'pair', key, value, start: key.start, end: this.at };
    }
    return key;
  }

  /**
   * A double-quoted string with backslash escapes; returns its text (escapes resolved for `\"` and
   * `\\`), or '' when not `building` it.
   */
  private readString(building: boolean): string {
    const text = this.text;
    const open = this.at;
    let value = '';
    let from = open + 1;
    for (let at = from; ; at++) {
      if (at >= text.length) this.fail('a string is not closed', open);
      const code = text.charCodeAt(at);
      if (code === 0x22) {
        if (building) value += text.slice(from, at);
        this.at = at + 1;
        return value;
      }
      if (code === 0x5c) {
        if (building) value += text.slice(from, at) + text[at + 1];
        at++;
        from = at + 1;
      }
    }
  }

  /** Moves past letters, digits and `_ . ? ! @ -` (atoms, identifiers, numbers, `true`, `nil`); returns where it stopped. */
  private skipWord(): number {
    const text = this.text;
    while (this.at < text.length) {
      const code = text.charCodeAt(this.at);
      const wordChar = (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) ||
        code === 0x5f || code === 0x2e || code === 0x3f || code === 0x21 || code === 0x40 || code === 0x2d || code >= 0x80;
      if (!wordChar) break;
      this.at++;
    }
    return this.at;
  }
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

// Source offsets for JSON that JSON.parse has already read. JSON.parse gives no positions and a
// full syntax tree (jsonc-parser's parseTree) costs several times the parse, so locateMembers
// makes one pass over the text that only tracks strings and nesting, and records the spans of
// the few members a caller asks for.

export type JsonObject = Record<string, unknown>;

/** Where one member sits: from its key's opening quote to just after its object value. */
export interface MemberSpan {
  start: number;
  end: number;
  /** With a `nestedKey`: the members of the object under that key in this member's value. */
  nested?: MemberSpans;
}

/** Member key -> span, in source order; a repeated key keeps its first place and its last span, as JSON.parse keeps the last value. */
export type MemberSpans = Map<string, MemberSpan>;

/** Parses JSON; on a syntax error throws an Error naming the problem and its line and column. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const found = findSyntaxError(text);
    // V8's own message quotes the text, which comes from the repository: never passed on.
    if (!found) throw new Error('not valid JSON');
    const before = text.slice(0, found.offset);
    const line = before.split('\n').length;
    const column = found.offset - (before.lastIndexOf('\n') + 1) + 1;
    throw new Error(`not valid JSON (${found.problem} at line ${line}, column ${column})`);
  }
}

/**
 * Spans of the members of the object reached from the root by `path`, keeping those whose value
 * is an object. With `nestedKey`, each such member also gets the spans of the object under that
 * key in its value, and so on down (npm v1's nested `dependencies`). `text` must be valid JSON.
 */
export function locateMembers(text: string, path: string[], nestedKey?: string): MemberSpans {
  if (nestedKey === undefined) {
    // Without nested spans to record, members' values are skipped by the faster bracket count.
    const found = listMembers(text, path);
    const spans: MemberSpans = new Map();
    for (let i = 0; i < found.keys.length; i++) {
      if (text.charCodeAt(found.ends[i] - 1) === CLOSE_BRACE) spans.set(found.keys[i], { start: found.starts[i], end: found.ends[i] });
    }
    return spans;
  }
  let result: MemberSpans = new Map();
  // One entry per open container, innermost last.
  const roles: number[] = [];
  const depthOnPath: number[] = []; // for ON_PATH containers
  const recorded: (MemberSpans | undefined)[] = []; // for RECORDING containers
  const spans: (MemberSpan | undefined)[] = []; // for MEMBER containers
  const keys: string[] = []; // the last key read in a container that is not IGNORED
  const keyStarts: number[] = [];
  let expectKey = false;

  const open = (role: number, depth: number, members: MemberSpans | undefined, span: MemberSpan | undefined) => {
    roles.push(role);
    depthOnPath.push(depth);
    recorded.push(members);
    spans.push(span);
    keys.push('');
    keyStarts.push(-1);
  };

  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === QUOTE) {
      const end = stringEnd(text, i);
      const top = roles.length - 1;
      if (expectKey && roles[top] !== IGNORED) {
        const raw = text.slice(i + 1, end - 1);
        keys[top] = raw.includes('\\') ? (JSON.parse(text.slice(i, end)) as string) : raw;
        keyStarts[top] = i;
      }
      expectKey = false;
      i = end - 1;
    } else if (char === OPEN_BRACE) {
      const top = roles.length - 1;
      const parent = top === -1 ? ROOT : roles[top];
      if (parent === ROOT) {
        if (path.length === 0) open(RECORDING, 0, (result = new Map()), undefined);
        else open(ON_PATH, 0, undefined, undefined);
      } else if (parent === ON_PATH && keys[top] === path[depthOnPath[top]]) {
        const depth = depthOnPath[top] + 1;
        if (depth === path.length) open(RECORDING, depth, (result = new Map()), undefined);
        else open(ON_PATH, depth, undefined, undefined);
      } else if (parent === RECORDING) {
        const span: MemberSpan = { start: keyStarts[top], end: -1 };
        recorded[top]!.set(keys[top], span);
        open(MEMBER, 0, undefined, span);
      } else if (parent === MEMBER && nestedKey !== undefined && keys[top] === nestedKey) {
        open(RECORDING, 0, (spans[top]!.nested = new Map()), undefined);
      } else {
        open(IGNORED, 0, undefined, undefined);
      }
      expectKey = true;
    } else if (char === OPEN_BRACKET) {
      open(IGNORED, 0, undefined, undefined);
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      const span = spans.pop();
      if (span) span.end = i + 1;
      roles.pop();
      depthOnPath.pop();
      recorded.pop();
      keys.pop();
      keyStarts.pop();
    } else if (char === COMMA) {
      expectKey = true; // only read where the container is an object
    }
  }
  return result;
}

/** The members of one object, in source order, each with its JSON.parse value and where it sits. */
export interface LocatedMembers {
  /** One per distinct key: a repeated key keeps its first place and its last span, as JSON.parse keeps the last value. */
  keys: string[];
  values: unknown[];
  /** Offset of each key's opening quote. */
  starts: number[];
  /** Just after each value. */
  ends: number[];
}

/**
 * The members of the object reached from the root by `path`, as `object` (what JSON.parse gave
 * for it) holds them, with their spans; empty where the path leads to no object. Parallel arrays
 * rather than a Map of spans: in the common case the keys are JSON.parse's own, whose hashes are
 * cached, and no key is hashed again. `text` must be valid JSON.
 */
export function locateObjectMembers(text: string, path: readonly string[], object: JsonObject): LocatedMembers {
  const found = listMembers(text, path);
  // for-in rather than Object.keys and Object.values: on a large object, Object.values alone took
  // several times as long as this loop.
  const keys: string[] = [];
  const values: unknown[] = [];
  let indexLike = false;
  for (const key in object) {
    // Only an array index (all digits) is enumerated out of source order: its first character
    // tells, where comparing each key with the text's was a visible part of this loop.
    indexLike ||= isDigit(key.charCodeAt(0));
    keys.push(key);
    values.push(object[key]);
  }
  // As many keys as members in the text: no key is repeated, so without array indexes the order is the text's.
  if (!indexLike && keys.length === found.keys.length) return { keys, values, starts: found.starts, ends: found.ends };
  // A repeated key, or a key that looks like an array index (which Object.keys puts first).
  const placeOf = new Map<string, number>();
  const located: LocatedMembers = { keys: [], values: [], starts: [], ends: [] };
  found.keys.forEach((key, i) => {
    const place = placeOf.get(key);
    if (place === undefined) {
      placeOf.set(key, located.keys.length);
      located.keys.push(key);
      located.values.push(object[key]);
      located.starts.push(found.starts[i]);
      located.ends.push(found.ends[i]);
    } else {
      located.starts[place] = found.starts[i];
      located.ends[place] = found.ends[i];
    }
  });
  return located;
}

/**
 * Every member of the object reached from the root by `path` (the last of a repeated key, as
 * JSON.parse keeps), repeats included, in source order: its key, its key's opening quote and the
 * end of its value. Reads keys only along the path and in that object; everything else is
 * skipped by bracket counting. `text` must be valid JSON.
 */
function listMembers(text: string, path: readonly string[]): { keys: string[]; starts: number[]; ends: number[] } {
  let found = { keys: [] as string[], starts: [] as number[], ends: [] as number[] };
  const visit = (open: number, depth: number): number => {
    if (text.charCodeAt(open) !== OPEN_BRACE) return valueEnd(text, open);
    const recording = depth === path.length;
    if (recording) found = { keys: [], starts: [], ends: [] };
    const list = found;
    return scanMembers(text, open, (key, keyStart, valueStart) => {
      if (recording) {
        const end = valueEnd(text, valueStart);
        list.keys.push(key);
        list.starts.push(keyStart);
        list.ends.push(end);
        return end;
      }
      if (key !== path[depth]) return valueEnd(text, valueStart);
      found = { keys: [], starts: [], ends: [] }; // this copy of the key replaces any before it
      return visit(valueStart, depth + 1);
    });
  };
  const start = skipWhitespace(text, 0);
  if (path.length === 0 || text.charCodeAt(start) === OPEN_BRACE) visit(start, 0);
  return found;
}

/** Where one value of a container sits; for an object member, also where its key does. */
export interface ValueSpan {
  /** The member's key (decoded); undefined for an array element. */
  key?: string;
  /** Offset of the key's opening quote; for an array element, the value's start. */
  keyStart: number;
  /** Offset of the value's first character. */
  start: number;
  /** Just after the value. */
  end: number;
}

/**
 * The members (of an object) or elements (of an array) of the container whose value starts at
 * `start`, each with its span, in source order (none where the value is no container), and just
 * after the container (`start` itself where the value is no container). Reads only that
 * container: linear in its length. `text` must be valid JSON.
 */
function readContainer(text: string, start: number, stopAtKey?: string): { values: ValueSpan[]; end: number } {
  const open = text.charCodeAt(start);
  if (open !== OPEN_BRACE && open !== OPEN_BRACKET) return { values: [], end: start };
  const isObject = open === OPEN_BRACE;
  const values: ValueSpan[] = [];
  let at = skipWhitespace(text, start + 1);
  while (at < text.length) {
    const char = text.charCodeAt(at);
    if (char === CLOSE_BRACE || char === CLOSE_BRACKET) return { values, end: at + 1 };
    if (char === COMMA) {
      at = skipWhitespace(text, at + 1);
      continue;
    }
    let key: string | undefined;
    const keyStart = at;
    if (isObject) {
      const keyEnd = stringEnd(text, at);
      const raw = text.slice(at + 1, keyEnd - 1);
      key = raw.includes('\\') ? (JSON.parse(text.slice(at, keyEnd)) as string) : raw;
      at = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1); // past the colon
    }
    const end = valueEnd(text, at);
    values.push({ key, keyStart, start: at, end });
    if (key !== undefined && key === stopAtKey) return { values, end: -1 };
    at = skipWhitespace(text, end);
  }
  return { values, end: text.length };
}

/**
 * The first member named `key` of the object whose value starts at `start`; reads its members
 * only up to that one. `text` must be valid JSON.
 */
export function firstMember(text: string, start: number, key: string): ValueSpan | undefined {
  const { values } = readContainer(text, start, key);
  const last = values[values.length - 1];
  return last?.key === key ? last : undefined;
}

/**
 * For each of `keys` that names a root member holding an array (the last such member, as
 * JSON.parse keeps), the spans of its elements. One pass over the text, which reads keys only at
 * the root. `text` must be valid JSON.
 */
export function locateRootArrays(text: string, keys: readonly string[]): Map<string, ValueSpan[]> {
  const found = new Map<string, ValueSpan[]>();
  const start = skipWhitespace(text, 0);
  if (text.charCodeAt(start) !== OPEN_BRACE) return found;
  scanMembers(text, start, (key, _keyStart, valueStart) => {
    if (!keys.includes(key)) return valueEnd(text, valueStart);
    found.delete(key); // a later copy replaces it, whatever it holds
    if (text.charCodeAt(valueStart) !== OPEN_BRACKET) return valueEnd(text, valueStart);
    const array = readContainer(text, valueStart);
    found.set(key, array.values);
    return array.end;
  });
  return found;
}

/**
 * For each object-valued member of the object reached from the root by `path`, what
 * `locateMembers(text, [...path, key])` gives for it: the spans of its object-valued members. A
 * repeated key keeps its first place and its last object's spans, as locateMembers keeps them.
 * One pass over the text for all of them, where locateMembers makes one per key. `text` must be
 * valid JSON.
 */
export function locateMembersOfMembers(text: string, path: readonly string[]): Map<string, MemberSpans> {
  let found = new Map<string, MemberSpans>();
  const record = (open: number): number => scanMembers(text, open, (key, _keyStart, valueStart) => {
    if (text.charCodeAt(valueStart) !== OPEN_BRACE) return valueEnd(text, valueStart);
    const spans: MemberSpans = new Map();
    found.set(key, spans);
    return scanMembers(text, valueStart, (member, memberStart, memberValueStart) => {
      const end = valueEnd(text, memberValueStart);
      if (text.charCodeAt(memberValueStart) === OPEN_BRACE) spans.set(member, { start: memberStart, end });
      return end;
    });
  });
  const visit = (open: number, depth: number): number => {
    if (text.charCodeAt(open) !== OPEN_BRACE) return valueEnd(text, open);
    if (depth === path.length) return record(open);
    return scanMembers(text, open, (key, _keyStart, valueStart) => {
      if (key !== path[depth]) return valueEnd(text, valueStart);
      found = new Map(); // this copy of the key replaces any before it
      return visit(valueStart, depth + 1);
    });
  };
  visit(skipWhitespace(text, 0), 0);
  return found;
}

/**
 * Walks the members of the object opening at `open`: `member` gets each key (decoded), its opening
 * quote and its value's start, and returns where the value ends. Returns just after the object.
 */
function scanMembers(text: string, open: number, member: (key: string, keyStart: number, valueStart: number) => number): number {
  let at = skipWhitespace(text, open + 1);
  while (at < text.length) {
    const char = text.charCodeAt(at);
    if (char === CLOSE_BRACE) return at + 1;
    if (char === COMMA) {
      at = skipWhitespace(text, at + 1);
      continue;
    }
    const keyEnd = stringEnd(text, at);
    const raw = text.slice(at + 1, keyEnd - 1);
    const key = raw.includes('\\') ? (JSON.parse(text.slice(at, keyEnd)) as string) : raw;
    const valueStart = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1); // past the colon
    at = skipWhitespace(text, member(key, at, valueStart));
  }
  return text.length;
}

/**
 * The members or elements, each with its span, of the container reached from the root by `path`
 * (object keys; the last of a repeated key, as JSON.parse keeps): empty where that value is no
 * container, undefined where the path leads nowhere. One pass up to the container's end. `text`
 * must be valid JSON.
 */
export function valuesAt(text: string, path: readonly string[]): ValueSpan[] | undefined {
  let found: ValueSpan[] | undefined;
  const visit = (start: number, depth: number): number => {
    if (depth === path.length) {
      const container = readContainer(text, start);
      found = container.values;
      return container.end === start ? valueEnd(text, start) : container.end;
    }
    if (text.charCodeAt(start) !== OPEN_BRACE) return valueEnd(text, start);
    return scanMembers(text, start, (key, _keyStart, valueStart) => {
      if (key !== path[depth]) return valueEnd(text, valueStart);
      found = undefined; // the last copy of a key is the one JSON.parse keeps, even where it leads nowhere
      return visit(valueStart, depth + 1);
    });
  };
  visit(skipWhitespace(text, 0), 0);
  return found;
}

/**
 * The last member named `key` of the object whose value starts at `start` (the one JSON.parse
 * keeps), without a span for every member. `text` must be valid JSON.
 */
export function lastMember(text: string, start: number, key: string): ValueSpan | undefined {
  if (text.charCodeAt(start) !== OPEN_BRACE) return undefined;
  let found: ValueSpan | undefined;
  scanMembers(text, start, (member, keyStart, valueStart) => {
    const end = valueEnd(text, valueStart);
    if (member === key) found = { key, keyStart, start: valueStart, end };
    return end;
  });
  return found;
}

function isDigit(char: number): boolean {
  return char >= 0x30 && char <= 0x39;
}

function skipWhitespace(text: string, at: number): number {
  for (;;) {
    const char = text.charCodeAt(at);
    if (char !== 0x20 && char !== 0x0a && char !== 0x0d && char !== 0x09) return at;
    at++;
  }
}

/** Just after the value that starts at `start`: a string, a container (strings inside skipped) or a number or literal. */
function valueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    // The hot loop of every JSON analyzer that locates its entries: whitespace, the commonest
    // character outside strings, is passed with one comparison, and `{` `[` (and `}` `]`) differ
    // only in bit 5, so one comparison each finds an opening (closing) bracket.
    let depth = 0;
    const length = text.length;
    for (let at = start; at < length; at++) {
      const char = text.charCodeAt(at);
      if (char <= 0x20) continue;
      if (char === QUOTE) at = stringEnd(text, at) - 1;
      else if ((char | 0x20) === OPEN_BRACE) depth++;
      else if ((char | 0x20) === CLOSE_BRACE && --depth === 0) return at + 1;
    }
    return length;
  }
  let at = start;
  while (at < text.length) {
    const char = text.charCodeAt(at);
    if (char === COMMA || char === CLOSE_BRACE || char === CLOSE_BRACKET || char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09) break;
    at++;
  }
  return at;
}

/**
 * The text with what JSON.parse refuses in JSON with comments and trailing commas (Bun's
 * lockfile) blanked out: each comment and trailing comma becomes spaces (line breaks kept), so
 * every offset stays where it was and the result parses as plain JSON.
 */
export function blankCommentsAndTrailingCommas(text: string): string {
  let out = '';
  let from = 0;
  const blank = (start: number, end: number) => {
    out += text.slice(from, start) + text.slice(start, end).replace(NOT_LINE_BREAK, ' ');
    from = end;
  };
  for (let at = 0; at < text.length; at++) {
    const char = text.charCodeAt(at);
    if (char === QUOTE) {
      at = stringEnd(text, at) - 1;
    } else if (char === SLASH && text.charCodeAt(at + 1) === SLASH) {
      const lineEnd = text.indexOf('\n', at);
      const end = lineEnd === -1 ? text.length : lineEnd;
      blank(at, end);
      at = end - 1;
    } else if (char === SLASH && text.charCodeAt(at + 1) === STAR) {
      const close = text.indexOf('*/', at + 2);
      const end = close === -1 ? text.length : close + 2;
      blank(at, end);
      at = end - 1;
    } else if (char === COMMA) {
      let next = at + 1;
      for (;;) {
        next = skipWhitespace(text, next);
        // A comment between the comma and the bracket: looked past here, blanked when reached.
        if (text.charCodeAt(next) === SLASH && text.charCodeAt(next + 1) === SLASH) {
          const lineEnd = text.indexOf('\n', next);
          next = lineEnd === -1 ? text.length : lineEnd;
        } else if (text.charCodeAt(next) === SLASH && text.charCodeAt(next + 1) === STAR) {
          const close = text.indexOf('*/', next + 2);
          next = close === -1 ? text.length : close + 2;
        } else break;
      }
      const after = text.charCodeAt(next);
      if (after === CLOSE_BRACE || after === CLOSE_BRACKET) blank(at, at + 1);
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

const NOT_LINE_BREAK = /[^\r\n]/g;
const SLASH = 0x2f;
const STAR = 0x2a;

const ROOT = 0;
const ON_PATH = 1;
const RECORDING = 2;
const MEMBER = 3;
const IGNORED = 4;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** The offset just after the string that opens at `open`: the first quote not escaped by an odd run of backslashes. */
export function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  for (;;) {
    if (close === -1) return text.length; // unterminated: only in text JSON.parse would refuse
    if (text.charCodeAt(close - 1) !== BACKSLASH) return close + 1; // the common case: no run to count
    let backslashes = 1;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close + 1;
    close = text.indexOf('"', close + 1);
  }
}

// ---- error reporting: only runs once JSON.parse has refused the text ----

class SyntaxProblem {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {}
}

const NUMBER_OR_LITERAL = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** The first syntax error, found by a strict recursive-descent reader; undefined if it finds none. */
function findSyntaxError(text: string): SyntaxProblem | undefined {
  let at = 0;
  const fail = (problem: string): never => {
    throw new SyntaxProblem(at, problem);
  };
  const skipWhitespace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const readString = () => {
    at++; // the opening quote
    for (;;) {
      if (at >= text.length) fail('unterminated string');
      const char = text.charCodeAt(at);
      if (char === QUOTE) break;
      if (char < 0x20) fail('control character in string');
      if (char === BACKSLASH) {
        ESCAPE.lastIndex = at;
        if (!ESCAPE.test(text)) fail('invalid escape in string');
        at = ESCAPE.lastIndex;
      } else at++;
    }
    at++;
  };
  const readValue = () => {
    skipWhitespace();
    const char = text[at];
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      at++;
      skipWhitespace();
      if (text[at] === close) return void at++;
      for (;;) {
        if (close === '}') {
          skipWhitespace();
          if (text[at] !== '"') fail('property name expected');
          readString();
          skipWhitespace();
          if (text[at] !== ':') fail("':' expected");
          at++;
        }
        readValue();
        skipWhitespace();
        if (text[at] === ',') at++;
        else if (text[at] === close) return void at++;
        else fail(`',' or '${close}' expected`);
      }
    }
    if (char === '"') return readString();
    NUMBER_OR_LITERAL.lastIndex = at;
    if (at < text.length && NUMBER_OR_LITERAL.test(text)) at = NUMBER_OR_LITERAL.lastIndex;
    else fail('value expected');
  };
  try {
    readValue();
    skipWhitespace();
    if (at < text.length) fail('end of file expected');
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxProblem) return error;
    return undefined; // nesting too deep for the recursive reader
  }
}

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
/** The offset just past the string token that opens at `open` (a quote). */
export function stringEnd(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  for (;;) {
    if (close === -1) return text.length; // unterminated: only in text JSON.parse would refuse
    let backslashes = 0;
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

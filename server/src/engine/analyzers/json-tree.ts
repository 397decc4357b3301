// A JSON syntax tree with offsets (jsonc-parser's), for lockfiles whose entries are array
// elements, which json-offsets' member scan does not locate: a whole tree is the simple way, and
// these files are small next to an npm lockfile.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { parseJson } from './json-offsets';

/**
 * The tree of `content`, refusing anything that is not JSON (or, with `trailingCommas`, JSON with
 * trailing commas as Bun writes it) with an Error that names the file kind and where it breaks,
 * never what the text says.
 */
export function parseJsonTree(content: string, kind: string, options: { trailingCommas?: boolean } = {}): Node {
  const errors: ParseError[] = [];
  const root = parseTree(content, errors, { allowTrailingComma: options.trailingCommas ?? false, disallowComments: !options.trailingCommas });
  if (root && errors.length === 0) return root;
  if (!options.trailingCommas) {
    try {
      parseJson(content);
    } catch (error) {
      throw new Error(`not a valid ${kind}: ${(error as Error).message}`);
    }
  }
  const error = errors[0];
  throw new Error(`not a valid ${kind}: invalid JSON${error ? ` (${printParseErrorCode(error.error)} at ${position(content, error.offset)})` : ''}`);
}

/** The value of an object node's member; the last one where a key repeats, as JSON.parse keeps. */
export function member(object: Node | undefined, key: string): Node | undefined {
  let found: Node | undefined;
  if (object?.type !== 'object') return undefined;
  for (const property of object.children ?? []) if (property.children?.[0]?.value === key) found = property.children[1];
  return found;
}

/** A member's value when it is a non-empty string. */
export function stringMember(object: Node | undefined, key: string): string | undefined {
  const value = member(object, key);
  return value?.type === 'string' && value.value !== '' ? (value.value as string) : undefined;
}

function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

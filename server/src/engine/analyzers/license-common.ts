// What the license analyzers of package metadata share: where a package's directory sits and
// how a JSON member's place becomes a SourceRange.
import { parseTree, findNodeAtLocation, type Node, type ParseError } from 'jsonc-parser';
import { LineIndex } from '../text';
import type { SourceRange } from '../types';

/** The folder names of a root-relative path, outermost first. */
export function folderNames(path: string): string[] {
  return path.split('/').slice(0, -1);
}

/** A JSON document's tree; throws a plain error (no file content quoted) when it is not JSON. */
export function jsonTree(content: string, what: string): Node {
  const errors: ParseError[] = [];
  const tree = parseTree(content, errors, { allowTrailingComma: false, disallowComments: true });
  if (!tree || errors.length > 0) {
    const at = errors[0] ? new LineIndex(content).position(errors[0].offset) : undefined;
    throw new Error(`not a valid ${what}${at ? ` (a JSON syntax error at line ${at.line + 1}, column ${at.character + 1})` : ''}`);
  }
  return tree;
}

export { findNodeAtLocation };

/** The range of a JSON node in its file. */
export function nodeRange(lines: LineIndex, node: Node): SourceRange {
  return lines.range(node.offset, node.offset + node.length);
}

/** The strings of a license member: a string, an array of strings, or objects with a `type` (npm's legacy form). */
export function licenseStrings(node: Node | undefined): string[] {
  if (!node) return [];
  if (node.type === 'string') return [node.value as string];
  if (node.type === 'object') {
    const type = findNodeAtLocation(node, ['type']);
    return type?.type === 'string' ? [type.value as string] : [];
  }
  if (node.type === 'array') return (node.children ?? []).flatMap(child => licenseStrings(child.type === 'array' ? undefined : child));
  return [];
}

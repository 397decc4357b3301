// Patterns of secret configs, compiled with RE2 (the `re2js` port): Go's syntax, as Trivy reads
// them, and matching in time linear in the text whatever the pattern (no backtracking). A config
// can come with the repository being scanned, so its patterns are hostile input.
import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';

/** Longer patterns are refused: real ones are a few hundred characters. */
export const MAX_PATTERN_LENGTH = 10_000;
/**
 * Larger programs are refused. Matching costs up to (text length) x (program size) steps, so this
 * bounds the constant; Trivy's built-in patterns compile to a few hundred instructions.
 */
export const MAX_PROGRAM_SIZE = 5_000;

export interface Re2Pattern {
  regex: RE2JS;
  /** The capturing groups of each name, by index (Go allows one name on several groups). */
  groupsByName: ReadonlyMap<string, readonly number[]>;
}

/** A compiled pattern, or why RE2 refused it, in words that never quote the pattern. */
export function compileRe2(source: string): Re2Pattern | { error: string } {
  if (source.length > MAX_PATTERN_LENGTH) return { error: `is over ${MAX_PATTERN_LENGTH} characters` };
  const groups = readGroups(source);
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(groups.source);
  } catch (error) {
    // A syntax error's `error` names the problem; its message also quotes the pattern.
    if (error instanceof RE2JSSyntaxException) return { error: `is not valid RE2 syntax (${error.error})` };
    if (error instanceof RE2JSException) return { error: 'could not be compiled by RE2' };
    throw error;
  }
  const size = regex.programSize();
  if (size > MAX_PROGRAM_SIZE) return { error: `is too large (${size} instructions, at most ${MAX_PROGRAM_SIZE})` };
  // The groups as read here must be RE2's own, or a secret group would point at the wrong text.
  const named = regex.namedGroups();
  const agrees = regex.groupCount() === groups.count
    && [...groups.byName].every(([name, indexes]) => named[name] === indexes[0]);
  if (!agrees) return { error: 'has groups Vigil could not read' };
  return { regex, groupsByName: groups.byName };
}

/**
 * The capturing groups of a Go pattern, counted as Go's parser counts them. RE2's JavaScript port
 * refuses a name given twice, which Go accepts (Trivy's `multiple secret groups`): every repeat
 * is turned into a plain group, which keeps its index, so the name still finds all of them.
 */
function readGroups(source: string): { source: string; count: number; byName: Map<string, number[]> } {
  const byName = new Map<string, number[]>();
  let out = '';
  let count = 0;
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (char === '\\') {
      if (source[i + 1] === 'Q') {
        // \Q...\E: literal text up to \E or the end.
        const end = source.indexOf('\\E', i + 2);
        const next = end === -1 ? source.length : end + 2;
        out += source.slice(i, next);
        i = next;
      } else {
        out += source.slice(i, i + 2);
        i += 2;
      }
      continue;
    }
    if (char === '[') {
      const end = classEnd(source, i);
      out += source.slice(i, end);
      i = end;
      continue;
    }
    if (char === '(') {
      const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(source.slice(i, i + 3 + 256));
      if (named) {
        count++;
        const seen = byName.get(named[1]);
        if (seen) seen.push(count);
        else byName.set(named[1], [count]);
        out += seen ? '(' : named[0];
        i += named[0].length;
        continue;
      }
      if (source[i + 1] !== '?') count++;
    }
    out += char;
    i++;
  }
  return { source: out, count, byName };
}

/** Where a character class starting at `start` (`[`) ends: after its `]`, as Go reads it. */
function classEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  // A `]` first in the class is a literal.
  if (source[i] === ']') i++;
  while (i < source.length) {
    const char = source[i];
    if (char === ']') return i + 1;
    if (char === '\\') i += 2;
    else if (char === '[' && source[i + 1] === ':') {
      // [:alpha:]; the longest class name is 6 letters.
      const end = source.slice(i, i + 12).indexOf(':]', 2);
      i = end === -1 ? i + 1 : i + end + 2;
    } else i++;
  }
  return source.length;
}

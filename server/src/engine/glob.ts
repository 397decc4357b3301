// Glob matching in time bounded by path length × glob length, with no backtracking. Paths come
// from the repository being scanned, and a regular expression built from a glob such as
// `*a*a*a*a*a*ab` takes exponential time on them (picomatch took 185 s on a 200-character name).
//
// A glob is compiled to a list of steps and run as a set of live positions (a Thompson NFA):
// each character of the path advances every live position once.

/**
 * One step. `one` consumes a character it accepts; `many` consumes any number of them; `skip` is
 * an empty step that may also jump forward to `to` (an optional part such as `(.../)?`).
 */
export type GlobStep =
  | { kind: 'one'; accepts: (c: string) => boolean }
  | { kind: 'many'; accepts: (c: string) => boolean }
  | { kind: 'skip'; to: number };

export const anyChar = (): boolean => true;
export const notSlash = (c: string): boolean => c !== '/';
export const literal = (expected: string) => (c: string): boolean => c === expected;

/** Whether the steps match the whole text. */
export function runGlob(steps: readonly GlobStep[], text: string): boolean {
  let live = new Uint8Array(steps.length + 1);
  // Marks a position live with every position reachable from it without a character (a loop,
  // not recursion: a glob of 100,000 `**/` must not exhaust the stack).
  const enter = (set: Uint8Array, first: number) => {
    const pending = [first];
    while (pending.length > 0) {
      const at = pending.pop()!;
      if (set[at]) continue;
      set[at] = 1;
      const step = steps[at];
      if (step?.kind === 'many') pending.push(at + 1);
      else if (step?.kind === 'skip') pending.push(at + 1, step.to);
    }
  };
  enter(live, 0);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = new Uint8Array(steps.length + 1);
    let any = false;
    for (let at = 0; at < steps.length; at++) {
      const step = steps[at];
      if (!live[at] || step.kind === 'skip' || !step.accepts(c)) continue;
      enter(next, step.kind === 'many' ? at : at + 1);
      any = true;
    }
    if (!any) return false;
    live = next;
  }
  return live[steps.length] === 1;
}

/** Brace alternatives expanded per glob at most; more is refused rather than expanded. */
const MAX_BRACE_EXPANSIONS = 256;

/**
 * A matcher for path globs in the shell / doublestar dialect that Trivy's `--skip-dirs` and
 * `--skip-files` use: `*` and `?` within one path segment, `**` as a whole segment for any
 * number of segments (none included), `[abc]`, `[a-z]`, `[!x]` / `[^x]` classes, and `{a,b}`
 * alternatives. Anything else is literal. True when any glob matches.
 */
export function pathGlobMatcher(globs: readonly string[]): (path: string) => boolean {
  const compiled = globs.flatMap(expandBraces).map(compilePathGlob);
  return (path) => compiled.some((steps) => runGlob(steps, path));
}

function compilePathGlob(glob: string): GlobStep[] {
  const steps: GlobStep[] = [];
  // `**/**` is `**`.
  const segments = glob.split('/').filter((segment, index, all) => !(segment === '**' && all[index - 1] === '**'));
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      if (segments.length === 1) steps.push({ kind: 'many', accepts: anyChar });
      else if (last) {
        // `a/**`: `a` itself, or anything below it. The `/` before was not written (see below).
        steps.push({ kind: 'skip', to: steps.length + 3 }, { kind: 'one', accepts: literal('/') }, { kind: 'many', accepts: anyChar });
      } else {
        // `**/`: no segment at all, or any segments each ending in `/`.
        steps.push({ kind: 'skip', to: steps.length + 3 }, { kind: 'many', accepts: anyChar }, { kind: 'one', accepts: literal('/') });
      }
      return;
    }
    compileSegment(segment, steps);
    const nextIsTrailingGlobstar = index === segments.length - 2 && segments[index + 1] === '**';
    if (!last && !nextIsTrailingGlobstar) steps.push({ kind: 'one', accepts: literal('/') });
  });
  return steps;
}

function compileSegment(segment: string, steps: GlobStep[]): void {
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') {
      while (segment[i + 1] === '*') i++; // `a**b` inside a segment is `a*b`
      steps.push({ kind: 'many', accepts: notSlash });
    } else if (c === '?') steps.push({ kind: 'one', accepts: notSlash });
    else if (c === '[') {
      const parsed = parseClass(segment, i);
      if (parsed) {
        steps.push({ kind: 'one', accepts: parsed.accepts });
        i = parsed.end;
      } else steps.push({ kind: 'one', accepts: literal('[') });
    } else steps.push({ kind: 'one', accepts: literal(c) });
  }
}

/** `[...]` starting at `start`: its predicate and the index of its `]`, or undefined if unclosed. */
function parseClass(segment: string, start: number): { accepts: (c: string) => boolean; end: number } | undefined {
  let i = start + 1;
  const negated = segment[i] === '!' || segment[i] === '^';
  if (negated) i++;
  const ranges: [string, string][] = [];
  // A `]` right after the opening (or its negation) is a member, as in the shell.
  for (let first = true; i < segment.length && (first || segment[i] !== ']'); first = false) {
    const low = segment[i];
    if (segment[i + 1] === '-' && i + 2 < segment.length && segment[i + 2] !== ']') {
      ranges.push([low, segment[i + 2]]);
      i += 3;
    } else {
      ranges.push([low, low]);
      i += 1;
    }
  }
  if (i >= segment.length) return undefined;
  const inClass = (c: string) => ranges.some(([low, high]) => c >= low && c <= high);
  return { accepts: (c) => c !== '/' && inClass(c) !== negated, end: i };
}

/** `a{b,c}d` -> `abd`, `acd`, nested too; an unbalanced brace is literal. */
export function expandBraces(glob: string): string[] {
  let results = [''];
  let i = 0;
  while (i < glob.length) {
    const close = glob[i] === '{' ? matchingBrace(glob, i) : -1;
    if (close === -1) {
      const c = glob[i];
      results = results.map((r) => r + c);
      i++;
      continue;
    }
    const options = splitTopLevel(glob.slice(i + 1, close)).flatMap(expandBraces);
    results = results.flatMap((r) => options.map((o) => r + o));
    if (results.length > MAX_BRACE_EXPANSIONS) throw new Error(`glob ${glob} expands to more than ${MAX_BRACE_EXPANSIONS} patterns`);
    i = close + 1;
  }
  return results;
}

function matchingBrace(glob: string, open: number): number {
  let depth = 0;
  let hasComma = false;
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) return hasComma ? i : -1;
    else if (glob[i] === ',' && depth === 1) hasComma = true;
  }
  return -1;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

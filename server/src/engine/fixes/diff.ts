// A unified diff of text edits, for the CLI's fix preview. The edits say exactly what changes, so
// no diff algorithm is needed: each run of edits on the same or next lines becomes one change, and changes
// close enough to share context become one hunk, as `diff -u` and `git diff` print them.
import { LineIndex } from '../text';
import type { TextEditAt } from './edits';

/** Lines of context around each change, as `diff -u`. */
const CONTEXT = 3;

interface Change {
  /** 0-based old lines [start, end] the change replaces, inclusive. */
  start: number;
  end: number;
  lines: string[];
}

/** A text's lines without their line breaks; a final line break ends the last line, it opens no new one. */
function linesOf(text: string): string[] {
  const lines = text.split('\n').map(line => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * `--- a/FILE`, `+++ b/FILE` and the hunks that apply non-overlapping `edits` to `text`; empty
 * when they change nothing. Lines are given as they are: the caller escapes them for a terminal.
 */
export function unifiedDiff(file: string, text: string, edits: readonly TextEditAt[]): string[] {
  const index = new LineIndex(text);
  const old = linesOf(text);
  const lineStart = (line: number) => index.offset({ line, character: 0 });
  const lineEnd = (line: number) => lineStart(line) + (old[line]?.length ?? 0);
  const sorted = [...edits].sort((a, b) => a.offset - b.offset);
  const changes: Change[] = [];
  for (let i = 0; i < sorted.length;) {
    const start = index.position(sorted[i].offset).line;
    let end = index.position(sorted[i].offset + sorted[i].length).line;
    let j = i + 1;
    // Edits on the same or the next line make one change: its - lines, then its + lines.
    while (j < sorted.length && index.position(sorted[j].offset).line <= end + 1) {
      end = Math.max(end, index.position(sorted[j].offset + sorted[j].length).line);
      j++;
    }
    // The old lines start..end with the run's edits applied, as whole lines.
    end = Math.min(end, Math.max(old.length - 1, start));
    const from = lineStart(start);
    const to = Math.max(lineEnd(end), ...sorted.slice(i, j).map(edit => edit.offset + edit.length));
    let replaced = text.slice(from, to);
    for (const edit of sorted.slice(i, j).reverse()) {
      replaced = replaced.slice(0, edit.offset - from) + edit.newText + replaced.slice(edit.offset + edit.length - from);
    }
    // An edit that ends in a line break opens no extra line of its own, unless text follows it.
    const lines = replaced.split('\n').map(line => (line.endsWith('\r') ? line.slice(0, -1) : line));
    if (lines.length > 1 && lines[lines.length - 1] === '' && to >= text.length) lines.pop();
    // Lines the edits leave as they were are context, not change: an insertion shows as + lines alone.
    let keptStart = start;
    let keptEnd = Math.min(end, old.length - 1);
    while (lines.length > 0 && keptStart <= keptEnd && lines[0] === old[keptStart]) lines.shift(), keptStart++;
    while (lines.length > 0 && keptEnd >= keptStart && lines[lines.length - 1] === old[keptEnd]) lines.pop(), keptEnd--;
    if (lines.length > 0 || keptEnd >= keptStart) changes.push({ start: keptStart, end: keptEnd, lines });
    i = j;
  }
  if (changes.length === 0) return [];

  const out = [`--- a/${file}`, `+++ b/${file}`];
  let shift = 0; // new line number minus old, before the hunk
  for (let first = 0; first < changes.length;) {
    let last = first;
    while (last + 1 < changes.length && changes[last + 1].start - changes[last].end - 1 <= 2 * CONTEXT) last++;
    const from = Math.max(0, changes[first].start - CONTEXT);
    const to = Math.min(old.length - 1, changes[last].end + CONTEXT);
    const body: string[] = [];
    let added = 0;
    let removed = 0;
    let line = from;
    for (const change of changes.slice(first, last + 1)) {
      for (; line < change.start; line++) body.push(` ${old[line]}`);
      for (let k = change.start; k <= change.end; k++, removed++) body.push(`-${old[k]}`);
      for (const text of change.lines) body.push(`+${text}`), added++;
      line = Math.max(line, change.end + 1);
    }
    for (; line <= to; line++) body.push(` ${old[line]}`);
    const context = body.length - added - removed;
    const oldCount = context + removed;
    const newCount = context + added;
    const oldStart = oldCount === 0 ? from : from + 1;
    const newStart = newCount === 0 ? from + shift : from + shift + 1;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, ...body);
    shift += added - removed;
    first = last + 1;
  }
  return out;
}

// Inline ignore comments: `vigil:ignore:ID` or Trivy's `trivy:ignore:ID`, optionally followed by
// `:exp:YYYY-MM-DD`, anywhere in a comment. Several may share one comment:
//   # vigil:ignore:CVE-2019-1010083 trivy:ignore:GHSA-xxxx-xxxx-xxxx:exp:2026-01-31
// Analyzers of formats with comments attach them to packages (Package.inlineIgnores); the
// detector drops the findings they name.
import type { InlineIgnore } from './types';

const INLINE_IGNORE = /\b(?:vigil|trivy):ignore:([A-Za-z0-9][\w.-]*)(?::exp:(\d{4}-\d{2}-\d{2}))?/g;

/** The ignores a comment's text names, in order. */
export function parseInlineIgnores(comment: string): InlineIgnore[] {
  const found: InlineIgnore[] = [];
  // Most comments (and the empty text of lines without one) name no ignore: matchAll clones the
  // expression and builds an iterator for each call, a visible cost per lockfile line.
  if (!comment.includes(':ignore:')) return found;
  for (const match of comment.matchAll(INLINE_IGNORE)) {
    found.push(match[2] ? { id: match[1], expiresAt: match[2] } : { id: match[1] });
  }
  return found;
}

/** Whether a live ignore names one of `ids` (a finding's ID and its aliases). */
export function isInlineIgnored(ignores: readonly InlineIgnore[] | undefined, ids: readonly string[], now: Date = new Date()): boolean {
  if (!ignores || ignores.length === 0) return false;
  const today = now.toISOString().slice(0, 10);
  return ignores.some(ignore => ids.includes(ignore.id) && (ignore.expiresAt === undefined || today < ignore.expiresAt));
}

/** The comment that ignores `id` on one line, as the editor's quick-fix writes it. */
export function inlineIgnoreComment(id: string): string {
  return `vigil:ignore:${id}`;
}

// "Ignore this finding": an entry appended to the workspace's ignore file.

/** Vigil reads `.vigilignore` when it exists and otherwise Trivy's `.trivyignore`. */
export function ignoreFileName(existingNames: readonly string[]): '.vigilignore' | '.trivyignore' {
  return existingNames.includes('.vigilignore') ? '.vigilignore' : '.trivyignore';
}

export interface IgnoreEntryOptions {
  reason?: string;
  /** `YYYY-MM-DD`; Trivy stops honouring the entry after this date. */
  expires?: string;
}

/**
 * One entry in .trivyignore syntax: the reason as a comment line above the ID, and the
 * expiry as Trivy's `exp:` attribute after it.
 */
export function formatIgnoreLines(id: string, options: IgnoreEntryOptions = {}): string {
  if (options.expires !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.expires)) {
    throw new Error(`expiry must be a date like 2025-12-31, got "${options.expires}"`);
  }
  const lines: string[] = [];
  const reason = options.reason?.replace(/\s+/g, ' ').trim();
  if (reason) lines.push(`# ${reason}`);
  lines.push(options.expires ? `${id} exp:${options.expires}` : id);
  return lines.join('\n') + '\n';
}

/** The edit that appends `entry` to an ignore file's current text (empty when it does not exist). */
export function appendIgnoreEntry(currentText: string, entry: string): { offset: number; length: number; newText: string } {
  const separator = currentText.length > 0 && !currentText.endsWith('\n') ? '\n' : '';
  return { offset: currentText.length, length: 0, newText: separator + entry };
}

/** Whether the ignore file already lists `id` as an entry (comments and attributes aside). */
export function ignoreFileLists(text: string, id: string): boolean {
  return text.split(/\r?\n/).some(line => line.trim().split(/\s+/)[0] === id);
}

// "Ignore this finding": an entry appended to the workspace's ignore file.
import { formatIgnoreEntry } from '../ignore';

/** Vigil reads `.vigilignore` when it exists and otherwise Trivy's `.trivyignore`. */
export function ignoreFileName(existingNames: readonly string[]): '.vigilignore' | '.trivyignore' {
  return existingNames.includes('.vigilignore') ? '.vigilignore' : '.trivyignore';
}

/** One entry line in .trivyignore syntax (`ID exp:YYYY-MM-DD # reason`), newline included. */
export function formatIgnoreLine(id: string, options: { reason?: string; expires?: string } = {}): string {
  return formatIgnoreEntry(id, options) + '\n';
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

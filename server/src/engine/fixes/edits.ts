// Text edits as the engine computes them: offsets into the file's text, so any adapter
// (the LSP with its line/character positions, the CLI writing files) can apply them.

export interface TextEditAt {
  offset: number;
  length: number;
  newText: string;
}

/** An edit to one file, named relative to the scan root like FileResult.target. */
export interface FileEdit {
  file: string;
  edits: TextEditAt[];
}

/** A fix the engine proposes for a finding. `safe` fixes may be applied without review (fix-all). */
export interface EngineFix {
  title: string;
  changes: FileEdit[];
  safe: boolean;
}

/** Applies non-overlapping edits to a text, in any order. */
export function applyTextEdits(text: string, edits: TextEditAt[]): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset);
  let result = text;
  for (const edit of sorted) {
    result = result.slice(0, edit.offset) + edit.newText + result.slice(edit.offset + edit.length);
  }
  return result;
}

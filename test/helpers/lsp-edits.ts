// Applies LSP text edits (line/character ranges) to a text, as an editor would.
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { applyTextEdits } from '../../server/src/engine/fixes/edits';
import { LineIndex } from '../../server/src/engine/text';

export function applyLspEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  return applyTextEdits(text, edits.map(e => {
    const offset = lines.offset(e.range.start);
    return { offset, length: lines.offset(e.range.end) - offset, newText: e.newText };
  }));
}

/** Applies the TextDocumentEdits of a workspace edit to texts keyed by URI, creating files as asked. */
export function applyWorkspaceEdit(edit: WorkspaceEdit, texts: Map<string, string>): void {
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change) {
      if (change.kind === 'create' && !texts.has(change.uri)) texts.set(change.uri, '');
      continue;
    }
    const text = texts.get(change.textDocument.uri);
    if (text === undefined) throw new Error(`edit for unknown document ${change.textDocument.uri}`);
    texts.set(change.textDocument.uri, applyLspEdits(text, change.edits as TextEdit[]));
  }
}

// Quick-fixes for Vigil diagnostics. Pure: every text they edit comes in through `resolve`, and
// they return LSP code actions whose edits name the document version they were computed against.
import * as semver from 'semver';
import { major as pep440Major } from '@renovatebot/pep440';
import { CodeActionKind, type CodeAction, type Diagnostic, type TextDocumentEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { applyTextEdits, type TextEditAt } from '../engine/fixes/edits';
import { appendIgnoreEntry, formatIgnoreLine, ignoreFileLists } from '../engine/fixes/ignoreFile';
import { addOverrideEdits, bumpDependencyEdits, overrideStyleFor } from '../engine/fixes/packageJson';
import { pinRequirementEdits } from '../engine/fixes/requirements';
import type { Ecosystem } from '../engine/types';
import { lineOffsets, manifestFor, positionAt, SOURCE, type BumpPlan, type DependencyData, type VigilDiagnosticData, type VulnerabilityData } from './diagnostics';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.vigil`;
export const IGNORE_WITH_REASON_COMMAND = 'vigil.ignoreWithReason';

/** A document as the fix sees it: the open buffer with its version, or the file on disk (version null). */
export interface DocumentSnapshot {
  uri: string;
  version: number | null;
  text: string;
  /** False for a file that does not exist yet (an ignore file about to be created). */
  exists: boolean;
}

export interface CodeActionInput {
  /** The document the diagnostics belong to, relative path included. */
  document: DocumentSnapshot & { relPath: string };
  diagnostics: readonly Diagnostic[];
  /** Reads another file of the same workspace folder by relative path. */
  resolve(relPath: string): DocumentSnapshot | undefined;
  /** The ignore file entries go to (.vigilignore when present, else .trivyignore). */
  ignoreFile: DocumentSnapshot & { name: string };
  folderUri: string;
  /** The client can prompt for a reason and expiry (VS Code). */
  promptsForIgnoreReason: boolean;
}

/** One fix before it becomes an LSP action: edits per document. */
interface PlannedFix {
  title: string;
  safe: boolean;
  preferred: boolean;
  document: DocumentSnapshot;
  edits: TextEditAt[];
}

export function codeActions(input: CodeActionInput): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of input.diagnostics) {
    if (diagnostic.source !== SOURCE) continue;
    const data = diagnostic.data as VigilDiagnosticData | undefined;
    for (const fix of plannedFixes(input, data)) {
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.preferred, edit: toWorkspaceEdit([fix]) });
    }
    for (const id of ignorableIds(diagnostic, data)) {
      const ignore = ignoreFix(input, id, {});
      if (ignore) actions.push({ title: ignore.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: toWorkspaceEdit([ignore]) });
      if (input.promptsForIgnoreReason) {
        actions.push({
          title: `Ignore ${id} with a reason and expiry…`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic],
          command: { title: 'Ignore with reason', command: IGNORE_WITH_REASON_COMMAND, arguments: [{ folderUri: input.folderUri, id }] },
        });
      }
    }
  }
  return actions;
}

/**
 * `source.fixAll.vigil`: every safe fix for the document's diagnostics, applied one after the
 * other so that fixes touching the same file (two overrides, say) compose.
 */
export function fixAllAction(input: CodeActionInput): CodeAction | undefined {
  const byUri = new Map<string, { document: DocumentSnapshot; text: string; titles: string[] }>();
  const seen = new Set<string>();
  for (const diagnostic of input.diagnostics) {
    if (diagnostic.source !== SOURCE) continue;
    const data = diagnostic.data as VigilDiagnosticData | undefined;
    for (const fix of plannedFixes(input, data).filter(f => f.safe)) {
      if (seen.has(fix.title)) continue;
      seen.add(fix.title);
      const state = byUri.get(fix.document.uri) ?? { document: fix.document, text: fix.document.text, titles: [] };
      // Recompute against the text as earlier fixes left it.
      const again = plannedFixes({ ...input, ...rebase(input, fix.document.uri, state.text) }, data).find(f => f.title === fix.title);
      if (!again) continue;
      state.text = applyTextEdits(state.text, again.edits);
      state.titles.push(fix.title);
      byUri.set(fix.document.uri, state);
    }
  }
  if (byUri.size === 0) return undefined;
  const documentChanges: TextDocumentEdit[] = [...byUri.values()].map(({ document, text }) => ({
    textDocument: { uri: document.uri, version: document.version },
    edits: [{ range: { start: { line: 0, character: 0 }, end: positionAt(lineOffsets(document.text), document.text.length) }, newText: text }],
  }));
  const titles = [...byUri.values()].flatMap(s => s.titles);
  return { title: `Fix all safe Vigil findings (${titles.length})`, kind: FIX_ALL_KIND, edit: { documentChanges } };
}

/** The same input with one document's text replaced, as seen by the resolver and the document itself. */
function rebase(input: CodeActionInput, uri: string, text: string): Partial<CodeActionInput> {
  return {
    document: input.document.uri === uri ? { ...input.document, text } : input.document,
    resolve: (relPath: string) => {
      const found = relPath === input.document.relPath ? input.document : input.resolve(relPath);
      return found && found.uri === uri ? { ...found, text } : found;
    },
  };
}

function plannedFixes(input: CodeActionInput, data: VigilDiagnosticData | undefined): PlannedFix[] {
  if (data?.type === 'vulnerability') return vulnerabilityFixes(input, data);
  if (data?.type === 'dependency') return dependencyFixes(input, data);
  return [];
}

function read(input: CodeActionInput, relPath: string): DocumentSnapshot | undefined {
  return relPath === input.document.relPath ? input.document : input.resolve(relPath);
}

function vulnerabilityFixes(input: CodeActionInput, data: VulnerabilityData): PlannedFix[] {
  const fixes: PlannedFix[] = [];
  const bump = data.bump;
  if (!bump) return fixes;
  const safe = withinMajor(data.ecosystem, data.installedVersion, bump.version);
  if (data.ecosystem === 'PyPI') {
    const file = read(input, data.target);
    const edits = file && pinRequirementEdits(file.text, data.pkgName, bump.version);
    if (file && edits) fixes.push({ title: `Pin ${data.pkgName}==${bump.version}${fixesSuffix(bump)}`, safe, preferred: true, document: file, edits });
    return fixes;
  }
  const manifestPath = manifestFor(data.target);
  const manifest = manifestPath ? read(input, manifestPath) : undefined;
  if (!manifest || !manifestPath) return fixes;
  if (data.direct) {
    const planned = bumpDependencyEdits(manifest.text, data.pkgName, bump.version);
    if (planned) fixes.push({ title: `Update ${data.pkgName} to ${planned.spec} in ${manifestPath}${fixesSuffix(bump)}`, safe, preferred: true, document: manifest, edits: planned.edits });
  } else {
    const override = overrideFix(manifest, manifestPath, data.fileType, data.pkgName, data.installedVersion, bump, safe);
    if (override) fixes.push(override);
  }
  return fixes;
}

function dependencyFixes(input: CodeActionInput, data: DependencyData): PlannedFix[] {
  const fixes: PlannedFix[] = [];
  const manifest = input.document;
  if (data.bump && data.installedVersion) {
    const planned = bumpDependencyEdits(manifest.text, data.dependency, data.bump.version);
    const safe = withinMajor('npm', data.installedVersion, data.bump.version);
    if (planned) fixes.push({ title: `Update ${data.dependency} to ${planned.spec}${fixesSuffix(data.bump)}`, safe, preferred: true, document: manifest, edits: planned.edits });
  }
  for (const t of data.transitive) {
    if (!t.bump) continue;
    const override = overrideFix(manifest, input.document.relPath, data.fileType, t.name, t.installedVersion, t.bump, withinMajor('npm', t.installedVersion, t.bump.version));
    if (override) fixes.push(override);
  }
  return fixes;
}

function overrideFix(manifest: DocumentSnapshot, manifestPath: string, fileType: string, name: string, installed: string, bump: BumpPlan, safe: boolean): PlannedFix | undefined {
  const style = overrideStyleFor(fileType);
  if (!style) return undefined;
  const { edits, path } = addOverrideEdits(manifest.text, style, name, installed, bump.version);
  if (edits.length === 0) return undefined;
  const field = path.slice(0, -1).join('.');
  return { title: `Override ${name}@${installed} with ${bump.version} (${field} in ${manifestPath})${fixesSuffix(bump)}`, safe, preferred: false, document: manifest, edits };
}

function ignorableIds(diagnostic: Diagnostic, data: VigilDiagnosticData | undefined): string[] {
  if (data?.type === 'vulnerability') return [data.id];
  if (data?.type === 'dependency') return data.ids.slice(0, 5);
  return typeof diagnostic.code === 'string' && data?.type !== 'error' ? [diagnostic.code] : [];
}

/** The fix that appends `id` to the ignore file; undefined when it is already listed. */
export function ignoreFix(input: Pick<CodeActionInput, 'ignoreFile'>, id: string, options: { reason?: string; expires?: string }): PlannedFix | undefined {
  const file = input.ignoreFile;
  if (file.exists && ignoreFileLists(file.text, id)) return undefined;
  const edit = appendIgnoreEntry(file.text, formatIgnoreLine(id, options));
  return { title: `Ignore ${id} in ${file.name}`, safe: false, preferred: false, document: file, edits: [edit] };
}

/** Workspace edit for planned fixes; creates files that do not exist yet. */
export function toWorkspaceEdit(fixes: readonly PlannedFix[]): WorkspaceEdit {
  const documentChanges: WorkspaceEdit['documentChanges'] = [];
  for (const fix of fixes) {
    if (!fix.document.exists) documentChanges.push({ kind: 'create', uri: fix.document.uri, options: { ignoreIfExists: true } });
    const starts = lineOffsets(fix.document.text);
    documentChanges.push({
      textDocument: { uri: fix.document.uri, version: fix.document.exists ? fix.document.version : null },
      edits: fix.edits.map(e => ({
        range: { start: positionAt(starts, e.offset), end: positionAt(starts, e.offset + e.length) },
        newText: e.newText,
      })),
    });
  }
  return { documentChanges };
}

function fixesSuffix(bump: BumpPlan): string {
  const fixed = ` (fixes ${bump.fixes.length})`;
  return bump.unfixable.length > 0 ? `${fixed.slice(0, -1)}; ${bump.unfixable.length} have no fix)` : fixed;
}

/** Whether moving to `target` stays within the installed release line, so fix-all may apply it. */
export function withinMajor(ecosystem: Ecosystem, installed: string, target: string): boolean {
  if (ecosystem === 'PyPI') {
    try {
      return pep440Major(installed) === pep440Major(target);
    } catch {
      return false;
    }
  }
  const a = semver.coerce(installed);
  const b = semver.coerce(target);
  if (!a || !b) return false;
  return a.major === 0 ? b.major === 0 && a.minor === b.minor : a.major === b.major;
}


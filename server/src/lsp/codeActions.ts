// Quick-fixes for Vigil diagnostics. Pure: every text they edit comes in through `resolve`, and
// they return LSP code actions whose edits name the document version they were computed against.
import * as semver from 'semver';
import { major as pep440Major } from '@renovatebot/pep440';
import { CodeActionKind, type CodeAction, type Diagnostic, type TextDocumentEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { applyTextEdits, type TextEditAt } from '../engine/fixes/edits';
import { appendIgnoreEntry, formatIgnoreLine, ignoreFileLists } from '../engine/fixes/ignoreFile';
import { openVexLists, openVexWithStatement } from '../engine/fixes/openvexFile';
import { inlineIgnoreComment } from '../engine/inline-ignore';
import { declaredDependency, manifestFormatFor, type ManifestFormat } from '../engine/fixes/manifests';
import { analyzerOfType, manifestFor } from '../engine/analyzers';
import { pinRequirementEdits } from '../engine/fixes/requirements';
import type { Ecosystem } from '../engine/types';
import { SOURCE, type BumpPlan, type DependencyData, type FindingData, type VigilDiagnosticData, type VulnerabilityData } from './diagnostics';
import { LineIndex } from '../engine/text';

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
  /** With `vigil.ignoreFile` set to openvex: the OpenVEX document vulnerabilities are ignored in instead. */
  vexFile?: DocumentSnapshot & { name: string };
  folderUri: string;
  /** The client can prompt for a reason and expiry (VS Code). */
  promptsForIgnoreReason: boolean;
  /** The client shows disabled actions with their reason (`codeAction.disabledSupport`). */
  showsDisabledActions?: boolean;
}

/** One fix before it becomes an LSP action: edits per document. */
interface PlannedFix {
  title: string;
  safe: boolean;
  preferred: boolean;
  changes: DocumentChange[];
  /** Why the fix cannot be made here (the version is a parent POM's): shown, never applied. */
  disabled?: string;
}

interface DocumentChange {
  document: DocumentSnapshot;
  edits: TextEditAt[];
}

export function codeActions(input: CodeActionInput): CodeAction[] {
  // Many diagnostics on one line often share a fix ("Pin Django==2.2.28" resolves all 29 Django
  // advisories): offer each action once, naming every diagnostic it resolves.
  const byTitle = new Map<string, CodeAction>();
  const offer = (diagnostic: Diagnostic, action: Omit<CodeAction, 'diagnostics' | 'kind'>) => {
    const existing = byTitle.get(action.title);
    if (existing) existing.diagnostics!.push(diagnostic);
    else byTitle.set(action.title, { ...action, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic] });
  };
  for (const diagnostic of input.diagnostics) {
    if (diagnostic.source !== SOURCE) continue;
    const data = diagnostic.data as VigilDiagnosticData | undefined;
    for (const fix of plannedFixes(input, data)) {
      if (fix.disabled === undefined) offer(diagnostic, { title: fix.title, isPreferred: fix.preferred, edit: toWorkspaceEdit([fix]) });
      else if (input.showsDisabledActions) offer(diagnostic, { title: fix.title, disabled: { reason: fix.disabled } });
    }
    const comment = inlineIgnoreFix(input, diagnostic, data);
    if (comment) offer(diagnostic, { title: comment.title, edit: toWorkspaceEdit([comment]) });
    // A vulnerability with a package URL goes to the OpenVEX document when the setting says so.
    const purl = input.vexFile && data?.type === 'vulnerability' ? data.purl : undefined;
    for (const id of ignorableIds(diagnostic, data)) {
      const ignore = purl ? vexFixOrNone(input, id, purl) : ignoreFix(input, id, {});
      if (ignore) offer(diagnostic, { title: ignore.title, edit: toWorkspaceEdit([ignore]) });
      if (input.promptsForIgnoreReason) {
        offer(diagnostic, {
          title: `Ignore ${id} with a reason and expiry…`,
          command: { title: 'Ignore with reason', command: IGNORE_WITH_REASON_COMMAND, arguments: [{ folderUri: input.folderUri, id, ...(purl ? { purl } : {}) }] },
        });
      }
    }
  }
  return [...byTitle.values()];
}

/**
 * `source.fixAll.vigil`: every safe fix for the document's diagnostics, applied one after the
 * other so that fixes touching the same file (two overrides, say) compose. The engine's own fixes
 * (offsets into the analyzed text) go first, all at once, leaving out any that overlap an earlier
 * one; the version bumps and overrides are then recomputed against the text as they left it.
 */
export function fixAllAction(input: CodeActionInput): CodeAction | undefined {
  const byUri = new Map<string, { document: DocumentSnapshot; text: string; titles: string[] }>();
  const stateOf = (document: DocumentSnapshot) => {
    const state = byUri.get(document.uri) ?? { document, text: document.text, titles: [] };
    byUri.set(document.uri, state);
    return state;
  };
  const vigilDiagnostics = input.diagnostics.filter(d => d.source === SOURCE);
  const dataOf = (diagnostic: Diagnostic) => diagnostic.data as VigilDiagnosticData | undefined;
  const seen = new Set<string>();

  const engineFixes = vigilDiagnostics.filter(d => dataOf(d)?.type === 'finding').flatMap(d => plannedFixes(input, dataOf(d)).filter(f => f.safe));
  const accepted = new Map<string, TextEditAt[]>();
  for (const fix of engineFixes) {
    if (seen.has(fix.title)) continue;
    seen.add(fix.title);
    const clashes = fix.changes.some(c => c.edits.some(e => (accepted.get(c.document.uri) ?? []).some(a => overlaps(a, e))));
    if (clashes) continue;
    for (const change of fix.changes) accepted.set(change.document.uri, [...accepted.get(change.document.uri) ?? [], ...change.edits]);
    stateOf(fix.changes[0].document).titles.push(fix.title);
  }
  for (const fix of engineFixes) {
    for (const change of fix.changes) {
      const edits = accepted.get(change.document.uri);
      if (!edits) continue;
      stateOf(change.document).text = applyTextEdits(change.document.text, edits);
      accepted.delete(change.document.uri);
    }
  }

  for (const diagnostic of vigilDiagnostics) {
    const data = dataOf(diagnostic);
    if (data?.type === 'finding') continue;
    for (const fix of plannedFixes(input, data).filter(f => f.safe)) {
      if (seen.has(fix.title)) continue;
      seen.add(fix.title);
      // Recompute against the texts as earlier fixes left them.
      const texts = new Map([...byUri].map(([uri, state]) => [uri, state.text]));
      const again = plannedFixes({ ...input, ...rebase(input, texts) }, data).find(f => f.title === fix.title);
      if (!again) continue;
      for (const change of again.changes) {
        const state = stateOf(fix.changes.find(c => c.document.uri === change.document.uri)?.document ?? change.document);
        state.text = applyTextEdits(state.text, change.edits);
      }
      stateOf(fix.changes[0].document).titles.push(fix.title);
    }
  }
  const changed = [...byUri.values()].filter(s => s.text !== s.document.text);
  if (changed.length === 0) return undefined;
  const documentChanges: TextDocumentEdit[] = changed.map(({ document, text }) => ({
    textDocument: { uri: document.uri, version: document.version },
    edits: [{ range: { start: { line: 0, character: 0 }, end: new LineIndex(document.text).position(document.text.length) }, newText: text }],
  }));
  const titles = [...byUri.values()].flatMap(s => s.titles);
  return { title: `Fix all safe Vigil findings (${titles.length})`, kind: FIX_ALL_KIND, edit: { documentChanges } };
}

function overlaps(a: TextEditAt, b: TextEditAt): boolean {
  return a.offset < b.offset + b.length && b.offset < a.offset + a.length || a.offset === b.offset;
}

/** The same input with some documents' texts replaced, as seen by the resolver and the document itself. */
function rebase(input: CodeActionInput, texts: Map<string, string>): Partial<CodeActionInput> {
  const withText = <T extends DocumentSnapshot>(found: T): T => (texts.has(found.uri) ? { ...found, text: texts.get(found.uri)! } : found);
  return {
    document: withText(input.document),
    resolve: (relPath: string) => {
      const found = relPath === input.document.relPath ? input.document : input.resolve(relPath);
      return found && withText(found);
    },
  };
}

function plannedFixes(input: CodeActionInput, data: VigilDiagnosticData | undefined): PlannedFix[] {
  if (data?.type === 'vulnerability') return vulnerabilityFixes(input, data);
  if (data?.type === 'dependency') return dependencyFixes(input, data);
  if (data?.type === 'finding') return engineFixes(input, data);
  return [];
}

/** The fix the engine attached to a misconfiguration, secret or license, on the files it names. */
function engineFixes(input: CodeActionInput, data: FindingData): PlannedFix[] {
  if (!data.fix) return [];
  const changes: DocumentChange[] = [];
  for (const change of data.fix.changes) {
    const document = read(input, change.file);
    if (!document) return [];
    const outOfRange = change.edits.some(e => e.offset < 0 || e.offset + e.length > document.text.length);
    if (outOfRange) return [];
    changes.push({ document, edits: change.edits });
  }
  return changes.length > 0 ? [{ title: data.fix.title, safe: data.fix.safe, preferred: true, changes }] : [];
}

function read(input: CodeActionInput, relPath: string): DocumentSnapshot | undefined {
  return relPath === input.document.relPath ? input.document : input.resolve(relPath);
}

function vulnerabilityFixes(input: CodeActionInput, data: VulnerabilityData): PlannedFix[] {
  const fixes: PlannedFix[] = [];
  const bump = data.bump;
  if (!bump) return fixes;
  const safe = withinMajor(data.ecosystem, data.installedVersion, bump.version);
  if (analyzerOfType(data.fileType)?.fixes === 'pip-pin') {
    const file = read(input, data.target);
    const edits = file && pinRequirementEdits(file.text, data.pkgName, bump.version);
    if (file && edits) fixes.push({ title: `Pin ${data.pkgName}==${bump.version}${fixesSuffix(bump)}`, safe, preferred: true, changes: [{ document: file, edits }] });
    return fixes;
  }
  // A lockfile's packages are fixed in the manifest beside it; a manifest that is also the
  // analyzed file (go.mod, pom.xml, *.csproj) is fixed in place.
  const manifestPath = manifestFor(data.target) ?? data.target;
  const format = manifestFormatFor(manifestPath);
  const manifest = format && read(input, manifestPath);
  if (!format || !manifest) return fixes;
  // What the manifest declares is bumped there, never overridden: npm refuses an override that
  // conflicts with a direct dependency (EOVERRIDE), whatever the lockfile says of this copy.
  if (data.direct || declaredDependency(format, manifest.text, data.pkgName)) {
    const bumpFix = manifestBump(format, manifest, data.pkgName, bump, safe);
    if (bumpFix) fixes.push({ ...bumpFix, title: `${bumpFix.title} in ${manifestPath}${fixesSuffix(bump)}` });
  } else {
    const override = overrideFix(format, manifest, manifestPath, data.fileType, data.pkgName, data.installedVersion, bump, safe);
    if (override) fixes.push(override);
  }
  return fixes;
}

function dependencyFixes(input: CodeActionInput, data: DependencyData): PlannedFix[] {
  const fixes: PlannedFix[] = [];
  const manifest = input.document;
  const format = manifestFormatFor(manifest.relPath);
  if (!format) return fixes;
  const ecosystem = analyzerOfType(data.fileType)?.ecosystem ?? format.ecosystem;
  if (data.bump && data.installedVersion) {
    // A workspace member's manifest can take a version from the root's, beside the lockfile.
    const rootPath = manifestFor(data.lockfile);
    const rootDocument = rootPath && rootPath !== manifest.relPath ? input.resolve(rootPath) : undefined;
    const root = rootDocument && { document: rootDocument, relPath: rootPath! };
    const bumpFix = manifestBump(format, manifest, data.dependency, data.bump, withinMajor(ecosystem, data.installedVersion, data.bump.version), root);
    if (bumpFix) fixes.push({ ...bumpFix, title: `${bumpFix.title}${fixesSuffix(data.bump)}` });
  }
  for (const t of data.transitive) {
    // A package the manifest also declares gets its own line's bump, not an override (see above).
    if (!t.bump || declaredDependency(format, manifest.text, t.name)) continue;
    const override = overrideFix(format, manifest, manifest.relPath, data.fileType, t.name, t.installedVersion, t.bump, withinMajor(ecosystem, t.installedVersion, t.bump.version));
    if (override) fixes.push(override);
  }
  return fixes;
}

/**
 * The bump of a declared dependency, titled without its suffixes; a disabled one that says why
 * where the manifest declares it but does not hold its version. A declaration that inherits its
 * version from the workspace root's manifest (`root`, when there is one) is bumped there.
 */
function manifestBump(format: ManifestFormat, manifest: DocumentSnapshot, name: string, bump: BumpPlan, safe: boolean, root?: { document: DocumentSnapshot; relPath: string }): PlannedFix | undefined {
  const declared = declaredDependency(format, manifest.text, name);
  const declaredName = declared?.name ?? name;
  if (declared && format.inheritsVersion?.(manifest.text, declaredName)) {
    const planned = root && format.bump(root.document.text, declaredName, bump.version);
    if (planned) return { title: `Update ${declaredName} to ${planned.spec} in the workspace's ${root.relPath}`, safe, preferred: true, changes: [{ document: root.document, edits: planned.edits }] };
    const why = `its version is inherited from the workspace root's manifest, ${root ? 'which does not name one to raise' : 'which could not be read'}`;
    return { title: `Update ${declaredName} to ${bump.version}`, safe: false, preferred: false, changes: [], disabled: why };
  }
  const planned = format.bump(manifest.text, declaredName, bump.version);
  if (planned) return { title: `Update ${declaredName} to ${planned.spec}`, safe, preferred: true, changes: [{ document: manifest, edits: planned.edits }] };
  const why = declared && format.whyNoBump?.(manifest.text, declaredName);
  return why === undefined ? undefined : { title: `Update ${declaredName} to ${bump.version}`, safe: false, preferred: false, changes: [], disabled: why };
}

function overrideFix(format: ManifestFormat, manifest: DocumentSnapshot, manifestPath: string, fileType: string, name: string, installed: string, bump: BumpPlan, safe: boolean): PlannedFix | undefined {
  const override = format.override?.(manifest.text, name, installed, bump.version, analyzerOfType(fileType)?.fixes ?? 'none');
  if (!override) return undefined;
  return {
    title: `Override ${name}@${installed} with ${bump.version} (${override.field} in ${manifestPath}; regenerate the lockfile)${fixesSuffix(bump)}`,
    safe, preferred: false, changes: [{ document: manifest, edits: override.edits }],
  };
}

function ignorableIds(diagnostic: Diagnostic, data: VigilDiagnosticData | undefined): string[] {
  if (data?.type === 'vulnerability') return [data.id];
  if (data?.type === 'dependency') return data.ids.slice(0, 5);
  if (data?.type === 'finding') return [data.ruleId];
  return typeof diagnostic.code === 'string' && data?.type !== 'error' ? [diagnostic.code] : [];
}

/** The fix that appends `id` to the ignore file; undefined when it is already listed. */
export function ignoreFix(input: Pick<CodeActionInput, 'ignoreFile'>, id: string, options: { reason?: string; expires?: string }): PlannedFix | undefined {
  const file = input.ignoreFile;
  if (file.exists && ignoreFileLists(file.text, id)) return undefined;
  const edit = appendIgnoreEntry(file.text, formatIgnoreLine(id, options));
  return { title: `Ignore ${id} in ${file.name}`, safe: false, preferred: false, changes: [{ document: file, edits: [edit] }] };
}

/** No action when the OpenVEX document cannot take a statement: its own diagnostic says why. */
function vexFixOrNone(input: Pick<CodeActionInput, 'vexFile'>, id: string, purl: string): PlannedFix | undefined {
  try {
    return vexIgnoreFix(input, id, purl, {});
  } catch {
    return undefined;
  }
}

/** The fix that adds a not_affected statement on `id` for the package `purl` to the OpenVEX document; undefined when it has one. */
export function vexIgnoreFix(input: Pick<CodeActionInput, 'vexFile'>, id: string, purl: string, options: { reason?: string; expires?: string }): PlannedFix | undefined {
  const file = input.vexFile;
  if (!file) return undefined;
  if (file.exists && file.text.trim() && openVexLists(file.text, id, purl)) return undefined;
  const newText = openVexWithStatement(file.exists ? file.text : '', { id, purl, ...options });
  return {
    title: `Mark ${id} not affected in ${file.name} (OpenVEX)`, safe: false, preferred: false,
    changes: [{ document: file, edits: [{ offset: 0, length: file.exists ? file.text.length : 0, newText }] }],
  };
}

/**
 * The ID an inline `#` comment can ignore: a vulnerability's, or a misconfiguration's rule (the
 * formats with misconfiguration checks all take `#` comments; a secret can sit in any language).
 */
function inlineIgnorable(data: VigilDiagnosticData | undefined): { id: string; fileType: string; target: string } | undefined {
  if (data?.type === 'vulnerability') return { id: data.id, fileType: data.fileType, target: data.target };
  if (data?.type === 'finding' && data.kind === 'misconfiguration') return { id: data.ruleId, fileType: data.fileType, target: data.target };
  return undefined;
}

/**
 * `# vigil:ignore:ID` for a finding in a file whose format has comments and whose analyzer reads
 * them: appended to an ignore comment just above the finding's line, else on a new line above it.
 */
export function inlineIgnoreFix(input: Pick<CodeActionInput, 'document'>, diagnostic: Diagnostic, data: VigilDiagnosticData | undefined): PlannedFix | undefined {
  const ignorable = inlineIgnorable(data);
  if (!ignorable || !analyzerOfType(ignorable.fileType)?.inlineIgnores || ignorable.target !== input.document.relPath) return undefined;
  // A type's analyzer can read a JSON syntax too (Terraform's .tf.json), which has no comments.
  if (input.document.relPath.endsWith('.json')) return undefined;
  const { id } = ignorable;
  const { text } = input.document;
  const lines = new LineIndex(text);
  const line = diagnostic.range.start.line;
  if (line >= lines.lineCount) return undefined;
  const comment = inlineIgnoreComment(id);
  const above = line > 0 ? lines.line(line - 1) : undefined;
  const title = `Ignore ${id} on this line (comment)`;
  let edit: TextEditAt;
  if (above !== undefined && /^\s*#.*\b(?:vigil|trivy):ignore:/.test(above)) {
    if (above.includes(comment)) return undefined;
    edit = { offset: lines.offset({ line: line - 1, character: above.length }), length: 0, newText: ` ${comment}` };
  } else {
    const indent = /^\s*/.exec(lines.line(line))![0];
    const newline = text.includes('\r\n') ? '\r\n' : '\n';
    edit = { offset: lines.offset({ line, character: 0 }), length: 0, newText: `${indent}# ${comment}${newline}` };
  }
  return { title, safe: false, preferred: false, changes: [{ document: input.document, edits: [edit] }] };
}

/** Workspace edit for planned fixes; creates files that do not exist yet. */
export function toWorkspaceEdit(fixes: readonly PlannedFix[]): WorkspaceEdit {
  const documentChanges: WorkspaceEdit['documentChanges'] = [];
  for (const { document, edits } of fixes.flatMap(f => f.changes)) {
    if (!document.exists) documentChanges.push({ kind: 'create', uri: document.uri, options: { ignoreIfExists: true } });
    const lines = new LineIndex(document.text);
    documentChanges.push({
      textDocument: { uri: document.uri, version: document.exists ? document.version : null },
      edits: edits.map(e => ({
        range: { start: lines.position(e.offset), end: lines.position(e.offset + e.length) },
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


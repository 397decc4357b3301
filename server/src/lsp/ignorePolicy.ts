// A folder's .trivyignore / .vigilignore files and its OpenVEX document (.vex/vigil.openvex.json,
// where the editor's "ignore" can write): the policies scans apply, and the problems found in the
// files themselves, shown as diagnostics on them. Read through the workspace so unsaved edits count.
import * as path from 'node:path';
import type { IgnorePolicy } from '../engine';
import { checkFoundFile } from '../engine/found-files';
import { createIgnorePolicy, IGNORE_FILE_NAMES, parseIgnoreFile, type IgnoreEntry, type IgnoreWarning } from '../engine/ignore';
import { EDITOR_VEX_FILE } from '../engine/fixes/openvexFile';
import { createVexPolicy, parseVexDocument, type VexPolicy } from '../engine/vex';
import { emptyView, SOURCE, type FileView } from './diagnostics';
import type { Folder, Workspace } from './workspace';

/** An ignore file, or the editor's OpenVEX document: a change to it changes what the folder reports. */
export function isIgnoreFile(fsPath: string): boolean {
  return IGNORE_FILE_NAMES.includes(path.basename(fsPath)) || fsPath.endsWith(path.join(...EDITOR_VEX_FILE.split('/')));
}

/** The folder's OpenVEX document, where it is or would be. */
export function vexFileOf(folder: Folder): string {
  return path.join(folder.fsPath, ...EDITOR_VEX_FILE.split('/'));
}

/** Where a folder's ignore files (and its OpenVEX document) are or would be. */
export function ignoreFilesOf(folder: Folder): string[] {
  return [...IGNORE_FILE_NAMES.map(name => path.join(folder.fsPath, name)), vexFileOf(folder)];
}

/** The folder's OpenVEX document as a policy, parsed on first use and kept until it changes; none when it is absent or unreadable. */
export function vexPolicyFor(folder: Folder, workspace: Workspace): VexPolicy | undefined {
  if (!folder.vex) {
    const file = vexFileOf(folder);
    const found = checkFoundFile(file, folder.fsPath);
    const text = found.kind === 'refused' ? undefined : workspace.readText(file);
    if (found.kind === 'refused') folder.vex = { problem: `VEX document ${found.reason}` };
    else if (text === undefined || text.trim() === '') folder.vex = {};
    else {
      try {
        folder.vex = { policy: createVexPolicy([parseVexDocument(text, EDITOR_VEX_FILE)]) };
      } catch (error) {
        folder.vex = { problem: (error as Error).message };
      }
    }
  }
  return folder.vex.policy;
}

/** The folder's ignore policy, parsed on first use and kept on the folder until an ignore file changes. */
export function ignorePolicyFor(folder: Folder, workspace: Workspace): IgnorePolicy {
  if (!folder.ignore) {
    const entries: IgnoreEntry[] = [];
    const warnings: IgnoreWarning[] = [];
    const missing: string[] = [];
    for (const file of ignoreFilesOf(folder)) {
      // Found by its name, so written by whoever wrote the repository: never read through a link
      // out of the folder, and parsed without quoting its text.
      const found = checkFoundFile(file, folder.fsPath);
      if (found.kind === 'refused') {
        warnings.push({ file, message: `ignore file ${found.reason}` });
        continue;
      }
      const text = workspace.readText(file);
      if (text === undefined) {
        missing.push(file);
        continue;
      }
      const parsed = parseIgnoreFile(text, file);
      entries.push(...parsed.entries);
      warnings.push(...parsed.warnings);
    }
    folder.ignore = createIgnorePolicy(entries, warnings, missing);
  }
  return folder.ignore;
}

/** The problems of one ignore file (bad lines, expired entries) as its own diagnostics. */
export function ignoreFileView(folder: Folder, fsPath: string, workspace: Workspace): FileView {
  const view = emptyView();
  if (fsPath === vexFileOf(folder)) {
    vexPolicyFor(folder, workspace);
    const problem = folder.vex?.problem;
    if (problem) {
      view.diagnostics.push({ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, severity: 2, source: SOURCE, code: 'VIGIL-VEX-FILE', message: problem });
      view.findings.push({ type: 'ignore-file', id: 'VIGIL-VEX-FILE', severity: 'LOW', message: problem, line: 0, character: 0 });
    }
    return view;
  }
  for (const problem of ignorePolicyFor(folder, workspace).problems.filter(p => p.file === fsPath)) {
    const line = Math.max(0, (problem.line ?? 1) - 1);
    view.diagnostics.push({ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, severity: 2, source: SOURCE, code: 'VIGIL-IGNORE-FILE', message: problem.message });
    view.findings.push({ type: 'ignore-file', id: 'VIGIL-IGNORE-FILE', severity: 'LOW', message: problem.message, line, character: 0 });
  }
  return view;
}

// Turns the latest analyses into what the client sees for each file: diagnostics plus the matching
// vigil/findings notification. A package.json shows its lockfile's findings too, and an ignore file
// its own problems. The last published view of each file backs hovers and fix-all.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { errorView, manifestLicenseView, manifestView, mergeViews, resultView, type FileView } from './diagnostics';
import type { FolderSettings } from './folderSettings';
import { ignoreFilesOf, ignoreFileView, isIgnoreFile } from './ignorePolicy';
import { FindingsNotification, type FindingsParams } from './protocol';
import type { FileState } from './scanning';
import type { FileResult } from '../engine/types';
import { isInside, relPathOf, type Folder, type Workspace } from './workspace';
import { filesWithManifest, manifestFor } from '../engine/analyzers';
import { manifestFormatFor } from '../engine/fixes/manifests';

/** For the package.json of an installed package (`app/node_modules/x/package.json`), the project's package.json (`app/package.json`). */
export function projectOfInstalled(fsPath: string): string | undefined {
  const parts = fsPath.split(path.sep);
  const at = parts.indexOf('node_modules');
  return at < 0 ? undefined : [...parts.slice(0, at), 'package.json'].join(path.sep);
}

export class Publisher {
  private readonly views = new Map<string, FileView>();
  /** The URI each file was published under, so clearing it later uses the same spelling. */
  private readonly publishedUris = new Map<string, string>();
  private shuttingDown = false;

  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    private readonly settings: FolderSettings,
    private readonly analyses: ReadonlyMap<string, FileState>,
  ) {}

  /** What was last published for a file, if it has any diagnostics. */
  viewOf(fsPath: string): FileView | undefined {
    return this.views.get(fsPath);
  }

  uriOf(fsPath: string): string {
    return this.publishedUris.get(fsPath) ?? this.workspace.documentFor(fsPath)?.uri ?? pathToFileURL(fsPath).href;
  }

  /**
   * Publishes each file once: the files, then the package.json beside each lockfile among them, then `alsoAfter`.
   * A file inside node_modules (an installed package's metadata) is not published itself: its
   * license shows on the dependency's line in the project's package.json.
   */
  async publishWithManifests(fsPaths: Iterable<string>, alsoAfter: Iterable<string> = []): Promise<void> {
    const toPublish = new Set<string>();
    for (const fsPath of fsPaths) {
      const project = projectOfInstalled(fsPath);
      toPublish.add(project ?? fsPath);
      const manifest = project ? undefined : manifestFor(path.basename(fsPath));
      if (!manifest) continue;
      toPublish.add(path.join(path.dirname(fsPath), manifest));
      // A workspace lockfile's findings also show in each member's manifest.
      for (const member of membersOf(this.analyses.get(fsPath))) toPublish.add(path.join(path.dirname(fsPath), ...member.split('/'), manifest));
    }
    for (const fsPath of alsoAfter) toPublish.add(fsPath);
    for (const fsPath of toPublish) await this.publish(fsPath);
  }

  /** Sends a file's current view, or clears it; files that never had diagnostics stay silent. */
  async publish(fsPath: string): Promise<void> {
    if (this.shuttingDown) return;
    const view = await this.currentView(fsPath);
    const uri = this.uriOf(fsPath);
    const hadDiagnostics = (this.views.get(fsPath)?.diagnostics.length ?? 0) > 0;
    if (view.diagnostics.length === 0 && !hadDiagnostics && !this.views.has(fsPath)) return;
    if (view.diagnostics.length === 0) {
      this.views.delete(fsPath);
      this.publishedUris.delete(fsPath);
    } else {
      this.views.set(fsPath, view);
      this.publishedUris.set(fsPath, uri);
    }
    const version = this.workspace.documentFor(fsPath)?.version;
    await this.connection.sendDiagnostics({ uri, version, diagnostics: view.diagnostics });
    await this.connection.sendNotification(FindingsNotification, { uri, findings: view.findings } satisfies FindingsParams);
  }

  /**
   * Re-publishes the published files of a folder whose analyses were dropped (the folder was
   * removed): matched by path, since the folder is no longer in the workspace's list.
   */
  republishFolder(folder: Folder): void {
    for (const fsPath of [...this.views.keys()]) if (isInside(folder, fsPath)) void this.publish(fsPath);
  }

  dispose(): void {
    this.shuttingDown = true;
  }

  private async currentView(fsPath: string): Promise<FileView> {
    const folder = this.workspace.folderOf(fsPath);
    const settings = await this.settings.for(folder);
    const state = this.analyses.get(fsPath);
    const parts: FileView[] = [];
    for (const error of state?.errors ?? []) parts.push(errorView(error));
    for (const result of state?.results ?? []) parts.push(resultView(result, settings.severityMap));
    const lock = this.lockStateFor(folder, fsPath);
    const format = manifestFormatFor(fsPath);
    if (lock && format) {
      const text = this.workspace.readText(fsPath);
      if (text !== undefined) for (const result of lock.state.results) parts.push(manifestView(text, ofMember(result, lock.member), settings.severityMap, format));
    }
    if (isIgnoreFile(fsPath) && ignoreFilesOf(folder).includes(fsPath)) parts.push(ignoreFileView(folder, fsPath, this.workspace));
    if (path.basename(fsPath) === 'package.json' && !projectOfInstalled(fsPath)) {
      const text = this.workspace.readText(fsPath);
      const installed = (name: string) => this.analyses.get(path.join(path.dirname(fsPath), 'node_modules', ...name.split('/'), 'package.json'));
      if (text !== undefined) {
        parts.push(manifestLicenseView(text, relPathOf(folder, fsPath), name => installed(name)?.results.flatMap(r => r.licenses) ?? [], settings.severityMap));
      }
    }
    return mergeViews(...parts);
  }

  /**
   * The analyzed lockfile whose manifest this file is, and the project of the lockfile it declares:
   * `''` for the lockfile beside it (package-lock.json beside a package.json), else the member's
   * folder for a workspace lockfile in a folder above that names this one as a member.
   */
  private lockStateFor(folder: Folder, manifestPath: string): { state: FileState; member: string } | undefined {
    const relPath = relPathOf(folder, manifestPath);
    const name = path.posix.basename(relPath);
    const manifestDir = path.posix.dirname(relPath);
    for (let dir = manifestDir; ; dir = path.posix.dirname(dir)) {
      const member = dir === manifestDir ? '' : dir === '.' ? manifestDir : manifestDir.slice(dir.length + 1);
      for (const lockfile of filesWithManifest(dir === '.' ? name : `${dir}/${name}`)) {
        const state = this.analyses.get(path.join(folder.fsPath, ...lockfile.split('/')));
        if (!state || state.results.length === 0) continue;
        if (member === '' || membersOf(state).has(member)) return { state, member };
      }
      if (dir === '.') return undefined;
    }
  }
}

/** The workspace members a lockfile's packages are attributed to, the root left out; worked out once per analysis. */
function membersOf(state: FileState | undefined): ReadonlySet<string> {
  if (!state) return new Set();
  let members = membersByAnalysis.get(state);
  if (!members) {
    members = new Set();
    for (const result of state.results) for (const pkg of result.packages) for (const member of pkg.members ?? []) if (member !== '') members.add(member);
    membersByAnalysis.set(state, members);
  }
  return members;
}

/** Each analysis is a new FileState: the entry goes with the analysis it was worked out from. */
const membersByAnalysis = new WeakMap<FileState, Set<string>>();

/**
 * A lockfile result as one project of its workspace sees it: only the findings of packages that
 * project pulls in. The root of a workspace that is no project itself (Cargo's virtual workspace)
 * sees them all: its manifest sets the versions its members inherit (`[workspace.dependencies]`).
 */
function ofMember(result: FileResult, member: string): FileResult {
  if (!result.packages.some(pkg => pkg.members)) return result;
  if (member === '' && !result.packages.some(pkg => pkg.members?.includes(''))) return result;
  const owned = new Set(result.packages.filter(pkg => pkg.members?.includes(member)).map(pkg => pkg.id));
  return { ...result, vulnerabilities: result.vulnerabilities.filter(vuln => owned.has(vuln.pkgId)) };
}

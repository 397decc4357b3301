// Decides what to analyze and when: a whole folder in the background (with cancellable progress),
// one file after an edit or a change on disk (debounced), or just the files already known when
// something they depend on changed (ignore files, the DB, settings). Every path ends in publishing.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver/node';
import { claimsFile, DiskSource, OverlaySource, scanFile, scanPath, type FileError, type FileResult, type FileSource, type ScanOptions } from '../engine';
import { filesReading, nameMatches, watchedFileNames } from '../engine/analyzers';
import type { Databases } from './dbState';
import { cacheDirOf, type FolderSettings } from './folderSettings';
import { ignoreFilesOf, ignorePolicyFor, isIgnoreFile, vexPolicyFor } from './ignorePolicy';
import type { Publisher } from './publish';
import { notAvailableYet, severitiesFrom } from './settings';
import { isInside, relPathOf, type Folder, type Log, type Workspace } from './workspace';

/** The latest analysis of one file, from disk (workspace scan, watcher) or from its open buffer. */
export interface FileState {
  fsPath: string;
  folder: Folder;
  relPath: string;
  /** One result per class of analyzer that read the file (packages, secrets, ...). */
  results: FileResult[];
  /** Analyzers that could not read it. */
  errors: FileError[];
}

/** Every analyzed file by path; shared with the publisher, which reads it. */
export type Analyses = Map<string, FileState>;

export interface ScannerDeps {
  connection: Connection;
  workspace: Workspace;
  settings: FolderSettings;
  dbs: Databases;
  publisher: Publisher;
  analyses: Analyses;
  log: Log;
  /** A folder scan started or ended: the server sends vigil/status. */
  statusChanged(): void;
}

export class Scanner {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private folderScans = 0;
  /** Messages about settings this version cannot honour, each shown once. */
  private readonly toldNotAvailable = new Set<string>();

  constructor(private readonly deps: ScannerDeps) {}

  /** Whether a folder scan is running, for vigil/status. */
  get busy(): boolean {
    return this.folderScans > 0;
  }

  /** Scans a file after `delay` ms; a newer request for the same file replaces this one. */
  scheduleScan(fsPath: string, delay: number): void {
    clearTimeout(this.timers.get(fsPath));
    this.timers.set(fsPath, setTimeout(() => {
      this.timers.delete(fsPath);
      void this.scanOne(fsPath).catch(error => this.deps.log(`scan of ${fsPath} failed: ${(error as Error).stack ?? error}`));
    }, delay));
  }

  /** Whether a change on disk to this path can change any result (the file watcher reports everything). */
  mayAffectResults(fsPath: string): boolean {
    const parts = fsPath.split(path.sep);
    if (parts.includes('node_modules') || parts.includes('.git')) return false;
    const name = path.basename(fsPath);
    return isIgnoreFile(fsPath) || this.deps.analyses.has(fsPath) || watchedFileNames().some(pattern => nameMatches(pattern, name));
  }

  /** Every workspace folder in full, then the files open outside them. */
  async scanAllFolders(): Promise<void> {
    const { workspace } = this.deps;
    await Promise.all([...workspace.folders].map(folder => this.scanFolder(folder)));
    for (const fsPath of workspace.openPaths()) if (!workspace.inAFolder(fsPath)) await this.scanOne(fsPath);
  }

  /** The background scan of a whole folder, with cancellable progress; publishes every file it finds. */
  async scanFolder(folder: Folder): Promise<void> {
    const { connection, workspace, analyses, publisher, log } = this.deps;
    folder.scan?.abort();
    const controller = new AbortController();
    folder.scan = controller;
    this.folderScans++;
    this.deps.statusChanged();
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin(`Vigil: scanning ${path.basename(folder.fsPath)}`, 0, 'finding files…', true);
    progress.token.onCancellationRequested(() => controller.abort());
    const started = Date.now();
    let lastReport = 0;
    try {
      const scan = await scanPath(folder.fsPath, {
        ...await this.scanOptionsFor(folder),
        signal: controller.signal,
        onProgress: (done, total) => {
          if (Date.now() - lastReport < 100 && done < total) return;
          lastReport = Date.now();
          progress.report(Math.round((done / Math.max(total, 1)) * 100), `${done}/${total} files`);
        },
      });
      if (controller.signal.aborted) return;
      const previous = new Set(this.knownIn(folder));
      const byFile = new Map<string, Pick<FileState, 'results' | 'errors'>>();
      const of = (file: string) => byFile.get(file) ?? byFile.set(file, { results: [], errors: [] }).get(file)!;
      for (const result of scan.results) of(result.target).results.push(result);
      for (const error of scan.errors) of(error.file).errors.push(error);
      const touched = [...byFile].map(([file, analysis]) => this.record(folder, file, analysis));
      for (const fsPath of previous) if (!touched.includes(fsPath)) analyses.delete(fsPath);
      // Open buffers may hold unsaved edits: their analysis wins over the disk's.
      const open = workspace.openPaths().filter(p => workspace.folderOf(p).uri === folder.uri);
      for (const fsPath of open) await this.scanOne(fsPath);
      await publisher.publishWithManifests([...previous, ...touched].filter(p => !open.includes(p)), ignoreFilesOf(folder));
      log(`scanned ${folder.fsPath}: ${scan.results.length} files with results, ${scan.errors.length} errors, ${Date.now() - started} ms`);
    } catch (error) {
      if (!controller.signal.aborted) log(`scan of ${folder.fsPath} failed: ${(error as Error).stack ?? error}`);
    } finally {
      progress.done();
      if (folder.scan === controller) folder.scan = undefined;
      this.folderScans--;
      this.deps.statusChanged();
    }
  }

  /** Re-analyzes one file alone, from its buffer or the disk, and publishes it and its manifest. */
  async scanOne(fsPath: string): Promise<void> {
    const { workspace, analyses, publisher } = this.deps;
    const folder = workspace.folderOf(fsPath);
    const relPath = relPathOf(folder, fsPath);
    // Before anything else: this opens the folder's DB on first use.
    const options = await this.scanOptionsFor(folder);
    if (isIgnoreFile(fsPath)) {
      // The policy changes what every file of the folder reports.
      folder.ignore = undefined;
      folder.vex = undefined;
      await this.rescanKnown(folder);
      await publisher.publish(fsPath);
      return;
    }
    const source = this.sourceOf(folder);
    const exists = claimsFile(relPath, options) && (await source.stat(relPath))?.kind === 'file';
    const scanned = exists ? await scanFile(source, relPath, options) : undefined;
    if (scanned) analyses.set(fsPath, { fsPath, folder, relPath, ...scanned });
    else analyses.delete(fsPath);
    // A manifest beside a lockfile changed: the lockfile's analysis reads it, so redo that too.
    for (const dependent of filesReading(relPath)) {
      const dependentPath = path.join(folder.fsPath, ...dependent.split('/'));
      if (analyses.has(dependentPath)) await this.scanOne(dependentPath);
    }
    await publisher.publishWithManifests([fsPath]);
  }

  /** The folder's files as the editor sees them: open buffers over the disk. */
  private sourceOf(folder: Folder): FileSource {
    const { workspace } = this.deps;
    return new OverlaySource(new DiskSource(folder.fsPath), relPath => workspace.documentFor(path.join(folder.fsPath, ...relPath.split('/')))?.getText());
  }

  /** Re-analyzes the files already known in a folder (ignore policy, DB or settings changed) without walking it. */
  async rescanKnown(folder: Folder): Promise<void> {
    for (const fsPath of this.knownIn(folder)) await this.scanOne(fsPath);
  }

  /** Re-analyzes the known files of every workspace folder. */
  async rescanFolders(): Promise<void> {
    for (const folder of this.deps.workspace.folders) await this.rescanKnown(folder);
  }

  /** Re-analyzes the known files of every folder, workspace or stand-in, whose settings use this cache dir. */
  async rescanUsing(cacheDir: string): Promise<void> {
    const { workspace, analyses, settings } = this.deps;
    const known = new Map<string, Folder>();
    for (const folder of [...workspace.folders, ...[...analyses.values()].map(s => s.folder)]) if (!known.has(folder.uri)) known.set(folder.uri, folder);
    for (const folder of known.values()) {
      if (cacheDirOf(await settings.for(folder), folder) === cacheDir) await this.rescanKnown(folder);
    }
  }

  /** A removed folder: stop its scan, forget its files and clear what was published for them. */
  clearFolder(folder: Folder): void {
    folder.scan?.abort();
    for (const fsPath of this.knownIn(folder)) this.deps.analyses.delete(fsPath);
    this.deps.publisher.republishFolder(folder);
  }

  /**
   * A deleted path: when it was a directory holding known files, forget them (open buffers stay the
   * truth until closed) and clear what was published under it. A plain file is left to scanOne.
   */
  clearUnder(deletedPath: string): void {
    const { analyses, workspace, publisher } = this.deps;
    const dir: Folder = { uri: pathToFileURL(deletedPath).href, fsPath: deletedPath };
    const gone = [...analyses.keys()].filter(p => p !== deletedPath && isInside(dir, p) && !workspace.documentFor(p));
    for (const fsPath of gone) analyses.delete(fsPath);
    if (gone.length > 0) publisher.republishFolder(dir);
  }

  /** The ecosystems of every package seen so far: what a DB update downloads. */
  seenEcosystems(): string[] {
    return [...this.deps.analyses.values()].flatMap(s => s.results.flatMap(r => r.packages.map(p => p.ecosystem)));
  }

  dispose(): void {
    for (const folder of this.deps.workspace.folders) folder.scan?.abort();
    for (const timer of this.timers.values()) clearTimeout(timer);
  }

  private knownIn(folder: Folder): string[] {
    return [...this.deps.analyses.values()].filter(s => s.folder.uri === folder.uri).map(s => s.fsPath);
  }

  private async scanOptionsFor(folder: Folder): Promise<ScanOptions> {
    const settings = await this.deps.settings.for(folder);
    for (const message of notAvailableYet(settings)) {
      if (this.toldNotAvailable.has(message)) continue;
      this.toldNotAvailable.add(message);
      this.deps.log(message);
      // A notification: a request with nothing to choose blocks some clients (headless Neovim).
      void this.deps.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
    }
    return {
      scanners: settings.scanners,
      db: settings.scanners.includes('vuln') ? this.deps.dbs.dbFor(cacheDirOf(settings, folder)) : undefined,
      severities: severitiesFrom(settings.severityThreshold),
      ignoreUnfixed: settings.ignoreUnfixed,
      includeDevDeps: settings.includeDevDependencies,
      ignore: ignorePolicyFor(folder, this.deps.workspace),
      vex: vexPolicyFor(folder, this.deps.workspace),
      skipDirs: settings.skipDirs,
    };
  }

  private record(folder: Folder, relPath: string, analysis: Pick<FileState, 'results' | 'errors'>): string {
    const fsPath = path.join(folder.fsPath, ...relPath.split('/'));
    this.deps.analyses.set(fsPath, { fsPath, folder, relPath, ...analysis });
    return fsPath;
  }
}

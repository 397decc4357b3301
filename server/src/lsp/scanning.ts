// Decides what to analyze and when: a whole folder in the background (with cancellable progress),
// one file after an edit or a change on disk (debounced), or just the files already known when
// something they depend on changed (ignore files, the DB, settings). Every path ends in publishing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver/node';
import { claimsFile, DiskSource, OverlaySource, scanFile, scanPath, type FileError, type FileResult, type FileSource, type ScanOptions } from '../engine';
import { filesReading, nameMatches, watchedFileNames } from '../engine/analyzers';
import { hasAdvisorySource } from '../engine/ecosystems';
import { analyzersWithCustomChecks, loadCustomChecks, type CompiledCustomChecks } from '../engine/custom-checks/checks';
import { analyzersWithSecretScanner, describeProblem, findSecretConfig, loadSecretConfig, type SecretConfigRef } from '../engine/secrets/config';
import type { Analyzer } from '../engine/types';
import type { Databases } from './dbState';
import { cacheDirOf, type FolderSettings } from './folderSettings';
import { ignoreFilesOf, ignorePolicyFor, isIgnoreFile, vexPolicyFor } from './ignorePolicy';
import type { Publisher } from './publish';
import { notAvailableYet, severitiesFrom, type VigilSettings } from './settings';
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
  /** Other files its analysis read (a parent POM, an included requirements file), root-relative. */
  reads?: string[];
}

/**
 * Every analyzed file by path; shared with the publisher, which reads it. Also indexes which
 * analyses read each file beyond their own, so that a change to that file finds them at once.
 */
export class Analyses extends Map<string, FileState> {
  private readonly readers = new Map<string, Set<string>>();

  override set(fsPath: string, state: FileState): this {
    this.unindex(fsPath);
    super.set(fsPath, state);
    for (const read of state.reads ?? []) {
      const readPath = path.join(state.folder.fsPath, ...read.split('/'));
      let readers = this.readers.get(readPath);
      if (!readers) this.readers.set(readPath, (readers = new Set()));
      readers.add(fsPath);
    }
    return this;
  }

  override delete(fsPath: string): boolean {
    this.unindex(fsPath);
    return super.delete(fsPath);
  }

  override clear(): void {
    this.readers.clear();
    super.clear();
  }

  /** The analyzed files whose analysis read `fsPath` (a parent POM, an included requirements file). */
  readersOf(fsPath: string): ReadonlySet<string> {
    return this.readers.get(fsPath) ?? NONE;
  }

  private unindex(fsPath: string): void {
    const state = this.get(fsPath);
    for (const read of state?.reads ?? []) {
      const readPath = path.join(state!.folder.fsPath, ...read.split('/'));
      const readers = this.readers.get(readPath);
      readers?.delete(fsPath);
      if (readers?.size === 0) this.readers.delete(readPath);
    }
  }
}

const NONE: ReadonlySet<string> = new Set();

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
  /** Warnings about the settings (one this version cannot honour, a broken secret config), each shown once. */
  private readonly told = new Set<string>();
  /** Per folder: the secret config's file as last read (path, time, size), and the analyzers running it. */
  private readonly secretConfigs = new Map<string, { key: string; analyzers?: Analyzer[] }>();
  /** Per folder: the custom check files as last read (paths, times, sizes), and their checks. */
  private readonly customChecks = new Map<string, { key: string; checks?: CompiledCustomChecks }>();

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
    return isIgnoreFile(fsPath) || this.deps.analyses.has(fsPath) || watchedFileNames().some(pattern => nameMatches(pattern, name))
      || this.deps.analyses.readersOf(fsPath).size > 0;
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
      const byFile = new Map<string, Pick<FileState, 'results' | 'errors' | 'reads'>>();
      const of = (file: string) => byFile.get(file) ?? byFile.set(file, { results: [], errors: [], reads: scan.reads?.[file] }).get(file)!;
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

  /**
   * Re-analyzes one file alone, from its buffer or the disk, and publishes it and its manifest;
   * then the known files that read it as a sibling (not theirs in turn: .tf files read each other).
   */
  async scanOne(fsPath: string, withDependents = true): Promise<void> {
    const { workspace, analyses, publisher } = this.deps;
    const folder = workspace.folderOf(fsPath);
    const relPath = relPathOf(folder, fsPath);
    const secretConfigBefore = this.secretConfigs.get(folder.uri)?.key;
    const customChecksBefore = this.customChecks.get(folder.uri)?.key;
    // Before anything else: this opens the folder's DB on first use.
    const options = await this.scanOptionsFor(folder);
    const secretConfigAfter = this.secretConfigs.get(folder.uri)?.key;
    const customChecksAfter = this.customChecks.get(folder.uri)?.key;
    if ((secretConfigBefore !== undefined && secretConfigAfter !== secretConfigBefore)
      || (customChecksBefore !== undefined && customChecksAfter !== customChecksBefore)) {
      // The secret config or a custom check file changed on disk (this may be it): every file's findings may differ.
      void this.scanFolder(folder);
      return;
    }
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
    // A manifest beside a lockfile changed, or a parent POM or an included requirements file: the
    // analyses that read it are redone too.
    const known = withDependents ? this.knownIn(folder) : [];
    const readers = withDependents ? analyses.readersOf(fsPath) : [];
    const siblingReaders = filesReading(relPath, undefined, known.map(other => relPathOf(folder, other)))
      .map(dependent => path.join(folder.fsPath, ...dependent.split('/')));
    for (const dependentPath of new Set([...siblingReaders, ...readers])) {
      if (analyses.has(dependentPath) && dependentPath !== fsPath) await this.scanOne(dependentPath, false);
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

  /** The ecosystems of every package seen so far that have advisories: what a DB update downloads. */
  seenEcosystems(): string[] {
    return [...this.deps.analyses.values()].flatMap(s => s.results.flatMap(r => r.packages.map(p => p.ecosystem).filter(hasAdvisorySource)));
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
    for (const message of notAvailableYet(settings)) this.warnOnce(message);
    const analyzers = this.withCustomChecks(folder, settings, this.secretAnalyzersFor(folder, settings));
    return {
      ...analyzers ? { analyzers } : {},
      scanners: settings.scanners,
      db: settings.scanners.includes('vuln') ? this.deps.dbs.dbFor(cacheDirOf(settings, folder)) : undefined,
      severities: severitiesFrom(settings.severityThreshold),
      ignoreUnfixed: settings.ignoreUnfixed,
      disabledRules: settings.rules.disabled,
      ruleSeverities: settings.rules.severity,
      includeDevDeps: settings.includeDevDependencies,
      ignore: ignorePolicyFor(folder, this.deps.workspace),
      vex: vexPolicyFor(folder, this.deps.workspace),
      skipDirs: settings.skipDirs,
    };
  }

  private warnOnce(message: string): void {
    if (this.told.has(message)) return;
    this.told.add(message);
    this.deps.log(message);
    // A notification: a request with nothing to choose blocks some clients (headless Neovim).
    void this.deps.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  }

  /**
   * The secret config of a folder: `vigil.secretConfigPath` (relative to the folder), or else a
   * `vigil-secret.yaml` / `trivy-secret.yaml` found in it, read as hostile. None in an untrusted
   * workspace (the setting is dropped there too).
   */
  private secretConfigRef(folder: Folder, settings: VigilSettings): SecretConfigRef | undefined {
    if (settings.secretConfigPath) return path.resolve(folder.fsPath, settings.secretConfigPath);
    if (!this.deps.settings.trusted) return undefined;
    const { found, warnings } = findSecretConfig([folder.fsPath]);
    for (const warning of warnings) this.warnOnce(`Vigil: ${warning}`);
    return found;
  }

  /** The analyzers running the folder's secret config, read again whenever its file changes; undefined for the built-in rules. */
  private secretAnalyzersFor(folder: Folder, settings: VigilSettings): Analyzer[] | undefined {
    const ref = settings.scanners.includes('secret') ? this.secretConfigRef(folder, settings) : undefined;
    const key = ref === undefined ? '' : fileKey(typeof ref === 'string' ? ref : ref.file);
    const cached = this.secretConfigs.get(folder.uri);
    if (cached?.key === key) return cached.analyzers;
    let analyzers: Analyzer[] | undefined;
    if (ref !== undefined) {
      try {
        const config = loadSecretConfig(ref);
        analyzers = analyzersWithSecretScanner(config.scanner);
        this.deps.log(`secret rules from ${config.file}`);
        for (const problem of config.errors) this.warnOnce(`Vigil: ${describeProblem(config.file, problem)}`);
        for (const problem of config.warnings) this.deps.log(describeProblem(config.file, problem));
      } catch (error) {
        this.warnOnce(`Vigil: ${(error as Error).message}; the built-in secret rules are used`);
      }
    }
    this.secretConfigs.set(folder.uri, { key, analyzers });
    return analyzers;
  }

  /**
   * The analyzers with the folder's custom checks (`vigil.misconfiguration.customChecks`, relative
   * to the folder), read again whenever one of their files changes. A file that cannot be used is a
   * warning, and the built-in checks run alone.
   */
  private withCustomChecks(folder: Folder, settings: VigilSettings, analyzers: Analyzer[] | undefined): Analyzer[] | undefined {
    const files = settings.scanners.includes('misconfig') ? settings.misconfiguration.customChecks.map(file => path.resolve(folder.fsPath, file)) : [];
    const key = files.map(fileKey).join('\n');
    let cached = this.customChecks.get(folder.uri);
    if (cached?.key !== key) {
      cached = { key };
      if (files.length > 0) {
        try {
          cached.checks = loadCustomChecks(files);
          this.deps.log(`custom checks from ${files.join(', ')}: ${cached.checks.rules.length}`);
        } catch (error) {
          this.warnOnce(`Vigil: ${(error as Error).message}\nThe custom checks are not used.`);
        }
      }
      this.customChecks.set(folder.uri, cached);
    }
    return cached.checks ? analyzersWithCustomChecks(cached.checks, analyzers) : analyzers;
  }

  private record(folder: Folder, relPath: string, analysis: Pick<FileState, 'results' | 'errors' | 'reads'>): string {
    const fsPath = path.join(folder.fsPath, ...relPath.split('/'));
    this.deps.analyses.set(fsPath, { fsPath, folder, relPath, ...analysis });
    return fsPath;
  }
}

/** A file as last changed: its path, modification time and size, or its path alone when it is missing. */
function fileKey(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${file}\0${stat.mtimeMs}\0${stat.size}`;
  } catch {
    return file;
  }
}

// The Vigil language server: keeps per-file analyses of every workspace folder and publishes them
// as diagnostics. The pure conversions live in diagnostics.ts, hover.ts and codeActions.ts; this
// file decides when to scan and wires the results to the connection.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind, DidChangeWatchedFilesNotification, FileChangeType, TextDocumentSyncKind, TextDocuments,
  type ClientCapabilities, type CodeAction, type Connection, type Diagnostic, type InitializeParams, type InitializeResult,
  type TextDocumentEdit, type WorkspaceEdit, type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  claimsFile, DbMissingError, defaultCacheDir, openDb,
  scanFile, scanPath, VERSION, type FileError, type FileResult, type IgnorePolicy, type ScanOptions, type VulnDb,
} from '../engine';
import { dbDir, readPointer } from '../engine/db/store';
import { ignoreFileName } from '../engine/fixes/ignoreFile';
import { createIgnorePolicy, parseIgnoreFile, type IgnoreEntry, type IgnoreWarning } from '../engine/ignore';
import { codeActions, fixAllAction, FIX_ALL_KIND, ignoreFix, toWorkspaceEdit, type CodeActionInput, type DocumentSnapshot } from './codeActions';
import { startDbJob, type RunningDbJob } from './dbJob';
import { emptyView, errorView, manifestView, mergeViews, resultView, SOURCE, type FileView } from './diagnostics';
import { hoverAt } from './hover';
import {
  ApplyIgnoreCommand, FindingsNotification, ImportDbRequest, ReportRequest, ScanWorkspaceRequest, StatusNotification, UpdateDbRequest,
  type ApplyIgnoreArgs, type DbCommandResult, type FindingsParams, type ImportDbParams, type InitializationOptions, type ReportModel, type StatusParams,
} from './protocol';
import { buildReport } from './report';
import { normalizeSettings, severitiesFrom, type VigilSettings } from './settings';

const DEFAULT_CHANGE_DEBOUNCE_MS = 150;
/** How often the DB pointer's stat is polled for updates made by another process (the CLI). */
const DB_POLL_MS = 1000;
const IGNORE_FILES = ['.trivyignore', '.vigilignore', '.trivyignore.yaml', '.vigilignore.yaml'];
const LOCKFILES_WITH_MANIFEST = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'];

interface Folder {
  uri: string;
  fsPath: string;
  scan?: AbortController;
  ignore?: IgnorePolicy;
}

/** The latest analysis of one file, from disk (workspace scan, watcher) or from its open buffer. */
interface FileState {
  fsPath: string;
  folder: Folder;
  relPath: string;
  result?: FileResult;
  error?: FileError;
}

interface DbState {
  db?: VulnDb;
  status: StatusParams['db'];
  /** When opening last failed, so a missing DB is looked for again later without hammering the disk. */
  failedAt?: number;
  warned?: boolean;
}

export interface ServerOptions {
  /** The server's entry script: DB jobs run it in a worker thread (see dbJob.ts). */
  workerEntry: string;
}

export function startServer(connection: Connection, { workerEntry }: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  const folders: Folder[] = [];
  const states = new Map<string, FileState>();
  const views = new Map<string, FileView>();
  const publishedUris = new Map<string, string>();
  const settingsCache = new Map<string, Promise<VigilSettings>>();
  const dbs = new Map<string, DbState>();
  const watchedPointers = new Map<string, string>();
  const timers = new Map<string, NodeJS.Timeout>();
  const dbJobs = new Set<RunningDbJob<string>>();
  let capabilities: ClientCapabilities = {};
  let options: InitializationOptions = {};
  let pushedSettings: unknown;
  let scanning = 0;
  let shuttingDown = false;

  const trusted = () => options.trusted !== false;
  const log = (message: string) => connection.console.log(`[vigil] ${message}`);

  // ---- paths and folders ------------------------------------------------------------------

  function toFsPath(uri: string): string | undefined {
    return uri.startsWith('file:') ? path.normalize(fileURLToPath(uri)) : undefined;
  }

  function uriOf(fsPath: string): string {
    return publishedUris.get(fsPath) ?? documentFor(fsPath)?.uri ?? pathToFileURL(fsPath).href;
  }

  function documentFor(fsPath: string): TextDocument | undefined {
    return documents.all().find(d => toFsPath(d.uri) === fsPath);
  }

  /** The workspace folder holding a path: the innermost one, or the file's own directory when none does. */
  function folderOf(fsPath: string): Folder {
    const matching = folders.filter(f => fsPath === f.fsPath || fsPath.startsWith(f.fsPath + path.sep));
    if (matching.length > 0) return matching.sort((a, b) => b.fsPath.length - a.fsPath.length)[0];
    const dir = path.dirname(fsPath);
    return { uri: pathToFileURL(dir).href, fsPath: dir };
  }

  function relPathOf(folder: Folder, fsPath: string): string {
    return path.relative(folder.fsPath, fsPath).split(path.sep).join('/');
  }

  function addFolder(folder: WorkspaceFolder): Folder | undefined {
    const fsPath = toFsPath(folder.uri);
    if (!fsPath || folders.some(f => f.fsPath === fsPath)) return undefined;
    const added: Folder = { uri: folder.uri, fsPath };
    folders.push(added);
    return added;
  }

  // ---- settings ---------------------------------------------------------------------------

  /** Settings for a folder, asked of the client per resource and cached until they change. */
  function settingsFor(folder: Folder): Promise<VigilSettings> {
    let cached = settingsCache.get(folder.uri);
    if (!cached) {
      const raw: Promise<unknown> = capabilities.workspace?.configuration
        ? connection.workspace.getConfiguration({ scopeUri: folder.uri, section: 'vigil' }).catch(() => undefined)
        : Promise.resolve((pushedSettings as { vigil?: unknown } | undefined)?.vigil);
      cached = raw.then(value => normalizeSettings(value, { trusted: trusted(), folderPath: folder.fsPath }));
      settingsCache.set(folder.uri, cached);
    }
    return cached;
  }

  function cacheDirOf(settings: VigilSettings, folder: Folder): string {
    return settings.cacheDir ? path.resolve(folder.fsPath, settings.cacheDir) : defaultCacheDir();
  }

  // ---- DB ---------------------------------------------------------------------------------

  /** The DB of a cache dir, opened on first use. Missing: scans go on and list packages only. */
  function dbFor(cacheDir: string): VulnDb | undefined {
    let state = dbs.get(cacheDir);
    const retry = state && !state.db && state.status.state !== 'updating' && Date.now() - (state.failedAt ?? 0) > 30_000;
    if (!state || retry) {
      state = openDbState(cacheDir, state);
      dbs.set(cacheDir, state);
      watchDbPointer(cacheDir);
      sendStatus();
    }
    return state.db;
  }

  /**
   * Another process (`vigil db update` / `db import`) swaps in a new generation by renaming a new
   * pointer over `<cacheDir>/db/current`. A cheap stat poll notices (fs.watch loses a file that is
   * renamed over, and the folder may not exist yet); the DB is reopened and the known files rescanned.
   */
  function watchDbPointer(cacheDir: string): void {
    if (watchedPointers.has(cacheDir)) return;
    const pointer = path.join(dbDir(cacheDir), 'current');
    watchedPointers.set(cacheDir, pointer);
    fs.watchFile(pointer, { interval: DB_POLL_MS, persistent: false }, (now, before) => {
      if (now.mtimeMs === before.mtimeMs && now.ino === before.ino && now.size === before.size) return;
      void onDbPointerChanged(cacheDir).catch(error => log(`reloading the DB of ${cacheDir} failed: ${(error as Error).stack ?? error}`));
    });
  }

  async function onDbPointerChanged(cacheDir: string): Promise<void> {
    const state = dbs.get(cacheDir);
    // Our own update or import reopens the DB itself when it is done.
    if (shuttingDown || state?.status.state === 'updating') return;
    const generation = generationOnDisk(cacheDir);
    if (generation === null) return;
    if (generation !== undefined && generation === state?.db?.generation) return;
    log(`the DB in ${cacheDir} changed on disk${generation ? ` (now ${generation})` : ''}; reloading`);
    reopenDb(cacheDir);
    await rescanUsing(cacheDir);
  }

  /** The current generation's name; undefined when there is no DB, null when the pointer is half-visible (look again later). */
  function generationOnDisk(cacheDir: string): string | undefined | null {
    try {
      return readPointer(cacheDir)?.generation;
    } catch {
      return null;
    }
  }

  /** Re-analyzes the known files of every folder whose settings use this cache dir. */
  async function rescanUsing(cacheDir: string): Promise<void> {
    const known = new Map<string, Folder>();
    for (const folder of [...folders, ...[...states.values()].map(s => s.folder)]) if (!known.has(folder.uri)) known.set(folder.uri, folder);
    for (const folder of known.values()) {
      if (cacheDirOf(await settingsFor(folder), folder) === cacheDir) await rescanKnown(folder);
    }
  }

  function openDbState(cacheDir: string, previous?: DbState): DbState {
    try {
      const db = openDb(cacheDir);
      log(`opened DB ${db.generation} in ${cacheDir}`);
      return { db, status: { state: 'ready', updatedAt: db.metadata().builtAt, path: cacheDir } };
    } catch (error) {
      const missing = error instanceof DbMissingError;
      const message = (error as Error).message;
      const state: DbState = { status: { state: missing ? 'missing' : 'error', message, path: cacheDir }, failedAt: Date.now(), warned: previous?.warned };
      if (!state.warned) {
        state.warned = true;
        log(message);
        void connection.window.showWarningMessage(`Vigil: ${message} Until then Vigil lists packages but cannot match vulnerabilities.`);
      }
      return state;
    }
  }

  function reopenDb(cacheDir: string): void {
    dbs.get(cacheDir)?.db?.close();
    dbs.set(cacheDir, openDbState(cacheDir, { status: { state: 'loading' }, warned: false }));
    sendStatus();
  }

  function sendStatus(): void {
    const states = [...dbs.values()];
    const db = states.find(s => s.status.state !== 'ready')?.status ?? states[0]?.status ?? { state: 'loading' as const };
    void connection.sendNotification(StatusNotification, { db, scanning: scanning > 0 } satisfies StatusParams);
  }

  // ---- ignore files -----------------------------------------------------------------------

  /** The folder's ignore policy, from open buffers where the files are open, else from disk. */
  function ignorePolicyFor(folder: Folder): IgnorePolicy {
    if (!folder.ignore) {
      const entries: IgnoreEntry[] = [];
      const warnings: IgnoreWarning[] = [];
      const missing: string[] = [];
      for (const name of IGNORE_FILES) {
        const file = path.join(folder.fsPath, name);
        const text = readText(file);
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
    return folder.ignore!;
  }

  function isIgnoreFile(fsPath: string): boolean {
    return IGNORE_FILES.includes(path.basename(fsPath));
  }

  function ignoreFileView(folder: Folder, fsPath: string): FileView {
    const view = emptyView();
    for (const problem of ignorePolicyFor(folder).problems.filter(p => p.file === fsPath)) {
      const line = Math.max(0, (problem.line ?? 1) - 1);
      view.diagnostics.push({ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, severity: 2, source: SOURCE, code: 'VIGIL-IGNORE-FILE', message: problem.message });
      view.findings.push({ type: 'ignore-file', id: 'VIGIL-IGNORE-FILE', severity: 'LOW', message: problem.message, line, character: 0 });
    }
    return view;
  }

  // ---- reading files ----------------------------------------------------------------------

  /** A file's text: the open buffer when there is one, else the disk; undefined when absent. */
  function readText(fsPath: string): string | undefined {
    const document = documentFor(fsPath);
    if (document) return document.getText();
    try {
      return fs.readFileSync(fsPath, 'utf8');
    } catch {
      return undefined;
    }
  }

  function snapshot(fsPath: string): DocumentSnapshot {
    const document = documentFor(fsPath);
    if (document) return { uri: document.uri, version: document.version, text: document.getText(), exists: true };
    const text = readText(fsPath);
    return { uri: uriOf(fsPath), version: null, text: text ?? '', exists: text !== undefined };
  }

  // ---- scanning ---------------------------------------------------------------------------

  async function scanOptionsFor(folder: Folder): Promise<{ settings: VigilSettings; options: ScanOptions }> {
    const settings = await settingsFor(folder);
    const scanOptions: ScanOptions = {
      scanners: settings.scanners,
      db: settings.scanners.includes('vuln') ? dbFor(cacheDirOf(settings, folder)) : undefined,
      severities: severitiesFrom(settings.severityThreshold),
      ignoreUnfixed: settings.ignoreUnfixed,
      includeDevDeps: settings.includeDevDependencies,
      ignore: ignorePolicyFor(folder),
      skipDirs: settings.skipDirs,
    };
    return { settings, options: scanOptions };
  }

  /** Re-analyzes one file alone, from its buffer or the disk, and publishes it and its manifest. */
  async function scanOne(fsPath: string): Promise<void> {
    const folder = folderOf(fsPath);
    const relPath = relPathOf(folder, fsPath);
    const { options: scanOptions } = await scanOptionsFor(folder);
    if (isIgnoreFile(fsPath)) {
      folder.ignore = undefined;
      await rescanKnown(folder);
      await publish(fsPath);
      return;
    }
    if (claimsFile(relPath, scanOptions)) {
      const text = readText(fsPath);
      if (text === undefined) states.delete(fsPath);
      else {
        const scanned = scanFile(relPath, text, scanOptions);
        states.set(fsPath, { fsPath, folder, relPath, result: scanned?.result, error: scanned?.error });
      }
    } else {
      states.delete(fsPath);
    }
    await publishWithManifest(fsPath);
  }

  /** Re-analyzes the files already known in a folder (ignore policy, DB or settings changed) without walking it. */
  async function rescanKnown(folder: Folder): Promise<void> {
    const known = [...states.values()].filter(s => s.folder.uri === folder.uri).map(s => s.fsPath);
    for (const fsPath of known) await scanOne(fsPath);
  }

  /** The background scan of a whole folder, with cancellable progress; publishes every file it finds. */
  async function scanFolder(folder: Folder): Promise<void> {
    folder.scan?.abort();
    const controller = new AbortController();
    folder.scan = controller;
    scanning++;
    sendStatus();
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin(`Vigil: scanning ${path.basename(folder.fsPath)}`, 0, 'finding files…', true);
    progress.token.onCancellationRequested(() => controller.abort());
    const started = Date.now();
    let lastReport = 0;
    try {
      const { options: scanOptions } = await scanOptionsFor(folder);
      const scan = await scanPath(folder.fsPath, {
        ...scanOptions,
        signal: controller.signal,
        onProgress: (done, total) => {
          if (Date.now() - lastReport < 100 && done < total) return;
          lastReport = Date.now();
          progress.report(Math.round((done / Math.max(total, 1)) * 100), `${done}/${total} files`);
        },
      });
      if (controller.signal.aborted) return;
      const previous = new Set([...states.values()].filter(s => s.folder.uri === folder.uri).map(s => s.fsPath));
      const touched: string[] = [];
      for (const result of scan.results) touched.push(record(folder, result.target, { result }));
      for (const error of scan.errors) touched.push(record(folder, error.file, { error }));
      for (const fsPath of previous) if (!touched.includes(fsPath)) states.delete(fsPath);
      // Open buffers may hold unsaved edits: their analysis wins over the disk's.
      const open = documents.all().map(d => toFsPath(d.uri)).filter((p): p is string => p !== undefined && folderOf(p).uri === folder.uri);
      for (const fsPath of open) await scanOne(fsPath);
      const toPublish = new Set([...previous, ...touched].filter(p => !open.includes(p)));
      for (const fsPath of [...toPublish]) {
        const manifest = manifestPathOf(fsPath);
        if (manifest) toPublish.add(manifest);
      }
      for (const fsPath of IGNORE_FILES.map(name => path.join(folder.fsPath, name))) toPublish.add(fsPath);
      for (const fsPath of toPublish) await publish(fsPath);
      log(`scanned ${folder.fsPath}: ${scan.results.length} files with results, ${scan.errors.length} errors, ${Date.now() - started} ms`);
    } catch (error) {
      if (!controller.signal.aborted) log(`scan of ${folder.fsPath} failed: ${(error as Error).stack ?? error}`);
    } finally {
      progress.done();
      if (folder.scan === controller) folder.scan = undefined;
      scanning--;
      sendStatus();
    }
  }

  function record(folder: Folder, relPath: string, analysis: { result?: FileResult; error?: FileError }): string {
    const fsPath = path.join(folder.fsPath, ...relPath.split('/'));
    states.set(fsPath, { fsPath, folder, relPath, ...analysis });
    return fsPath;
  }

  async function scanAllFolders(): Promise<void> {
    const targets = folders.length > 0 ? [...folders] : [];
    await Promise.all(targets.map(scanFolder));
    // Files open outside every folder.
    for (const document of documents.all()) {
      const fsPath = toFsPath(document.uri);
      if (fsPath && !folders.some(f => f.uri === folderOf(fsPath).uri)) await scanOne(fsPath);
    }
  }

  function scheduleScan(fsPath: string, delay: number): void {
    clearTimeout(timers.get(fsPath));
    timers.set(fsPath, setTimeout(() => {
      timers.delete(fsPath);
      void scanOne(fsPath).catch(error => log(`scan of ${fsPath} failed: ${(error as Error).stack ?? error}`));
    }, delay));
  }

  // ---- publishing -------------------------------------------------------------------------

  /** The package.json beside a lockfile. */
  function manifestPathOf(fsPath: string): string | undefined {
    return LOCKFILES_WITH_MANIFEST.includes(path.basename(fsPath)) ? path.join(path.dirname(fsPath), 'package.json') : undefined;
  }

  /** The analyzed lockfile beside a package.json, if any. */
  function lockStateFor(manifestPath: string): FileState | undefined {
    if (path.basename(manifestPath) !== 'package.json') return undefined;
    for (const name of LOCKFILES_WITH_MANIFEST) {
      const state = states.get(path.join(path.dirname(manifestPath), name));
      if (state?.result) return state;
    }
    return undefined;
  }

  async function publishWithManifest(fsPath: string): Promise<void> {
    await publish(fsPath);
    const manifest = manifestPathOf(fsPath);
    if (manifest) await publish(manifest);
  }

  async function viewOf(fsPath: string): Promise<FileView> {
    const folder = folderOf(fsPath);
    const settings = await settingsFor(folder);
    const state = states.get(fsPath);
    const parts: FileView[] = [];
    if (state?.error) parts.push(errorView(state.error));
    else if (state?.result) parts.push(resultView(state.result, settings.severityMap));
    const lock = lockStateFor(fsPath);
    if (lock?.result) {
      const text = readText(fsPath);
      if (text !== undefined) parts.push(manifestView(text, lock.result, settings.severityMap));
    }
    if (isIgnoreFile(fsPath) && path.dirname(fsPath) === folder.fsPath) parts.push(ignoreFileView(folder, fsPath));
    return mergeViews(...parts);
  }

  async function publish(fsPath: string): Promise<void> {
    if (shuttingDown) return;
    const view = await viewOf(fsPath);
    const uri = uriOf(fsPath);
    const hadDiagnostics = (views.get(fsPath)?.diagnostics.length ?? 0) > 0;
    if (view.diagnostics.length === 0 && !hadDiagnostics && !views.has(fsPath)) return;
    if (view.diagnostics.length === 0) {
      views.delete(fsPath);
      publishedUris.delete(fsPath);
    } else {
      views.set(fsPath, view);
      publishedUris.set(fsPath, uri);
    }
    const version = documentFor(fsPath)?.version;
    await connection.sendDiagnostics({ uri, version, diagnostics: view.diagnostics });
    await connection.sendNotification(FindingsNotification, { uri, findings: view.findings } satisfies FindingsParams);
  }

  function clearFolder(folder: Folder): void {
    folder.scan?.abort();
    for (const [fsPath, state] of states) if (state.folder.uri === folder.uri) states.delete(fsPath);
    for (const fsPath of [...views.keys()]) if (folderOf(fsPath).uri === folder.uri) void publish(fsPath);
  }

  // ---- code actions -----------------------------------------------------------------------

  function actionInput(uri: string, diagnostics: readonly Diagnostic[]): CodeActionInput | undefined {
    const fsPath = toFsPath(uri);
    if (!fsPath) return undefined;
    const folder = folderOf(fsPath);
    const existing = IGNORE_FILES.filter(name => fs.existsSync(path.join(folder.fsPath, name)) || documentFor(path.join(folder.fsPath, name)));
    const ignoreName = ignoreFileName(existing);
    const ignorePath = path.join(folder.fsPath, ignoreName);
    return {
      document: { ...snapshot(fsPath), relPath: relPathOf(folder, fsPath) },
      diagnostics,
      resolve: relPath => snapshot(path.join(folder.fsPath, ...relPath.split('/'))),
      ignoreFile: { ...snapshot(ignorePath), name: ignoreName },
      folderUri: folder.uri,
      promptsForIgnoreReason: options.promptsForIgnoreReason === true,
    };
  }

  /** Clients without `documentChanges` get the plain `changes` map (file creation needs the former). */
  function forClient(edit: WorkspaceEdit): WorkspaceEdit {
    if (capabilities.workspace?.workspaceEdit?.documentChanges) return edit;
    const changes: NonNullable<WorkspaceEdit['changes']> = {};
    for (const change of edit.documentChanges ?? []) {
      if ('textDocument' in change) (changes[change.textDocument.uri] ??= []).push(...(change as TextDocumentEdit).edits as never[]);
    }
    return { changes };
  }

  function adapt(action: CodeAction): CodeAction {
    return action.edit ? { ...action, edit: forClient(action.edit) } : action;
  }

  // ---- connection handlers ----------------------------------------------------------------

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    capabilities = params.capabilities;
    options = (params.initializationOptions ?? {}) as InitializationOptions;
    for (const folder of params.workspaceFolders ?? []) addFolder(folder);
    if (folders.length === 0 && params.rootUri) addFolder({ uri: params.rootUri, name: 'root' });
    log(`Vigil ${VERSION} language server, ${trusted() ? 'trusted' : 'untrusted (built-in rules only)'} workspace, folders: ${folders.map(f => f.fsPath).join(', ') || 'none'}`);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, CodeActionKind.SourceFixAll] },
        executeCommandProvider: { commands: [ApplyIgnoreCommand] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'vigil', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
    }
    if (capabilities.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(event => {
        for (const removed of event.removed) {
          const folder = folders.find(f => f.uri === removed.uri);
          if (!folder) continue;
          folders.splice(folders.indexOf(folder), 1);
          clearFolder(folder);
        }
        for (const added of event.added) {
          const folder = addFolder(added);
          if (folder) void scanFolder(folder);
        }
      });
    }
    // Let the handshake finish before the first scan opens the DB and walks the folders.
    setImmediate(() => void scanAllFolders());
  });

  documents.onDidOpen(event => {
    const fsPath = toFsPath(event.document.uri);
    if (fsPath) scheduleScan(fsPath, 0);
  });
  documents.onDidChangeContent(event => {
    const fsPath = toFsPath(event.document.uri);
    if (fsPath) scheduleScan(fsPath, options.changeDebounceMs ?? DEFAULT_CHANGE_DEBOUNCE_MS);
  });
  documents.onDidSave(event => {
    const fsPath = toFsPath(event.document.uri);
    if (fsPath) scheduleScan(fsPath, 0);
  });
  documents.onDidClose(event => {
    // The buffer's unsaved edits are gone: go back to what is on disk.
    const fsPath = toFsPath(event.document.uri);
    if (fsPath) setImmediate(() => scheduleScan(fsPath, 0));
  });

  connection.onDidChangeWatchedFiles(params => {
    for (const change of params.changes) {
      const fsPath = toFsPath(change.uri);
      if (!fsPath || documentFor(fsPath) && change.type !== FileChangeType.Deleted) continue;
      if (fsPath.split(path.sep).includes('node_modules') || fsPath.split(path.sep).includes('.git')) continue;
      const base = path.basename(fsPath);
      const relevant = isIgnoreFile(fsPath) || base === 'package.json' || states.has(fsPath) || claimsFile(relPathOf(folderOf(fsPath), fsPath), { scanners: ['vuln', 'misconfig', 'secret', 'license'] });
      if (relevant) scheduleScan(fsPath, 50);
    }
  });

  connection.onDidChangeConfiguration(params => {
    pushedSettings = params.settings;
    settingsCache.clear();
    void scanAllFolders();
  });

  connection.onHover(params => {
    const fsPath = toFsPath(params.textDocument.uri);
    const view = fsPath ? views.get(fsPath) : undefined;
    return view ? hoverAt(view.hovers, params.position) : null;
  });

  connection.onCodeAction(params => {
    const fsPath = toFsPath(params.textDocument.uri);
    if (!fsPath) return [];
    const only = params.context.only;
    const wantsFixAll = only?.some(kind => FIX_ALL_KIND.startsWith(kind) && kind.startsWith(CodeActionKind.Source));
    if (wantsFixAll) {
      const input = actionInput(params.textDocument.uri, views.get(fsPath)?.diagnostics ?? []);
      const action = input && fixAllAction(input);
      return action ? [adapt(action)] : [];
    }
    if (only && !only.some(kind => CodeActionKind.QuickFix.startsWith(kind))) return [];
    const input = actionInput(params.textDocument.uri, params.context.diagnostics);
    return input ? codeActions(input).map(adapt) : [];
  });

  connection.onExecuteCommand(async params => {
    if (params.command !== ApplyIgnoreCommand) return;
    const args = (params.arguments?.[0] ?? {}) as ApplyIgnoreArgs;
    const folderPath = toFsPath(args.folderUri);
    if (!folderPath || typeof args.id !== 'string') return;
    const input = actionInput(pathToFileURL(path.join(folderPath, '.vigil-placeholder')).href, []);
    if (!input) return;
    try {
      const fix = ignoreFix(input, args.id, { reason: args.reason, expires: args.expires || undefined });
      if (fix) await connection.workspace.applyEdit({ label: fix.title, edit: forClient(toWorkspaceEdit([fix])) });
    } catch (error) {
      void connection.window.showErrorMessage(`Vigil: ${(error as Error).message}`);
    }
  });

  connection.onRequest(ScanWorkspaceRequest, async () => {
    for (const cacheDir of dbs.keys()) if (!dbs.get(cacheDir)?.db) reopenDb(cacheDir);
    await scanAllFolders();
    return { ok: true, message: `Scanned ${folders.length} folder(s).` } satisfies DbCommandResult;
  });

  /**
   * Runs a DB job (in a worker thread, see dbJob.ts) with cancellable progress, then reopens the DB
   * and rescans. The previous DB stays open and in use until then.
   */
  async function dbCommand(what: string, start: (cacheDir: string, settings: VigilSettings, onProgress: (message: string) => void) => RunningDbJob<string>): Promise<DbCommandResult> {
    const folder = folders[0] ?? { uri: 'file:///', fsPath: path.parse(process.cwd()).root };
    const settings = await settingsFor(folder);
    const cacheDir = cacheDirOf(settings, folder);
    const previous = dbs.get(cacheDir);
    dbs.set(cacheDir, { ...(previous ?? {}), status: { state: 'updating', path: cacheDir } });
    sendStatus();
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin(`Vigil: ${what}`, undefined, undefined, true);
    let job: RunningDbJob<string> | undefined;
    try {
      job = start(cacheDir, settings, message => progress.report(message));
      dbJobs.add(job);
      progress.token.onCancellationRequested(job.cancel);
      const message = await job.result;
      reopenDb(cacheDir);
      for (const folder of folders) await rescanKnown(folder);
      return { ok: true, message };
    } catch (error) {
      dbs.set(cacheDir, previous ?? { status: { state: 'error', message: (error as Error).message } });
      sendStatus();
      // A job stopped at the last moment may have made its generation current all the same.
      if (generationOnDisk(cacheDir) !== previous?.db?.generation) await onDbPointerChanged(cacheDir);
      return { ok: false, message: (error as Error).message };
    } finally {
      if (job) dbJobs.delete(job);
      progress.done();
    }
  }

  /** A running job whose report becomes the message for the user. */
  function describedJob<R>(job: RunningDbJob<R>, describe: (report: R) => string): RunningDbJob<string> {
    return { result: job.result.then(describe), cancel: job.cancel };
  }

  connection.onRequest(UpdateDbRequest, () => dbCommand('updating the vulnerability DB', (cacheDir, settings, onProgress) => {
    if (settings.offline) throw new Error('Offline mode is on (vigil.offline): import a DB instead.');
    const seen = [...states.values()].flatMap(s => s.result?.packages.map(p => p.ecosystem) ?? []);
    const ecosystems = [...new Set(seen.length > 0 ? seen : ['npm', 'PyPI'])];
    const job = startDbJob(workerEntry, { kind: 'update', cacheDir, mirror: settings.db.mirrorUrl || undefined, ecosystems }, onProgress);
    return describedJob(job, report => report.changed
      ? `Vulnerability DB updated (${ecosystems.join(', ')}): ${report.added} added, ${report.updated} updated.`
      : `Vulnerability DB already up to date (${ecosystems.join(', ')}).`);
  }));

  connection.onRequest(ImportDbRequest, (params: ImportDbParams) => dbCommand('importing advisories', (cacheDir, _settings, onProgress) => {
    const job = startDbJob(workerEntry, { kind: 'import', cacheDir, paths: params.paths }, onProgress);
    return describedJob(job, report => {
      const problems = report.problems.length > 0 ? `, ${report.problems.length} files skipped` : '';
      return `Imported ${report.read} advisories${problems}; the DB now holds ${report.metadata.totalRecords}.`;
    });
  }));

  connection.onRequest(ReportRequest, (): ReportModel => buildReport(
    folders.map(f => f.fsPath),
    [...states.values()].map(s => ({ file: path.relative(folders.length === 1 ? folders[0].fsPath : path.dirname(s.folder.fsPath), s.fsPath), result: s.result, error: s.error })),
  ));

  connection.onShutdown(() => {
    shuttingDown = true;
    for (const folder of folders) folder.scan?.abort();
    for (const timer of timers.values()) clearTimeout(timer);
    for (const job of dbJobs) job.cancel();
    for (const state of dbs.values()) state.db?.close();
    for (const pointer of watchedPointers.values()) fs.unwatchFile(pointer);
  });

  documents.listen(connection);
  connection.listen();
}

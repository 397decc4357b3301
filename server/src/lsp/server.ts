// The Vigil language server: keeps per-file analyses of every workspace folder and publishes them
// as diagnostics. This file only wires the connection to the parts, each in its own module:
//   workspace.ts       folders, open buffers, what the client said at initialize
//   folderSettings.ts  per-folder settings, cached until they change
//   dbState.ts         the vulnerability DBs: lazy open, reload on change, update/import jobs
//   ignorePolicy.ts    each folder's .trivyignore/.vigilignore: the policy and the files' own problems
//   scanning.ts        when to analyze what (folder scans, debounced edits, rescans)
//   publish.ts         analyses -> diagnostics + vigil/findings, and the views hovers read
//   codeActionRequests.ts quick-fixes and the apply-ignore command against live documents
// The pure conversions live in diagnostics.ts, hover.ts and codeActions.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind, DidChangeWatchedFilesNotification, FileChangeType, TextDocumentSyncKind, TextDocuments,
  type Connection, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { VERSION } from '../engine';
import { FIX_ALL_KIND } from './codeActions';
import { CodeActionRequests } from './codeActionRequests';
import { Databases, startImportJob, startUpdateJob } from './dbState';
import type { RunningDbJob } from './dbJob';
import { cacheDirOf, FolderSettings } from './folderSettings';
import { hoverAt } from './hover';
import {
  ApplyIgnoreCommand, CreateFilesAndEditCommand, GenerateSbomRequest, ImportDbRequest, ReportRequest, ScanWorkspaceRequest, StatusNotification, UpdateDbRequest,
  type ApplyIgnoreArgs, type CreateFilesAndEditArgs, type DbCommandResult, type GenerateSbomParams, type ImportDbParams, type InitializationOptions, type ReportModel, type StatusParams,
} from './protocol';
import { Publisher } from './publish';
import { generateSbom } from './sbom';
import { buildReport } from './report';
import { Analyses, Scanner } from './scanning';
import type { VigilSettings } from './settings';
import { isTrusted, toFsPath, Workspace, type ClientInfo, type Folder } from './workspace';

const DEFAULT_CHANGE_DEBOUNCE_MS = 150;
/** Quiet time after a directory appears before its workspace folder is walked again. */
const NEW_DIRECTORY_SCAN_DELAY_MS = 300;

export interface ServerOptions {
  /** The server's entry script: DB jobs run it in a worker thread (see dbJob.ts). */
  workerEntry: string;
}

export function startServer(connection: Connection, { workerEntry }: ServerOptions): void {
  const log = (message: string) => connection.console.log(`[vigil] ${message}`);
  const client: ClientInfo = { capabilities: {}, options: {} };
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace(documents);
  const settings = new FolderSettings(connection, client);
  const analyses = new Analyses();
  const publisher = new Publisher(connection, workspace, settings, analyses);
  const dbs: Databases = new Databases(connection, {
    log,
    statusChanged: () => sendStatus(),
    reloaded: cacheDir => scanner.rescanUsing(cacheDir),
  });
  const scanner: Scanner = new Scanner({ connection, workspace, settings, dbs, publisher, analyses, log, statusChanged: () => sendStatus() });
  const actions = new CodeActionRequests(connection, client, workspace, publisher, settings);

  function sendStatus(): void {
    void connection.sendNotification(StatusNotification, { db: dbs.status(), scanning: scanner.busy } satisfies StatusParams);
  }

  /** Scans the file behind a document URI after `delay` ms (other schemes are not ours). */
  function scanDocument(uri: string, delay: number): void {
    const fsPath = toFsPath(uri);
    if (fsPath) scanner.scheduleScan(fsPath, delay);
  }

  /** Scans a whole workspace folder once things settle: one walk for a burst of new directories. */
  const folderScanTimers = new Map<Folder, NodeJS.Timeout>();
  function scheduleFolderScan(folder: Folder): void {
    clearTimeout(folderScanTimers.get(folder));
    folderScanTimers.set(folder, setTimeout(() => {
      folderScanTimers.delete(folder);
      if (workspace.folders.includes(folder)) void scanner.scanFolder(folder);
    }, NEW_DIRECTORY_SCAN_DELAY_MS));
  }

  /** Runs a DB job on the first folder's cache dir, then rescans every folder's known files. */
  async function dbCommand(what: string, start: (cacheDir: string, settings: VigilSettings, onProgress: (message: string) => void) => RunningDbJob<string>): Promise<DbCommandResult> {
    const folder = workspace.folders[0] ?? { uri: 'file:///', fsPath: path.parse(process.cwd()).root };
    const folderSettings = await settings.for(folder);
    const cacheDir = cacheDirOf(folderSettings, folder);
    return dbs.runJob(cacheDir, what, onProgress => start(cacheDir, folderSettings, onProgress), () => scanner.rescanFolders());
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    client.capabilities = params.capabilities;
    client.options = (params.initializationOptions ?? {}) as InitializationOptions;
    for (const folder of params.workspaceFolders ?? []) workspace.add(folder);
    if (workspace.folders.length === 0 && params.rootUri) workspace.add({ uri: params.rootUri, name: 'root' });
    log(`Vigil ${VERSION} language server, ${isTrusted(client) ? 'trusted' : 'untrusted (built-in rules only)'} workspace, folders: ${workspace.folders.map(f => f.fsPath).join(', ') || 'none'}`);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, CodeActionKind.SourceFixAll] },
        executeCommandProvider: { commands: [ApplyIgnoreCommand, CreateFilesAndEditCommand] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'vigil', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    const { capabilities } = client;
    if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
    }
    if (capabilities.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(event => {
        for (const removed of event.removed) {
          const folder = workspace.remove(removed.uri);
          if (folder) scanner.clearFolder(folder);
        }
        for (const added of event.added) {
          const folder = workspace.add(added);
          if (folder) void scanner.scanFolder(folder);
        }
      });
    }
    // Let the handshake finish before the first scan opens the DB and walks the folders. The status
    // after it is the client's first answer, even when there was nothing to scan.
    setImmediate(() => void scanner.scanAllFolders().finally(sendStatus));
  });

  documents.onDidOpen(event => scanDocument(event.document.uri, 0));
  documents.onDidChangeContent(event => scanDocument(event.document.uri, client.options.changeDebounceMs ?? DEFAULT_CHANGE_DEBOUNCE_MS));
  documents.onDidSave(event => scanDocument(event.document.uri, 0));
  // The buffer's unsaved edits are gone: go back to what is on disk.
  documents.onDidClose(event => setImmediate(() => scanDocument(event.document.uri, 0)));

  connection.onDidChangeWatchedFiles(params => {
    for (const change of params.changes) {
      const fsPath = toFsPath(change.uri);
      if (!fsPath) continue;
      // A deleted or renamed folder arrives as one deletion of its own path: clear what lived under it.
      if (change.type === FileChangeType.Deleted) scanner.clearUnder(fsPath);
      // A folder that appears (the new name of a renamed one) is walked with the rest of its workspace folder.
      if (change.type === FileChangeType.Created && !isVendored(fsPath) && isDirectory(fsPath)) {
        if (workspace.inAFolder(fsPath)) scheduleFolderScan(workspace.folderOf(fsPath));
        continue;
      }
      // An open buffer is the truth until it is closed, unless its file is deleted.
      if (workspace.documentFor(fsPath) && change.type !== FileChangeType.Deleted) continue;
      if (scanner.mayAffectResults(fsPath)) scanner.scheduleScan(fsPath, 50);
    }
  });

  connection.onDidChangeConfiguration(async params => {
    if (await settings.changed(params.settings)) await scanner.scanAllFolders();
  });

  connection.onHover(params => {
    const fsPath = toFsPath(params.textDocument.uri);
    const view = fsPath ? publisher.viewOf(fsPath) : undefined;
    return view ? hoverAt(view.hovers, params.position) : null;
  });

  connection.onCodeAction(params => actions.codeActions(params));

  connection.onExecuteCommand(async params => {
    const [args] = params.arguments ?? [];
    if (params.command === ApplyIgnoreCommand) await actions.applyIgnore((args ?? {}) as ApplyIgnoreArgs);
    if (params.command === CreateFilesAndEditCommand) await actions.createFilesAndEdit(args as CreateFilesAndEditArgs);
  });

  connection.onRequest(ScanWorkspaceRequest, async () => {
    dbs.reopenFailed();
    await scanner.scanAllFolders();
    return { ok: true, message: `Scanned ${workspace.folders.length} folder(s).` } satisfies DbCommandResult;
  });

  connection.onRequest(UpdateDbRequest, () => dbCommand('updating the vulnerability DB',
    (cacheDir, folderSettings, onProgress) => startUpdateJob(workerEntry, cacheDir, folderSettings, scanner.seenEcosystems(), onProgress)));

  connection.onRequest(ImportDbRequest, (params: ImportDbParams) => dbCommand('importing advisories',
    (cacheDir, _settings, onProgress) => startImportJob(workerEntry, cacheDir, params.paths, onProgress)));

  connection.onRequest(GenerateSbomRequest, (params: GenerateSbomParams) => generateSbom(params, workspace, settings));

  connection.onRequest(ReportRequest, (): ReportModel => {
    const { folders } = workspace;
    return buildReport(
      folders.map(f => f.fsPath),
      [...analyses.values()].map(s => ({
        file: path.relative(folders.length === 1 ? folders[0].fsPath : path.dirname(s.folder.fsPath), s.fsPath),
        uri: pathToFileURL(s.fsPath).href, results: s.results, errors: s.errors,
      })),
    );
  });

  connection.onShutdown(() => {
    for (const timer of folderScanTimers.values()) clearTimeout(timer);
    publisher.dispose();
    scanner.dispose();
    dbs.dispose();
  });

  documents.listen(connection);
  connection.listen();
}

/** Inside node_modules or .git: never walked, so a directory appearing there changes nothing. */
function isVendored(fsPath: string): boolean {
  const parts = fsPath.split(path.sep);
  return parts.includes('node_modules') || parts.includes('.git');
}

function isDirectory(fsPath: string): boolean {
  try {
    return fs.statSync(fsPath).isDirectory();
  } catch {
    return false;
  }
}

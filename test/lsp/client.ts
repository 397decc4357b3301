// A real JSON-RPC client for driving the Vigil language server in tests and benchmarks.
// It spawns `node --import tsx server/src/lsp/main.ts --stdio`, so no build is needed.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter,
  type ApplyWorkspaceEditParams, type Diagnostic, type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const REPO_ROOT = path.resolve(__dirname, '../..');
const SERVER_ENTRY = path.join(REPO_ROOT, 'server/src/lsp/main.ts');

export interface StartOptions {
  workspaceFolders: string[];
  /** Answer to workspace/configuration for section `vigil`, per folder path (null: the client has none). */
  settings: (folderPath: string | undefined) => Record<string, unknown> | null;
  initializationOptions?: Record<string, unknown>;
  /** Whether the client applies `documentChanges` (and so can create files from an edit). Default true. */
  documentChanges?: boolean;
  /** Whether the client offers workspace/configuration (Neovim 0.7 does not). Default true. */
  configuration?: boolean;
  /** The server's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Override the command, e.g. to run the built dist/server.js. */
  command?: { file: string; args: string[] };
}

export class LspTestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly findings = new Map<string, unknown[]>();
  readonly statuses: unknown[] = [];
  readonly appliedEdits: ApplyWorkspaceEditParams[] = [];
  readonly logs: string[] = [];
  /** Every window/showMessageRequest: clients like Neovim block on one until the user picks. */
  readonly messageRequests: { message: string; actions?: unknown[] }[] = [];
  /** Every $/progress notification, in order. */
  readonly progress: { token: string | number; value: { kind: string; title?: string; message?: string } }[] = [];
  private waiters: { test: () => boolean; resolve: () => void }[] = [];
  private progressEnded = 0;
  private constructor(readonly process: ChildProcess, readonly connection: ProtocolConnection) {}

  static async start(options: StartOptions): Promise<LspTestClient> {
    const command = options.command ?? { file: process.execPath, args: ['--import', 'tsx', SERVER_ENTRY, '--stdio'] };
    const child = spawn(command.file, command.args, { cwd: REPO_ROOT, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspTestClient(child, connection);
    child.stderr!.on('data', chunk => client.logs.push(String(chunk)));
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      client.diagnostics.set(params.uri, params);
      client.wake();
    });
    connection.onNotification('vigil/findings', (params: { uri: string; findings: unknown[] }) => {
      client.findings.set(params.uri, params.findings);
      client.wake();
    });
    connection.onNotification('vigil/status', (params: unknown) => void client.statuses.push(params));
    connection.onNotification('window/logMessage', (params: { message: string }) => void client.logs.push(params.message));
    connection.onNotification('window/showMessage', (params: { message: string }) => void client.logs.push(`showMessage: ${params.message}`));
    connection.onNotification('$/progress', (params: LspTestClient['progress'][number]) => {
      client.progress.push(params);
      if (params.value.kind === 'end') client.progressEnded++;
      client.wake();
    });
    connection.onRequest('window/showMessageRequest', (params: { message: string; actions?: unknown[] }) => {
      client.messageRequests.push(params);
      client.logs.push(`showMessageRequest: ${params.message}`);
      return null;
    });
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/configuration', (params: { items: { scopeUri?: string; section?: string }[] }) =>
      params.items.map(item => options.settings(item.scopeUri ? new URL(item.scopeUri).pathname : undefined)));
    connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
      client.appliedEdits.push(params);
      return { applied: true };
    });
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: options.workspaceFolders.map(f => ({ uri: pathToFileURL(f).href, name: path.basename(f) })),
      initializationOptions: options.initializationOptions ?? {},
      capabilities: {
        workspace: {
          configuration: options.configuration !== false, workspaceFolders: true, applyEdit: true,
          workspaceEdit: options.documentChanges === false ? {} : { documentChanges: true, resourceOperations: ['create'] },
          didChangeWatchedFiles: { dynamicRegistration: true },
        },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { versionSupport: true }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } }, disabledSupport: true } },
      },
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  private wake(): void {
    const pending = this.waiters;
    this.waiters = [];
    for (const waiter of pending) {
      if (waiter.test()) waiter.resolve();
      else this.waiters.push(waiter);
    }
  }

  /** Resolves when `test` holds, checked after every message; rejects after `timeoutMs`. */
  waitFor(what: string, test: () => boolean, timeoutMs = 15000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}\n${this.logs.join('\n')}`)), timeoutMs);
      this.waiters.push({ test, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  /** Waits for the n-th work-done progress to end (the initial workspace scan is the first). */
  waitForScans(count: number): Promise<void> {
    return this.waitFor(`${count} scans`, () => this.progressEnded >= count, 60000);
  }

  diagnosticsOf(file: string): Diagnostic[] {
    return this.diagnostics.get(pathToFileURL(file).href)?.diagnostics ?? [];
  }

  /** The next publishDiagnostics for a file after the returned promise is created. */
  nextDiagnostics(file: string, test: (d: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    const uri = pathToFileURL(file).href;
    const before = this.diagnostics.get(uri);
    return this.waitFor(`diagnostics for ${file}`, () => {
      const now = this.diagnostics.get(uri);
      return now !== undefined && now !== before && test(now);
    }).then(() => this.diagnostics.get(uri)!);
  }

  open(file: string, text: string, version = 1, languageId = 'json'): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(file).href, languageId, version, text } });
  }

  change(file: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: pathToFileURL(file).href, version }, contentChanges: [{ text }] });
  }

  /** An incremental change, as VS Code sends while typing. */
  changeRange(file: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string, version: number): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: pathToFileURL(file).href, version }, contentChanges: [{ range, text }] });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise(r => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone.
    }
    this.connection.dispose();
    if (this.process.exitCode === null) this.process.kill();
  }
}

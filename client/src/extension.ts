// The VS Code side of Vigil: starts the language server over IPC and shows what it reports in a
// findings view, a status bar item and a report webview. All scanning happens in the server.
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction, DidChangeConfigurationNotification, ErrorAction, ExecuteCommandRequest, LanguageClient, TransportKind,
  type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';
import {
  ApplyIgnoreCommand, FindingsNotification, GenerateSbomRequest, ImportDbRequest, ReportRequest, ScanWorkspaceRequest, StatusNotification, UpdateDbRequest,
  OpenLocationCommand, SEVERITY_LABELS, type ApplyIgnoreArgs, type GenerateSbomResult, type OpenLocationArgs, type SbomFormatName, type DbCommandResult, type FindingsParams, type ReportModel, type StatusParams,
} from '../../server/src/lsp/protocol';
import { FindingsModel, SEVERITY_ORDER, statusBarView, type FileFinding, type GroupBy } from './findingsModel';
import { renderReportHtml } from './reportHtml';

const VIEW_ID = 'vigil.findings';
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 3 * 60_000;

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Vigil', { log: true });
  const model = new FindingsModel();
  const tree = new FindingsTree(model);
  const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const statusBar = vscode.window.createStatusBarItem('vigil.status', vscode.StatusBarAlignment.Left, 50);
  statusBar.command = `${VIEW_ID}.focus`;
  statusBar.name = 'Vigil';
  let status: StatusParams | undefined;
  /** Whether the server has finished its first scan since the client (re)started. */
  let answered = false;
  context.subscriptions.push(output, treeView, statusBar);

  function refreshViews(): void {
    tree.refresh();
    const counts = model.countsBySeverity();
    const total = model.counted().length;
    treeView.description = model.filter ? `${model.counted(model.visible()).length} of ${total} · filter: ${model.filter}` : `${total} · by ${model.groupBy}`;
    const view = statusBarView(status, answered, counts);
    statusBar.text = view.text;
    statusBar.backgroundColor = view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    statusBar.tooltip = new vscode.MarkdownString(`**Vigil** — ${SEVERITY_ORDER.map(s => `${SEVERITY_LABELS[s]}: ${counts[s]}`).join(', ')}\n\n${view.dbLine}`);
    statusBar.show();
  }

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const restarts: number[] = [];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }],
    outputChannel: output,
    initializationOptions: { trusted: vscode.workspace.isTrusted, promptsForIgnoreReason: true },
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        const now = Date.now();
        restarts.push(now);
        while (restarts.length > 0 && now - restarts[0] > RESTART_WINDOW_MS) restarts.shift();
        if (restarts.length > MAX_RESTARTS) {
          return { action: CloseAction.DoNotRestart, message: 'The Vigil server crashed 5 times in 3 minutes and will not be restarted. See "Vigil: Show Output".' };
        }
        output.appendLine(`[vigil] the server stopped; restarting (${restarts.length}/${MAX_RESTARTS})`);
        return { action: CloseAction.Restart };
      },
    },
  };

  function startClient(): Promise<void> {
    client = new LanguageClient('vigil', 'Vigil', serverOptions, clientOptions);
    client.onNotification(FindingsNotification, (params: FindingsParams) => {
      const uri = vscode.Uri.parse(params.uri);
      model.set(params.uri, vscode.workspace.asRelativePath(uri), params.findings);
      refreshViews();
    });
    client.onNotification(StatusNotification, (params: StatusParams) => {
      status = params;
      answered ||= !params.scanning;
      refreshViews();
    });
    return client.start();
  }

  async function restartClient(): Promise<void> {
    model.clear();
    status = undefined;
    answered = false;
    await client?.stop();
    clientOptions.initializationOptions = { trusted: vscode.workspace.isTrusted, promptsForIgnoreReason: true };
    await startClient();
  }

  async function request<R>(method: string, params?: unknown): Promise<R> {
    if (!client) throw new Error('the Vigil server is not running');
    return client.sendRequest(method, params) as Promise<R>;
  }

  function report(result: DbCommandResult): void {
    if (result.ok) void vscode.window.showInformationMessage(`Vigil: ${result.message}`);
    else void vscode.window.showErrorMessage(`Vigil: ${result.message}`);
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('vigil.scanWorkspace', async () => {
      await vscode.window.withProgress({ location: { viewId: VIEW_ID }, title: 'Vigil: scanning' }, () => request(ScanWorkspaceRequest));
    }),
    vscode.commands.registerCommand('vigil.updateDb', async () => {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Vigil: updating the vulnerability DB…' },
        () => request<DbCommandResult>(UpdateDbRequest));
      report(result);
    }),
    vscode.commands.registerCommand('vigil.importDb', async (given?: vscode.Uri[]) => {
      const picked = given ?? await vscode.window.showOpenDialog({
        canSelectFiles: true, canSelectFolders: true, canSelectMany: true, openLabel: 'Import advisories',
        title: 'OSV all.zip files or folders of OSV JSON records', filters: { 'OSV advisories': ['zip', 'json', 'yaml', 'yml'], 'All files': ['*'] },
      });
      if (!picked || picked.length === 0) return;
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Vigil: importing advisories…' },
        () => request<DbCommandResult>(ImportDbRequest, { paths: picked.map(uri => uri.fsPath) }));
      report(result);
    }),
    vscode.commands.registerCommand('vigil.showOutput', () => output.show(true)),
    // The report's location links (command URIs): open the file with the cursor on the finding.
    vscode.commands.registerCommand('vigil.openLocation', async (args: OpenLocationArgs) => {
      const position = new vscode.Position(Math.max(0, args.line - 1), Math.max(0, args.column - 1));
      await vscode.window.showTextDocument(vscode.Uri.parse(args.uri), { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.One });
    }),
    vscode.commands.registerCommand('vigil.showReport', async () => {
      const model = await request<ReportModel>(ReportRequest);
      showReport(context, model);
    }),
    // From the palette (a workspace folder to choose) or a folder's context menu in the explorer.
    vscode.commands.registerCommand('vigil.generateSbom', async (given?: vscode.Uri) => {
      let folder = given;
      if (!folder) {
        const folders = vscode.workspace.workspaceFolders ?? [];
        const picked = folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder to describe in an SBOM' });
        folder = picked?.uri;
      }
      if (!folder) return;
      const formats: (vscode.QuickPickItem & { format: SbomFormatName; file: string })[] = [
        { label: 'CycloneDX 1.6 (JSON)', format: 'cyclonedx', file: 'sbom.cdx.json' },
        { label: 'SPDX 2.3 (JSON)', format: 'spdx-json', file: 'sbom.spdx.json' },
      ];
      const choice = await vscode.window.showQuickPick(formats, { title: 'Vigil: SBOM format' });
      if (!choice) return;
      const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(folder, choice.file), filters: { 'SBOM (JSON)': ['json'] }, title: 'Write the SBOM to' });
      if (!target) return;
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Vigil: generating the SBOM…' },
        () => request<GenerateSbomResult>(GenerateSbomRequest, { folderUri: folder.toString(), format: choice.format, outputUri: target.toString() }));
      if (!result.ok) {
        void vscode.window.showErrorMessage(result.message);
        return;
      }
      const open = await vscode.window.showInformationMessage(result.message, 'Open');
      if (open && result.outputUri) await vscode.window.showTextDocument(vscode.Uri.parse(result.outputUri));
    }),
    vscode.commands.registerCommand('vigil.ignoreWithReason', async (args: { folderUri: string; id: string; purl?: string }) => {
      const reason = await vscode.window.showInputBox({ title: `Ignore ${args.id}`, prompt: 'Reason (written as a comment; optional)', ignoreFocusOut: true });
      if (reason === undefined) return;
      const expires = await vscode.window.showInputBox({
        title: `Ignore ${args.id}`, prompt: 'Expiry date YYYY-MM-DD (optional): the entry stops applying after it', ignoreFocusOut: true,
        validateInput: value => (value === '' || /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : 'A date like 2025-12-31, or empty'),
      });
      if (expires === undefined) return;
      const commandArgs: ApplyIgnoreArgs = { folderUri: args.folderUri, id: args.id, reason: reason || undefined, expires: expires || undefined, purl: args.purl };
      await client?.sendRequest(ExecuteCommandRequest.type, { command: ApplyIgnoreCommand, arguments: [commandArgs] });
    }),
    vscode.commands.registerCommand('vigil.findings.groupBy', async () => {
      const choice = await vscode.window.showQuickPick(['severity', 'file', 'type'], { title: 'Group Vigil findings by' });
      if (!choice) return;
      model.groupBy = choice as GroupBy;
      refreshViews();
    }),
    vscode.commands.registerCommand('vigil.findings.filter', async () => {
      const filter = await vscode.window.showInputBox({ title: 'Filter Vigil findings', prompt: 'ID, package, file or severity', value: model.filter });
      if (filter === undefined) return;
      model.filter = filter;
      void vscode.commands.executeCommand('setContext', 'vigil.findingsFiltered', filter !== '');
      refreshViews();
    }),
    vscode.commands.registerCommand('vigil.findings.clearFilter', () => {
      model.filter = '';
      void vscode.commands.executeCommand('setContext', 'vigil.findingsFiltered', false);
      refreshViews();
    }),
    vscode.workspace.onDidChangeConfiguration(event => {
      if (event.affectsConfiguration('vigil')) void client?.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restartClient()),
    { dispose: () => void client?.stop() },
  );

  refreshViews();
  await startClient();
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}

type Node = { kind: 'group'; label: string; findings: FileFinding[] } | { kind: 'finding'; finding: FileFinding };

const SEVERITY_ICONS: Record<string, vscode.ThemeIcon> = {
  CRITICAL: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  HIGH: new vscode.ThemeIcon('error', new vscode.ThemeColor('editorError.foreground')),
  MEDIUM: new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground')),
  LOW: new vscode.ThemeIcon('info', new vscode.ThemeColor('editorInfo.foreground')),
  UNKNOWN: new vscode.ThemeIcon('question'),
};

class FindingsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly model: FindingsModel) {}

  refresh(): void {
    this.changed.fire();
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.model.groups().map(g => ({ kind: 'group', label: g.label, findings: g.findings }));
    return node.kind === 'group' ? node.findings.map(finding => ({ kind: 'finding', finding })) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(`${node.label} (${node.findings.length})`, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = this.model.groupBy === 'severity' ? SEVERITY_ICONS[node.findings[0].severity] : this.model.groupBy === 'file' ? vscode.ThemeIcon.File : new vscode.ThemeIcon('symbol-class');
      if (this.model.groupBy === 'file') item.resourceUri = vscode.Uri.parse(node.findings[0].uri);
      return item;
    }
    const f = node.finding;
    const item = new vscode.TreeItem(f.pkgName ? `${f.id} · ${f.pkgName}${f.installedVersion ? `@${f.installedVersion}` : ''}` : f.id, vscode.TreeItemCollapsibleState.None);
    item.description = `${this.model.groupBy === 'file' ? '' : `${f.label}:${f.line + 1} `}${f.fixedVersion ? `fixed in ${f.fixedVersion}` : ''}`.trim();
    item.tooltip = f.message;
    item.iconPath = SEVERITY_ICONS[f.severity];
    item.contextValue = f.type;
    const position = new vscode.Position(f.line, f.character);
    item.command = { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.parse(f.uri), { selection: new vscode.Range(position, position) }] };
    return item;
  }
}

let reportPanel: vscode.WebviewPanel | undefined;

/** Shows a whole-scan report; the image scan calls this with its own model. */
export function showReport(context: vscode.ExtensionContext, report: ReportModel): void {
  if (!reportPanel) {
    // No scripts; the one command URI allowed is the location links' (see reportHtml.ts).
    reportPanel = vscode.window.createWebviewPanel('vigil.report', report.title, vscode.ViewColumn.Active,
      { enableScripts: false, enableFindWidget: true, enableCommandUris: [OpenLocationCommand] });
    reportPanel.onDidDispose(() => (reportPanel = undefined), undefined, context.subscriptions);
  }
  reportPanel.title = report.title;
  reportPanel.webview.html = renderReportHtml(report, crypto.randomBytes(16).toString('base64'));
  reportPanel.reveal();
}

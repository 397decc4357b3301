// Serves the pure fixes of codeActions.ts against the live workspace: feeds them open buffers (with
// their versions) or the disk, and shapes their edits for what the client can apply.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind, MessageType, ShowMessageNotification, type CodeAction, type CodeActionParams, type Connection, type Diagnostic, type TextDocumentEdit, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { ignoreFileName } from '../engine/fixes/ignoreFile';
import { codeActions, fixAllAction, FIX_ALL_KIND, ignoreFix, toWorkspaceEdit, vexIgnoreFix, type CodeActionInput, type DocumentSnapshot } from './codeActions';
import { EDITOR_VEX_FILE } from '../engine/fixes/openvexFile';
import type { FolderSettings } from './folderSettings';
import { IGNORE_FILE_NAMES } from '../engine/ignore';
import { CreateFilesAndEditCommand, type ApplyIgnoreArgs, type CreateFilesAndEditArgs } from './protocol';
import type { Publisher } from './publish';
import type { VulnerabilityData } from './diagnostics';
import { contains } from './hover';
import { relPathOf, toFsPath, type ClientInfo, type Workspace } from './workspace';

export class CodeActionRequests {
  constructor(
    private readonly connection: Connection,
    private readonly client: ClientInfo,
    private readonly workspace: Workspace,
    private readonly publisher: Publisher,
    private readonly settings: FolderSettings,
  ) {}

  /** textDocument/codeAction: the quick-fixes of the given diagnostics, or fix-all over the file's published ones. */
  async codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    const fsPath = toFsPath(params.textDocument.uri);
    if (!fsPath) return [];
    const only = params.context.only;
    const wantsFixAll = only?.some(kind => FIX_ALL_KIND.startsWith(kind) && kind.startsWith(CodeActionKind.Source));
    if (wantsFixAll) {
      const input = await this.inputFor(params.textDocument.uri, this.publisher.viewOf(fsPath)?.diagnostics ?? []);
      const action = input && fixAllAction(input);
      return action ? [this.adapt(action)] : [];
    }
    if (only && !only.some(kind => CodeActionKind.QuickFix.startsWith(kind))) return [];
    const input = await this.inputFor(params.textDocument.uri, this.diagnosticsAt(fsPath, params));
    return input ? codeActions(input).map(action => this.adapt(action)) : [];
  }

  /**
   * The client's diagnostics under the cursor, plus Vigil's whose whole entry holds it: a package is
   * underlined on its key only, yet its fixes are offered anywhere in its lockfile entry.
   */
  private diagnosticsAt(fsPath: string, params: CodeActionParams): Diagnostic[] {
    const found = [...params.context.diagnostics];
    const seen = new Set(found.map(d => `${d.code} ${JSON.stringify(d.range)}`));
    for (const diagnostic of this.publisher.viewOf(fsPath)?.diagnostics ?? []) {
      const entry = (diagnostic.data as Partial<VulnerabilityData> | undefined)?.entry;
      if (!entry || !contains(entry, params.range.start) || seen.has(`${diagnostic.code} ${JSON.stringify(diagnostic.range)}`)) continue;
      found.push(diagnostic);
    }
    return found;
  }

  /** The vigil.server.applyIgnore command: adds an entry (with the reason the client prompted for) to the folder's ignore file. */
  async applyIgnore(args: ApplyIgnoreArgs): Promise<void> {
    const folderPath = toFsPath(args.folderUri);
    if (!folderPath || typeof args.id !== 'string') return;
    // Only the folder matters here: any file in it yields the folder's ignore file.
    const input = await this.inputFor(pathToFileURL(path.join(folderPath, '.vigil-placeholder')).href, []);
    if (!input) return;
    try {
      const options = { reason: args.reason, expires: args.expires || undefined };
      const fix = input.vexFile && typeof args.purl === 'string' ? vexIgnoreFix(input, args.id, args.purl, options) : ignoreFix(input, args.id, options);
      if (fix) await this.applyForClient(fix.title, toWorkspaceEdit([fix]));
    } catch (error) {
      // A notification: a request with no actions to choose from blocks clients that prompt (Neovim).
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `Vigil: ${(error as Error).message}` });
    }
  }

  /** The vigil.server.createFilesAndEdit command (see protocol.ts). */
  async createFilesAndEdit(args: CreateFilesAndEditArgs): Promise<void> {
    for (const uri of args.create) {
      const fsPath = toFsPath(uri);
      if (fsPath && !fs.existsSync(fsPath)) {
        fs.mkdirSync(path.dirname(fsPath), { recursive: true });
        fs.writeFileSync(fsPath, '');
      }
    }
    await this.connection.workspace.applyEdit({ edit: args.edit });
  }

  private async applyForClient(label: string, edit: WorkspaceEdit): Promise<void> {
    const created = this.filesToCreate(edit);
    if (created.length > 0 && !this.canCreateFiles()) await this.createFilesAndEdit({ create: created, edit: this.asChanges(edit) });
    else await this.connection.workspace.applyEdit({ label, edit: this.forClient(edit) });
  }

  private async inputFor(uri: string, diagnostics: readonly Diagnostic[]): Promise<CodeActionInput | undefined> {
    const fsPath = toFsPath(uri);
    if (!fsPath) return undefined;
    const folder = this.workspace.folderOf(fsPath);
    const settings = await this.settings.for(folder);
    const vexPath = path.join(folder.fsPath, ...EDITOR_VEX_FILE.split('/'));
    const existing = IGNORE_FILE_NAMES.filter(name => fs.existsSync(path.join(folder.fsPath, name)) || this.workspace.documentFor(path.join(folder.fsPath, name)));
    const ignoreName = ignoreFileName(existing);
    const ignorePath = path.join(folder.fsPath, ignoreName);
    return {
      document: { ...this.snapshot(fsPath), relPath: relPathOf(folder, fsPath) },
      diagnostics,
      resolve: relPath => this.snapshot(path.join(folder.fsPath, ...relPath.split('/'))),
      ignoreFile: { ...this.snapshot(ignorePath), name: ignoreName },
      vexFile: settings.ignoreFile === 'openvex' ? { ...this.snapshot(vexPath), name: EDITOR_VEX_FILE } : undefined,
      folderUri: folder.uri,
      promptsForIgnoreReason: this.client.options.promptsForIgnoreReason === true,
      showsDisabledActions: this.client.capabilities.textDocument?.codeAction?.disabledSupport === true,
    };
  }

  private snapshot(fsPath: string): DocumentSnapshot {
    const document = this.workspace.documentFor(fsPath);
    if (document) return { uri: document.uri, version: document.version, text: document.getText(), exists: true };
    const text = this.workspace.readText(fsPath);
    return { uri: this.publisher.uriOf(fsPath), version: null, text: text ?? '', exists: text !== undefined };
  }

  private canCreateFiles(): boolean {
    return this.client.capabilities.workspace?.workspaceEdit?.documentChanges === true;
  }

  private filesToCreate(edit: WorkspaceEdit): string[] {
    return (edit.documentChanges ?? []).flatMap(change => ('kind' in change && change.kind === 'create' ? [change.uri] : []));
  }

  /** The plain `changes` map, for clients without `documentChanges`. */
  private asChanges(edit: WorkspaceEdit): WorkspaceEdit {
    const changes: NonNullable<WorkspaceEdit['changes']> = {};
    for (const change of edit.documentChanges ?? []) {
      if ('textDocument' in change) (changes[change.textDocument.uri] ??= []).push(...(change as TextDocumentEdit).edits as never[]);
    }
    return { changes };
  }

  private forClient(edit: WorkspaceEdit): WorkspaceEdit {
    return this.canCreateFiles() ? edit : this.asChanges(edit);
  }

  /**
   * Shapes an action's edit for the client. One that must create a file (a new .trivyignore) becomes,
   * for clients without `documentChanges`, a command that creates it on the server's side first.
   */
  private adapt(action: CodeAction): CodeAction {
    if (!action.edit) return action;
    const created = this.filesToCreate(action.edit);
    if (created.length === 0 || this.canCreateFiles()) return { ...action, edit: this.forClient(action.edit) };
    const { edit, ...rest } = action;
    const args: CreateFilesAndEditArgs = { create: created, edit: this.asChanges(edit) };
    return { ...rest, command: { title: action.title, command: CreateFilesAndEditCommand, arguments: [args] } };
  }
}

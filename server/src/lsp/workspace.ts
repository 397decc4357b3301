// The editor's side of things as the server sees it: what the client said at initialize, the
// workspace folders, and the open buffers, which win over the disk wherever a file is open.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ClientCapabilities, TextDocuments, WorkspaceFolder } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { IgnorePolicy } from '../engine';
import type { VexPolicy } from '../engine/vex';
import type { InitializationOptions } from './protocol';

/** Set once by `initialize`; read by every module that adapts to the client. */
export interface ClientInfo {
  capabilities: ClientCapabilities;
  options: InitializationOptions;
}

export const isTrusted = (client: ClientInfo): boolean => client.options.trusted !== false;

export interface Folder {
  uri: string;
  fsPath: string;
  /** The folder scan in flight, so a newer one (or removing the folder) can stop it. */
  scan?: AbortController;
  /** Parsed ignore files, dropped whenever one of them changes (see ignorePolicy.ts). */
  ignore?: IgnorePolicy;
  /** The folder's .vex/vigil.openvex.json, read like the ignore files: its policy, or why it could not be read. */
  vex?: { policy?: VexPolicy; problem?: string };
}

export type Log = (message: string) => void;

export function toFsPath(uri: string): string | undefined {
  return uri.startsWith('file:') ? path.normalize(fileURLToPath(uri)) : undefined;
}

export function relPathOf(folder: Folder, fsPath: string): string {
  return path.relative(folder.fsPath, fsPath).split(path.sep).join('/');
}

export class Workspace {
  readonly folders: Folder[] = [];

  constructor(readonly documents: TextDocuments<TextDocument>) {}

  add(folder: WorkspaceFolder): Folder | undefined {
    const fsPath = toFsPath(folder.uri);
    if (!fsPath || this.folders.some(f => f.fsPath === fsPath)) return undefined;
    const added: Folder = { uri: folder.uri, fsPath };
    this.folders.push(added);
    return added;
  }

  remove(uri: string): Folder | undefined {
    const folder = this.folders.find(f => f.uri === uri);
    if (folder) this.folders.splice(this.folders.indexOf(folder), 1);
    return folder;
  }

  /** The workspace folder holding a path: the innermost one, or the file's own directory when none does. */
  folderOf(fsPath: string): Folder {
    const matching = this.folders.filter(f => isInside(f, fsPath));
    if (matching.length > 0) return matching.sort((a, b) => b.fsPath.length - a.fsPath.length)[0];
    const dir = path.dirname(fsPath);
    return { uri: pathToFileURL(dir).href, fsPath: dir };
  }

  /** Whether the path lies in a workspace folder rather than in a stand-in for its own directory. */
  inAFolder(fsPath: string): boolean {
    const folder = this.folderOf(fsPath);
    return this.folders.some(f => f.uri === folder.uri);
  }

  documentFor(fsPath: string): TextDocument | undefined {
    return this.documents.all().find(d => toFsPath(d.uri) === fsPath);
  }

  /** The paths of the open buffers that are files. */
  openPaths(): string[] {
    return this.documents.all().map(d => toFsPath(d.uri)).filter((p): p is string => p !== undefined);
  }

  /** A file's text: the open buffer when there is one, else the disk; undefined when absent. */
  readText(fsPath: string): string | undefined {
    const document = this.documentFor(fsPath);
    if (document) return document.getText();
    try {
      return fs.readFileSync(fsPath, 'utf8');
    } catch {
      return undefined;
    }
  }
}

/** Whether a path is the folder or lies anywhere below it. */
export function isInside(folder: Folder, fsPath: string): boolean {
  return fsPath === folder.fsPath || fsPath.startsWith(folder.fsPath + path.sep);
}

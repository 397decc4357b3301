// The `vigil.*` settings of each folder. Clients that support workspace/configuration are asked per
// resource (folders may differ); others push one set with didChangeConfiguration. Answers are cached
// until the settings change, so a burst of scans does not become a burst of requests.
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { defaultCacheDir } from '../engine';
import { normalizeSettings, type VigilSettings } from './settings';
import { isTrusted, type ClientInfo, type Folder } from './workspace';

export class FolderSettings {
  private readonly cache = new Map<string, Promise<VigilSettings>>();
  private pushed: unknown;

  constructor(private readonly connection: Connection, private readonly client: ClientInfo) {}

  for(folder: Folder): Promise<VigilSettings> {
    let cached = this.cache.get(folder.uri);
    if (!cached) {
      const raw: Promise<unknown> = this.client.capabilities.workspace?.configuration
        ? this.connection.workspace.getConfiguration({ scopeUri: folder.uri, section: 'vigil' }).catch(() => undefined)
        : Promise.resolve((this.pushed as { vigil?: unknown } | undefined)?.vigil);
      cached = raw.then(value => normalizeSettings(value, { trusted: isTrusted(this.client), folderPath: folder.fsPath }));
      this.cache.set(folder.uri, cached);
    }
    return cached;
  }

  /** didChangeConfiguration: keep what was pushed (if anything) and forget every cached answer. */
  changed(pushed: unknown): void {
    this.pushed = pushed;
    this.cache.clear();
  }
}

/** The cache dir holding a folder's DB; relative settings are relative to the folder. */
export function cacheDirOf(settings: VigilSettings, folder: Folder): string {
  return settings.cacheDir ? path.resolve(folder.fsPath, settings.cacheDir) : defaultCacheDir();
}

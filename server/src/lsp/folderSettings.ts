// The `vigil.*` settings of each folder, from the first source that has them:
//   1. workspace/configuration, asked per resource (folders may differ), when the client offers it;
//   2. the last workspace/didChangeConfiguration `{ settings: { vigil } }` (Neovim 0.7 sends this
//      from on_init, as it does not offer workspace/configuration);
//   3. initializationOptions `{ vigil }`, known before the first scan.
// Answers are cached until the settings change, so a burst of scans does not become a burst of requests.
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { defaultCacheDir } from '../engine';
import { normalizeSettings, type VigilSettings } from './settings';
import { isTrusted, type ClientInfo, type Folder } from './workspace';

export class FolderSettings {
  private readonly cache = new Map<string, { folder: Folder; settings: Promise<VigilSettings> }>();
  /** The `vigil` section of the last didChangeConfiguration, if it had one. */
  private pushed: object | undefined;

  constructor(private readonly connection: Connection, private readonly client: ClientInfo) {}

  /** Whether the workspace is trusted: an untrusted one runs the built-in rules only. */
  get trusted(): boolean {
    return isTrusted(this.client);
  }

  for(folder: Folder): Promise<VigilSettings> {
    let cached = this.cache.get(folder.uri);
    if (!cached) {
      const asked: Promise<unknown> = this.client.capabilities.workspace?.configuration
        ? this.connection.workspace.getConfiguration({ scopeUri: folder.uri, section: 'vigil' }).catch(() => undefined)
        : Promise.resolve(undefined);
      const settings = asked.then(answer => normalizeSettings(
        [answer, this.pushed, this.client.options.vigil].find(isObject),
        { trusted: isTrusted(this.client), folderPath: folder.fsPath },
      ));
      cached = { folder, settings };
      this.cache.set(folder.uri, cached);
    }
    return cached.settings;
  }

  /**
   * didChangeConfiguration: keeps the pushed `vigil` section (if any) and forgets every cached answer.
   * Resolves to whether a folder's settings, as read before, are now different. A folder not read yet
   * has nothing computed with old settings (its scan reads the new ones). Neovim pushes from on_init
   * what it already gave in init_options: that must not rescan everything.
   */
  async changed(pushed: unknown): Promise<boolean> {
    const section = isObject(pushed) ? (pushed as { vigil?: unknown }).vigil : undefined;
    this.pushed = isObject(section) ? section : undefined;
    const before = [...this.cache.values()];
    this.cache.clear();
    for (const { folder, settings } of before) {
      if (JSON.stringify(await settings) !== JSON.stringify(await this.for(folder))) return true;
    }
    return false;
  }
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The cache dir holding a folder's DB; relative settings are relative to the folder. */
export function cacheDirOf(settings: VigilSettings, folder: Folder): string {
  return settings.cacheDir ? path.resolve(folder.fsPath, settings.cacheDir) : defaultCacheDir();
}

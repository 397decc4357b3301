// Finds the files a filesystem scan should read.
//
// Rules, in the order they apply to each entry:
// - `.git` is never entered. `node_modules` is not entered by default: in fs mode the lockfiles
//   are the source of truth for what a project depends on (as in Trivy's fs scan); an installed
//   tree is a build artefact with thousands of package.json files that would only repeat, or
//   contradict, the lockfile.
// - `skipDirs` / `skipFiles` globs (Trivy semantics: matched against the path relative to the
//   root, `**` allowed) and .gitignore files (the root's and nested ones; deeper files override,
//   `!negation` re-includes) leave entries out.
// - Only files the `claims` predicate accepts are stat'ed and yielded, so the walk stays cheap.
// - Files over `maxFileSize` are left out with a note, and so are FIFOs, sockets and devices (a
//   FIFO blocks a read forever, `/dev/zero` never ends). Given as the root, such a file is an error.
// - Symlinks are followed only when their target lies inside the root. A symlinked directory is
//   walked after every real directory, and only if its real path was not walked already, so each
//   directory is read once and loops end. Links leaving the root get a note.
// - A directory or file that cannot be read gives an error entry; the walk goes on.
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { pathGlobMatcher } from './glob';
import { DiskSource, type FileSource } from './source';

/**
 * Files above this size are skipped. Real lockfiles stay well below it (a 3,000-package
 * package-lock.json is about 2 MB); the limit keeps one huge generated file from holding the
 * whole scan in memory.
 */
export const DEFAULT_MAX_FILE_SIZE = 20 * 1024 * 1024;

export interface WalkOptions {
  /** Globs of directories to leave out, relative to the root (`**` allowed). */
  skipDirs?: string[];
  /** Globs of files to leave out, relative to the root (`**` allowed). */
  skipFiles?: string[];
  /** Bytes; larger files are skipped with a note. Default {@link DEFAULT_MAX_FILE_SIZE}. */
  maxFileSize?: number;
  /** Honour .gitignore files. Default true. */
  gitignore?: boolean;
  /** Enter `node_modules` directories, even where a .gitignore leaves them out. Default false (see the file comment). */
  includeNodeModules?: boolean;
  /** Only files for which this returns true are yielded. Gets the root-relative path. */
  claims?: (relativePath: string) => boolean;
  signal?: AbortSignal;
}

export type WalkEntry =
  /** A readable file. `path` is relative to the source's root with forward slashes. */
  | { kind: 'file'; path: string; size: number }
  /** Something that could not be read. */
  | { kind: 'error'; path: string; message: string }
  /** Something left out that the user should hear about. */
  | { kind: 'note'; path: string; message: string };

/** What a scan target on disk is: a folder to walk, or one file read from the folder that holds it. */
export interface DiskTarget {
  source: FileSource;
  /** Set when the target is one file: its path in `source`. */
  file?: string;
}

/** Opens a path given by the user. Throws a plain message for what is neither a regular file nor a folder. */
export async function openDiskTarget(target: string): Promise<DiskTarget> {
  const absolute = path.resolve(target);
  const stat = await fs.stat(absolute);
  if (stat.isDirectory()) return { source: new DiskSource(absolute) };
  // Reading a FIFO blocks forever and a device never ends (or never stops changing): refused.
  if (!stat.isFile()) throw new Error(`${target} is ${specialFileKind(stat)}, not a regular file or folder; nothing was scanned`);
  return { source: new DiskSource(path.dirname(absolute)), file: path.basename(absolute) };
}

interface PendingDir {
  /** Root-relative, forward slashes; '' for the root. */
  relative: string;
  /** The directory's identity, to walk each directory once. */
  identity: string;
  /** The .gitignore rules in force above this directory, outermost first. */
  ignores: GitignoreRules[];
}

interface GitignoreRules {
  /** Root-relative directory the rules belong to, '' for the root. */
  base: string;
  rules: Ignore;
}

/**
 * Walks a folder (a path on disk, or any file source) depth-first and yields a directory's files,
 * then its subdirectories, each in name order; then the symlinked directories. It yields the files
 * to scan, plus notes and errors. A file given as the root is yielded alone (if claimed). Aborting
 * the signal rejects the pending `next()` with the signal's reason.
 */
export async function* walk(root: string | DiskTarget, options: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const claims = options.claims ?? (() => true);
  const target = typeof root === 'string' ? await openDiskTarget(root) : root;
  const { source } = target;
  const skipDir = globMatcher(options.skipDirs, source.root);
  const skipFile = globMatcher(options.skipFiles, source.root);
  const useGitignore = options.gitignore ?? true;
  const signal = options.signal;

  if (target.file !== undefined) {
    const stat = await source.stat(target.file);
    if (claims(target.file) && stat) yield* fileEntry(target.file, stat.size, maxFileSize);
    return;
  }

  const walkedDirs = new Set<string>();
  const stack: PendingDir[] = [{ relative: '', identity: '', ignores: [] }];
  // Symlinked directories wait until every real directory has been walked (see file comment).
  const linkedDirs: PendingDir[] = [];

  while (stack.length > 0 || linkedDirs.length > 0) {
    signal?.throwIfAborted();
    const dir = stack.length > 0 ? stack.pop()! : linkedDirs.shift()!;
    if (walkedDirs.has(dir.identity)) continue;
    walkedDirs.add(dir.identity);

    let entries;
    try {
      entries = await source.list(dir.relative);
    } catch (error) {
      yield { kind: 'error', path: dir.relative || '.', message: `cannot read directory: ${errorMessage(error)}` };
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

    let ignores = dir.ignores;
    if (useGitignore && entries.some((e) => e.name === '.gitignore' && e.kind === 'file' && e.link !== 'outside')) {
      const file = joinRelative(dir.relative, '.gitignore');
      try {
        ignores = [...ignores, { base: dir.relative, rules: ignore().add(await source.readText(file)) }];
      } catch (error) {
        yield { kind: 'error', path: file, message: errorMessage(error) };
      }
    }

    const subdirs: PendingDir[] = [];
    for (const entry of entries) {
      const relative = joinRelative(dir.relative, entry.name);
      if (entry.link === 'outside') {
        yield { kind: 'note', path: relative, message: 'symlink leaves the scan root; not followed' };
        continue;
      }
      if (entry.kind === 'directory') {
        if (entry.name === '.git') continue;
        const installTree = entry.name === 'node_modules';
        if (installTree && !options.includeNodeModules) continue;
        // A .gitignore always lists node_modules: asked for, the installed tree is read whatever it says.
        if (skipDir(relative) || (!installTree && isIgnored(ignores, relative, true))) continue;
        const pending = { relative, identity: entry.identity ?? relative, ignores: installTree ? [] : ignores };
        if (entry.link) linkedDirs.push(pending);
        else subdirs.push(pending);
      } else if (entry.kind === 'file') {
        if (!claims(relative) || skipFile(relative) || isIgnored(ignores, relative, false)) continue;
        let size = entry.size;
        if (size === undefined) {
          const stat = await source.stat(relative).catch((error: unknown) => error as Error);
          if (!stat || stat instanceof Error) {
            yield { kind: 'error', path: relative, message: stat ? errorMessage(stat) : 'cannot read file' };
            continue;
          }
          size = stat.size;
        }
        yield* fileEntry(relative, size, maxFileSize);
      } else if (claims(relative) && !skipFile(relative) && !isIgnored(ignores, relative, false)) {
        yield { kind: 'note', path: relative, message: 'not a regular file (a FIFO, socket or device); not read' };
      }
    }
    // Pushed in reverse so the stack pops them in name order.
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
}

async function* fileEntry(relative: string, size: number, maxFileSize: number): AsyncGenerator<WalkEntry> {
  if (size > maxFileSize) {
    yield { kind: 'note', path: relative, message: `skipped: ${formatSize(size)} is over the ${formatSize(maxFileSize)} size limit` };
    return;
  }
  yield { kind: 'file', path: relative, size };
}

/** Git semantics: the deepest .gitignore that has an opinion on the path wins. */
function isIgnored(ignores: GitignoreRules[], relative: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const { base, rules } of ignores) {
    const inBase = base === '' ? relative : relative.slice(base.length + 1);
    const result = rules.test(isDirectory ? inBase + '/' : inBase);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

/**
 * Compiles Trivy-style skip patterns: relative to the root, `./` prefix and trailing `/`
 * ignored, absolute patterns under the root made relative.
 */
function globMatcher(patterns: string[] | undefined, root: string): (relative: string) => boolean {
  if (!patterns || patterns.length === 0) return () => false;
  const absoluteRoot = root;
  const normalized = patterns.map((pattern) => {
    let p = pattern.replace(/\\/g, '/');
    if (path.isAbsolute(pattern) && pattern.startsWith(absoluteRoot)) {
      p = path.relative(absoluteRoot, pattern).replace(/\\/g, '/');
    }
    return p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  });
  // Not picomatch: its regular expressions backtrack on paths, which the repository chooses.
  return pathGlobMatcher(normalized);
}

function joinRelative(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function errorMessage(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  // Node's fs messages already start with the code (`EACCES: permission denied, open ...`).
  return e?.code && !e.message?.startsWith(e.code) ? `${e.code}: ${e.message}` : String(e?.message ?? error);
}

/** What a file that is neither a regular file nor a folder is, for messages. */
function specialFileKind(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'a special file';
}

// Walks a file's dependency graph (Package.dependsOn) backwards, from a package to the direct
// dependencies that pull it in.
import type { Package } from './types';

export class DependencyGraph {
  private readonly byId = new Map<string, Package>();
  private readonly parents = new Map<string, string[]>();

  constructor(packages: readonly Package[]) {
    for (const pkg of packages) this.byId.set(pkg.id, pkg);
    for (const pkg of packages) {
      for (const child of pkg.dependsOn ?? []) {
        const list = this.parents.get(child);
        if (list) list.push(pkg.id);
        else this.parents.set(child, [pkg.id]);
      }
    }
  }

  get(id: string): Package | undefined {
    return this.byId.get(id);
  }

  /** Direct dependencies whose dependency tree contains `id` (the package itself if it is direct). */
  directAncestors(id: string): Package[] {
    const found: Package[] = [];
    const seen = new Set<string>([id]);
    const queue = [id];
    while (queue.length > 0) {
      const current = queue.shift()!;
      const pkg = this.byId.get(current);
      if (pkg?.direct) found.push(pkg);
      for (const parent of this.parents.get(current) ?? []) {
        if (!seen.has(parent)) {
          seen.add(parent);
          queue.push(parent);
        }
      }
    }
    return found;
  }

  /**
   * The shortest path from a direct dependency down to `id`, as package ids, direct one first.
   * Just `[id]` when the package is direct or the format records no graph.
   */
  shortestPathFromDirect(id: string): string[] {
    const cameFrom = new Map<string, string | undefined>([[id, undefined]]);
    const queue = [id];
    while (queue.length > 0) {
      const current = queue.shift()!;
      if (this.byId.get(current)?.direct) {
        const path: string[] = [];
        for (let step: string | undefined = current; step !== undefined; step = cameFrom.get(step)) path.push(step);
        return path;
      }
      for (const parent of this.parents.get(current) ?? []) {
        if (!cameFrom.has(parent)) {
          cameFrom.set(parent, current);
          queue.push(parent);
        }
      }
    }
    return [id];
  }
}

/** Sorts package ids in place and drops repeats, in place too: an analyzer's `dependsOn`. */
export function sortUnique(items: string[]): void {
  if (items.length < 2) return;
  // Lockfiles list dependencies by name, so the ids mostly come in order already: one pass
  // finds that, where sorting them again was a visible part of an npm lockfile's analysis.
  let sorted = true;
  for (let i = 1; i < items.length && sorted; i++) sorted = items[i - 1] < items[i];
  if (sorted) return;
  if (items.length <= 16) {
    // Insertion sort in place, in the code-unit order sort() uses: sort() copied each list first,
    // which was most of what sorting an npm lockfile's short lists allocated.
    for (let i = 1; i < items.length; i++) {
      const item = items[i];
      let at = i;
      for (; at > 0 && items[at - 1] > item; at--) items[at] = items[at - 1];
      items[at] = item;
    }
  } else {
    items.sort();
  }
  let kept = 1;
  for (let i = 1; i < items.length; i++) {
    if (items[i] !== items[kept - 1]) items[kept++] = items[i];
  }
  items.length = kept;
}

/**
 * Sorts `items` in place by `compare`, unless they already are in its order: lists read in file
 * order mostly are, and sort() copies the list before it looks. Stable, as sort() is.
 */
export function sortIfNeeded<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  for (let i = 1; i < items.length; i++) if (compare(items[i - 1], items[i]) > 0) return items.sort(compare);
  return items;
}

/**
 * Sets `members` on the packages of a lockfile of several projects: `directs` gives, per project
 * folder (`''` for the root), the ids of the packages it depends on itself; each project then owns
 * everything those pull in. A lockfile of the root project alone gets no members; one of a
 * single project in a subfolder (a Cargo workspace of one member) does, for that project's manifest.
 */
export function attributeToMembers(packages: readonly Package[], directs: ReadonlyMap<string, readonly string[]>): void {
  if (directs.size === 0 || (directs.size === 1 && directs.has(''))) return;
  const byId = new Map(packages.map(pkg => [pkg.id, pkg]));
  for (const [member, ids] of directs) {
    const queue = [...new Set(ids)].filter(id => byId.has(id));
    const seen = new Set(queue);
    for (let i = 0; i < queue.length; i++) {
      const pkg = byId.get(queue[i])!;
      (pkg.members ??= []).push(member);
      for (const child of pkg.dependsOn ?? []) {
        if (seen.has(child) || !byId.has(child)) continue;
        seen.add(child);
        queue.push(child);
      }
    }
  }
}

/**
 * A workspace member's folder as a lockfile writes it (`.`, `./packages/a`, `packages\a/`), in the
 * form `members` holds: relative to the lockfile's folder, forward slashes, `''` for the folder itself.
 */
export function memberFolder(written: string): string {
  const parts: string[] = [];
  for (const part of written.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

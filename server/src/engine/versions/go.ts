// Go module versions. OSV writes them without the leading `v`; Go itself writes it. Both are accepted.
// Pseudo-versions (v0.0.0-20191109021931-daa7c04131f5, v1.2.4-0.20191109021931-daa7c04131f5) are
// SemVer prereleases whose timestamp orders correctly as text, so plain SemVer ordering places them
// right. `+incompatible` is build metadata and does not take part in ordering.
import { compareSemver } from './semver';
import type { Ordering } from './util';

export function compareGo(a: string, b: string): Ordering {
  return compareSemver(a, b);
}

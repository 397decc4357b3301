// The SPDX license texts the classifier compares files with, from the npm package
// `spdx-license-list` (its full list, about 5 MB). Read from disk on first use, so a scan
// without --license-full never loads it: from `dist/spdx-full.json` in a bundle (the build copies
// it there), else from the package.
import * as fs from 'node:fs';
import * as path from 'node:path';
import deprecatedIds from 'spdx-license-ids/deprecated.json';
import { DEFAULT_CATEGORY_LISTS } from './categories';
import { LicenseIndex, type ReferenceText } from './classifier';

const FILE_NAME = 'spdx-full.json';

interface SpdxListEntry {
  name: string;
  licenseText: string;
}

function listPath(): string {
  const bundled = path.join(__dirname, FILE_NAME);
  if (fs.existsSync(bundled)) return bundled;
  return require.resolve(`spdx-license-list/${FILE_NAME}`);
}

/** Every current (not deprecated) SPDX license with its text. */
export function loadSpdxTexts(): ReferenceText[] {
  const list = JSON.parse(fs.readFileSync(listPath(), 'utf8')) as Record<string, SpdxListEntry>;
  const deprecated = new Set<string>(deprecatedIds);
  return Object.entries(list)
    // `GPL-2.0+` and the like are deprecated too, though the list of deprecated IDs leaves them out.
    .filter(([id, entry]) => !deprecated.has(id) && !id.endsWith('+') && typeof entry.licenseText === 'string')
    .map(([id, entry]) => ({ id, name: entry.name, text: entry.licenseText }));
}

let shared: LicenseIndex | undefined;

/** The index of the SPDX texts, built on first use. */
export function spdxIndex(): LicenseIndex {
  return (shared ??= new LicenseIndex(loadSpdxTexts(), wellKnownIds()));
}

/** The IDs in Trivy's category lists, in their current SPDX forms. */
function wellKnownIds(): Set<string> {
  const ids = new Set<string>();
  for (const id of Object.values(DEFAULT_CATEGORY_LISTS).flat()) {
    ids.add(id);
    ids.add(`${id}-only`);
  }
  return ids;
}

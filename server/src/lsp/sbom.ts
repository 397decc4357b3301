// The "Vigil: Generate SBOM…" request: an SBOM of a workspace folder (or a folder in it), as
// `vigil fs FOLDER --format cyclonedx|spdx-json` writes it, from the files on disk.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzePath } from '../engine/scan';
import { formatCycloneDx } from '../engine/sbom/cyclonedx';
import { formatSpdxJson } from '../engine/sbom/spdx';
import type { FolderSettings } from './folderSettings';
import type { GenerateSbomParams, GenerateSbomResult } from './protocol';
import { isInside } from './settings';
import { relPathOf, toFsPath, type Workspace } from './workspace';

const DEFAULT_NAMES = { cyclonedx: 'sbom.cdx.json', 'spdx-json': 'sbom.spdx.json' } as const;

export async function generateSbom(params: GenerateSbomParams, workspace: Workspace, settings: FolderSettings): Promise<GenerateSbomResult> {
  const folderPath = typeof params.folderUri === 'string' ? toFsPath(params.folderUri) : undefined;
  if (!folderPath || !workspace.inAFolder(folderPath) || !fs.statSync(folderPath, { throwIfNoEntry: false })?.isDirectory()) {
    return { ok: false, message: 'Vigil: choose a folder of the workspace to describe.' };
  }
  if (params.format !== 'cyclonedx' && params.format !== 'spdx-json') return { ok: false, message: `Vigil: unknown SBOM format ${String(params.format)}.` };
  const output = params.outputUri ? toFsPath(params.outputUri) : path.join(folderPath, DEFAULT_NAMES[params.format]);
  if (!output) return { ok: false, message: 'Vigil: the SBOM can only be written to a file on disk.' };
  const workspaceFolder = workspace.folderOf(folderPath);
  const folderSettings = await settings.for(workspaceFolder);
  const scan = await analyzePath(folderPath, {
    scanners: ['vuln'], includeDevDeps: folderSettings.includeDevDependencies, skipDirs: folderSettings.skipDirs,
  });
  // Named as the CLI names it: the folder relative to the workspace folder ('.' for the folder itself).
  const artifactName = relPathOf(workspaceFolder, folderPath) || path.basename(folderPath);
  const write = params.format === 'cyclonedx' ? formatCycloneDx : formatSpdxJson;
  const text = write(scan, { artifactName });
  try {
    fs.mkdirSync(path.dirname(output), { recursive: true });
    fs.writeFileSync(output, text);
  } catch (error) {
    return { ok: false, message: `Vigil: cannot write the SBOM to ${output} (${(error as NodeJS.ErrnoException).code ?? 'error'}).` };
  }
  const count = new Set(scan.results.flatMap(r => r.packages.map(p => p.purl))).size;
  const where = isInside(workspaceFolder.fsPath, output) ? relPathOf(workspaceFolder, output) : output;
  const problems = scan.errors.length ? ` ${scan.errors.length} file(s) could not be read: see the output.` : '';
  return { ok: true, message: `Vigil: wrote an SBOM of ${count} package(s) to ${where}.${problems}`, outputUri: pathToFileURL(output).href };
}

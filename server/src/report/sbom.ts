// The SBOM formats among the report writers: `--format cyclonedx` and `--format spdx-json`. The
// documents are built by the engine (engine/sbom); these only pass the report options on.
import type { ReportWriter } from '.';
import { formatCycloneDx } from '../engine/sbom/cyclonedx';
import { formatSpdxJson } from '../engine/sbom/spdx';

export const cycloneDxWriter: ReportWriter = {
  format: 'cyclonedx',
  sbom: true,
  write: (scan, options) => formatCycloneDx(scan, options),
};

export const spdxJsonWriter: ReportWriter = {
  format: 'spdx-json',
  sbom: true,
  write: (scan, options) => formatSpdxJson(scan, options),
};

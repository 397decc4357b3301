// The official JSON schemas of the SBOM formats Vigil writes, compiled with ajv:
// - CycloneDX 1.6 (with its SPDX license-ID and JSF signature subschemas), as the CycloneDX
//   library ships them in node_modules/@cyclonedx/cyclonedx-library/res/schema;
// - SPDX 2.3, from test/fixtures/sbom/schema (see its MANIFEST.md).
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { REPO_ROOT } from './corpus';

const CYCLONEDX_SCHEMAS = path.join(REPO_ROOT, 'node_modules/@cyclonedx/cyclonedx-library/res/schema');

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** ajv-formats lacks the IRI and IDN forms: an IRI reference is checked as having no spaces or controls, an IDN e-mail as having an `@`. */
function addIriFormats(ajv: Ajv): void {
  ajv.addFormat('iri-reference', /^[^\s\u0000-\u001f]*$/);
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/);
}

let cycloneDx: ValidateFunction | undefined;
let spdx: ValidateFunction | undefined;

export function cycloneDx16Validator(): ValidateFunction {
  if (cycloneDx) return cycloneDx;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  addIriFormats(ajv);
  // The BOM schema names its subschemas by file name, relative to its own $id.
  ajv.addSchema(readJson(path.join(CYCLONEDX_SCHEMAS, 'spdx.SNAPSHOT.schema.json')), 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json');
  ajv.addSchema(readJson(path.join(CYCLONEDX_SCHEMAS, 'jsf-0.82.SNAPSHOT.schema.json')), 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json');
  return (cycloneDx = ajv.compile(readJson(path.join(CYCLONEDX_SCHEMAS, 'bom-1.6.SNAPSHOT.schema.json'))));
}

export function spdx23Validator(): ValidateFunction {
  if (spdx) return spdx;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  return (spdx = ajv.compile(readJson(path.join(REPO_ROOT, 'test/fixtures/sbom/schema/spdx-2.3.schema.json'))));
}

/** The schema's complaints, one per line, or '' when the document is valid. */
export function schemaErrors(validate: ValidateFunction, document: unknown): string {
  if (validate(document)) return '';
  return (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}`).join('\n');
}

// Fixes written into a pip requirements file: rewrite the `==` pin of one requirement.
import { normalizePackageName } from '../ecosystems';
import type { TextEditAt } from './edits';

export interface RequirementPin {
  name: string;
  version: string;
  /** Offsets of the requirement (name to end of version), for squiggles. */
  offset: number;
  length: number;
  versionOffset: number;
  versionLength: number;
}

// `Name[extra1,extra2] == 1.2.3` at the start of a line; markers, hashes and comments may follow.
const PIN = /^([ \t]*)([A-Za-z0-9][A-Za-z0-9._-]*)([ \t]*\[[^\]]*\])?[ \t]*===?[ \t]*([A-Za-z0-9!+._*-]+)/;

/** Every `name==version` requirement in the text, in file order. */
export function listRequirementPins(text: string): RequirementPin[] {
  const pins: RequirementPin[] = [];
  let lineStart = 0;
  for (const line of text.split('\n')) {
    const match = PIN.exec(line);
    if (match) {
      const nameOffset = lineStart + match[1].length;
      const versionOffset = lineStart + match[0].length - match[4].length;
      pins.push({
        name: match[2], version: match[4],
        offset: nameOffset, length: versionOffset + match[4].length - nameOffset,
        versionOffset, versionLength: match[4].length,
      });
    }
    lineStart += line.length + 1;
  }
  return pins;
}

export function findRequirementPin(text: string, name: string): RequirementPin | undefined {
  const wanted = normalizePackageName('PyPI', name);
  return listRequirementPins(text).find(p => normalizePackageName('PyPI', p.name) === wanted);
}

/** Edits that pin `name` to `version`; undefined when the file has no `==` pin for it. */
export function pinRequirementEdits(text: string, name: string, version: string): TextEditAt[] | undefined {
  const pin = findRequirementPin(text, name);
  if (!pin || pin.version === version) return undefined;
  return [{ offset: pin.versionOffset, length: pin.versionLength, newText: version }];
}

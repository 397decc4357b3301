// Vigil's version, from package.json, bundled in at build time.
import manifest from '../../../package.json';

export const VERSION: string = manifest.version;

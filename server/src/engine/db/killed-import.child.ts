// Test helper for db.test.ts: imports argv[3] into the cache folder argv[2] and SIGKILLs itself
// once the new generation is written to its temp file, before it is made current.
import { importAdvisories } from '.';

const [cacheDir, source] = process.argv.slice(2);
void importAdvisories(cacheDir, [source], {
  onProgress: (_message, stage) => {
    if (stage === 'written') process.kill(process.pid, 'SIGKILL');
  },
});

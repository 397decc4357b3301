// A static OSV mirror on 127.0.0.1 for the DB update tests and the CLI's: OSV's bucket layout,
// <base>/<Ecosystem>/all.zip, modified_id.csv and <ID>.json.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { zipSync } from 'fflate';

interface Served {
  body: Buffer;
  etag: string;
}

/** A static OSV mirror on 127.0.0.1 that honours If-None-Match and can be told to fail. */
export class Mirror {
  readonly files = new Map<string, Served>();
  readonly log: { url: string; ifNoneMatch?: string; status: number }[] = [];
  /** Path -> how many more requests to it fail (503 first, then a dropped connection, alternating). */
  readonly failures = new Map<string, number>();
  hang = false;
  private server = http.createServer((req, res) => this.handle(req, res));
  private etagCounter = 0;

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  put(urlPath: string, body: Buffer | string): void {
    this.files.set(urlPath, { body: Buffer.from(body), etag: `"v${++this.etagCounter}"` });
  }

  requests(): string[] {
    return this.log.map((entry) => entry.url);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = decodeURIComponent(req.url ?? '');
    if (this.hang) return; // never answers: the client's timeout must fire
    const failuresLeft = this.failures.get(url) ?? 0;
    if (failuresLeft > 0) {
      this.failures.set(url, failuresLeft - 1);
      if (failuresLeft % 2 === 0) {
        this.log.push({ url, status: 503 });
        res.writeHead(503).end('busy');
      } else {
        this.log.push({ url, status: 0 });
        req.socket.destroy();
      }
      return;
    }
    const file = this.files.get(url);
    const ifNoneMatch = req.headers['if-none-match'];
    const status = !file ? 404 : ifNoneMatch === file.etag ? 304 : 200;
    this.log.push({ url, ifNoneMatch, status });
    if (status === 200) res.writeHead(200, { ETag: file!.etag, 'Content-Length': file!.body.length }).end(file!.body);
    else res.writeHead(status).end();
  }
}

/**
 * The OSV records of a folder (e.g. demo-db/osv) as one all.zip per ecosystem, keyed by its mirror
 * path (`/npm/all.zip`). OSV's bucket serves every ecosystem, and an update refuses an all.zip
 * without records: each of `alsoServed` the folder has no records for gets one small record.
 */
export function allZipsOf(folder: string, alsoServed: readonly string[] = []): Map<string, Buffer> {
  const byEcosystem = new Map<string, Record<string, Uint8Array>>();
  for (const name of fs.readdirSync(folder).filter((n) => n.endsWith('.json'))) {
    const data = fs.readFileSync(path.join(folder, name));
    const record = JSON.parse(data.toString('utf8')) as { affected?: { package?: { ecosystem: string } }[] };
    const ecosystem = record.affected?.[0]?.package?.ecosystem.split(':')[0];
    if (!ecosystem) continue;
    if (!byEcosystem.has(ecosystem)) byEcosystem.set(ecosystem, {});
    byEcosystem.get(ecosystem)![name] = data;
  }
  for (const ecosystem of alsoServed) {
    if (byEcosystem.has(ecosystem)) continue;
    const id = `TEST-${ecosystem.replace(/[^A-Za-z]/g, '')}-0001`;
    const record = {
      schema_version: '1.6.0', id, modified: '2024-01-01T00:00:00Z', published: '2024-01-01T00:00:00Z',
      summary: `A test advisory for ${ecosystem}`,
      affected: [{ package: { ecosystem, name: 'vigil-test-package' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] }],
    };
    byEcosystem.set(ecosystem, { [`${id}.json`]: new TextEncoder().encode(JSON.stringify(record)) });
  }
  return new Map([...byEcosystem].map(([ecosystem, files]) => [`/${ecosystem}/all.zip`, Buffer.from(zipSync(files))]));
}

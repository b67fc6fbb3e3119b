// The log scan that ends the test run (.ci/test): every log the suite wrote (.tmp/logs, see
// test-logs.ts) is read line by line for every test credential (credentials.ts). A finding is
// printed as file:line and the credential's name, never its value, and fails the run. So does
// a scan that saw no service traffic: an empty log folder proves nothing.
//
//   node --import tsx test/support/scan-logs.ts [dir]
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { testCredentials, type TestCredential } from './credentials.js';

/** Where test-logs.ts writes (not imported from it: that module needs a running vitest). */
const defaultDir = fileURLToPath(new URL('../../.tmp/logs', import.meta.url));

export interface Finding {
  file: string;
  line: number;
  credential: string;
}

export interface ScanResult {
  files: number;
  lines: number;
  /** Access-log lines (one per HTTP request served): the logs hold real traffic. */
  requestLines: number;
  findings: Finding[];
}

export async function scanLogs(
  dir: string,
  credentials: readonly TestCredential[] = testCredentials,
): Promise<ScanResult> {
  const result: ScanResult = { files: 0, lines: 0, requestLines: 0, findings: [] };
  if (!existsSync(dir)) return result;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
  // A Buffer in a JSON line prints as its bytes ("data":[116,101,...]): look for that form too.
  const forms = credentials.map((c) => ({
    name: c.name,
    value: c.value,
    bytes: typeof c.value === 'string' ? Buffer.from(c.value).toJSON().data.join(',') : undefined,
  }));
  for (const f of files) {
    result.files++;
    const lines = createInterface({ input: createReadStream(join(dir, f)), crlfDelay: Infinity });
    let n = 0;
    for await (const text of lines) {
      n++;
      if (text.includes('"msg":"request"')) result.requestLines++;
      for (const c of forms) {
        const hit =
          typeof c.value === 'string' ? text.includes(c.value) || text.includes(c.bytes!) : c.value.test(text);
        if (hit) result.findings.push({ file: f, line: n, credential: c.name });
      }
    }
    result.lines += n;
  }
  return result;
}

async function main(dir: string): Promise<number> {
  const r = await scanLogs(dir);
  for (const f of r.findings.slice(0, 50)) console.error(`${join(dir, f.file)}:${f.line}: ${f.credential}`);
  if (r.findings.length > 50) console.error(`... and ${r.findings.length - 50} more`);
  console.log(
    `log scan: ${r.files} files, ${r.lines} lines, ${r.requestLines} request lines, ${testCredentials.length} credentials, ${r.findings.length} found`,
  );
  if (r.findings.length > 0) return 1;
  if (r.lines === 0 || r.requestLines === 0) {
    console.error(`log scan: no service traffic was logged under ${dir}; the scan proves nothing`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv[2] ?? defaultDir).then(
    (code) => process.exit(code),
    (err: Error) => (console.error(err), process.exit(2)),
  );
}

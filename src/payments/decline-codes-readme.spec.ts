import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../config/project-root';
import { DECLINE_CODES } from './use-cases/payment-answers';

/** Every .ts file under `dir` but the specs. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe("the README's decline codes", () => {
  it('list every declineCode the code can answer or record', () => {
    // Codes outside DeclineCode (the PIN route's pin_incorrect, an expired payment's pin_expired) are set as literals.
    const literals = sources(join(projectRoot, 'src')).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/declineCode: '([a-z_]+)'/g)].map((m) => m[1]));
    const codes = [...new Set([...DECLINE_CODES, ...literals])].sort();
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const start = readme.indexOf('Decline codes (`declineCode`)');
    expect(start).toBeGreaterThan(-1);
    const table = readme.slice(start, readme.indexOf('\n\n', readme.indexOf('| code |', start)));
    const listed = new Set([...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) => [...row[1].matchAll(/`([a-z_]+)`/g)].map((m) => m[1])));
    expect(codes.filter((code) => !listed.has(code))).toEqual([]);
    expect(codes).toEqual(expect.arrayContaining(['pin_incorrect', 'pin_expired', 'spending_limit_exceeded']));
  });
});

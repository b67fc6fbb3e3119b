// Reads the repository's Dockerfile into what the tests need: its stages and, per stage, the
// instructions with continuations joined. A small parser for the forms this Dockerfile uses
// (exec-form JSON, `key=value` ENV, `--flag=value` options), so the image tests follow the
// Dockerfile instead of a copy of it. Syntax itself is checked by the linter (.ci/lint-dockerfile.mjs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './cli.js';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  name: string | undefined;
  instructions: Instruction[];
}

export function readDockerfile(path = join(root, 'Dockerfile')): Stage[] {
  const stages: Stage[] = [];
  let pending = '';
  let startLine = 0;
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const text = raw.trim();
      if (!pending && (text === '' || text.startsWith('#'))) return;
      if (!pending) startLine = i + 1;
      if (text.endsWith('\\')) {
        pending += `${text.slice(0, -1)} `;
        return;
      }
      const full = (pending + text).trim();
      pending = '';
      const [keyword = '', ...rest] = full.split(/\s+/);
      const ins = { keyword: keyword.toUpperCase(), args: rest.join(' '), line: startLine };
      if (ins.keyword === 'FROM') stages.push({ name: /\bAS\s+(\S+)/i.exec(ins.args)?.[1], instructions: [] });
      stages.at(-1)?.instructions.push(ins);
    });
  return stages;
}

export function finalStage(stages: Stage[]): Stage {
  const last = stages.at(-1);
  if (!last) throw new Error('the Dockerfile has no FROM');
  return last;
}

export function all(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** The one (last) instruction of a kind; Docker uses the last CMD, ENTRYPOINT, USER, HEALTHCHECK. */
export function last(stage: Stage, keyword: string): Instruction | undefined {
  return all(stage, keyword).at(-1);
}

/** Exec form only: `["node", "bin/x.js"]`. Shell form returns undefined (signals would go to sh). */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? parsed : undefined;
}

/** Every ENV of the stage, in order, as Docker applies them (`KEY=value` pairs, optionally quoted). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of all(stage, 'ENV')) {
    const pairs = [...ins.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))/g)];
    if (pairs.length === 0) throw new Error(`line ${ins.line}: only the ENV KEY=value form is read here`);
    for (const m of pairs) env[m[1]!] = m[3] ?? m[4] ?? m[5] ?? '';
  }
  return env;
}

export interface Copy {
  from: string | undefined;
  chown: string | undefined;
  sources: string[];
  dest: string;
  line: number;
}

export function copiesOf(stage: Stage): Copy[] {
  return all(stage, 'COPY').map((ins) => {
    const words = ins.args.split(/\s+/);
    const flags = new Map<string, string>();
    while (words[0]?.startsWith('--')) {
      const [k, v = ''] = words.shift()!.slice(2).split('=');
      flags.set(k!, v);
    }
    const json = execForm(words.join(' '));
    const paths = json ?? words;
    return {
      from: flags.get('from'),
      chown: flags.get('chown'),
      sources: paths.slice(0, -1),
      dest: paths.at(-1)!,
      line: ins.line,
    };
  });
}

/** HEALTHCHECK [--flags] CMD ["exec", "form"]: its command, or undefined for NONE or shell form. */
export function healthcheckCommand(stage: Stage): string[] | undefined {
  const args = last(stage, 'HEALTHCHECK')?.args;
  const m = args ? /(?:^|\s)CMD\s+(.*)$/.exec(args) : null;
  return m ? execForm(m[1]!.trim()) : undefined;
}

/** VOLUME ["/a", "/b"] or VOLUME /a /b. */
export function volumesOf(stage: Stage): string[] {
  return all(stage, 'VOLUME').flatMap((i) => execForm(i.args) ?? i.args.split(/\s+/));
}

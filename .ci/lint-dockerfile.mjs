// Validates the Dockerfile without a Docker engine, with dockerfile-utils (the validator of the
// VS Code Docker language server): instruction syntax and arguments, flags, durations, ports,
// exec-form JSON, duplicate CMD/ENTRYPOINT/HEALTHCHECK, relative WORKDIR. Any finding, warning
// or error, fails. `npm run lint:docker`; .ci/test runs it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// A CommonJS package; require() also honours NODE_PATH (to try it from a scratch install).
let linter;
try {
  linter = createRequire(import.meta.url)('dockerfile-utils');
} catch (err) {
  console.error(`dockerfile-utils is not installed (${err.code}): it is a devDependency, \`npm ci\` brings it`);
  process.exit(1);
}
const { validate, ValidationSeverity } = linter;

const strict = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

// The linter must be able to fail: a known-bad file has to produce findings.
const known = validate('FROM node:22\nHEALTHCHECK --interval=10 CMD true\nEXPOSE abc\nWORKDIR app\n', strict);
if (known.length < 3) {
  console.error(`dockerfile-utils found ${known.length} problems in a known-bad Dockerfile: the linter is not working`);
  process.exit(1);
}

const file = process.argv[2] ?? 'Dockerfile';
const findings = validate(readFileSync(file, 'utf8'), strict);
for (const d of findings)
  console.error(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
console.log(`${file}: ${findings.length} problem(s) (dockerfile-utils)`);
process.exit(findings.length ? 1 : 0);

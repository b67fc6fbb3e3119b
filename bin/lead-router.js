#!/usr/bin/env node
// The bin entry runs the compiled CLI; `npm run build` makes dist/.
import('../dist/src/cli.js').then((m) => m.main(process.argv.slice(2)));

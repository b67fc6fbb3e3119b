#!/usr/bin/env node
// The bin entry runs the compiled CLI; `npm run build` makes dist/.
const { main } = await import('../dist/src/cli.js');
main(process.argv.slice(2)).catch((err) => {
  console.error(err.message);
  process.exit(1);
});

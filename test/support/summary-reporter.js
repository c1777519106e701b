// Ends every run with one plain line, "N passed, N failed", also kept in reports/test-summary.txt
// so CI can print it last whatever the reporters' output order.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.file = join(globalConfig.rootDir, 'reports', 'test-summary.txt');
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    mkdirSync(join(this.file, '..'), { recursive: true });
    writeFileSync(this.file, `${line}\n`);
    process.stdout.write(`${line}\n`);
  }
}
module.exports = SummaryReporter;

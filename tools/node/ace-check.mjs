// Ace by DAISY on EPUB files in one process and one headless Chromium.
//
//   node ace-check.mjs EPUB...
//
// Prints one JSON object: {"EPUB": [{rule, impact, description, where}], ...} holding only
// the books with violations, so "{}" means Ace found nothing. ace-cli starts a browser per
// book; here Ace's puppeteer runner is launched once and shared (its launch/close are
// called by Ace around every book), which is most of a book's time. The browser is the
// one in PUPPETEER_EXECUTABLE_PATH (Debian's chromium); nothing is fetched.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const ace = require("@daisy/ace-core");
const logger = require("@daisy/ace-logger");
const runner = require("@daisy/ace-axe-runner-puppeteer");

const books = process.argv.slice(2);
if (!books.length) {
  console.error("usage: node ace-check.mjs EPUB...");
  process.exit(2);
}
logger.initLogger({ verbose: false, silent: true });
// without an outdir Ace writes each whole report to stdout: only our summary goes there
const print = process.stdout.write.bind(process.stdout);
process.stdout.write = () => true;
const shared = { ...runner, launch: async () => {}, close: async () => {} };
await runner.launch();
const found = {};
try {
  for (const book of books) {
    const [, report] = await ace(book, { cwd: process.cwd(), silent: true, jobId: "" }, shared);
    const failures = [];
    for (const subject of report.assertions || []) {
      for (const assertion of subject.assertions || []) {
        const test = assertion["earl:test"], result = assertion["earl:result"];
        if (result["earl:outcome"] === "fail") {
          failures.push({ rule: test["dct:title"], impact: test["earl:impact"],
                          description: (result["dct:description"] || "").slice(0, 200),
                          where: subject["earl:testSubject"].url });
        }
      }
    }
    if (failures.length) found[book] = failures;
  }
} finally {
  await runner.close();
}
print(JSON.stringify(found, null, 1) + "\n", () => process.exit(0));

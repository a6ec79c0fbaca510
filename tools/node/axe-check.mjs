// axe-core on HTML files in one headless Chromium: every file at every width.
//
//   node axe-check.mjs WIDTHS FILE...      (WIDTHS: comma-separated CSS pixels, e.g. 1280,375)
//
// AXE_DISABLE (comma-separated rule ids) turns rules off, for documents whose content is
// generated at random (see tests/a11y_checkers.py).
//
// Prints one JSON object: {"FILE@WIDTH": [{id, impact, help, targets}], ...} holding only
// the pages with violations, so "{}" means axe found nothing. One browser for the whole
// batch: starting Chromium costs more than checking a page. The browser is the one in
// PUPPETEER_EXECUTABLE_PATH (Debian's /usr/bin/chromium by default); nothing is fetched.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [widthsArgument, ...files] = process.argv.slice(2);
const widths = (widthsArgument || "").split(",").map(Number).filter((w) => w > 0);
if (!widths.length || !files.length) {
  console.error("usage: node axe-check.mjs WIDTHS FILE... (e.g. 1280,375 page.html)");
  process.exit(2);
}

const disabled = Object.fromEntries((process.env.AXE_DISABLE || "").split(",").filter(Boolean)
  .map((id) => [id, { enabled: false }]));

const browser = await puppeteer.launch({
  executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
});
const found = {};
try {
  const page = await browser.newPage();
  for (const file of files) {
    for (const width of widths) {
      await page.setViewport({ width, height: 900 });
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async (rules) => {
        const result = await window.axe.run(document, { resultTypes: ["violations"], rules });
        return result.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
        }));
      }, disabled);
      if (violations.length) found[`${file}@${width}`] = violations;
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(found, null, 1));

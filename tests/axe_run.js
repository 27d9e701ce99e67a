// Run axe-core's WCAG 2.1 A/AA rules on HTML files in the system's Chromium, driven by
// playwright-core (which downloads no browser), in a viewport WIDTH pixels wide:
//   node tests/axe_run.js CHROMIUM WIDTH FILE...   → {"FILE": {"width": …, "violations": […]}}
// axe-core and playwright-core are found as Node finds packages (NODE_PATH, node_modules).
const { chromium } = require("playwright-core");
const fs = require("fs");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

(async () => {
  const [executablePath, width, ...files] = process.argv.slice(2);
  const axe = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  const context = await browser.newContext({ viewport: { width: Number(width), height: 900 } });
  const found = {};
  for (const file of files) {
    const page = await context.newPage();
    await page.goto("file://" + file);
    await page.addScriptTag({ content: axe });
    found[file] = await page.evaluate(async (tags) => {
      const r = await axe.run(document, {
        runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
      return { width: window.innerWidth, violations: r.violations.map((v) => ({
        id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })) };
    }, TAGS);
    await page.close();
  }
  await browser.close();
  console.log(JSON.stringify(found));
})().catch((e) => { console.error(String(e)); process.exit(1); });

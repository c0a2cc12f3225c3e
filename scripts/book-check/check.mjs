// `just book-check`: opens every page of the built book (docs/book) in headless Chromium at
// 1280 px wide, as a reader's laptop shows it, and fails when something does not fit the
// page: a table or a code block wider than its box (cut off, or scrolled sideways), a page
// wider than the window, or a picture that did not load. A screenshot of every page goes to
// target/book-check/ for a person to look at.
//
// Usage: node check.mjs <book folder> <screenshot folder> [width]

import { chromium } from "playwright-core";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

const [book, shots, widthArg] = process.argv.slice(2);
const width = Number(widthArg ?? 1280);
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!book || !shots) {
  console.error("usage: node check.mjs <book folder> <screenshot folder> [width]");
  process.exit(2);
}
if (!existsSync(browserPath)) {
  console.log(`skipped: ${browserPath} not found (apt install chromium, or set CHROMIUM)`);
  process.exit(0);
}
mkdirSync(shots, { recursive: true });

// The chapters, in folders too: every page but mdBook's own (print, 404, toc).
const pages = readdirSync(book, { recursive: true })
  .filter((f) => f.endsWith(".html") && !["print.html", "404.html", "toc.html"].includes(f))
  .filter((f) => !f.startsWith("theme/") && !f.startsWith("FontAwesome/"))
  .sort();

const browser = await chromium.launch({
  executablePath: browserPath,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width, height: 900 } });
let problems = 0;
for (const name of pages) {
  await page.goto("file://" + resolve(join(book, name)), { waitUntil: "load" });
  const found = await page.evaluate(() => {
    const out = [];
    const main = document.querySelector("main");
    const text = (el) => (el.innerText || "").trim().split("\n")[0].slice(0, 60);
    // A table or code block wider than the box it sits in: its right part is hidden.
    for (const el of main.querySelectorAll("pre, table")) {
      const box = el.tagName === "TABLE" ? el.parentElement : el;
      if (box.scrollWidth > box.clientWidth + 1) {
        out.push(`${el.tagName.toLowerCase()} ${box.scrollWidth - box.clientWidth} px too wide: "${text(el)}"`);
      }
    }
    // A picture that did not load.
    for (const img of main.querySelectorAll("img")) {
      if (!img.complete || img.naturalWidth === 0) {
        out.push(`picture did not load: ${img.getAttribute("src")}`);
      } else if (img.getBoundingClientRect().right > main.getBoundingClientRect().right + 1) {
        out.push(`picture wider than the column: ${img.getAttribute("src")}`);
      }
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
      out.push(`the page is ${document.documentElement.scrollWidth - window.innerWidth} px wider than the window`);
    }
    return out;
  });
  await page.screenshot({ path: join(shots, name.replace(/\//g, "-").replace(/\.html$/, ".png")), fullPage: true });
  for (const problem of found) {
    console.log(`${name}: ${problem}`);
  }
  problems += found.length;
}
await browser.close();
console.log(`${pages.length} pages at ${width} px: ${problems} problem${problems === 1 ? "" : "s"}; screenshots in ${shots}`);
process.exit(problems === 0 ? 0 : 1);

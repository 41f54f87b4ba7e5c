// Builds static/dist from npm packages: GOV.UK Frontend compiled from Sass with the portal's
// settings, plus the JavaScript files the layout loads. Nothing built here is committed.
import { compile } from "sass";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "static", "dist");
mkdirSync(dist, { recursive: true });

const css = compile(join(root, "static", "src", "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
});
writeFileSync(join(dist, "app.css"), css.css);

const copies = {
  "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js": "govuk-frontend.min.js",
  "node_modules/htmx.org/dist/htmx.min.js": "htmx.min.js",
};
for (const [from, to] of Object.entries(copies)) {
  copyFileSync(join(root, from), join(dist, to));
}
console.log(`built static/dist: app.css ${Math.round(css.css.length / 1024)} KB`);

// Builds static/dist from npm packages: GOV.UK Frontend compiled from Sass with the portal's
// settings, the JavaScript files the layout loads, and the web fonts the stylesheet asks for
// (Urdu and Gujarati only; see app.scss). Nothing built here is committed.
//
// Every file the layout loads also gets a copy named after its content
// (`app.3f9c1a2b7d4e.css`), listed in static/dist/manifest.json: the app links to those
// (portal/core/serving.py) and sends them with a year's `immutable` cache, since a changed
// file gets a new name. The plain names are still written for anything that asks for them.
// Each text file in dist/ also gets `.gz` and `.br` siblings, compressed once here at the
// highest settings, which the app sends to browsers that accept them.
import { compile } from "sass";
import subsetFont from "subset-font";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, extname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const staticRoot = join(root, "static");
const dist = join(staticRoot, "dist");
const manifestPath = join(dist, "manifest.json");
mkdirSync(dist, { recursive: true });

// Source maps are not shipped, so their comments would only send browsers to a 404.
const withoutSourceMap = (text) => text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");

const css = compile(join(staticRoot, "src", "app.scss"), {
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
  writeFileSync(join(dist, to), withoutSourceMap(readFileSync(join(root, from), "utf8")));
}

// Web fonts: exactly the files the compiled stylesheet points at (`url(/static/dist/x.woff2)`
// in its @font-face rules), taken from the @fontsource package that ships each, so a weight
// or subset the CSS does not use is never served. A name no package has fails the build.
// Each file is cut down to the characters its rule's `unicode-range` names (HarfBuzz keeps
// every glyph those characters need to join and combine): a package's Arabic subset serves
// Persian, Sindhi and more, and the Urdu pages need only half of it.
const FONT_URL = /url\((["']?)\/static\/dist\/([^"')]+\.woff2)\1\)/;
const fontsource = join(root, "node_modules", "@fontsource");
const faces = new Map();
for (const [rule] of css.css.matchAll(/@font-face\s*\{[^}]*\}/g)) {
  const url = rule.match(FONT_URL);
  const range = rule.match(/unicode-range:\s*([^;}]+)/i);
  if (url) faces.set(url[2], range ? range[1] : null);
}
const fonts = [...faces.keys()];

// Every character a `unicode-range` value covers ("U+0600-06FF, U+200C, U+4??").
function charactersIn(range) {
  let text = "";
  for (const part of range.split(",")) {
    const [start, end] = part.trim().replace(/^U\+/i, "").split("-");
    const first = parseInt(start.replace(/\?/g, "0"), 16);
    const last = parseInt(end ?? start.replace(/\?/g, "F"), 16);
    for (let code = first; code <= last; code += 1) text += String.fromCodePoint(code);
  }
  return text;
}

for (const [font, range] of faces) {
  const from = readdirSync(fontsource)
    .map((name) => join(fontsource, name, "files", font))
    .find((path) => existsSync(path));
  if (!from) {
    throw new Error(`app.css asks for ${font}, which no @fontsource package has`);
  }
  const whole = readFileSync(from);
  const subset = range
    ? await subsetFont(whole, charactersIn(range), { targetFormat: "woff2" })
    : whole;
  writeFileSync(join(dist, font), subset);
}

// Names as the templates ask for them (relative to static/), dependencies before the files
// that refer to them: a file's hash covers the hashed names it points at.
const hashed = [
  "images/favicon.svg",
  "dist/govuk-frontend.min.js",
  "dist/htmx.min.js",
  "js/js-enabled.js",
  "js/app.mjs",
  "js/timeout.mjs",
  ...fonts.map((font) => `dist/${font}`),
  "dist/app.css",
];
const HASH_LENGTH = 12;
const HASHED_NAME = new RegExp(`\\.[0-9a-f]{${HASH_LENGTH}}\\.[a-z0-9]+$`);
const manifest = {};

// `import … from "../dist/x.js"` and `import("./y.mjs")` in modules, `url(/static/…)` in CSS:
// pointed at the hashed copies, which all sit together in dist/.
const JS_IMPORT = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']+)\2/g;
const CSS_URL = /url\((["']?)\/static\/([^"')?#]+)\1\)/g;

function rewrite(name, text) {
  if (name.endsWith(".css")) {
    return text.replace(CSS_URL, (whole, quote, target) =>
      manifest[target] ? `url(${quote}/static/${manifest[target]}${quote})` : whole,
    );
  }
  if (/\.m?js$/.test(name)) {
    return text.replace(JS_IMPORT, (whole, keyword, quote, specifier) => {
      const target = posix.normalize(posix.join(posix.dirname(name), specifier));
      return manifest[target]
        ? `${keyword}${quote}./${basename(manifest[target])}${quote}`
        : whole;
    });
  }
  return text;
}

for (const name of hashed) {
  const source = readFileSync(join(staticRoot, name));
  const isText = /\.(css|m?js|svg)$/.test(name);
  const content = isText ? Buffer.from(rewrite(name, source.toString("utf8"))) : source;
  const digest = createHash("sha256").update(content).digest("hex").slice(0, HASH_LENGTH);
  const extension = extname(name);
  const target = `${basename(name, extension)}.${digest}${extension}`;
  writeFileSync(join(dist, target), content);
  manifest[name] = `dist/${target}`;
  // A built file's plain name serves the same content (app.css pointing at the hashed fonts).
  if (isText && name.startsWith("dist/")) writeFileSync(join(staticRoot, name), content);
}

// Keep the previous build's hashed files, so pages a running server rendered before a
// deployment still find theirs; anything older goes.
let previous = {};
if (existsSync(manifestPath)) {
  try {
    previous = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch {
    previous = {};
  }
}
const keep = new Set([...Object.values(previous), ...Object.values(manifest)].map((p) => basename(p)));
for (const file of readdirSync(dist)) {
  const original = file.replace(/\.(gz|br)$/, "");
  if (HASHED_NAME.test(original) && !keep.has(original)) {
    rmSync(join(dist, file));
  }
}

// Precompressed siblings: gzip for every browser, brotli (smaller) for those that take it.
// Skipped where compression would not save anything worth a file.
const COMPRESSIBLE = /\.(css|m?js|svg)$/;
let compressedBytes = 0;
for (const file of readdirSync(dist)) {
  if (!COMPRESSIBLE.test(file)) continue;
  const content = readFileSync(join(dist, file));
  const gzip = gzipSync(content, { level: 9 });
  const brotli = brotliCompressSync(content, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
    },
  });
  for (const [suffix, body] of [
    [".gz", gzip],
    [".br", brotli],
  ]) {
    if (body.length < content.length * 0.95) {
      writeFileSync(join(dist, file + suffix), body);
    } else {
      rmSync(join(dist, file + suffix), { force: true });
    }
  }
  if (Object.values(manifest).includes(`dist/${file}`)) compressedBytes += brotli.length;
}

// Written last and renamed into place, so a running app never reads half a manifest.
writeFileSync(`${manifestPath}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
renameSync(`${manifestPath}.tmp`, manifestPath);
console.log(
  `built static/dist: app.css ${Math.round(css.css.length / 1024)} KB; ` +
    `${hashed.length} hashed files (${fonts.length} fonts), ` +
    `${Math.round(compressedBytes / 1024)} KB with brotli`,
);

/**
 * Bundles a package's JavaScript after `tsc` has emitted its declarations: one file per
 * `exports` entry (plus the extra entry sources given as arguments, e.g. a worker's main
 * file), shared code in `dist/chunks/`, dependencies left as imports. Node loads a few
 * modules instead of one per source file, which is most of a package's import time.
 *
 * Run from a package directory: `node ../../scripts/bundle.mjs [src/extra-entry.ts ...]`.
 * The `@polyhost/source` condition of each `exports` entry names its source; the `import`
 * condition names the file to write.
 */
import { readFileSync } from 'node:fs'
import { build } from 'esbuild'

const manifest = JSON.parse(readFileSync('package.json', 'utf8'))
const entryPoints = {}
for (const entry of Object.values(manifest.exports)) {
  const source = entry['@polyhost/source']
  const target = entry.import
  if (typeof source !== 'string' || typeof target !== 'string') {
    throw new Error(`${manifest.name}: every exports entry needs '@polyhost/source' and 'import' paths`)
  }
  entryPoints[outName(target)] = source
}
for (const source of process.argv.slice(2)) entryPoints[outName(source.replace(/^(\.\/)?src\//, 'dist/'))] = source

await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  // code shared by two entries lives once, so module state (registries, classes) is shared too
  splitting: Object.keys(entryPoints).length > 1,
  chunkNames: 'chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
})

/** `./dist/worker/main.js` → `worker/main` (esbuild's entry name, relative to outdir). */
function outName(path) {
  return path.replace(/^(\.\/)?dist\//, '').replace(/\.[cm]?[jt]s$/, '')
}

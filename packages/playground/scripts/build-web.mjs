// Bundles the playground page (web/src → dist/web/app.js) with esbuild and copies its
// static files. Prints the page weight: raw and gzip bytes of each file.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = new URL('..', import.meta.url)
const out = new URL('dist/web/', root)
await mkdir(out, { recursive: true })
await build({
  entryPoints: [new URL('web/src/main.ts', root).pathname],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  outfile: new URL('app.js', out).pathname,
  legalComments: 'none',
  logLevel: 'warning',
})
for (const f of ['index.html', 'app.css']) await copyFile(new URL(`web/${f}`, root), new URL(f, out))
const sizes = {}
for (const f of ['index.html', 'app.css', 'app.js']) {
  const b = await readFile(new URL(f, out))
  sizes[f] = { bytes: b.length, gzip: gzipSync(b).length }
}
await writeFile(new URL('sizes.json', out), `${JSON.stringify(sizes, null, 2)}\n`)
const total = Object.values(sizes).reduce((a, s) => ({ bytes: a.bytes + s.bytes, gzip: a.gzip + s.gzip }), { bytes: 0, gzip: 0 })
console.log(`page weight: ${total.bytes} bytes (${total.gzip} gzip) — app.js ${sizes['app.js'].bytes} (${sizes['app.js'].gzip} gzip)`)

// `npm run build` (run by `make install`): the portal's Bootstrap Italia from the package's
// sources into var/build/bootstrap-italia/ (served as static/vendor/bootstrap-italia/):
//   css/bootstrap-italia.min.css  Sass: assets/bootstrap-italia.scss (used components, fonts)
//   js/bootstrap-italia.min.js    esbuild: assets/bootstrap-italia.js (used plugins)
//   fonts/, svg/sprites.svg       copied from the package (woff2 and woff only)
// and the two libraries the pages load, only the files they use (served as
// static/vendor/echarts/ and static/vendor/leaflet/; the whole dist folders are 60 MB of
// variants and source maps that collectstatic would hash and compress for nothing):
//   var/build/echarts/echarts.min.js, var/build/leaflet/{leaflet.js (+ its source map, which it names),leaflet.css,images/}
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = join(root, 'node_modules', 'bootstrap-italia')
const out = join(root, 'var', 'build', 'bootstrap-italia')

rmSync(out, { recursive: true, force: true })
for (const dir of ['css', 'js', 'fonts', 'svg']) mkdirSync(join(out, dir), { recursive: true })

const css = sass.compile(join(root, 'assets', 'bootstrap-italia.scss'), {
  loadPaths: [join(pkg, 'src', 'scss'), join(root, 'node_modules')],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'slash-div'],
})
writeFileSync(join(out, 'css', 'bootstrap-italia.min.css'), css.css)

await esbuild.build({
  entryPoints: [join(root, 'assets', 'bootstrap-italia.js')],
  outfile: join(out, 'js', 'bootstrap-italia.min.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'bootstrap',
  target: ['es2019'],
  legalComments: 'none',
  logLevel: 'warning',
})

for (const family of readdirSync(join(pkg, 'dist', 'fonts'))) {
  cpSync(join(pkg, 'dist', 'fonts', family), join(out, 'fonts', family), {
    recursive: true,
    filter: (src) => !/\.(eot|svg|ttf)$/.test(src),
  })
}
cpSync(join(pkg, 'dist', 'svg', 'sprites.svg'), join(out, 'svg', 'sprites.svg'))

const vendor = {
  echarts: ['dist/echarts.min.js', 'LICENSE', 'NOTICE'],
  leaflet: ['dist/leaflet.js', 'dist/leaflet.js.map', 'dist/leaflet.css', 'dist/images', 'LICENSE'],
}
for (const [name, files] of Object.entries(vendor)) {
  const dest = join(root, 'var', 'build', name)
  rmSync(dest, { recursive: true, force: true })
  mkdirSync(dest, { recursive: true })
  for (const file of files) {
    const src = join(root, 'node_modules', name, file)
    if (existsSync(src)) cpSync(src, join(dest, file.replace(/^dist\//, '')), { recursive: true })
  }
}
console.log(`Bootstrap Italia built in ${out}; ECharts and Leaflet copied to var/build/`)

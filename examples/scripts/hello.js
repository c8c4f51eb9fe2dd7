// polyhost run examples/scripts/hello.js --global name=world
console.log(`hello from JavaScript, ${globalThis.name ?? 'stranger'}`)
;({ greeting: 'hello', to: globalThis.name ?? 'stranger', engine: 'quickjs' })

// The subset of the WebAssembly JS API this package uses. TypeScript ships these types only
// with the DOM lib, which a Node library should not pull in.
declare global {
  namespace WebAssembly {
    interface MemoryDescriptor {
      initial: number
      maximum?: number
    }
    class Memory {
      constructor(descriptor: MemoryDescriptor)
      readonly buffer: ArrayBuffer
      grow(delta: number): number
    }
    class Module {
      private constructor()
      static imports(module: Module): { module: string; name: string; kind: string }[]
    }
    type Imports = Record<string, Record<string, unknown>>
    class Instance {
      constructor(module: Module, imports?: Imports)
      readonly exports: Record<string, unknown>
    }
    class RuntimeError extends Error {}
    class LinkError extends Error {}
    function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>
  }
}

export {}

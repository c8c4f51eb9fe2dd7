declare module 'parse-prometheus-text-format' {
  interface PromMetric {
    readonly value?: string
    readonly count?: string
    readonly sum?: string
    readonly buckets?: Record<string, string>
    readonly labels?: Record<string, string>
  }
  interface PromFamily {
    readonly name: string
    readonly help: string
    readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'
    readonly metrics: readonly PromMetric[]
  }
  export default function parsePrometheusTextFormat(text: string): PromFamily[]
}

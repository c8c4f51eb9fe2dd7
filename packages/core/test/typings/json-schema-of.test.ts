import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import * as zm from 'zod/mini'
import { jsonSchemaOf } from '../../src/typings/schema-types.js'

// Typings read a schema's JSON Schema through zod itself: the classic API's own method, or
// zod's function for zod/mini schemas (which have no methods). Both give what zod's
// `z.toJSONSchema` gives, descriptions included.

const PARAMS = { unrepresentable: 'any', target: 'draft-2020-12' } as const

describe('jsonSchemaOf', () => {
  it('is z.toJSONSchema for classic schemas, descriptions and both sides included', () => {
    const s = z.object({ id: z.string().describe('order id'), qty: z.number().int().default(1), at: z.date() })
    for (const io of ['input', 'output'] as const) {
      expect(jsonSchemaOf(s, io)).toEqual(z.toJSONSchema(s, { io, ...PARAMS }))
    }
    expect(jsonSchemaOf(s, 'input').properties?.id?.description).toBe('order id')
  })

  it('is z.toJSONSchema for zod/mini schemas', () => {
    const s = zm.object({ id: zm.string(), tags: zm.array(zm.string()), n: zm.optional(zm.number()) })
    const expected = z.toJSONSchema(s, { io: 'input', ...PARAMS })
    expect(jsonSchemaOf(s as unknown as z.ZodType, 'input')).toEqual(expected)
    expect(expected.properties).toHaveProperty('tags')
  })
})

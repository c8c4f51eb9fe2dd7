---@meta polyhost
-- Types of what Polyhost scripts can see: bridges, globals, context and modules.
-- Generated from the host configuration; do not edit.

---Tenant key-value store
---@class polyhost.bridge.kv
kv = {}

---Reads a key; null when absent
---@param key string the key to read
---@return string|nil
function kv.get(key) end

---Keys with a prefix
---@param prefix? string
---@return string[]
function kv.list(prefix) end

---@param key string
---@param value string
---@return any
function kv.set(key, value) end

---Order arithmetic
---@class polyhost.bridge.orders
orders = {}

---@param arg1 { [1]: string, [2]: number }
---@param arg2? boolean
---@return string|number
function orders.pair(arg1, arg2) end

---Sums an order
---@param order { items: ({ sku: string, qty: integer, price: number })[] }
---@param currency "EUR"|"USD"
---@return { amount: number, currency: string }
function orders.total(order, currency) end

---The order being priced
---@class polyhost.global.order
---@field id string
---@field items ({ sku: string, qty: integer })[]

---@type polyhost.global.order
order = nil

---@type number
threshold = nil

---The execution's context: frozen, set by the host.
---@class polyhost.Context
---@field tenant string
---@field user? string

---@type polyhost.Context
context = nil

---Loads a module the host registered; nothing else resolves.
---@param name "util"
---@return any
function require(name) end

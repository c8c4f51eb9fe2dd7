-- polyhost run examples/scripts/hello.lua --global name=world
print("hello from Lua, " .. (name or "stranger"))
return { greeting = "hello", to = name or "stranger", lua = _VERSION }

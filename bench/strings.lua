local parts = {}
for i = 0, 199999 do
    local name = "vm-" .. i
    parts[#parts + 1] = name .. ":" .. (i * 2)
end
local joined = table.concat(parts, ",")
print(#joined)

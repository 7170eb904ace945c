local m = {}
local hits, count = 0, 0
for i = 0, 299999 do
    local k = "k" .. (i % 5000)
    if m[k] == nil then count = count + 1 end
    m[k] = i
    if m["k" .. ((i * 7) % 5000)] ~= nil then hits = hits + 1 end
    if i % 3 == 0 then
        local d = "k" .. ((i * 11) % 5000)
        if m[d] ~= nil then m[d] = nil; count = count - 1 end
    end
end
print(hits .. " " .. count)

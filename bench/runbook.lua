-- Shaped like a runbook (twin of runbook.vs): the host object is a small table with methods.
local Cidr = {}
Cidr.__index = Cidr
function Cidr.new(text)
    local a, b, c, d, prefix = text:match("(%d+)%.(%d+)%.(%d+)%.(%d+)/(%d+)")
    local self = setmetatable({}, Cidr)
    self.base = (tonumber(a) << 24) | (tonumber(b) << 16) | (tonumber(c) << 8) | tonumber(d)
    self.mask = (0xFFFFFFFF << (32 - tonumber(prefix))) & 0xFFFFFFFF
    return self
end
local function text(n)
    return string.format("%d.%d.%d.%d", n >> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255)
end
function Cidr:host(i) return text(self.base + i) end
function Cidr:contains(ip)
    local a, b, c, d = ip:match("(%d+)%.(%d+)%.(%d+)%.(%d+)")
    return ((((tonumber(a) << 24) | (tonumber(b) << 16) | (tonumber(c) << 8) | tonumber(d)) & self.mask) == self.base)
end

local net = Cidr.new("10.20.0.0/16")
local vms = {}
for i = 0, 19999 do
    vms[#vms + 1] = {name = "vm-" .. i, ip = net:host(i + 10), cpus = 1 + i % 4, memoryMB = 1024 * (1 + i % 8),
                     powered = i % 3 ~= 0, tags = {"env-" .. (i % 5), "tier-" .. (i % 3)}}
end
local lines = {}
local total = 0
for _, vm in ipairs(vms) do
    if vm.powered and net:contains(vm.ip) then
        lines[#lines + 1] = string.format("%-10s %s %dx%dMB %s", vm.name, vm.ip, vm.cpus, vm.memoryMB, table.concat(vm.tags, ","))
        total = total + vm.cpus
    end
end
local byEnv = {}
for _, vm in ipairs(vms) do
    local env = vm.tags[1]
    byEnv[env] = (byEnv[env] or 0) + 1
end
print(#lines .. " " .. total .. " " .. byEnv["env-0"] .. " " .. byEnv["env-4"])
print(lines[1])
print(lines[#lines])

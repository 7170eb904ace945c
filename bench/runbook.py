# Shaped like a runbook (twin of runbook.vs): the host object is a small class, as a Python runbook's
# SDK objects are.
class Cidr:
    def __init__(self, text):
        addr, prefix = text.split("/")
        a, b, c, d = (int(x) for x in addr.split("."))
        self.base = (a << 24) | (b << 16) | (c << 8) | d
        self.mask = (0xFFFFFFFF << (32 - int(prefix))) & 0xFFFFFFFF

    @staticmethod
    def text(n):
        return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def host(self, i):
        return Cidr.text(self.base + i)

    def contains(self, ip):
        a, b, c, d = (int(x) for x in ip.split("."))
        return (((a << 24) | (b << 16) | (c << 8) | d) & self.mask) == self.base


net = Cidr("10.20.0.0/16")
vms = []
for i in range(20000):
    vms.append({"name": f"vm-{i}", "ip": net.host(i + 10), "cpus": 1 + i % 4, "memoryMB": 1024 * (1 + i % 8),
                "powered": i % 3 != 0, "tags": [f"env-{i % 5}", f"tier-{i % 3}"]})
lines = []
total = 0
for vm in vms:
    if vm["powered"] and net.contains(vm["ip"]):
        lines.append(f"{vm['name'].ljust(10)} {vm['ip']} {vm['cpus']}x{vm['memoryMB']}MB {','.join(vm['tags'])}")
        total += vm["cpus"]
by_env = {}
for vm in vms:
    env = vm["tags"][0]
    by_env[env] = by_env.get(env, 0) + 1
print(len(lines), total, by_env["env-0"], by_env["env-4"])
print(lines[0])
print(lines[len(lines) - 1])

# Without a command line (a test, the REPL, an import), each parameter is its default, typed.
param org = "xav_lab", doc: "tenant org"
param ipCount = 8, doc: "IP block on the gateway"
param keep = false
param wait = 30m
param names = ["a", "b"]
param net: cidr = "192.168.10.1/24"
param limit: int = nil, doc: "optional: nil when not given"
print(org, ipCount, keep, wait, names)   # expect: xav_lab 8 false 30m ["a", "b"]
print(net.gateway, net.prefix)           # expect: 192.168.10.1 24
print(type(ipCount), type(net), limit)   # expect: int cidr nil

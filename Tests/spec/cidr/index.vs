let net = cidr("192.168.10.1/24")
print(net.index("192.168.10.10"), net.index("192.168.10.100"), net.index("192.168.10.0"))  # expect: 10 100 0
print(net.host(net.index("192.168.10.42")))  # expect: 192.168.10.42
try { net.index("192.168.11.1") } catch e { print(e.message) }  # expect: 192.168.11.1 is not in 192.168.10.0/24
try { net.index("192.168.10") } catch e { print(e.message) }  # expect: "192.168.10" is not an IPv4 address: 192.168.10 has 3 parts, not 4 (a.b.c.d)

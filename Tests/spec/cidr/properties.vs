let net = cidr("192.168.50.0/24")
print(net)  # expect: 192.168.50.0/24
print(net.prefix, net.network, net.netmask, net.broadcast)  # expect: 24 192.168.50.0 255.255.255.0 192.168.50.255
print(net.gateway, net.size, len(net.hosts))  # expect: 192.168.50.1 256 254
print(net.hosts[0], net.hosts[-1])  # expect: 192.168.50.1 192.168.50.254
print(net.host(10), net.host(-2))  # expect: 192.168.50.10 192.168.50.254
print(net.range(100, 110))  # expect: 192.168.50.100-192.168.50.110
print(type(net))  # expect: cidr

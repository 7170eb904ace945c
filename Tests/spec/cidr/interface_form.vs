# VCD writes a subnet as its gateway and prefix length: cidr() reads that form too.
let net = cidr("192.168.10.1/24")
print(net, net.text, net.network, net.prefix)  # expect: 192.168.10.0/24 192.168.10.0/24 192.168.10.0 24
print(net.gateway, net.netmask, net.broadcast, net.size)  # expect: 192.168.10.1 255.255.255.0 192.168.10.255 256
print(net.host(1), net.host(-2), len(net.hosts))  # expect: 192.168.10.1 192.168.10.254 254
print("192.168.10.77" in net, net.contains("192.168.11.1"))  # expect: true false
print(net.contains("192.168.10.129/25"), cidr("192.168.0.1/16").contains(net))  # expect: true true
let odd = cidr("10.0.0.9/29")
print(odd.gateway, odd.network, odd.hosts)  # expect: 10.0.0.9 10.0.0.8 ["10.0.0.9", "10.0.0.10", "10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.14"]
print(cidr("192.168.10.0/24").gateway)  # expect: 192.168.10.1

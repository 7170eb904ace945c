let p2p = cidr("10.0.0.0/31")
print(p2p.hosts, p2p.size)  # expect: ["10.0.0.0", "10.0.0.1"] 2
let one = cidr("10.9.9.9/32")
print(one.hosts, one.gateway)  # expect: ["10.9.9.9"] 10.9.9.9
let all = cidr("0.0.0.0/0")
print(all.size, all.contains("8.8.8.8"))  # expect: 4294967296 true
let slash30 = cidr("192.168.255.0/30")
print(slash30.hosts)  # expect: ["192.168.255.1", "192.168.255.2"]

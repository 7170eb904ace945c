let net = cidr("10.0.0.0/16")
print(net.contains("10.0.200.1"), net.contains("10.1.0.1"))  # expect: true false
print("10.0.0.5" in net, "192.168.0.1" in net)  # expect: true false
print(net.contains("10.0.8.0/24"), net.contains("10.0.0.0/8"))  # expect: true false
print(net.contains(cidr("10.0.1.0/24")))  # expect: true

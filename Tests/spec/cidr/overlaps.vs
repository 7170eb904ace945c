let nodes = cidr("192.168.10.1/24")
print(nodes.overlaps("192.168.0.0/16"), nodes.overlaps(cidr("192.168.10.128/25")))  # expect: true true
print(nodes.overlaps("192.168.255.1/25"), nodes.overlaps("172.18.0.0/16"))  # expect: false false
print(cidr("172.18.0.1/24").overlaps("172.18.0.0/16"), cidr("10.0.0.5/32").overlaps("10.0.0.0/24"))  # expect: true true

let big = cidr("10.0.0.0/8")
print(big.host(1))  # expect: 10.0.0.1
print(len(big.hosts))
# expect error: has 16777214 hosts; use .host(n) for large networks

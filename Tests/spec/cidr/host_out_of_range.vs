cidr("10.0.0.0/30").host(4)
# expect error: 10.0.0.0/30 has no address number 4

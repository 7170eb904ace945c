cidr("10.0.0.0/8").contains("not-an-ip")
# expect error: "not-an-ip" is not an IPv4 address

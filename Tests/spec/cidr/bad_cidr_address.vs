cidr("300.1.1.0/24")
# expect error: "300.1.1.0/24" is not a network in CIDR notation

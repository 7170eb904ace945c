cidr("192.168.50.0/33")
# expect error: error[value]: "192.168.50.0/33" is not a network in CIDR notation
# expect error: write it as address/prefix

cidr("10.0.0.0/8").overlaps("10.0.0.0")
# expect error: error[value]: "10.0.0.0" is not a network in CIDR notation: the /prefix length is missing

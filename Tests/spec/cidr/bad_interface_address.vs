cidr("300.1.1.1/24")
# expect error: error[value]: "300.1.1.1/24" is not a network in CIDR notation: 300 is more than 255
# expect error: "192.168.50.1/24" (a gateway and its prefix)

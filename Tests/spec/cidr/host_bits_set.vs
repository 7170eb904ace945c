cidr("192.168.50.1/24")
# expect error: 192.168.50.1/24 has host bits set
# expect error: the network address is 192.168.50.0/24

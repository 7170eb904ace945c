import "./_lib/net-utils.vs"
print(net_utils.mask(24))  # expect: /24

# `as` binds the parameter under another name in the script: here the command line's cidr= keeps
# the builtin cidr() usable.
param cidr as nodeCIDR = "192.168.10.1/24", doc: "the nodes' gateway/prefix"
print(nodeCIDR, cidr(nodeCIDR).network)   # expect: 192.168.10.1/24 192.168.10.0

# A default given as text is read as the command line's would be, and must fit the type.
param net: cidr = "192.168.300.1/24"
# expect error: the default of parameter net: "192.168.300.1/24" is not a network in CIDR notation
# expect exit: 1

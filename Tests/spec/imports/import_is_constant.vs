import "./_lib/net-utils.vs" as n
n = 1
# expect error: cannot assign to n: it is a constant

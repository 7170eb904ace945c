let nets = [cidr("10.0.0.0/8"), cidr("172.16.0.0/12")]
nets.sort()
# expect error: cannot compare cidr and cidr
# expect error: hint: sort objects by a field: xs.sort(key: fn(o) { o.name })

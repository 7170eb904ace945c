let nets = [cidr("10.0.0.0/8"), cidr("172.16.0.0/12")]
print(nets.sorted(key: fn(n) { n }))
# expect error: hint: the key function returned cidr objects; return one of their fields: xs.sorted(key: fn(o) { o.name })

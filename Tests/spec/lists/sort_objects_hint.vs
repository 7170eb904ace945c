# Objects have no order of their own: the error says how to sort them by a field.
let nets = [cidr("10.0.0.0/8"), cidr("172.16.0.0/12")]
print(sorted(nets, key: fn(n) { n.text }, reverse: true), nets.sorted(key: fn(n) { n.prefix }))
# expect: [172.16.0.0/12, 10.0.0.0/8] [10.0.0.0/8, 172.16.0.0/12]
print(sorted(nets))
# expect error: cannot compare cidr and cidr (operator <)
# expect error: hint: sort objects by a field: sorted(xs, key: fn(o) { o.name })

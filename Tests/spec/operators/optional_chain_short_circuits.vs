# `?.` on nil skips the whole rest of the chain: members, calls and indexes after it.
let gw = nil
print(gw?.loadBalancer.enabled)
print(gw?.nat.get("snat").name)
print(gw?.ips[0])
let m = {lb: {enabled: true}}
print(m?.lb.enabled)
print((gw?.a ?? {b: 2}).b)
# expect: nil
# expect: nil
# expect: nil
# expect: true
# expect: 2

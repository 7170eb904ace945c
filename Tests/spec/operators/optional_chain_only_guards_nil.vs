# Only nil short-circuits: a missing key after ?. is still an error.
let m = {lb: {}}
print(m?.lb.enabled)
# expect error: no key "enabled" in the map

param size = "small", doc: "the flavour", allowed: ["small", "large"],
      check: fn(s) { len(s) > 0 }
print(size)   # expect: small

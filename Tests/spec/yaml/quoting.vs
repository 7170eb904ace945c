# Strings that would read back as another type (here or in YAML 1.1 readers) are quoted.
let tricky = {a: "true", b: "123", c: "1.5", d: "null", e: "x: y", f: "", g: "yes", h: "0x1F", i: "10.0.0.1", j: "- x", k: "#c"}
let doc = yaml.encode(tricky)
print(yaml.decode(doc) == tricky)  # expect: true
print(doc.contains("\ng: \"yes\""), doc.contains("\nh: \"0x1F\""))  # expect: true true
let keys = yaml.encode({"true": 1, "on": 2, "3": 3})
print(yaml.decode(keys) == {"true": 1, "on": 2, "3": 3})  # expect: true
print(yaml.encode({plain: "web-01"}).trim())  # expect: plain: web-01

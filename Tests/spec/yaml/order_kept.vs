# Maps keep their key order through JSON and YAML, both ways (one ordered document model).
let doc = json.decode("{\"zeta\": 1, \"alpha\": {\"y\": true, \"b\": [2, 1]}, \"mid\": \"x\"}")
print(keys(doc))  # expect: ["zeta", "alpha", "mid"]
let text = yaml.encode(doc)
print(text.split("\n")[0])  # expect: zeta: 1
let back = yaml.decode(text)
print(keys(back.alpha))  # expect: ["y", "b"]
print(json.encode(back))  # expect: {"zeta":1,"alpha":{"y":true,"b":[2,1]},"mid":"x"}

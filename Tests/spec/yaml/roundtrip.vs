let v = {name: "w", nested: {list: [1, 2.5, "s", nil, false]}, "key with space": "v"}
print(yaml.decode(yaml.encode(v)) == v)  # expect: true

let original = {name: "lab", vdcs: [{n: 1}, {n: 2}], ok: true, none: nil, f: 0.25}
let back = json.decode(json.encode(original))
print(back == original)  # expect: true
print(json.encode(back) == json.encode(original, indent: 0))  # expect: true

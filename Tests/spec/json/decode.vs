let v = json.decode("{\"z\": 1, \"a\": [1.5, true, null, \"s\"], \"big\": 12345678901}")
print(v)  # expect: {z: 1, a: [1.5, true, nil, "s"], big: 12345678901}
print(type(v.z), type(v.a[0]))  # expect: int float
print(json.decode("\"\\u00e9\\ud83d\\ude00\""))  # expect: é😀
print(json.decode("  [ ]  "), json.decode("-0.5e1"))  # expect: [] -5.0

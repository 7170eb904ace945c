print(json.encode({b: 1, a: [true, nil, 2.5, "x\"y"]}))  # expect: {"b":1,"a":[true,null,2.5,"x\"y"]}
print(json.encode([]), json.encode({}), json.encode("s"), json.encode(3))  # expect: [] {} "s" 3
print(json.encode(90s), json.encode(1.0))  # expect: "1m30s" 1.0
print(json.encode({a: [1, {b: 2}]}, indent: 2))
# expect: {
# expect:   "a": [
# expect:     1,
# expect:     {
# expect:       "b": 2
# expect:     }
# expect:   ]
# expect: }
print(json.encode("tab\there\nnl \u{1}"))  # expect: "tab\there\nnl \u0001"

print({})  # expect: {}
print({name: "x", "k-2": 2})  # expect: {name: "x", "k-2": 2}
let k = "computed"
print({[k]: 1, [1 + 1]: "int key"})  # expect: {computed: 1, 2: "int key"}
print({1: "a", true: "b", [false]: "c"})  # expect: {1: "a", "true": "b", [false]: "c"}
let multi = {
    a: 1,
    b: 2,
}
print(multi)  # expect: {a: 1, b: 2}
print(type({}))  # expect: map

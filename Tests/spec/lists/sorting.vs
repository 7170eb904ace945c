let xs = [3, 1, 2]
print(xs.sorted(), xs)  # expect: [1, 2, 3] [3, 1, 2]
xs.sort(reverse: true)
print(xs)  # expect: [3, 2, 1]
let people = [{name: "bo", age: 30}, {name: "al", age: 25}]
print(people.sorted(key: fn(p) { p.age }).map(fn(p) { p.name }))  # expect: ["al", "bo"]
print(sorted(["b", "C", "a"]))  # expect: ["C", "a", "b"]
print(sorted(["b", "C", "a"], key: fn(s) { s.lower() }))  # expect: ["a", "b", "C"]

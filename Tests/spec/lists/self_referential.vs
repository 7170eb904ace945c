# A list or map that contains itself prints as [...] / {...} instead of recursing forever.
let xs = [1]
xs.append(xs)
xs.append(xs)
print(xs)  # expect: [1, [...], [...]]
let m = {name: "m"}
m.self = m
m.list = [m]
print(m)  # expect: {name: "m", self: {...}, list: [{...}]}
print(xs == xs, len(str(xs)))  # expect: true 17

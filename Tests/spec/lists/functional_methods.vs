let xs = [1, 2, 3, 4]
print(xs.map(fn(x) { x * x }))  # expect: [1, 4, 9, 16]
print(xs.filter(fn(x) { x % 2 == 0 }))  # expect: [2, 4]
print(xs.reduce(fn(a, x) { a + x }))  # expect: 10
print(xs.reduce(fn(a, x) { a + x }, 100))  # expect: 110
print(xs.find(fn(x) { x > 2 }), xs.find(fn(x) { x > 9 }))  # expect: 3 nil
print(xs.any(fn(x) { x > 3 }), xs.all(fn(x) { x > 3 }))  # expect: true false
print([0, 1].any(), [0, 1].all())  # expect: true false
var seen = []
xs.each(fn(x) { seen.append(x) })
print(seen)  # expect: [1, 2, 3, 4]
print(xs.map(str))  # expect: ["1", "2", "3", "4"]

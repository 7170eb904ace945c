print(1 == 1.0)  # expect: true
print(1 != 2)  # expect: true
print("a" == "a")  # expect: true
print([1, [2, 3]] == [1, [2, 3]])  # expect: true
print({a: 1, b: 2} == {b: 2, a: 1})  # expect: true
print([1] == [1, 2])  # expect: false
print(1 == "1")  # expect: false
print(nil == 0)  # expect: false
print(1s == 1000ms)  # expect: true
let f = fn() { 1 }
print(f == f)  # expect: true
print(fn() { 1 } == fn() { 1 })  # expect: false

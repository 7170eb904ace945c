let xs = [1]
xs.append(2)
xs.extend([3, 4])
xs.insert(0, 0)
xs.insert(-1, 3.5)
print(xs)  # expect: [0, 1, 2, 3, 3.5, 4]
print(xs.pop(), xs.pop(0))  # expect: 4 0
print(xs.remove(3.5), xs.remove(99))  # expect: true false
print(xs)  # expect: [1, 2, 3]
xs.clear()
print(xs, len(xs))  # expect: [] 0

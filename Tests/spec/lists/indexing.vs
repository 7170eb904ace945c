let xs = [10, 20, 30, 40]
print(xs[0], xs[3], xs[-1], xs[-4])  # expect: 10 40 40 10
xs[1] = 21
xs[-1] = 41
print(xs)  # expect: [10, 21, 30, 41]
print(xs.count, xs.first, xs.last, xs.isEmpty)  # expect: 4 10 41 false
print([].first, [].last, [].isEmpty)  # expect: nil nil true

let xs = [1]
xs.append(xs)
print([{name: "a", items: xs}])
# expect: NAME  ITEMS
# expect: a     1,1,1,[1, [...]]

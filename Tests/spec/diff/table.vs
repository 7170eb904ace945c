# The result is a list of maps: it prints as a table.
print(diff({a: 1, b: "x"}, {a: 2, c: [1]}))
# expect: FIELD  LEFT  RIGHT
# expect: a      1     2
# expect: b      x     -
# expect: c      -     1

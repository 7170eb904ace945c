# Newlines inside ( and [ do not end statements; a backslash continues a line;
# binary operators at the end of a line continue onto the next.
let total = sum([
    1,
    2,
    3,
])
print(total)  # expect: 6
let n = 1 + \
    2
print(n)  # expect: 3
let m = 10 -
    4
print(m)  # expect: 6
print(max(1,
          7,
          3))  # expect: 7

# A list that contains itself prints without recursing forever.
let xs = [1]
xs.append(xs)
let text = str(xs)
print(text.startsWith("[1, [1, [1,"))  # expect: true
print(len(text) < 1000)  # expect: true

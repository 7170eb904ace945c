var v = []
for i in 0..<5000 { v = [v] }
let text = str(v)
print(len(text) < 200)  # expect: true
print(v == v)  # expect: true

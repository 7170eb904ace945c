let s = "hello"
print(s[0], s[-1], s[1..<3])  # expect: h o el
print(s[3..<100])  # expect: lo
print(s.count, s.isEmpty, "".isEmpty)  # expect: 5 false true
print(len("héllo"), "héllo"[1])  # expect: 5 é
let emoji = "a👍b"
print(len(emoji), emoji[1])  # expect: 3 👍

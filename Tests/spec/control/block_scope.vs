for i in 0..<1 { let y = i }
print(y)
# expect error: unknown name y
# expect exit: 65
